//! The review loop on the report page: the coordinator returns a submitted version for
//! completion (with comments) or approves it and sees what changed since the version before,
//! word by word; the body sees the comments beside its answers, asks to reopen a submitted
//! report, and sees the answer.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tertial_app::{AppError, ReportAccess, ReportPage};
use tertial_domain::review::{DiffPart, ReopenRequest, Review, ReviewDecision, word_diff};
use tertial_domain::{Actor, AuditSubject, QuestionKey, ReportId, ReportStatus, workflow};

use super::super::{checked, path_id, render};
use super::view::{FieldView, SectionView};
use crate::error::WebError;
use crate::form::FormData;
use crate::session::Signed;
use crate::{AppState, text, time};

/// A review as the page lists it.
pub(super) struct ReviewLine {
    pub version: i64,
    pub decision: &'static str,
    pub at: String,
    pub by: String,
    pub comment: String,
    /// Question key, number, text, and the comment.
    pub answers: Vec<(String, String, String, String)>,
}

/// A request to reopen as the page lists it.
pub(super) struct RequestLine {
    pub id: i64,
    pub version: i64,
    pub reason: String,
    pub by: String,
    pub at: String,
    /// The outcome, the answer, when and by whom; `None` while it waits.
    pub decision: Option<(&'static str, String, String, String)>,
}

/// What the report page shows of the review loop.
pub(super) struct ReviewView {
    pub report_id: i64,
    pub csrf: String,
    /// For the body, while the report is returned: the review that returned it.
    pub returned: Option<ReviewLine>,
    pub history: Vec<ReviewLine>,
    pub requests: Vec<RequestLine>,
    /// The latest submitted version's number (0 if none).
    pub latest: i64,
    /// The coordinator may return the report now / approve it now.
    pub can_return: bool,
    pub can_approve: bool,
    /// The questions, for the return form's answer comments: code, number, text.
    pub questions: Vec<(String, String, String)>,
    /// For the coordinator: the request waiting for an answer.
    pub waiting: Option<RequestLine>,
    /// For the body: it may ask to reopen now.
    pub can_ask: bool,
    /// A review form refused for its text, shown again as it was posted.
    pub posted: PostedReview,
}

/// What the coordinator wrote in a review form that was refused (a comment missing, a text
/// too long or with hidden characters), to show again with the reason beside the text.
#[derive(Default)]
pub(super) struct PostedReview {
    /// Which form: `atersand` or `godkann` ("" when none was refused).
    pub form: &'static str,
    pub comment: String,
    /// Comments on single answers, by field code.
    pub answers: HashMap<String, String>,
    /// The id of the text area the problem is in, and the problem.
    pub error: (String, String),
}

impl ReviewView {
    /// The comment posted in form `form` ("" unless that form was refused).
    pub fn comment(&self, form: &str) -> &str {
        if self.posted.form == form {
            &self.posted.comment
        } else {
            ""
        }
    }

    /// The comment posted on one answer in the return form.
    pub fn answer_comment(&self, code: &str) -> &str {
        self.posted.answers.get(code).map_or("", String::as_str)
    }

    /// The problem with the text area `id`, if it is the one refused.
    pub fn error(&self, id: &str) -> Option<&str> {
        (self.posted.error.0 == id).then_some(self.posted.error.1.as_str())
    }

