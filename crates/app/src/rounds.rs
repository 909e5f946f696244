//! Following rounds: which bodies have answered.

use tertial_domain::{Actor, AuditSubject, FollowUp, Round, RoundId};
use tertial_store::ReportOverview;

use crate::{App, AppError, Result};

/// A round with how far its reports have come.
#[derive(Debug, Clone)]
pub struct RoundListing {
    pub round: Round,
    pub follow_up: FollowUp,
    pub reports: usize,
    pub submitted: usize,
}

/// Every body's report in a round, status only.
#[derive(Debug, Clone)]
pub struct RoundOverview {
    pub round: Round,
    pub follow_up: FollowUp,
    pub reports: Vec<ReportOverview>,
}

impl App {
    /// Every round, for those who follow rounds.
    pub async fn rounds(&self, actor: &Actor) -> Result<Vec<RoundListing>> {
        if !actor.follows_rounds() {
            return Err(self.forbidden(actor, AuditSubject::Rounds).await);
        }
        // Three queries, however many rounds there are.
        let follow_ups = self.store.follow_ups().await?;
        let counts = self.store.round_counts().await?;
        let mut listings = Vec::new();
        for round in self.store.rounds().await? {
            let follow_up = follow_ups
                .iter()
                .find(|f| f.id == round.follow_up_id)
                .cloned()
                .ok_or(AppError::NotFound)?;
            let (reports, submitted) = counts
                .iter()
                .find(|(id, _, _)| *id == round.id)
                .map_or((0, 0), |(_, reports, done)| (*reports, *done));
            listings.push(RoundListing {
                submitted: usize::try_from(submitted).unwrap_or_default(),
                reports: usize::try_from(reports).unwrap_or_default(),
                round,
                follow_up,
            });
        }
        Ok(listings)
    }

    /// Every body's status in one round. Never a draft's content: only that it exists.
    pub async fn round_overview(&self, actor: &Actor, id: RoundId) -> Result<RoundOverview> {
        if !actor.follows_rounds() {
            return Err(self.forbidden(actor, AuditSubject::Round(id)).await);
        }
        let round = self.store.round(id).await?.ok_or(AppError::NotFound)?;
        let follow_up = self
            .store
            .follow_up(round.follow_up_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let reports = self.store.round_overview(id).await?;
        Ok(RoundOverview {
            round,
            follow_up,
            reports,
        })
    }
}
