//! Tertial's persistence on SQLite (embedded, the default) and PostgreSQL (for scale).
//!
//! Every query is written once, in the SQL both databases share, with `$1`-style parameters,
//! and runs through sqlx's `Any` driver; the backend is chosen once, from the URL. Times are
//! stored as milliseconds since the Unix epoch and flags as 0/1, so both backends hold the same
//! values. Migrations are embedded per backend and run at start.
//!
//! SQLite allows one writer at a time. Rather than let connections race for the lock (and
//! fail with `SQLITE_BUSY` when a read transaction tries to upgrade), writes go through a pool
//! of exactly one connection, and reads through a pool of several. On PostgreSQL both are the
//! same pool. Every write transaction goes through [`write::WriteTx`], which closes a
//! connection whose transaction did not end cleanly instead of reusing it.
//!
//! Every commit waits for the disk (SQLite with `synchronous = FULL`, PostgreSQL flushing its
//! log); answer saves therefore share commits (see `group_commit`), so that autosave is both
//! durable and fast.
//!
//! Every change that is an action of a person takes the audit entry that records it and
//! writes both in one transaction: the action and its record land together or not at all.

mod actors;
mod audit;
mod bulk;
mod compare;
mod compiled;
mod connect;
mod editing;
mod followups;
mod group_commit;
mod imports;
mod outbox;
mod people;
mod reports;
mod reviews;
mod rounds;
mod saves;
mod search;
mod sessions;
mod sign_in_links;
mod sso;
mod submissions;
#[cfg(feature = "testing")]
pub mod testing;
mod users;
mod write;

use std::sync::Arc;
use std::sync::atomic::AtomicU32;
use std::time::Duration;

use sqlx::AnyPool;
use tertial_domain::{NewAuditEntry, Timestamp};

