//! Write transactions that never leave a connection in a state nobody knows.
//!
//! sqlx counts open transactions itself and lowers the count only when `COMMIT` or `ROLLBACK`
//! succeed. When SQLite's `COMMIT` fails with `SQLITE_FULL` or `SQLITE_IOERR`, SQLite has
//! already rolled back on its own, sqlx's `ROLLBACK` then fails ("no transaction is active"),
//! and the count stays one too high: every later "transaction" on that connection became a
//! savepoint inside a transaction that never ends, and saves were acknowledged that never
//! reached the disk. So Tertial drives its write transactions with plain `BEGIN`, `COMMIT`
//! and `ROLLBACK`, and trusts no connection after an error: a connection whose transaction
//! did not end cleanly is closed, never returned to the pool, and the pool opens a fresh one
//! for the next write. The same holds on PostgreSQL, where it also covers a connection lost
//! mid-transaction.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool};

use crate::{Backend, Result, Store, StoreError};

/// What the writer last saw: whether a write transaction failed since the last one that
/// ended cleanly. Readiness uses it to decide whether a real write must prove the writer.
#[derive(Debug, Default)]
pub(crate) struct WriterHealth {
    suspect: AtomicBool,
}

impl WriterHealth {
    pub(crate) fn suspect(&self) -> bool {
        self.suspect.load(Ordering::Relaxed)
    }

    fn failed(&self) {
        self.suspect.store(true, Ordering::Relaxed);
    }

    fn ended_cleanly(&self) {
        self.suspect.store(false, Ordering::Relaxed);
    }
}

/// Where write transactions begin: the write pool (on SQLite, its single connection).
#[derive(Clone)]
pub(crate) struct Writer {
    pool: AnyPool,
    backend: Backend,
    pub(crate) health: Arc<WriterHealth>,
}

impl Writer {
    pub(crate) fn new(pool: AnyPool, backend: Backend) -> Writer {
        Writer {
            pool,
            backend,
            health: Arc::default(),
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) async fn begin(&self) -> Result<WriteTx> {
        WriteTx::begin(&self.pool, self.backend, &self.health).await
    }
}

/// An open write transaction on a connection of its own. End it with [`WriteTx::commit`] or
/// [`WriteTx::rollback`]; dropped any other way (an error, a panic), its connection is
/// closed rather than reused, which rolls the transaction back wherever it stood.
pub(crate) struct WriteTx {
    conn: PoolConnection<Any>,
    health: Arc<WriterHealth>,
    ended: bool,
}

impl WriteTx {
    async fn begin(
        pool: &AnyPool,
        backend: Backend,
        health: &Arc<WriterHealth>,
    ) -> Result<WriteTx> {
        let conn = pool.acquire().await.inspect_err(|_| health.failed())?;
        let mut tx = WriteTx {
            conn,
            health: health.clone(),
            ended: false,
        };
        // SQLite: take the write lock now rather than on the first write, so a transaction
        // that reads before it writes can never fail to upgrade.
        let begin = match backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        sqlx::raw_sql(begin).execute(&mut *tx.conn).await?;
        Ok(tx)
    }

    /// Commits. Only when this returns `Ok` is the transaction on disk; on an error the
    /// connection is closed and nothing may be reported as saved.
    pub(crate) async fn commit(mut self) -> Result<()> {
        sqlx::raw_sql("COMMIT").execute(&mut *self.conn).await?;
        self.ended = true;
        self.health.ended_cleanly();
        Ok(())
    }

    /// Rolls back a transaction that found it must change nothing.
    pub(crate) async fn rollback(mut self) -> Result<()> {
        sqlx::raw_sql("ROLLBACK").execute(&mut *self.conn).await?;
        self.ended = true;
        Ok(())
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if !self.ended {
            self.conn.close_on_drop();
            self.health.failed();
        }
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

impl Store {
    pub(crate) async fn begin(&self) -> Result<WriteTx> {
        self.writer.begin().await
    }

    /// Whether the database takes writes now, answered within `within` (not the pool's
    /// longer wait), and every save writer answers. After a failed write, only a real write of some size that reaches the
    /// disk counts; otherwise taking the write lock and letting go (SQLite) or a round trip
    /// (PostgreSQL) does. The check runs to completion on its own even when it is late, so
    /// that it never leaves a transaction half open.
    pub async fn ready(&self, within: Duration) -> Result<()> {
        let store = self.clone();
        let check = tokio::spawn(async move {
            store.group_commit.ping(within).await?;
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
    pub(crate) async fn probe_write(&self) -> Result<()> {
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

    /// Makes every save writer panic (tests of their supervision).
    #[cfg(feature = "testing")]
    pub async fn panic_save_writers(&self) {
        self.group_commit.panic_every_lane().await;
    }

    /// The database's size in pages (SQLite), for tests that fill it.
    #[cfg(feature = "testing")]
    pub async fn page_count(&self) -> Result<u32> {
        let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&self.read)
            .await?;
        u32::try_from(pages).map_err(crate::corrupt)
    }
}
