//! The compiled report of a round: what it is compiled from (every body's latest submitted
//! version, never a draft), the coordinator's settings and summaries, and the published
//! versions with their files.

use futures_util::TryStreamExt;
use sqlx::Row;
use tertial_domain::compiled::{CompilationSettings, Publication, Summary};
use tertial_domain::{
    Body, NewAuditEntry, ReportId, ReportStatus, RoundId, RoundReadAccess, SubmittedContent,
    Timestamp,
};

use crate::followups::body_with_id_column;
use crate::{Result, Store, StoreError, audit, corrupt, millis, timestamp};

/// One body's report in a round, as the compiled report reads it.
#[derive(Debug, Clone)]
pub struct CompileRow {
    pub report: ReportId,
    pub body: Body,
    pub status: ReportStatus,
    /// The latest submitted version, if any.
    pub latest: Option<LatestSubmission>,
}

/// A report's latest submitted version.
#[derive(Debug, Clone)]
pub struct LatestSubmission {
    pub number: i64,
    pub submitted_at: Timestamp,
    pub content: SubmittedContent,
    /// The coordinator approved this very version.
    pub approved: bool,
}

impl Store {
    /// Hands every body's report in the round to `each`, in body-name order, with its latest
    /// submitted version: one query, streamed, reading `submissions` and never `answers`
    /// (drafts), so that a round of thousands of bodies is never held twice.
    pub async fn compile_rows(
        &self,
        access: &RoundReadAccess,
        each: &mut (dyn FnMut(CompileRow) -> Result<()> + Send),
    ) -> Result<()> {
        let mut rows = sqlx::query(
            "SELECT r.id, r.status, r.body_id, b.name, b.short_name, b.kind, b.active,
                    s.number, s.submitted_at, s.content,
                    (SELECT COUNT(*) FROM reviews v WHERE v.report_id = s.report_id
                       AND v.submission = s.number AND v.decision = 'approve') AS approvals
             FROM reports r
             JOIN bodies b ON b.id = r.body_id
             LEFT JOIN submissions s ON s.report_id = r.id
              AND s.number = (SELECT MAX(number) FROM submissions l WHERE l.report_id = r.id)
             WHERE r.round_id = $1
             ORDER BY b.name, b.id",
        )
        .bind(access.round().0)
        .fetch(&self.read);
        while let Some(row) = rows.try_next().await? {
            let number: Option<i64> = row.try_get("number")?;
            let latest = match number {
                None => None,
                Some(number) => Some(LatestSubmission {
                    number,
                    submitted_at: timestamp(row.try_get("submitted_at")?)?,
                    content: serde_json::from_str(row.try_get("content")?).map_err(corrupt)?,
                    approved: row.try_get::<i64, _>("approvals")? > 0,
                }),
            };
            each(CompileRow {
                report: ReportId(row.try_get("id")?),
                body: body_with_id_column(&row, "body_id")?,
                status: ReportStatus::from_code(row.try_get("status")?).map_err(corrupt)?,
                latest,
            })?;
        }
        Ok(())
    }

    /// The coordinator's settings for the round's compiled report, if any were saved.
    pub async fn compilation_settings(
        &self,
        round: RoundId,
    ) -> Result<Option<CompilationSettings>> {
        let row = sqlx::query(
            "SELECT title, introduction, approved_only, include_contacts
             FROM compilation_settings WHERE round_id = $1",
        )
        .bind(round.0)
        .fetch_optional(&self.read)
        .await?;
        row.map(|row| {
            Ok(CompilationSettings {
                title: row.try_get("title")?,
                introduction: row.try_get("introduction")?,
                approved_only: row.try_get::<i64, _>("approved_only")? != 0,
                include_contacts: row.try_get::<i64, _>("include_contacts")? != 0,
            })
        })
        .transpose()
    }

    /// Stores the settings of the round's compiled report, with `entry`, in one transaction.
    pub async fn save_compilation_settings(
        &self,
        access: &RoundReadAccess,
        settings: &CompilationSettings,
        entry: &NewAuditEntry,
        at: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO compilation_settings
             (round_id, title, introduction, approved_only, include_contacts, updated_at,
              updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (round_id) DO UPDATE SET title = excluded.title,
               introduction = excluded.introduction, approved_only = excluded.approved_only,
               include_contacts = excluded.include_contacts, updated_at = excluded.updated_at,
               updated_by = excluded.updated_by",
        )
        .bind(access.round().0)
        .bind(settings.title.as_str())
        .bind(settings.introduction.as_str())
        .bind(i64::from(settings.approved_only))
        .bind(i64::from(settings.include_contacts))
        .bind(millis(at))
        .bind(access.by().0)
        .execute(&mut *tx)
        .await?;
        audit::append(&mut tx, entry, at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every saved version of the round's summaries, by focus area, oldest first.
    pub async fn summaries(&self, round: RoundId) -> Result<Vec<Summary>> {
        let rows = sqlx::query(
            "SELECT s.focus_area, s.version, s.text, s.saved_at, u.name
             FROM summaries s JOIN users u ON u.id = s.saved_by
             WHERE s.round_id = $1 ORDER BY s.focus_area, s.version",
        )
        .bind(round.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Summary {
                    focus_area: u32::try_from(row.try_get::<i64, _>("focus_area")?)
                        .map_err(corrupt)?,
                    version: row.try_get("version")?,
                    text: row.try_get("text")?,
                    saved_at: timestamp(row.try_get("saved_at")?)?,
                    saved_by: row.try_get("name")?,
                })
            })
            .collect()
    }

