//! Bulk loading, for the data generator: rows written many to a statement and many
//! statements to a transaction, with no round trip per row and no audit entry per row (the
//! load is one action of nobody's, audited once by its caller). The rows are the same as the
//! product writes: reports with their workflow status, answers as saved, submissions as
//! [`SubmittedContent`] in the stored format, reviews of submitted versions.

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;
use tertial_domain::review::ReviewDecision;
use tertial_domain::{
    BodyId, BodyKind, Field, FieldValue, FollowUpId, NewAuditEntry, Period, Question, ReportId,
    ReportStatus, Role, RoundId, RoundStatus, SubmittedContent, Timestamp, UserId,
};

use crate::write::{WriteTx, Writer};
use crate::{Result, Store, StoreError, audit, corrupt, millis};

/// The most parameters one statement binds (SQLite allows 32,766, PostgreSQL 65,535).
const MAX_PARAMETERS: usize = 30_000;
/// The most rows one statement inserts, so that a statement of long answers stays a few MB.
const MAX_ROWS: usize = 400;

/// A body to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkBody {
    pub name: String,
    pub short_name: String,
    pub kind: BodyKind,
}

/// An account to add; a reporter reports for `body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// `None`: the account cannot sign in until it is given a password.
    pub password_hash: Option<String>,
    pub body: Option<BodyId>,
    pub created_at: Timestamp,
}

/// A body's report in a round, with its status as the workflow left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkReport {
    pub body: BodyId,
    pub status: ReportStatus,
    pub updated_at: Option<Timestamp>,
    pub submitted_at: Option<Timestamp>,
}

/// A field of a report as last saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkAnswer {
    pub report: ReportId,
    pub field: Field,
    pub value: FieldValue,
    pub version: i64,
    pub updated_at: Timestamp,
    pub updated_by: UserId,
}

/// A submitted version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkSubmission {
    pub report: ReportId,
    pub number: i64,
    pub submitted_at: Timestamp,
    pub submitted_by: UserId,
    pub late: bool,
    pub content: SubmittedContent,
}

/// A coordinator's review of a submitted version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkReview {
    pub report: ReportId,
    pub submission: i64,
    pub decision: ReviewDecision,
    pub comment: String,
    pub reviewed_by: UserId,
    pub reviewed_at: Timestamp,
}

/// One value of a row.
enum Cell {
    Int(i64),
    Text(String),
    NoInt,
    NoText,
}

impl From<i64> for Cell {
    fn from(value: i64) -> Cell {
        Cell::Int(value)
    }
}

impl From<String> for Cell {
    fn from(value: String) -> Cell {
        Cell::Text(value)
    }
}

impl From<&str> for Cell {
    fn from(value: &str) -> Cell {
        Cell::Text(value.to_owned())
    }
}

impl From<Option<Timestamp>> for Cell {
    fn from(value: Option<Timestamp>) -> Cell {
        value.map_or(Cell::NoInt, |t| Cell::Int(millis(t)))
    }
}

/// A load under way: an open write transaction, committed now and then so that neither
/// SQLite's log nor PostgreSQL's transaction grows without bound.
pub struct BulkLoad {
    writer: Writer,
    tx: Option<WriteTx>,
}

impl Store {
    /// Begins a bulk load.
    pub async fn bulk_load(&self) -> Result<BulkLoad> {
        Ok(BulkLoad {
            writer: self.writer.clone(),
            tx: Some(self.begin().await?),
        })
    }

    /// Whether the database holds a follow-up or a body (a generator must not mix its
    /// data with real data).
    pub async fn has_follow_ups_or_bodies(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM follow_ups) + (SELECT COUNT(*) FROM bodies)",
        )
        .fetch_one(&self.read)
        .await?;
        Ok(n > 0)
    }
}

impl BulkLoad {
    /// Commits what was loaded so far and goes on in a new transaction.
    pub async fn commit_and_continue(&mut self) -> Result<()> {
        // On SQLite the writer has one connection: this commit frees it for the next.
        self.tx.take().ok_or(StoreError::Closed)?.commit().await?;
        self.tx = Some(self.writer.begin().await?);
        Ok(())
    }

