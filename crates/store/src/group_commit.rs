//! Group commit for SQLite's answer saves.
//!
//! SQLite has one writer, and with `synchronous = FULL` every commit waits for the disk
//! (a few milliseconds here). One transaction per save would cap autosave at a few hundred
//! per second however fast the rest is. So saves queue for a single writer task that runs
//! whatever has queued up while the previous commit was on its way to disk as one
//! transaction, commits once, and only then answers each request: every acknowledged save is
//! on disk, and the disk wait is shared. If the batch fails, each save is retried in a
//! transaction of its own (on a fresh connection: see `write`), so one bad save cannot sink
//! the others, and a save is only ever acknowledged after its own commit succeeded.

use tokio::sync::{mpsc, oneshot};

use crate::saves::{Refusable, SaveJob, save_alone, save_in};
use crate::write::Writer;
use tertial_domain::SaveOutcome;

use crate::{Result, StoreError};

/// At most this many saves share a transaction.
const MAX_BATCH: usize = 256;

type Outcome = Result<Refusable<Vec<SaveOutcome>>>;
type Reply = oneshot::Sender<Outcome>;

/// The queue to the writer task.
#[derive(Clone)]
pub(crate) struct GroupCommit {
    queue: mpsc::Sender<(SaveJob, Reply)>,
}

impl GroupCommit {
    /// Starts the writer task on `writer` (the single write connection).
    pub(crate) fn start(writer: Writer) -> GroupCommit {
        let (queue, jobs) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write(writer, jobs));
        GroupCommit { queue }
    }

    pub(crate) async fn save(&self, job: SaveJob) -> Outcome {
        let (reply, answer) = oneshot::channel();
        self.queue
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

/// Runs the batch in one transaction. A save that is refused wrote nothing (the single
/// writer found the refusal before its first write), so the others still commit.
async fn commit_together(
    writer: &Writer,
    batch: &[(SaveJob, Reply)],
) -> Result<Vec<Refusable<Vec<SaveOutcome>>>> {
    let mut tx = writer.begin().await?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for (job, _) in batch {
        outcomes.push(save_in(&mut tx, writer.backend(), job).await?);
    }
    tx.commit().await?;
    Ok(outcomes)
}
