//! The start page, the reporter's list, the accessibility statement, health checks.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tertial_domain::Role;

use super::{Chrome, ok};
use crate::error::WebError;
use crate::session::Signed;
use crate::{AppState, text, time};

/// Sends each person to where their work is.
pub async fn home(signed: Signed) -> Response {
    match signed.actor().role {
        Role::Reporter => Redirect::to("/rapporter").into_response(),
        Role::Coordinator | Role::Admin => Redirect::to("/omgangar").into_response(),
        Role::Reader => Redirect::to("/publicerat").into_response(),
    }
}

pub struct ReportRow {
    pub id: i64,
    pub round: String,
    pub body: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub deadline: String,
    pub updated: String,
    /// The page comparing the body's answers with its round before, when it had one.
    pub compare: Option<String>,
}

#[derive(Template)]
#[template(path = "my_reports.html")]
struct MyReports {
    chrome: Chrome,
    rows: Vec<ReportRow>,
}

pub async fn my_reports(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, WebError> {
    let listing = state.app.my_reports(signed.actor()).await?;
    // A report can be compared when the body has one in an earlier round of the follow-up.
    let compare = |o: &tertial_app::ReportOverview, r: &tertial_domain::Round| {
        listing
            .iter()
            .any(|(earlier, e)| {
                earlier.body.id == o.body.id
                    && e.follow_up_id == r.follow_up_id
                    && (e.year, e.period) < (r.year, r.period)
            })
            .then(|| format!("/omgangar/{}/jamfor?organ={}", r.id.0, o.body.id.0))
    };
    let rows = listing
        .iter()
        .map(|(overview, round)| ReportRow {
            id: overview.report.id.0,
            round: text::round_name(round),
            body: overview.body.name.clone(),
            status: text::report_status(overview.report.status, round.status),
            status_code: overview.report.status.code(),
            // The body's own deadline, if it was given one.
            deadline: overview.deadline.unwrap_or(round.deadline).to_string(),
            updated: overview
                .report
                .updated_at
                .map(time::date_time)
                .unwrap_or_else(|| "–".into()),
            compare: compare(overview, round),
        })
        .collect();
    ok(&MyReports {
        chrome: Chrome::of(&signed),
        rows,
    })
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityStatement {
    chrome: Chrome,
    organisation: String,
    /// Where to report a problem: (href, as shown).
    contact: Option<(String, String)>,
    compliance: &'static str,
    gaps: &'static [&'static str],
    written: String,
    reviewed: String,
}

/// The accessibility statement, after the model of the supervisory authority (Digg): public,
/// in the frame of whoever is signed in.
pub async fn accessibility(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, WebError> {
    let chrome = match super::signed_in_if_any(&state, &headers).await? {
        Some(signed) => Chrome::of(&signed),
        None => Chrome::anonymous(),
    };
    let brand = &state.settings.brand;
    let contact = brand
        .accessibility_contact
        .as_ref()
        .map(|contact| (contact.href(), contact.shown().to_owned()));
    let gaps = text::KNOWN_ACCESSIBILITY_GAPS;
    ok(&AccessibilityStatement {
        chrome,
        organisation: brand
            .organisation
            .clone()
            .unwrap_or_else(|| text::UNNAMED_ORGANISATION.into()),
        contact,
        compliance: if gaps.is_empty() {
            text::FULLY_COMPLIANT
        } else {
            text::PARTLY_COMPLIANT
        },
        gaps,
        written: crate::time::date(text::STATEMENT_WRITTEN),
        reviewed: crate::time::date(brand.statement_reviewed.unwrap_or(text::STATEMENT_WRITTEN)),
    })
}

/// Ready when the database takes writes now, answered within 1.5 s (a load balancer or
/// monitor asks often, and a hanging database must read as not ready, not as slow).
pub async fn ready(State(state): State<AppState>) -> Response {
    match state.app.ready(READY_WITHIN).await {
        Ok(()) => "ok".into_response(),
        Err(e) => {
            tracing::warn!(error = %tertial_app::chain(&e), "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

const READY_WITHIN: std::time::Duration = std::time::Duration::from_millis(1500);

pub async fn not_found() -> WebError {
    WebError::new(StatusCode::NOT_FOUND, text::NOT_FOUND)
}
