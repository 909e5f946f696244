//! Rounds: creating, opening (which freezes the questions and creates the reports) and closing.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use tertial_domain::{
    Body, BodyId, DraftAccess, Field, FocusArea, FollowUpId, NewAuditEntry, NewMail, Period,
    Question, ReportId, Round, RoundId, RoundStatus, StoredField, SubmittedContent, Timestamp,
    workflow,
};

use crate::followups::{QUESTION_COLUMNS, body_from_row, question_from_row, u32_of};
use crate::outbox::PendingReporter;
use crate::reports::field_from_row;
use crate::{Result, Store, audit, bind_transition, corrupt, duplicate, millis, outbox};

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
        Ok(self
            .open_round_for(round, &Opening::default(), at, audit)
            .await?
            .ok())
    }

    /// Opens a planned round for the bodies `opening` names (or every active body that gets
    /// a question), their drafts prefilled from the previous round when it says so: one
    /// transaction, nothing of it left on a refusal.
    pub async fn open_round_for(
        &self,
        round: RoundId,
        opening: &Opening,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<Result<usize, OpenRefusal>> {
        let mut tx = self.begin().await?;
        match open_in(&mut tx, round, opening, at).await? {
            Ok(created) => {
                audit::append(&mut tx, audit, at).await?;
                tx.commit().await?;
                Ok(Ok(created))
            }
            Err(refusal) => {
                tx.rollback().await?;
                Ok(Err(refusal))
            }
        }
    }

    /// Creates a round and opens it at once, in one transaction: a round that exists
    /// already for the period and year, or a refused opening, leaves nothing behind.
    /// `audit` is written with the new round as its subject.
    pub async fn create_round(
        &self,
        new: &NewRound,
        opening: &Opening,
        at: Timestamp,
        audit: impl FnOnce(RoundId) -> NewAuditEntry,
        invite: &(dyn Fn(&PendingReporter) -> NewMail + Sync),
    ) -> Result<Result<(RoundId, usize), OpenRefusal>> {
        let mut tx = self.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO rounds (follow_up_id, period, year, deadline, status)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (follow_up_id, period, year) DO NOTHING RETURNING id",
        )
        .bind(new.follow_up.0)
        .bind(new.period.code())
        .bind(i64::from(new.year))
        .bind(new.deadline.to_string())
        .bind(workflow::FIRST_ROUND_STATUS.code())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id.map(RoundId) else {
            tx.rollback().await?;
            return Ok(Err(OpenRefusal::Exists));
        };
        match open_in(&mut tx, id, opening, at).await? {
            Ok(created) => {
                audit::append(&mut tx, &audit(id), at).await?;
                // Each body's reporters are invited, queued with the opening itself.
                for reporter in outbox::reporters_of(&mut tx, id, None).await? {
                    outbox::enqueue(&mut tx, &invite(&reporter), at).await?;
                }
                tx.commit().await?;
                Ok(Ok((id, created)))
            }
            Err(refusal) => {
                tx.rollback().await?;
                Ok(Err(refusal))
            }
        }
    }

    /// Moves an open round's deadline. Returns whether the round was open.
    pub async fn set_round_deadline(
        &self,
        round: RoundId,
        deadline: jiff::civil::Date,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<bool> {
        let change = sqlx::query("UPDATE rounds SET deadline = $2 WHERE id = $1 AND status = $3")
            .bind(round.0)
            .bind(deadline.to_string())
            .bind(workflow::OPEN_ROUND.to.code());
        self.change_with_audit(change, audit, at).await
    }

    /// Gives one body's report a deadline of its own, which overrides the round's. Returns
    /// whether the report is in `round` and the round is open.
    pub async fn set_report_deadline(
        &self,
        round: RoundId,
        report: ReportId,
        deadline: jiff::civil::Date,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<bool> {
        let change = sqlx::query(
            "UPDATE reports SET deadline = $3 WHERE id = $2 AND round_id = $1
             AND round_id IN (SELECT id FROM rounds WHERE id = $1 AND status = $4)",
        )
        .bind(round.0)
        .bind(report.0)
        .bind(deadline.to_string())
        .bind(workflow::OPEN_ROUND.to.code());
        self.change_with_audit(change, audit, at).await
    }

    /// The questions a follow-up asks now (what a round opened today would freeze: not
    /// the retired ones), in form order.
    pub async fn follow_up_questions(&self, follow_up: FollowUpId) -> Result<Vec<Question>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {QUESTION_COLUMNS} FROM questions WHERE follow_up_id = $1 AND retired = 0
             ORDER BY focus_area, position, key"
        )))
        .bind(follow_up.0)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(question_from_row)
        .collect()
    }

    /// Adds a question to a follow-up (rounds opened later ask it), for tests.
    #[cfg(feature = "testing")]
    pub async fn insert_question(&self, follow_up: FollowUpId, q: &Question) -> Result<()> {
        sqlx::query(
            "INSERT INTO questions
             (follow_up_id, key, focus_area, position, text, help, applies_to, na_allowed, bodies)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(follow_up.0)
        .bind(q.key.as_str())
        .bind(i64::from(q.focus_area))
        .bind(i64::from(q.position))
        .bind(q.text.as_str())
        .bind(q.help.as_deref())
        .bind(tertial_domain::followup::encode_kinds(&q.applies_to))
        .bind(i64::from(q.not_applicable_allowed))
        .bind(tertial_domain::followup::encode_bodies(&q.bodies))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The draft's answers that still hold what a round's opening copied, with that round.
    pub async fn prefilled(&self, access: &DraftAccess) -> Result<Vec<(Field, RoundId)>> {
        let (_, marked) = self.marked_fields(access).await?;
        Ok(marked.into_iter().map(|(f, round)| (f, round.id)).collect())
    }

    /// A draft's stored fields, and which of them still hold what a round's opening copied
    /// (with that round): one query, as the form page asks it every time.
    pub async fn marked_fields(
        &self,
        access: &DraftAccess,
    ) -> Result<(Vec<StoredField>, Vec<(Field, Round)>)> {
        let rows = sqlx::query(
            "SELECT a.field, a.text, a.not_applicable, a.version, a.updated_at,
                    p.from_round, o.follow_up_id, o.period, o.year, o.deadline,
                    o.status AS round_status
             FROM answers a
             LEFT JOIN prefilled_answers p ON p.report_id = a.report_id AND p.field = a.field
                                          AND p.version = a.version
             LEFT JOIN rounds o ON o.id = p.from_round
             WHERE a.report_id = $1",
        )
        .bind(access.report().0)
        .fetch_all(&self.read)
        .await?;
        let mut fields = Vec::with_capacity(rows.len());
        let mut marked = Vec::new();
        for row in &rows {
            let field = field_from_row(row)?;
            if row.try_get::<Option<i64>, _>("from_round")?.is_some() {
                let round = round_from_columns(row, "from_round", "round_status")?;
                marked.push((field.field.clone(), round));
            }
            fields.push(field);
        }
        Ok((fields, marked))
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
        let closed =
            sqlx::query("UPDATE rounds SET status = $2 WHERE id = $1 AND status IN ($3, $4, $5)")
                .bind(round.0);
        let change = bind_transition(closed, &workflow::CLOSE_ROUND, RoundStatus::code);
        self.change_with_audit(change, audit, at).await
    }

    /// Runs a conditional update in a transaction of its own with its audit entry. Returns
    /// whether it changed anything (if not, nothing is written).
    async fn change_with_audit(
        &self,
        change: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
        audit: &NewAuditEntry,
        at: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        if change.execute(&mut *tx).await?.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        audit::append(&mut tx, audit, at).await?;
        tx.commit().await?;
        Ok(true)
    }

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
        .map(focus_area_from_row)
        .collect::<Result<Vec<_>>>()?;
        let questions = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {QUESTION_COLUMNS} FROM round_questions WHERE round_id = $1
             ORDER BY focus_area, position, key"
        )))
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
/// A focus area from a row with `number`, `official_name` and `label`.
pub(crate) fn focus_area_from_row(row: &AnyRow) -> Result<FocusArea> {
    Ok(FocusArea {
        number: u32_of(row.try_get("number")?)?,
        official_name: row.try_get("official_name")?,
        label: row.try_get("label")?,
    })
}

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

