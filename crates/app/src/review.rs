//! Use cases of the review loop: the coordinator returns a submitted report for completion
//! (with a comment on the report and, optionally, on single answers) or approves it; the
//! body asks to reopen a submitted report, and the coordinator grants or declines.
//!
//! Each needs its capability: [`tertial_domain::ReviewAccess`] for the coordinator's
//! decisions, the body's own [`tertial_domain::DraftAccess`] for asking to reopen.

use tertial_domain::review::{
    AnswerComment, NewReview, ReopenOutcome, ReviewDecision, ReviewProblem,
};
use tertial_domain::validate::clean_text;
use tertial_domain::{Actor, AuditSubject, Field, ReportId, ReviewAccess, workflow};

use crate::reports::ReportContext;
use crate::{App, AppError, Result};
use tertial_store::PendingReporter;

/// The longest comment, reason or answer accepted, in characters.
const MAX_COMMENT_CHARS: usize = 5_000;

impl App {
    /// Returns the report's latest submitted version (`submission`) for completion, with a
    /// comment on the report (required) and comments on single answers (`(question key,
    /// text)`; blank ones are left out).
    pub async fn return_report(
        &self,
        actor: &Actor,
        id: ReportId,
        submission: i64,
        comment: &str,
        answer_comments: &[(String, String)],
    ) -> Result<()> {
        let (context, access) = self.reviewable(actor, id).await?;
        // Returned into a closed round, the body could not change anything.
        if !workflow::takes_answers(context.round.status) {
            return Err(AppError::RoundNotOpen);
        }
        let mut comments = Vec::new();
        for (code, text) in answer_comments {
            let key = match Field::parse(code)? {
                Field::Answer(key) if context.questions().iter().any(|q| q.key == key) => key,
                _ => return Err(AppError::NotFound),
            };
            comments.push(AnswerComment {
                key,
                text: clean(code, text)?,
            });
        }
        let review = NewReview::new(
            submission,
            ReviewDecision::Return,
            &clean("comment", comment)?,
            comments,
        )
        .map_err(AppError::ReviewIncomplete)?;
        let notice = |p: &PendingReporter| self.returned_for(p, submission, &review.comment);
        self.store
            .review(&access, &review, self.now(), &notice)
            .await??;
        Ok(())
    }

    /// Approves the report's latest submitted version, with an optional comment. The report
    /// is read-only for everyone afterwards.
    pub async fn approve_report(
        &self,
        actor: &Actor,
        id: ReportId,
        submission: i64,
        comment: &str,
    ) -> Result<()> {
        let (_, access) = self.reviewable(actor, id).await?;
        let review = NewReview::new(
            submission,
            ReviewDecision::Approve,
            &clean("comment", comment)?,
            Vec::new(),
        )
        .map_err(AppError::ReviewIncomplete)?;
        let notice = |p: &PendingReporter| self.approved_for(p, submission);
        self.store
            .review(&access, &review, self.now(), &notice)
            .await??;
        Ok(())
    }

    /// The body's reporter asks to reopen its submitted report, saying why.
    pub async fn ask_to_reopen(
        &self,
        actor: &Actor,
        id: ReportId,
        submission: i64,
        reason: &str,
    ) -> Result<()> {
        let context = self.report_context(actor, id).await?;
        let Some(draft) = actor.draft_access(&context.report) else {
            return Err(self.forbidden(actor, AuditSubject::Report(id)).await);
        };
        let reason = clean("reason", reason)?;
        if reason.trim().is_empty() {
            return Err(AppError::ReviewIncomplete(ReviewProblem::ReasonMissing));
        }
        self.store
            .ask_to_reopen(&draft, submission, reason.trim(), self.now())
            .await??;
        Ok(())
    }

    /// Grants (the report goes back to the body) or declines a waiting request to reopen,
    /// with an optional answer the body sees.
    pub async fn decide_reopen(
        &self,
        actor: &Actor,
        id: ReportId,
        request: i64,
        grant: bool,
        answer: &str,
    ) -> Result<()> {
        let (context, access) = self.reviewable(actor, id).await?;
        if grant && !workflow::takes_answers(context.round.status) {
            return Err(AppError::RoundNotOpen);
        }
        let outcome = if grant {
            ReopenOutcome::Granted
        } else {
            ReopenOutcome::Declined
        };
        let answer = clean("answer", answer)?;
        let notice = |p: &PendingReporter| self.reopen_decided_for(p, request, grant, &answer);
        self.store
            .decide_reopen(
                &access,
                request,
                outcome,
                answer.trim(),
                self.now(),
                &notice,
            )
            .await??;
        Ok(())
    }

    /// A report the actor may review, with the access reviewing takes.
    async fn reviewable(
        &self,
        actor: &Actor,
        id: ReportId,
    ) -> Result<(ReportContext, ReviewAccess)> {
        let context = self.report_context(actor, id).await?;
        match actor.review_access(&context.report) {
            Some(access) => Ok((context, access)),
            None => Err(self.forbidden(actor, AuditSubject::Report(id)).await),
        }
    }
}

/// A comment's text, checked as answers are (no control or disguising characters).
fn clean(field: &str, text: &str) -> Result<String> {
    clean_text(text, MAX_COMMENT_CHARS).map_err(|error| AppError::InvalidText {
        field: field.to_owned(),
        error,
    })
}
