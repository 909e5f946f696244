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
//! With `synchronous = FULL` every SQLite commit waits for the disk; answer saves therefore
//! share commits (see `group_commit`), so that autosave is both durable and fast.
//!
//! Every change that is an action of a person takes the audit entry that records it and
//! writes both in one transaction: the action and its record land together or not at all.

mod audit;
mod followups;
mod group_commit;
mod reports;
mod rounds;
mod saves;
mod sessions;
mod submissions;
#[cfg(feature = "testing")]
pub mod testing;
mod users;
mod write;

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Connection};
use tertial_domain::{NewAuditEntry, Timestamp};

pub use audit::AuditRecord;
pub use reports::ReportOverview;
pub use rounds::RoundSnapshot;
pub use saves::{Author, Refusable, Refusal, SaveOutcome};
pub use sessions::SessionRecord;
pub use submissions::{Freeze, SavedAndSubmitted, SubmitOutcome};
pub use users::{NewUser, UserRecord};
use write::{WriteTx, Writer};

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
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The connection to Tertial's database.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    read: AnyPool,
    write: AnyPool,
    /// SQLite only: answer saves share transactions (see `group_commit`).
    group_commit: Option<group_commit::GroupCommit>,
    /// Where write transactions begin (on `write`).
    writer: Writer,
    /// SQLite only, for tests: the largest database in pages (0: no limit), so that a test
    /// can fill the "disk" without privileges. Applied to every new write connection.
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    page_limit: Arc<AtomicU32>,
}

/// How many connections serve reads on SQLite.
const SQLITE_READERS: u32 = 8;

