//! Follow-ups with their focus areas and questions, and the bodies that answer them.

use sqlx::Row;
use sqlx::any::AnyRow;
use tertial_domain::followup::{decode_bodies, decode_kinds, encode_bodies, encode_kinds};
use tertial_domain::{
    Body, BodyId, BodyKind, FocusArea, FollowUp, FollowUpId, Question, QuestionKey,
};

use crate::{Result, Store, corrupt, duplicate};

impl Store {
    /// Creates a follow-up with its focus areas and questions.
    pub async fn insert_follow_up(
        &self,
        title: &str,
        purpose: &str,
        focus_areas: &[FocusArea],
        questions: &[Question],
    ) -> Result<FollowUpId> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO follow_ups (title, purpose) VALUES ($1, $2) RETURNING id",
        )
        .bind(title)
        .bind(purpose)
        .fetch_one(&mut *tx)
        .await?;
        for area in focus_areas {
            sqlx::query(
                "INSERT INTO focus_areas (follow_up_id, number, official_name, label)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(i64::from(area.number))
            .bind(area.official_name.as_str())
            .bind(area.label.as_str())
            .execute(&mut *tx)
            .await?;
        }
        for q in questions {
            sqlx::query(
                "INSERT INTO questions
                 (follow_up_id, key, focus_area, position, text, help, applies_to, na_allowed, bodies)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(q.key.as_str())
            .bind(i64::from(q.focus_area))
            .bind(i64::from(q.position))
            .bind(q.text.as_str())
            .bind(q.help.as_deref())
            .bind(encode_kinds(&q.applies_to))
            .bind(i64::from(q.not_applicable_allowed))
            .bind(encode_bodies(&q.bodies))
            .execute(&mut *tx)
            .await
            .map_err(duplicate("question key"))?;
        }
        tx.commit().await?;
        Ok(FollowUpId(id))
    }

    /// Every follow-up.
    pub async fn follow_ups(&self) -> Result<Vec<FollowUp>> {
        let rows =
            sqlx::query("SELECT id, title, purpose, introduction FROM follow_ups ORDER BY id")
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(follow_up_from_row).collect()
    }

    pub async fn follow_up(&self, id: FollowUpId) -> Result<Option<FollowUp>> {
        let row =
            sqlx::query("SELECT id, title, purpose, introduction FROM follow_ups WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.read)
                .await?;
        row.as_ref().map(follow_up_from_row).transpose()
    }

    pub async fn insert_body(
        &self,
        name: &str,
        short_name: &str,
        kind: BodyKind,
    ) -> Result<BodyId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO bodies (name, short_name, kind, active) VALUES ($1, $2, $3, 1) RETURNING id",
        )
        .bind(name)
        .bind(short_name)
        .bind(kind.code())
        .fetch_one(&self.write)
        .await
        .map_err(duplicate("body"))?;
        Ok(BodyId(id))
    }

    pub async fn bodies(&self) -> Result<Vec<Body>> {
        let rows = sqlx::query("SELECT id, name, short_name, kind, active FROM bodies ORDER BY id")
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(body_from_row).collect()
    }

    pub async fn body(&self, id: BodyId) -> Result<Option<Body>> {
        let row =
            sqlx::query("SELECT id, name, short_name, kind, active FROM bodies WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.read)
                .await?;
        row.as_ref().map(body_from_row).transpose()
    }
}

fn follow_up_from_row(row: &AnyRow) -> Result<FollowUp> {
    Ok(FollowUp {
        id: FollowUpId(row.try_get("id")?),
        title: row.try_get("title")?,
        purpose: row.try_get("purpose")?,
        introduction: row.try_get("introduction")?,
    })
}

pub(crate) fn body_from_row(row: &AnyRow) -> Result<Body> {
    body_with_id_column(row, "id")
}

/// Reads a body from a row that names its id `id_column` (joins rename it).
pub(crate) fn body_with_id_column(row: &AnyRow, id_column: &str) -> Result<Body> {
    Ok(Body {
        id: BodyId(row.try_get(id_column)?),
        name: row.try_get("name")?,
        short_name: row.try_get("short_name")?,
        kind: BodyKind::from_code(row.try_get("kind")?).map_err(corrupt)?,
        active: row.try_get::<i64, _>("active")? != 0,
    })
}

/// The columns [`question_from_row`] reads, which `questions` and `round_questions` share.
pub(crate) const QUESTION_COLUMNS: &str =
    "key, focus_area, position, text, help, applies_to, na_allowed, bodies";

/// Reads a question from `questions` or `round_questions`, which share their columns.
pub(crate) fn question_from_row(row: &AnyRow) -> Result<Question> {
    Ok(Question {
        key: QuestionKey::parse(row.try_get("key")?).map_err(corrupt)?,
        focus_area: u32_of(row.try_get("focus_area")?)?,
        position: u32_of(row.try_get("position")?)?,
        text: row.try_get("text")?,
        help: row.try_get("help")?,
        applies_to: decode_kinds(row.try_get("applies_to")?).map_err(corrupt)?,
        bodies: decode_bodies(row.try_get("bodies")?).map_err(corrupt)?,
        not_applicable_allowed: row.try_get::<i64, _>("na_allowed")? != 0,
    })
}

pub(crate) fn u32_of(value: i64) -> Result<u32> {
    u32::try_from(value).map_err(corrupt)
}
