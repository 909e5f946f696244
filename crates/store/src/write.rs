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

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool};

use crate::{Backend, Result};

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
