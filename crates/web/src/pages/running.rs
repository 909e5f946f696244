//! Running rounds from the browser: a new round (chosen, previewed, opened), its deadlines
//! moved, closed. Coordinators only; the use cases refuse everyone else.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tertial_app::{DeadlineProblem, RoundChoices, RoundProblem, RoundRequest};
use tertial_domain::{AuditSubject, BodyId, FollowUpId, Period, ReportId, RoundId};

use super::{Chrome, checked, ok, path_id, render};
use crate::error::WebError;
use crate::form::FormData;
use crate::session::Signed;
use crate::{AppState, text, time};

/// The new round's form as filled in so far (or as first shown), every value as typed.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    pub follow_up: String,
    pub period: String,
    pub year: String,
    pub deadline: String,
    /// The ids of the chosen bodies; `None`: nothing chosen yet (the defaults apply).
    pub bodies: Option<Vec<i64>>,
}

impl Filled {
    fn of(form: &FormData) -> Filled {
        let get = |name| form.get(name).unwrap_or_default().trim().to_owned();
        let chosen: Vec<i64> = form
            .0
            .iter()
            .filter_map(|(name, _)| name.strip_prefix("body-")?.parse().ok())
            .collect();
        Filled {
            follow_up: get("follow_up"),
            period: get("period"),
            year: get("year"),
            deadline: get("deadline"),
            // The form says it was sent (`chosen=1`), so that no box ticked means none.
            bodies: (form.get("chosen").is_some()).then_some(chosen),
        }
    }

    /// The request these values make, or what is wrong with them (field id, message).
    fn request(&self, choices: &RoundChoices) -> Result<RoundRequest, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let follow_up = self.follow_up_id(choices);
        if follow_up.is_none() {
            errors.push(("follow_up", text::FOLLOW_UP_MISSING.to_owned()));
        }
        let period = Period::from_code(&self.period).ok();
        if period.is_none() {
            errors.push(("period", text::ROUND_PERIOD_MISSING.to_owned()));
        }
        let year = self
            .year
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        if year.is_none() {
            errors.push(("year", text::ROUND_YEAR_INVALID.to_owned()));
        }
        let deadline = self.deadline.parse::<jiff::civil::Date>().ok();
        if deadline.is_none() {
            errors.push(("deadline", text::DEADLINE_INVALID.to_owned()));
        }
        match (follow_up, period, year, deadline) {
            (Some(follow_up), Some(period), Some(year), Some(deadline)) if errors.is_empty() => {
                Ok(RoundRequest {
                    follow_up,
                    period,
                    year,
                    deadline,
                    bodies: self.chosen(choices, follow_up),
                })
            }
            _ => Err(errors),
        }
    }

    fn follow_up_id(&self, choices: &RoundChoices) -> Option<FollowUpId> {
        match self.follow_up.parse::<i64>() {
            Ok(id) => choices
                .follow_ups
                .iter()
                .find(|f| f.id.0 == id)
                .map(|f| f.id),
            Err(_) => choices.follow_ups.first().map(|f| f.id),
        }
    }

    fn chosen(&self, choices: &RoundChoices, follow_up: FollowUpId) -> Vec<BodyId> {
        match &self.bodies {
            Some(ids) => ids.iter().map(|id| BodyId(*id)).collect(),
            None => choices.default_bodies(follow_up),
        }
    }

    /// The query string that fills the form in again ("Ändra").
    fn query(&self, bodies: &[BodyId]) -> String {
        let mut pairs = vec![
            ("follow_up".to_owned(), self.follow_up.clone()),
            ("period".to_owned(), self.period.clone()),
            ("year".to_owned(), self.year.clone()),
            ("deadline".to_owned(), self.deadline.clone()),
            ("chosen".to_owned(), "1".to_owned()),
        ];
        pairs.extend(
            bodies
                .iter()
                .map(|b| (format!("body-{}", b.0), "1".to_owned())),
        );
        pairs
            .iter()
            .map(|(n, v)| format!("{}={}", encode(n), encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes a query string's name or value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct BodyChoice {
    pub id: i64,
    pub name: String,
    pub checked: bool,
    pub questions: String,
}

#[derive(Template)]
#[template(path = "round_new.html")]
struct NewRoundPage {
    chrome: Chrome,
    errors: Vec<(String, String)>,
    follow_ups: Vec<Choice>,
    periods: Vec<Choice>,
    year: String,
    deadline: String,
    bodies: Vec<BodyChoice>,
}

impl NewRoundPage {
    fn error_for(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, m)| m.as_str())
    }
}

