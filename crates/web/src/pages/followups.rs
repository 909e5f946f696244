//! Writing follow-ups from the browser: the list, a follow-up's texts, its focus areas and
//! its questions. Coordinators and administrators only; the use cases refuse everyone else.
//! Every change applies from the next round opened; opened rounds keep their copies.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tertial_app::{EditProblem, FollowUpEditor};
use tertial_domain::followup::{
    NAME_MAX_CHARS, PROSE_MAX_CHARS, QUESTION_MAX_CHARS, TextProblem, optional_text, required_text,
};
use tertial_domain::{
    AuditSubject, BodyId, BodyKind, FocusArea, FollowUpId, FollowUpText, QuestionDraft, QuestionKey,
};

use super::running::Choice;
use super::{Chrome, checked, ok, path_id, render};
use crate::error::WebError;
use crate::form::FormData;
use crate::session::Signed;
use crate::{AppState, text};

/// One text input of the editor's forms, as typed.
pub struct Input {
    pub id: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    /// "line", "text" (several lines) or "number".
    pub kind: &'static str,
    pub value: String,
    pub error: Option<String>,
    pub describedby: String,
}

impl Input {
    fn new(id: &'static str, label: &'static str, kind: &'static str, value: &str) -> Input {
        Input {
            id,
            label,
            hint: None,
            kind,
            value: value.to_owned(),
            error: None,
            describedby: String::new(),
        }
    }

    fn hint(mut self, hint: &'static str) -> Input {
        self.hint = Some(hint);
        self
    }

    /// Marks the inputs named in `errors`, and links hints and errors for screen readers.
    fn finish(mut inputs: Vec<Input>, errors: &[(String, String)]) -> Vec<Input> {
        for i in &mut inputs {
            i.error = errors
                .iter()
                .find(|(id, _)| id == i.id)
                .map(|(_, m)| m.clone());
            let mut ids = Vec::new();
            if i.hint.is_some() {
                ids.push(format!("{}-hint", i.id));
            }
            if i.error.is_some() {
                ids.push(format!("{}-error", i.id));
            }
            i.describedby = ids.join(" ");
        }
        inputs
    }
}

/// Errors as the page lists them: the id of the field to fix, and what to do.
type Errors = Vec<(String, String)>;