impl Store {
    /// Connects to the database at `url` (`sqlite:PATH` or `postgres://…`), creating a SQLite
    /// file if there is none, and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_waiting(url, Duration::ZERO).await
    }

    /// Like [`Store::connect`], but waits up to `wait` for a PostgreSQL server that is not
    /// answering yet (starting, restarting), retrying with back-off. Fails with the real
    /// cause, and at once when waiting cannot help (a wrong password, a missing database).
    /// A database that opens but cannot be written is refused too.
    pub async fn connect_waiting(url: &str, wait: Duration) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let page_limit = Arc::new(AtomicU32::new(0));
        let store = match backend {
            Backend::Sqlite => {
                let url = sqlite_url(url);
                let options = AnyConnectOptions::from_str(&url)?;
                // Opened once directly first: a pool would report "pool timed out" instead of
                // why the file cannot be opened.
                open_once(&options).await?;
                let write = sqlite_pool(1, Some(page_limit.clone()))
                    .connect_with(options.clone())
                    .await?;
                // Create the schema before readers open the file.
                let writer = Writer::new(write.clone(), backend);
                let store = Store {
                    backend,
                    read: write.clone(),
                    write,
                    group_commit: None,
                    writer: writer.clone(),
                    page_limit,
                };
                store.migrate().await?;
                Store {
                    read: sqlite_pool(SQLITE_READERS, None)
                        .connect_with(options)
                        .await?,
                    group_commit: Some(group_commit::GroupCommit::start(writer)),
                    ..store
                }
            }
            Backend::Postgres => {
                let options = AnyConnectOptions::from_str(url)?;
                wait_for_server(&options, wait).await?;
                let pool = AnyPoolOptions::new()
                    .max_connections(32)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                // PostgreSQL groups concurrent commits itself.
                let store = Store {
                    backend,
                    read: pool.clone(),
                    write: pool.clone(),
                    group_commit: None,
                    writer: Writer::new(pool, backend),
                    page_limit,
                };
                store.migrate().await?;
                store
            }
        };
        store
            .probe_write()
            .await
            .map_err(|e| StoreError::Unwritable(Box::new(e)))?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.write).await?,
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.write)
                    .await?
            }
        }
        Ok(())
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
        const TABLES: [&str; 16] = [
            "DROP TABLE IF EXISTS audit_log",
            "DROP TABLE IF EXISTS submissions",
            "DROP TABLE IF EXISTS answers",
            "DROP TABLE IF EXISTS reports",
            "DROP TABLE IF EXISTS round_questions",
            "DROP TABLE IF EXISTS round_focus_areas",
            "DROP TABLE IF EXISTS rounds",
            "DROP TABLE IF EXISTS questions",
            "DROP TABLE IF EXISTS focus_areas",
            "DROP TABLE IF EXISTS follow_ups",
            "DROP TABLE IF EXISTS sessions",
            "DROP TABLE IF EXISTS user_bodies",
            "DROP TABLE IF EXISTS bodies",
            "DROP TABLE IF EXISTS users",
            "DROP TABLE IF EXISTS settings",
            "DROP TABLE IF EXISTS _sqlx_migrations",
        ];
        for statement in TABLES {
            sqlx::query(statement).execute(&self.write).await?;
        }
        if self.backend == Backend::Postgres {
            sqlx::query("DROP FUNCTION IF EXISTS tertial_refuse_change()")
                .execute(&self.write)
                .await?;
        }
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

    /// Whether the database takes writes now, answered within `within` (not the pool's
    /// longer wait). After a failed write, only a real write of some size that reaches the
    /// disk counts; otherwise taking the write lock and letting go (SQLite) or a round trip
    /// (PostgreSQL) does. The check runs to completion on its own even when it is late, so
    /// that it never leaves a transaction half open.
    pub async fn ready(&self, within: Duration) -> Result<()> {
        let store = self.clone();
        let check = tokio::spawn(async move {
            if store.writer.health.suspect() {
                store.probe_write().await
            } else {
                store.begin().await?.rollback().await
            }
        });
        match tokio::time::timeout(within, check).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(StoreError::Closed),
            Err(_) => Err(StoreError::Timeout(within)),
        }
    }

    /// Writes and commits a value about as large as a long answer.
    async fn probe_write(&self) -> Result<()> {
        let value = format!(
            "{}:{}",
            jiff::Timestamp::now().as_millisecond(),
            "x".repeat(16 * 1024)
        );
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ('writer_probe', $1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(value)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// For tests on SQLite: limits the database to `pages` pages (0: no limit), as a full
    /// disk would, on the write connection now and on every one opened later.
    #[cfg(feature = "testing")]
    pub async fn set_page_limit(&self, pages: u32) -> Result<()> {
        self.page_limit.store(pages, Ordering::Relaxed);
        let mut conn = self.write.acquire().await?;
        let pages = if pages == 0 { 1_073_741_823 } else { pages };
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA max_page_count = {pages}"
        )))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// The database's size in pages (SQLite), for tests that fill it.
    #[cfg(feature = "testing")]
    pub async fn page_count(&self) -> Result<u32> {
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&self.read)
            .await?;
        u32::try_from(pages).map_err(corrupt)
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    async fn begin(&self) -> Result<WriteTx> {
        self.writer.begin().await
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

/// Adds `mode=rwc` (create the file if missing) unless the URL sets a mode itself.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Opens one connection as the pools will (with their settings) and closes it again, so
/// that a database that cannot be opened or written is reported with its cause, not as a
/// pool that timed out.
async fn open_once(options: &AnyConnectOptions) -> Result<()> {
    let open = async {
        let mut conn = AnyConnection::connect_with(options).await?;
        prepare_sqlite(&mut conn, 0).await?;
        conn.close().await
    };
    open.await.map_err(|cause| {
        let read_only = match &cause {
            // SQLITE_READONLY and its extended codes: the primary code is the low byte.
            sqlx::Error::Database(db) => db
                .code()
                .and_then(|c| c.parse::<i32>().ok())
                .is_some_and(|c| c & 0xff == 8),
            _ => false,
        };
        if read_only {
            StoreError::Unwritable(Box::new(cause.into()))
        } else {
            StoreError::Open {
                hint: "does its folder exist, and may Tertial write there?",
                cause,
            }
        }
    })
}

/// Waits up to `wait` for a PostgreSQL server to accept a connection, retrying with
/// back-off while it is not listening or still starting.
async fn wait_for_server(options: &AnyConnectOptions, wait: Duration) -> Result<()> {
    let deadline = Instant::now() + wait;
    let mut delay = Duration::from_millis(200);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match AnyConnection::connect_with(options).await {
            Ok(conn) => {
                conn.close().await?;
                return Ok(());
            }
            Err(e) if server_not_ready(&e) && !left.is_zero() => {
                let pause = delay.min(left);
                tracing::warn!(error = %e, retry_in = ?pause, "the database is not answering yet");
                tokio::time::sleep(pause).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(cause) => {
                return Err(StoreError::Open {
                    hint: "is the server running, and does it accept this user and database?",
                    cause,
                });
            }
        }
    }
}

/// Whether a failed connection may succeed later: nothing listening yet, or a server that
/// is starting, shutting down or full. A wrong password or database name will not.
fn server_not_ready(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            matches!(
                db.code().as_deref(),
                Some("57P01" | "57P02" | "57P03" | "53300")
            )
        }
        _ => false,
    }
}

fn sqlite_pool(connections: u32, page_limit: Option<Arc<AtomicU32>>) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        .min_connections(connections)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _| {
            let page_limit = page_limit
                .as_ref()
                .map_or(0, |limit| limit.load(Ordering::Relaxed));
            Box::pin(prepare_sqlite(conn, page_limit))
        })
}

/// Settings of every SQLite connection.
async fn prepare_sqlite(conn: &mut AnyConnection, page_limit: u32) -> sqlx::Result<()> {
    use sqlx::Executor;
    // WAL lets readers work while the writer writes. synchronous=FULL syncs the log at every
    // commit, so an acknowledged save survives even a power cut.
    for pragma in [
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = FULL",
        "PRAGMA foreign_keys = ON",
        "PRAGMA busy_timeout = 10000",
    ] {
        conn.execute(pragma).await?;
    }
    if page_limit > 0 {
        conn.execute(sqlx::AssertSqlSafe(format!(
            "PRAGMA max_page_count = {page_limit}"
        )))
        .await?;
    }
    Ok(())
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
