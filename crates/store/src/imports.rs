//! Forms brought in from files: the previews waiting to be confirmed (`pending_imports`),
//! confirming one into a draft through the ordinary save, and historic versions stored as
//! submitted and marked imported (`imported_versions`, append-only).

use sqlx::Row;
use tertial_domain::import::{ImportContent, ImportKind};
use tertial_domain::{
    DraftAccess, Field, FieldValue, HistoricImportAccess, NewAuditEntry, ReportId, ReportStatus,
    SaveOutcome, SubmissionAccess, SubmittedContent, Timestamp, UserId, workflow,
};

use crate::saves::{Refusable, SaveJob, save_in};
use crate::{
    Result, Store, StoreError, audit, corrupt, millis, search, stored_precision, timestamp,
};

/// A file read and shown as a preview, waiting to be confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingImport {
    pub id: i64,
    pub report: ReportId,
    pub kind: ImportKind,
    pub file_name: String,
    pub sha256: String,
    pub content: ImportContent,
    pub created_at: Timestamp,
}

/// A new preview to keep.
#[derive(Debug, Clone)]
pub struct NewPendingImport<'a> {
    pub report: ReportId,
    pub by: UserId,
    pub kind: ImportKind,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub content: &'a ImportContent,
    pub expires_at: Timestamp,
}

/// A submitted version that came from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedVersion {
    pub number: i64,
    pub file_name: String,
    pub sha256: String,
    /// Who imported it; `None`: the command line.
    pub imported_by: Option<String>,
    pub imported_at: Timestamp,
}

/// The account a version imported from the command line is submitted by: submissions name
/// an account, and the command line is none. It is a reader's, inactive and without a
/// password, so it can never sign in or see anything; the audit log names no actor.
const COMMAND_LINE_EMAIL: &str = "kommandoraden@tertial.invalid";
const COMMAND_LINE_NAME: &str = "Import från kommandoraden";

impl Store {
    /// Keeps a preview for `by` (replacing their earlier previews of the same report, and
    /// dropping everyone's expired ones); returns its id.
    pub async fn keep_pending_import(
        &self,
        pending: &NewPendingImport<'_>,
        at: Timestamp,
    ) -> Result<i64> {
        let json = serde_json::to_string(pending.content).map_err(corrupt)?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "DELETE FROM pending_imports
             WHERE expires_at <= $1 OR (report_id = $2 AND user_id = $3)",
        )
        .bind(millis(at))
        .bind(pending.report.0)
        .bind(pending.by.0)
        .execute(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO pending_imports
             (report_id, user_id, kind, file_name, sha256, content, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(pending.report.0)
        .bind(pending.by.0)
        .bind(pending.kind.code())
        .bind(pending.file_name)
        .bind(pending.sha256)
        .bind(json)
        .bind(millis(at))
        .bind(millis(pending.expires_at))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The preview `id` of `report`, if it is `by`'s, of `kind` and not expired at `now`.
    pub async fn pending_import(
        &self,
        id: i64,
        report: ReportId,
        by: UserId,
        kind: ImportKind,
        now: Timestamp,
    ) -> Result<Option<PendingImport>> {
        let row = sqlx::query(
            "SELECT id, report_id, kind, file_name, sha256, content, created_at
             FROM pending_imports
             WHERE id = $1 AND report_id = $2 AND user_id = $3 AND kind = $4
               AND expires_at > $5",
        )
        .bind(id)
        .bind(report.0)
        .bind(by.0)
        .bind(kind.code())
        .bind(millis(now))
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(PendingImport {
            id: row.try_get("id")?,
            report: ReportId(row.try_get("report_id")?),
            kind: ImportKind::from_code(row.try_get("kind")?)
                .ok_or_else(|| corrupt("import kind"))?,
            file_name: row.try_get("file_name")?,
            sha256: row.try_get("sha256")?,
            content: serde_json::from_str(row.try_get("content")?).map_err(corrupt)?,
            created_at: timestamp(row.try_get("created_at")?)?,
        }))
    }

    /// Confirms a preview into the draft: saves `changes` exactly as the form's save does
    /// (each against its base version, so an edit made since the preview is a conflict, not
    /// overwritten; each save audited), records the import itself, and removes the preview,
    /// all in one transaction. `None`: the preview is gone (confirmed already, or expired).
    pub async fn apply_import(
        &self,
        access: &DraftAccess,
        pending: &PendingImport,
        changes: &[(Field, FieldValue, i64)],
        at: Timestamp,
    ) -> Result<Refusable<Option<Vec<SaveOutcome>>>> {
        let at = stored_precision(at)?;
        let mut tx = self.begin().await?;
        // Claimed by deleting it: a second confirmation (another tab, a retry) finds none.
        let claimed = sqlx::query(
            "DELETE FROM pending_imports
             WHERE id = $1 AND report_id = $2 AND user_id = $3 AND expires_at > $4",
        )
        .bind(pending.id)
        .bind(access.report().0)
        .bind(access.by().0)
        .bind(millis(at))
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(Ok(None));
        }
        let job = SaveJob {
            access: access.clone(),
            changes: changes.to_vec(),
            at,
        };
        let outcomes = match save_in(&mut tx, self.backend, &job).await? {
            Ok(outcomes) => outcomes,
            Err(refusal) => {
                tx.rollback().await?;
                return Ok(Err(refusal));
            }
        };
        let conflicts = outcomes
            .iter()
            .filter(|o| matches!(o, SaveOutcome::Conflict(_)))
            .count();
        let entry = NewAuditEntry::form_imported(
            access.by(),
            access.report(),
            &pending.file_name,
            &pending.sha256,
            outcomes.len() - conflicts,
            conflicts,
        );
        audit::append(&mut tx, &entry, at).await?;
        tx.commit().await?;
        Ok(Ok(Some(outcomes)))
    }