/// Reads one text of a form into `errors` if it is wrong.
fn text_of(
    form: &FormData,
    errors: &mut Errors,
    (id, max, one_line, missing): (&'static str, usize, bool, Option<&str>),
) -> String {
    let typed = form.get(id).unwrap_or_default();
    let checked = match missing {
        Some(_) => required_text(typed, max, one_line),
        None => optional_text(typed, max, one_line),
    };
    checked.unwrap_or_else(|problem: TextProblem| {
        errors.push((
            id.to_owned(),
            text::editor_text(&problem, missing.unwrap_or_default()),
        ));
        typed.to_owned()
    })
}

const TITLE: (&str, usize, bool, Option<&str>) = (
    "title",
    NAME_MAX_CHARS,
    true,
    Some("Ange uppföljningens titel."),
);
const PURPOSE: (&str, usize, bool, Option<&str>) = ("purpose", PROSE_MAX_CHARS, false, None);
const INTRODUCTION: (&str, usize, bool, Option<&str>) =
    ("introduction", PROSE_MAX_CHARS, false, None);
const OFFICIAL_NAME: (&str, usize, bool, Option<&str>) = (
    "official_name",
    NAME_MAX_CHARS,
    true,
    Some("Ange fokusområdets officiella namn."),
);
const LABEL: (&str, usize, bool, Option<&str>) = (
    "label",
    NAME_MAX_CHARS,
    true,
    Some("Ange fokusområdets rubrik i formuläret."),
);
const QUESTION_TEXT: (&str, usize, bool, Option<&str>) =
    ("text", QUESTION_MAX_CHARS, false, Some("Skriv frågan."));
const HELP: (&str, usize, bool, Option<&str>) = ("help", PROSE_MAX_CHARS, false, None);

/// A whole number in `range`, or an error on field `id`.
fn number_of(
    form: &FormData,
    errors: &mut Errors,
    id: &'static str,
    range: std::ops::RangeInclusive<u32>,
    message: &str,
) -> u32 {
    let parsed = form.get(id).unwrap_or_default().trim().parse::<u32>();
    match parsed {
        Ok(n) if range.contains(&n) => n,
        _ => {
            errors.push((id.to_owned(), message.to_owned()));
            0
        }
    }
}

/// The follow-up's texts as posted, or what is wrong with them.
fn follow_up_text(form: &FormData) -> Result<FollowUpText, Errors> {
    let mut errors = Vec::new();
    let text = FollowUpText {
        title: text_of(form, &mut errors, TITLE),
        purpose: text_of(form, &mut errors, PURPOSE),
        introduction: text_of(form, &mut errors, INTRODUCTION),
    };
    if errors.is_empty() {
        Ok(text)
    } else {
        Err(errors)
    }
}

fn text_inputs(form: &FormData, errors: &[(String, String)]) -> Vec<Input> {
    let value = |id| form.get(id).unwrap_or_default();
    Input::finish(
        vec![
            Input::new("title", "Titel", "line", value("title")),
            Input::new(
                "purpose",
                "Beskrivning (mål och syfte)",
                "text",
                value("purpose"),
            ),
            Input::new("introduction", "Inledning", "text", value("introduction"))
                .hint("Visas överst i formuläret för de organ som svarar."),
        ],
        errors,
    )
}

fn follow_up_form(editor: &FollowUpEditor) -> FormData {
    let f = &editor.follow_up;
    FormData(vec![
        ("title".into(), f.title.clone()),
        ("purpose".into(), f.purpose.clone()),
        ("introduction".into(), f.introduction.clone()),
    ])
}

fn area_inputs(form: &FormData, errors: &[(String, String)]) -> Vec<Input> {
    let value = |id| form.get(id).unwrap_or_default();
    Input::finish(
        vec![
            Input::new("number", "Nummer", "number", value("number"))
                .hint("Fokusområdenas ordning i formuläret."),
            Input::new(
                "official_name",
                "Officiellt namn",
                "line",
                value("official_name"),
            )
            .hint("Som det står i policyn."),
            Input::new("label", "Rubrik i formuläret", "line", value("label")),
        ],
        errors,
    )
}

/// A focus area as posted, or what is wrong with it.
fn area_of(form: &FormData) -> Result<FocusArea, Errors> {
    let mut errors = Vec::new();
    let area = FocusArea {
        number: number_of(
            form,
            &mut errors,
            "number",
            1..=99,
            text::AREA_NUMBER_INVALID,
        ),
        official_name: text_of(form, &mut errors, OFFICIAL_NAME),
        label: text_of(form, &mut errors, LABEL),
    };
    if errors.is_empty() {
        Ok(area)
    } else {
        Err(errors)
    }
}

/// The field a refused change is about.
fn problem_field(problem: &EditProblem) -> &'static str {
    match problem {
        EditProblem::TitleTaken => "title",
        EditProblem::NumberTaken => "number",
        EditProblem::NameTaken => "official_name",
        EditProblem::UnknownFocusArea => "focus_area",
        EditProblem::UnknownBody(_) | EditProblem::NoBodies => "bodies",
        EditProblem::Stale => "text",
    }
}

fn refused(problem: &EditProblem) -> Errors {
    vec![(
        problem_field(problem).to_owned(),
        text::edit_problem(problem).to_owned(),
    )]
}

#[derive(Template)]
#[template(path = "followups.html")]
struct ListPage {
    chrome: Chrome,
    csrf: String,
    follow_ups: Vec<(i64, String)>,
    inputs: Vec<Input>,
    errors: Errors,
    notice: Option<String>,
}

async fn list_page(
    state: &AppState,
    signed: &Signed,
    form: &FormData,
    errors: Errors,
) -> Result<Response, WebError> {
    let follow_ups = state.app.follow_up_list(signed.actor()).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &ListPage {
            chrome: Chrome::of(signed),
            csrf: signed.csrf().to_owned(),
            follow_ups: follow_ups.into_iter().map(|f| (f.id.0, f.title)).collect(),
            inputs: text_inputs(form, &errors),
            errors,
            notice: None,
        },
    )
}

/// Every follow-up, and the form for a new one.
pub async fn list(State(state): State<AppState>, signed: Signed) -> Result<Response, WebError> {
    list_page(&state, &signed, &FormData::default(), Vec::new()).await
}

/// Creates a follow-up.
pub async fn create(
    State(state): State<AppState>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    checked(&state, &signed, &form, AuditSubject::FollowUps).await?;
    state.app.follow_up_list(signed.actor()).await?;
    let errors = match follow_up_text(&form) {
        Err(errors) => errors,
        Ok(text) => match state.app.create_follow_up(signed.actor(), &text).await? {
            Ok(id) => return Ok(done(id, "skapad")),
            Err(problem) => refused(&problem),
        },
    };
    list_page(&state, &signed, &form, errors).await
}

