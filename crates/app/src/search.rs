//! Searching answers in Swedish: what the person may find (their [`SearchAccess`]), narrowed
//! by round, body, kind of body, focus area and question, a page at a time, grouped by round
//! and question, each hit with the found words marked in a short passage.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use tertial_domain::analysis::{QueryProblem, SearchQuery, SnippetPart, parse_query, snippet};
use tertial_domain::{
    Actor, Body, FocusArea, Period, QuestionKey, ReportId, Round, RoundId, SearchScope,
};
use tertial_store::{SearchFilters, SearchHit};

use crate::{App, AppError, Result};

/// Submitted versions indexed per transaction when the index catches up.
pub const INDEX_BATCH: usize = 200;
/// Hits per page.
pub const HITS_PER_PAGE: u32 = 20;
/// A reporter's own drafts shown at most.
pub const DRAFT_HITS: usize = 20;
/// A search that takes longer is given up, with a message.
pub const SEARCH_TIME: Duration = Duration::from_secs(5);
/// The passage shown around a hit, in characters.
pub const SNIPPET_CHARS: usize = 240;

/// What a search page asks: the words typed, the filters, and where the page starts.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub filters: SearchFilters,
    /// The last entry of the page before.
    pub after: Option<i64>,
}

/// What the filters offer to choose from.
#[derive(Debug, Clone, Default)]
pub struct SearchChoices {
    /// Newest first.
    pub rounds: Vec<Round>,
    pub bodies: Vec<Body>,
    pub focus_areas: Vec<FocusArea>,
    /// (key, text, focus area), in the order the latest round asks them.
    pub questions: Vec<(QuestionKey, String, u32)>,
}

/// One hit, ready to show.
#[derive(Debug, Clone)]
pub struct Found {
    pub report: ReportId,
    pub body_name: String,
    /// The submitted version, or `None` for the reporter's own draft.
    pub number: Option<i64>,
    /// For a reader: the published version of the round's report that holds the text.
    pub publication: Option<i64>,
    pub round: RoundId,
    pub snippet: Vec<SnippetPart>,
}

/// The hits of one question (or of "Övriga upplysningar", `question: None`) in one round.
#[derive(Debug, Clone)]
pub struct FoundGroup {
    pub round: Round,
    pub question: Option<String>,
    pub hits: Vec<Found>,
}

/// A round's questions by key: (focus area, position, text).
type Asked = HashMap<String, (u32, u32, String)>;

/// Groups in order: newest round first, then the round's order of questions.
type GroupOrder = (Reverse<(i32, Period)>, RoundId, u32, u32, String);

/// A search's answer.
#[derive(Debug, Clone)]
pub enum SearchOutcome {
    /// Nothing typed yet.
    NotAsked,
    Refused(QueryProblem),
    /// The search took longer than [`SEARCH_TIME`].
    TimedOut,
    Found {
        /// The reporter's own drafts that match, first.
        drafts: Vec<FoundGroup>,
        groups: Vec<FoundGroup>,
        /// Where the next page starts, if there is one.
        next: Option<i64>,
    },
}

/// The search page.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub choices: SearchChoices,
    pub outcome: SearchOutcome,
}

impl App {
    /// Searches what `actor` may find (see [`Actor::search_access`]).
    pub async fn search(&self, actor: &Actor, request: &SearchRequest) -> Result<SearchPage> {
        let choices = self.search_choices(actor).await?;
        if request.query.trim().is_empty() {
            return Ok(SearchPage {
                choices,
                outcome: SearchOutcome::NotAsked,
            });
        }
        let query = match parse_query(&request.query) {
            Ok(query) => query,
            Err(problem) => {
                return Ok(SearchPage {
                    choices,
                    outcome: SearchOutcome::Refused(problem),
                });
            }
        };
        let access = actor.search_access();
        let store = &self.store;
        let filters = &request.filters;
        let found = tokio::time::timeout(SEARCH_TIME, async {
            let hits = store
                .search(&access, &query, filters, request.after, HITS_PER_PAGE + 1)
                .await?;
            let drafts = if request.after.is_none() {
                store
                    .search_drafts(&access, &query, filters, DRAFT_HITS)
                    .await?
            } else {
                Vec::new()
            };
            Ok::<_, AppError>((hits, drafts))
        })
        .await;
        let Ok(found) = found else {
            return Ok(SearchPage {
                choices,
                outcome: SearchOutcome::TimedOut,
            });
        };
        let (mut hits, drafts) = found?;
        let next = if hits.len() > HITS_PER_PAGE as usize {
            hits.truncate(HITS_PER_PAGE as usize);
            hits.last().and_then(|h| h.entry)
        } else {
            None
        };
        // A reader's hit leads to the published report; everyone else's to the version.
        if access.scope() != &SearchScope::Published {
            hits.iter_mut().for_each(|h| h.publication = None);
        }
        let drafts = self.group(&drafts, &query).await?;
        let groups = self.group(&hits, &query).await?;
        Ok(SearchPage {
            choices,
            outcome: SearchOutcome::Found {
                drafts,
                groups,
                next,
            },
        })
    }

