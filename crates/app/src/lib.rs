//! Tertial's use cases. Each public method of [`App`] is one thing a person does: sign in,
//! open a report, save an answer, submit, read a submission, follow a round. They check who
//! may do it, call the store, and record the action in the audit log.

mod audit_log;
pub mod auth;
mod clock;
mod compare;
mod compiled;
pub mod demo;
mod documents;
mod error;
mod followups;
pub mod generate;
mod import;
mod insights;
mod mail;
mod people;
mod presession;
mod recent;
mod reports;
mod review;
mod rounds;
pub mod search;
mod sign_in_links;
mod sso;
pub mod users;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use jiff::SignedDuration;
use recent::Recent;
use tertial_domain::validate::DEFAULT_MAX_ANSWER_CHARS;
use tertial_domain::{
    Actor, AuditAction, AuditSubject, NewAuditEntry, ReportId, RoundId, Session, Timestamp, UserId,
};
use tertial_store::{RoundSnapshot, Store};

pub use audit_log::{AUDIT_PAGE, AuditChoices, AuditLine, AuditLog, AuditQuery, Subject};
pub use auth::SessionEnds;
pub use clock::Clock;
pub use compare::{
    BodyComparison, BodyRow, ComparedAnswer, ComparedRounds, QuestionComparison, RoundQuestions,
    Side,
};
pub use compiled::{Compilation, ExportFile, SettingsProblem, SummaryProblem, SummaryState};
pub use error::{AppError, chain};
pub use followups::{EditProblem, FollowUpEditor};
pub use import::{
    FileOutcome, ImportApplied, ImportPreview, ImportProblem, MAX_IMPORT_BYTES, PreviewField,
    PreviewSection,
};
pub use insights::{ActorInsight, RoundInsight};
pub use mail::{MAILS_PER_PAGE, OutboxPage};
pub use people::{InvitationProblem, PersonPage};
pub use presession::SignInGuard;
pub use reports::{
    FieldEntry, FieldSaved, FormPosted, FormSaved, QuestionView, ReportAccess, ReportContext,
    ReportPage, SectionView, numbered_sections,
};
pub use rounds::{
    DeadlineProblem, RoundChoices, RoundListing, RoundOverview, RoundProblem, RoundRequest,
};
pub use search::{Found, FoundGroup, SearchChoices, SearchOutcome, SearchPage, SearchRequest};
pub use sso::{Sso, SsoCallback, SsoStart};
pub use tertial_documents::form_import::ImportError;
pub use tertial_oidc;
pub use tertial_store::{
    ClaimedMail, EditableQuestion, ImportedVersion, MailRecord, PendingReporter,
};
pub use tertial_store::{ReportOverview, ReviewRefusal, SubmitOutcome};
pub use tertial_store::{SearchFilters, SearchHit};

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Settings that shape the use cases.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The longest answer accepted, in characters.
    pub max_answer_chars: usize,
    /// How long a session lives without use.
    pub session_idle: SignedDuration,
    /// How long a session lives at most, however much it is used.
    pub session_lifetime: SignedDuration,
    /// Tertial's address as its users reach it, for links in mail (no trailing slash).
    pub public_url: String,
    /// Days before a round's deadline on which its reporters are reminded.
    pub reminder_days: Vec<i64>,
    /// How often the reminder job runs.
    pub reminder_interval: SignedDuration,
    /// The wait after a mail's first failed attempt; it doubles with each further one.
    pub mail_retry_base: SignedDuration,
    /// The organisation's name, for mail that introduces Tertial (an invitation).
    pub organisation: Option<String>,
    /// Who may sign in with a password (with single sign-on, perhaps no one, or only a
    /// break-glass administrator).
    pub local_passwords: tertial_domain::sso::LocalPasswords,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_answer_chars: DEFAULT_MAX_ANSWER_CHARS,
            session_idle: SignedDuration::from_hours(8),
            session_lifetime: SignedDuration::from_hours(12),
            public_url: "http://127.0.0.1:8080".to_owned(),
            reminder_days: vec![7, 1],
            reminder_interval: SignedDuration::from_mins(15),
            mail_retry_base: SignedDuration::from_secs(30),
            organisation: None,
            local_passwords: tertial_domain::sso::LocalPasswords::On,
        }
    }
}

