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
    let rows = state
        .app
        .my_reports(signed.actor())
        .await?
        .into_iter()
        .map(|(overview, round)| ReportRow {
            id: overview.report.id.0,
            round: text::round_name(&round),
            body: overview.body.name,
            status: text::report_status(overview.report.status, round.status),
            status_code: overview.report.status.code(),
            deadline: round.deadline.to_string(),
            updated: overview
                .report
                .updated_at
                .map(time::date_time)
                .unwrap_or_else(|| "–".into()),
        })
        .collect();
    ok(&MyReports {
        chrome: Chrome::of(&signed),
        rows,
    })
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct Message {
    pub chrome: Chrome,
    pub title: &'static str,
    pub paragraphs: Vec<&'static str>,
}

pub async fn published(signed: Signed) -> Result<Response, WebError> {
    ok(&Message {
        chrome: Chrome::of(&signed),
        title: "Publicerade rapporter",
        paragraphs: vec!["Inga rapporter är publicerade än."],
    })
}

pub async fn accessibility(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<Response, WebError> {
    // The statement is public; show the frame of whoever is signed in.
    let secure = state.settings.secure_cookies;
    let chrome = match crate::session::cookie(&headers, crate::session::Cookie::Session, secure) {
        Some(token) => match state.app.session(&token).await? {
            Some(session) => Chrome::of(&Signed { token, session }),
            None => Chrome::anonymous(),
        },
        None => Chrome::anonymous(),
    };
    ok(&Message {
        chrome,
        title: "Tillgänglighetsredogörelse",
        paragraphs: vec![
            "Tertial ska kunna användas av alla. Tjänsten är utformad för att uppfylla \
             WCAG 2.1 på nivå AA, enligt lagen (2018:1937) om tillgänglighet till digital \
             offentlig service.",
            "Varje sida kontrolleras automatiskt med verktyget axe i en riktig webbläsare \
             innan en ny version släpps. Alla formulär fungerar med tangentbord och utan \
             JavaScript, och svar sparas automatiskt när JavaScript är påslaget.",
            "Kända brister: inga kända brister i nuläget.",
            "Om du stöter på hinder i tjänsten, kontakta den som förvaltar tjänsten i din \
             kommun. Du kan också anmäla till Myndigheten för digital förvaltning (Digg), \
             som är tillsynsmyndighet.",
        ],
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
