//! Saving: the whole form (with Spara or Skicka in) and one field at a time (autosave).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use tertial_app::{AppError, FieldEntry, FormPosted, ReportPage};
use tertial_domain::{AuditSubject, Field, Problem, ReportId, SaveOutcome};

use super::super::{note_forgery, path_id, render};
use super::kept::review_kept;
use super::view::{Overlay, report_view};
use crate::error::{JsonError, WebError, status_of};
use crate::form::FormData;
use crate::session::Signed;
use crate::{AppState, text, time};

/// The whole form, posted without JavaScript (or with the submit button): saves what the
/// person changed, and with "Skicka in" submits in the same transaction.
pub async fn post_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Option<Signed>,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, WebError> {
    let id: ReportId = path_id(&id)?;
    let resume = || {
        super::super::auth::sign_in_to_resume(&state, &headers, format!("/rapporter/{id}"), &form)
    };
    let Some(signed) = signed else {
        return resume().await;
    };
    if signed.check_csrf(form.get("csrf")).is_err() {
        note_forgery(&state, Some(&signed), AuditSubject::Report(id)).await;
        // Nothing is saved, and nothing typed is lost: the text comes back, to save field
        // by field if the person recognises it.
        let kept = review_kept(
            &state,
            &signed,
            id,
            &form,
            StatusCode::FORBIDDEN,
            text::CSRF_KEPT,
        )
        .await?;
        return kept.ok_or_else(|| WebError::new(StatusCode::FORBIDDEN, text::CSRF_FAILED));
    }
    let entries = entries(&form)?;
    let posted = if form.get("action") == Some("skicka-in") {
        state
            .app
            .save_and_submit(signed.actor(), id, entries.clone())
            .await
    } else {
        state
            .app
            .save_form(signed.actor(), id, entries.clone())
            .await
            .map(FormPosted::Saved)
    };
    let receipt = |number: i64| {
        Ok(Redirect::to(&format!("/rapporter/{id}/versioner/{number}?kvittens=1")).into_response())
    };
    let outcome = match posted {
        Ok(FormPosted::Saved(saved)) if saved.conflicts.is_empty() => {
            let at = time::clock(state.app.now());
            return Ok(Redirect::to(&format!("/rapporter/{id}?sparat={at}")).into_response());
        }
        Ok(FormPosted::Submitted(submission)) => return receipt(submission.number),
        // The session ended while the form was on its way: as if it had ended before.
        Err(AppError::Unauthenticated) => return resume().await,
        Err(
            e @ (AppError::InvalidText { .. } | AppError::NotEditable(_) | AppError::RoundNotOpen),
        ) => Err(e),
        Err(e) => return Err(e.into()),
        Ok(posted) => Ok(posted),
    };
    // The form again, with what became of the post.
    let page = state.app.report_page(signed.actor(), id).await?;
    let overlay = match outcome {
        Ok(FormPosted::Saved(saved)) => Overlay {
            status: StatusCode::CONFLICT,
            problems_title: text::CHANGED_MEANWHILE_TITLE,
            conflicts: saved.conflicts,
            ..Overlay::default()
        },
        Ok(FormPosted::Incomplete(problems)) => Overlay {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            problems_title: text::CANNOT_SUBMIT_YET,
            problems: problem_list(&page, &problems),
            notice: Some(text::CHANGES_SAVED.into()),
            ..Overlay::default()
        },
        // A text that cannot be saved: nothing was; show the form again with what was
        // typed and what is wrong with it.
        Err(ref e @ AppError::InvalidText { ref field, .. }) => Overlay {
            status: status_of(e),
            problems_title: text::COULD_NOT_SAVE,
            problems: vec![(
                Field::parse(field).map_err(AppError::from)?,
                text::error_message(e),
            )],
            posted: entries,
            ..Overlay::default()
        },
        // Submitted by a colleague, or the round closed, while this was typed: nothing of
        // it was stored. Say so, and show the text so that it can be copied.
        Err(e) => Overlay {
            status: status_of(&e),
            notice: Some(text::not_stored(&e, page.submissions.last())),
            refused: entries,
            ..Overlay::default()
        },
        Ok(FormPosted::Submitted(submission)) => return receipt(submission.number),
    };
    render(
        overlay.status,
        &report_view(page, &signed, overlay, &state.app),
    )
}

/// Problems that stop a submission, each linked to its field and worded with the
/// question's number on the form.
pub(super) fn problem_list(page: &ReportPage, problems: &[Problem]) -> Vec<(Field, String)> {
    let numbers: HashMap<String, String> = page
        .sections
        .iter()
        .flat_map(|s| &s.questions)
        .map(|q| (q.question.key.to_string(), q.number.clone()))
        .collect();
    problems
        .iter()
        .map(|p| {
            let number = match p {
                Problem::Unanswered(key) => numbers.get(key.as_str()).map(String::as_str),
                _ => None,
            };
            (p.field(), text::problem(p, number))
        })
        .collect()
}

/// The fields of a posted form: `text.CODE`, with `na.CODE`, `version.CODE` and `shown.CODE`.
pub(super) fn entries(form: &FormData) -> Result<Vec<FieldEntry>, WebError> {
    let malformed = || WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED);
    let by_name: HashMap<&str, &str> = form
        .0
        .iter()
        .rev() // the first of repeated names wins, as in `FormData::get`
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let of = |prefix: &str, code: &str| by_name.get(format!("{prefix}.{code}").as_str()).copied();
    form.0
        .iter()
        .filter_map(|(name, value)| name.strip_prefix("text.").map(|code| (code, value)))
        .map(|(code, value)| {
            let version = of("version", code)
                .and_then(|v| v.parse().ok())
                .ok_or_else(malformed)?;
            Ok(FieldEntry {
                code: code.to_owned(),
                text: value.clone(),
                not_applicable: of("na", code).is_some(),
                base_version: version,
                shown: of("shown", code).map(str::to_owned),
            })
        })
        .collect()
}

/// One field, saved by the form's script a moment after the person stops typing.
pub async fn autosave(
    State(state): State<AppState>,
    Path((id, code)): Path<(String, String)>,
    signed: Signed,
    headers: HeaderMap,
    form: Result<FormData, WebError>,
) -> Result<Response, JsonError> {
    let id: ReportId = path_id(&id)?;
    let form = form?;
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .or(form.get("csrf"));
    if let Err(e) = signed.check_csrf(token) {
        note_forgery(&state, Some(&signed), AuditSubject::Report(id)).await;
        return Err(e.into());
    }
    let base_version = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED))?;
    let entry = FieldEntry {
        code,
        text: form.get("text").unwrap_or_default().to_owned(),
        not_applicable: form.get("na") == Some("1"),
        base_version,
        shown: None,
    };
    let saved = state
        .app
        .save_field(signed.actor(), id, entry)
        .await
        .map_err(WebError::from)?;
    Ok(match saved.outcome {
        SaveOutcome::Saved { version, at } => Json(serde_json::json!({
            "status": "saved",
            "version": version,
            "saved_at": time::clock(at),
            "fingerprint": saved.mine.fingerprint(),
            "session": signed.left(&state.app),
        }))
        .into_response(),
        SaveOutcome::Conflict(current) => (
            StatusCode::CONFLICT,
            Json(serde_json::json!({
                "status": "conflict",
                "version": current.version,
                "text": current.value.text,
                "not_applicable": current.value.not_applicable,
                "saved_at": time::date_time(current.updated_at),
                "fingerprint": current.value.fingerprint(),
            })),
        )
            .into_response(),
    })
}
