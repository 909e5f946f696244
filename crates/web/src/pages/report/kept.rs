//! Text that was posted but not saved, shown beside what is stored, to save field by field.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use tertial_app::{FieldEntry, ReportAccess};
use tertial_domain::{FieldValue, ReportId};

use super::super::{Chrome, render};
use super::posting::entries;
use super::view::{Overlay, ReportTemplate, report_view};
use crate::error::WebError;
use crate::form::FormData;
use crate::session::Signed;
use crate::{AppState, text};

/// A posted text that differs from what is stored now, with what is stored.
pub(super) struct KeptText {
    pub code: String,
    /// The question's number and text, or the field's name.
    pub label: String,
    /// The posted text as posted (to save), and as shown ("Ej aktuellt" when ticked).
    pub text: String,
    pub mine: String,
    pub not_applicable: bool,
    pub stored: String,
    pub stored_at: String,
    /// The stored version and its fingerprint: a save from here is based on them.
    pub version: i64,
    pub fingerprint: String,
}

/// The posted texts that differ from what the form's fields hold now, in form order.
pub(super) fn kept_texts(view: &ReportTemplate, posted: &[FieldEntry]) -> Vec<KeptText> {
    let shown = |text: &str, na: bool| {
        if na {
            text::NOT_APPLICABLE.to_owned()
        } else {
            text.to_owned()
        }
    };
    view.sections
        .iter()
        .flat_map(|s| &s.fields)
        .chain(&view.contact)
        .chain(&view.other)
        .filter_map(|field| {
            let entry = posted.iter().find(|e| e.code == field.code)?;
            let mine = posted_value(entry);
            let not_applicable = mine.not_applicable && field.na_allowed;
            let changed = mine.text != field.text || not_applicable != field.not_applicable;
            changed.then(|| KeptText {
                code: field.code.clone(),
                label: if field.number.is_empty() {
                    field.label.clone()
                } else {
                    format!("{} {}", field.number, field.label)
                },
                mine: shown(&mine.text, not_applicable),
                text: mine.text,
                not_applicable,
                stored: shown(&field.text, field.not_applicable),
                stored_at: field.saved_at.clone(),
                version: field.version,
                fingerprint: field.fingerprint.clone(),
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "kept.html")]
pub(super) struct KeptTemplate {
    chrome: Chrome,
    title: &'static str,
    notice: &'static str,
    report_id: i64,
    body_name: String,
    round_name: String,
    csrf: String,
    kept: Vec<KeptText>,
}

/// Text that was posted but not saved (its form had expired, or its session had ended),
/// beside what is stored now: the person chooses, field by field, what to save. Nothing is
/// saved unless ticked, so a form planted by another site, or an old tab, never writes by
/// itself. Fields the person had not changed, and those that already hold the text, are
/// left out; `None` when nothing is left (or the report can no longer be changed).
pub(crate) async fn review_kept(
    state: &AppState,
    signed: &Signed,
    id: ReportId,
    posted: &FormData,
    status: StatusCode,
    notice: &'static str,
) -> Result<Option<Response>, WebError> {
    let page = state.app.report_page(signed.actor(), id).await?;
    if page.access != ReportAccess::Edit {
        return Ok(None);
    }
    let entries: Vec<FieldEntry> = entries(posted)?
        .into_iter()
        .filter(|e| e.shown.as_deref() != Some(posted_value(e).fingerprint().as_str()))
        .collect();
    let view = report_view(page, signed, Overlay::default(), &state.app);
    let kept = kept_texts(&view, &entries);
    if kept.is_empty() {
        return Ok(None);
    }
    let page = KeptTemplate {
        chrome: Chrome::of(signed),
        title: crate::text::TEXT_NOT_SAVED,
        notice,
        report_id: id.0,
        body_name: view.body_name,
        round_name: view.round_name,
        csrf: signed.csrf().to_owned(),
        kept,
    };
    render(status, &page).map(Some)
}

/// A posted field's value as the form's fingerprint sees it.
pub(super) fn posted_value(entry: &FieldEntry) -> FieldValue {
    FieldValue {
        text: entry.text.replace("\r\n", "\n"),
        not_applicable: entry.not_applicable,
    }
}
