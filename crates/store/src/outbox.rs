//! The mail outbox and the jobs table: mail is queued in the transaction of the change that
//! causes it, and claimed for sending with a lease, so that several servers on one database
//! never send the same mail at the same time. Jobs (the reminder run) are claimed the same way.
//!
//! PostgreSQL claims with `FOR UPDATE SKIP LOCKED`, so that servers claiming at once each take
//! a different row without waiting for each other; SQLite has one writer, and there a plain
//! conditional `UPDATE … RETURNING` is already exclusive.

use jiff::civil::Date;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use tertial_domain::mail::{MAX_ATTEMPTS, MailStatus};
use tertial_domain::{
    AuditAction, AuditSubject, BodyId, MailId, MailKind, NewAuditEntry, NewMail, ReportId, Role,
    Round, RoundId, RoundStatus, Timestamp, UserId, workflow,
};

use crate::rounds::round_from_columns;
use crate::{Backend, Result, Store, audit, corrupt, millis, timestamp};

/// Queues `mail` inside the caller's transaction, unless a mail with its dedup key is already
/// queued (then nothing happens, and `None` is returned). The queuing is audited in the same
/// transaction. Call it from the transaction of the change that causes the mail, so that the
/// mail is queued exactly when the change is stored.
pub(crate) async fn enqueue(
    conn: &mut AnyConnection,
    mail: &NewMail,
    at: Timestamp,
) -> Result<Option<MailId>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO outbox (recipient, subject, body, kind, dedup_key, created_at,
                             attempts, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $6)
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id",
    )
    .bind(mail.recipient.as_str())
    .bind(mail.subject.as_str())
    .bind(mail.body.as_str())
    .bind(mail.kind.code())
    .bind(mail.dedup_key.as_str())
    .bind(millis(at))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id.map(MailId) else {
        return Ok(None);
    };
    let entry = NewAuditEntry::new(None, AuditAction::MailQueued, AuditSubject::Mail(id))
        .with_detail(format!("kind={}", mail.kind.code()));
    audit::append(conn, &entry, at).await?;
    Ok(Some(id))
}

/// A mail as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRecord {
    pub id: MailId,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub kind: MailKind,
    pub created_at: Timestamp,
    pub attempts: i64,
    pub next_attempt_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub last_error: Option<String>,
}

impl MailRecord {
    pub fn status(&self) -> MailStatus {
        MailStatus::of(self.sent_at.is_some(), self.attempts)
    }
}

/// A mail claimed for sending by one worker until its lease ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedMail {
    pub id: MailId,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// This attempt's number (1 for the first).
    pub attempt: i64,
}

/// One person to remind: a reporter of a body whose report in an open round is not handed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingReporter {
    pub round: Round,
    pub follow_up: String,
    pub report: ReportId,
    pub body: BodyId,
    pub body_name: String,
    pub user: UserId,
    pub email: String,
    pub name: String,
}

const MAIL_COLUMNS: &str = "id, recipient, subject, body, kind, created_at, attempts, \
                            next_attempt_at, sent_at, last_error";

fn mail_from_row(row: &AnyRow) -> Result<MailRecord> {
    Ok(MailRecord {
        id: MailId(row.try_get("id")?),
        recipient: row.try_get("recipient")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        kind: MailKind::from_code(row.try_get("kind")?).map_err(corrupt)?,
        created_at: timestamp(row.try_get("created_at")?)?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: timestamp(row.try_get("next_attempt_at")?)?,
        sent_at: row
            .try_get::<Option<i64>, _>("sent_at")?
            .map(timestamp)
            .transpose()?,
        last_error: row.try_get("last_error")?,
    })
}