    /// The page's hits grouped by round (newest first) and question (in the round's order),
    /// each with its passage.
    async fn group(&self, hits: &[SearchHit], query: &SearchQuery) -> Result<Vec<FoundGroup>> {
        let mut rounds: HashMap<RoundId, (Round, Asked)> = HashMap::new();
        for hit in hits {
            if rounds.contains_key(&hit.round) {
                continue;
            }
            let round = self
                .store
                .round(hit.round)
                .await?
                .ok_or(AppError::NotFound)?;
            let snapshot = self.snapshot(hit.round).await?;
            let questions = snapshot
                .questions
                .iter()
                .map(|q| {
                    let order = (q.focus_area, q.position, q.text.clone());
                    (q.key.as_str().to_owned(), order)
                })
                .collect();
            rounds.insert(hit.round, (round, questions));
        }
        // Newest round first, then the round's order of questions; "Övriga upplysningar" last.
        let mut groups: BTreeMap<GroupOrder, FoundGroup> = BTreeMap::new();
        for hit in hits {
            let Some((round, questions)) = rounds.get(&hit.round) else {
                continue;
            };
            let question = questions.get(&hit.field);
            let (area, position) = question.map_or((u32::MAX, u32::MAX), |q| (q.0, q.1));
            let order = (
                Reverse((round.year, round.period)),
                round.id,
                area,
                position,
                hit.field.clone(),
            );
            groups
                .entry(order)
                .or_insert_with(|| FoundGroup {
                    round: round.clone(),
                    question: question.map(|q| q.2.clone()),
                    hits: Vec::new(),
                })
                .hits
                .push(Found {
                    report: hit.report,
                    body_name: hit.body_name.clone(),
                    number: hit.number,
                    publication: hit.publication,
                    round: hit.round,
                    snippet: snippet(&hit.text, query, SNIPPET_CHARS),
                });
        }
        Ok(groups.into_values().collect())
    }

    /// The filters' choices: every round, the bodies the person may find text of, and the
    /// focus areas and questions the rounds asked.
    async fn search_choices(&self, actor: &Actor) -> Result<SearchChoices> {
        let store = &self.store;
        let mut rounds = store.rounds().await?;
        rounds.sort_by_key(|r| Reverse((r.year, r.period, r.id)));
        let mut bodies = store.bodies().await?;
        if let SearchScope::OwnBodies(own) = actor.search_access().scope() {
            bodies.retain(|b| own.contains(&b.id));
        }
        let mut focus_areas: BTreeMap<u32, FocusArea> = BTreeMap::new();
        let mut questions: Vec<(QuestionKey, String, u32)> = Vec::new();
        // Newest round first: a question keeps the text it was last asked with.
        for round in &rounds {
            let snapshot = self.snapshot(round.id).await?;
            for area in &snapshot.focus_areas {
                focus_areas
                    .entry(area.number)
                    .or_insert_with(|| area.clone());
            }
            for q in &snapshot.questions {
                if !questions.iter().any(|(k, _, _)| k == &q.key) {
                    questions.push((q.key.clone(), q.text.clone(), q.focus_area));
                }
            }
        }
        Ok(SearchChoices {
            rounds,
            bodies,
            focus_areas: focus_areas.into_values().collect(),
            questions,
        })
    }

    /// Indexes every submitted version the search index lacks (at start, after an upgrade
    /// or a bulk load). Returns how many versions and answers were indexed.
    pub async fn index_pending(&self) -> Result<(u64, u64)> {
        Ok(self.store.index_pending(INDEX_BATCH).await?)
    }
}
