//! Use cases about one report: open it, save fields, submit, read submissions.

use std::collections::HashMap;
use std::sync::Arc;

use tertial_domain::report::prepare_submission;
use tertial_domain::round::swedish_date;
use tertial_domain::validate::{clean_line, clean_text};
use tertial_domain::{
    Actor, AuditAction, AuditSubject, Body, DraftAccess, Field, FieldValue, FocusArea, FollowUp,
    NewAuditEntry, Question, Report, ReportId, Round, SaveOutcome, StoredField, Submission,
    workflow,
};
use tertial_store::{ReportOverview, RoundSnapshot, SubmitOutcome};

use crate::{App, AppError, Result};

/// A report with everything around it.
#[derive(Debug, Clone)]
pub struct ReportContext {
    pub report: Report,
    pub round: Round,
    pub body: Body,
    pub follow_up: FollowUp,
    pub snapshot: Arc<RoundSnapshot>,
}

impl ReportContext {
    /// The questions this body answers in this round, in form order.
    pub fn questions(&self) -> Vec<&Question> {
        self.snapshot
            .questions
            .iter()
            .filter(|q| q.asks(&self.body))
            .collect()
    }

    /// The body's questions grouped by focus area and numbered within it ("1.1", "1.2",
    /// "3.1"), as the form shows them. Focus areas without questions for the body are left out.
    pub fn numbered_sections(&self) -> Vec<(&FocusArea, Vec<(String, &Question)>)> {
        numbered_sections(&self.snapshot.focus_areas, &self.questions())
    }

    /// Whether the body can change the report now.
    pub fn editable(&self) -> bool {
        workflow::takes_answers(self.round.status) && self.report.status.editable()
    }
}

/// Questions grouped by focus area and numbered within it ("1.1", "1.2", "3.1"), as the
/// form shows them; focus areas without questions are left out.
pub fn numbered_sections<'a>(
    areas: &'a [FocusArea],
    questions: &[&'a Question],
) -> Vec<(&'a FocusArea, Vec<(String, &'a Question)>)> {
    areas
        .iter()
        .map(|area| {
            let numbered = questions
                .iter()
                .filter(|q| q.focus_area == area.number)
                .enumerate()
                .map(|(i, q)| (format!("{}.{}", area.number, i + 1), *q))
                .collect::<Vec<_>>();
            (area, numbered)
        })
        .filter(|(_, numbered)| !numbered.is_empty())
        .collect()
}

/// How much of a report a person sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportAccess {
    /// The body's reporter, report open for changes.
    Edit,
    /// The body's reporter, report submitted or round closed.
    Read,
    /// A coordinator: status and submitted versions, never the draft.
    StatusOnly,
}

/// A question with its number on the form ("1.2") and its current answer.
#[derive(Debug, Clone)]
pub struct QuestionView {
    pub number: String,
    pub question: Question,
    pub answer: StoredField,
}

/// A focus area with the questions the body answers in it.
#[derive(Debug, Clone)]
pub struct SectionView {
    pub area: FocusArea,
    pub questions: Vec<QuestionView>,
}

/// A report as a person may see it.
#[derive(Debug, Clone)]
pub struct ReportPage {
    pub context: ReportContext,
    pub access: ReportAccess,
    /// Empty unless the person may see the content.
    pub sections: Vec<SectionView>,
    fixed: HashMap<Field, StoredField>,
    pub submissions: Vec<Submission>,
    /// The coordinator's reviews of the submitted versions, oldest first (for whoever may
    /// read the submissions).
    pub reviews: Vec<tertial_domain::review::Review>,
    /// The body's requests to reopen, oldest first (likewise).
    pub reopen_requests: Vec<tertial_domain::review::ReopenRequest>,
    /// Whether the round's deadline has passed (by the Stockholm date today).
    pub past_deadline: bool,
    /// The answers that still hold what the round's opening copied from an earlier round
    /// (no one has saved them since), with that round. Only for the body's own reporters.
    pub unchanged_since: HashMap<Field, Round>,
}

