//! The coordinator's reviews of submitted versions (return for completion, approve) and the
//! bodies' requests to reopen a submitted report. Each change is one transaction: the
//! report's status (through its workflow transition), what is stored about it, and the
//! audit entry.

use sqlx::Row;
use sqlx::any::AnyRow;
use tertial_domain::review::{
    AnswerComment, NewReview, ReopenDecision, ReopenOutcome, ReopenRequest, Review, ReviewDecision,
};
use tertial_domain::{
    DraftAccess, NewAuditEntry, NewMail, QuestionKey, ReportId, ReportStatus, ReviewAccess,
    RoundId, SubmissionAccess, Timestamp, Transition, UserId, workflow,
};

use crate::outbox::PendingReporter;
use crate::{Result, Store, audit, bind_transition, corrupt, millis, outbox, timestamp};

/// Why a review or a request was not stored; nothing was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewRefusal {
    /// The report is not submitted (any more): its status now.
    NotSubmitted(ReportStatus),
    /// A newer version was submitted than the one the decision was about.
    NotLatest { latest: i64 },
    /// No unanswered request with that id on this report.
    NoOpenRequest,
    /// The body already has a request waiting for an answer.
    AlreadyAsked,
}

/// The outcome of a review or a request: stored, or refused with nothing stored.
pub type Reviewed<T = ()> = std::result::Result<T, ReviewRefusal>;