/// A round to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRound {
    pub follow_up: FollowUpId,
    pub period: Period,
    pub year: i32,
    pub deadline: jiff::civil::Date,
}

/// Who a round opens for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opening {
    /// The bodies that take part; `None`: every active body that gets at least one question.
    pub bodies: Option<Vec<BodyId>>,
    /// Whether each draft starts from the body's latest submission in the previous round of
    /// the same follow-up (answers to the same questions, by key).
    pub prefill: bool,
}

/// Why a round was not opened (nothing was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenRefusal {
    /// The round is not planned (already opened, or closed), or does not exist.
    NotPlanned,
    /// A round of the follow-up already exists for that period and year.
    Exists,
    /// No body was chosen.
    NoBodies,
    /// A chosen body is unknown or inactive.
    UnknownBody(BodyId),
    /// A chosen body gets none of the round's questions.
    NoQuestions(BodyId),
}

/// Opens `round` inside the caller's transaction: freezes the questions, creates the
/// reports and, if asked, prefills their drafts. On a refusal the caller rolls back.
async fn open_in(
    conn: &mut AnyConnection,
    round: RoundId,
    opening: &Opening,
    at: Timestamp,
) -> Result<Result<usize, OpenRefusal>> {
    let opened = sqlx::query(
        "UPDATE rounds SET status = $2 WHERE id = $1 AND status IN ($3, $4, $5)
         RETURNING follow_up_id, period, year",
    )
    .bind(round.0);
    let row = bind_transition(opened, &workflow::OPEN_ROUND, RoundStatus::code)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(Err(OpenRefusal::NotPlanned));
    };
    let follow_up: i64 = row.try_get("follow_up_id")?;
    let period = Period::from_code(row.try_get("period")?).map_err(corrupt)?;
    let year = i32::try_from(row.try_get::<i64, _>("year")?).map_err(corrupt)?;
    let questions = freeze(conn, round, FollowUpId(follow_up)).await?;
    let active = sqlx::query(
        "SELECT id, name, short_name, kind, active FROM bodies WHERE active = 1 ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(body_from_row)
    .collect::<Result<Vec<_>>>()?;
    let asked = |body: &Body| questions.iter().any(|q| q.asks(body));
    let bodies: Vec<&Body> = match &opening.bodies {
        None => active.iter().filter(|b| asked(b)).collect(),
        Some(chosen) => {
            if chosen.is_empty() {
                return Ok(Err(OpenRefusal::NoBodies));
            }
            let mut bodies = Vec::with_capacity(chosen.len());
            for id in chosen {
                let Some(body) = active.iter().find(|b| b.id == *id) else {
                    return Ok(Err(OpenRefusal::UnknownBody(*id)));
                };
                if !asked(body) {
                    return Ok(Err(OpenRefusal::NoQuestions(*id)));
                }
                if !bodies.iter().any(|b: &&Body| b.id == *id) {
                    bodies.push(body);
                }
            }
            bodies
        }
    };
    let mut reports = Vec::with_capacity(bodies.len());
    for body in &bodies {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reports (round_id, body_id, status) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(round.0)
        .bind(body.id.0)
        .bind(workflow::FIRST_REPORT_STATUS.code())
        .fetch_one(&mut *conn)
        .await?;
        reports.push((*body, ReportId(id)));
    }
    if opening.prefill {
        prefill(
            conn,
            FollowUpId(follow_up),
            (year, period),
            &questions,
            &reports,
            at,
        )
        .await?;
    }
    Ok(Ok(reports.len()))
}