    /// Saves a focus area's summary as the version after `base`, with the audit entry that
    /// `entry` makes of the new version. If someone saved a newer version since `base`,
    /// nothing is stored and the latest version's number comes back as the refusal.
    pub async fn save_summary(
        &self,
        access: &RoundReadAccess,
        focus_area: u32,
        base: i64,
        text: &str,
        entry: &(dyn Fn(i64) -> NewAuditEntry + Sync),
        at: Timestamp,
    ) -> Result<Result<i64, i64>> {
        let round = access.round().0;
        let mut tx = self.begin().await?;
        // The round's row lock (on PostgreSQL) makes two saves take turns.
        sqlx::query("UPDATE rounds SET status = status WHERE id = $1")
            .bind(round)
            .execute(&mut *tx)
            .await?;
        let latest: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) FROM summaries
             WHERE round_id = $1 AND focus_area = $2",
        )
        .bind(round)
        .bind(i64::from(focus_area))
        .fetch_one(&mut *tx)
        .await?;
        if latest != base {
            tx.rollback().await?;
            return Ok(Err(latest));
        }
        let version = latest + 1;
        sqlx::query(
            "INSERT INTO summaries (round_id, focus_area, version, text, saved_at, saved_by)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(round)
        .bind(i64::from(focus_area))
        .bind(version)
        .bind(text)
        .bind(millis(at))
        .bind(access.by().0)
        .execute(&mut *tx)
        .await?;
        audit::append(&mut tx, &entry(version), at).await?;
        tx.commit().await?;
        Ok(Ok(version))
    }

    /// Publishes the round's compiled report as its next numbered version, with every
    /// format's file as produced now (`files`: the format's code and the file, read from its
    /// start) and the audit entry `entry` makes of the number, in one transaction. Each file
    /// is stored in chunks of [`CHUNK`] bytes, read one at a time. Returns the number.
    pub async fn publish(
        &self,
        access: &RoundReadAccess,
        title: &str,
        files: &mut [(&str, std::fs::File)],
        entry: &(dyn Fn(i64) -> NewAuditEntry + Sync),
        at: Timestamp,
    ) -> Result<i64> {
        let round = access.round().0;
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE rounds SET status = status WHERE id = $1")
            .bind(round)
            .execute(&mut *tx)
            .await?;
        let number: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM publications WHERE round_id = $1",
        )
        .bind(round)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO publications (round_id, number, title, published_at, published_by)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(round)
        .bind(number)
        .bind(title)
        .bind(millis(at))
        .bind(access.by().0)
        .execute(&mut *tx)
        .await?;
        for (format, file) in files.iter_mut() {
            let size = file.metadata().map_err(StoreError::File)?.len();
            sqlx::query(
                "INSERT INTO publication_files (round_id, number, format, size)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(round)
            .bind(number)
            .bind(*format)
            .bind(i64::try_from(size).map_err(corrupt)?)
            .execute(&mut *tx)
            .await?;
            let mut chunk = vec![0; CHUNK];
            for seq in 0.. {
                let filled = fill(file, &mut chunk).map_err(StoreError::File)?;
                if filled == 0 {
                    break;
                }
                sqlx::query(
                    "INSERT INTO publication_chunks (round_id, number, format, seq, bytes)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(round)
                .bind(number)
                .bind(*format)
                .bind(seq)
                .bind(&chunk[..filled])
                .execute(&mut *tx)
                .await?;
            }
        }
        audit::append(&mut tx, &entry(number), at).await?;
        tx.commit().await?;
        Ok(number)
    }

    /// Every published version of every round, newest first.
    pub async fn publications(&self) -> Result<Vec<Publication>> {
        let rows = sqlx::query(
            "SELECT p.round_id, p.number, p.title, p.published_at, u.name,
                    o.follow_up_id, o.period, o.year, o.deadline, o.status
             FROM publications p
             JOIN users u ON u.id = p.published_by
             JOIN rounds o ON o.id = p.round_id
             ORDER BY p.published_at DESC, p.round_id DESC, p.number DESC",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Publication {
                    round: crate::rounds::round_from_columns(row, "round_id", "status")?,
                    number: row.try_get("number")?,
                    title: row.try_get("title")?,
                    published_at: timestamp(row.try_get("published_at")?)?,
                    published_by: row.try_get("name")?,
                })
            })
            .collect()
    }

    /// A published version's file in `format` (a code such as "docx"), byte for byte,
    /// written chunk by chunk into `out`. Returns whether there is such a file.
    pub async fn publication_file(
        &self,
        round: RoundId,
        number: i64,
        format: &str,
        out: &mut (dyn std::io::Write + Send),
    ) -> Result<bool> {
        let chunks: Option<i64> = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM publication_chunks c
                     WHERE c.round_id = f.round_id AND c.number = f.number
                       AND c.format = f.format)
             FROM publication_files f
             WHERE f.round_id = $1 AND f.number = $2 AND f.format = $3",
        )
        .bind(round.0)
        .bind(number)
        .bind(format)
        .fetch_optional(&self.read)
        .await?;
        let Some(chunks) = chunks else {
            return Ok(false);
        };
        for seq in 0..chunks {
            let bytes: Vec<u8> = sqlx::query_scalar(
                "SELECT bytes FROM publication_chunks
                 WHERE round_id = $1 AND number = $2 AND format = $3 AND seq = $4",
            )
            .bind(round.0)
            .bind(number)
            .bind(format)
            .bind(seq)
            .fetch_one(&self.read)
            .await?;
            out.write_all(&bytes).map_err(StoreError::File)?;
        }
        Ok(true)
    }
}

/// How much of a published file one row holds.
pub const CHUNK: usize = 4 << 20;

/// Reads from `file` until `buf` is full or the file ends; returns how much was read.
fn fill(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}
