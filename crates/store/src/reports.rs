//! Reports: their fields, versioned saves, and immutable numbered submissions.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use tertial_domain::report::Fields;
use tertial_domain::{
    AuditAction, Body, BodyId, Field, FieldValue, FollowUp, NewAuditEntry, Problem, Report,
    ReportId, ReportStatus, Round, RoundId, StoredField, Submission, SubmittedContent, Timestamp,
    UserId,
};

use crate::followups::body_with_id_column;
use crate::rounds::round_from_columns;
use crate::{Result, Store, audit, corrupt, millis, stored_precision, timestamp};

/// A report with the body it belongs to, for overviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOverview {
    pub report: Report,
    pub body: Body,
}

/// What became of one field's save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Saved as this new version.
    Saved { version: i64, at: Timestamp },
    /// Someone saved a newer version since the one the save started from; nothing was
    /// overwritten. This is the version now stored.
    Conflict(StoredField),
}

/// What became of a submission attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    Submitted(Submission),
    /// The report is not complete; nothing changed.
    Incomplete(Vec<Problem>),
    /// The report is not open for changes (already submitted, or approved).
    NotEditable(ReportStatus),
    /// The round closed.
    RoundClosed,
}

impl Store {
    pub async fn report(&self, id: ReportId) -> Result<Option<Report>> {
        let row = sqlx::query(
            "SELECT r.id, r.round_id, r.body_id, r.status, r.updated_at, r.submitted_at
             FROM reports r WHERE r.id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    /// A report with its round, body and follow-up, in one query: every request about a
    /// report needs them.
    pub async fn report_in_context(
        &self,
        id: ReportId,
    ) -> Result<Option<(Report, Round, Body, FollowUp)>> {
        let row = sqlx::query(
            "SELECT r.id, r.round_id, r.body_id, r.status, r.updated_at, r.submitted_at,
                    o.follow_up_id, o.period, o.year, o.deadline, o.status AS round_status,
                    b.name, b.short_name, b.kind, b.active, f.title, f.purpose
             FROM reports r
             JOIN rounds o ON o.id = r.round_id
             JOIN bodies b ON b.id = r.body_id
             JOIN follow_ups f ON f.id = o.follow_up_id
             WHERE r.id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let report = report_from_row(&row)?;
        let round = round_from_columns(&row, "round_id", "round_status")?;
        let body = body_with_id_column(&row, "body_id")?;
        let follow_up = FollowUp {
            id: round.follow_up_id,
            title: row.try_get("title")?,
            purpose: row.try_get("purpose")?,
        };
        Ok(Some((report, round, body, follow_up)))
    }

    /// Every report of a round with its body, in body order.
    pub async fn round_overview(&self, round: RoundId) -> Result<Vec<ReportOverview>> {
        let rows = sqlx::query(
            "SELECT r.id, r.round_id, r.body_id, r.status, r.updated_at, r.submitted_at,
                    b.name, b.short_name, b.kind, b.active
             FROM reports r JOIN bodies b ON b.id = r.body_id
             WHERE r.round_id = $1 ORDER BY b.id",
        )
        .bind(round.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(overview_from_row).collect()
    }

    /// Every report of one body, newest round first.
    pub async fn reports_of_body(&self, body: BodyId) -> Result<Vec<ReportOverview>> {
        let rows = sqlx::query(
            "SELECT r.id, r.round_id, r.body_id, r.status, r.updated_at, r.submitted_at,
                    b.name, b.short_name, b.kind, b.active
             FROM reports r JOIN bodies b ON b.id = r.body_id
             WHERE r.body_id = $1 ORDER BY r.round_id DESC",
        )
        .bind(body.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(overview_from_row).collect()
    }

    /// The report's fields as saved now. Drafts: only for the body's own reporters.
    pub async fn fields(&self, report: ReportId) -> Result<Vec<StoredField>> {
        let rows = sqlx::query(
            "SELECT field, text, not_applicable, version, updated_at FROM answers
             WHERE report_id = $1",
        )
        .bind(report.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(field_from_row).collect()
    }

    /// Saves fields of a report, each only if its stored version is still the one the
    /// change started from (`base_version`, 0 for a field never saved). Fields whose version
    /// moved on are left alone and come back as conflicts. Returns `None` if the report
    /// does not exist or is not open for changes.
    pub async fn save_fields(
        &self,
        report: ReportId,
        changes: &[(Field, FieldValue, i64)],
        by: UserId,
        at: Timestamp,
    ) -> Result<Option<Vec<SaveOutcome>>> {
        let job = SaveJob {
            report,
            changes: changes.to_vec(),
            by,
            at: stored_precision(at)?,
        };
        match &self.group_commit {
            Some(group) => group.save(job).await,
            None => save_alone(&self.write, &job).await,
        }
    }

    /// Submits a report: under the report's lock, reads its fields, lets `freeze` check and
    /// freeze them, and stores the result as the next numbered submission.
    pub async fn submit(
        &self,
        report: ReportId,
        by: UserId,
        at: Timestamp,
        late: bool,
        freeze: impl FnOnce(&Fields) -> Result<SubmittedContent, Vec<Problem>>,
    ) -> Result<Option<SubmitOutcome>> {
        let at = stored_precision(at)?;
        let mut tx = self.begin().await?;
        let status = match lock_report(&mut tx, report).await? {
            None => return Ok(None),
            Some(status) if !status.editable() => {
                return Ok(Some(SubmitOutcome::NotEditable(status)));
            }
            Some(status) => status,
        };
        if !is_editable(&mut tx, report).await? {
            return Ok(Some(SubmitOutcome::RoundClosed));
        }
        let fields: Fields = sqlx::query(
            "SELECT field, text, not_applicable, version, updated_at FROM answers
             WHERE report_id = $1",
        )
        .bind(report.0)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| field_from_row(row).map(|f| (f.field, f.value)))
        .collect::<Result<_>>()?;
        let content = match freeze(&fields) {
            Ok(content) => content,
            Err(problems) => return Ok(Some(SubmitOutcome::Incomplete(problems))),
        };
        let number: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM submissions WHERE report_id = $1",
        )
        .bind(report.0)
        .fetch_one(&mut *tx)
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
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE reports SET status = 'submitted', updated_at = $1, submitted_at = $1
             WHERE id = $2",
        )
        .bind(millis(at))
        .bind(report.0)
        .execute(&mut *tx)
        .await?;
        let entry = NewAuditEntry::new(
            Some(by),
            AuditAction::ReportSubmitted,
            format!("report:{report}"),
        )
        .with_detail(format!(
            "version={number} late={late} was={}",
            status.code()
        ));
        audit::append(&mut tx, &entry, at).await?;
        tx.commit().await?;
        let name = self.user_name(by).await?;
        Ok(Some(SubmitOutcome::Submitted(Submission {
            report_id: report,
            number,
            submitted_at: at,
            submitted_by: by,
            submitted_by_name: name,
            late,
            content,
        })))
    }

    /// A report's submissions, oldest first.
    pub async fn submissions(&self, report: ReportId) -> Result<Vec<Submission>> {
        let rows = sqlx::query(
            "SELECT s.report_id, s.number, s.submitted_at, s.submitted_by, s.late, s.content,
                    u.name
             FROM submissions s JOIN users u ON u.id = s.submitted_by
             WHERE s.report_id = $1 ORDER BY s.number",
        )
        .bind(report.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(submission_from_row).collect()
    }

    async fn user_name(&self, user: UserId) -> Result<String> {
        Ok(sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_one(&self.read)
            .await?)
    }
}

/// A save of some fields of one report, as [`Store::save_fields`] takes it.
#[derive(Debug, Clone)]
pub(crate) struct SaveJob {
    pub report: ReportId,
    pub changes: Vec<(Field, FieldValue, i64)>,
    pub by: UserId,
    pub at: Timestamp,
}

/// Runs a save in a transaction of its own.
pub(crate) async fn save_alone(pool: &AnyPool, job: &SaveJob) -> Result<Option<Vec<SaveOutcome>>> {
    let mut tx = pool.begin().await?;
    let outcomes = save_in(&mut tx, job).await?;
    if outcomes.is_some() {
        tx.commit().await?;
    }
    Ok(outcomes)
}

/// Runs a save inside a transaction the caller commits: saves each field against its base
/// version if the report is editable, records each save or conflict in the audit log, and
/// marks the report as a draft changed now. Three statements a field on the way that
/// matters; the reasons for a refusal are only looked up when there is one.
///
/// `None` means the report is not editable and the caller must roll back. Under SQLite's
/// single writer that can only be found before anything was written; on PostgreSQL a
/// submission committed between two statements is caught by the last one.
pub(crate) async fn save_in(
    conn: &mut AnyConnection,
    job: &SaveJob,
) -> Result<Option<Vec<SaveOutcome>>> {
    let SaveJob { report, by, at, .. } = *job;
    let mut outcomes = Vec::with_capacity(job.changes.len());
    for (field, value, base_version) in &job.changes {
        let Some(outcome) = save_one(conn, report, field, value, *base_version, by, at).await?
        else {
            return Ok(None);
        };
        let (action, version) = match &outcome {
            SaveOutcome::Saved { version, .. } => (AuditAction::AnswerSaved, *version),
            SaveOutcome::Conflict(current) => (AuditAction::SaveConflict, current.version),
        };
        let entry = NewAuditEntry::new(Some(by), action, format!("report:{report}"))
            .with_detail(format!("field={} version={version}", field.code()));
        audit::append(conn, &entry, at).await?;
        outcomes.push(outcome);
    }
    if outcomes
        .iter()
        .any(|o| matches!(o, SaveOutcome::Saved { .. }))
    {
        // The statuses listed here and below are those of `ReportStatus::editable`.
        let touched = sqlx::query(
            "UPDATE reports SET status = 'draft', updated_at = $1
             WHERE id = $2 AND status IN ('not_started', 'draft', 'returned')
               AND EXISTS (SELECT 1 FROM rounds o WHERE o.id = reports.round_id
                           AND o.status = 'open')",
        )
        .bind(millis(at))
        .bind(report.0)
        .execute(&mut *conn)
        .await?;
        if touched.rows_affected() == 0 {
            return Ok(None);
        }
    }
    Ok(Some(outcomes))
}

/// Whether the report can be changed now: its status allows it and its round is open.
async fn is_editable(conn: &mut AnyConnection, report: ReportId) -> Result<bool> {
    let row = sqlx::query(
        "SELECT r.status, o.status AS round_status FROM reports r
         JOIN rounds o ON o.id = r.round_id WHERE r.id = $1",
    )
    .bind(report.0)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(false) };
    let status = ReportStatus::from_code(row.try_get("status")?).map_err(corrupt)?;
    let round_open = row.try_get::<String, _>("round_status")? == "open";
    Ok(status.editable() && round_open)
}

/// Locks the report's row for the rest of the transaction (on PostgreSQL; SQLite's single
/// writer is lock enough) and returns its status.
async fn lock_report(conn: &mut AnyConnection, report: ReportId) -> Result<Option<ReportStatus>> {
    let status: Option<String> =
        sqlx::query_scalar("UPDATE reports SET status = status WHERE id = $1 RETURNING status")
            .bind(report.0)
            .fetch_optional(&mut *conn)
            .await?;
    status
        .map(|s| ReportStatus::from_code(&s).map_err(corrupt))
        .transpose()
}

/// Saves one field if its version is still `base_version` and the report is editable.
/// `None`: the report is not editable.
async fn save_one(
    conn: &mut AnyConnection,
    report: ReportId,
    field: &Field,
    value: &FieldValue,
    base_version: i64,
    by: UserId,
    at: Timestamp,
) -> Result<Option<SaveOutcome>> {
    let saved: Option<i64> = if base_version == 0 {
        sqlx::query_scalar(
            "INSERT INTO answers
             (report_id, field, text, not_applicable, version, updated_at, updated_by)
             SELECT $1, $2, $3, $4, 1, $5, $6
             WHERE EXISTS (SELECT 1 FROM reports r JOIN rounds o ON o.id = r.round_id
                           WHERE r.id = $1 AND o.status = 'open'
                             AND r.status IN ('not_started', 'draft', 'returned'))
             ON CONFLICT (report_id, field) DO NOTHING RETURNING version",
        )
        .bind(report.0)
        .bind(field.code())
        .bind(value.text.as_str())
        .bind(i64::from(value.not_applicable))
        .bind(millis(at))
        .bind(by.0)
        .fetch_optional(&mut *conn)
        .await?
    } else {
        sqlx::query_scalar(
            "UPDATE answers SET text = $1, not_applicable = $2, version = version + 1,
                    updated_at = $3, updated_by = $4
             WHERE report_id = $5 AND field = $6 AND version = $7
               AND EXISTS (SELECT 1 FROM reports r JOIN rounds o ON o.id = r.round_id
                           WHERE r.id = $5 AND o.status = 'open'
                             AND r.status IN ('not_started', 'draft', 'returned'))
             RETURNING version",
        )
        .bind(value.text.as_str())
        .bind(i64::from(value.not_applicable))
        .bind(millis(at))
        .bind(by.0)
        .bind(report.0)
        .bind(field.code())
        .bind(base_version)
        .fetch_optional(&mut *conn)
        .await?
    };
    if let Some(version) = saved {
        return Ok(Some(SaveOutcome::Saved { version, at }));
    }
    if !is_editable(conn, report).await? {
        return Ok(None);
    }
    let current = sqlx::query(
        "SELECT field, text, not_applicable, version, updated_at FROM answers
         WHERE report_id = $1 AND field = $2",
    )
    .bind(report.0)
    .bind(field.code())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(Some(SaveOutcome::Conflict(match current {
        Some(row) => field_from_row(&row)?,
        // A base version for a field that was never saved: the client is confused; show it
        // the empty field as the current one.
        None => StoredField {
            field: field.clone(),
            value: FieldValue::default(),
            version: 0,
            updated_at: at,
        },
    })))
}

fn report_from_row(row: &AnyRow) -> Result<Report> {
    Ok(Report {
        id: ReportId(row.try_get("id")?),
        round_id: RoundId(row.try_get("round_id")?),
        body_id: BodyId(row.try_get("body_id")?),
        status: ReportStatus::from_code(row.try_get("status")?).map_err(corrupt)?,
        updated_at: row
            .try_get::<Option<i64>, _>("updated_at")?
            .map(timestamp)
            .transpose()?,
        submitted_at: row
            .try_get::<Option<i64>, _>("submitted_at")?
            .map(timestamp)
            .transpose()?,
    })
}

fn overview_from_row(row: &AnyRow) -> Result<ReportOverview> {
    Ok(ReportOverview {
        report: report_from_row(row)?,
        body: body_with_id_column(row, "body_id")?,
    })
}

fn field_from_row(row: &AnyRow) -> Result<StoredField> {
    Ok(StoredField {
        field: Field::parse(row.try_get("field")?).map_err(corrupt)?,
        value: FieldValue {
            text: row.try_get("text")?,
            not_applicable: row.try_get::<i64, _>("not_applicable")? != 0,
        },
        version: row.try_get("version")?,
        updated_at: timestamp(row.try_get("updated_at")?)?,
    })
}

fn submission_from_row(row: &AnyRow) -> Result<Submission> {
    let content: String = row.try_get("content")?;
    Ok(Submission {
        report_id: ReportId(row.try_get("report_id")?),
        number: row.try_get("number")?,
        submitted_at: timestamp(row.try_get("submitted_at")?)?,
        submitted_by: UserId(row.try_get("submitted_by")?),
        submitted_by_name: row.try_get("name")?,
        late: row.try_get::<i64, _>("late")? != 0,
        content: serde_json::from_str(&content).map_err(corrupt)?,
    })
}
