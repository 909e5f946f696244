//! Comparing rounds: one body's submitted answers in two rounds side by side, and every
//! body's answer to one question in two rounds, each marked oförändrad / ändrad / ny / utgått.
//!
//! Only submitted versions are read (through [`ComparisonAccess`]), never a draft: a body's
//! own reporters compare their body's rounds, coordinators and administrators any body's.
//! Each comparison read is recorded in the audit log, as reading a submitted version is.

use std::collections::HashMap;
use std::sync::Arc;

use tertial_domain::compare::{AnswerChange, classify, previous_round};
use tertial_domain::{
    Actor, AuditAction, AuditSubject, Body, BodyId, ComparisonAccess, FollowUp, NewAuditEntry,
    Question, QuestionKey, Round, RoundId, Submission, SubmittedAnswer,
};
use tertial_store::{ReportOverview, RoundSnapshot};

use crate::reports::numbered_sections;
use crate::{App, AppError, Result};

/// The two rounds compared: `round` (the one asked about) and `other` (by default the
/// follow-up's round before it), with the rounds that may be chosen instead.
#[derive(Debug, Clone)]
pub struct ComparedRounds {
    pub round: Round,
    pub follow_up: FollowUp,
    /// `None` when the follow-up has no other round.
    pub other: Option<Round>,
    /// The follow-up's other rounds, newest first.
    pub choices: Vec<Round>,
}

impl ComparedRounds {
    /// The two rounds in time order: the earlier first.
    pub fn in_order(&self) -> Option<(&Round, &Round)> {
        let other = self.other.as_ref()?;
        Some(
            if (other.year, other.period) < (self.round.year, self.round.period) {
                (other, &self.round)
            } else {
                (&self.round, other)
            },
        )
    }
}

/// A body in one round of a comparison.
#[derive(Debug, Clone)]
pub enum Side {
    /// The body has no report in the round.
    NotInRound,
    /// It has a report but never submitted it (ej inkommit).
    NotReceived,
    /// Its latest submitted version.
    Submitted(Submission),
}

impl Side {
    /// The answer to `key`, if a submitted version holds one.
    pub fn answer(&self, key: &QuestionKey) -> Option<&SubmittedAnswer> {
        match self {
            Side::Submitted(s) => s.content.answer(key),
            _ => None,
        }
    }
}

/// A question as numbered on the body's form ("1.2"), with the answers compared.
#[derive(Debug, Clone)]
pub struct ComparedAnswer {
    pub number: String,
    pub question: Question,
    /// In the earlier round, and in the later.
    pub earlier: Option<SubmittedAnswer>,
    pub later: Option<SubmittedAnswer>,
    pub change: AnswerChange,
}

/// One body's answers in two rounds.
#[derive(Debug, Clone)]
pub struct BodyComparison {
    pub rounds: ComparedRounds,
    /// The bodies the person may choose, by name.
    pub bodies: Vec<Body>,
    /// The body compared, with its side in the earlier and the later round; `None` when
    /// there is no body or no other round to compare.
    pub body: Option<Body>,
    pub earlier: Side,
    pub later: Side,
    pub answers: Vec<ComparedAnswer>,
}

/// Every body's answer to one question in two rounds.
#[derive(Debug, Clone)]
pub struct QuestionComparison {
    pub rounds: ComparedRounds,
    pub number: String,
    pub question: Question,
    /// Each body asked the question in either round, by name, with its side in the earlier
    /// and the later round.
    pub rows: Vec<BodyRow>,
}

/// A body's answer to the compared question.
#[derive(Debug, Clone)]
pub struct BodyRow {
    pub body: Body,
    pub earlier: Side,
    pub later: Side,
    pub change: AnswerChange,
}

/// A round's questions, for choosing one to compare.
#[derive(Debug, Clone)]
pub struct RoundQuestions {
    pub rounds: ComparedRounds,
    /// Numbered by focus area ("1.2"), with the focus area's label.
    pub questions: Vec<(String, String, Question)>,
}

impl App {
    /// The follow-up's round before `round`, if any: what the dashboard links to.
    pub(crate) async fn previous_round(&self, round: &Round) -> Result<Option<Round>> {
        let rounds = self.store.rounds().await?;
        Ok(previous_round(&rounds, round).cloned())
    }