    /// Commits the load.
    pub async fn commit(mut self) -> Result<()> {
        self.tx.take().ok_or(StoreError::Closed)?.commit().await
    }

    /// The open transaction (none after a commit failed).
    fn tx(&mut self) -> Result<&mut WriteTx> {
        self.tx.as_mut().ok_or(StoreError::Closed)
    }

    /// Adds bodies; returns their ids in order.
    pub async fn bodies(&mut self, bodies: &[BulkBody]) -> Result<Vec<BodyId>> {
        let rows = bodies.iter().map(|b| {
            vec![
                Cell::from(b.name.as_str()),
                b.short_name.as_str().into(),
                b.kind.code().into(),
                Cell::Int(1),
            ]
        });
        let returned = self
            .insert(
                "bodies (name, short_name, kind, active)",
                4,
                rows,
                "id, name",
            )
            .await?;
        let ids = by_key::<String>(&returned, "name")?;
        bodies
            .iter()
            .map(|b| found(&ids, &b.name).map(BodyId))
            .collect()
    }

    /// Adds accounts (a reporter with its body); returns their ids in order.
    pub async fn users(&mut self, users: &[BulkUser]) -> Result<Vec<UserId>> {
        let rows = users.iter().map(|u| {
            vec![
                Cell::from(u.email.as_str()),
                u.name.as_str().into(),
                u.role.code().into(),
                u.password_hash.as_deref().map_or(Cell::NoText, Cell::from),
                Cell::Int(1),
                Cell::Int(millis(u.created_at)),
            ]
        });
        let returned = self
            .insert(
                "users (email, name, role, password_hash, active, created_at)",
                6,
                rows,
                "id, email",
            )
            .await?;
        let ids = by_key::<String>(&returned, "email")?;
        let ids = users
            .iter()
            .map(|u| found(&ids, &u.email).map(UserId))
            .collect::<Result<Vec<_>>>()?;
        let links = users
            .iter()
            .zip(&ids)
            .filter_map(|(u, id)| u.body.map(|b| vec![Cell::Int(id.0), Cell::Int(b.0)]));
        self.insert("user_bodies (user_id, body_id)", 2, links, "")
            .await?;
        Ok(ids)
    }