/// The application: the store plus settings, and a cache of what never changes.
#[derive(Clone)]
pub struct App {
    store: Store,
    settings: Settings,
    /// A round's questions are frozen when it opens, so they are read once and kept.
    snapshots: Arc<RwLock<HashMap<RoundId, Arc<RoundSnapshot>>>>,
    /// When each kind of refusal was last written to the audit log, per person and subject.
    refusals: Arc<Mutex<HashMap<RefusalKey, Timestamp>>>,
    /// Sessions looked up in the last second, by token hash.
    recent_sessions: Arc<Recent<String, Session>>,
    /// Reports' contexts looked up in the last second, for the write paths (which check
    /// again inside their transaction).
    recent_contexts: Arc<Recent<ReportId, ReportContext>>,
    /// The audit log's filter choices (people, bodies, rounds), read at most once a second.
    recent_audit_choices: Arc<Recent<(), Arc<audit_log::AuditChoices>>>,
    /// The key that signs sign-in pre-sessions, read once from the database.
    sign_in_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
    clock: Clock,
    /// The organisation's identity provider, when single sign-on is configured.
    sso: Option<Arc<sso::Sso>>,
    /// When each cheap single sign-on refusal was last written to the audit log.
    sso_refusals: sso::SsoRefusalLog,
}

impl App {
    pub fn new(store: Store, settings: Settings) -> App {
        App {
            store,
            settings,
            snapshots: Arc::default(),
            refusals: Arc::default(),
            recent_sessions: Arc::new(Recent::new(RECENT, 100_000)),
            recent_contexts: Arc::new(Recent::new(RECENT, 10_000)),
            recent_audit_choices: Arc::new(Recent::new(RECENT, 1)),
            sign_in_key: Arc::default(),
            clock: Clock::default(),
            sso: None,
            sso_refusals: Arc::default(),
        }
    }

    /// The same application reading the time from `clock` (tests move it ahead).
    pub fn with_clock(self, clock: Clock) -> App {
        App { clock, ..self }
    }

    /// The time now, by the application's clock.
    pub fn now(&self) -> tertial_domain::Timestamp {
        self.clock.now()
    }

    /// Whether the database takes writes now, answered within `within` (for readiness).
    pub async fn ready(&self, within: std::time::Duration) -> Result<()> {
        Ok(self.store.ready(within).await?)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// What an opened round asks; cached, as it never changes.
    async fn snapshot(&self, round: RoundId) -> Result<Arc<RoundSnapshot>> {
        if let Some(s) = self
            .snapshots
            .read()
            .ok()
            .and_then(|m| m.get(&round).cloned())
        {
            return Ok(s);
        }
        let snapshot = Arc::new(self.store.round_snapshot(round).await?);
        if !snapshot.questions.is_empty()
            && let Ok(mut cache) = self.snapshots.write()
        {
            cache.insert(round, snapshot.clone());
        }
        Ok(snapshot)
    }
}

/// How long a looked-up session or report context is used again.
const RECENT: jiff::SignedDuration = jiff::SignedDuration::from_secs(1);

/// Who was refused what, on which subject.
type RefusalKey = (Option<UserId>, AuditAction, AuditSubject);

/// A refused request is written to the audit log at most this often per person, kind and
/// subject, so that a script hammering a door cannot flood the log.
const REFUSAL_NOTE_INTERVAL: jiff::SignedDuration = jiff::SignedDuration::from_mins(1);

impl App {
    /// Notes a refused request in the audit log (rate-limited): what someone without the
    /// right tried (`AccessRefused`), or a change without a valid token or from another site
    /// (`ForgeryRefused`). `actor` is `None` when no one is signed in.
    pub async fn note_refusal(
        &self,
        actor: Option<&Actor>,
        action: AuditAction,
        subject: AuditSubject,
    ) -> Result<()> {
        let by = actor.map(|a| a.id);
        let at = self.now();
        let key = (by, action, subject);
        let due = match self.refusals.lock() {
            Ok(mut noted) => {
                let due = noted
                    .get(&key)
                    .is_none_or(|last| at.duration_since(*last) >= REFUSAL_NOTE_INTERVAL);
                if due {
                    noted.retain(|_, last| at.duration_since(*last) < REFUSAL_NOTE_INTERVAL);
                    noted.insert(key, at);
                }
                due
            }
            Err(_) => true,
        };
        if due {
            let entry = NewAuditEntry::new(by, action, subject);
            self.store.append_audit(&entry, at).await?;
        }
        Ok(())
    }

    /// Refuses what `actor` may not do, noting it.
    async fn forbidden(&self, actor: &Actor, subject: AuditSubject) -> AppError {
        if let Err(e) = self
            .note_refusal(Some(actor), AuditAction::AccessRefused, subject)
            .await
        {
            tracing::warn!(error = %chain(&e), "could not note a refusal");
        }
        AppError::Forbidden
    }
}

/// The system's time, for what runs outside an [`App`] (the demo's load, the command line).
pub(crate) fn now() -> tertial_domain::Timestamp {
    tertial_domain::Timestamp::now()
}