impl ReportPage {
    /// One of the fixed fields (contact person, other information), empty if never saved.
    pub fn fixed(&self, field: &Field) -> StoredField {
        self.fixed
            .get(field)
            .cloned()
            .unwrap_or_else(|| unsaved(field))
    }
}

fn unsaved(field: &Field) -> StoredField {
    StoredField {
        field: field.clone(),
        value: FieldValue::default(),
        version: 0,
        updated_at: tertial_domain::Timestamp::UNIX_EPOCH,
    }
}

/// One field of a posted form.
#[derive(Debug, Clone)]
pub struct FieldEntry {
    pub code: String,
    pub text: String,
    pub not_applicable: bool,
    pub base_version: i64,
    /// The fingerprint of the value the form showed; `None` saves unconditionally.
    pub shown: Option<String>,
}

/// The outcome of saving one field.
#[derive(Debug, Clone)]
pub struct FieldSaved {
    pub field: Field,
    pub mine: FieldValue,
    pub outcome: SaveOutcome,
}

/// The outcome of saving a whole form.
#[derive(Debug, Clone, Default)]
pub struct FormSaved {
    pub saved: usize,
    /// Fields where a colleague saved in between: nothing was overwritten.
    pub conflicts: Vec<FieldSaved>,
}

impl FormSaved {
    fn of(changes: Vec<(Field, FieldValue, i64)>, outcomes: Vec<SaveOutcome>) -> FormSaved {
        let mut result = FormSaved::default();
        for ((field, mine, _), outcome) in changes.into_iter().zip(outcomes) {
            match outcome {
                SaveOutcome::Saved { .. } => result.saved += 1,
                conflict @ SaveOutcome::Conflict(_) => result.conflicts.push(FieldSaved {
                    field,
                    mine,
                    outcome: conflict,
                }),
            }
        }
        result
    }
}

/// How a submitted version is read: on a page, or downloaded as a file (the audit log tells
/// them apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    Page,
    Download,
}

/// The outcome of posting the whole form.
#[derive(Debug, Clone)]
pub enum FormPosted {
    /// Saved and not submitted: with Spara, or with "Skicka in" when a colleague changed
    /// some of the same fields (the other changes are saved; the conflicts are listed).
    Saved(FormSaved),
    Submitted(Submission),
    /// The changes are saved; the report is not complete yet.
    Incomplete(Vec<tertial_domain::Problem>),
}

