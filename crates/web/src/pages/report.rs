//! The report: the reporter's form (autosave, conflicts, submit), its read-only views, the
//! receipt, and the coordinator's status-only view.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tertial_app::{
    AppError, FieldEntry, FieldSaved, FormPosted, Reading, ReportAccess, ReportContext, ReportPage,
};
use tertial_documents::{DocumentAnswer, DocumentSection, SubmissionDocument, markdown};
use tertial_domain::{
    Field, FieldValue, Problem, Question, ReportId, SaveOutcome, StoredField, SubmittedContent,
};

use super::{Chrome, note_forgery, path_id, render};
use crate::error::{JsonError, WebError, status_of};
use crate::form::FormData;
use crate::session::Signed;
use crate::{AppState, text, time};

/// One field as the templates show it, in the form or read-only.
pub struct FieldView {
    pub code: String,
    pub label: String,
    pub number: String,
    pub is_question: bool,
    pub help: Option<String>,
    pub text: String,
    pub not_applicable: bool,
    pub na_allowed: bool,
    pub version: i64,
    pub fingerprint: String,
    /// When the stored value was saved ("" if never).
    pub saved_at: String,
    pub error: Option<String>,
    pub conflict: Option<ConflictView>,
    pub multiline: bool,
    pub rows: u32,
    pub input_type: &'static str,
    pub autocomplete: &'static str,
    pub describedby: String,
}

/// A colleague's newer text, shown beside the person's own.
pub struct ConflictView {
    pub text: String,
    pub not_applicable: bool,
    pub at: String,
}

pub struct SectionView {
    pub number: u32,
    pub heading: String,
    pub fields: Vec<FieldView>,
}

impl FieldView {
    fn new(field: &Field, label: String, value: &FieldValue, version: i64) -> FieldView {
        let (input_type, autocomplete, multiline) = match field {
            Field::ContactName => ("text", "name", false),
            Field::ContactPhone => ("tel", "tel", false),
            Field::ContactEmail => ("email", "email", false),
            Field::Answer(_) | Field::OtherInformation => ("text", "off", true),
        };
        FieldView {
            code: field.code().to_owned(),
            label,
            number: String::new(),
            is_question: field.is_answer(),
            help: None,
            text: value.text.clone(),
            not_applicable: value.not_applicable,
            na_allowed: false,
            version,
            fingerprint: value.fingerprint(),
            saved_at: String::new(),
            error: None,
            conflict: None,
            multiline,
            rows: if field.is_answer() { 8 } else { 4 },
            input_type,
            autocomplete,
            describedby: String::new(),
        }
    }

    fn question(number: String, question: &Question, value: &FieldValue, version: i64) -> Self {
        let field = Field::Answer(question.key.clone());
        FieldView {
            number,
            help: question.help.clone(),
            na_allowed: question.not_applicable_allowed,
            ..FieldView::new(&field, question.text.clone(), value, version)
        }
    }

    fn stored(stored: &StoredField, label: &str) -> Self {
        FieldView::new(
            &stored.field,
            label.to_owned(),
            &stored.value,
            stored.version,
        )
    }

    /// Notes when the stored value shown was saved.
    fn saved(mut self, stored: &StoredField) -> Self {
        if stored.version > 0 {
            self.saved_at = time::date_time(stored.updated_at);
        }
        self
    }

    /// Links the hint, error and save status to the field for screen readers.
    fn finish(mut self) -> Self {
        let mut ids = Vec::new();
        if self.help.is_some() {
            ids.push(format!("hint-{}", self.code));
        }
        if self.conflict.is_some() {
            ids.push(format!("conflict-{}", self.code));
        }
        if self.error.is_some() {
            ids.push(format!("error-{}", self.code));
        }
        self.describedby = ids.join(" ");
        self
    }
}

fn contact_label(field: &Field) -> &'static str {
    match field {
        Field::ContactName => "Kontaktperson",
        Field::ContactPhone => "Telefon",
        Field::ContactEmail => "E-post",
        Field::OtherInformation => "Övriga upplysningar (frivilligt)",
        Field::Answer(_) => "",
    }
}

