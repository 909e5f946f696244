//! Insights into a round's submitted answers (never a draft): the register of actors kept
//! by coordinators, and the round's texts for the actors, pending decisions, timeline and
//! readability pages; the same insights become the compiled report's appendices.

use std::collections::HashMap;

use tertial_domain::compare::previous_round;
use tertial_domain::insights::actors::{ActorFields, Problem, RegisteredActor};
use tertial_domain::insights::round::{AnswerText, RoundTexts};
use tertial_domain::{
    Actor, ActorId, AuditSubject, FollowUp, Question, Round, RoundId, RoundReadAccess,
};
use tertial_store::{CompileRow, RoundSnapshot};

use crate::reports::numbered_sections;
use crate::{App, AppError, Result};

/// A round's submitted answers, with the round and its follow-up.
#[derive(Debug, Clone)]
pub struct RoundInsight {
    pub round: Round,
    pub follow_up: FollowUp,
    pub texts: RoundTexts,
}

/// A round's texts, the round before it (if any) and the register: for the actors page.
#[derive(Debug, Clone)]
pub struct ActorInsight {
    pub now: RoundInsight,
    pub previous: Option<RoundInsight>,
    /// The whole register, by name (the inactive ones are not looked for).
    pub register: Vec<RegisteredActor>,
}

impl App {
    async fn keeping_actors(&self, actor: &Actor, subject: AuditSubject) -> Result<()> {
        if actor.keeps_actor_register() {
            Ok(())
        } else {
            Err(self.forbidden(actor, subject).await)
        }
    }

    /// The register of actors, by name.
    pub async fn actor_register(&self, actor: &Actor) -> Result<Vec<RegisteredActor>> {
        self.keeping_actors(actor, AuditSubject::Actors).await?;
        Ok(self.store.actors().await?)
    }

    /// One actor of the register, to change.
    pub async fn registered_actor(&self, actor: &Actor, id: ActorId) -> Result<RegisteredActor> {
        self.keeping_actors(actor, AuditSubject::Actor(id)).await?;
        self.store.actor(id).await?.ok_or(AppError::NotFound)
    }

    /// Adds an actor with its aliases (one a line), or says what is wrong; nothing is
    /// stored then.
    pub async fn add_actor(
        &self,
        actor: &Actor,
        name: &str,
        aliases: &str,
    ) -> Result<Result<ActorId, Vec<Problem>>> {
        self.keeping_actors(actor, AuditSubject::Actors).await?;
        let register = self.store.actors().await?;
        let fields = match ActorFields::parse(name, aliases, &register) {
            Ok(fields) => fields,
            Err(problems) => return Ok(Err(problems)),
        };
        match self.store.add_actor(&fields, actor.id, self.now()).await {
            Err(tertial_store::StoreError::Duplicate(_)) => {
                Ok(Err(vec![Problem::Taken(fields.name)]))
            }
            other => Ok(Ok(other?)),
        }
    }

    /// Renames an actor and sets its aliases, or says what is wrong.
    pub async fn change_actor(
        &self,
        actor: &Actor,
        id: ActorId,
        name: &str,
        aliases: &str,
    ) -> Result<Result<(), Vec<Problem>>> {
        self.keeping_actors(actor, AuditSubject::Actor(id)).await?;
        let others: Vec<RegisteredActor> = self
            .store
            .actors()
            .await?
            .into_iter()
            .filter(|a| a.id != id)
            .collect();
        let fields = match ActorFields::parse(name, aliases, &others) {
            Ok(fields) => fields,
            Err(problems) => return Ok(Err(problems)),
        };
        match self
            .store
            .change_actor(id, &fields, actor.id, self.now())
            .await
        {
            Err(tertial_store::StoreError::Duplicate(_)) => {
                Ok(Err(vec![Problem::Taken(fields.name)]))
            }
            Ok(true) => Ok(Ok(())),
            Ok(false) => Err(AppError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Deactivates or reactivates an actor.
    pub async fn set_actor_active(&self, actor: &Actor, id: ActorId, active: bool) -> Result<()> {
        self.keeping_actors(actor, AuditSubject::Actor(id)).await?;
        if self
            .store
            .set_actor_active(id, active, actor.id, self.now())
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The round's latest submitted answers (never a draft): coordinators and administrators.
    pub async fn round_insight(&self, actor: &Actor, round: RoundId) -> Result<RoundInsight> {
        let c = self.compiling(actor, round).await?;
        let texts = self.round_texts(&c.access, &c.round, &c.snapshot).await?;
        Ok(RoundInsight {
            round: c.round,
            follow_up: c.follow_up,
            texts,
        })
    }

    /// The round's texts and the previous round's of the follow-up, with the register.
    pub async fn actor_insight(&self, actor: &Actor, round: RoundId) -> Result<ActorInsight> {
        let now = self.round_insight(actor, round).await?;
        let rounds = self.store.rounds().await?;
        let previous = match previous_round(&rounds, &now.round) {
            Some(previous) => Some(self.round_insight(actor, previous.id).await?),
            None => None,
        };
        Ok(ActorInsight {
            now,
            previous,
            register: self.store.actors().await?,
        })
    }

    /// Every body's latest submitted answers in the round, questions numbered as on the form.
    async fn round_texts(
        &self,
        access: &RoundReadAccess,
        round: &Round,
        snapshot: &RoundSnapshot,
    ) -> Result<RoundTexts> {
        let asked: Vec<&Question> = snapshot.questions.iter().collect();
        let mut numbers: HashMap<&str, (String, &str)> = HashMap::new();
        for (_, numbered) in numbered_sections(&snapshot.focus_areas, &asked) {
            for (number, question) in numbered {
                numbers.insert(question.key.as_str(), (number, question.text.as_str()));
            }
        }
        let mut texts = RoundTexts {
            year: i16::try_from(round.year).unwrap_or_default(),
            bodies: Vec::new(),
            answers: Vec::new(),
        };
        let mut add = |row: CompileRow| {
            let Some(latest) = row.latest else {
                return Ok(());
            };
            let body = texts.bodies.len();
            texts.bodies.push(row.body);
            let mut answers: Vec<AnswerText> = latest
                .content
                .answers
                .into_iter()
                .filter(|a| !a.not_applicable)
                .filter_map(|a| {
                    let (number, question) = numbers.get(a.key.as_str())?;
                    Some(AnswerText {
                        body,
                        report: Some(row.report),
                        version: latest.number,
                        number: number.clone(),
                        question: (*question).to_owned(),
                        text: a.text,
                    })
                })
                .collect();
            answers.sort_by(|a, b| by_number(&a.number, &b.number));
            texts.answers.extend(answers);
            Ok(())
        };
        self.store.compile_rows(access, &mut add).await?;
        Ok(texts)
    }
}

/// "1.2" before "1.10".
fn by_number(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| -> Vec<u32> { s.split('.').filter_map(|p| p.parse().ok()).collect() };
    parts(a).cmp(&parts(b))
}