pub use audit::{AuditFilter, AuditRecord};
pub use bulk::{BulkAnswer, BulkBody, BulkLoad, BulkReport, BulkReview, BulkSubmission, BulkUser};
pub use compare::RoundSubmission;
pub use compiled::{CHUNK, CompileRow, LatestSubmission};
pub use editing::{Edit, EditableQuestion};
pub use imports::{ImportedVersion, NewPendingImport, PendingImport};
pub use outbox::{ClaimedMail, MailRecord, PendingReporter};
pub use people::{BodyListing, InOpenRound, NewInvitation, Person};
pub use reports::ReportOverview;
pub use reviews::{ReviewRefusal, Reviewed};
pub use rounds::{NewRound, OpenRefusal, Opening, RoundSnapshot};
pub use saves::{Refusable, Refusal};
pub use search::{SearchFilters, SearchHit};
pub use sessions::NewStoredSession;
pub use sign_in_links::{NewSignInLink, SignInLinkRecord};
pub use sso::{NewSsoLogin, SsoAccount, SsoLoginClaim, SsoSignIn};
pub use submissions::{Freeze, Receipt, SavedAndSubmitted, SubmitOutcome};
pub use users::{NewUser, UserRecord};
use write::Writer;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// The database could not be opened or reached at start.
    #[error("{hint}")]
    Open {
        hint: &'static str,
        #[source]
        cause: sqlx::Error,
    },
    /// The database opens but refuses to be written (a read-only file, a read-only user).
    #[error("the database cannot be written")]
    Unwritable(#[source] Box<StoreError>),
    #[error("the database did not answer within {0:?}")]
    Timeout(Duration),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the database holds a value this version does not understand: {0}")]
    Corrupt(String),
    #[error("unsupported database URL {0:?}: use sqlite:PATH or postgres://HOST/NAME")]
    Url(String),
    #[error("{0} already exists")]
    Duplicate(&'static str),
    #[error("the store is closed")]
    Closed,
    /// A file being stored or read back (a published file) failed on this machine's disk.
    #[error("file error")]
    File(#[source] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The connection to Tertial's database.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    read: AnyPool,
    write: AnyPool,
    /// Answer saves share transactions (see `group_commit`).
    group_commit: group_commit::GroupCommit,
    /// Where write transactions begin (on `write`).
    writer: Writer,
    /// SQLite only, for tests: the largest database in pages (0: no limit), so that a test
    /// can fill the "disk" without privileges. Applied to every new write connection.
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    page_limit: Arc<AtomicU32>,
}

impl Store {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database holds anything but an empty schema.
    pub async fn is_empty(&self) -> Result<bool> {
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.read)
            .await?;
        let bodies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bodies")
            .fetch_one(&self.read)
            .await?;
        Ok(users == 0 && bodies == 0)
    }

    /// Whether this database was built by `tertial demo`.
    pub async fn is_demo(&self) -> Result<bool> {
        Ok(self.demo_password().await?.is_some())
    }

    /// The shared password of a demo's accounts; `None` if this is not a demo.
    pub async fn demo_password(&self) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = 'demo_password'")
                .fetch_optional(&self.read)
                .await?,
        )
    }

    /// The setting `key`; if there is none yet, `value` is stored and returned (the first
    /// of several instances to store one wins, and all use it).
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .execute(&self.write)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_one(&self.write)
                .await?,
        )
    }

    /// Marks the database as a demo, whose accounts all have `password` (shown on the
    /// sign-in page so a visitor can try it).
    pub async fn mark_demo(&self, password: &str) -> Result<()> {
        sqlx::query("INSERT INTO settings (key, value) VALUES ('demo_password', $1)")
            .bind(password)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Drops every table, so that the next [`Store::connect`] starts afresh. Only for
    /// rebuilding a demo; the caller checks [`Store::is_demo`] first.
    pub async fn drop_everything(self) -> Result<()> {
        // Whatever the migrations made, read from the database's own catalogue, so that a
        // table a later migration adds is dropped too.
        let mut conn = self.write.acquire().await?;
        let (tables, functions): (Vec<String>, Vec<String>) = match self.backend {
            Backend::Sqlite => {
                // Dropping a table deletes its rows first; with foreign keys on, in whatever
                // order, that would fail. (This connection is closed right after.)
                sqlx::raw_sql("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
                let tables = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table'
                     AND name NOT LIKE 'sqlite_%'",
                )
                .fetch_all(&mut *conn)
                .await?;
                (tables, Vec::new())
            }
            Backend::Postgres => {
                let tables = sqlx::query_scalar(
                    "SELECT tablename::TEXT FROM pg_tables WHERE schemaname = current_schema()",
                )
                .fetch_all(&mut *conn)
                .await?;
                let functions = sqlx::query_scalar(
                    "SELECT p.oid::regprocedure::TEXT FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = current_schema()",
                )
                .fetch_all(&mut *conn)
                .await?;
                (tables, functions)
            }
        };
        let cascade = if self.backend == Backend::Postgres {
            " CASCADE"
        } else {
            ""
        };
        for table in tables {
            let drop = format!(
                "DROP TABLE IF EXISTS \"{}\"{cascade}",
                table.replace('"', "")
            );
            sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
                .execute(&mut *conn)
                .await?;
        }
        for function in functions {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP FUNCTION IF EXISTS {function}"
            )))
            .execute(&mut *conn)
            .await?;
        }
        conn.close().await?;
        self.close().await;
        Ok(())
    }

    /// Checks the database's own consistency (SQLite's `integrity_check`; PostgreSQL keeps
    /// its own and answers with a trivial query). Returns the problems found.
    pub async fn integrity_problems(&self) -> Result<Vec<String>> {
        match self.backend {
            Backend::Sqlite => {
                let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_all(&self.read)
                    .await?;
                Ok(rows.into_iter().filter(|r| r != "ok").collect())
            }
            Backend::Postgres => {
                sqlx::query("SELECT 1").execute(&self.read).await?;
                Ok(Vec::new())
            }
        }
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    /// Appends an audit entry on its own.
    pub async fn append_audit(&self, entry: &NewAuditEntry, at: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        audit::append(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Backend {
    /// The backend a URL names. A URL without a known scheme is refused rather than taken
    /// for a file name, so a typo never silently creates an empty database.
    pub fn of_url(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Url(url.to_owned()))
        }
    }
}

/// Milliseconds since the epoch, as stored.
fn millis(t: Timestamp) -> i64 {
    t.as_millisecond()
}

fn timestamp(ms: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|_| StoreError::Corrupt(format!("time {ms}")))
}

/// The time as it will read back from the database (whole milliseconds).
fn stored_precision(t: Timestamp) -> Result<Timestamp> {
    timestamp(millis(t))
}

/// Binds a transition as its update's next four parameters: the new status, then the
/// statuses it may start from (see [`tertial_domain::Transition::from_padded`]).
fn bind_transition<'q, S: Copy + PartialEq>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    transition: &tertial_domain::Transition<S>,
    code: fn(S) -> &'static str,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    let [a, b, c] = transition.from_padded().map(code);
    query.bind(code(transition.to)).bind(a).bind(b).bind(c)
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// Maps a unique-constraint violation to [`StoreError::Duplicate`] naming `what`.
fn duplicate(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(what),
        _ => e.into(),
    }
}