/// Freezes the follow-up's focus areas, questions (not the retired ones) and introduction
/// into `round`, inside the caller's transaction. Returns the questions frozen, in form order.
pub(crate) async fn freeze(
    conn: &mut AnyConnection,
    round: RoundId,
    follow_up: FollowUpId,
) -> Result<Vec<Question>> {
    let follow_up = follow_up.0;
    sqlx::query(
        "INSERT INTO round_focus_areas (round_id, number, official_name, label)
         SELECT $1, number, official_name, label FROM focus_areas WHERE follow_up_id = $2",
    )
    .bind(round.0)
    .bind(follow_up)
    .execute(&mut *conn)
    .await?;
    // Retired questions are not asked again; the rounds that asked them keep their copies.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO round_questions (round_id, {QUESTION_COLUMNS})
         SELECT $1, {QUESTION_COLUMNS} FROM questions WHERE follow_up_id = $2 AND retired = 0"
    )))
    .bind(round.0)
    .bind(follow_up)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE rounds SET introduction = (SELECT introduction FROM follow_ups WHERE id = $2)
         WHERE id = $1",
    )
    .bind(round.0)
    .bind(follow_up)
    .execute(&mut *conn)
    .await?;
    // In form order, as a round's snapshot reads them.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {QUESTION_COLUMNS} FROM round_questions WHERE round_id = $1
         ORDER BY focus_area, position, key"
    )))
    .bind(round.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(question_from_row)
    .collect()
}

