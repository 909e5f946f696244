//! Insights into a round's submitted answers, for coordinators and administrators: the
//! register of actors (`/aktorer`), and per round the actors named
//! (`/omgangar/{id}/aktorer`), the decisions still pending (`…/beslut`), the dates given
//! (`…/tidslinje`) and the readability (`…/lasbarhet`). Only submitted versions are read.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tertial_documents::insights as swedish;
use tertial_domain::insights::actors::{ActorFinder, Problem, RegisteredActor};
use tertial_domain::insights::lix::LONGEST_SHOWN;
use tertial_domain::insights::round::{Passage, RoundTexts};
use tertial_domain::{ActorId, AuditSubject, RoundId};

use super::people::{active_of, error_for};
use super::{Chrome, checked, ok, path_id, render};
use crate::error::WebError;
use crate::form::FormData;
use crate::session::Signed;
use crate::{AppState, text};

// ---- The register ----

/// Which notice the register shows after a change (`?klart=…`).
#[derive(Debug, serde::Deserialize)]
pub struct Done {
    klart: Option<String>,
}

impl Done {
    fn notice(&self) -> Option<&'static str> {
        Some(match self.klart.as_deref()? {
            "tillagd" => text::ACTOR_ADDED,
            "sparad" => text::CHANGES_SAVED,
            "inaktiverad" => text::ACTOR_DEACTIVATED,
            "aktiverad" => text::ACTOR_REACTIVATED,
            _ => return None,
        })
    }
}

pub struct ActorRow {
    pub id: i64,
    pub name: String,
    pub aliases: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "actors.html")]
struct RegisterPage {
    chrome: Chrome,
    notice: Option<&'static str>,
    rows: Vec<ActorRow>,
}

