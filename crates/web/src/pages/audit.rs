//! The audit log for coordinators and admins: filters as plain GET parameters (so the page
//! works without JavaScript and a filtered view can be linked to), newest entries first.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tertial_app::{AuditQuery, Subject};
use tertial_domain::{AuditAction, AuditSubject, BodyId, RoundId, UserId};

use super::{Chrome, ok};
use crate::error::WebError;
use crate::session::Signed;
use crate::{AppState, text, time};

/// The page's parameters as sent; anything that does not parse is no filter.
#[derive(Deserialize, Default)]
pub struct AuditParams {
    person: Option<String>,
    handelse: Option<String>,
    organ: Option<String>,
    omgang: Option<String>,
    fore: Option<String>,
}

impl AuditParams {
    fn query(&self) -> AuditQuery {
        let id = |raw: &Option<String>| raw.as_deref().and_then(|v| v.parse::<i64>().ok());
        AuditQuery {
            actor: id(&self.person).map(UserId),
            action: self.handelse.as_deref().and_then(AuditAction::from_code),
            body: id(&self.organ).map(BodyId),
            round: id(&self.omgang).map(RoundId),
            before: id(&self.fore),
        }
    }
}

struct Line {
    at: String,
    by: String,
    action: String,
    subject: String,
    detail: String,
}

/// A choice in a filter: value, label, chosen.
type Choice = (String, String, bool);

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    lines: Vec<Line>,
    people: Vec<Choice>,
    actions: Vec<Choice>,
    bodies: Vec<Choice>,
    rounds: Vec<Choice>,
    filtered: bool,
    /// The address of the next, older page.
    older: Option<String>,
    /// Shown when this is not the newest page.
    newest: Option<String>,
}

pub async fn audit_log(
    State(state): State<AppState>,
    Query(params): Query<AuditParams>,
    signed: Signed,
) -> Result<Response, WebError> {
    let query = params.query();
    let log = state.app.audit_log(signed.actor(), &query).await?;
    let choice = |value: i64, label: &str, chosen: Option<i64>| {
        (value.to_string(), label.to_owned(), chosen == Some(value))
    };
    let lines = log
        .lines
        .iter()
        .map(|line| Line {
            at: time::date_time(line.at),
            by: line.by.clone().unwrap_or_else(|| text::NOBODY.to_owned()),
            action: line.action.map_or_else(
                || line.action_code.clone(),
                |a| text::audit_action(a).to_owned(),
            ),
            subject: match &line.subject {
                Subject::Report { body, round } => format!("{body}, {}", text::round_name(round)),
                Subject::Round(round) => text::round_name(round),
                Subject::User(name) | Subject::Body(name) => name.clone(),
                Subject::Other(AuditSubject::Mail(id)) => format!("{} {id}", text::MAIL),
                Subject::Other(other) => text::audit_subject(*other).to_owned(),
                Subject::Unknown(stored) => stored.clone(),
            },
            detail: line.detail.clone(),
        })
        .collect();
    // The address of this view with another starting point.
    let address = |before: Option<i64>| {
        let mut parts = Vec::new();
        let mut add = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                parts.push(format!("{name}={value}"));
            }
        };
        add("person", query.actor.map(|u| u.0.to_string()));
        add("handelse", query.action.map(|a| a.code().to_owned()));
        add("organ", query.body.map(|b| b.0.to_string()));
        add("omgang", query.round.map(|r| r.0.to_string()));
        add("fore", before.map(|b| b.to_string()));
        if parts.is_empty() {
            "/handelselogg".to_owned()
        } else {
            format!("/handelselogg?{}", parts.join("&"))
        }
    };
    ok(&AuditPage {
        chrome: Chrome::of(&signed),
        lines,
        people: log
            .choices
            .people
            .iter()
            .map(|(id, name)| choice(id.0, name, query.actor.map(|u| u.0)))
            .collect(),
        actions: AuditAction::ALL
            .iter()
            .map(|a| {
                (
                    a.code().to_owned(),
                    text::audit_action(*a).to_owned(),
                    query.action == Some(*a),
                )
            })
            .collect(),
        bodies: log
            .choices
            .bodies
            .iter()
            .map(|b| choice(b.id.0, &b.short_name, query.body.map(|b| b.0)))
            .collect(),
        rounds: log
            .choices
            .rounds
            .iter()
            .map(|r| choice(r.id.0, &text::round_name(r), query.round.map(|r| r.0)))
            .collect(),
        filtered: query.actor.is_some()
            || query.action.is_some()
            || query.body.is_some()
            || query.round.is_some(),
        older: log.older.map(|id| address(Some(id))),
        newest: query.before.map(|_| address(None)),
    })
}