    /// Adds a round of the follow-up with the status given, and freezes the follow-up's
    /// questions into it as opening it does. Returns the round and what it asks.
    pub async fn round(
        &mut self,
        follow_up: FollowUpId,
        (period, year): (Period, i32),
        deadline: jiff::civil::Date,
        status: RoundStatus,
    ) -> Result<(RoundId, Vec<Question>)> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO rounds (follow_up_id, period, year, deadline, status)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(follow_up.0)
        .bind(period.code())
        .bind(i64::from(year))
        .bind(deadline.to_string())
        .bind(status.code())
        .fetch_one(&mut **self.tx()?)
        .await?;
        let questions = crate::rounds::freeze(self.tx()?, RoundId(id), follow_up).await?;
        Ok((RoundId(id), questions))
    }

    /// Adds reports to a round; returns their ids in order.
    pub async fn reports(
        &mut self,
        round: RoundId,
        reports: &[BulkReport],
    ) -> Result<Vec<ReportId>> {
        let rows = reports.iter().map(|r| {
            vec![
                Cell::Int(round.0),
                Cell::Int(r.body.0),
                r.status.code().into(),
                r.updated_at.into(),
                r.submitted_at.into(),
            ]
        });
        let returned = self
            .insert(
                "reports (round_id, body_id, status, updated_at, submitted_at)",
                5,
                rows,
                "id, body_id",
            )
            .await?;
        let ids = by_key::<i64>(&returned, "body_id")?;
        reports
            .iter()
            .map(|r| found(&ids, &r.body.0).map(ReportId))
            .collect()
    }

    pub async fn answers(&mut self, answers: &[BulkAnswer]) -> Result<()> {
        let rows = answers.iter().map(|a| {
            vec![
                Cell::Int(a.report.0),
                a.field.code().into(),
                a.value.text.as_str().into(),
                Cell::Int(i64::from(a.value.not_applicable)),
                Cell::Int(a.version),
                Cell::Int(millis(a.updated_at)),
                Cell::Int(a.updated_by.0),
            ]
        });
        self.insert(
            "answers (report_id, field, text, not_applicable, version, updated_at, updated_by)",
            7,
            rows,
            "",
        )
        .await?;
        Ok(())
    }

    /// Adds submitted versions, their content stored as a submission stores it.
    pub async fn submissions(&mut self, submissions: &[BulkSubmission]) -> Result<()> {
        let mut rows = Vec::with_capacity(submissions.len());
        for s in submissions {
            rows.push(vec![
                Cell::Int(s.report.0),
                Cell::Int(s.number),
                Cell::Int(millis(s.submitted_at)),
                Cell::Int(s.submitted_by.0),
                Cell::Int(i64::from(s.late)),
                Cell::Text(serde_json::to_string(&s.content).map_err(corrupt)?),
            ]);
        }
        self.insert(
            "submissions (report_id, number, submitted_at, submitted_by, late, content)",
            6,
            rows.into_iter(),
            "",
        )
        .await?;
        Ok(())
    }

    pub async fn reviews(&mut self, reviews: &[BulkReview]) -> Result<()> {
        let rows = reviews.iter().map(|r| {
            vec![
                Cell::Int(r.report.0),
                Cell::Int(r.submission),
                r.decision.code().into(),
                r.comment.as_str().into(),
                Cell::Int(r.reviewed_by.0),
                Cell::Int(millis(r.reviewed_at)),
            ]
        });
        self.insert(
            "reviews (report_id, submission, decision, comment, reviewed_by, reviewed_at)",
            6,
            rows,
            "",
        )
        .await?;
        Ok(())
    }

    /// Appends the load's audit entry.
    pub async fn audit(&mut self, entry: &NewAuditEntry, at: Timestamp) -> Result<()> {
        audit::append(self.tx()?, entry, at).await
    }

    /// Inserts `rows` into `table (columns)`, many to a statement, and returns the columns
    /// `returning` names of every row inserted (none if it is empty).
    async fn insert(
        &mut self,
        table: &str,
        columns: usize,
        rows: impl Iterator<Item = Vec<Cell>>,
        returning: &str,
    ) -> Result<Vec<AnyRow>> {
        let per_statement = (MAX_PARAMETERS / columns).min(MAX_ROWS);
        let mut returned = Vec::new();
        let mut rows = rows.peekable();
        while rows.peek().is_some() {
            let batch: Vec<Vec<Cell>> = rows.by_ref().take(per_statement).collect();
            let values: Vec<String> = (0..batch.len())
                .map(|r| {
                    let places: Vec<String> = (1..=columns)
                        .map(|c| format!("${}", r * columns + c))
                        .collect();
                    format!("({})", places.join(", "))
                })
                .collect();
            let mut sql = format!("INSERT INTO {table} VALUES {}", values.join(", "));
            if !returning.is_empty() {
                sql.push_str(" RETURNING ");
                sql.push_str(returning);
            }
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for cell in batch.into_iter().flatten() {
                query = match cell {
                    Cell::Int(value) => query.bind(value),
                    Cell::Text(value) => query.bind(value),
                    Cell::NoInt => query.bind(None::<i64>),
                    Cell::NoText => query.bind(None::<String>),
                };
            }
            returned.extend(query.fetch_all(&mut **self.tx()?).await?);
        }
        Ok(returned)
    }
}

/// The ids in `rows` by the value of their column `key`.
fn by_key<K>(rows: &[AnyRow], key: &str) -> Result<HashMap<K, i64>>
where
    K: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + std::hash::Hash + Eq,
{
    rows.iter()
        .map(|row| Ok((row.try_get::<K, _>(key)?, row.try_get::<i64, _>("id")?)))
        .collect()
}

fn found<K: std::hash::Hash + Eq + std::fmt::Debug + ?Sized, Q>(
    ids: &HashMap<Q, i64>,
    key: &K,
) -> Result<i64>
where
    Q: std::borrow::Borrow<K> + std::hash::Hash + Eq,
{
    ids.get(key)
        .copied()
        .ok_or_else(|| corrupt(format!("no id returned for {key:?}")))
}
