//! The outbox (Utskick): every mail Tertial queued, with where it stands, for admins and
//! coordinators. Without SMTP configured this is where mail ends up, readable in full.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use tertial_app::MailRecord;
use tertial_domain::MailId;
use tertial_domain::mail::MailStatus;

use super::{Chrome, ok, path_id};
use crate::error::WebError;
use crate::session::Signed;
use crate::{AppState, text, time};

pub struct MailRow {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub kind: &'static str,
    pub created: String,
    pub status: &'static str,
    pub status_code: &'static str,
    /// When sent, or the last error and what comes next.
    pub detail: String,
}

impl MailRow {
    fn of(mail: &MailRecord) -> MailRow {
        let status = mail.status();
        MailRow {
            id: mail.id.0,
            recipient: mail.recipient.clone(),
            subject: mail.subject.clone(),
            kind: text::mail_kind(mail.kind),
            created: time::date_time(mail.created_at),
            status: text::mail_status(status),
            status_code: match status {
                MailStatus::Waiting => "mail-waiting",
                MailStatus::Sent => "mail-sent",
                MailStatus::Failed => "mail-failed",
            },
            detail: text::mail_detail(
                status,
                mail.sent_at.map(time::date_time),
                mail.attempts,
                mail.last_error.as_deref(),
                time::date_time(mail.next_attempt_at),
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    chrome: Chrome,
    rows: Vec<MailRow>,
    page: i64,
    pages: i64,
    total: i64,
}

#[derive(Deserialize)]
pub struct PageQuery {
    sida: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
    signed: Signed,
) -> Result<Response, WebError> {
    // A page number that is not one shows the first page.
    let page = query.sida.and_then(|s| s.parse::<i64>().ok()).unwrap_or(1);
    let outbox = state.app.outbox(signed.actor(), page).await?;
    ok(&OutboxPage {
        chrome: Chrome::of(&signed),
        rows: outbox.mails.iter().map(MailRow::of).collect(),
        page: outbox.page,
        pages: outbox.pages,
        total: outbox.total,
    })
}

#[derive(Template)]
#[template(path = "mail.html")]
struct MailPage {
    chrome: Chrome,
    row: MailRow,
    body: String,
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: MailId = path_id(&id)?;
    let mail = state.app.outbox_mail(signed.actor(), id).await?;
    ok(&MailPage {
        chrome: Chrome::of(&signed),
        row: MailRow::of(&mail),
        body: mail.body,
    })
}