/// The register of actors.
pub async fn register(
    State(state): State<AppState>,
    signed: Signed,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let actors = state.app.actor_register(signed.actor()).await?;
    ok(&RegisterPage {
        chrome: Chrome::of(&signed),
        notice: done.notice(),
        rows: actors
            .into_iter()
            .map(|a| ActorRow {
                id: a.id.0,
                status: if a.active {
                    text::ACTIVE
                } else {
                    text::INACTIVE
                },
                aliases: a.aliases.join(", "),
                name: a.name,
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "actor_form.html")]
struct ActorPage {
    chrome: Chrome,
    heading: String,
    action: String,
    notice: Option<&'static str>,
    errors: Vec<(String, String)>,
    name: String,
    /// One a line.
    aliases: String,
    /// The actor changed; `None` on the form for a new one.
    id: Option<i64>,
    active: bool,
}

impl ActorPage {
    fn error_for(&self, id: &str) -> Option<&str> {
        error_for(&self.errors, id)
    }

    /// The form for a new actor (`actor` None) or for changing one, with what was typed.
    fn new(signed: &Signed, actor: Option<&RegisteredActor>, typed: Option<&FormData>) -> Self {
        let value = |name: &str, stored: String| match typed {
            Some(form) => form.get(name).unwrap_or_default().to_owned(),
            None => stored,
        };
        ActorPage {
            chrome: Chrome::of(signed),
            heading: actor.map_or_else(|| "Lägg till aktör".to_owned(), |a| a.name.clone()),
            action: actor.map_or_else(
                || "/aktorer/ny".to_owned(),
                |a| format!("/aktorer/{}", a.id),
            ),
            notice: None,
            errors: Vec::new(),
            name: value("name", actor.map(|a| a.name.clone()).unwrap_or_default()),
            aliases: value(
                "aliases",
                actor.map(|a| a.aliases.join("\n")).unwrap_or_default(),
            ),
            id: actor.map(|a| a.id.0),
            active: actor.is_none_or(|a| a.active),
        }
    }

    fn refused(mut self, problems: &[Problem]) -> Result<Response, WebError> {
        self.errors = problems
            .iter()
            .map(|p| (p.field().to_owned(), text::actor_problem(p)))
            .collect();
        render(StatusCode::UNPROCESSABLE_ENTITY, &self)
    }
}

fn typed<'f>(form: &'f FormData, name: &str) -> &'f str {
    form.get(name).unwrap_or_default()
}

/// The form for a new actor.
pub async fn new_actor(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, WebError> {
    state.app.actor_register(signed.actor()).await?;
    ok(&ActorPage::new(&signed, None, None))
}

/// Adds an actor.
pub async fn add_actor(
    State(state): State<AppState>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    checked(&state, &signed, &form, AuditSubject::Actors).await?;
    let added = state
        .app
        .add_actor(
            signed.actor(),
            typed(&form, "name"),
            typed(&form, "aliases"),
        )
        .await?;
    match added {
        Ok(_) => Ok(Redirect::to("/aktorer?klart=tillagd").into_response()),
        Err(problems) => ActorPage::new(&signed, None, Some(&form)).refused(&problems),
    }
}

/// One actor's form.
pub async fn actor(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let id: ActorId = path_id(&id)?;
    let actor = state.app.registered_actor(signed.actor(), id).await?;
    let mut page = ActorPage::new(&signed, Some(&actor), None);
    page.notice = done.notice();
    ok(&page)
}

/// Renames an actor and sets its aliases.
pub async fn change_actor(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: ActorId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::Actor(id)).await?;
    let actor = state.app.registered_actor(signed.actor(), id).await?;
    let changed = state
        .app
        .change_actor(
            signed.actor(),
            id,
            typed(&form, "name"),
            typed(&form, "aliases"),
        )
        .await?;
    match changed {
        Ok(()) => Ok(Redirect::to(&format!("/aktorer/{id}?klart=sparad")).into_response()),
        Err(problems) => ActorPage::new(&signed, Some(&actor), Some(&form)).refused(&problems),
    }
}

/// Deactivates or reactivates an actor.
pub async fn set_actor_active(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: ActorId = path_id(&id)?;
    checked(&state, &signed, &form, AuditSubject::Actor(id)).await?;
    let active = active_of(&form)?;
    state
        .app
        .set_actor_active(signed.actor(), id, active)
        .await?;
    let done = if active { "aktiverad" } else { "inaktiverad" };
    Ok(Redirect::to(&format!("/aktorer/{id}?klart={done}")).into_response())
}

// ---- A round's insights ----

/// A sentence found, in pieces (marked or not), with a link to the version it is from.
pub struct PassageView {
    pub pieces: Vec<(String, bool)>,
    pub href: String,
    /// "Fråga 1.2, version 1".
    pub source: String,
    pub question: String,
}

fn passage(texts: &RoundTexts, p: &Passage) -> PassageView {
    let answer = &texts.answers[p.answer];
    PassageView {
        pieces: p
            .pieces()
            .into_iter()
            .map(|(s, marked)| (s.to_owned(), marked))
            .collect(),
        href: answer
            .report
            .map(|r| format!("/rapporter/{r}/versioner/{}", answer.version))
            .unwrap_or_default(),
        source: text::passage_source(&answer.number, answer.version),
        question: answer.question.clone(),
    }
}

/// What every round insight page shows at its top.
pub struct Heading {
    pub round_id: i64,
    pub round: String,
    pub follow_up: String,
    pub title: String,
}

fn heading(insight: &tertial_app::RoundInsight, what: &str) -> Heading {
    Heading {
        round_id: insight.round.id.0,
        round: text::round_name(&insight.round),
        follow_up: insight.follow_up.title.clone(),
        title: text::insight_title(what, &insight.round),
    }
}

/// A body with what was found in its answers.
pub struct BodyFinds<T> {
    pub name: String,
    pub items: Vec<T>,
}

/// Per body (bodies with nothing found left out).
fn per_body<T, U>(
    texts: &RoundTexts,
    lists: Vec<Vec<T>>,
    view: impl Fn(&T) -> U,
) -> Vec<BodyFinds<U>> {
    lists
        .into_iter()
        .enumerate()
        .filter(|(_, items)| !items.is_empty())
        .map(|(body, items)| BodyFinds {
            name: texts.bodies[body].name.clone(),
            items: items.iter().map(&view).collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "insight_decisions.html")]
struct DecisionsPage {
    chrome: Chrome,
    h: Heading,
    bodies: Vec<BodyFinds<PassageView>>,
}

/// The sentences saying something is not yet decided, per body.
pub async fn decisions(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    let insight = state.app.round_insight(signed.actor(), id).await?;
    let texts = &insight.texts;
    ok(&DecisionsPage {
        chrome: Chrome::of(&signed),
        h: heading(&insight, swedish::PENDING),
        bodies: per_body(texts, texts.pending_decisions(), |p| passage(texts, p)),
    })
}

#[derive(Template)]
#[template(path = "insight_timeline.html")]
struct TimelinePage {
    chrome: Chrome,
    h: Heading,
    /// Per body: (when, ISO date for `<time>`, the sentence).
    bodies: Vec<BodyFinds<(String, String, PassageView)>>,
}

/// The dates in the answers, per body, earliest first.
pub async fn timeline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    let insight = state.app.round_insight(signed.actor(), id).await?;
    let texts = &insight.texts;
    ok(&TimelinePage {
        chrome: Chrome::of(&signed),
        h: heading(&insight, swedish::TIMELINE),
        bodies: per_body(texts, texts.timeline(), |(when, p)| {
            (
                swedish::when(when),
                when.from.to_string(),
                passage(texts, p),
            )
        }),
    })
}

pub struct ReadabilityRow {
    pub name: String,
    pub lix: String,
    pub level: &'static str,
    pub words: usize,
    pub sentences: usize,
    pub longest: usize,
}

fn readability_row(name: &str, counts: &tertial_domain::insights::lix::Counts) -> ReadabilityRow {
    ReadabilityRow {
        name: name.to_owned(),
        lix: counts.lix().map(|l| l.to_string()).unwrap_or_default(),
        level: counts.lix().map_or("", |l| {
            swedish::level(tertial_domain::insights::lix::Level::of(l))
        }),
        words: counts.words,
        sentences: counts.sentences,
        longest: counts.longest_sentence,
    }
}

#[derive(Template)]
#[template(path = "insight_readability.html")]
struct ReadabilityPage {
    chrome: Chrome,
    h: Heading,
    rows: Vec<ReadabilityRow>,
    total: ReadabilityRow,
    /// Per body: its longest sentences with their word counts.
    longest: Vec<BodyFinds<(usize, PassageView)>>,
}

/// LIX per body and for the whole round, and each body's longest sentences.
pub async fn readability(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    let insight = state.app.round_insight(signed.actor(), id).await?;
    let texts = &insight.texts;
    let (bodies, total) = texts.readability(LONGEST_SHOWN);
    let rows = bodies
        .iter()
        .filter(|b| b.counts.words > 0)
        .map(|b| readability_row(&texts.bodies[b.body].name, &b.counts))
        .collect();
    let longest = bodies.into_iter().map(|b| b.longest).collect();
    ok(&ReadabilityPage {
        chrome: Chrome::of(&signed),
        h: heading(&insight, swedish::READABILITY),
        rows,
        total: readability_row(swedish::WHOLE_REPORT, &total),
        longest: per_body(texts, longest, |(n, p)| (*n, passage(texts, p))),
    })
}

/// The actors page's GET parameters: the cell whose passages to show.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CellQuery {
    #[serde(default)]
    organ: String,
    #[serde(default)]
    aktor: String,
}

