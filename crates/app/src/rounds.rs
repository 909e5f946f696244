//! Following rounds: which bodies have answered.

use jiff::civil::Date;
use tertial_domain::round::swedish_date;
use tertial_domain::{
    Actor, AuditAction, AuditSubject, Body, BodyId, FollowUp, FollowUpId, NewAuditEntry, Period,
    Question, ReportId, Round, RoundId, workflow,
};
use tertial_store::{NewRound, OpenRefusal, Opening, ReportOverview};

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
    /// The Swedish date today, which overdue reports are counted by.
    pub today: Date,
    /// The follow-up's round before this one, which its answers are compared with.
    pub previous: Option<Round>,
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
        let previous = self.previous_round(&round).await?;
        Ok(RoundOverview {
            previous,
            round,
            follow_up,
            reports,
            today: swedish_date(self.now()),
        })
    }
}

/// A round the coordinator asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundRequest {
    pub follow_up: FollowUpId,
    pub period: Period,
    pub year: i32,
    pub deadline: Date,
    /// The bodies that take part.
    pub bodies: Vec<BodyId>,
}

/// Why a round cannot be created as asked. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundProblem {
    /// The deadline is before today.
    DeadlinePassed,
    /// The follow-up already has a round for that period and year.
    Exists,
    /// No body was chosen.
    NoBodies,
    /// A chosen body gets none of the follow-up's questions.
    NoQuestions(Body),
    /// A chosen body is unknown or no longer active.
    UnknownBody(BodyId),
}

/// What the form for a new round offers: the follow-ups, and every active body with the
/// questions it would get in each.
#[derive(Debug, Clone)]
pub struct RoundChoices {
    pub follow_ups: Vec<FollowUp>,
    pub bodies: Vec<Body>,
    /// The questions each follow-up asks now.
    pub questions: Vec<(FollowUpId, Vec<Question>)>,
    /// The Swedish date today.
    pub today: Date,
}

impl RoundChoices {
    /// The questions `follow_up` asks `body`, in form order.
    pub fn questions_for(&self, follow_up: FollowUpId, body: &Body) -> Vec<&Question> {
        self.questions
            .iter()
            .filter(|(id, _)| *id == follow_up)
            .flat_map(|(_, qs)| qs)
            .filter(|q| q.asks(body))
            .collect()
    }

    /// The bodies that take part unless the coordinator chooses otherwise: every active
    /// body that gets at least one question.
    pub fn default_bodies(&self, follow_up: FollowUpId) -> Vec<BodyId> {
        self.bodies
            .iter()
            .filter(|b| !self.questions_for(follow_up, b).is_empty())
            .map(|b| b.id)
            .collect()
    }
}

/// A deadline the coordinator cannot set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineProblem {
    /// Before today.
    Passed,
    /// Not later than the deadline it would replace (deadlines are extended, not cut).
    NotLater(Date),
}

impl RoundOverview {
    /// The deadline that applies to one body's report: its own, or the round's.
    pub fn deadline_of(&self, report: &ReportOverview) -> Date {
        report.deadline.unwrap_or(self.round.deadline)
    }

    /// Whether a report is overdue: not handed in, and its deadline has passed.
    pub fn overdue(&self, report: &ReportOverview) -> bool {
        !workflow::handed_in(report.report.status) && self.today > self.deadline_of(report)
    }
}

impl App {
    /// What the form for a new round offers.
    pub async fn round_choices(&self, actor: &Actor) -> Result<RoundChoices> {
        if !actor.runs_rounds() {
            return Err(self.forbidden(actor, AuditSubject::Rounds).await);
        }
        let follow_ups = self.store.follow_ups().await?;
        let mut questions = Vec::with_capacity(follow_ups.len());
        for f in &follow_ups {
            questions.push((f.id, self.store.follow_up_questions(f.id).await?));
        }
        let bodies = self
            .store
            .bodies()
            .await?
            .into_iter()
            .filter(|b| b.active)
            .collect();
        Ok(RoundChoices {
            follow_ups,
            bodies,
            questions,
            today: swedish_date(self.now()),
        })
    }

    /// Checks a round as asked for, without creating it: every problem at once, for the
    /// preview.
    pub async fn check_round(
        &self,
        actor: &Actor,
        request: &RoundRequest,
    ) -> Result<(RoundChoices, Vec<RoundProblem>)> {
        let choices = self.round_choices(actor).await?;
        if !choices.follow_ups.iter().any(|f| f.id == request.follow_up) {
            return Err(AppError::NotFound);
        }
        let mut problems = Vec::new();
        if request.deadline < choices.today {
            problems.push(RoundProblem::DeadlinePassed);
        }
        let exists = self.store.rounds().await?.iter().any(|r| {
            r.follow_up_id == request.follow_up
                && r.period == request.period
                && r.year == request.year
        });
        if exists {
            problems.push(RoundProblem::Exists);
        }
        if request.bodies.is_empty() {
            problems.push(RoundProblem::NoBodies);
        }
        for id in &request.bodies {
            match choices.bodies.iter().find(|b| b.id == *id) {
                None => problems.push(RoundProblem::UnknownBody(*id)),
                Some(body) if choices.questions_for(request.follow_up, body).is_empty() => {
                    problems.push(RoundProblem::NoQuestions(body.clone()));
                }
                Some(_) => {}
            }
        }
        Ok((choices, problems))
    }

