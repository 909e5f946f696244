//! The audit log as coordinators and admins read it: who did what, when, to what; filtered
//! by person, action, body and round; a page at a time, newest first.

use std::collections::HashMap;
use std::sync::Arc;

use tertial_domain::{
    Actor, AuditAction, AuditSubject, Body, BodyId, ReportId, Role, Round, RoundId, Timestamp,
    UserId,
};
use tertial_store::AuditFilter;

use crate::{App, Result};

/// Entries on a page.
pub const AUDIT_PAGE: u32 = 50;

/// What is asked of the log. Every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<UserId>,
    pub action: Option<AuditAction>,
    pub body: Option<BodyId>,
    pub round: Option<RoundId>,
    /// Entries older than this one.
    pub before: Option<i64>,
}

/// An entry, with names for who and what.
#[derive(Debug, Clone)]
pub struct AuditLine {
    pub id: i64,
    pub at: Timestamp,
    pub by: Option<String>,
    /// `None` for an action this version does not know (a newer one wrote it).
    pub action: Option<AuditAction>,
    pub action_code: String,
    pub subject: Subject,
    pub detail: String,
}

/// What an entry is about, named.
#[derive(Debug, Clone)]
pub enum Subject {
    Report {
        body: String,
        round: Round,
    },
    Round(Round),
    User(String),
    /// A body, by name.
    Body(String),
    Other(AuditSubject),
    /// As stored, when it names nothing known.
    Unknown(String),
}

/// A page of the log and what its filters offer.
#[derive(Debug, Clone)]
pub struct AuditLog {
    pub lines: Vec<AuditLine>,
    /// The id to ask for older entries with, if there are any.
    pub older: Option<i64>,
    pub choices: Arc<AuditChoices>,
}

/// What the log's filters offer, and the names its lines are given.
#[derive(Debug)]
pub struct AuditChoices {
    pub people: Vec<(UserId, String)>,
    pub bodies: Vec<Body>,
    pub rounds: Vec<Round>,
}

impl App {
    /// A page of the audit log, for coordinators and admins.
    pub async fn audit_log(&self, actor: &Actor, query: &AuditQuery) -> Result<AuditLog> {
        if !matches!(actor.role, Role::Coordinator | Role::Admin) {
            return Err(self.forbidden(actor, AuditSubject::AuditLog).await);
        }
        let subjects = if query.body.is_some() || query.round.is_some() {
            let reports = self.store.report_ids(query.body, query.round).await?;
            let mut subjects: Vec<AuditSubject> =
                reports.into_iter().map(AuditSubject::Report).collect();
            if let (Some(round), None) = (query.round, query.body) {
                subjects.push(AuditSubject::Round(round));
            }
            Some(subjects)
        } else {
            None
        };
        let filter = AuditFilter {
            actor: query.actor,
            action: query.action,
            subjects,
            before: query.before,
        };
        let mut records = self.store.audit_page(&filter, AUDIT_PAGE + 1).await?;
        let older = (records.len() > AUDIT_PAGE as usize).then(|| {
            records.truncate(AUDIT_PAGE as usize);
            records.last().map(|r| r.id)
        });
        let choices = self.audit_choices().await?;
        let (people, bodies, rounds) = (&choices.people, &choices.bodies, &choices.rounds);
        let reports: Vec<ReportId> = records
            .iter()
            .filter_map(|r| match AuditSubject::parse(&r.subject) {
                Some(AuditSubject::Report(id)) => Some(id),
                _ => None,
            })
            .collect();
        let places: HashMap<ReportId, (BodyId, RoundId)> = self
            .store
            .report_places(&reports)
            .await?
            .into_iter()
            .map(|(report, body, round)| (report, (body, round)))
            .collect();
        let person = |id: UserId| {
            people
                .iter()
                .find(|(p, _)| *p == id)
                .map(|(_, n)| n.clone())
        };
        let round_of = |id: RoundId| rounds.iter().find(|r| r.id == id).cloned();
        let lines = records
            .into_iter()
            .map(|record| {
                let subject = match AuditSubject::parse(&record.subject) {
                    Some(AuditSubject::Report(id)) => places
                        .get(&id)
                        .and_then(|(body, round)| {
                            let body = bodies.iter().find(|b| b.id == *body)?;
                            Some(Subject::Report {
                                body: body.short_name.clone(),
                                round: round_of(*round)?,
                            })
                        })
                        .unwrap_or_else(|| Subject::Unknown(record.subject.clone())),
                    Some(AuditSubject::Round(id)) => round_of(id)
                        .map(Subject::Round)
                        .unwrap_or_else(|| Subject::Unknown(record.subject.clone())),
                    Some(AuditSubject::User(id)) => person(id)
                        .map(Subject::User)
                        .unwrap_or_else(|| Subject::Unknown(record.subject.clone())),
                    Some(AuditSubject::Body(id)) => bodies
                        .iter()
                        .find(|b| b.id == id)
                        .map(|b| Subject::Body(b.name.clone()))
                        .unwrap_or_else(|| Subject::Unknown(record.subject.clone())),
                    Some(other) => Subject::Other(other),
                    None => Subject::Unknown(record.subject.clone()),
                };
                AuditLine {
                    id: record.id,
                    at: record.at,
                    by: record.actor.and_then(person),
                    action: AuditAction::from_code(&record.action),
                    action_code: record.action,
                    subject,
                    detail: record.detail,
                }
            })
            .collect();
        Ok(AuditLog {
            lines,
            older: older.flatten(),
            choices,
        })
    }

    /// People, bodies and rounds, as read at most a second ago: a city has hundreds of
    /// bodies, and the log is paged through quickly.
    async fn audit_choices(&self) -> Result<Arc<AuditChoices>> {
        let now = self.now();
        if let Some(choices) = self.recent_audit_choices.get(&(), now) {
            return Ok(choices);
        }
        let people = self
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let choices = Arc::new(AuditChoices {
            people,
            bodies: self.store.bodies().await?,
            rounds: self.store.rounds().await?,
        });
        self.recent_audit_choices.put((), choices.clone(), now);
        Ok(choices)
    }
}
