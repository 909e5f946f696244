//! Mail: the outbox as admins and coordinators read it, the reminder job, and the sender's
//! side of the outbox (claim a due mail, then mark it sent or failed). Sending itself (SMTP)
//! is the binary's; mail is queued by the store in the transactions of the changes that
//! cause it (the receipt in the submission's).

use jiff::SignedDuration;
use tertial_documents::mail::{
    ReportMail, To, approved, invitation, overdue, receipt, reminder, reopen_decided, returned,
};
use tertial_domain::mail::{reminder_due, retry_delay};
use tertial_domain::round::swedish_date;
use tertial_domain::{Actor, AuditSubject, MailId, NewMail, ReportId, Submission};
use tertial_store::{ClaimedMail, MailRecord, PendingReporter};

use crate::{App, AppError, ReportContext, Result};

/// How many mails a page of the outbox shows.
pub const MAILS_PER_PAGE: i64 = 50;

/// The name of the reminder job in the jobs table.
const REMINDER_JOB: &str = "reminders";

/// A page of the outbox, newest first.
#[derive(Debug, Clone)]
pub struct OutboxPage {
    pub mails: Vec<MailRecord>,
    /// This page's number, from 1.
    pub page: i64,
    pub pages: i64,
    pub total: i64,
}

impl App {
    /// The address of a report's form, for links in mail.
    pub fn report_link(&self, report: ReportId) -> String {
        format!(
            "{}/rapporter/{report}",
            self.settings.public_url.trim_end_matches('/')
        )
    }

    /// The receipt of a submission of the report in `context`, to the submitter.
    pub(crate) fn receipt_of(
        &self,
        context: &ReportContext,
        submission: &Submission,
        to: &str,
    ) -> NewMail {
        let link = self.report_link(context.report.id);
        let about = ReportMail {
            round: &context.round,
            follow_up: &context.follow_up.title,
            body: context.body.id,
            body_name: &context.body.name,
            report: context.report.id,
            link: &link,
        };
        receipt(
            &about,
            to,
            submission.number,
            submission.submitted_at,
            submission.late,
        )
    }

    /// A page of the outbox (from 1), for admins and coordinators.
    pub async fn outbox(&self, actor: &Actor, page: i64) -> Result<OutboxPage> {
        if !actor.follows_rounds() {
            return Err(self.forbidden(actor, AuditSubject::Outbox).await);
        }
        let page = page.max(1);
        let offset = (page - 1).saturating_mul(MAILS_PER_PAGE);
        let (mails, total) = self.store.mails(offset, MAILS_PER_PAGE).await?;
        let pages = ((total + MAILS_PER_PAGE - 1) / MAILS_PER_PAGE).max(1);
        Ok(OutboxPage {
            mails,
            page,
            pages,
            total,
        })
    }

    /// One mail of the outbox, in full, for admins and coordinators.
    pub async fn outbox_mail(&self, actor: &Actor, id: MailId) -> Result<MailRecord> {
        if !actor.follows_rounds() {
            return Err(self.forbidden(actor, AuditSubject::Mail(id)).await);
        }
        let mail = self.store.mail(id).await?.ok_or(AppError::NotFound)?;
        Ok(crate::sign_in_links::without_link(mail))
    }

    /// Runs the reminder job if it is due and no other server runs it: queues, for every
    /// open round, a reminder to the reporters of each body that has not handed in, when a
    /// reminder day has come (`Settings::reminder_days`), and an overdue notice once the
    /// deadline has passed. Each mail is queued once (its dedup key), however often this
    /// runs and on however many servers. Returns how many mails it queued, or `None` when
    /// the job was not this worker's to run.
    pub async fn run_reminders(&self, worker: &str) -> Result<Option<usize>> {
        let now = self.now();
        let lease = now + JOB_LEASE;
        if !self
            .store
            .claim_job(REMINDER_JOB, worker, now, lease)
            .await?
        {
            return Ok(None);
        }
        let outcome = self.queue_reminders().await;
        let error = outcome.as_ref().err().map(|e| crate::chain(e));
        let next = self.now() + self.settings.reminder_interval;
        self.store
            .job_done(REMINDER_JOB, worker, next, error.as_deref(), self.now())
            .await?;
        outcome.map(Some)
    }