pub struct PreviewBody {
    pub name: String,
    pub questions: Vec<String>,
}

#[derive(Template)]
#[template(path = "round_preview.html")]
struct PreviewPage {
    chrome: Chrome,
    name: String,
    follow_up: String,
    deadline: String,
    bodies: Vec<PreviewBody>,
    questions: usize,
    hidden: Vec<(String, String)>,
    change: String,
}

fn new_round_page(
    signed: &Signed,
    choices: &RoundChoices,
    filled: &Filled,
    errors: Vec<(String, String)>,
) -> NewRoundPage {
    let follow_up = filled.follow_up_id(choices);
    let chosen = follow_up
        .map(|f| filled.chosen(choices, f))
        .unwrap_or_default();
    let next_year = choices.today.year().to_string();
    NewRoundPage {
        chrome: Chrome::of(signed),
        errors,
        follow_ups: choices
            .follow_ups
            .iter()
            .map(|f| Choice {
                value: f.id.0.to_string(),
                label: f.title.clone(),
                selected: Some(f.id) == follow_up,
            })
            .collect(),
        periods: [Period::T1, Period::T2, Period::Vb]
            .into_iter()
            .map(|p| Choice {
                value: p.code().to_owned(),
                label: text::period_name(p).to_owned(),
                selected: p.code() == filled.period,
            })
            .collect(),
        year: if filled.year.is_empty() {
            next_year
        } else {
            filled.year.clone()
        },
        deadline: filled.deadline.clone(),
        bodies: choices
            .bodies
            .iter()
            .map(|b| {
                let n = follow_up.map_or(0, |f| choices.questions_for(f, b).len());
                BodyChoice {
                    id: b.id.0,
                    name: b.name.clone(),
                    checked: chosen.contains(&b.id),
                    questions: text::question_count(n),
                }
            })
            .collect(),
    }
}

/// The problems as the form lists them: each with the id of the field to fix.
fn problem_list(problems: &[RoundProblem]) -> Vec<(String, String)> {
    problems
        .iter()
        .map(|p| {
            let id = match p {
                RoundProblem::DeadlinePassed => "deadline".to_owned(),
                RoundProblem::Exists => "period".to_owned(),
                RoundProblem::NoBodies => "bodies".to_owned(),
                RoundProblem::NoQuestions(body) => format!("body-{}", body.id.0),
                RoundProblem::UnknownBody(_) => "bodies".to_owned(),
            };
            (id, text::round_problem(p))
        })
        .collect()
}

fn field_errors(errors: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    errors
        .into_iter()
        .map(|(id, m)| (id.to_owned(), m))
        .collect()
}

/// The form for a new round (filled in again from the query, after "Ändra").
pub async fn new_round(
    State(state): State<AppState>,
    signed: Signed,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let choices = state.app.round_choices(signed.actor()).await?;
    let form = FormData::parse(query.unwrap_or_default().as_bytes())?;
    ok(&new_round_page(
        &signed,
        &choices,
        &Filled::of(&form),
        Vec::new(),
    ))
}