    /// The rounds compared: `round` and `other` (by default the one before). An `other`
    /// that is not a round of the same follow-up names nothing.
    async fn compared_rounds(
        &self,
        round: RoundId,
        other: Option<RoundId>,
    ) -> Result<ComparedRounds> {
        let rounds = self.store.rounds().await?;
        let this = rounds
            .iter()
            .find(|r| r.id == round)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let follow_up = self
            .store
            .follow_up(this.follow_up_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let choices: Vec<Round> = rounds
            .iter()
            .filter(|r| r.follow_up_id == this.follow_up_id && r.id != round)
            .cloned()
            .collect();
        let other = match other {
            Some(id) => Some(
                choices
                    .iter()
                    .find(|r| r.id == id)
                    .cloned()
                    .ok_or(AppError::NotFound)?,
            ),
            None => previous_round(&rounds, &this).cloned(),
        };
        Ok(ComparedRounds {
            round: this,
            follow_up,
            other,
            choices,
        })
    }

    /// One body's answers in two rounds side by side. Coordinators and administrators
    /// choose any body of either round (by default the first by name); a body's reporters
    /// their own bodies.
    pub async fn compare_body(
        &self,
        actor: &Actor,
        round: RoundId,
        body: Option<BodyId>,
        other: Option<RoundId>,
    ) -> Result<BodyComparison> {
        if !actor.follows_rounds() && actor.bodies.is_empty() {
            return Err(self.forbidden(actor, AuditSubject::Round(round)).await);
        }
        let rounds = self.compared_rounds(round, other).await?;
        let overviews = self.overviews(&rounds).await?;
        let mut bodies: Vec<Body> = Vec::new();
        for o in overviews.iter().flat_map(|(_, list)| list) {
            if actor.reads_submissions_of(o.body.id) && !bodies.iter().any(|b| b.id == o.body.id) {
                bodies.push(o.body.clone());
            }
        }
        bodies.sort_by(|a, b| a.name.cmp(&b.name));
        let chosen = match body {
            Some(id) => {
                let Some(access) = actor.body_comparison_access(id) else {
                    return Err(self.forbidden(actor, AuditSubject::Body(id)).await);
                };
                let body = bodies.iter().find(|b| b.id == id).cloned();
                Some((body.ok_or(AppError::NotFound)?, access))
            }
            None => bodies.first().and_then(|b| {
                actor
                    .body_comparison_access(b.id)
                    .map(|access| (b.clone(), access))
            }),
        };
        let (Some((body, access)), Some((earlier_round, later_round))) =
            (chosen, rounds.in_order())
        else {
            return Ok(BodyComparison {
                rounds,
                bodies,
                body: None,
                earlier: Side::NotInRound,
                later: Side::NotInRound,
                answers: Vec::new(),
            });
        };
        let (earlier_id, later_id) = (earlier_round.id, later_round.id);
        let mut sides = self.sides(&access, &rounds, &overviews).await?;
        let mut side = |round| sides.remove(&(round, body.id)).unwrap_or(Side::NotInRound);
        let (earlier, later) = (side(earlier_id), side(later_id));
        let snapshots = [
            self.snapshot(later_id).await?,
            self.snapshot(earlier_id).await?,
        ];
        let answers = asked_questions(&snapshots, Some(&body))
            .into_iter()
            .map(|(number, question)| {
                let (then, now) = (earlier.answer(&question.key), later.answer(&question.key));
                ComparedAnswer {
                    number,
                    change: classify(then, now),
                    earlier: then.cloned(),
                    later: now.cloned(),
                    question,
                }
            })
            .collect();
        self.note_comparison(actor, &rounds, &format!("body={}", body.id))
            .await?;
        Ok(BodyComparison {
            rounds,
            bodies,
            body: Some(body),
            earlier,
            later,
            answers,
        })
    }

    /// Every body's answer to one question in two rounds: coordinators and administrators.
    pub async fn compare_question(
        &self,
        actor: &Actor,
        round: RoundId,
        key: &QuestionKey,
        other: Option<RoundId>,
    ) -> Result<QuestionComparison> {
        let Some(access) = actor.comparison_access() else {
            return Err(self.forbidden(actor, AuditSubject::Round(round)).await);
        };
        let rounds = self.compared_rounds(round, other).await?;
        let mut snapshots = vec![self.snapshot(round).await?];
        if let Some(other) = &rounds.other {
            snapshots.push(self.snapshot(other.id).await?);
        }
        let (number, question) = asked_questions(&snapshots, None)
            .into_iter()
            .find(|(_, q)| &q.key == key)
            .ok_or(AppError::NotFound)?;
        let overviews = self.overviews(&rounds).await?;
        let mut sides = self.sides(&access, &rounds, &overviews).await?;
        let (earlier_id, later_id) = match rounds.in_order() {
            Some((earlier, later)) => (Some(earlier.id), later.id),
            None => (None, rounds.round.id),
        };
        let mut rows: Vec<BodyRow> = Vec::new();
        for o in overviews.iter().flat_map(|(_, list)| list) {
            if rows.iter().any(|r| r.body.id == o.body.id) || !question.asks(&o.body) {
                continue;
            }
            let mut side = |round: Option<RoundId>| {
                round
                    .and_then(|r| sides.remove(&(r, o.body.id)))
                    .unwrap_or(Side::NotInRound)
            };
            let (earlier, later) = (side(earlier_id), side(Some(later_id)));
            rows.push(BodyRow {
                body: o.body.clone(),
                change: classify(earlier.answer(key), later.answer(key)),
                earlier,
                later,
            });
        }
        rows.sort_by(|a, b| a.body.name.cmp(&b.body.name));
        self.note_comparison(actor, &rounds, &format!("question={key}"))
            .await?;
        Ok(QuestionComparison {
            rounds,
            number,
            question,
            rows,
        })
    }

    /// A round's questions, each to compare with another round: coordinators and
    /// administrators.
    pub async fn round_questions(
        &self,
        actor: &Actor,
        round: RoundId,
        other: Option<RoundId>,
    ) -> Result<RoundQuestions> {
        if !actor.follows_rounds() {
            return Err(self.forbidden(actor, AuditSubject::Round(round)).await);
        }
        let rounds = self.compared_rounds(round, other).await?;
        let snapshot = self.snapshot(round).await?;
        let questions: Vec<&Question> = snapshot.questions.iter().collect();
        let questions = numbered_sections(&snapshot.focus_areas, &questions)
            .into_iter()
            .flat_map(|(area, numbered)| {
                numbered
                    .into_iter()
                    .map(|(n, q)| (n, area.label.clone(), q.clone()))
            })
            .collect();
        Ok(RoundQuestions { rounds, questions })
    }

    /// Every body's report in the compared rounds (status only).
    async fn overviews(
        &self,
        rounds: &ComparedRounds,
    ) -> Result<Vec<(RoundId, Vec<ReportOverview>)>> {
        let mut list = vec![(
            rounds.round.id,
            self.store.round_overview(rounds.round.id).await?,
        )];
        if let Some(other) = &rounds.other {
            list.push((other.id, self.store.round_overview(other.id).await?));
        }
        Ok(list)
    }

    /// Each body's side in each compared round, as far as `access` reaches.
    async fn sides(
        &self,
        access: &ComparisonAccess,
        rounds: &ComparedRounds,
        overviews: &[(RoundId, Vec<ReportOverview>)],
    ) -> Result<HashMap<(RoundId, BodyId), Side>> {
        let other = rounds.other.as_ref().map_or(rounds.round.id, |r| r.id);
        let mut sides: HashMap<(RoundId, BodyId), Side> = overviews
            .iter()
            .flat_map(|(round, list)| {
                list.iter()
                    .map(|o| ((*round, o.body.id), Side::NotReceived))
            })
            .collect();
        for latest in self
            .store
            .latest_submissions(access, [rounds.round.id, other])
            .await?
        {
            sides.insert(
                (latest.round, latest.body),
                Side::Submitted(latest.submission),
            );
        }
        Ok(sides)
    }

    /// Records that submitted versions were read to compare rounds.
    async fn note_comparison(
        &self,
        actor: &Actor,
        rounds: &ComparedRounds,
        what: &str,
    ) -> Result<()> {
        let other = rounds.other.as_ref().map_or(0, |r| r.id.0);
        let entry = NewAuditEntry::new(
            Some(actor.id),
            AuditAction::RoundsCompared,
            AuditSubject::Round(rounds.round.id),
        )
        .with_detail(format!("other_round={other} {what}"));
        self.store.append_audit(&entry, self.now()).await?;
        Ok(())
    }
}

/// The questions of the rounds' snapshots (the first snapshot's first, then those only the
/// others ask), numbered as their own round's form numbers them; only those that ask `body`
/// when one is given.
fn asked_questions(
    snapshots: &[Arc<RoundSnapshot>],
    body: Option<&Body>,
) -> Vec<(String, Question)> {
    let mut asked: Vec<(String, Question)> = Vec::new();
    for snapshot in snapshots {
        let questions: Vec<&Question> = snapshot
            .questions
            .iter()
            .filter(|q| body.is_none_or(|b| q.asks(b)))
            .collect();
        for (_, numbered) in numbered_sections(&snapshot.focus_areas, &questions) {
            for (number, question) in numbered {
                if !asked.iter().any(|(_, q)| q.key == question.key) {
                    asked.push((number, question.clone()));
                }
            }
        }
    }
    asked
}
