//! The coordinator's view: rounds, and every body's status in one.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use tertial_domain::RoundId;

use super::{Chrome, ok, path_id};
use crate::error::WebError;
use crate::session::Signed;
use crate::{AppState, text, time};

pub struct RoundRow {
    pub id: i64,
    pub name: String,
    pub follow_up: String,
    pub status: &'static str,
    pub deadline: String,
    pub submitted: usize,
    pub reports: usize,
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct RoundsPage {
    chrome: Chrome,
    rows: Vec<RoundRow>,
}

pub async fn list(State(state): State<AppState>, signed: Signed) -> Result<Response, WebError> {
    let rows = state
        .app
        .rounds(signed.actor())
        .await?
        .into_iter()
        .map(|l| RoundRow {
            id: l.round.id.0,
            name: text::round_name(&l.round),
            follow_up: l.follow_up.title,
            status: text::round_status(l.round.status),
            deadline: l.round.deadline.to_string(),
            submitted: l.submitted,
            reports: l.reports,
        })
        .collect();
    ok(&RoundsPage {
        chrome: Chrome::of(&signed),
        rows,
    })
}

pub struct BodyRow {
    pub id: i64,
    pub body: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub updated: String,
    pub submitted: String,
}

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    chrome: Chrome,
    name: String,
    follow_up: String,
    status: &'static str,
    deadline: String,
    submitted: usize,
    rows: Vec<BodyRow>,
}

pub async fn overview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    let overview = state.app.round_overview(signed.actor(), id).await?;
    let dash = || "–".to_owned();
    let rows: Vec<BodyRow> = overview
        .reports
        .iter()
        .map(|o| BodyRow {
            id: o.report.id.0,
            body: o.body.name.clone(),
            status: text::report_status(o.report.status, overview.round.status),
            status_code: o.report.status.code(),
            updated: o
                .report
                .updated_at
                .map(time::date_time)
                .unwrap_or_else(dash),
            submitted: o
                .report
                .submitted_at
                .map(time::date_time)
                .unwrap_or_else(dash),
        })
        .collect();
    ok(&RoundPage {
        chrome: Chrome::of(&signed),
        name: text::round_name(&overview.round),
        follow_up: overview.follow_up.title.clone(),
        status: text::round_status(overview.round.status),
        deadline: crate::time::date(overview.round.deadline),
        submitted: overview
            .reports
            .iter()
            .filter(|o| tertial_domain::workflow::handed_in(o.report.status))
            .count(),
        rows,
    })
}
