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

use tokio::sync::{mpsc, oneshot};

use crate::saves::{Refusable, SaveJob, save_alone, save_in};
use crate::write::Writer;
use tertial_domain::SaveOutcome;

use crate::{Backend, Result, StoreError};

/// At most this many saves share a transaction.
const MAX_BATCH: usize = 256;

type Outcome = Result<Refusable<Vec<SaveOutcome>>>;
type Reply = oneshot::Sender<Outcome>;

/// The queues to the writer tasks.
#[derive(Clone)]
pub(crate) struct GroupCommit {
    lanes: Vec<mpsc::Sender<(SaveJob, Reply)>>,
}

impl GroupCommit {
    /// Starts `lanes` writer tasks on `writer`.
    pub(crate) fn start(writer: Writer, lanes: usize) -> GroupCommit {
        let lanes = (0..lanes.max(1))
            .map(|_| {
                let (queue, jobs) = mpsc::channel(4 * MAX_BATCH);
                tokio::spawn(write(writer.clone(), jobs));
                queue
            })
            .collect();
        GroupCommit { lanes }
    }

    pub(crate) async fn save(&self, job: SaveJob) -> Outcome {
        let lanes = self.lanes.len() as u64;
        let lane = job.access.report().0.unsigned_abs() % lanes;
        let queue = &self.lanes[usize::try_from(lane).unwrap_or_default()];
        let (reply, answer) = oneshot::channel();
        queue
            .send((job, reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }
}

async fn write(writer: Writer, mut queue: mpsc::Receiver<(SaveJob, Reply)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
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