/// Back to the follow-up's page, saying what was done.
fn done(id: FollowUpId, what: &str) -> Response {
    Redirect::to(&format!("/uppfoljningar/{id}?klart={what}")).into_response()
}

pub struct AreaRow {
    pub number: u32,
    pub official_name: String,
    pub label: String,
}

pub struct QuestionRow {
    pub key: String,
    pub order: String,
    pub text: String,
    pub asked: String,
    pub retired: bool,
}

#[derive(Template)]
#[template(path = "followup.html")]
struct EditPage {
    chrome: Chrome,
    csrf: String,
    id: i64,
    title: String,
    next_round: &'static str,
    errors: Errors,
    notice: Option<String>,
    text_inputs: Vec<Input>,
    areas: Vec<AreaRow>,
    area_inputs: Vec<Input>,
    questions: Vec<QuestionRow>,
    bodies: Vec<(i64, String)>,
}

/// Who answers a question, in words: "Stadsdelsnämnder, Bromma stadsdelsnämnd".
fn asked_of(editor: &FollowUpEditor, kinds: &[BodyKind], bodies: &[BodyId]) -> String {
    kinds
        .iter()
        .map(|k| text::body_kinds(*k).to_owned())
        .chain(bodies.iter().map(|id| {
            editor
                .bodies
                .iter()
                .find(|b| b.id == *id)
                .map_or_else(|| id.to_string(), |b| b.name.clone())
        }))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The follow-up's page; `texts` and `area` are its two forms as typed.
fn edit_page(
    signed: &Signed,
    editor: &FollowUpEditor,
    texts: &FormData,
    area: &FormData,
    errors: Errors,
    notice: Option<String>,
) -> EditPage {
    let next_number = editor
        .focus_areas
        .iter()
        .map(|a| a.number)
        .max()
        .unwrap_or(0)
        + 1;
    let area = if area.0.is_empty() {
        FormData(vec![("number".into(), next_number.to_string())])
    } else {
        area.clone()
    };
    EditPage {
        chrome: Chrome::of(signed),
        csrf: signed.csrf().to_owned(),
        id: editor.follow_up.id.0,
        title: editor.follow_up.title.clone(),
        next_round: text::EDITS_APPLY_NEXT_ROUND,
        text_inputs: text_inputs(texts, &errors),
        area_inputs: area_inputs(&area, &errors),
        errors,
        notice,
        areas: editor
            .focus_areas
            .iter()
            .map(|a| AreaRow {
                number: a.number,
                official_name: a.official_name.clone(),
                label: a.label.clone(),
            })
            .collect(),
        questions: editor
            .questions
            .iter()
            .map(|q| QuestionRow {
                key: q.question.key.to_string(),
                order: format!("{}.{}", q.question.focus_area, q.question.position),
                text: q.question.text.clone(),
                asked: asked_of(editor, &q.question.applies_to, &q.question.bodies),
                retired: q.retired,
            })
            .collect(),
        bodies: editor
            .bodies
            .iter()
            .map(|b| (b.id.0, b.name.clone()))
            .collect(),
    }
}

fn notice_of(query: &FormData) -> Option<String> {
    let message = match query.get("klart")? {
        "skapad" => text::FOLLOW_UP_CREATED,
        "uppfoljning" => text::FOLLOW_UP_SAVED,
        "omrade" => text::FOCUS_AREA_SAVED,
        "fraga" => text::QUESTION_SAVED,
        "avvecklad" => text::QUESTION_RETIRED,
        "aterinford" => text::QUESTION_RESTORED,
        _ => return None,
    };
    Some(message.to_owned())
}

fn status_of(errors: &Errors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// A follow-up's page: its texts, focus areas and questions.
pub async fn edit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Response, WebError> {
    let id: FollowUpId = path_id(&id)?;
    let editor = state.app.follow_up_editor(signed.actor(), id).await?;
    let query = FormData::parse(query.unwrap_or_default().as_bytes())?;
    let page = edit_page(
        &signed,
        &editor,
        &follow_up_form(&editor),
        &FormData::default(),
        Vec::new(),
        notice_of(&query),
    );
    ok(&page)
}

/// Saves the follow-up's title, purpose and introduction.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: FollowUpId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::FollowUp(id)).await?;
    let editor = state.app.follow_up_editor(signed.actor(), id).await?;
    let errors = match follow_up_text(&form) {
        Err(errors) => errors,
        Ok(text) => match state
            .app
            .update_follow_up(signed.actor(), id, &text)
            .await?
        {
            Ok(()) => return Ok(done(id, "uppfoljning")),
            Err(problem) => refused(&problem),
        },
    };
    let page = edit_page(&signed, &editor, &form, &FormData::default(), errors, None);
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// Adds a focus area.
pub async fn add_area(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: FollowUpId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::FollowUp(id)).await?;
    let editor = state.app.follow_up_editor(signed.actor(), id).await?;
    let errors = match area_of(&form) {
        Err(errors) => errors,
        Ok(area) => match state.app.add_focus_area(signed.actor(), id, &area).await? {
            Ok(()) => return Ok(done(id, "omrade")),
            Err(problem) => refused(&problem),
        },
    };
    let page = edit_page(
        &signed,
        &editor,
        &follow_up_form(&editor),
        &form,
        errors,
        None,
    );
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Template)]
#[template(path = "focus_area.html")]
struct AreaPage {
    chrome: Chrome,
    csrf: String,
    id: i64,
    title: String,
    number: u32,
    next_round: &'static str,
    errors: Errors,
    notice: Option<String>,
    inputs: Vec<Input>,
}