impl Store {
    /// Returns or approves the report's latest submitted version, as `review` says: its
    /// status moves by [`workflow::RETURN`] or [`workflow::APPROVE`], and the review and its
    /// answer comments are stored with the version and audited, in one transaction.
    pub async fn review(
        &self,
        access: &ReviewAccess,
        review: &NewReview,
        at: Timestamp,
        notice: &(dyn Fn(&PendingReporter) -> NewMail + Sync),
    ) -> Result<Reviewed> {
        let report = access.report();
        let transition = match review.decision {
            ReviewDecision::Return => &workflow::RETURN,
            ReviewDecision::Approve => &workflow::APPROVE,
        };
        let mut tx = self.begin().await?;
        if let Err(refusal) = check_latest(&mut tx, report, review.submission, transition).await? {
            tx.rollback().await?;
            return Ok(Err(refusal));
        }
        move_status(&mut tx, report, transition).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reviews
             (report_id, submission, decision, comment, reviewed_by, reviewed_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(report.0)
        .bind(review.submission)
        .bind(review.decision.code())
        .bind(review.comment.as_str())
        .bind(access.by().0)
        .bind(millis(at))
        .fetch_one(&mut *tx)
        .await?;
        for comment in &review.answer_comments {
            sqlx::query(
                "INSERT INTO review_answer_comments (review_id, question_key, text)
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(comment.key.as_str())
            .bind(comment.text.as_str())
            .execute(&mut *tx)
            .await?;
        }
        audit::append(
            &mut tx,
            &NewAuditEntry::reviewed(access.by(), report, review),
            at,
        )
        .await?;
        tell_the_body(&mut tx, report, notice, at).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// A body's reporter asks to reopen the report's latest submitted version, giving
    /// `reason`. One request waits at a time. Returns the request's id.
    pub async fn ask_to_reopen(
        &self,
        access: &DraftAccess,
        submission: i64,
        reason: &str,
        at: Timestamp,
    ) -> Result<Reviewed<i64>> {
        let report = access.report();
        let mut tx = self.begin().await?;
        if let Err(refusal) = check_latest(&mut tx, report, submission, &workflow::REOPEN).await? {
            tx.rollback().await?;
            return Ok(Err(refusal));
        }
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM reopen_requests WHERE report_id = $1 AND outcome IS NULL",
        )
        .bind(report.0)
        .fetch_one(&mut *tx)
        .await?;
        if waiting > 0 {
            tx.rollback().await?;
            return Ok(Err(ReviewRefusal::AlreadyAsked));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reopen_requests (report_id, submission, reason, asked_by, asked_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(report.0)
        .bind(submission)
        .bind(reason)
        .bind(access.by().0)
        .bind(millis(at))
        .fetch_one(&mut *tx)
        .await?;
        let entry = NewAuditEntry::reopen_requested(access.by(), report, id, submission);
        audit::append(&mut tx, &entry, at).await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// Answers a waiting request to reopen: granted, the report goes back to the body by
    /// [`workflow::REOPEN`]; declined, it stays as it is. `answer` may be empty.
    pub async fn decide_reopen(
        &self,
        access: &ReviewAccess,
        request: i64,
        outcome: ReopenOutcome,
        answer: &str,
        at: Timestamp,
        notice: &(dyn Fn(&PendingReporter) -> NewMail + Sync),
    ) -> Result<Reviewed> {
        let report = access.report();
        let mut tx = self.begin().await?;
        let status = lock_report(&mut tx, report).await?;
        let answered = sqlx::query(
            "UPDATE reopen_requests SET outcome = $3, answer = $4, decided_by = $5, decided_at = $6
             WHERE id = $1 AND report_id = $2 AND outcome IS NULL",
        )
        .bind(request)
        .bind(report.0)
        .bind(outcome.code())
        .bind(answer)
        .bind(access.by().0)
        .bind(millis(at))
        .execute(&mut *tx)
        .await?;
        if answered.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(Err(ReviewRefusal::NoOpenRequest));
        }
        if outcome == ReopenOutcome::Granted {
            if let Err(status) = workflow::REOPEN.apply(status) {
                tx.rollback().await?;
                return Ok(Err(ReviewRefusal::NotSubmitted(status)));
            }
            move_status(&mut tx, report, &workflow::REOPEN).await?;
        }
        let entry = NewAuditEntry::reopen_decided(access.by(), report, request, outcome);
        audit::append(&mut tx, &entry, at).await?;
        tell_the_body(&mut tx, report, notice, at).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// The reviews of a report's submitted versions, oldest first, with their comments.
    pub async fn reviews(&self, access: &SubmissionAccess) -> Result<Vec<Review>> {
        let report = access.report();
        let rows = sqlx::query(
            "SELECT r.id, r.submission, r.decision, r.comment, r.reviewed_by, r.reviewed_at,
                    u.name
             FROM reviews r JOIN users u ON u.id = r.reviewed_by
             WHERE r.report_id = $1 ORDER BY r.id",
        )
        .bind(report.0)
        .fetch_all(&self.read)
        .await?;
        let comments = sqlx::query(
            "SELECT c.review_id, c.question_key, c.text
             FROM review_answer_comments c JOIN reviews r ON r.id = c.review_id
             WHERE r.report_id = $1",
        )
        .bind(report.0)
        .fetch_all(&self.read)
        .await?;
        let mut comments = comments
            .iter()
            .map(|row| {
                Ok((
                    row.try_get::<i64, _>("review_id")?,
                    AnswerComment {
                        key: QuestionKey::parse(row.try_get("question_key")?).map_err(corrupt)?,
                        text: row.try_get("text")?,
                    },
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("id")?;
                let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut comments)
                    .into_iter()
                    .partition(|(r, _)| *r == id);
                comments = rest;
                Ok(Review {
                    report_id: report,
                    submission: row.try_get("submission")?,
                    decision: ReviewDecision::from_code(row.try_get("decision")?)
                        .map_err(corrupt)?,
                    comment: row.try_get("comment")?,
                    answer_comments: mine.into_iter().map(|(_, c)| c).collect(),
                    by: UserId(row.try_get("reviewed_by")?),
                    by_name: row.try_get("name")?,
                    at: timestamp(row.try_get("reviewed_at")?)?,
                })
            })
            .collect()
    }

    /// A report's requests to reopen, oldest first, with their answers.
    pub async fn reopen_requests(&self, access: &SubmissionAccess) -> Result<Vec<ReopenRequest>> {
        let rows = sqlx::query(
            "SELECT q.id, q.report_id, q.submission, q.reason, q.asked_by, q.asked_at,
                    q.outcome, q.answer, q.decided_by, q.decided_at,
                    a.name AS asked_by_name, d.name AS decided_by_name
             FROM reopen_requests q
             JOIN users a ON a.id = q.asked_by
             LEFT JOIN users d ON d.id = q.decided_by
             WHERE q.report_id = $1 ORDER BY q.id",
        )
        .bind(access.report().0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(request_from_row).collect()
    }
}

/// Queues `notice` to each reporter of the report's body, in the transaction that stores
/// the decision the notice tells of: the mail goes out exactly when the decision is stored.
async fn tell_the_body(
    conn: &mut sqlx::AnyConnection,
    report: ReportId,
    notice: &(dyn Fn(&PendingReporter) -> NewMail + Sync),
    at: Timestamp,
) -> Result<()> {
    let round: i64 = sqlx::query_scalar("SELECT round_id FROM reports WHERE id = $1")
        .bind(report.0)
        .fetch_one(&mut *conn)
        .await?;
    for reporter in outbox::reporters_of(conn, RoundId(round), Some(report)).await? {
        outbox::enqueue(conn, &notice(&reporter), at).await?;
    }
    Ok(())
}

fn request_from_row(row: &AnyRow) -> Result<ReopenRequest> {
    let decision = match row.try_get::<Option<String>, _>("outcome")? {
        None => None,
        Some(outcome) => Some(ReopenDecision {
            outcome: ReopenOutcome::from_code(&outcome).map_err(corrupt)?,
            answer: row
                .try_get::<Option<String>, _>("answer")?
                .unwrap_or_default(),
            by: UserId(
                row.try_get::<Option<i64>, _>("decided_by")?
                    .ok_or_else(|| corrupt("a decision without its author"))?,
            ),
            by_name: row
                .try_get::<Option<String>, _>("decided_by_name")?
                .unwrap_or_default(),
            at: timestamp(
                row.try_get::<Option<i64>, _>("decided_at")?
                    .ok_or_else(|| corrupt("a decision without its time"))?,
            )?,
        }),
    };
    Ok(ReopenRequest {
        id: row.try_get("id")?,
        report_id: ReportId(row.try_get("report_id")?),
        submission: row.try_get("submission")?,
        reason: row.try_get("reason")?,
        asked_by: UserId(row.try_get("asked_by")?),
        asked_by_name: row.try_get("asked_by_name")?,
        asked_at: timestamp(row.try_get("asked_at")?)?,
        decision,
    })
}

/// Takes the report's row lock (on PostgreSQL; SQLite has one writer) and reads its status,
/// so that concurrent reviews, submissions and requests take turns.
async fn lock_report(conn: &mut sqlx::AnyConnection, report: ReportId) -> Result<ReportStatus> {
    let status: Option<String> =
        sqlx::query_scalar("UPDATE reports SET status = status WHERE id = $1 RETURNING status")
            .bind(report.0)
            .fetch_optional(&mut *conn)
            .await?;
    ReportStatus::from_code(status.as_deref().unwrap_or_default()).map_err(corrupt)
}

/// Whether `transition` may start from the report's status now and `submission` is its
/// latest version (a decision is about what the person saw).
async fn check_latest(
    conn: &mut sqlx::AnyConnection,
    report: ReportId,
    submission: i64,
    transition: &Transition<ReportStatus>,
) -> Result<Reviewed> {
    let status = lock_report(conn, report).await?;
    if let Err(status) = transition.apply(status) {
        return Ok(Err(ReviewRefusal::NotSubmitted(status)));
    }
    let latest: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) FROM submissions WHERE report_id = $1")
            .bind(report.0)
            .fetch_one(&mut *conn)
            .await?;
    if latest != submission {
        return Ok(Err(ReviewRefusal::NotLatest { latest }));
    }
    Ok(Ok(()))
}

/// Applies `transition` to the report, whose row the caller has locked and checked.
async fn move_status(
    conn: &mut sqlx::AnyConnection,
    report: ReportId,
    transition: &Transition<ReportStatus>,
) -> Result<()> {
    let update =
        sqlx::query("UPDATE reports SET status = $2 WHERE id = $1 AND status IN ($3, $4, $5)")
            .bind(report.0);
    let moved = bind_transition(update, transition, ReportStatus::code)
        .execute(&mut *conn)
        .await?;
    if moved.rows_affected() != 1 {
        // The row lock taken before decided it; anything else is a defect, and the caller's
        // transaction is dropped (rolled back) with this error.
        return Err(corrupt("a checked transition did not apply"));
    }
    Ok(())
}