    /// Creates a round and opens it for the chosen bodies, each draft starting from the
    /// body's latest submission in the previous round. All or nothing: on any problem
    /// nothing is written.
    pub async fn create_round(
        &self,
        actor: &Actor,
        request: &RoundRequest,
    ) -> Result<Result<RoundId, Vec<RoundProblem>>> {
        let (choices, problems) = self.check_round(actor, request).await?;
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        let new = NewRound {
            follow_up: request.follow_up,
            period: request.period,
            year: request.year,
            deadline: request.deadline,
        };
        let opening = Opening {
            bodies: Some(request.bodies.clone()),
            prefill: true,
        };
        let by = actor.id;
        let detail = format!(
            "period={} year={} deadline={} bodies={}",
            request.period.code(),
            request.year,
            request.deadline,
            request.bodies.len()
        );
        let invite = |reporter: &tertial_store::PendingReporter| self.invitation_for(reporter);
        let created = self
            .store
            .create_round(
                &new,
                &opening,
                self.now(),
                |id| {
                    NewAuditEntry::new(Some(by), AuditAction::RoundOpened, AuditSubject::Round(id))
                        .with_detail(detail)
                },
                &invite,
            )
            .await?;
        // What changed between the check and the write is refused by the store alike.
        Ok(created.map(|(id, _)| id).map_err(|refusal| {
            vec![match refusal {
                OpenRefusal::Exists | OpenRefusal::NotPlanned => RoundProblem::Exists,
                OpenRefusal::NoBodies => RoundProblem::NoBodies,
                OpenRefusal::UnknownBody(id) => RoundProblem::UnknownBody(id),
                OpenRefusal::NoQuestions(id) => choices
                    .bodies
                    .iter()
                    .find(|b| b.id == id)
                    .cloned()
                    .map_or(RoundProblem::UnknownBody(id), RoundProblem::NoQuestions),
            }]
        }))
    }

    /// Moves the deadline of a whole open round, or (with `report`) of one body's report in
    /// it, to a later date.
    pub async fn extend_deadline(
        &self,
        actor: &Actor,
        round: RoundId,
        report: Option<ReportId>,
        deadline: Date,
    ) -> Result<Result<(), DeadlineProblem>> {
        if !actor.runs_rounds() {
            return Err(self.forbidden(actor, AuditSubject::Round(round)).await);
        }
        let overview = self.round_overview(actor, round).await?;
        if !workflow::takes_answers(overview.round.status) {
            return Err(AppError::RoundNotOpen);
        }
        let current = match report {
            None => overview.round.deadline,
            Some(id) => {
                let report = overview
                    .reports
                    .iter()
                    .find(|o| o.report.id == id)
                    .ok_or(AppError::NotFound)?;
                overview.deadline_of(report)
            }
        };
        if deadline < overview.today {
            return Ok(Err(DeadlineProblem::Passed));
        }
        if deadline <= current {
            return Ok(Err(DeadlineProblem::NotLater(current)));
        }
        let at = self.now();
        let detail = format!("deadline={deadline} was={current}");
        let done = match report {
            None => {
                let entry = NewAuditEntry::new(
                    Some(actor.id),
                    AuditAction::DeadlineChanged,
                    AuditSubject::Round(round),
                )
                .with_detail(detail);
                self.store
                    .set_round_deadline(round, deadline, at, &entry)
                    .await?
            }
            Some(id) => {
                let entry = NewAuditEntry::new(
                    Some(actor.id),
                    AuditAction::DeadlineChanged,
                    AuditSubject::Report(id),
                )
                .with_detail(detail);
                self.store
                    .set_report_deadline(round, id, deadline, at, &entry)
                    .await?
            }
        };
        if !done {
            return Err(AppError::RoundNotOpen);
        }
        Ok(Ok(()))
    }

    /// Closes an open round: nothing more is saved or submitted in it.
    pub async fn close_round(&self, actor: &Actor, round: RoundId) -> Result<()> {
        if !actor.runs_rounds() {
            return Err(self.forbidden(actor, AuditSubject::Round(round)).await);
        }
        self.store.round(round).await?.ok_or(AppError::NotFound)?;
        let entry = NewAuditEntry::new(
            Some(actor.id),
            AuditAction::RoundClosed,
            AuditSubject::Round(round),
        );
        if !self.store.close_round(round, self.now(), &entry).await? {
            return Err(AppError::RoundNotOpen);
        }
        Ok(())
    }
}
