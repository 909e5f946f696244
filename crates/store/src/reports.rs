//! Reports as they are read: their status, fields and submissions. (Changing them:
//! `saves` and `submissions`.)

use sqlx::Row;
use sqlx::any::AnyRow;
use tertial_domain::{
    Body, BodyId, BodyKind, DraftAccess, Field, FieldValue, FollowUp, Report, ReportId,
    ReportStatus, Round, RoundId, StoredField, Submission, SubmissionAccess, UserId,
};

use crate::followups::body_with_id_column;
use crate::rounds::round_from_columns;
use crate::{Backend, Result, Store, corrupt, timestamp};

/// A report with the body it belongs to, for overviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOverview {
    pub report: Report,
    pub body: Body,
    /// The body's own deadline in the round, when it was given one (it overrides the
    /// round's).
    pub deadline: Option<jiff::civil::Date>,
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
                    o.follow_up_id, o.period, o.year, o.status AS round_status,
                    COALESCE(r.deadline, o.deadline) AS deadline,
                    b.name, b.short_name, b.kind, b.active, f.title, f.purpose,
                    o.introduction
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
        // The round as this body answers it: with its own deadline, if it has one.
        let round = round_from_columns(&row, "round_id", "round_status")?;
        let body = body_with_id_column(&row, "body_id")?;
        let follow_up = FollowUp {
            id: round.follow_up_id,
            title: row.try_get("title")?,
            purpose: row.try_get("purpose")?,
            // As the round froze it when it opened.
            introduction: row.try_get("introduction")?,
        };
        Ok(Some((report, round, body, follow_up)))
    }

    /// Every report of a round with its body, in body order. The rows come back as one
    /// JSON array in one row: a round of 500 bodies would otherwise cost 500 rows' trips
    /// through the driver (on SQLite, each a message from its worker thread), which is most
    /// of the dashboard's time. The aggregate is spelled per backend; the columns are the same.
    pub async fn round_overview(&self, round: RoundId) -> Result<Vec<ReportOverview>> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT json_group_array(json_array(r.id, r.body_id, r.status, r.updated_at,
                        r.submitted_at, r.deadline, b.name, b.short_name, b.kind, b.active))
                 FROM reports r JOIN bodies b ON b.id = r.body_id WHERE r.round_id = $1"
            }
            Backend::Postgres => {
                "SELECT COALESCE(json_agg(json_build_array(r.id, r.body_id, r.status,
                        r.updated_at, r.submitted_at, r.deadline, b.name, b.short_name, b.kind,
                        b.active)), '[]')::TEXT
                 FROM reports r JOIN bodies b ON b.id = r.body_id WHERE r.round_id = $1"
            }
        };
        let json: String = sqlx::query_scalar(sql)
            .bind(round.0)
            .fetch_one(&self.read)
            .await?;
        type Columns = (
            i64,
            i64,
            String,
            Option<i64>,
            Option<i64>,
            Option<String>,
            String,
            String,
            String,
            i64,
        );
        let rows: Vec<Columns> = serde_json::from_str(&json).map_err(corrupt)?;
        let mut reports = rows
            .into_iter()
            .map(
                |(
                    id,
                    body,
                    status,
                    updated,
                    submitted,
                    deadline,
                    name,
                    short_name,
                    kind,
                    active,
                )| {
                    Ok(ReportOverview {
                        report: Report {
                            id: ReportId(id),
                            round_id: round,
                            body_id: BodyId(body),
                            status: ReportStatus::from_code(&status).map_err(corrupt)?,
                            updated_at: updated.map(timestamp).transpose()?,
                            submitted_at: submitted.map(timestamp).transpose()?,
                        },
                        body: Body {
                            id: BodyId(body),
                            name,
                            short_name,
                            kind: BodyKind::from_code(&kind).map_err(corrupt)?,
                            active: active != 0,
                        },
                        deadline: deadline.map(|d| d.parse()).transpose().map_err(corrupt)?,
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        reports.sort_by_key(|o| o.body.id.0);
        Ok(reports)
    }

    /// Every report of one body, newest round first.
    pub async fn reports_of_body(&self, body: BodyId) -> Result<Vec<ReportOverview>> {
        let rows = sqlx::query(
            "SELECT r.id, r.round_id, r.body_id, r.status, r.updated_at, r.submitted_at,
                    r.deadline, b.name, b.short_name, b.kind, b.active
             FROM reports r JOIN bodies b ON b.id = r.body_id
             WHERE r.body_id = $1 ORDER BY r.round_id DESC",
        )
        .bind(body.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(overview_from_row).collect()
    }

    /// The report's fields as saved now: its draft, for the body's own reporters only.
    pub async fn fields(&self, access: &DraftAccess) -> Result<Vec<StoredField>> {
        self.fields_of(access.report()).await
    }

    /// A report's fields, for tests that check what was stored.
    #[cfg(feature = "testing")]
    pub async fn stored_fields(&self, report: ReportId) -> Result<Vec<StoredField>> {
        self.fields_of(report).await
    }

    async fn fields_of(&self, report: ReportId) -> Result<Vec<StoredField>> {
        let rows = sqlx::query(
            "SELECT field, text, not_applicable, version, updated_at FROM answers
             WHERE report_id = $1",
        )
        .bind(report.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(field_from_row).collect()
    }

    /// A report's submissions, oldest first.
    pub async fn submissions(&self, access: &SubmissionAccess) -> Result<Vec<Submission>> {
        self.submissions_of(access.report()).await
    }

    /// A report's submissions, for tests that check what was stored.
    #[cfg(feature = "testing")]
    pub async fn stored_submissions(&self, report: ReportId) -> Result<Vec<Submission>> {
        self.submissions_of(report).await
    }

    async fn submissions_of(&self, report: ReportId) -> Result<Vec<Submission>> {
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
        deadline: row
            .try_get::<Option<String>, _>("deadline")?
            .map(|d| d.parse())
            .transpose()
            .map_err(corrupt)?,
    })
}

pub(crate) fn field_from_row(row: &AnyRow) -> Result<StoredField> {
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

pub(crate) fn submission_from_row(row: &AnyRow) -> Result<Submission> {
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