fn area_page(
    signed: &Signed,
    editor: &FollowUpEditor,
    number: u32,
    form: &FormData,
    errors: Errors,
) -> Result<Response, WebError> {
    render(
        status_of(&errors),
        &AreaPage {
            chrome: Chrome::of(signed),
            csrf: signed.csrf().to_owned(),
            id: editor.follow_up.id.0,
            title: editor.follow_up.title.clone(),
            number,
            next_round: text::EDITS_APPLY_NEXT_ROUND,
            inputs: area_inputs(form, &errors),
            errors,
            notice: None,
        },
    )
}

/// The form that changes one focus area.
pub async fn area_form(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: FollowUpId = path_id(&id)?;
    let number: u32 = path_id(&number)?;
    let editor = state.app.follow_up_editor(signed.actor(), id).await?;
    let area = editor
        .focus_areas
        .iter()
        .find(|a| a.number == number)
        .ok_or_else(|| WebError::new(StatusCode::NOT_FOUND, text::NOT_FOUND))?;
    let form = FormData(vec![
        ("number".into(), area.number.to_string()),
        ("official_name".into(), area.official_name.clone()),
        ("label".into(), area.label.clone()),
    ]);
    area_page(&signed, &editor, number, &form, Vec::new())
}

/// Changes one focus area: its names, or its number (its place in the form).
pub async fn update_area(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: FollowUpId = path_id(&id)?;
    let number: u32 = path_id(&number)?;
    checked(&state, &signed, &form, AuditSubject::FollowUp(id)).await?;
    let editor = state.app.follow_up_editor(signed.actor(), id).await?;
    let errors = match area_of(&form) {
        Err(errors) => errors,
        Ok(area) => match state
            .app
            .update_focus_area(signed.actor(), id, number, &area)
            .await?
        {
            Ok(()) => return Ok(done(id, "omrade")),
            Err(problem) => refused(&problem),
        },
    };
    area_page(&signed, &editor, number, &form, errors)
}

#[derive(Template)]
#[template(path = "question.html")]
struct QuestionPage {
    chrome: Chrome,
    csrf: String,
    id: i64,
    title: String,
    heading: &'static str,
    action: String,
    key: Option<String>,
    version: i64,
    /// The stored text, when someone else changed the question meanwhile.
    current: Option<String>,
    next_round: &'static str,
    errors: Errors,
    notice: Option<String>,
    inputs: Vec<Input>,
    area_error: Option<String>,
    areas: Vec<Choice>,
    bodies_error: Option<String>,
    kinds: Vec<Choice>,
    bodies: Vec<Choice>,
    chosen_bodies: usize,
    na_allowed: bool,
}

