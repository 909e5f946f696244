//! Saving a report's fields: versioned, never overwriting a newer save, and never stored
//! after the round closed or the session it came through ended.

use sqlx::{AnyConnection, Row};
use tertial_domain::{
    AuditAction, AuditSubject, DraftAccess, Field, FieldValue, NewAuditEntry, ReportId,
    ReportStatus, RoundStatus, SaveOutcome, StoredField, Timestamp, workflow,
};

use crate::reports::field_from_row;
use crate::write::Writer;
use crate::{Backend, Result, Store, audit, bind_transition, corrupt, millis, stored_precision};

/// Why a change to a report was refused. Nothing was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NoReport,
    /// The report is not open for changes (submitted, approved).
    NotEditable(ReportStatus),
    /// The round is not open.
    RoundClosed,
    /// The session the change came through ended (signed out, expired) before it could be
    /// stored.
    SignedOut,
}

/// A change that may be refused.
pub type Refusable<T> = std::result::Result<T, Refusal>;

impl Store {
    /// Saves fields of a report, each only if its stored version is still the one the
    /// change started from (`base_version`, 0 for a field never saved). Fields whose version
    /// moved on are left alone and come back as conflicts.
    pub async fn save_fields(
        &self,
        access: &DraftAccess,
        changes: &[(Field, FieldValue, i64)],
        at: Timestamp,
    ) -> Result<Refusable<Vec<SaveOutcome>>> {
        let job = SaveJob {
            access: access.clone(),
            changes: changes.to_vec(),
            at: stored_precision(at)?,
        };
        self.group_commit.save(job).await
    }
}

