//! Comparing rounds: one body's answers in two rounds side by side (`/omgangar/{id}/jamfor`),
//! a round's questions (`/omgangar/{id}/fragor`) and every body's answer to one question
//! (`/omgangar/{id}/fragor/{key}/jamfor`). Body and round are chosen with plain GET forms.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use tertial_app::{ComparedRounds, Side};
use tertial_domain::compare::AnswerChange;
use tertial_domain::review::{DiffPart, word_diff};
use tertial_domain::{QuestionKey, RoundId, SubmittedAnswer};

use super::{Chrome, ok, path_id};
use crate::error::WebError;
use crate::session::Signed;
use crate::{AppState, text, time};

/// The comparison pages' GET parameters: the body and the other round, by id.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CompareQuery {
    #[serde(default)]
    organ: String,
    #[serde(default)]
    mot: String,
}

impl CompareQuery {
    /// The other round chosen; none (blank) means the one before.
    fn other(&self) -> Result<Option<RoundId>, WebError> {
        optional_id(&self.mot)
    }
}

fn optional_id<T: std::str::FromStr>(raw: &str) -> Result<Option<T>, WebError> {
    match raw.trim() {
        "" => Ok(None),
        id => path_id(id).map(Some),
    }
}

/// An option of a select: value, label, selected.
type Choice = (i64, String, bool);

/// One round's side of an answer: its text, "Ej aktuellt" (with the justification), or
/// why there is none.
pub struct Cell {
    pub not_applicable: bool,
    pub text: String,
    /// Shown instead of an answer: "Ej inkommit", "Inget svar", …
    pub missing: Option<&'static str>,
}