    /// Stores `content` as the report's next submitted version, marked imported from
    /// `file_name` (with its checksum, who and when), and records it in the audit log, in
    /// one transaction; removes the preview `pending` if one was confirmed. The report
    /// counts as submitted (an approved one stays approved). Its draft is neither read nor
    /// changed. Returns the version's number, or `None` if the preview is gone.
    pub async fn import_version(
        &self,
        access: &HistoricImportAccess,
        content: &SubmittedContent,
        file_name: &str,
        sha256: &str,
        pending: Option<i64>,
        at: Timestamp,
    ) -> Result<Option<i64>> {
        let at = stored_precision(at)?;
        let report = access.report();
        let mut tx = self.begin().await?;
        if let Some(id) = pending {
            let claimed = sqlx::query(
                "DELETE FROM pending_imports WHERE id = $1 AND report_id = $2 AND expires_at > $3",
            )
            .bind(id)
            .bind(report.0)
            .bind(millis(at))
            .execute(&mut *tx)
            .await?;
            if claimed.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(None);
            }
        }
        // The report's row lock (PostgreSQL) makes this and a submission take turns.
        let status: Option<String> =
            sqlx::query_scalar("UPDATE reports SET status = status WHERE id = $1 RETURNING status")
                .bind(report.0)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(status) = status else {
            tx.rollback().await?;
            return Ok(None);
        };
        let was = ReportStatus::from_code(&status).map_err(corrupt)?;
        let now = workflow::SUBMIT.apply(was).unwrap_or(was);
        let submitted_by = match access.by() {
            Some(user) => user,
            None => command_line_account(&mut tx, at).await?,
        };
        let number: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM submissions WHERE report_id = $1",
        )
        .bind(report.0)
        .fetch_one(&mut *tx)
        .await?;
        let json = serde_json::to_string(content).map_err(corrupt)?;
        sqlx::query(
            "INSERT INTO submissions (report_id, number, submitted_at, submitted_by, late, content)
             VALUES ($1, $2, $3, $4, 0, $5)",
        )
        .bind(report.0)
        .bind(number)
        .bind(millis(at))
        .bind(submitted_by.0)
        .bind(json)
        .execute(&mut *tx)
        .await?;
        search::index_submission(&mut tx, self.backend, report, number, at, content).await?;
        sqlx::query(
            "INSERT INTO imported_versions
             (report_id, number, file_name, sha256, imported_by, imported_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(report.0)
        .bind(number)
        .bind(file_name)
        .bind(sha256)
        .bind(access.by().map(|u| u.0))
        .bind(millis(at))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE reports SET status = $1, updated_at = $2, submitted_at = $2
             WHERE id = $3 AND status = $4",
        )
        .bind(now.code())
        .bind(millis(at))
        .bind(report.0)
        .bind(was.code())
        .execute(&mut *tx)
        .await?;
        let entry = NewAuditEntry::version_imported(access.by(), report, number, file_name, sha256);
        audit::append(&mut tx, &entry, at).await?;
        tx.commit().await?;
        Ok(Some(number))
    }

    /// Which of a report's submitted versions were imported from files, oldest first.
    pub async fn imported_versions(
        &self,
        access: &SubmissionAccess,
    ) -> Result<Vec<ImportedVersion>> {
        let rows = sqlx::query(
            "SELECT i.number, i.file_name, i.sha256, u.name, i.imported_at
             FROM imported_versions i LEFT JOIN users u ON u.id = i.imported_by
             WHERE i.report_id = $1 ORDER BY i.number",
        )
        .bind(access.report().0)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ImportedVersion {
                    number: row.try_get("number")?,
                    file_name: row.try_get("file_name")?,
                    sha256: row.try_get("sha256")?,
                    imported_by: row.try_get("name")?,
                    imported_at: timestamp(row.try_get("imported_at")?)?,
                })
            })
            .collect()
    }
}

/// The command line's account (see [`COMMAND_LINE_EMAIL`]), made the first time it is needed.
async fn command_line_account(conn: &mut sqlx::AnyConnection, at: Timestamp) -> Result<UserId> {
    sqlx::query(
        "INSERT INTO users (email, name, role, password_hash, active, created_at)
         VALUES ($1, $2, $3, NULL, 0, $4) ON CONFLICT (email) DO NOTHING",
    )
    .bind(COMMAND_LINE_EMAIL)
    .bind(COMMAND_LINE_NAME)
    .bind(tertial_domain::Role::Reader.code())
    .bind(millis(at))
    .execute(&mut *conn)
    .await?;
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(COMMAND_LINE_EMAIL)
        .fetch_optional(&mut *conn)
        .await?;
    id.map(UserId)
        .ok_or_else(|| StoreError::Corrupt("the command line's account".into()))
}