    async fn queue_reminders(&self) -> Result<usize> {
        let today = swedish_date(self.now());
        let furthest = self
            .settings
            .reminder_days
            .iter()
            .copied()
            .max()
            .unwrap_or(0);
        let by = today
            .checked_add(SignedDuration::from_hours(24 * furthest))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let pending = self.store.pending_reporters(by).await?;
        let mails: Vec<NewMail> = pending
            .iter()
            .filter_map(|p| self.reminder_for(p, today))
            .collect();
        Ok(self.store.queue_mails(&mails, self.now()).await?.len())
    }

    fn reminder_for(&self, p: &PendingReporter, today: jiff::civil::Date) -> Option<NewMail> {
        let days_left = (p.round.deadline - today).get_days().into();
        self.about(p, |about, to| {
            if days_left < 0 {
                Some(overdue(about, to))
            } else {
                reminder_due(&self.settings.reminder_days, days_left)
                    .map(|days| reminder(about, to, days))
            }
        })
    }

    /// Writes a mail about `p`'s body's report to `p`.
    fn about<T>(&self, p: &PendingReporter, write: impl FnOnce(&ReportMail<'_>, To<'_>) -> T) -> T {
        let link = self.report_link(p.report);
        let about = ReportMail {
            round: &p.round,
            follow_up: &p.follow_up,
            body: p.body,
            body_name: &p.body_name,
            report: p.report,
            link: &link,
        };
        let to = To {
            user: p.user,
            email: &p.email,
        };
        write(&about, to)
    }

    /// The invitation to answer a round that opened, to one reporter (for the store's
    /// `open_round` to queue in its transaction; see `outbox::reporters_of`).
    pub fn invitation_for(&self, p: &PendingReporter) -> NewMail {
        self.about(p, invitation)
    }

    /// The notice that version `number` was returned for changes, with the coordinator's
    /// comment, to one reporter of the body.
    pub fn returned_for(&self, p: &PendingReporter, number: i64, comment: &str) -> NewMail {
        self.about(p, |about, to| returned(about, to, number, comment))
    }

    /// The notice that version `number` was approved, to one reporter of the body.
    pub fn approved_for(&self, p: &PendingReporter, number: i64) -> NewMail {
        self.about(p, |about, to| approved(about, to, number))
    }

    /// The answer to the body's request `request` to reopen its report, to one reporter.
    pub fn reopen_decided_for(
        &self,
        p: &PendingReporter,
        request: i64,
        granted: bool,
        answer: &str,
    ) -> NewMail {
        self.about(p, |about, to| {
            reopen_decided(about, to, request, granted, answer)
        })
    }

    /// Claims the next due mail for `worker`, for at most `lease` (then another worker may
    /// try it). The attempt counts from here.
    pub async fn claim_mail(
        &self,
        worker: &str,
        lease: SignedDuration,
    ) -> Result<Option<ClaimedMail>> {
        let now = self.now();
        Ok(self.store.claim_mail(worker, now, now + lease).await?)
    }

    /// The mail server accepted the mail: it is never sent again.
    pub async fn mail_sent(&self, id: MailId) -> Result<bool> {
        Ok(self.store.mail_sent(id, self.now()).await?)
    }

    /// The attempt failed: the mail is tried again after a back-off (or given up after its
    /// last attempt).
    pub async fn mail_failed(&self, mail: &ClaimedMail, worker: &str, error: &str) -> Result<bool> {
        let now = self.now();
        let retry_at = now + retry_delay(self.settings.mail_retry_base, mail.attempt);
        Ok(self
            .store
            .mail_failed(mail.id, worker, error, retry_at, now)
            .await?)
    }
}

/// How long a worker holds the reminder job before another may take it over.
const JOB_LEASE: SignedDuration = SignedDuration::from_mins(5);
