//! Submitted versions: the page, the receipt and the Markdown download.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tertial_app::Reading;
use tertial_documents::{DocumentAnswer, DocumentSection, SubmissionDocument, markdown};
use tertial_domain::ReportId;

use super::super::{Chrome, path_id, render};
use super::view::{
    FieldView, SectionView, answer_sections, contact_label, contact_of, contact_views,
    submitted_answer,
};
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
    let (id, number) = (path_id(&id)?, path_id(&number)?);
    let (context, submission) = state
        .app
        .submission(signed.actor(), ReportId(id), number, Reading::Page)
        .await?;
    let content = &submission.content;
    let sections = answer_sections(&context, |question| submitted_answer(content, question));
    let contact = contact_views(content);
    let view = SubmissionTemplate {
        chrome: Chrome::of(&signed),
        receipt: query.kvittens.is_some() && signed.actor().reports_for(context.body.id),
        report_id: id,
        number,
        body_name: context.body.name.clone(),
        round_name: text::round_name(&context.round),
        submitted_at: time::date_time(submission.submitted_at),
        submitted_by: submission.submitted_by_name.clone(),
        late: submission.late,
        sections,
        contact,
        other_information: content.other_information.clone(),
    };
    render(StatusCode::OK, &view)
}

/// A submitted version as a Markdown file, to keep or to paste into a compiled report.
pub async fn submission_markdown(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    signed: Signed,
) -> Result<Response, WebError> {
    let (id, number) = (path_id(&id)?, path_id(&number)?);
    let (context, submission) = state
        .app
        .submission(signed.actor(), ReportId(id), number, Reading::Download)
        .await?;
    let content = &submission.content;
    let doc = SubmissionDocument {
        title: context.follow_up.title.clone(),
        body: context.body.name.clone(),
        round: text::round_name(&context.round),
        version: number,
        submitted_at: time::date_time(submission.submitted_at),
        submitted_by: submission.submitted_by_name.clone(),
        sections: context
            .numbered_sections()
            .into_iter()
            .map(|(area, questions)| DocumentSection {
                heading: format!("{}. {}", area.number, area.label),
                answers: questions
                    .into_iter()
                    .map(|(number, q)| DocumentAnswer {
                        number,
                        question: q.text.clone(),
                        text: content
                            .answer(&q.key)
                            .map(|a| a.text.clone())
                            .unwrap_or_default(),
                        not_applicable: content.answer(&q.key).is_some_and(|a| a.not_applicable),
                    })
                    .collect(),
            })
            .collect(),
        contact: contact_of(content)
            .iter()
            .map(|(f, v)| (contact_label(f).to_owned(), (*v).to_owned()))
            .collect(),
        other_information: content.other_information.clone(),
    };
    let filename = format!(
        "{}-{}-{}-version-{number}.md",
        context.body.short_name,
        context.round.period.code(),
        context.round.year
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/markdown; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", ascii_filename(&filename)),
            ),
        ],
        markdown::submission(&doc),
    )
        .into_response())
}

/// Å, ä and ö become a, a and o, and anything else not plain becomes "-", so the name
/// survives every browser and file system.
pub(super) fn ascii_filename(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'Å' | 'Ä' => 'A',
            'ö' => 'o',
            'Ö' => 'O',
            c if c.is_ascii_alphanumeric() || c == '.' || c == '-' => c,
            _ => '-',
        })
        .collect()
}