/// Runs a save in a transaction of its own.
pub(crate) async fn save_alone(
    writer: &Writer,
    job: &SaveJob,
) -> Result<Refusable<Vec<SaveOutcome>>> {
    let mut tx = writer.begin().await?;
    let outcome = save_in(&mut tx, writer.backend(), job).await?;
    if outcome.is_ok() {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(outcome)
}

/// A save of some fields of one report, as [`Store::save_fields`] takes it.
#[derive(Debug, Clone)]
pub(crate) struct SaveJob {
    pub access: DraftAccess,
    pub changes: Vec<(Field, FieldValue, i64)>,
    pub at: Timestamp,
}

/// Runs a save inside a transaction the caller commits: checks that the session and the
/// round allow it (two statements), saves each field against its base version, records each
/// save or conflict in the audit log, and marks the report as a draft changed now (three
/// statements a field on the way that matters; the reasons for a refusal are only looked up
/// when there is one).
///
/// On a refusal the caller must roll back. Under SQLite's single writer a refusal can only
/// be found before anything was written; on PostgreSQL a submission committed between two
/// statements is caught by the last one.
pub(crate) async fn save_in(
    conn: &mut AnyConnection,
    backend: Backend,
    job: &SaveJob,
) -> Result<Refusable<Vec<SaveOutcome>>> {
    let (report, by, at) = (job.access.report(), job.access.by(), job.at);
    if let Err(refusal) = guard(conn, backend, &job.access, at).await? {
        return Ok(Err(refusal));
    }
    let mut outcomes = Vec::with_capacity(job.changes.len());
    let mut touch_report = false;
    for change in &job.changes {
        let (field, value, _) = change;
        match write_answer(conn, backend, job, change).await? {
            Written::Done { version } => {
                outcomes.push(SaveOutcome::Saved { version, at });
                continue;
            }
            Written::ReportNotEditable => {
                return Ok(Err(refusal_now(conn, report).await?));
            }
            Written::NeedsLogging { version } => {
                let entry = NewAuditEntry::answer_saved(by, report, field, version, false);
                audit::append(conn, &entry, at).await?;
                touch_report = true;
                outcomes.push(SaveOutcome::Saved { version, at });
                continue;
            }
            Written::Stale => {}
        }
        let outcome = match not_written(conn, report, field, value, at).await? {
            Ok(outcome) => outcome,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let entry = match &outcome {
            SaveOutcome::Saved { version, .. } => {
                NewAuditEntry::answer_saved(by, report, field, *version, true)
            }
            SaveOutcome::Conflict(current) => {
                NewAuditEntry::save_conflict(by, report, field, current.version)
            }
        };
        audit::append(conn, &entry, at).await?;
        outcomes.push(outcome);
    }
    if touch_report {
        // The guard holds the round (it cannot close under us); a submission committed
        // since it looked is caught here, and the caller rolls back.
        let touched = sqlx::query(
            "UPDATE reports SET status = $3, updated_at = $1
             WHERE id = $2 AND status IN ($4, $5, $6)",
        )
        .bind(millis(at))
        .bind(report.0);
        let touched = bind_transition(touched, &workflow::SAVE, ReportStatus::code)
            .execute(&mut *conn)
            .await?;
        if touched.rows_affected() == 0 {
            return Ok(Err(refusal_now(conn, report).await?));
        }
    }
    Ok(Ok(outcomes))
}

/// Why the report cannot be changed now (after a write found it so).
async fn refusal_now(conn: &mut AnyConnection, report: ReportId) -> Result<Refusal> {
    // Editable again already: it cannot have been while this ran.
    Ok(editable(conn, report)
        .await?
        .err()
        .unwrap_or(Refusal::NotEditable(ReportStatus::Submitted)))
}

/// Checks, inside the write transaction, that the session the change came through is still
/// live and that the report can be changed; returns its status. On PostgreSQL the session
/// and round rows stay locked (`FOR KEY SHARE`, `FOR SHARE`) until the transaction ends, so
/// signing out or closing the round waits for a change already under way, and one that
/// comes after sees them ended. SQLite's single writer is lock enough.
pub(crate) async fn guard(
    conn: &mut AnyConnection,
    backend: Backend,
    access: &DraftAccess,
    at: Timestamp,
) -> Result<Refusable<ReportStatus>> {
    let report = access.report();
    let Some(session) = access.session() else {
        let row = sqlx::query(match backend {
            Backend::Sqlite => {
                "SELECT r.status, o.status AS round_status FROM reports r
                 JOIN rounds o ON o.id = r.round_id WHERE r.id = $1"
            }
            Backend::Postgres => {
                "SELECT r.status, o.status AS round_status FROM reports r
                 JOIN rounds o ON o.id = r.round_id WHERE r.id = $1 FOR SHARE OF o"
            }
        })
        .bind(report.0)
        .fetch_optional(&mut *conn)
        .await?;
        return refusal_of(row);
    };
    // One round trip on the way that matters: the report, its round and the live session.
    let row = sqlx::query(match backend {
        Backend::Sqlite => {
            "SELECT r.status, o.status AS round_status FROM reports r
             JOIN rounds o ON o.id = r.round_id
             JOIN sessions s ON s.token_hash = $2 AND s.expires_at > $3
             WHERE r.id = $1"
        }
        Backend::Postgres => {
            "SELECT r.status, o.status AS round_status FROM reports r
             JOIN rounds o ON o.id = r.round_id
             JOIN sessions s ON s.token_hash = $2 AND s.expires_at > $3
             WHERE r.id = $1 FOR SHARE OF o FOR KEY SHARE OF s"
        }
    })
    .bind(report.0)
    .bind(session)
    .bind(millis(at))
    .fetch_optional(&mut *conn)
    .await?;
    if row.is_some() {
        return refusal_of(row);
    }
    // No row: the session has ended, or there is no such report.
    let live: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(session)
            .bind(millis(at))
            .fetch_optional(&mut *conn)
            .await?;
    Ok(Err(if live.is_some() {
        Refusal::NoReport
    } else {
        Refusal::SignedOut
    }))
}

/// The report's status if it can be changed now, or why not (without locking).
async fn editable(conn: &mut AnyConnection, report: ReportId) -> Result<Refusable<ReportStatus>> {
    let row = sqlx::query(
        "SELECT r.status, o.status AS round_status FROM reports r
         JOIN rounds o ON o.id = r.round_id WHERE r.id = $1",
    )
    .bind(report.0)
    .fetch_optional(&mut *conn)
    .await?;
    refusal_of(row)
}

fn refusal_of(row: Option<sqlx::any::AnyRow>) -> Result<Refusable<ReportStatus>> {
    let Some(row) = row else {
        return Ok(Err(Refusal::NoReport));
    };
    let status = ReportStatus::from_code(row.try_get("status")?).map_err(corrupt)?;
    let round = RoundStatus::from_code(row.try_get("round_status")?).map_err(corrupt)?;
    Ok(if !workflow::takes_answers(round) {
        Err(Refusal::RoundClosed)
    } else if !status.editable() {
        Err(Refusal::NotEditable(status))
    } else {
        Ok(status)
    })
}

/// What writing one field's new text did.
enum Written {
    /// Stored as this version, its audit entry written and the report marked changed now
    /// (PostgreSQL: one statement).
    Done { version: i64 },
    /// Stored as this version; the audit entry and the report's mark are still to do.
    NeedsLogging { version: i64 },
    /// Stored, but the report could no longer be changed: the caller must roll back.
    ReportNotEditable,
    /// Not stored: the version moved on (or the field was saved first by someone else).
    Stale,
}

/// Writes a field's new text if its stored version is still `base_version` (0: never
/// saved). On PostgreSQL, where every round trip costs more than the work, the write, its
/// audit entry and the report's "changed now" are one statement with data-modifying CTEs
/// (SQLite has none; there the three are run one after another by the caller).
async fn write_answer(
    conn: &mut AnyConnection,
    backend: Backend,
    job: &SaveJob,
    (field, value, base_version): &(Field, FieldValue, i64),
) -> Result<Written> {
    let (report, by, at, base_version) =
        (job.access.report(), job.access.by(), job.at, *base_version);
    // $1–$7: report, field, text, not applicable, time, author, base version (a new field's
    // is 0, so its first version is 1); on PostgreSQL $8, $9: the audit entry's action and
    // subject, $10–$13: the report's transition (`workflow::SAVE`). Spelled out once each,
    // joined at compile time.
    macro_rules! insert {
        () => {
            "INSERT INTO answers
             (report_id, field, text, not_applicable, version, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $7 + 1, $5, $6)
             ON CONFLICT (report_id, field) DO NOTHING RETURNING version"
        };
    }
    macro_rules! update {
        () => {
            "UPDATE answers SET text = $3, not_applicable = $4,
                 version = version + 1, updated_at = $5, updated_by = $6
             WHERE report_id = $1 AND field = $2 AND version = $7 RETURNING version"
        };
    }
    macro_rules! logged_and_touched {
        () => {
            "logged AS (
                 INSERT INTO audit_log (at, actor_id, action, subject, detail)
                 SELECT $5, $6, $8, $9, 'field=' || $2 || ' version=' || version FROM saved),
             touched AS (
                 UPDATE reports SET status = $10, updated_at = $5
                 WHERE id = $1 AND status IN ($11, $12, $13)
                   AND EXISTS (SELECT 1 FROM saved)
                 RETURNING id)
             SELECT version, (SELECT COUNT(*) FROM touched) AS touched FROM saved"
        };
    }
    let postgres = backend == Backend::Postgres;
    let sql = match (postgres, base_version) {
        (false, 0) => insert!(),
        (false, _) => update!(),
        (true, 0) => concat!("WITH saved AS (", insert!(), "), ", logged_and_touched!()),
        (true, _) => concat!("WITH saved AS (", update!(), "), ", logged_and_touched!()),
    };
    let mut query = sqlx::query(sql)
        .bind(report.0)
        .bind(field.code().to_owned())
        .bind(value.text.clone())
        .bind(i64::from(value.not_applicable))
        .bind(millis(at))
        .bind(by.0)
        .bind(base_version);
    if postgres {
        query = query
            .bind(AuditAction::AnswerSaved.code())
            .bind(AuditSubject::Report(report).to_string());
        query = bind_transition(query, &workflow::SAVE, ReportStatus::code);
    }
    let Some(row) = query.fetch_optional(&mut *conn).await? else {
        return Ok(Written::Stale);
    };
    let version: i64 = row.try_get("version")?;
    if !postgres {
        return Ok(Written::NeedsLogging { version });
    }
    let touched: i64 = row.try_get("touched")?;
    Ok(if touched == 0 {
        Written::ReportNotEditable
    } else {
        Written::Done { version }
    })
}

/// After a write that stored nothing: why (the report cannot be changed), or the stored
/// version it met (a conflict), or, if that already holds exactly this value, the save as
/// done.
async fn not_written(
    conn: &mut AnyConnection,
    report: ReportId,
    field: &Field,
    value: &FieldValue,
    at: Timestamp,
) -> Result<Refusable<SaveOutcome>> {
    if let Err(refusal) = editable(conn, report).await? {
        return Ok(Err(refusal));
    }
    let current = sqlx::query(
        "SELECT field, text, not_applicable, version, updated_at FROM answers
         WHERE report_id = $1 AND field = $2",
    )
    .bind(report.0)
    .bind(field.code())
    .fetch_optional(&mut *conn)
    .await?;
    let current = match current {
        Some(row) => field_from_row(&row)?,
        // A base version for a field that was never saved: the client is confused; show it
        // the empty field as the current one.
        None => StoredField {
            field: field.clone(),
            value: FieldValue::default(),
            version: 0,
            updated_at: at,
        },
    };
    // What is stored is already what this save brings (it is the retry of a save whose
    // answer never arrived, or a colleague wrote the same): nothing to choose between.
    if current.version > 0 && current.value == *value {
        return Ok(Ok(SaveOutcome::Saved {
            version: current.version,
            at: current.updated_at,
        }));
    }
    Ok(Ok(SaveOutcome::Conflict(current)))
}