impl Store {
    /// Queues mails on their own (a job's), each once: returns the ids of those that were
    /// not queued before.
    pub async fn queue_mails(&self, mails: &[NewMail], at: Timestamp) -> Result<Vec<MailId>> {
        let mut tx = self.begin().await?;
        let mut queued = Vec::new();
        for mail in mails {
            if let Some(id) = enqueue(&mut tx, mail, at).await? {
                queued.push(id);
            }
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// The outbox, newest first: `limit` mails after skipping `offset`, and how many there
    /// are in all.
    pub async fn mails(&self, offset: i64, limit: i64) -> Result<(Vec<MailRecord>, i64)> {
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
            .fetch_one(&self.read)
            .await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {MAIL_COLUMNS} FROM outbox ORDER BY created_at DESC, id DESC
             LIMIT $1 OFFSET $2"
        )))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await?;
        let mails = rows.iter().map(mail_from_row).collect::<Result<_>>()?;
        Ok((mails, total))
    }

    /// One mail of the outbox.
    pub async fn mail(&self, id: MailId) -> Result<Option<MailRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {MAIL_COLUMNS} FROM outbox WHERE id = $1"
        )))
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(mail_from_row).transpose()
    }

    /// Claims the mail that has waited longest among those due at `now` (not sent, not given
    /// up, not claimed by a worker whose lease still runs) for `worker` until `lease_until`,
    /// counting the attempt.
    pub async fn claim_mail(
        &self,
        worker: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<ClaimedMail>> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let mut tx = self.begin().await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE outbox SET claimed_by = $1, claimed_until = $2, attempts = attempts + 1
             WHERE id = (SELECT id FROM outbox
                         WHERE sent_at IS NULL AND attempts < $4 AND next_attempt_at <= $3
                           AND (claimed_until IS NULL OR claimed_until <= $3)
                         ORDER BY next_attempt_at, id LIMIT 1 {lock})
             RETURNING id, recipient, subject, body, attempts"
        )))
        .bind(worker)
        .bind(millis(lease_until))
        .bind(millis(now))
        .bind(MAX_ATTEMPTS)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|row| {
            Ok(ClaimedMail {
                id: MailId(row.try_get("id")?),
                recipient: row.try_get("recipient")?,
                subject: row.try_get("subject")?,
                body: row.try_get("body")?,
                attempt: row.try_get("attempts")?,
            })
        })
        .transpose()
    }

    /// Marks a mail sent: the mail server accepted it. Whoever claimed it, it is never sent
    /// again. Returns whether it was still unsent.
    pub async fn mail_sent(&self, id: MailId, at: Timestamp) -> Result<bool> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE outbox SET sent_at = $2, claimed_by = NULL, claimed_until = NULL,
                               last_error = NULL
             WHERE id = $1 AND sent_at IS NULL",
        )
        .bind(id.0)
        .bind(millis(at))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if done {
            let entry = NewAuditEntry::new(None, AuditAction::MailSent, AuditSubject::Mail(id));
            audit::append(&mut tx, &entry, at).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Notes a failed attempt by `worker`: the error, and when to try again. Returns whether
    /// the worker still held the mail.
    pub async fn mail_failed(
        &self,
        id: MailId,
        worker: &str,
        error: &str,
        retry_at: Timestamp,
        at: Timestamp,
    ) -> Result<bool> {
        let error: String = error
            .chars()
            .filter(|c| !c.is_control())
            .take(1000)
            .collect();
        let mut tx = self.begin().await?;
        let attempts: Option<i64> = sqlx::query_scalar(
            "UPDATE outbox SET last_error = $3, next_attempt_at = $4, claimed_by = NULL,
                               claimed_until = NULL
             WHERE id = $1 AND claimed_by = $2 AND sent_at IS NULL RETURNING attempts",
        )
        .bind(id.0)
        .bind(worker)
        .bind(error.as_str())
        .bind(millis(retry_at))
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(attempts) = attempts {
            let entry = NewAuditEntry::new(None, AuditAction::MailFailed, AuditSubject::Mail(id))
                .with_detail(format!("attempt={attempts} error={error}"));
            audit::append(&mut tx, &entry, at).await?;
        }
        tx.commit().await?;
        Ok(attempts.is_some())
    }

    /// Claims the job `name` for `worker` until `lease_until`, if it is due at `now` and no
    /// other worker's lease runs. Returns whether this worker got it.
    pub async fn claim_job(
        &self,
        name: &str,
        worker: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<bool> {
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let mut tx = self.begin().await?;
        let claimed: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET claimed_by = $2, claimed_until = $3
             WHERE name = (SELECT name FROM jobs
                           WHERE name = $1 AND due_at <= $4
                             AND (claimed_until IS NULL OR claimed_until <= $4)
                           {lock})
             RETURNING name"
        )))
        .bind(name)
        .bind(worker)
        .bind(millis(lease_until))
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(claimed.is_some())
    }

    /// Ends `worker`'s run of the job `name`: it is next due at `next_due`.
    pub async fn job_done(
        &self,
        name: &str,
        worker: &str,
        next_due: Timestamp,
        error: Option<&str>,
        at: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE jobs SET due_at = $3, claimed_by = NULL, claimed_until = NULL,
                             last_run_at = $4, last_error = $5
             WHERE name = $1 AND claimed_by = $2",
        )
        .bind(name)
        .bind(worker)
        .bind(millis(next_due))
        .bind(millis(at))
        .bind(error)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The reporters to remind: every active reporter of every body whose report in an open
    /// round due on or before `deadline_by` is not handed in.
    pub async fn pending_reporters(&self, deadline_by: Date) -> Result<Vec<PendingReporter>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{REPORTERS} WHERE r.status = $1 AND r.deadline <= $2 AND rep.status NOT IN ($3, $4)
               AND u.role = $5 AND u.active = 1
             ORDER BY r.id, b.id, u.id"
        )))
        .bind(RoundStatus::Open.code())
        .bind(deadline_by.to_string())
        .bind(workflow::HANDED_IN[0].code())
        .bind(workflow::HANDED_IN[1].code())
        .bind(Role::Reporter.code())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(reporter_from_row).collect()
    }

    /// The active reporters of every body with a report in `round` (whom an invitation goes
    /// to), read outside any transaction.
    pub async fn reporters_in_round(&self, round: RoundId) -> Result<Vec<PendingReporter>> {
        let mut conn = self.read.acquire().await?;
        reporters_of(&mut conn, round, None).await
    }
}