pub struct ActorCell {
    pub count: usize,
    pub href: String,
    pub current: bool,
}

pub struct ActorTableRow {
    pub name: String,
    pub cells: Vec<ActorCell>,
    /// Named now, not in the previous round; named then, not now. `None`: nothing submitted
    /// in the previous round to compare with.
    pub change: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "insight_actors.html")]
struct ActorsPage {
    chrome: Chrome,
    h: Heading,
    actors: Vec<String>,
    previous: Option<String>,
    rows: Vec<ActorTableRow>,
    /// The chosen cell: its title and passages.
    chosen: Option<(String, Vec<PassageView>)>,
}

/// The body × actor table of the round, its change from the round before, and a cell's
/// passages when one is chosen.
pub async fn actors(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    Query(query): Query<CellQuery>,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    let chosen_body: Option<i64> = query.organ.trim().parse().ok();
    let chosen_actor: Option<i64> = query.aktor.trim().parse().ok();
    let insight = state.app.actor_insight(signed.actor(), id).await?;
    let register: Vec<RegisteredActor> =
        insight.register.into_iter().filter(|a| a.active).collect();
    let finder = ActorFinder::new(&register);
    let texts = &insight.now.texts;
    let found = texts.actor_passages(&finder, register.len());
    // Which actors each body named in the previous round, by body id.
    let before: Option<Vec<(tertial_domain::BodyId, Vec<bool>)>> =
        insight.previous.as_ref().map(|p| {
            let then = p.texts.actor_passages(&finder, register.len());
            p.texts
                .bodies
                .iter()
                .zip(then)
                .map(|(b, per_actor)| (b.id, per_actor.iter().map(|l| !l.is_empty()).collect()))
                .collect()
        });
    let names = |which: &mut dyn Iterator<Item = usize>| {
        which
            .map(|a| register[a].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut chosen = None;
    let rows = texts
        .bodies
        .iter()
        .zip(&found)
        .map(|(body, per_actor)| {
            let cells = register
                .iter()
                .zip(per_actor)
                .map(|(actor, passages)| {
                    let current =
                        chosen_body == Some(body.id.0) && chosen_actor == Some(actor.id.0);
                    if current {
                        chosen = Some((
                            format!("{} i svaren från {}", actor.name, body.name),
                            passages.iter().map(|p| passage(texts, p)).collect(),
                        ));
                    }
                    ActorCell {
                        count: passages.len(),
                        href: format!(
                            "/omgangar/{id}/aktorer?organ={}&aktor={}#stallen",
                            body.id, actor.id
                        ),
                        current,
                    }
                })
                .collect();
            let now: Vec<bool> = per_actor.iter().map(|l| !l.is_empty()).collect();
            let change = before.as_ref().and_then(|before| {
                let (_, then) = before.iter().find(|(b, _)| *b == body.id)?;
                let new = names(&mut (0..now.len()).filter(|&a| now[a] && !then[a]));
                let gone = names(&mut (0..now.len()).filter(|&a| !now[a] && then[a]));
                Some((new, gone))
            });
            ActorTableRow {
                name: body.name.clone(),
                cells,
                change,
            }
        })
        .collect();
    ok(&ActorsPage {
        chrome: Chrome::of(&signed),
        h: heading(&insight.now, swedish::ACTORS),
        actors: register.iter().map(|a| a.name.clone()).collect(),
        previous: insight
            .previous
            .as_ref()
            .map(|p| text::round_name(&p.round)),
        rows,
        chosen,
    })
}
