//! Submitted versions: the page and the receipt (their files: `pages::compiled`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tertial_domain::ReportId;

use super::super::{Chrome, path_id, render};
use super::view::{FieldView, SectionView, answer_sections, contact_views, submitted_answer};
use crate::error::WebError;
use crate::session::Signed;
use crate::{AppState, text, time};

#[derive(Template)]
#[template(path = "submission.html")]
pub(super) struct SubmissionTemplate {
    chrome: Chrome,
    receipt: bool,
    report_id: i64,
    number: i64,
    body_name: String,
    round_name: String,
    submitted_at: String,
    submitted_by: String,
    late: bool,
    sections: Vec<SectionView>,
    contact: Vec<FieldView>,
    other_information: String,
    downloads: Vec<super::super::compiled::Download>,
    /// Imported from a file: its name, who imported it (empty: the command line) and when.
    imported: Option<(String, String, String)>,
}

#[derive(Deserialize)]
pub struct SubmissionQuery {
    kvittens: Option<String>,
}

/// A submitted version; with `?kvittens=1`, as the receipt right after submitting.
pub async fn submission(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    Query(query): Query<SubmissionQuery>,
    signed: Signed,
) -> Result<Response, WebError> {
    let (id, number): (ReportId, i64) = (path_id(&id)?, path_id(&number)?);
    let (context, submission, origin) = state
        .app
        .submission_with_origin(signed.actor(), id, number)
        .await?;
    let content = &submission.content;
    let sections = answer_sections(&context, |question| submitted_answer(content, question));
    let contact = contact_views(content);
    let view = SubmissionTemplate {
        chrome: Chrome::of(&signed),
        receipt: query.kvittens.is_some() && signed.actor().reports_for(context.body.id),
        report_id: id.0,
        number,
        body_name: context.body.name.clone(),
        round_name: text::round_name(&context.round),
        submitted_at: time::date_time(submission.submitted_at),
        submitted_by: submission.submitted_by_name.clone(),
        late: submission.late,
        sections,
        contact,
        other_information: content.other_information.clone(),
        downloads: super::super::compiled::submission_downloads(),
        imported: origin.map(|o| {
            (
                o.file_name,
                o.imported_by.unwrap_or_default(),
                time::date_time(o.imported_at),
            )
        }),
    };
    render(StatusCode::OK, &view)
}
