//! Following rounds: which bodies have answered.

use tertial_domain::{Actor, FollowUp, ReportStatus, Round, RoundId};
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

fn is_in(status: ReportStatus) -> bool {
    matches!(status, ReportStatus::Submitted | ReportStatus::Approved)
}

impl App {
    /// Every round, for those who follow rounds.
    pub async fn rounds(&self, actor: &Actor) -> Result<Vec<RoundListing>> {
        if !actor.follows_rounds() {
            return Err(self.forbidden(actor, "rounds").await);
        }
        let mut listings = Vec::new();
        for round in self.store.rounds().await? {
            let follow_up = self
                .store
                .follow_up(round.follow_up_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let reports = self.store.round_overview(round.id).await?;
            listings.push(RoundListing {
                submitted: reports.iter().filter(|o| is_in(o.report.status)).count(),
                reports: reports.len(),
                round,
                follow_up,
            });
        }
        Ok(listings)
    }

    /// Every body's status in one round. Never a draft's content: only that it exists.
    pub async fn round_overview(&self, actor: &Actor, id: RoundId) -> Result<RoundOverview> {
        if !actor.follows_rounds() {
            return Err(self.forbidden(actor, &format!("round:{id}")).await);
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
