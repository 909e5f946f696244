//! A follow-up's form as one body would get it in the next round opened: the coordinator
//! checks the introduction, the questions and who is asked what, before opening a round.
//! Drawn with the reporter's own field template, every field empty and disabled.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use tertial_domain::{BodyId, FollowUpId};

use super::super::{Chrome, ok, path_id};
use super::view::{FieldView, SectionView, blank_form};
use crate::AppState;
use crate::error::WebError;
use crate::form::FormData;
use crate::session::Signed;

#[derive(Template)]
#[template(path = "followup_preview.html")]
struct PreviewTemplate {
    chrome: Chrome,
    id: i64,
    title: String,
    body_name: String,
    introduction: String,
    purpose: String,
    sections: Vec<SectionView>,
    contact: Vec<FieldView>,
    other: Vec<FieldView>,
    bodies: Vec<(i64, String, bool)>,
}

/// `/uppfoljningar/{id}/forhandsgranska?organ=<body id>`.
pub async fn preview_follow_up(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let id: FollowUpId = path_id(&id)?;
    let query = FormData::parse(query.unwrap_or_default().as_bytes())?;
    let body: BodyId = path_id(query.get("organ").unwrap_or_default())?;
    let (editor, body) = state
        .app
        .follow_up_preview(signed.actor(), id, body)
        .await?;
    let asked: Vec<_> = editor
        .questions
        .iter()
        .filter(|q| !q.retired && q.question.asks(&body))
        .map(|q| &q.question)
        .collect();
    let (sections, contact, other) =
        blank_form(tertial_app::numbered_sections(&editor.focus_areas, &asked));
    ok(&PreviewTemplate {
        chrome: Chrome::of(&signed),
        id: id.0,
        title: editor.follow_up.title.clone(),
        body_name: body.name.clone(),
        introduction: editor.follow_up.introduction.clone(),
        purpose: editor.follow_up.purpose.clone(),
        sections,
        contact,
        other,
        bodies: editor
            .bodies
            .iter()
            .map(|b| (b.id.0, b.name.clone(), b.id == body.id))
            .collect(),
    })
}
