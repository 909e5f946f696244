//! Writing follow-ups: their texts, focus areas and questions. Each change is one
//! transaction with its audit entry; rounds already opened keep their own copies
//! (`round_questions`, `round_focus_areas`), so nothing here changes what they asked.

use sqlx::Row;
use tertial_domain::followup::{encode_bodies, encode_kinds};
use tertial_domain::{
    FocusArea, FollowUpId, FollowUpText, NewAuditEntry, Question, QuestionKey, Timestamp,
};

use crate::followups::{QUESTION_COLUMNS, question_from_row};
use crate::{Result, Store, audit};

/// What became of an edit. Unless `Done`, nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Done,
    /// What was to be changed does not exist, or (a question) has changed since it was read.
    Missing,
    /// A title, number, name or key that must be unique is taken.
    Duplicate,
}

/// A question as the editor shows it: retired or not, and its version (each edit adds one),
/// which an edit must name so that it never overwrites someone else's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditableQuestion {
    pub question: Question,
    pub retired: bool,
    pub version: i64,
}

type Statement<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

impl Store {
    /// Creates a follow-up without focus areas or questions. `None`: the title is taken.
    pub async fn create_follow_up(
        &self,
        text: &FollowUpText,
        at: Timestamp,
        audit: impl FnOnce(FollowUpId) -> NewAuditEntry,
    ) -> Result<Option<FollowUpId>> {
        let mut tx = self.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO follow_ups (title, purpose, introduction) VALUES ($1, $2, $3)
             ON CONFLICT (title) DO NOTHING RETURNING id",
        )
        .bind(text.title.as_str())
        .bind(text.purpose.as_str())
        .bind(text.introduction.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id.map(FollowUpId) else {
            tx.rollback().await?;
            return Ok(None);
        };
        audit::append(&mut tx, &audit(id), at).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    pub async fn update_follow_up(
        &self,
        id: FollowUpId,
        text: &FollowUpText,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<Edit> {
        let change = sqlx::query(
            "UPDATE follow_ups SET title = $2, purpose = $3, introduction = $4 WHERE id = $1",
        )
        .bind(id.0)
        .bind(text.title.as_str())
        .bind(text.purpose.as_str())
        .bind(text.introduction.as_str());
        self.edit(vec![change], audit, at).await
    }

    /// A follow-up's focus areas, by number.
    pub async fn focus_areas(&self, id: FollowUpId) -> Result<Vec<FocusArea>> {
        sqlx::query(
            "SELECT number, official_name, label FROM focus_areas WHERE follow_up_id = $1
             ORDER BY number",
        )
        .bind(id.0)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(crate::rounds::focus_area_from_row)
        .collect()
    }

    pub async fn add_focus_area(
        &self,
        id: FollowUpId,
        area: &FocusArea,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<Edit> {
        let insert = sqlx::query(
            "INSERT INTO focus_areas (follow_up_id, number, official_name, label)
             SELECT id, $2, $3, $4 FROM follow_ups WHERE id = $1",
        )
        .bind(id.0)
        .bind(i64::from(area.number))
        .bind(area.official_name.as_str())
        .bind(area.label.as_str());
        self.edit(vec![insert], audit, at).await
    }

    /// Changes focus area `number`: its names, and its number (its place in the form),
    /// which its questions follow.
    pub async fn update_focus_area(
        &self,
        id: FollowUpId,
        number: u32,
        area: &FocusArea,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<Edit> {
        let update = sqlx::query(
            "UPDATE focus_areas SET number = $3, official_name = $4, label = $5
             WHERE follow_up_id = $1 AND number = $2",
        )
        .bind(id.0)
        .bind(i64::from(number))
        .bind(i64::from(area.number))
        .bind(area.official_name.as_str())
        .bind(area.label.as_str());
        let questions = sqlx::query(
            "UPDATE questions SET focus_area = $3 WHERE follow_up_id = $1 AND focus_area = $2",
        )
        .bind(id.0)
        .bind(i64::from(number))
        .bind(i64::from(area.number));
        self.edit(vec![update, questions], audit, at).await
    }

    /// Every question of a follow-up, retired ones too, in form order.
    pub async fn editable_questions(&self, id: FollowUpId) -> Result<Vec<EditableQuestion>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {QUESTION_COLUMNS}, retired, version FROM questions WHERE follow_up_id = $1
             ORDER BY focus_area, position, key"
        )))
        .bind(id.0)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|row| {
            Ok(EditableQuestion {
                question: question_from_row(row)?,
                retired: row.try_get::<i64, _>("retired")? != 0,
                version: row.try_get("version")?,
            })
        })
        .collect()
    }

    pub async fn add_question(
        &self,
        id: FollowUpId,
        q: &Question,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<Edit> {
        let insert = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO questions (follow_up_id, {QUESTION_COLUMNS})
             SELECT id, $2, $3, $4, $5, $6, $7, $8, $9 FROM follow_ups WHERE id = $1"
        )))
        .bind(id.0)
        .bind(q.key.as_str());
        self.edit(vec![bind_question(insert, q)], audit, at).await
    }

    /// Changes a question (never its key), if it still has `version`: otherwise `Missing`.
    pub async fn update_question(
        &self,
        id: FollowUpId,
        version: i64,
        q: &Question,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<Edit> {
        let update = sqlx::query(
            "UPDATE questions SET focus_area = $4, position = $5, text = $6, help = $7,
                    applies_to = $8, na_allowed = $9, bodies = $10, version = version + 1
             WHERE follow_up_id = $1 AND key = $2 AND version = $3",
        )
        .bind(id.0)
        .bind(q.key.as_str())
        .bind(version);
        self.edit(vec![bind_question(update, q)], audit, at).await
    }

    /// Retires a question (rounds opened later do not ask it) or restores it.
    pub async fn set_question_retired(
        &self,
        id: FollowUpId,
        key: &QuestionKey,
        retired: bool,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<Edit> {
        let change = sqlx::query(
            "UPDATE questions SET retired = $3, version = version + 1
             WHERE follow_up_id = $1 AND key = $2 AND retired <> $3",
        )
        .bind(id.0)
        .bind(key.as_str())
        .bind(i64::from(retired));
        self.edit(vec![change], audit, at).await
    }

    /// Runs `statements` and appends `audit`, in one transaction. If the first changes
    /// nothing, or any breaks a uniqueness rule, nothing is written.
    async fn edit(
        &self,
        statements: Vec<Statement<'_>>,
        audit: &NewAuditEntry,
        at: Timestamp,
    ) -> Result<Edit> {
        let mut tx = self.begin().await?;
        for (i, statement) in statements.into_iter().enumerate() {
            match statement.execute(&mut *tx).await {
                Ok(done) if i == 0 && done.rows_affected() == 0 => {
                    tx.rollback().await?;
                    return Ok(Edit::Missing);
                }
                Ok(_) => {}
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    tx.rollback().await?;
                    return Ok(Edit::Duplicate);
                }
                Err(e) => {
                    tx.rollback().await?;
                    return Err(e.into());
                }
            }
        }
        audit::append(&mut tx, audit, at).await?;
        tx.commit().await?;
        Ok(Edit::Done)
    }
}

/// Binds a question's columns after its key, in [`QUESTION_COLUMNS`]' order.
fn bind_question<'q>(statement: Statement<'q>, q: &'q Question) -> Statement<'q> {
    statement
        .bind(i64::from(q.focus_area))
        .bind(i64::from(q.position))
        .bind(q.text.as_str())
        .bind(q.help.as_deref())
        .bind(encode_kinds(&q.applies_to))
        .bind(i64::from(q.not_applicable_allowed))
        .bind(encode_bodies(&q.bodies))
}
