//! The demo: a follow-up, bodies, accounts and rounds read from a data file, loaded through
//! the same store operations the product uses, so the demo is also a test of them.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use tertial_domain::insights::actors::ActorFields;
use tertial_domain::report::prepare_submission;
use tertial_domain::round::swedish_date;
use tertial_domain::{
    AuditAction, AuditSubject, BodyId, BodyKind, ContactPerson, Field, FieldValue, FocusArea,
    NewAuditEntry, Period, Question, QuestionKey, Role, RoundStatus, Timestamp, UserId,
};
use tertial_store::{NewUser, Store, SubmitOutcome};

use crate::auth::hash_password;
use crate::{AppError, Result, now};

/// The demo data file's contents.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoData {
    /// Every demo account's password.
    pub password: String,
    pub follow_up: DemoFollowUp,
    pub focus_areas: Vec<FocusArea>,
    pub questions: Vec<DemoQuestion>,
    pub bodies: Vec<DemoBody>,
    pub users: Vec<DemoUser>,
    pub rounds: Vec<DemoRound>,
    /// The register of actors (organisations the answers name), added by the first
    /// coordinator.
    #[serde(default)]
    pub actors: Vec<DemoActor>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoActor {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoFollowUp {
    pub title: String,
    pub purpose: String,
}

/// A question as [`Question`], but its single bodies named by short name: the demo's
/// bodies get their ids only as they are loaded. (The questions for specialist committees
/// and company boards are examples written for the demo, not the city's: the data file says
/// so, and their help text starts with "Exempelfråga:" so the form says so too.)
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoQuestion {
    pub key: QuestionKey,
    pub focus_area: u32,
    pub position: u32,
    pub text: String,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub applies_to: Vec<BodyKind>,
    /// Short names of single bodies that get the question whatever their kind.
    #[serde(default)]
    pub bodies: Vec<String>,
    #[serde(default = "yes")]
    pub not_applicable_allowed: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoBody {
    pub name: String,
    pub short_name: String,
    pub kind: BodyKind,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Short names of the bodies a reporter reports for.
    #[serde(default)]
    pub bodies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoRound {
    pub period: Period,
    pub year: i32,
    /// A fixed deadline, or
    pub deadline: Option<jiff::civil::Date>,
    /// a deadline this many days after the demo is built (so it stays in the future).
    pub deadline_in_days: Option<i64>,
    pub status: RoundStatus,
    #[serde(default)]
    pub submissions: Vec<DemoSubmission>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoSubmission {
    /// The body's short name.
    pub body: String,
    /// The submitting reporter's e-mail.
    pub by: String,
    pub submitted_at: Timestamp,
    pub contact: ContactPerson,
    #[serde(default)]
    pub other_information: String,
    #[serde(default)]
    pub not_applicable: Vec<QuestionKey>,
    pub answers: BTreeMap<QuestionKey, String>,
}

impl DemoData {
    pub fn parse(toml_text: &str) -> Result<DemoData> {
        toml::from_str(toml_text).map_err(|e| AppError::Internal(format!("demo data: {e}")))
    }
}

/// Loads the demo into an empty store. Returns the accounts created.
///
/// The demo goes through the same use cases as real work (rounds opened, answers saved,
/// reports submitted), each in its own transaction. So the database is marked as a demo
/// first: a load that stops half-way leaves a demo that the next `tertial demo` rebuilds,
/// never data it must refuse to replace.
pub async fn load(store: &Store, data: &DemoData) -> Result<Vec<DemoUser>> {
    let bad = |what: String| AppError::Internal(format!("demo data: {what}"));
    let audit = |action| NewAuditEntry::new(None, action, AuditSubject::Demo);
    store.mark_demo(&data.password).await?;
    let mut bodies: HashMap<&str, (BodyId, BodyKind)> = HashMap::new();
    for body in &data.bodies {
        let id = store
            .insert_body(&body.name, &body.short_name, body.kind)
            .await?;
        bodies.insert(body.short_name.as_str(), (id, body.kind));
    }
    let body_ids = |names: &[String]| {
        names
            .iter()
            .map(|b| bodies.get(b.as_str()).map(|(id, _)| *id))
            .collect::<Option<Vec<_>>>()
    };
    let questions = data
        .questions
        .iter()
        .map(|q| {
            let single = body_ids(&q.bodies)
                .ok_or_else(|| bad(format!("unknown body for question {}", q.key.as_str())))?;
            Ok(Question {
                key: q.key.clone(),
                focus_area: q.focus_area,
                position: q.position,
                text: q.text.clone(),
                help: q.help.clone(),
                applies_to: q.applies_to.clone(),
                bodies: single,
                not_applicable_allowed: q.not_applicable_allowed,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let follow_up = store
        .insert_follow_up(
            &data.follow_up.title,
            &data.follow_up.purpose,
            &data.focus_areas,
            &questions,
        )
        .await?;
    let mut users = HashMap::new();
    for user in &data.users {
        let reports_for = body_ids(&user.bodies)
            .ok_or_else(|| bad(format!("unknown body for {}", user.email)))?;
        let id = store
            .insert_user(
                &NewUser {
                    email: user.email.clone(),
                    name: user.name.clone(),
                    role: user.role,
                    password_hash: Some(hash_password(data.password.clone()).await?),
                    bodies: reports_for,
                },
                now(),
                None,
            )
            .await?;
        users.insert(user.email.as_str(), id);
    }
    add_actors(store, data, &users).await?;
    let today = swedish_date(now());
    for round in &data.rounds {
        let deadline = match (round.deadline, round.deadline_in_days) {
            (Some(date), None) => date,
            (None, Some(days)) => today
                .checked_add(jiff::Span::new().days(days))
                .map_err(|e| bad(e.to_string()))?,
            _ => return Err(bad("a round needs deadline or deadline_in_days".into())),
        };
        let id = store
            .insert_round(follow_up, round.period, round.year, deadline)
            .await?;
        if round.status == RoundStatus::Planned {
            continue;
        }
        store
            .open_round(id, now(), &audit(AuditAction::RoundOpened))
            .await?;
        let overview = store.round_overview(id).await?;
        let snapshot = store.round_snapshot(id).await?;
        for submission in &round.submissions {
            let (body, _) = *bodies
                .get(submission.body.as_str())
                .ok_or_else(|| bad(format!("unknown body {}", submission.body)))?;
            if !users.contains_key(submission.by.as_str()) {
                return Err(bad(format!("unknown user {}", submission.by)));
            }
            let reporter = store
                .user_by_email(&submission.by)
                .await?
                .ok_or_else(|| bad(format!("unknown user {}", submission.by)))?
                .actor;
            let listed = overview
                .iter()
                .find(|o| o.body.id == body)
                .ok_or_else(|| bad(format!("{} gets no questions", submission.body)))?;
            let report = &listed.report;
            let draft = reporter.draft_access(report).ok_or_else(|| {
                bad(format!(
                    "{} does not report for {}",
                    submission.by, submission.body
                ))
            })?;
            let mut changes = vec![
                (
                    Field::ContactName,
                    FieldValue::text(&submission.contact.name),
                    0,
                ),
                (
                    Field::ContactPhone,
                    FieldValue::text(&submission.contact.phone),
                    0,
                ),
                (
                    Field::ContactEmail,
                    FieldValue::text(&submission.contact.email),
                    0,
                ),
                (
                    Field::OtherInformation,
                    FieldValue::text(&submission.other_information),
                    0,
                ),
            ];
            for (key, text) in &submission.answers {
                changes.push((Field::Answer(key.clone()), FieldValue::text(text), 0));
            }
            for key in &submission.not_applicable {
                changes.push((Field::Answer(key.clone()), FieldValue::not_applicable(), 0));
            }
            let at = submission.submitted_at;
            store
                .save_fields(&draft, &changes, at)
                .await?
                .map_err(|refusal| bad(format!("{}: {refusal:?}", submission.body)))?;
            let questions: Vec<&Question> = snapshot
                .questions
                .iter()
                .filter(|q| q.asks(&listed.body))
                .collect();
            let late = swedish_date(at) > deadline;
            let outcome = store
                .submit(
                    &draft,
                    at,
                    late,
                    &|fields| prepare_submission(&questions, fields),
                    None,
                )
                .await?;
            if !matches!(outcome, Ok(SubmitOutcome::Submitted(_))) {
                return Err(bad(format!(
                    "{}'s answers are incomplete: {outcome:?}",
                    submission.body
                )));
            }
        }
        if round.status == RoundStatus::Closed {
            store
                .close_round(id, now(), &audit(AuditAction::RoundClosed))
                .await?;
        }
    }
    store
        .append_audit(&audit(AuditAction::DemoLoaded), now())
        .await?;
    Ok(data.users.clone())
}

/// The demo's register of actors, checked as the register's form checks them.
async fn add_actors(store: &Store, data: &DemoData, users: &HashMap<&str, UserId>) -> Result<()> {
    let coordinator = data
        .users
        .iter()
        .find(|u| u.role == Role::Coordinator)
        .and_then(|u| users.get(u.email.as_str()));
    let Some(&by) = coordinator else {
        return Ok(());
    };
    for actor in &data.actors {
        let registered = store.actors().await?;
        let fields = ActorFields::parse(&actor.name, &actor.aliases.join("\n"), &registered)
            .map_err(|p| AppError::Internal(format!("demo data: actor {}: {p:?}", actor.name)))?;
        store.add_actor(&fields, by, now()).await?;
    }
    Ok(())
}

/// A demo's accounts, to show on the sign-in page.
#[derive(Debug, Clone)]
pub struct DemoAccounts {
    pub password: String,
    /// E-mail, role and the short names of the bodies a reporter reports for.
    pub accounts: Vec<(String, Role, Vec<String>)>,
}

impl crate::App {
    /// The demo's accounts, or `None` if this is not a demo.
    pub async fn demo_accounts(&self) -> Result<Option<DemoAccounts>> {
        let Some(password) = self.store.demo_password().await? else {
            return Ok(None);
        };
        let bodies = self.store.bodies().await?;
        let accounts = self
            .store
            .users()
            .await?
            .into_iter()
            .map(|user| {
                let names = user
                    .bodies
                    .iter()
                    .filter_map(|id| bodies.iter().find(|b| b.id == *id))
                    .map(|b| b.short_name.clone())
                    .collect();
                (user.email, user.role, names)
            })
            .collect();
        Ok(Some(DemoAccounts { password, accounts }))
    }
}