/// The question's form: for a new question (`key` None) or question `key`, filled in
/// from `form` (as typed, or as stored).
fn question_page(
    signed: &Signed,
    editor: &FollowUpEditor,
    key: Option<&QuestionKey>,
    form: &FormData,
    errors: Errors,
    current: Option<String>,
) -> Result<Response, WebError> {
    let id = editor.follow_up.id.0;
    let ticked = |name: &str| form.get(name).is_some();
    let error = |field: &str| {
        errors
            .iter()
            .find(|(i, _)| i == field)
            .map(|(_, m)| m.clone())
    };
    let bodies: Vec<Choice> = editor
        .bodies
        .iter()
        .map(|b| Choice {
            value: format!("body-{}", b.id),
            label: b.name.clone(),
            selected: ticked(&format!("body-{}", b.id)),
        })
        .collect();
    let page = QuestionPage {
        chrome: Chrome::of(signed),
        csrf: signed.csrf().to_owned(),
        id,
        title: editor.follow_up.title.clone(),
        heading: if key.is_some() {
            "Ändra fråga"
        } else {
            "Ny fråga"
        },
        action: match key {
            Some(key) => format!("/uppfoljningar/{id}/fragor/{key}"),
            None => format!("/uppfoljningar/{id}/fragor"),
        },
        key: key.map(ToString::to_string),
        version: form.get("version").unwrap_or("0").parse().unwrap_or(0),
        current,
        next_round: text::EDITS_APPLY_NEXT_ROUND,
        inputs: Input::finish(
            vec![
                Input::new(
                    "text",
                    "Frågan",
                    "text",
                    form.get("text").unwrap_or_default(),
                ),
                Input::new(
                    "help",
                    "Hjälptext (frivillig)",
                    "text",
                    form.get("help").unwrap_or_default(),
                )
                .hint("Visas under frågan i formuläret."),
                Input::new(
                    "position",
                    "Ordning inom fokusområdet",
                    "number",
                    form.get("position").unwrap_or_default(),
                ),
            ],
            &errors,
        ),
        area_error: error("focus_area"),
        areas: editor
            .focus_areas
            .iter()
            .map(|a| Choice {
                value: a.number.to_string(),
                label: format!("{}. {}", a.number, a.label),
                selected: form.get("focus_area") == Some(a.number.to_string().as_str()),
            })
            .collect(),
        bodies_error: error("bodies"),
        kinds: BodyKind::ALL
            .iter()
            .map(|k| Choice {
                value: format!("kind-{}", k.code()),
                label: text::body_kinds(*k).to_owned(),
                selected: ticked(&format!("kind-{}", k.code())),
            })
            .collect(),
        chosen_bodies: bodies.iter().filter(|b| b.selected).count(),
        bodies,
        na_allowed: ticked("na_allowed"),
        errors,
        notice: None,
    };
    render(status_of(&page.errors), &page)
}

/// A question as posted, or what is wrong with it.
fn question_of(form: &FormData) -> Result<QuestionDraft, Errors> {
    let mut errors = Vec::new();
    let text = text_of(form, &mut errors, QUESTION_TEXT);
    let help = text_of(form, &mut errors, HELP);
    let position = number_of(
        form,
        &mut errors,
        "position",
        1..=999,
        text::QUESTION_POSITION_INVALID,
    );
    let focus_area = number_of(
        form,
        &mut errors,
        "focus_area",
        1..=99,
        text::QUESTION_AREA_MISSING,
    );
    let applies_to: Vec<BodyKind> = BodyKind::ALL
        .into_iter()
        .filter(|k| form.get(&format!("kind-{}", k.code())).is_some())
        .collect();
    let mut bodies = Vec::new();
    for (name, _) in &form.0 {
        if let Some(raw) = name.strip_prefix("body-") {
            match raw.parse::<BodyId>() {
                Ok(id) => bodies.push(id),
                Err(_) => errors.push((
                    "bodies".to_owned(),
                    text::edit_problem(&EditProblem::UnknownBody(BodyId(0))).to_owned(),
                )),
            }
        }
    }
    let draft = QuestionDraft {
        text,
        help: (!help.is_empty()).then_some(help),
        focus_area,
        position,
        applies_to,
        bodies,
        not_applicable_allowed: form.get("na_allowed").is_some(),
    };
    if !draft.has_bodies() {
        errors.push(("bodies".to_owned(), text::QUESTION_NO_BODIES.to_owned()));
    }
    if errors.is_empty() {
        Ok(draft)
    } else {
        Err(errors)
    }
}

