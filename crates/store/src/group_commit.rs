//! Group commit for answer saves, on both databases.
//!
//! Every commit waits for the disk (SQLite with `synchronous = FULL`; PostgreSQL flushing its
//! log), and on this kind of machine that wait, not the work, caps how many saves a second
//! can be made durable. So saves queue for writer tasks ("lanes"), each of which runs
//! whatever has queued up while its previous commit was on its way to disk as one
//! transaction, commits once, and only then answers each request: every acknowledged save is
//! on disk, and the disk wait is shared.
//!
//! On PostgreSQL each save runs inside a savepoint of its own, so a save that is refused
//! (its report was submitted meanwhile by another connection) is undone alone. SQLite's
//! single writer finds every refusal before a save writes anything, and a savepoint there
//! would cost a statement journal on disk for every save. If the batch fails, each save is
//! retried in a transaction of its own (on a fresh connection: see `write`), so one bad save
//! cannot sink the others, and a save is only ever acknowledged after a commit that holds it.
//!
//! SQLite has one writer, so one lane. PostgreSQL gets several, and a report's saves always
//! go to the same lane: two lanes never wait for each other's rows, so they cannot deadlock.
//!
//! Each lane's task is supervised: should it panic, the saves it held are answered with an
//! error (nothing is acknowledged that was not committed) and a new task takes over its
//! queue. Readiness asks every lane to answer (`GroupCommit::ping`).

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};

use crate::saves::{Refusable, SaveJob, save_alone, save_in};
use crate::write::Writer;
use tertial_domain::SaveOutcome;

use crate::{Backend, Result, StoreError};

/// At most this many saves share a transaction.
const MAX_BATCH: usize = 256;

type Outcome = Result<Refusable<Vec<SaveOutcome>>>;
type Reply = oneshot::Sender<Outcome>;

/// What a lane is asked to do.
enum Task {
    Save(SaveJob, Reply),
    /// Answer, to show the lane is alive and not stuck.
    Ping(oneshot::Sender<()>),
    /// Panic, to show that supervision works (tests only).
    #[cfg(feature = "testing")]
    Panic,
}

type Queue = Arc<Mutex<mpsc::Receiver<Task>>>;

/// The queues to the writer tasks.
#[derive(Clone)]
pub(crate) struct GroupCommit {
    lanes: Vec<mpsc::Sender<Task>>,
}

impl GroupCommit {
    /// Starts `lanes` supervised writer tasks on `writer`.
    pub(crate) fn start(writer: Writer, lanes: usize) -> GroupCommit {
        let lanes = (0..lanes.max(1))
            .map(|_| {
                let (queue, tasks) = mpsc::channel(4 * MAX_BATCH);
                tokio::spawn(supervise(writer.clone(), Arc::new(Mutex::new(tasks))));
                queue
            })
            .collect();
        GroupCommit { lanes }
    }

    /// Whether every lane answers within `within`.
    pub(crate) async fn ping(&self, within: std::time::Duration) -> Result<()> {
        for lane in &self.lanes {
            let (reply, answer) = oneshot::channel();
            lane.send(Task::Ping(reply))
                .await
                .map_err(|_| StoreError::Closed)?;
            tokio::time::timeout(within, answer)
                .await
                .map_err(|_| StoreError::Timeout(within))?
                .map_err(|_| StoreError::Closed)?;
        }
        Ok(())
    }

    /// Makes every lane's writer panic where it stands (tests only).
    #[cfg(feature = "testing")]
    pub(crate) async fn panic_every_lane(&self) {
        for lane in &self.lanes {
            let _ = lane.send(Task::Panic).await;
        }
    }

    pub(crate) async fn save(&self, job: SaveJob) -> Outcome {
        let lanes = self.lanes.len() as u64;
        let lane = job.access.report().0.unsigned_abs() % lanes;
        let queue = &self.lanes[usize::try_from(lane).unwrap_or_default()];
        let (reply, answer) = oneshot::channel();
        queue
            .send(Task::Save(job, reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }
}

/// Runs a lane's writer, and a new one if it panics, until the queue closes.
async fn supervise(writer: Writer, queue: Queue) {
    loop {
        match tokio::spawn(write(writer.clone(), queue.clone())).await {
            Ok(()) => return,
            Err(e) => tracing::error!(error = %e, "a save writer stopped; starting a new one"),
        }
    }
}

async fn write(writer: Writer, queue: Queue) {
    let mut queue = queue.lock().await;
    let mut tasks = Vec::with_capacity(MAX_BATCH);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut tasks, MAX_BATCH).await > 0 {
        for task in tasks.drain(..) {
            match task {
                Task::Save(job, reply) => batch.push((job, reply)),
                Task::Ping(reply) => {
                    let _ = reply.send(());
                }
                #[cfg(feature = "testing")]
                Task::Panic => panic!("a save writer was told to panic (test)"),
            }
        }
        if batch.is_empty() {
            continue;
        }
        match commit_together(&writer, &batch).await {
            Ok(outcomes) => {
                for ((_, reply), outcome) in batch.drain(..).zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::warn!(error = ?e, saves = batch.len(), "batch failed; saving one by one");
                for (job, reply) in batch.drain(..) {
                    let _ = reply.send(save_alone(&writer, &job).await);
                }
            }
        }
    }
}

/// Runs the batch in one transaction; on PostgreSQL each save in a savepoint that is
/// undone if the save is refused.
async fn commit_together(
    writer: &Writer,
    batch: &[(SaveJob, Reply)],
) -> Result<Vec<Refusable<Vec<SaveOutcome>>>> {
    let savepoints = writer.backend() == Backend::Postgres;
    let mut tx = writer.begin().await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for (job, _) in batch {
        if savepoints {
            sqlx::raw_sql("SAVEPOINT save").execute(&mut *tx).await?;
        }
        let outcome = save_in(&mut tx, writer.backend(), job).await?;
        if savepoints {
            if outcome.is_err() {
                sqlx::raw_sql("ROLLBACK TO SAVEPOINT save")
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::raw_sql("RELEASE SAVEPOINT save")
                .execute(&mut *tx)
                .await?;
        }
        outcomes.push(outcome);
    }
    tx.commit().await?;
    Ok(outcomes)
}
