//! Reading submitted versions across rounds, to compare them: each body's latest submitted
//! version in each of two rounds. Only the `submissions` table is read, never a draft.

use sqlx::Row;
use tertial_domain::{BodyId, ComparisonAccess, RoundId, Submission};

use crate::reports::submission_from_row;
use crate::{Result, Store};

/// A body's latest submitted version in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSubmission {
    pub round: RoundId,
    pub body: BodyId,
    pub submission: Submission,
}

impl Store {
    /// The latest submitted version of each report in `rounds` (reports never submitted
    /// have none), for every body or for the one body `access` covers. One query, however
    /// many bodies the rounds have.
    pub async fn latest_submissions(
        &self,
        access: &ComparisonAccess,
        rounds: [RoundId; 2],
    ) -> Result<Vec<RoundSubmission>> {
        let one_body = if access.body().is_some() {
            "AND r.body_id = $3"
        } else {
            ""
        };
        let sql = format!(
            "SELECT r.round_id, r.body_id, s.report_id, s.number, s.submitted_at,
                    s.submitted_by, s.late, s.content, u.name
             FROM submissions s
             JOIN reports r ON r.id = s.report_id
             JOIN users u ON u.id = s.submitted_by
             WHERE r.round_id IN ($1, $2) {one_body}
               AND s.number = (SELECT MAX(t.number) FROM submissions t
                               WHERE t.report_id = s.report_id)"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(rounds[0].0)
            .bind(rounds[1].0);
        if let Some(body) = access.body() {
            query = query.bind(body.0);
        }
        query
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|row| {
                Ok(RoundSubmission {
                    round: RoundId(row.try_get("round_id")?),
                    body: BodyId(row.try_get("body_id")?),
                    submission: submission_from_row(row)?,
                })
            })
            .collect()
    }
}
