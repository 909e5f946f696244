//! Rounds: creating, opening (which freezes the questions and creates the reports) and closing.

use sqlx::Row;
use sqlx::any::AnyRow;
use tertial_domain::{
    FocusArea, FollowUpId, NewAuditEntry, Period, Question, Round, RoundId, RoundStatus, Timestamp,
    workflow,
};

use crate::followups::{body_from_row, question_from_row, u32_of};
use crate::{Result, Store, audit, bind_transition, corrupt, duplicate};

/// What a round asks, frozen when it opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSnapshot {
    pub focus_areas: Vec<FocusArea>,
    pub questions: Vec<Question>,
}

impl Store {
    /// Plans a round.
    pub async fn insert_round(
        &self,
        follow_up: FollowUpId,
        period: Period,
        year: i32,
        deadline: jiff::civil::Date,
    ) -> Result<RoundId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO rounds (follow_up_id, period, year, deadline, status)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(follow_up.0)
        .bind(period.code())
        .bind(i64::from(year))
        .bind(deadline.to_string())
        .bind(workflow::FIRST_ROUND_STATUS.code())
        .fetch_one(&self.write)
        .await
        .map_err(duplicate("round"))?;
        Ok(RoundId(id))
    }

    /// Opens a planned round: freezes the follow-up's focus areas and questions into it and
    /// creates a report for every active body that gets at least one question. Returns the
    /// number of reports created, or `None` if the round was not planned.
    pub async fn open_round(
        &self,
        round: RoundId,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<Option<usize>> {
        let mut tx = self.begin().await?;
        let opened = sqlx::query(
            "UPDATE rounds SET status = $2 WHERE id = $1 AND status IN ($3, $4, $5)
             RETURNING follow_up_id",
        )
        .bind(round.0);
        let follow_up: Option<i64> =
            bind_transition(opened, &workflow::OPEN_ROUND, RoundStatus::code)
                .fetch_optional(&mut *tx)
                .await?
                .map(|row| row.try_get("follow_up_id"))
                .transpose()?;
        let Some(follow_up) = follow_up else {
            tx.rollback().await?;
            return Ok(None);
        };
        sqlx::query(
            "INSERT INTO round_focus_areas (round_id, number, official_name, label)
             SELECT $1, number, official_name, label FROM focus_areas WHERE follow_up_id = $2",
        )
        .bind(round.0)
        .bind(follow_up)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO round_questions
             (round_id, key, focus_area, position, text, help, applies_to, na_allowed)
             SELECT $1, key, focus_area, position, text, help, applies_to, na_allowed
             FROM questions WHERE follow_up_id = $2",
        )
        .bind(round.0)
        .bind(follow_up)
        .execute(&mut *tx)
        .await?;
        let questions = sqlx::query(
            "SELECT key, focus_area, position, text, help, applies_to, na_allowed
             FROM round_questions WHERE round_id = $1",
        )
        .bind(round.0)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(question_from_row)
        .collect::<Result<Vec<_>>>()?;
        let bodies = sqlx::query(
            "SELECT id, name, short_name, kind, active FROM bodies WHERE active = 1 ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(body_from_row)
        .collect::<Result<Vec<_>>>()?;
        let mut created = 0;
        for body in bodies
            .iter()
            .filter(|b| questions.iter().any(|q| q.applies_to_kind(b.kind)))
        {
            sqlx::query("INSERT INTO reports (round_id, body_id, status) VALUES ($1, $2, $3)")
                .bind(round.0)
                .bind(body.id.0)
                .bind(workflow::FIRST_REPORT_STATUS.code())
                .execute(&mut *tx)
                .await?;
            created += 1;
        }
        audit::append(&mut tx, audit, at).await?;
        tx.commit().await?;
        Ok(Some(created))
    }

    /// Closes an open round. Returns whether it was open. On PostgreSQL the update waits for
    /// saves and submissions under way in the round (they hold its row `FOR SHARE`), and
    /// every later one sees the round closed.
    pub async fn close_round(
        &self,
        round: RoundId,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let closed =
            sqlx::query("UPDATE rounds SET status = $2 WHERE id = $1 AND status IN ($3, $4, $5)")
                .bind(round.0);
        let done = bind_transition(closed, &workflow::CLOSE_ROUND, RoundStatus::code)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        audit::append(&mut tx, audit, at).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every round, newest first.
    /// Every round, newest first: by year, then by period in the order of the year (T1,
    /// T2, VB), not by the period's code.
    pub async fn rounds(&self) -> Result<Vec<Round>> {
        let rows =
            sqlx::query("SELECT id, follow_up_id, period, year, deadline, status FROM rounds")
                .fetch_all(&self.read)
                .await?;
        let mut rounds = rows
            .iter()
            .map(round_from_row)
            .collect::<Result<Vec<_>>>()?;
        rounds.sort_by_key(|r| std::cmp::Reverse((r.year, r.period, r.id.0)));
        Ok(rounds)
    }

    /// How many reports each round has, and how many of them are handed in: one query for
    /// the rounds page.
    pub async fn round_counts(&self) -> Result<Vec<(RoundId, i64, i64)>> {
        let rows = sqlx::query(
            "SELECT round_id, COUNT(*) AS reports,
                    SUM(CASE WHEN status IN ($1, $2) THEN 1 ELSE 0 END) AS done
             FROM reports GROUP BY round_id",
        )
        .bind(workflow::HANDED_IN[0].code())
        .bind(workflow::HANDED_IN[1].code())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    RoundId(row.try_get("round_id")?),
                    row.try_get("reports")?,
                    row.try_get::<Option<i64>, _>("done")?.unwrap_or(0),
                ))
            })
            .collect()
    }

    pub async fn round(&self, id: RoundId) -> Result<Option<Round>> {
        let row = sqlx::query(
            "SELECT id, follow_up_id, period, year, deadline, status FROM rounds WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(round_from_row).transpose()
    }

    /// What an opened round asks.
    pub async fn round_snapshot(&self, round: RoundId) -> Result<RoundSnapshot> {
        let focus_areas = sqlx::query(
            "SELECT number, official_name, label FROM round_focus_areas
             WHERE round_id = $1 ORDER BY number",
        )
        .bind(round.0)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|row| {
            Ok(FocusArea {
                number: u32_of(row.try_get("number")?)?,
                official_name: row.try_get("official_name")?,
                label: row.try_get("label")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let questions = sqlx::query(
            "SELECT key, focus_area, position, text, help, applies_to, na_allowed
             FROM round_questions WHERE round_id = $1 ORDER BY focus_area, position",
        )
        .bind(round.0)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(question_from_row)
        .collect::<Result<Vec<_>>>()?;
        Ok(RoundSnapshot {
            focus_areas,
            questions,
        })
    }
}

fn round_from_row(row: &AnyRow) -> Result<Round> {
    round_from_columns(row, "id", "status")
}

/// Reads a round from a row that names its id and status columns as given (joins rename them).
pub(crate) fn round_from_columns(row: &AnyRow, id: &str, status: &str) -> Result<Round> {
    Ok(Round {
        id: RoundId(row.try_get(id)?),
        follow_up_id: FollowUpId(row.try_get("follow_up_id")?),
        period: Period::from_code(row.try_get("period")?).map_err(corrupt)?,
        year: i32::try_from(row.try_get::<i64, _>("year")?).map_err(corrupt)?,
        deadline: row
            .try_get::<String, _>("deadline")?
            .parse()
            .map_err(corrupt)?,
        status: RoundStatus::from_code(row.try_get(status)?).map_err(corrupt)?,
    })
}