/// Copies into each new report the answers of the body's latest submission in the round of
/// the follow-up just before `(year, period)`, to the questions it is asked again (same
/// key), and records each copy so that the form can mark it until someone saves it.
async fn prefill(
    conn: &mut AnyConnection,
    follow_up: FollowUpId,
    this: (i32, Period),
    questions: &[Question],
    reports: &[(&Body, ReportId)],
    at: Timestamp,
) -> Result<()> {
    let earlier = sqlx::query(
        "SELECT id, follow_up_id, period, year, deadline, status FROM rounds
         WHERE follow_up_id = $1",
    )
    .bind(follow_up.0)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(round_from_row)
    .collect::<Result<Vec<_>>>()?;
    let Some(previous) = earlier
        .iter()
        .filter(|r| (r.year, r.period) < this)
        .max_by_key(|r| (r.year, r.period))
    else {
        return Ok(());
    };
    let latest = sqlx::query(
        "SELECT r.body_id, s.content, s.submitted_by
         FROM submissions s JOIN reports r ON r.id = s.report_id
         WHERE r.round_id = $1
           AND s.number = (SELECT MAX(t.number) FROM submissions t WHERE t.report_id = s.report_id)",
    )
    .bind(previous.id.0)
    .fetch_all(&mut *conn)
    .await?;
    for row in &latest {
        let body = BodyId(row.try_get("body_id")?);
        let Some((body, report)) = reports.iter().find(|(b, _)| b.id == body) else {
            continue;
        };
        let content: SubmittedContent =
            serde_json::from_str(&row.try_get::<String, _>("content")?).map_err(corrupt)?;
        let by: i64 = row.try_get("submitted_by")?;
        for question in questions.iter().filter(|q| q.asks(body)) {
            let Some(answer) = content.answer(&question.key) else {
                continue;
            };
            sqlx::query(
                "INSERT INTO answers
                 (report_id, field, text, not_applicable, version, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, 1, $5, $6)",
            )
            .bind(report.0)
            .bind(question.key.as_str())
            .bind(answer.text.as_str())
            .bind(i64::from(answer.not_applicable))
            .bind(millis(at))
            .bind(by)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "INSERT INTO prefilled_answers (report_id, field, from_round, version)
                 VALUES ($1, $2, $3, 1)",
            )
            .bind(report.0)
            .bind(question.key.as_str())
            .bind(previous.id.0)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