/// The columns of [`PendingReporter`], joined from a round down to the bodies' reporters.
const REPORTERS: &str = "SELECT r.id AS round_id, r.follow_up_id, r.period, r.year, r.deadline,
        r.status AS round_status, f.title, rep.id AS report_id,
        b.id AS body_id, b.name AS body_name,
        u.id AS user_id, u.email, u.name AS user_name
     FROM rounds r
     JOIN follow_ups f ON f.id = r.follow_up_id
     JOIN reports rep ON rep.round_id = r.id
     JOIN bodies b ON b.id = rep.body_id
     JOIN user_bodies ub ON ub.body_id = b.id
     JOIN users u ON u.id = ub.user_id";

/// The active reporters of the bodies with a report in `round` (or only of `report`'s
/// body), inside the caller's transaction: whom an invitation (a round opened), a returned
/// or an approved report's notice goes to. Queue each mail with [`enqueue`] in the same
/// transaction.
pub(crate) async fn reporters_of(
    conn: &mut AnyConnection,
    round: RoundId,
    report: Option<ReportId>,
) -> Result<Vec<PendingReporter>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{REPORTERS} WHERE r.id = $1 AND ($2 = 0 OR rep.id = $2) AND u.role = $3 AND u.active = 1
         ORDER BY b.id, u.id"
    )))
    .bind(round.0)
    .bind(report.map_or(0, |r| r.0))
    .bind(Role::Reporter.code())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(reporter_from_row).collect()
}

fn reporter_from_row(row: &AnyRow) -> Result<PendingReporter> {
    Ok(PendingReporter {
        round: round_from_columns(row, "round_id", "round_status")?,
        follow_up: row.try_get("title")?,
        report: ReportId(row.try_get("report_id")?),
        body: BodyId(row.try_get("body_id")?),
        body_name: row.try_get("body_name")?,
        user: UserId(row.try_get("user_id")?),
        email: row.try_get("email")?,
        name: row.try_get("user_name")?,
    })
}