/// The form's fields for a stored question.
fn question_form_data(q: &tertial_app::EditableQuestion) -> FormData {
    let question = &q.question;
    let mut fields = vec![
        ("text".to_owned(), question.text.clone()),
        ("help".to_owned(), question.help.clone().unwrap_or_default()),
        ("position".to_owned(), question.position.to_string()),
        ("focus_area".to_owned(), question.focus_area.to_string()),
        ("version".to_owned(), q.version.to_string()),
    ];
    fields.extend(
        question
            .applies_to
            .iter()
            .map(|k| (format!("kind-{}", k.code()), "1".to_owned())),
    );
    fields.extend(
        question
            .bodies
            .iter()
            .map(|b| (format!("body-{b}"), "1".to_owned())),
    );
    if question.not_applicable_allowed {
        fields.push(("na_allowed".to_owned(), "1".to_owned()));
    }
    FormData(fields)
}

fn question_key(raw: &str) -> Result<QuestionKey, WebError> {
    QuestionKey::parse(raw).map_err(|_| WebError::new(StatusCode::NOT_FOUND, text::NOT_FOUND))
}

/// The form for a new question.
pub async fn new_question(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: FollowUpId = path_id(&id)?;
    let editor = state.app.follow_up_editor(signed.actor(), id).await?;
    let first = editor.focus_areas.first().map_or(1, |a| a.number);
    let next = editor
        .questions
        .iter()
        .filter(|q| q.question.focus_area == first)
        .map(|q| q.question.position)
        .max()
        .unwrap_or(0)
        + 1;
    let form = FormData(vec![
        ("focus_area".into(), first.to_string()),
        ("position".into(), next.to_string()),
        ("na_allowed".into(), "1".into()),
    ]);
    question_page(&signed, &editor, None, &form, Vec::new(), None)
}

/// Adds a question; its key is made from its text.
pub async fn add_question(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: FollowUpId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::FollowUp(id)).await?;
    let editor = state.app.follow_up_editor(signed.actor(), id).await?;
    let errors = match question_of(&form) {
        Err(errors) => errors,
        Ok(draft) => match state.app.add_question(signed.actor(), id, &draft).await? {
            Ok(_) => return Ok(done(id, "fraga")),
            Err(problem) => refused(&problem),
        },
    };
    question_page(&signed, &editor, None, &form, errors, None)
}

/// The form that changes question `key`.
pub async fn question_form(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: FollowUpId = path_id(&id)?;
    let key = question_key(&key)?;
    let editor = state.app.follow_up_editor(signed.actor(), id).await?;
    let question = editor
        .question(&key)
        .ok_or_else(|| WebError::new(StatusCode::NOT_FOUND, text::NOT_FOUND))?;
    let form = question_form_data(question);
    question_page(&signed, &editor, Some(&key), &form, Vec::new(), None)
}

/// Changes question `key`, unless someone else changed it since the form was opened.
pub async fn update_question(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: FollowUpId = path_id(&id)?;
    let key = question_key(&key)?;
    checked(&state, &signed, &form, AuditSubject::FollowUp(id)).await?;
    let editor = state.app.follow_up_editor(signed.actor(), id).await?;
    let version: i64 = form.get("version").unwrap_or_default().parse().unwrap_or(0);
    let (errors, stale) = match question_of(&form) {
        Err(errors) => (errors, false),
        Ok(draft) => match state
            .app
            .update_question(signed.actor(), id, &key, version, &draft)
            .await?
        {
            Ok(()) => return Ok(done(id, "fraga")),
            Err(problem) => (refused(&problem), problem == EditProblem::Stale),
        },
    };
    // On a stale edit the form keeps what was typed, now based on the stored version:
    // saving again replaces the other person's change knowingly.
    let mut form = form;
    let mut current = None;
    if stale && let Some(now) = editor.question(&key) {
        form.0.retain(|(n, _)| n != "version");
        form.0.push(("version".into(), now.version.to_string()));
        current = Some(now.question.text.clone());
    }
    question_page(&signed, &editor, Some(&key), &form, errors, current)
}

/// Retires question `key` (`action=avveckla`) or restores it (`action=aterinfor`).
pub async fn retire(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: FollowUpId = path_id(&id)?;
    let key = question_key(&key)?;
    checked(&state, &signed, &form, AuditSubject::FollowUp(id)).await?;
    let (retired, what) = match form.get("action") {
        Some("avveckla") => (true, "avvecklad"),
        Some("aterinfor") => (false, "aterinford"),
        _ => {
            // Checked first: a reporter is refused as such, whatever they sent.
            state.app.follow_up_editor(signed.actor(), id).await?;
            return Err(WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED));
        }
    };
    state
        .app
        .retire_question(signed.actor(), id, &key, retired)
        .await?;
    Ok(done(id, what))
}
