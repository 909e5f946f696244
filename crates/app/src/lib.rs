//! Tertial's use cases. Each public method of [`App`] is one thing a person does: sign in,
//! open a report, save an answer, submit, read a submission, follow a round. They check who
//! may do it, call the store, and record the action in the audit log.

pub mod auth;
pub mod demo;
mod error;
mod reports;
mod rounds;
pub mod users;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use jiff::SignedDuration;
use tertial_domain::RoundId;
use tertial_domain::validate::DEFAULT_MAX_ANSWER_CHARS;
use tertial_store::{RoundSnapshot, Store};

pub use error::{AppError, chain};
pub use reports::{
    FieldEntry, FieldSaved, FormPosted, FormSaved, QuestionView, ReportAccess, ReportContext,
    ReportPage, SectionView,
};
pub use rounds::{RoundListing, RoundOverview};
pub use tertial_store;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Settings that shape the use cases.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The longest answer accepted, in characters.
    pub max_answer_chars: usize,
    /// How long a session lives without use.
    pub session_idle: SignedDuration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_answer_chars: DEFAULT_MAX_ANSWER_CHARS,
            session_idle: SignedDuration::from_hours(8),
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
}

impl App {
    pub fn new(store: Store, settings: Settings) -> App {
        App {
            store,
            settings,
            snapshots: Arc::default(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
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

/// The current time.
pub fn now() -> tertial_domain::Timestamp {
    tertial_domain::Timestamp::now()
}
