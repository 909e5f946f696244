//! The append-only audit log.

use sqlx::AnyConnection;
use sqlx::Row;
use sqlx::any::AnyRow;
use tertial_domain::{
    AuditAction, AuditSubject, BodyId, NewAuditEntry, ReportId, RoundId, Timestamp, UserId,
};

use crate::{Result, Store, millis, timestamp};

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub at: Timestamp,
    pub actor: Option<UserId>,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// Which entries a page of the audit log shows. Every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<UserId>,
    pub action: Option<AuditAction>,
    /// Entries about any of these subjects (`None`: about anything).
    pub subjects: Option<Vec<AuditSubject>>,
    /// Only entries older than this one (the page before it).
    pub before: Option<i64>,
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
            "SELECT id, at, actor_id, action, subject, detail FROM audit_log
             WHERE subject = $1 ORDER BY id",
        )
        .bind(subject.to_string())
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// At most `limit` entries that pass `filter`, newest first. Each filter has an index
    /// that ends in the entry's id, so a page is read from the newest end and stops when
    /// full, however long the log.
    pub async fn audit_page(&self, filter: &AuditFilter, limit: u32) -> Result<Vec<AuditRecord>> {
        // The statement is put together from fixed pieces; every value is bound.
        let mut conditions = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if filter.actor.is_some() {
            conditions.push(format!("actor_id = {}", next()));
        }
        if filter.action.is_some() {
            conditions.push(format!("action = {}", next()));
        }
        if let Some(subjects) = &filter.subjects {
            if subjects.is_empty() {
                return Ok(Vec::new());
            }
            let places: Vec<String> = subjects.iter().map(|_| next()).collect();
            conditions.push(format!("subject IN ({})", places.join(", ")));
        }
        if filter.before.is_some() {
            conditions.push(format!("id < {}", next()));
        }
        let mut sql = "SELECT id, at, actor_id, action, subject, detail FROM audit_log".to_owned();
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {}", next()));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(actor) = filter.actor {
            query = query.bind(actor.0);
        }
        if let Some(action) = filter.action {
            query = query.bind(action.code());
        }
        for subject in filter.subjects.iter().flatten() {
            query = query.bind(subject.to_string());
        }
        if let Some(before) = filter.before {
            query = query.bind(before);
        }
        let rows = query.bind(i64::from(limit)).fetch_all(&self.read).await?;
        rows.iter().map(record_from_row).collect()
    }
}

impl Store {
    /// The body and round of each of these reports (for naming an entry's subject).
    pub async fn report_places(
        &self,
        reports: &[ReportId],
    ) -> Result<Vec<(ReportId, BodyId, RoundId)>> {
        if reports.is_empty() {
            return Ok(Vec::new());
        }
        let places: Vec<String> = (1..=reports.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id, body_id, round_id FROM reports WHERE id IN ({})",
            places.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for report in reports {
            query = query.bind(report.0);
        }
        query
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|row| {
                Ok((
                    ReportId(row.try_get("id")?),
                    BodyId(row.try_get("body_id")?),
                    RoundId(row.try_get("round_id")?),
                ))
            })
            .collect()
    }

    /// The reports of a body, of a round, or of a body in a round.
    pub async fn report_ids(
        &self,
        body: Option<BodyId>,
        round: Option<RoundId>,
    ) -> Result<Vec<ReportId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM reports
             WHERE ($1 = 0 OR body_id = $1) AND ($2 = 0 OR round_id = $2) ORDER BY id",
        )
        .bind(body.map_or(0, |b| b.0))
        .bind(round.map_or(0, |r| r.0))
        .fetch_all(&self.read)
        .await?;
        Ok(ids.into_iter().map(ReportId).collect())
    }
}

fn record_from_row(row: &AnyRow) -> Result<AuditRecord> {
    Ok(AuditRecord {
        id: row.try_get("id")?,
        at: timestamp(row.try_get("at")?)?,
        actor: row.try_get::<Option<i64>, _>("actor_id")?.map(UserId),
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        detail: row.try_get("detail")?,
    })
}