/// What the round would ask of each body, before it opens; or the form again with what is
/// wrong.
pub async fn preview(
    State(state): State<AppState>,
    signed: Signed,
    RawQuery(query): RawQuery,
) -> Result<Response, WebError> {
    let choices = state.app.round_choices(signed.actor()).await?;
    let form = FormData::parse(query.unwrap_or_default().as_bytes())?;
    let filled = Filled::of(&form);
    let request = match filled.request(&choices) {
        Ok(request) => request,
        Err(errors) => {
            let page = new_round_page(&signed, &choices, &filled, field_errors(errors));
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let (choices, problems) = state.app.check_round(signed.actor(), &request).await?;
    if !problems.is_empty() {
        let page = new_round_page(&signed, &choices, &filled, problem_list(&problems));
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let bodies: Vec<PreviewBody> = choices
        .bodies
        .iter()
        .filter(|b| request.bodies.contains(&b.id))
        .map(|b| PreviewBody {
            name: b.name.clone(),
            questions: choices
                .questions_for(request.follow_up, b)
                .iter()
                .map(|q| q.text.clone())
                .collect(),
        })
        .collect();
    let follow_up = choices
        .follow_ups
        .iter()
        .find(|f| f.id == request.follow_up)
        .map(|f| f.title.clone())
        .unwrap_or_default();
    let mut hidden = vec![
        ("follow_up".to_owned(), request.follow_up.0.to_string()),
        ("period".to_owned(), request.period.code().to_owned()),
        ("year".to_owned(), request.year.to_string()),
        ("deadline".to_owned(), request.deadline.to_string()),
        ("chosen".to_owned(), "1".to_owned()),
    ];
    hidden.extend(
        request
            .bodies
            .iter()
            .map(|b| (format!("body-{}", b.0), "1".to_owned())),
    );
    ok(&PreviewPage {
        chrome: Chrome::of(&signed),
        name: text::new_round_name(request.period, request.year),
        follow_up,
        deadline: time::date(request.deadline),
        questions: bodies.iter().map(|b| b.questions.len()).sum(),
        bodies,
        hidden,
        change: filled.query(&request.bodies),
    })
}

/// Creates and opens the round as previewed.
pub async fn open(
    State(state): State<AppState>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    checked(&state, &signed, &form, AuditSubject::Rounds).await?;
    let choices = state.app.round_choices(signed.actor()).await?;
    let filled = Filled::of(&form);
    let request = match filled.request(&choices) {
        Ok(request) => request,
        Err(errors) => {
            let page = new_round_page(&signed, &choices, &filled, field_errors(errors));
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    match state.app.create_round(signed.actor(), &request).await? {
        Ok(id) => Ok(Redirect::to(&format!("/omgangar/{id}?oppnad=1")).into_response()),
        Err(problems) => {
            let page = new_round_page(&signed, &choices, &filled, problem_list(&problems));
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

#[derive(Template)]
#[template(path = "round_deadline.html")]
struct DeadlinePage {
    chrome: Chrome,
    round_id: i64,
    name: String,
    deadline: String,
    deadline_value: String,
    errors: Vec<(String, String)>,
    bodies: Vec<Choice>,
    typed: String,
}

impl DeadlinePage {
    fn error_for(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, m)| m.as_str())
    }
}

async fn deadline_page(
    state: &AppState,
    signed: &Signed,
    id: RoundId,
    report: Option<i64>,
    typed: &str,
    errors: Vec<(String, String)>,
) -> Result<DeadlinePage, WebError> {
    let overview = state.app.round_overview(signed.actor(), id).await?;
    let mut bodies: Vec<Choice> = overview
        .reports
        .iter()
        .map(|o| Choice {
            value: o.report.id.0.to_string(),
            label: format!("{} ({})", o.body.name, time::date(overview.deadline_of(o))),
            selected: Some(o.report.id.0) == report,
        })
        .collect();
    bodies.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(DeadlinePage {
        chrome: Chrome::of(signed),
        round_id: id.0,
        name: text::round_name(&overview.round),
        deadline: time::date(overview.round.deadline),
        deadline_value: overview.round.deadline.to_string(),
        errors,
        bodies,
        typed: typed.to_owned(),
    })
}

/// The forms that move a round's deadline, or one body's.
pub async fn deadline_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    ok(&deadline_page(&state, &signed, id, None, "", Vec::new()).await?)
}

/// Moves the deadline: of the whole round, or (`report`) of one body's report.
pub async fn set_deadline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::Round(id)).await?;
    let report: Option<i64> = match form.get("report").unwrap_or_default() {
        "" => None,
        raw => Some(path_id(raw)?),
    };
    // Each of the page's two forms has its own date field.
    let (field, typed) = match report {
        None => ("deadline", form.get("deadline").unwrap_or_default().trim()),
        Some(_) => (
            "body-deadline",
            form.get("body_deadline").unwrap_or_default().trim(),
        ),
    };
    let problem = match typed.parse::<jiff::civil::Date>() {
        Err(_) => text::DEADLINE_INVALID.to_owned(),
        Ok(deadline) => match state
            .app
            .extend_deadline(signed.actor(), id, report.map(ReportId), deadline)
            .await?
        {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/omgangar/{id}?andrad=1")).into_response());
            }
            Err(DeadlineProblem::Passed) => text::DEADLINE_PASSED.to_owned(),
            Err(DeadlineProblem::NotLater(current)) => {
                text::deadline_not_later(&time::date(current))
            }
        },
    };
    let page = deadline_page(
        &state,
        &signed,
        id,
        report,
        typed,
        vec![(field.to_owned(), problem)],
    )
    .await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// Closes the round.
pub async fn close(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::Round(id)).await?;
    state.app.close_round(signed.actor(), id).await?;
    Ok(Redirect::to(&format!("/omgangar/{id}?stangd=1")).into_response())
}