    /// Whether the page has anything of the review loop to show.
    pub fn any(&self) -> bool {
        !self.history.is_empty()
            || !self.requests.is_empty()
            || self.can_return
            || self.can_approve
            || self.can_ask
    }
}

/// The question numbers and texts of the page's report, by key.
fn numbered(page: &ReportPage) -> Vec<(QuestionKey, String, String)> {
    page.context
        .numbered_sections()
        .into_iter()
        .flat_map(|(_, qs)| qs)
        .map(|(number, q)| (q.key.clone(), number, q.text.clone()))
        .collect()
}

fn review_line(review: &Review, questions: &[(QuestionKey, String, String)]) -> ReviewLine {
    ReviewLine {
        version: review.submission,
        decision: text::review_decision(review.decision),
        at: time::date_time(review.at),
        by: review.by_name.clone(),
        comment: review.comment.clone(),
        answers: questions
            .iter()
            .filter_map(|(key, number, label)| {
                review
                    .on_answer(key)
                    .map(|c| (key.to_string(), number.clone(), label.clone(), c.to_owned()))
            })
            .collect(),
    }
}

fn request_line(request: &ReopenRequest) -> RequestLine {
    RequestLine {
        id: request.id,
        version: request.submission,
        reason: request.reason.clone(),
        by: request.asked_by_name.clone(),
        at: time::date_time(request.asked_at),
        decision: request.decision.as_ref().map(|d| {
            (
                text::reopen_outcome(d.outcome),
                d.answer.clone(),
                time::date_time(d.at),
                d.by_name.clone(),
            )
        }),
    }
}

/// The review that returned the report, while the body completes it.
fn returning_review(page: &ReportPage) -> Option<&Review> {
    if page.context.report.status != ReportStatus::Returned {
        return None;
    }
    let latest = page.submissions.last()?.number;
    page.reviews
        .iter()
        .rev()
        .find(|r| r.submission == latest && r.decision == ReviewDecision::Return)
}

pub(super) fn review_view(page: &ReportPage, actor: &Actor, csrf: &str) -> ReviewView {
    let questions = numbered(page);
    let reviewer = actor.review_access(&page.context.report).is_some();
    let body = page.access != ReportAccess::StatusOnly;
    let status = page.context.report.status;
    let round_open = workflow::takes_answers(page.context.round.status);
    let waiting = page.reopen_requests.iter().find(|r| r.decision.is_none());
    let submitted = workflow::RETURN.allows(status) && !page.submissions.is_empty();
    ReviewView {
        report_id: page.context.report.id.0,
        csrf: csrf.to_owned(),
        returned: if body {
            returning_review(page).map(|r| review_line(r, &questions))
        } else {
            None
        },
        history: page
            .reviews
            .iter()
            .map(|r| review_line(r, &questions))
            .collect(),
        requests: page.reopen_requests.iter().map(request_line).collect(),
        latest: page.submissions.last().map_or(0, |s| s.number),
        can_return: reviewer && submitted && round_open,
        can_approve: reviewer && submitted,
        questions: questions
            .iter()
            .map(|(key, number, label)| (key.to_string(), number.clone(), label.clone()))
            .collect(),
        waiting: if reviewer {
            waiting.map(request_line)
        } else {
            None
        },
        can_ask: body && submitted && round_open && waiting.is_none(),
        posted: PostedReview::default(),
    }
}

/// For the body completing a returned report: the coordinator's comment on each answer,
/// by field code, to show beside the field.
pub(super) fn form_comments(page: &ReportPage) -> HashMap<String, String> {
    returning_review(page)
        .map(|r| {
            r.answer_comments
                .iter()
                .map(|c| (c.key.to_string(), c.text.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Puts the coordinator's comment beside a field (the field's `aria-describedby` names it).
pub(super) fn comment_on(mut view: FieldView, comments: &HashMap<String, String>) -> FieldView {
    if let Some(comment) = comments.get(&view.code) {
        view.review_comment = Some((text::REVIEW_COMMENT_LABEL.to_owned(), comment.clone()));
    }
    view
}

/// For the coordinator reading the latest version: each answer that changed since the
/// version before, word by word, and the comment given on it then.
pub(super) fn show_changes(sections: &mut [SectionView], page: &ReportPage) {
    let [.., previous, latest] = page.submissions.as_slice() else {
        return;
    };
    let review = page
        .reviews
        .iter()
        .rev()
        .find(|r| r.submission == previous.number);
    for field in sections.iter_mut().flat_map(|s| s.fields.iter_mut()) {
        let Ok(key) = QuestionKey::parse(&field.code) else {
            continue;
        };
        if let Some(comment) = review.and_then(|r| r.on_answer(&key)) {
            field.review_comment = Some((
                text::comment_on_version(previous.number),
                comment.to_owned(),
            ));
        }
        let shown = |content: &tertial_domain::SubmittedContent| {
            content
                .answer(&key)
                .map(|a| {
                    if a.not_applicable {
                        format!("{}. {}", text::NOT_APPLICABLE, a.text)
                    } else {
                        a.text.clone()
                    }
                })
                .unwrap_or_default()
        };
        let (old, new) = (shown(&previous.content), shown(&latest.content));
        if old != new {
            field.diff_against = previous.number;
            field.diff = word_diff(&old, &new)
                .into_iter()
                .map(|part| match part {
                    DiffPart::Same(t) => ("same", t),
                    DiffPart::Removed(t) => ("del", t),
                    DiffPart::Added(t) => ("ins", t),
                })
                .collect();
        }
    }
}

/// What a finished action says on the page it leads back to (`?klart=…`).
pub(super) fn done_notice(code: &str) -> Option<&'static str> {
    Some(match code {
        "atersand" => text::REVIEW_RETURNED_DONE,
        "godkand" => text::REVIEW_APPROVED_DONE,
        "begard" => text::REOPEN_ASKED_DONE,
        "beviljad" => text::REOPEN_GRANTED_DONE,
        "avslagen" => text::REOPEN_DECLINED_DONE,
        _ => return None,
    })
}

fn number(form: &FormData, name: &str) -> Result<i64, WebError> {
    form.get(name)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED))
}

fn back(id: ReportId, done: &str) -> Response {
    Redirect::to(&format!("/rapporter/{id}?klart={done}")).into_response()
}

/// The coordinator returns the latest version for completion: `version`, `comment`
/// (required) and `comment.KEY` per answer (optional).
pub async fn return_report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: ReportId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::Report(id)).await?;
    let answer_comments: Vec<(String, String)> = form
        .0
        .iter()
        .filter_map(|(name, value)| {
            name.strip_prefix("comment.")
                .map(|code| (code.to_owned(), value.clone()))
        })
        .collect();
    let comment = form.get("comment").unwrap_or_default();
    let returned = state
        .app
        .return_report(
            signed.actor(),
            id,
            number(&form, "version")?,
            comment,
            &answer_comments,
        )
        .await;
    let posted = PostedReview {
        form: "atersand",
        comment: comment.to_owned(),
        answers: answer_comments.into_iter().collect(),
        error: Default::default(),
    };
    done_or_shown_again(&state, &signed, id, returned, "atersand", posted).await
}