/// The contact person of a submission, field by field.
fn contact_of(content: &SubmittedContent) -> [(Field, &str); 3] {
    [
        (Field::ContactName, content.contact.name.as_str()),
        (Field::ContactPhone, content.contact.phone.as_str()),
        (Field::ContactEmail, content.contact.email.as_str()),
    ]
}

/// What a re-rendered form adds: problems to fix, conflicts to resolve, a notice.
#[derive(Default)]
struct Overlay {
    status: StatusCode,
    problems_title: &'static str,
    problems: Vec<(Field, String)>,
    conflicts: Vec<FieldSaved>,
    notice: Option<String>,
    /// What was posted but not saved, shown instead of what is stored.
    posted: Vec<FieldEntry>,
    /// What was posted and refused (the report can no longer be changed): the texts that
    /// differ from what is stored are shown apart, to copy.
    refused: Vec<FieldEntry>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportTemplate {
    chrome: Chrome,
    report_id: i64,
    body_name: String,
    round_name: String,
    follow_up_title: String,
    purpose: String,
    status_code: &'static str,
    status_label: &'static str,
    deadline: String,
    late: bool,
    updated_at: Option<String>,
    problems_title: &'static str,
    problems: Vec<(String, String)>,
    notice: Option<String>,
    access_status_only: bool,
    editable: bool,
    csrf: String,
    user_id: i64,
    /// The longest text accepted, for the script's character count.
    max_chars: usize,
    sections: Vec<SectionView>,
    contact: Vec<FieldView>,
    other: Vec<FieldView>,
    /// Posted texts that could not be stored (the report can no longer be changed):
    /// label and text, to copy.
    unsaved: Vec<(String, String)>,
    /// Övriga upplysningar, for the read-only view.
    other_information: String,
    /// Number, time, submitter, late.
    submissions: Vec<(i64, String, String, bool)>,
    round_closed: bool,
    /// For those who may not see the draft: the latest submitted version shown instead
    /// (its number and time), when there is one.
    showing_version: Option<(i64, String)>,
}

fn report_view(
    page: ReportPage,
    signed: &Signed,
    mut overlay: Overlay,
    max_chars: usize,
) -> ReportTemplate {
    let context = &page.context;
    let today = tertial_domain::round::swedish_date(tertial_app::now());
    let editable = page.access == ReportAccess::Edit;
    let refused = std::mem::take(&mut overlay.refused);
    let mut numbers = std::collections::HashMap::new();
    let decorate = |mut view: FieldView, overlay: &Overlay| {
        if let Some((_, message)) = overlay.problems.iter().find(|(f, _)| f.code() == view.code) {
            view.error = Some(message.clone());
        }
        if let Some(entry) = overlay.posted.iter().find(|e| e.code == view.code) {
            // The form stays based on what it showed when it was posted, not on what is
            // stored now: saved again, an untouched field is left alone, and a field a
            // colleague changed meanwhile comes back as a conflict.
            view.text = entry.text.clone();
            view.not_applicable = entry.not_applicable;
            view.version = entry.base_version;
            view.fingerprint = entry.shown.clone().unwrap_or_default();
        }
        if let Some(conflict) = overlay
            .conflicts
            .iter()
            .find(|c| c.field.code() == view.code)
            && let SaveOutcome::Conflict(current) = &conflict.outcome
        {
            // The field keeps the person's own text, now based on the colleague's version:
            // saving it again keeps theirs deliberately.
            view.text = conflict.mine.text.clone();
            view.not_applicable = conflict.mine.not_applicable;
            view.version = current.version;
            view.fingerprint = current.value.fingerprint();
            view.conflict = Some(ConflictView {
                text: current.value.text.clone(),
                not_applicable: current.value.not_applicable,
                at: time::date_time(current.updated_at),
            });
        }
        view.finish()
    };
    let sections: Vec<SectionView> = page
        .sections
        .iter()
        .map(|s| SectionView {
            number: s.area.number,
            heading: format!("{}. {}", s.area.number, s.area.label),
            fields: s
                .questions
                .iter()
                .map(|q| {
                    numbers.insert(q.question.key.clone(), q.number.clone());
                    decorate(
                        FieldView::question(
                            q.number.clone(),
                            &q.question,
                            &q.answer.value,
                            q.answer.version,
                        )
                        .saved(&q.answer),
                        &overlay,
                    )
                })
                .collect(),
        })
        .collect();
    let contact: Vec<FieldView> = [Field::ContactName, Field::ContactPhone, Field::ContactEmail]
        .iter()
        .map(|f| {
            let stored = page.fixed(f);
            decorate(
                FieldView::stored(&stored, contact_label(f)).saved(&stored),
                &overlay,
            )
        })
        .collect();
    let other_field = page.fixed(&Field::OtherInformation);
    let other_information = other_field.value.text.clone();
    let other = vec![decorate(
        FieldView::stored(&other_field, contact_label(&Field::OtherInformation))
            .saved(&other_field),
        &overlay,
    )];
    let mut problems: Vec<(String, String)> = overlay
        .problems
        .iter()
        .map(|(field, message)| (field.code().to_owned(), message.clone()))
        .collect();
    for conflict in &overlay.conflicts {
        let what = match &conflict.field {
            Field::Answer(key) => format!("svaret på fråga {}", numbers.get(key).map_or("", |n| n)),
            other => contact_label(other).to_lowercase(),
        };
        problems.push((
            conflict.field.code().to_owned(),
            format!("En kollega har ändrat {what} medan du skrev. Jämför och spara igen."),
        ));
    }
    let mut view = ReportTemplate {
        chrome: Chrome::of(signed),
        report_id: context.report.id.0,
        body_name: context.body.name.clone(),
        round_name: text::round_name(&context.round),
        follow_up_title: context.follow_up.title.clone(),
        purpose: context.follow_up.purpose.clone(),
        status_code: context.report.status.code(),
        status_label: text::report_status(context.report.status, context.round.status),
        round_closed: context.round.status == tertial_domain::RoundStatus::Closed,
        showing_version: None,
        deadline: context.round.deadline.to_string(),
        late: editable && context.round.is_late(today),
        updated_at: context.report.updated_at.map(time::date_time),
        problems_title: overlay.problems_title,
        problems,
        notice: overlay.notice,
        access_status_only: page.access == ReportAccess::StatusOnly,
        editable,
        csrf: signed.csrf().to_owned(),
        user_id: signed.actor().id.0,
        max_chars,
        sections,
        contact,
        other,
        other_information,
        unsaved: Vec::new(),
        submissions: page
            .submissions
            .iter()
            .map(|s| {
                (
                    s.number,
                    time::date_time(s.submitted_at),
                    s.submitted_by_name.clone(),
                    s.late,
                )
            })
            .collect(),
    };
    // Those who may not see the draft see what was last submitted, a public record.
    if page.access == ReportAccess::StatusOnly
        && let Some(latest) = page.submissions.last()
    {
        let content = &latest.content;
        view.sections = answer_sections(context, |question| submitted_answer(content, question));
        view.contact = contact_views(content);
        view.other_information = content.other_information.clone();
        view.showing_version = Some((latest.number, time::date_time(latest.submitted_at)));
    }
    view.unsaved = kept_texts(&view, &refused)
        .into_iter()
        .map(|k| (k.label, k.mine))
        .collect();
    view
}

/// A posted text that differs from what is stored now, with what is stored.
pub struct KeptText {
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
fn kept_texts(view: &ReportTemplate, posted: &[FieldEntry]) -> Vec<KeptText> {
    let shown = |text: &str, na: bool| {
        if na {
            "Ej aktuellt".to_owned()
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

#[derive(Deserialize)]
pub struct ShowQuery {
    sparat: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id = ReportId(path_id(&id)?);
    let page = state.app.report_page(signed.actor(), id).await?;
    let notice = query
        .sparat
        .filter(|t| t.len() == 5 && t.chars().all(|c| c.is_ascii_digit() || c == ':'))
        .map(|t| format!("Sparat {t}"));
    let view = report_view(
        page,
        &signed,
        Overlay {
            notice,
            ..Overlay::default()
        },
        state.app.settings().max_answer_chars,
    );
    render(StatusCode::OK, &view)
}

/// The whole form, posted without JavaScript (or with the submit button): saves what the
/// person changed, and with "Skicka in" submits in the same transaction.
pub async fn post_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Option<Signed>,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, WebError> {
    let id = ReportId(path_id(&id)?);
    let resume =
        || super::auth::sign_in_to_resume(&state, &headers, format!("/rapporter/{id}"), &form);
    let Some(signed) = signed else {
        return resume().await;
    };
    if signed.check_csrf(form.get("csrf")).is_err() {
        note_forgery(&state, Some(&signed), &format!("report:{id}")).await;
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
            let at = time::clock(tertial_app::now());
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
            problems_title: "Någon annan har ändrat samma svar",
            conflicts: saved.conflicts,
            ..Overlay::default()
        },
        Ok(FormPosted::Incomplete(problems)) => Overlay {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            problems_title: "Rapporten kan inte skickas in än",
            problems: problem_list(&page, &problems),
            notice: Some("Dina ändringar är sparade.".into()),
            ..Overlay::default()
        },
        // A text that cannot be saved: nothing was; show the form again with what was
        // typed and what is wrong with it.
        Err(ref e @ AppError::InvalidText { ref field, .. }) => Overlay {
            status: status_of(e),
            problems_title: "Det gick inte att spara",
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
    let max_chars = state.app.settings().max_answer_chars;
    render(
        overlay.status,
        &report_view(page, &signed, overlay, max_chars),
    )
}

/// Problems that stop a submission, each linked to its field and worded with the
/// question's number on the form.
fn problem_list(page: &ReportPage, problems: &[Problem]) -> Vec<(Field, String)> {
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

#[derive(Template)]
#[template(path = "kept.html")]
struct KeptTemplate {
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
    let view = report_view(
        page,
        signed,
        Overlay::default(),
        state.app.settings().max_answer_chars,
    );
    let kept = kept_texts(&view, &entries);
    if kept.is_empty() {
        return Ok(None);
    }
    let page = KeptTemplate {
        chrome: Chrome::of(signed),
        title: "Din text är inte sparad",
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
fn posted_value(entry: &FieldEntry) -> FieldValue {
    FieldValue {
        text: entry.text.replace("\r\n", "\n"),
        not_applicable: entry.not_applicable,
    }
}

/// The fields of a posted form: `text.CODE`, with `na.CODE`, `version.CODE` and `shown.CODE`.
fn entries(form: &FormData) -> Result<Vec<FieldEntry>, WebError> {
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
    let id = path_id(&id)?;
    let form = form?;
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .or(form.get("csrf"));
    if let Err(e) = signed.check_csrf(token) {
        note_forgery(&state, Some(&signed), &format!("report:{id}")).await;
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
        .save_field(signed.actor(), ReportId(id), entry)
        .await
        .map_err(WebError::from)?;
    Ok(match saved.outcome {
        SaveOutcome::Saved { version, at } => Json(serde_json::json!({
            "status": "saved",
            "version": version,
            "saved_at": time::clock(at),
            "fingerprint": saved.mine.fingerprint(),
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

#[derive(Template)]
#[template(path = "submission.html")]
struct SubmissionTemplate {
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
                            .filter(|a| !a.not_applicable)
                            .map(|a| a.text.clone()),
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
fn ascii_filename(name: &str) -> String {
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

/// A question's answer in a submitted version.
fn submitted_answer(content: &SubmittedContent, question: &Question) -> FieldValue {
    content
        .answer(&question.key)
        .map(|a| FieldValue {
            text: a.text.clone(),
            not_applicable: a.not_applicable,
        })
        .unwrap_or_default()
}

/// A submitted version's contact person, for a read-only view.
fn contact_views(content: &SubmittedContent) -> Vec<FieldView> {
    contact_of(content)
        .iter()
        .map(|(f, v)| FieldView::new(f, contact_label(f).to_owned(), &FieldValue::text(*v), 0))
        .collect()
}

/// The body's questions grouped by focus area, each with the answer `answer` gives.
fn answer_sections(
    context: &ReportContext,
    answer: impl Fn(&Question) -> FieldValue,
) -> Vec<SectionView> {
    context
        .numbered_sections()
        .into_iter()
        .map(|(area, questions)| SectionView {
            number: area.number,
            heading: format!("{}. {}", area.number, area.label),
            fields: questions
                .into_iter()
                .map(|(number, q)| FieldView::question(number, q, &answer(q), 0))
                .collect(),
        })
        .collect()
}
