//! Opening the database: the pools, their settings, the schema, and saying why when it
//! cannot be opened.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, Connection};

use crate::write::Writer;
use crate::{Backend, Result, Store, StoreError, group_commit};

/// How many connections serve reads on SQLite.
const SQLITE_READERS: u32 = 8;
/// How many group-commit writers save answers on PostgreSQL (each holds a connection while
/// it commits a batch).
const POSTGRES_LANES: usize = 4;
/// Connections to PostgreSQL: the writers' and the rest. Few: on a small machine more
/// backends than cores only contend.
const POSTGRES_CONNECTIONS: u32 = 16;

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
                    group_commit: group_commit::GroupCommit::start(writer.clone(), 1),
                    writer,
                    page_limit,
                };
                store.migrate().await?;
                Store {
                    read: sqlite_pool(SQLITE_READERS, None)
                        .connect_with(options)
                        .await?,
                    ..store
                }
            }
            Backend::Postgres => {
                let options = AnyConnectOptions::from_str(url)?;
                wait_for_server(&options, wait).await?;
                let pool = AnyPoolOptions::new()
                    .max_connections(POSTGRES_CONNECTIONS)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                let writer = Writer::new(pool.clone(), backend);
                let store = Store {
                    backend,
                    read: pool.clone(),
                    write: pool,
                    group_commit: group_commit::GroupCommit::start(writer.clone(), POSTGRES_LANES),
                    writer,
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