/// After a review action: back to the report with its notice, or, when the text was
/// refused, the report again with the form as posted and the reason beside the text (422).
async fn done_or_shown_again(
    state: &AppState,
    signed: &Signed,
    id: ReportId,
    outcome: tertial_app::Result<()>,
    done: &str,
    mut posted: PostedReview,
) -> Result<Response, WebError> {
    let Err(error) = outcome else {
        return Ok(back(id, done));
    };
    let (field, message) = refused_text(error)?;
    let area = match field {
        Some(code) if code != "comment" => format!("kommentar-{code}"),
        _ => format!("{}-kommentar", posted.form),
    };
    posted.error = (area, message);
    let page = state.app.report_page(signed.actor(), id).await?;
    let mut view = super::view::report_view(page, signed, Default::default(), &state.app);
    view.problems_title = text::REVIEW_NOT_DONE;
    view.problems = vec![(posted.error.0.clone(), posted.error.1.clone())];
    view.review.posted = posted;
    render(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

/// The coordinator approves the latest version: `version`, `comment` (optional).
pub async fn approve_report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: ReportId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::Report(id)).await?;
    let comment = form.get("comment").unwrap_or_default();
    let approved = state
        .app
        .approve_report(signed.actor(), id, number(&form, "version")?, comment)
        .await;
    let posted = PostedReview {
        form: "godkann",
        comment: comment.to_owned(),
        ..PostedReview::default()
    };
    done_or_shown_again(&state, &signed, id, approved, "godkand", posted).await
}

#[derive(askama::Template)]
#[template(path = "reopen.html")]
struct ReopenTemplate {
    chrome: super::super::Chrome,
    report_id: i64,
    body_name: String,
    round_name: String,
    version: i64,
    csrf: String,
    reason: String,
    error: Option<String>,
}

/// The form on which the body's reporter asks to reopen its submitted report.
pub async fn reopen_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: ReportId = path_id(&id)?;
    reopen_form(&state, &signed, id, String::new(), None).await
}

/// The request form, empty or as posted with the reason it was refused.
async fn reopen_form(
    state: &AppState,
    signed: &Signed,
    id: ReportId,
    reason: String,
    error: Option<String>,
) -> Result<Response, WebError> {
    let page = state.app.report_page(signed.actor(), id).await?;
    if page.access == ReportAccess::StatusOnly {
        return Err(WebError::new(StatusCode::FORBIDDEN, text::FORBIDDEN));
    }
    let review = review_view(&page, signed.actor(), signed.csrf());
    if !review.can_ask {
        return Err(WebError::new(StatusCode::CONFLICT, text::REOPEN_NOT_NOW));
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        &ReopenTemplate {
            chrome: super::super::Chrome::of(signed),
            report_id: id.0,
            body_name: page.context.body.name.clone(),
            round_name: text::round_name(&page.context.round),
            version: review.latest,
            csrf: signed.csrf().to_owned(),
            reason,
            error,
        },
    )
}

/// The body's reporter asks to reopen its submitted report: `version`, `reason`.
pub async fn ask_to_reopen(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: ReportId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::Report(id)).await?;
    let reason = form.get("reason").unwrap_or_default();
    let asked = state
        .app
        .ask_to_reopen(signed.actor(), id, number(&form, "version")?, reason)
        .await;
    let Err(error) = asked else {
        return Ok(back(id, "begard"));
    };
    let (_, message) = refused_text(error)?;
    reopen_form(&state, &signed, id, reason.to_owned(), Some(message)).await
}

/// A review form's text refused: the field it is in (`None`: the required text is missing)
/// and why. Any other error is passed on.
fn refused_text(error: AppError) -> Result<(Option<String>, String), WebError> {
    match error {
        AppError::ReviewIncomplete(problem) => Ok((None, text::review_problem(problem).into())),
        AppError::InvalidText { field, error } => Ok((Some(field), text::invalid_text(&error))),
        e => Err(e.into()),
    }
}

/// The coordinator answers a request to reopen: `request`, `decision` (`bevilja` or
/// `avsla`), `answer` (optional).
pub async fn decide_reopen(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: ReportId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::Report(id)).await?;
    let grant = match form.get("decision") {
        Some("bevilja") => true,
        Some("avsla") => false,
        _ => return Err(WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED)),
    };
    state
        .app
        .decide_reopen(
            signed.actor(),
            id,
            number(&form, "request")?,
            grant,
            form.get("answer").unwrap_or_default(),
        )
        .await?;
    Ok(back(id, if grant { "beviljad" } else { "avslagen" }))
}
