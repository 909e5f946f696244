//! The append-only audit log.

use sqlx::AnyConnection;
use sqlx::Row;
use tertial_domain::{AuditSubject, NewAuditEntry, Timestamp, UserId};

use crate::{Result, Store, millis, timestamp};

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub at: Timestamp,
    pub actor: Option<UserId>,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

pub(crate) async fn append(
    conn: &mut AnyConnection,
    entry: &NewAuditEntry,
    at: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(millis(at))
    .bind(entry.actor.map(|u| u.0))
    .bind(entry.action.code())
    .bind(entry.subject.to_string())
    .bind(entry.detail.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// The audit entries about one subject, oldest first.
    pub async fn audit_of(&self, subject: AuditSubject) -> Result<Vec<AuditRecord>> {
        let rows = sqlx::query(
            "SELECT at, actor_id, action, subject, detail FROM audit_log
             WHERE subject = $1 ORDER BY id",
        )
        .bind(subject.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditRecord {
                    at: timestamp(row.try_get("at")?)?,
                    actor: row.try_get::<Option<i64>, _>("actor_id")?.map(UserId),
                    action: row.try_get("action")?,
                    subject: row.try_get("subject")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }
}
