//! Searching answers (`/sok`), for every signed-in role: a plain GET form (works without
//! JavaScript, and a search can be linked to, as the round dashboard does), hits grouped
//! by round and question with the found words marked.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tertial_app::{FoundGroup, SearchFilters, SearchOutcome, SearchRequest};
use tertial_domain::analysis::SnippetPart;
use tertial_domain::{BodyId, BodyKind, QuestionKey, RoundId};

use super::{Chrome, ok};
use crate::error::WebError;
use crate::session::{Signed, urlencode};
use crate::{AppState, text};

/// The page's parameters as sent; a filter that does not parse is no filter.
#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    omgang: Option<String>,
    organ: Option<String>,
    typ: Option<String>,
    omrade: Option<String>,
    fraga: Option<String>,
    efter: Option<String>,
}

impl SearchParams {
    fn request(&self) -> SearchRequest {
        let id = |raw: &Option<String>| raw.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
        SearchRequest {
            query: self.q.clone(),
            filters: SearchFilters {
                round: id(&self.omgang).map(RoundId),
                body: id(&self.organ).map(BodyId),
                body_kind: self
                    .typ
                    .as_deref()
                    .and_then(|c| BodyKind::from_code(c).ok()),
                focus_area: id(&self.omrade).and_then(|n| u32::try_from(n).ok()),
                question: self
                    .fraga
                    .as_deref()
                    .and_then(|k| QuestionKey::parse(k).ok()),
            },
            after: id(&self.efter),
        }
    }
}

/// A choice in a filter: value, label, chosen.
type Choice = (String, String, bool);

struct Hit {
    body: String,
    href: String,
    /// "Version 2", "Utkast", "Publicerad version 1".
    version: String,
    snippet: Vec<SnippetPart>,
}

struct Group {
    heading: String,
    hits: Vec<Hit>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    query: String,
    problem: Option<String>,
    rounds: Vec<Choice>,
    bodies: Vec<Choice>,
    kinds: Vec<Choice>,
    areas: Vec<Choice>,
    questions: Vec<Choice>,
    asked: bool,
    drafts: Vec<Group>,
    groups: Vec<Group>,
    /// The next page's address.
    next: Option<String>,
}

pub async fn search(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
    signed: Signed,
) -> Result<Response, WebError> {
    let request = params.request();
    let page = state.app.search(signed.actor(), &request).await?;
    let filters = &request.filters;
    let choices = &page.choices;
    let (mut problem, mut drafts, mut groups, mut next) = (None, Vec::new(), Vec::new(), None);
    match page.outcome {
        SearchOutcome::NotAsked => {}
        SearchOutcome::Refused(p) => problem = Some(text::search_problem(p)),
        SearchOutcome::TimedOut => problem = Some(text::SEARCH_TIMED_OUT.to_owned()),
        SearchOutcome::Found {
            drafts: d,
            groups: g,
            next: n,
        } => {
            drafts = d.into_iter().map(group).collect();
            groups = g.into_iter().map(group).collect();
            next = n.map(|after| address(&params, after));
        }
    }
    let chosen = |value: String, label: String, is: bool| (value, label, is);
    ok(&SearchPage {
        chrome: Chrome::of(&signed),
        query: params.q.clone(),
        asked: !params.q.trim().is_empty() && problem.is_none(),
        problem,
        rounds: choices
            .rounds
            .iter()
            .map(|r| {
                chosen(
                    r.id.0.to_string(),
                    text::round_name(r),
                    filters.round == Some(r.id),
                )
            })
            .collect(),
        bodies: choices
            .bodies
            .iter()
            .map(|b| {
                chosen(
                    b.id.0.to_string(),
                    b.name.clone(),
                    filters.body == Some(b.id),
                )
            })
            .collect(),
        kinds: BodyKind::ALL
            .iter()
            .map(|k| {
                let label = text::body_kind(*k).to_owned();
                chosen(k.code().to_owned(), label, filters.body_kind == Some(*k))
            })
            .collect(),
        areas: choices
            .focus_areas
            .iter()
            .map(|a| {
                let label = format!("{}. {}", a.number, a.label);
                chosen(
                    a.number.to_string(),
                    label,
                    filters.focus_area == Some(a.number),
                )
            })
            .collect(),
        questions: choices
            .questions
            .iter()
            .map(|(key, question, _)| {
                let is = filters.question.as_ref() == Some(key);
                chosen(key.as_str().to_owned(), question.clone(), is)
            })
            .collect(),
        drafts,
        groups,
        next,
    })
}

fn group(found: FoundGroup) -> Group {
    let question = found
        .question
        .unwrap_or_else(|| text::OTHER_INFORMATION.to_owned());
    Group {
        heading: format!("{}: {question}", text::round_name(&found.round)),
        hits: found
            .hits
            .into_iter()
            .map(|hit| {
                let (href, version) = match (hit.number, hit.publication) {
                    (None, _) => (
                        format!("/rapporter/{}", hit.report.0),
                        text::SEARCH_DRAFT.to_owned(),
                    ),
                    (Some(_), Some(p)) => (
                        format!("/publicerat/{}/{p}", hit.round.0),
                        format!("{} {p}", text::SEARCH_PUBLISHED),
                    ),
                    (Some(n), _) => (
                        format!("/rapporter/{}/versioner/{n}", hit.report.0),
                        format!("{} {n}", text::SEARCH_VERSION),
                    ),
                };
                Hit {
                    body: hit.body_name,
                    href,
                    version,
                    snippet: hit.snippet,
                }
            })
            .collect(),
    }
}

/// This search's address, its next page starting after `after`.
fn address(params: &SearchParams, after: i64) -> String {
    let mut parts = vec![format!("q={}", urlencode(&params.q))];
    for (name, value) in [
        ("omgang", &params.omgang),
        ("organ", &params.organ),
        ("typ", &params.typ),
        ("omrade", &params.omrade),
        ("fraga", &params.fraga),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{name}={}", urlencode(value)));
        }
    }
    parts.push(format!("efter={after}"));
    format!("/sok?{}", parts.join("&"))
}