/// An answer compared: its mark, both sides and, when it changed, the word diff.
pub struct Compared {
    pub mark: &'static str,
    pub mark_code: &'static str,
    pub earlier: Cell,
    pub later: Cell,
    /// ("same" | "del" | "ins", text).
    pub diff: Vec<(&'static str, String)>,
}

fn cell(side: &Side, answer: Option<&SubmittedAnswer>) -> Cell {
    let missing = match (side, answer) {
        (_, Some(_)) => None,
        (Side::NotInRound, None) => Some(text::COMPARE_NOT_IN_ROUND),
        (Side::NotReceived, None) => Some(text::NOT_RECEIVED),
        (Side::Submitted(_), None) => Some(text::COMPARE_NO_ANSWER),
    };
    Cell {
        not_applicable: answer.is_some_and(|a| a.not_applicable),
        text: answer.map(|a| a.text.clone()).unwrap_or_default(),
        missing,
    }
}

/// An answer as the diff reads it: "Ej aktuellt" is part of the text.
fn shown(answer: Option<&SubmittedAnswer>) -> String {
    match answer {
        Some(a) if a.not_applicable && a.text.is_empty() => text::NOT_APPLICABLE.to_owned(),
        Some(a) if a.not_applicable => format!("{}. {}", text::NOT_APPLICABLE, a.text),
        Some(a) => a.text.clone(),
        None => String::new(),
    }
}

fn compared(
    change: AnswerChange,
    (earlier_side, earlier): (&Side, Option<&SubmittedAnswer>),
    (later_side, later): (&Side, Option<&SubmittedAnswer>),
) -> Compared {
    let diff = if change == AnswerChange::Changed {
        word_diff(&shown(earlier), &shown(later))
            .into_iter()
            .map(|part| match part {
                DiffPart::Same(t) => ("same", t),
                DiffPart::Removed(t) => ("del", t),
                DiffPart::Added(t) => ("ins", t),
            })
            .collect()
    } else {
        Vec::new()
    };
    Compared {
        mark: text::answer_change(change),
        mark_code: change.code(),
        earlier: cell(earlier_side, earlier),
        later: cell(later_side, later),
        diff,
    }
}

/// How many answers got each mark, for the summary above the list.
fn tally(changes: impl Iterator<Item = AnswerChange>) -> Vec<(&'static str, usize)> {
    let changes: Vec<AnswerChange> = changes.collect();
    AnswerChange::ALL
        .into_iter()
        .map(|c| {
            (
                text::answer_change(c),
                changes.iter().filter(|x| **x == c).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// What both comparison pages say about the two rounds.
pub struct RoundsView {
    pub id: i64,
    pub name: String,
    pub follow_up: String,
    /// The other round's id, 0 when there is none.
    pub other_id: i64,
    /// The earlier and the later round's names (empty without another round).
    pub earlier: String,
    pub later: String,
    pub others: Vec<Choice>,
}

impl RoundsView {
    fn of(rounds: &ComparedRounds) -> RoundsView {
        let (earlier, later) = rounds
            .in_order()
            .map(|(a, b)| (text::round_name(a), text::round_name(b)))
            .unwrap_or_default();
        let other_id = rounds.other.as_ref().map_or(0, |r| r.id.0);
        RoundsView {
            id: rounds.round.id.0,
            name: text::round_name(&rounds.round),
            follow_up: rounds.follow_up.title.clone(),
            other_id,
            earlier,
            later,
            others: rounds
                .choices
                .iter()
                .map(|r| (r.id.0, text::round_name(r), r.id.0 == other_id))
                .collect(),
        }
    }
}

/// A question compared on the body's page.
pub struct QuestionRow {
    pub number: String,
    pub key: String,
    pub text: String,
    pub compared: Compared,
}

#[derive(Template)]
#[template(path = "compare_body.html")]
struct BodyPage {
    chrome: Chrome,
    rounds: RoundsView,
    /// Coordinators and administrators: links to the round and to each question's page.
    follows: bool,
    bodies: Vec<Choice>,
    body: Option<String>,
    /// The body's version in the earlier and the later round, as a line each.
    versions: (String, String),
    tally: Vec<(&'static str, usize)>,
    questions: Vec<QuestionRow>,
}

/// A line about a body's side in a round: "Version 2, inskickad 11 maj 2022 kl. 14.02".
fn version_line(side: &Side) -> String {
    match side {
        Side::NotInRound => text::COMPARE_NOT_IN_ROUND.to_owned(),
        Side::NotReceived => text::NOT_RECEIVED.to_owned(),
        Side::Submitted(s) => text::compared_version(s.number, &time::date_time(s.submitted_at)),
    }
}

/// One body's answers in two rounds.
pub async fn body(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<CompareQuery>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    let body = optional_id(&query.organ)?;
    let actor = signed.actor();
    let comparison = state
        .app
        .compare_body(actor, id, body, query.other()?)
        .await?;
    let chosen = comparison.body.as_ref().map(|b| b.id);
    let questions: Vec<QuestionRow> = comparison
        .answers
        .iter()
        .map(|a| QuestionRow {
            number: a.number.clone(),
            key: a.question.key.to_string(),
            text: a.question.text.clone(),
            compared: compared(
                a.change,
                (&comparison.earlier, a.earlier.as_ref()),
                (&comparison.later, a.later.as_ref()),
            ),
        })
        .collect();
    ok(&BodyPage {
        chrome: Chrome::of(&signed),
        rounds: RoundsView::of(&comparison.rounds),
        follows: actor.follows_rounds(),
        bodies: comparison
            .bodies
            .iter()
            .map(|b| (b.id.0, b.name.clone(), Some(b.id) == chosen))
            .collect(),
        body: comparison.body.as_ref().map(|b| b.name.clone()),
        versions: (
            version_line(&comparison.earlier),
            version_line(&comparison.later),
        ),
        tally: tally(comparison.answers.iter().map(|a| a.change)),
        questions,
    })
}

/// A body's answer on the question's page.
pub struct BodyAnswer {
    pub body: String,
    pub compared: Compared,
}

#[derive(Template)]
#[template(path = "compare_question.html")]
struct QuestionPage {
    chrome: Chrome,
    rounds: RoundsView,
    key: String,
    number: String,
    text: String,
    tally: Vec<(&'static str, usize)>,
    rows: Vec<BodyAnswer>,
}

/// Every body's answer to one question in two rounds.
pub async fn question(
    State(state): State<AppState>,
    Path((id, key)): Path<(String, String)>,
    Query(query): Query<CompareQuery>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    let key = QuestionKey::parse(&key).map_err(tertial_app::AppError::from)?;
    let comparison = state
        .app
        .compare_question(signed.actor(), id, &key, query.other()?)
        .await?;
    let rows = comparison
        .rows
        .iter()
        .map(|r| BodyAnswer {
            body: r.body.name.clone(),
            compared: compared(
                r.change,
                (&r.earlier, r.earlier.answer(&key)),
                (&r.later, r.later.answer(&key)),
            ),
        })
        .collect();
    ok(&QuestionPage {
        chrome: Chrome::of(&signed),
        rounds: RoundsView::of(&comparison.rounds),
        key: key.to_string(),
        number: comparison.number.clone(),
        text: comparison.question.text.clone(),
        tally: tally(comparison.rows.iter().map(|r| r.change)),
        rows,
    })
}

#[derive(Template)]
#[template(path = "compare_questions.html")]
struct QuestionsPage {
    chrome: Chrome,
    rounds: RoundsView,
    /// (number, focus area, key, text).
    questions: Vec<(String, String, String, String)>,
}

/// A round's questions, each with a link to compare every body's answer.
pub async fn questions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<CompareQuery>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    let listing = state
        .app
        .round_questions(signed.actor(), id, query.other()?)
        .await?;
    ok(&QuestionsPage {
        chrome: Chrome::of(&signed),
        rounds: RoundsView::of(&listing.rounds),
        questions: listing
            .questions
            .into_iter()
            .map(|(number, area, q)| (number, area, q.key.to_string(), q.text))
            .collect(),
    })
}