impl App {
    /// Loads a report the actor may see at all, with its round and body. Someone with no
    /// business with the report is told it does not exist, as if it did not.
    pub(crate) async fn report_context(
        &self,
        actor: &Actor,
        id: ReportId,
    ) -> Result<ReportContext> {
        let (report, round, body, follow_up) = self
            .store
            .report_in_context(id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.reads_submissions_of(body.id) {
            return Err(AppError::NotFound);
        }
        let snapshot = self.snapshot(round.id).await?;
        Ok(ReportContext {
            report,
            round,
            body,
            follow_up,
            snapshot,
        })
    }

    /// A report, as this person may see it.
    pub async fn report_page(&self, actor: &Actor, id: ReportId) -> Result<ReportPage> {
        let context = self.report_context(actor, id).await?;
        // A report that was never submitted has no versions to list, nor reviews.
        let (submissions, reviews, reopen_requests) = match actor.submission_access(&context.report)
        {
            Some(access) if context.report.submitted_at.is_some() => (
                self.store.submissions(&access).await?,
                self.store.reviews(&access).await?,
                self.store.reopen_requests(&access).await?,
            ),
            _ => (Vec::new(), Vec::new(), Vec::new()),
        };
        // Public-records law: only the body's own reporters get at a draft; for anyone else
        // there is no access to pass to the store, so nothing of it can be read.
        let draft = actor.draft_access(&context.report);
        let access = match &draft {
            None => ReportAccess::StatusOnly,
            Some(_) if context.editable() => ReportAccess::Edit,
            Some(_) => ReportAccess::Read,
        };
        let mut unchanged_since = HashMap::new();
        let (sections, fixed) = match &draft {
            None => (Vec::new(), HashMap::new()),
            Some(draft) => {
                let (fields, marked) = self.store.marked_fields(draft).await?;
                unchanged_since.extend(marked);
                let mut stored: HashMap<Field, StoredField> =
                    fields.into_iter().map(|f| (f.field.clone(), f)).collect();
                let sections = sections(&context, &mut stored);
                (sections, stored)
            }
        };
        let past_deadline = context.round.is_late(swedish_date(self.now()));
        Ok(ReportPage {
            context,
            access,
            sections,
            fixed,
            submissions,
            reviews,
            reopen_requests,
            past_deadline,
            unchanged_since,
        })
    }

    /// Loads a report the actor may change, with the access that changing it takes. Whether
    /// it can be changed now (its status, its round's) is for the change's own transaction
    /// to decide; the context may be a second old.
    async fn editable_report(
        &self,
        actor: &Actor,
        id: ReportId,
    ) -> Result<(ReportContext, DraftAccess)> {
        let context = match self.recent_contexts.get(&id, self.now()) {
            Some(context) if actor.reads_submissions_of(context.body.id) => context,
            _ => {
                let context = self.report_context(actor, id).await?;
                self.recent_contexts.put(id, context.clone(), self.now());
                context
            }
        };
        let Some(draft) = actor.draft_access(&context.report) else {
            return Err(self.forbidden(actor, AuditSubject::Report(id)).await);
        };
        Ok((context, draft))
    }

    /// Saves one field (autosave). Conflicts are an outcome, not an error: nothing is
    /// overwritten and the caller gets the newer text to show beside its own.
    pub async fn save_field(
        &self,
        actor: &Actor,
        id: ReportId,
        entry: FieldEntry,
    ) -> Result<FieldSaved> {
        let (context, draft) = self.editable_report(actor, id).await?;
        let (field, value) = self.parse_entry(&context, &entry)?;
        let outcome = self
            .store_changes(
                &draft,
                vec![(field.clone(), value.clone(), entry.base_version)],
            )
            .await?
            .remove(0);
        Ok(FieldSaved {
            field,
            mine: value,
            outcome,
        })
    }

    /// Saves a whole form (without JavaScript): the fields the person changed, each against
    /// the version the form showed.
    pub async fn save_form(
        &self,
        actor: &Actor,
        id: ReportId,
        entries: Vec<FieldEntry>,
    ) -> Result<FormSaved> {
        let (context, draft) = self.editable_report(actor, id).await?;
        let changes = self.changed_fields(&context, &entries)?;
        if changes.is_empty() {
            return Ok(FormSaved::default());
        }
        let outcomes = self.store_changes(&draft, changes.clone()).await?;
        Ok(FormSaved::of(changes, outcomes))
    }

    /// Saves a whole form and submits it, in one transaction: the submission holds the
    /// changes, or nothing is stored. A change that meets a colleague's newer save stops the
    /// submission (the other changes are saved) so the person can compare first.
    pub async fn save_and_submit(
        &self,
        actor: &Actor,
        id: ReportId,
        entries: Vec<FieldEntry>,
    ) -> Result<FormPosted> {
        let (context, draft) = self.editable_report(actor, id).await?;
        let changes = self.changed_fields(&context, &entries)?;
        let at = self.now();
        let late = context.round.is_late(swedish_date(at));
        let questions = context.questions();
        let done = self
            .store
            .save_and_submit(
                &draft,
                &changes,
                at,
                late,
                &|fields| prepare_submission(&questions, fields),
                Some(&|submission, to| self.receipt_of(&context, submission, to)),
            )
            .await??;
        Ok(match done.submit {
            None => FormPosted::Saved(FormSaved::of(changes, done.saves)),
            Some(SubmitOutcome::Submitted(submission)) => FormPosted::Submitted(submission),
            Some(SubmitOutcome::Incomplete(problems)) => FormPosted::Incomplete(problems),
        })
    }

    async fn store_changes(
        &self,
        draft: &DraftAccess,
        changes: Vec<(Field, FieldValue, i64)>,
    ) -> Result<Vec<SaveOutcome>> {
        Ok(self
            .store
            .save_fields(draft, &changes, self.now())
            .await??)
    }

    /// The posted fields whose value differs from the one the form showed, each with the
    /// version it was based on.
    fn changed_fields(
        &self,
        context: &ReportContext,
        entries: &[FieldEntry],
    ) -> Result<Vec<(Field, FieldValue, i64)>> {
        let mut changes = Vec::new();
        for entry in entries {
            let (field, value) = self.parse_entry(context, entry)?;
            if entry.shown.as_deref() != Some(value.fingerprint().as_str()) {
                changes.push((field, value, entry.base_version));
            }
        }
        Ok(changes)
    }

    /// Checks that a posted field belongs to this report and its value is acceptable.
    fn parse_entry(
        &self,
        context: &ReportContext,
        entry: &FieldEntry,
    ) -> Result<(Field, FieldValue)> {
        let field = Field::parse(&entry.code)?;
        let na_allowed = match &field {
            Field::Answer(key) => {
                context
                    .questions()
                    .iter()
                    .find(|q| &q.key == key)
                    .ok_or(AppError::NotFound)?
                    .not_applicable_allowed
            }
            _ => false,
        };
        let clean = if field.is_one_line() {
            clean_line
        } else {
            clean_text
        };
        let text = clean(&entry.text, self.settings.max_answer_chars).map_err(|error| {
            AppError::InvalidText {
                field: entry.code.clone(),
                error,
            }
        })?;
        Ok((
            field,
            FieldValue {
                text,
                not_applicable: entry.not_applicable && na_allowed,
            },
        ))
    }

    /// A submitted version of a report, for the body and for coordinators. Reading it is
    /// recorded in the audit log.
    pub async fn submission(
        &self,
        actor: &Actor,
        id: ReportId,
        number: i64,
    ) -> Result<(ReportContext, Submission)> {
        self.read_submission(actor, id, number, Reading::Page).await
    }

    /// A submitted version, read as `reading` says (and audited so).
    pub(crate) async fn read_submission(
        &self,
        actor: &Actor,
        id: ReportId,
        number: i64,
        reading: Reading,
    ) -> Result<(ReportContext, Submission)> {
        let context = self.report_context(actor, id).await?;
        let access = actor
            .submission_access(&context.report)
            .ok_or(AppError::NotFound)?;
        let submission = self
            .store
            .submissions(&access)
            .await?
            .into_iter()
            .find(|s| s.number == number)
            .ok_or(AppError::NotFound)?;
        let action = match reading {
            Reading::Page => AuditAction::SubmissionRead,
            Reading::Download => AuditAction::SubmissionDownloaded,
        };
        let entry = NewAuditEntry::new(Some(actor.id), action, AuditSubject::Report(id))
            .with_detail(format!("version={number}"));
        self.store.append_audit(&entry, self.now()).await?;
        Ok((context, submission))
    }

    /// The reports of the bodies a reporter reports for, newest round first.
    pub async fn my_reports(&self, actor: &Actor) -> Result<Vec<(ReportOverview, Round)>> {
        let rounds = self.store.rounds().await?;
        let mut listing = Vec::new();
        for body in &actor.bodies {
            for overview in self.store.reports_of_body(*body).await? {
                if let Some(round) = rounds.iter().find(|r| r.id == overview.report.round_id) {
                    listing.push((overview, round.clone()));
                }
            }
        }
        listing.sort_by_key(|(o, r)| (std::cmp::Reverse((r.year, r.period.code())), o.body.id));
        Ok(listing)
    }
}

/// Pairs each numbered question with its answer, taking the answers out of `stored` so
/// only the fixed fields remain there.
fn sections(context: &ReportContext, stored: &mut HashMap<Field, StoredField>) -> Vec<SectionView> {
    context
        .numbered_sections()
        .into_iter()
        .map(|(area, questions)| SectionView {
            area: area.clone(),
            questions: questions
                .into_iter()
                .map(|(number, q)| {
                    let field = Field::Answer(q.key.clone());
                    QuestionView {
                        number,
                        question: q.clone(),
                        answer: stored.remove(&field).unwrap_or_else(|| unsaved(&field)),
                    }
                })
                .collect(),
        })
        .collect()
}
