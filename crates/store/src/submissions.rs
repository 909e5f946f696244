//! Submitting a report: an immutable, numbered version, frozen under the report's lock, on
//! its own or together with the last changes in one transaction.

use tertial_domain::report::Fields;
use tertial_domain::{
    DraftAccess, Field, FieldValue, NewAuditEntry, NewMail, Problem, ReportStatus, SaveOutcome,
    Submission, SubmittedContent, Timestamp, workflow,
};

use crate::reports::field_from_row;
use crate::saves::{Refusable, SaveJob, guard, save_in};
use crate::{
    Backend, Result, Store, audit, bind_transition, corrupt, millis, outbox, search,
    stored_precision,
};

/// What became of a submission attempt that was not refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    Submitted(Submission),
    /// The report is not complete; nothing was submitted.
    Incomplete(Vec<Problem>),
}

/// What became of saving the last changes and submitting, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedAndSubmitted {
    /// One outcome per change, in order.
    pub saves: Vec<SaveOutcome>,
    /// `None` when a change met a colleague's newer save: the other changes are saved, and
    /// nothing was submitted, so the person can compare first.
    pub submit: Option<SubmitOutcome>,
}

/// Checks and freezes a report's fields into what is submitted, or says what is missing.
pub type Freeze<'a> = &'a (dyn Fn(&Fields) -> Result<SubmittedContent, Vec<Problem>> + Sync);

/// Writes the receipt of a submission to the submitter, given their e-mail address; it is
/// queued in the outbox in the submission's own transaction. `None` queues none (the demo's
/// load, which is nobody's action).
pub type Receipt<'a> = Option<&'a (dyn Fn(&Submission, &str) -> NewMail + Sync)>;

impl Store {
    /// Submits a report: under the report's lock, reads its fields, lets `freeze` check and
    /// freeze them, and stores the result as the next numbered submission.
    pub async fn submit(
        &self,
        access: &DraftAccess,
        at: Timestamp,
        late: bool,
        freeze: Freeze<'_>,
        receipt: Receipt<'_>,
    ) -> Result<Refusable<SubmitOutcome>> {
        let at = stored_precision(at)?;
        let mut tx = self.begin().await?;
        let outcome = submit_in(&mut tx, self.backend, access, at, late, freeze, receipt).await?;
        match outcome {
            Ok(SubmitOutcome::Submitted(_)) => tx.commit().await?,
            _ => tx.rollback().await?,
        }
        Ok(outcome)
    }

    /// Saves `changes` as [`Store::save_fields`] does and then submits, in one transaction:
    /// either the changes are in the submission, or (refused) nothing is stored at all. If
    /// the submission finds the report incomplete, the changes are kept.
    pub async fn save_and_submit(
        &self,
        access: &DraftAccess,
        changes: &[(Field, FieldValue, i64)],
        at: Timestamp,
        late: bool,
        freeze: Freeze<'_>,
        receipt: Receipt<'_>,
    ) -> Result<Refusable<SavedAndSubmitted>> {
        let at = stored_precision(at)?;
        let job = SaveJob {
            access: access.clone(),
            changes: changes.to_vec(),
            at,
        };
        let mut tx = self.begin().await?;
        let saves = match save_in(&mut tx, self.backend, &job).await? {
            Ok(saves) => saves,
            Err(refusal) => {
                tx.rollback().await?;
                return Ok(Err(refusal));
            }
        };
        if saves.iter().any(|s| matches!(s, SaveOutcome::Conflict(_))) {
            tx.commit().await?;
            return Ok(Ok(SavedAndSubmitted {
                saves,
                submit: None,
            }));
        }
        match submit_in(&mut tx, self.backend, access, at, late, freeze, receipt).await? {
            Ok(submit) => {
                tx.commit().await?;
                Ok(Ok(SavedAndSubmitted {
                    saves,
                    submit: Some(submit),
                }))
            }
            Err(refusal) => {
                tx.rollback().await?;
                Ok(Err(refusal))
            }
        }
    }
}

/// Submits inside a transaction the caller ends: commits on `Submitted`, and otherwise may
/// roll back (nothing was written).
async fn submit_in(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    access: &DraftAccess,
    at: Timestamp,
    late: bool,
    freeze: Freeze<'_>,
    receipt: Receipt<'_>,
) -> Result<Refusable<SubmitOutcome>> {
    if let Err(refusal) = guard(conn, backend, access, at).await? {
        return Ok(Err(refusal));
    }
    let (report, by) = (access.report(), access.by());
    // The report's row lock (on PostgreSQL) makes concurrent submissions take turns: the
    // second sees the first's status and is refused.
    let status: Option<String> =
        sqlx::query_scalar("UPDATE reports SET status = status WHERE id = $1 RETURNING status")
            .bind(report.0)
            .fetch_optional(&mut *conn)
            .await?;
    let status = ReportStatus::from_code(status.as_deref().unwrap_or_default()).map_err(corrupt)?;
    if let Err(status) = workflow::SUBMIT.apply(status) {
        return Ok(Err(crate::Refusal::NotEditable(status)));
    }
    let fields: Fields = sqlx::query(
        "SELECT field, text, not_applicable, version, updated_at FROM answers
         WHERE report_id = $1",
    )
    .bind(report.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| field_from_row(row).map(|f| (f.field, f.value)))
    .collect::<Result<_>>()?;
    let content = match freeze(&fields) {
        Ok(content) => content,
        Err(problems) => return Ok(Ok(SubmitOutcome::Incomplete(problems))),
    };
    let number: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM submissions WHERE report_id = $1",
    )
    .bind(report.0)
    .fetch_one(&mut *conn)
    .await?;
    let json = serde_json::to_string(&content).map_err(corrupt)?;
    sqlx::query(
        "INSERT INTO submissions (report_id, number, submitted_at, submitted_by, late, content)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(report.0)
    .bind(number)
    .bind(millis(at))
    .bind(by.0)
    .bind(i64::from(late))
    .bind(json)
    .execute(&mut *conn)
    .await?;
    search::index_submission(conn, backend, report, number, at, &content).await?;
    let update = sqlx::query(
        "UPDATE reports SET status = $3, updated_at = $1, submitted_at = $1
         WHERE id = $2 AND status IN ($4, $5, $6)",
    )
    .bind(millis(at))
    .bind(report.0);
    let submitted = bind_transition(update, &workflow::SUBMIT, ReportStatus::code)
        .execute(&mut *conn)
        .await?;
    // The row lock taken above decided it; a report no longer submittable here would be a
    // bug, and the caller rolls the version back.
    if submitted.rows_affected() != 1 {
        return Ok(Err(crate::Refusal::NotEditable(status)));
    }
    let entry = NewAuditEntry::submitted(by, report, number, late, status);
    audit::append(conn, &entry, at).await?;
    let (name, email): (String, String) =
        sqlx::query_as("SELECT name, email FROM users WHERE id = $1")
            .bind(by.0)
            .fetch_one(&mut *conn)
            .await?;
    let submission = Submission {
        report_id: report,
        number,
        submitted_at: at,
        submitted_by: by,
        submitted_by_name: name,
        late,
        content,
    };
    if let Some(receipt) = receipt {
        outbox::enqueue(conn, &receipt(&submission, &email), at).await?;
    }
    Ok(Ok(SubmitOutcome::Submitted(submission)))
}
