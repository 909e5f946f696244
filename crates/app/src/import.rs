//! Forms as files: a body's form out as a Word file, and answers in from a Word or text file,
//! into the body's own draft (its reporters) or as a historic submitted version of a past
//! round, marked imported (coordinators, and `tertial import` on the command line).
//!
//! An import is read, checked and kept as a preview first; nothing changes until it is
//! confirmed. Confirming into a draft saves through the form's own save (each field against
//! the version the preview saw, audited), so an edit made since is never overwritten.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use tertial_documents::form_docx::{
    FormDocument, FormIdentity, FormQuestion, FormSection, write_form,
};
use tertial_documents::form_import::{
    ExpectedQuestion, ImportError, ImportedForm, Match, read_form,
};
use tertial_documents::{DocumentFile, Format, swedish};
use tertial_domain::import::{Change, ImportContent, ImportKind, ImportedField, Similar};
use tertial_domain::report::{Fields, freeze};
use tertial_domain::validate::{clean_line, clean_text};
use tertial_domain::{
    Actor, AuditAction, AuditSubject, Body, BodyId, Field, FieldValue, HistoricImportAccess,
    Invalid, NewAuditEntry, Question, ReportId, Round, RoundId, RoundStatus, SaveOutcome,
    StoredField, SubmittedContent,
};
use tertial_store::{ImportedVersion, NewPendingImport, PendingImport};

use crate::reports::ReportContext;
use crate::{App, AppError, Result};

/// The largest file taken in; the documents' reader refuses larger ones too.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

/// How long a preview waits to be confirmed.
const PREVIEW_LIFETIME: jiff::SignedDuration = jiff::SignedDuration::from_hours(2);

/// Why a file was not taken in. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    /// The file itself (not a Word file, empty, a zip bomb, no question found, …).
    File(ImportError),
    /// No file was chosen.
    NoFile,
    /// Our own export, of another follow-up.
    OtherFollowUp,
    /// Our own export, of another round (named).
    OtherRound(String),
    /// Our own export or the template's "Nämnd", naming another body (named).
    OtherBody(String),
    /// A text in the file the form would refuse: the field (with its question's number and
    /// text, for an answer) and why.
    InvalidText {
        field: Field,
        question: Option<String>,
        error: Invalid,
    },
    /// A historic import into a round that is not closed.
    RoundNotClosed,
    /// The preview was confirmed already, replaced by a newer file, or expired.
    PreviewGone,
}

/// One field of a preview: what the file gives and what it would change.
#[derive(Debug, Clone)]
pub struct PreviewField {
    pub field: Field,
    /// The question's number on the form ("1.2"), empty for the fixed fields.
    pub number: String,
    /// The question, for answers.
    pub question: Option<Question>,
    /// What the file gives, if it has this field.
    pub imported: Option<ImportedField>,
    /// What the draft (or, for a historic import, the latest submitted version) holds now.
    pub current: FieldValue,
    /// `None` when the file does not have the field (it is left as it is).
    pub change: Option<Change>,
}

/// A focus area's questions in a preview.
#[derive(Debug, Clone)]
pub struct PreviewSection {
    pub heading: String,
    pub fields: Vec<PreviewField>,
}

/// What confirming an import would do.
#[derive(Debug, Clone)]
pub struct ImportPreview {
    pub context: ReportContext,
    pub kind: ImportKind,
    pub pending: i64,
    pub file_name: String,
    pub sections: Vec<PreviewSection>,
    /// Contact person (name, phone, e-mail) and Övriga upplysningar.
    pub fixed: Vec<PreviewField>,
    /// Text that matched no question.
    pub unmatched: Vec<String>,
    /// How many fields confirming would change.
    pub changes: usize,
    /// For a historic import: the number the version would get.
    pub next_version: i64,
}

/// What confirming an import into a draft did.
#[derive(Debug, Clone)]
pub struct ImportApplied {
    pub context: ReportContext,
    pub file_name: String,
    /// Fields written.
    pub applied: usize,
    /// Fields someone saved since the preview: left as they are, with what is stored now
    /// and what the file would have written.
    pub not_applied: Vec<(Field, FieldValue, StoredField)>,
}

/// What became of one file on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Stored as this version of this body's report (or, with `--dry-run`, would be:
    /// `None`), with the number of answers found.
    Imported {
        body: String,
        version: Option<i64>,
        answers: usize,
    },
    /// Not a form file to import (its reason, in Swedish).
    Skipped(String),
    /// A form file that was refused (why, in Swedish).
    Failed(ImportProblem),
}

impl App {
    /// The body's form for its report as a Word file, with the draft's current answers:
    /// only for the body's own reporters. Recorded in the audit log.
    pub async fn form_file(&self, actor: &Actor, id: ReportId) -> Result<DocumentFile> {
        let context = self.report_context(actor, id).await?;
        let Some(draft) = actor.draft_access(&context.report) else {
            return Err(self.forbidden(actor, AuditSubject::Report(id)).await);
        };
        let fields: Fields = self
            .store
            .fields(&draft)
            .await?
            .into_iter()
            .map(|f| (f.field, f.value))
            .collect();
        let content = freeze(&context.questions(), &fields);
        let entry = NewAuditEntry::new(
            Some(actor.id),
            AuditAction::FormExported,
            AuditSubject::Report(id),
        );
        self.store.append_audit(&entry, self.now()).await?;
        self.form_document_file(&context, &content, None).await
    }

    /// A submitted version as the body's form in Word, to edit and import again: for whoever
    /// reads the body's submissions. Recorded in the audit log as a download.
    pub async fn submitted_form_file(
        &self,
        actor: &Actor,
        id: ReportId,
        number: i64,
    ) -> Result<DocumentFile> {
        let (context, submission) = self
            .read_submission(actor, id, number, crate::reports::Reading::Download)
            .await?;
        self.form_document_file(&context, &submission.content, Some(number))
            .await
    }

    async fn form_document_file(
        &self,
        context: &ReportContext,
        content: &SubmittedContent,
        version: Option<i64>,
    ) -> Result<DocumentFile> {
        let form = form_document(
            context,
            content,
            self.settings.organisation.clone().unwrap_or_default(),
        );
        let bytes = tokio::task::spawn_blocking(move || {
            write_form(&form, std::io::Cursor::new(Vec::new())).map(std::io::Cursor::into_inner)
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("writing a form: {e}")))?;
        let round = &context.round;
        let version = version.map(|n| format!("-version-{n}")).unwrap_or_default();
        let filename = format!(
            "{}-{}-{}-formular{version}.docx",
            context.body.short_name,
            round.period.code(),
            round.year
        );
        Ok(DocumentFile {
            filename: swedish::ascii_filename(&filename),
            media_type: Format::Docx.media_type(),
            bytes,
        })
    }

    /// A submitted version (read as [`App::submission`] reads it), with where it came from
    /// when it was imported from a file.
    pub async fn submission_with_origin(
        &self,
        actor: &Actor,
        id: ReportId,
        number: i64,
    ) -> Result<(
        ReportContext,
        tertial_domain::Submission,
        Option<ImportedVersion>,
    )> {
        let (context, submission) = self.submission(actor, id, number).await?;
        let access = actor
            .submission_access(&context.report)
            .ok_or(AppError::NotFound)?;
        let origin = self
            .store
            .imported_versions(&access)
            .await?
            .into_iter()
            .find(|v| v.number == number);
        Ok((context, submission, origin))
    }

    /// The report an import of `kind` goes into, if the person may import into it now.
    pub async fn import_target(
        &self,
        actor: &Actor,
        id: ReportId,
        kind: ImportKind,
    ) -> Result<ReportContext> {
        let context = self.report_context(actor, id).await?;
        match kind {
            ImportKind::Draft => {
                if actor.draft_access(&context.report).is_none() {
                    return Err(self.forbidden(actor, AuditSubject::Report(id)).await);
                }
                if !context.editable() {
                    return Err(AppError::NotEditable(context.report.status));
                }
            }
            ImportKind::Historic => {
                if actor.historic_import_access(&context.report).is_none() {
                    return Err(self.forbidden(actor, AuditSubject::Report(id)).await);
                }
                if context.round.status != RoundStatus::Closed {
                    return Err(AppError::Import(ImportProblem::RoundNotClosed));
                }
            }
        }
        Ok(context)
    }

    /// Reads an uploaded file and keeps what it says as a preview for this person (nothing
    /// else changes); returns the preview's id.
    pub async fn read_import(
        &self,
        actor: &Actor,
        id: ReportId,
        kind: ImportKind,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<i64> {
        let context = self.import_target(actor, id, kind).await?;
        let file_name = clean_file_name(file_name);
        let sha256 = sha256_hex(&bytes);
        let mut content = self.read_checked(&context, &file_name, bytes).await?;
        if kind == ImportKind::Draft {
            let draft = actor
                .draft_access(&context.report)
                .ok_or(AppError::Forbidden)?;
            content.base_versions = self
                .store
                .fields(&draft)
                .await?
                .into_iter()
                .map(|f| (f.field.code().to_owned(), f.version))
                .collect();
        }
        let now = self.now();
        let pending = NewPendingImport {
            report: id,
            by: actor.id,
            kind,
            file_name: &file_name,
            sha256: &sha256,
            content: &content,
            expires_at: now + PREVIEW_LIFETIME,
        };
        Ok(self.store.keep_pending_import(&pending, now).await?)
    }

    /// Reads a file and checks it belongs to this report; the result is what the file
    /// gives each field, every text as the form itself would accept it.
    async fn read_checked(
        &self,
        context: &ReportContext,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<ImportContent> {
        let questions: Vec<Question> = context.questions().into_iter().cloned().collect();
        let name = file_name.to_owned();
        let form = tokio::task::spawn_blocking(move || read_against(&bytes, &name, &questions))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Import(ImportProblem::File(e)))?;
        self.check_identity(context, &form).await?;
        content_of(context, &form, self.settings.max_answer_chars).map_err(AppError::Import)
    }

    /// Refuses a file made for another follow-up, round or body.
    async fn check_identity(&self, context: &ReportContext, form: &ImportedForm) -> Result<()> {
        let bodies = self.store.bodies().await?;
        let name_of = |id: i64| {
            bodies
                .iter()
                .find(|b| b.id == BodyId(id))
                .map_or_else(|| format!("organ {id}"), |b| b.name.clone())
        };
        if let Some(identity) = form.identity {
            if identity.follow_up_id != context.follow_up.id.0 {
                return Err(AppError::Import(ImportProblem::OtherFollowUp));
            }
            if identity.round_id != context.round.id.0 {
                let round = self.store.round(RoundId(identity.round_id)).await?;
                let name = round.map_or_else(
                    || format!("omgång {}", identity.round_id),
                    |r| swedish::round_name(&r),
                );
                return Err(AppError::Import(ImportProblem::OtherRound(name)));
            }
            if identity.body_id != context.body.id.0 {
                return Err(AppError::Import(ImportProblem::OtherBody(name_of(
                    identity.body_id,
                ))));
            }
        }
        if let Some(named) = form.body_name.as_deref()
            && let Some(body) = body_named(&bodies, named)
            && body.id != context.body.id
        {
            return Err(AppError::Import(ImportProblem::OtherBody(
                body.name.clone(),
            )));
        }
        Ok(())
    }

    /// A preview of this person's, with what it would change now.
    pub async fn import_preview(
        &self,
        actor: &Actor,
        id: ReportId,
        kind: ImportKind,
        pending: i64,
    ) -> Result<ImportPreview> {
        let context = self.import_target(actor, id, kind).await?;
        let pending = self.pending(actor, id, kind, pending).await?;
        let (current, next_version) = self.current_values(actor, &context, kind).await?;
        let mut preview = preview(context, pending, &current);
        preview.next_version = next_version;
        Ok(preview)
    }

    /// What the import is compared with: the draft (its reporters), or the latest submitted
    /// version (a historic import, which never reads the draft), with the number a
    /// historic import's version would get.
    async fn current_values(
        &self,
        actor: &Actor,
        context: &ReportContext,
        kind: ImportKind,
    ) -> Result<(HashMap<Field, StoredField>, i64)> {
        let (stored, next) = match kind {
            ImportKind::Draft => {
                let draft = actor
                    .draft_access(&context.report)
                    .ok_or(AppError::Forbidden)?;
                (self.store.fields(&draft).await?, 0)
            }
            ImportKind::Historic => {
                let access = actor
                    .submission_access(&context.report)
                    .ok_or(AppError::Forbidden)?;
                let latest = self.store.submissions(&access).await?.pop();
                let next = latest.as_ref().map_or(1, |s| s.number + 1);
                (
                    latest.map_or_else(Vec::new, |s| submitted_fields(&s.content)),
                    next,
                )
            }
        };
        Ok((
            stored.into_iter().map(|f| (f.field.clone(), f)).collect(),
            next,
        ))
    }

    async fn pending(
        &self,
        actor: &Actor,
        id: ReportId,
        kind: ImportKind,
        pending: i64,
    ) -> Result<PendingImport> {
        self.store
            .pending_import(pending, id, actor.id, kind, self.now())
            .await?
            .ok_or(AppError::Import(ImportProblem::PreviewGone))
    }

    /// Confirms a preview into the draft: the changed fields are saved as the form saves
    /// them, each against the version the preview saw, and the import is recorded.
    pub async fn confirm_draft_import(
        &self,
        actor: &Actor,
        id: ReportId,
        pending: i64,
    ) -> Result<ImportApplied> {
        let context = self.import_target(actor, id, ImportKind::Draft).await?;
        let draft = actor
            .draft_access(&context.report)
            .ok_or(AppError::Forbidden)?;
        let pending = self.pending(actor, id, ImportKind::Draft, pending).await?;
        let current = self.store.fields(&draft).await?;
        let changes = tertial_domain::import::changes_to_apply(&pending.content, &current);
        let outcomes = self
            .store
            .apply_import(&draft, &pending, &changes, self.now())
            .await??
            .ok_or(AppError::Import(ImportProblem::PreviewGone))?;
        self.recent_contexts.forget(&id);
        let mut applied = ImportApplied {
            context,
            file_name: pending.file_name,
            applied: 0,
            not_applied: Vec::new(),
        };
        for ((field, mine, _), outcome) in changes.into_iter().zip(outcomes) {
            match outcome {
                SaveOutcome::Saved { .. } => applied.applied += 1,
                SaveOutcome::Conflict(now) => applied.not_applied.push((field, mine, now)),
            }
        }
        Ok(applied)
    }

    /// Confirms a historic preview: stored as the report's next submitted version, marked
    /// imported. Returns the version's number.
    pub async fn confirm_historic_import(
        &self,
        actor: &Actor,
        id: ReportId,
        pending: i64,
    ) -> Result<i64> {
        let context = self.import_target(actor, id, ImportKind::Historic).await?;
        let access = actor
            .historic_import_access(&context.report)
            .ok_or(AppError::Forbidden)?;
        let pending = self
            .pending(actor, id, ImportKind::Historic, pending)
            .await?;
        let content = submitted_content(&context, &pending.content);
        self.store
            .import_version(
                &access,
                &content,
                &pending.file_name,
                &pending.sha256,
                Some(pending.id),
                self.now(),
            )
            .await?
            .ok_or(AppError::Import(ImportProblem::PreviewGone))
    }

    /// `tertial import`: one file into a past round as a historic version of `body`'s report
    /// (given, or found from the file: our export's identity, the template's "Nämnd", or a
    /// body's name in the file's name). With `dry_run` nothing is stored.
    pub async fn import_from_command_line(
        &self,
        round: RoundId,
        body: Option<BodyId>,
        file_name: &str,
        bytes: Vec<u8>,
        dry_run: bool,
    ) -> Result<FileOutcome> {
        let Some(round_info) = self.store.round(round).await? else {
            return Err(AppError::NotFound);
        };
        if round_info.status != RoundStatus::Closed {
            return Ok(FileOutcome::Failed(ImportProblem::RoundNotClosed));
        }
        let overview = self.store.round_overview(round).await?;
        let body = match body {
            Some(body) => Some(body),
            None => match self.body_of_file(&overview, file_name, &bytes).await? {
                Ok(body) => body,
                Err(e) => return Ok(FileOutcome::Failed(ImportProblem::File(e))),
            },
        };
        let Some(body) = body else {
            return Ok(FileOutcome::Skipped(
                "inget organ i omgången kunde knytas till filen".into(),
            ));
        };
        let Some(report) = overview.iter().find(|o| o.body.id == body) else {
            return Ok(FileOutcome::Skipped(
                "organet deltar inte i omgången".into(),
            ));
        };
        let context = self.context_of(&report.report).await?;
        let file_name = clean_file_name(file_name);
        let sha256 = sha256_hex(&bytes);
        let content = match self.read_checked(&context, &file_name, bytes).await {
            Ok(content) => content,
            Err(AppError::Import(problem)) => return Ok(FileOutcome::Failed(problem)),
            Err(e) => return Err(e),
        };
        let answers = content.answers();
        let version = if dry_run {
            None
        } else {
            let access = HistoricImportAccess::command_line(&context.report);
            let submitted = submitted_content(&context, &content);
            self.store
                .import_version(&access, &submitted, &file_name, &sha256, None, self.now())
                .await?
        };
        Ok(FileOutcome::Imported {
            body: context.body.name.clone(),
            version,
            answers,
        })
    }

    /// The round the command line names: by id, or by its name ("Tertialrapport 1 2022",
    /// "T1 2022"). Several follow-ups' rounds of the same name are refused as ambiguous.
    pub async fn round_named(&self, wanted: &str) -> Result<std::result::Result<Round, String>> {
        let rounds = self.store.rounds().await?;
        let wanted = wanted.trim();
        let matching: Vec<&Round> = rounds
            .iter()
            .filter(|r| {
                r.id.0.to_string() == wanted
                    || folded(&swedish::round_name(r)) == folded(wanted)
                    || folded(&format!("{} {}", r.period.code(), r.year)) == folded(wanted)
            })
            .collect();
        Ok(match matching.as_slice() {
            [round] => Ok((*round).clone()),
            [] => Err(format!("no round named {wanted:?}")),
            _ => Err(format!(
                "several rounds are named {wanted:?}: give the round's id"
            )),
        })
    }

    /// The body the command line names: by id, name or short name.
    pub async fn body_named(&self, wanted: &str) -> Result<Option<Body>> {
        let bodies = self.store.bodies().await?;
        let by_id = bodies.iter().find(|b| b.id.0.to_string() == wanted.trim());
        Ok(by_id.or_else(|| body_named(&bodies, wanted)).cloned())
    }

    /// A report's context without a person (the command line).
    async fn context_of(&self, report: &tertial_domain::Report) -> Result<ReportContext> {
        let (report, round, body, follow_up) = self
            .store
            .report_in_context(report.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let snapshot = self.snapshot(round.id).await?;
        Ok(ReportContext {
            report,
            round,
            body,
            follow_up,
            snapshot,
        })
    }

    /// The body a file is for, among a round's: our export's identity, else the template's
    /// "Nämnd", else a body's name or short name in the file's name. A file that cannot be
    /// read at all is its error.
    async fn body_of_file(
        &self,
        overview: &[tertial_store::ReportOverview],
        file_name: &str,
        bytes: &[u8],
    ) -> Result<std::result::Result<Option<BodyId>, ImportError>> {
        // Read against any report's questions: only the identity and "Nämnd" are wanted.
        let Some(first) = overview.first() else {
            return Ok(Ok(None));
        };
        let context = self.context_of(&first.report).await?;
        let bodies: Vec<Body> = overview.iter().map(|o| o.body.clone()).collect();
        match read_against(bytes, file_name, &context.snapshot.questions) {
            Ok(form) => {
                if let Some(identity) = form.identity {
                    return Ok(Ok(Some(BodyId(identity.body_id))));
                }
                if let Some(body) = form
                    .body_name
                    .as_deref()
                    .and_then(|n| body_named(&bodies, n))
                {
                    return Ok(Ok(Some(body.id)));
                }
            }
            // Another body's questions may be the ones in the file: its own are tried later.
            Err(ImportError::NoQuestionsFound) => {}
            Err(e) => return Ok(Err(e)),
        }
        let stem = folded(file_name);
        Ok(Ok(bodies
            .iter()
            .filter(|b| {
                [&b.name, &b.short_name]
                    .iter()
                    .any(|n| !folded(n).is_empty() && stem.contains(&folded(n)))
            })
            .max_by_key(|b| folded(&b.short_name).len())
            .map(|b| b.id)))
    }
}

/// Reads a form file for these questions.
fn read_against(
    bytes: &[u8],
    file_name: &str,
    questions: &[Question],
) -> std::result::Result<ImportedForm, ImportError> {
    let expected: Vec<ExpectedQuestion> = questions
        .iter()
        .map(|q| ExpectedQuestion {
            key: q.key.as_str(),
            text: &q.text,
        })
        .collect();
    read_form(bytes, file_name, &expected)
}

/// The form document of a report with `content`'s answers.
fn form_document(
    context: &ReportContext,
    content: &SubmittedContent,
    organisation: String,
) -> FormDocument {
    FormDocument {
        organisation,
        follow_up: context.follow_up.title.clone(),
        round: swedish::round_name(&context.round),
        body: context.body.name.clone(),
        identity: FormIdentity {
            follow_up_id: context.follow_up.id.0,
            round_id: context.round.id.0,
            body_id: context.body.id.0,
        },
        introduction: context.follow_up.introduction.clone(),
        sections: context
            .numbered_sections()
            .into_iter()
            .map(|(area, questions)| FormSection {
                heading: format!("{}. {}", area.number, area.label),
                questions: questions
                    .into_iter()
                    .map(|(number, q)| {
                        let answer = content.answer(&q.key);
                        FormQuestion {
                            key: q.key.to_string(),
                            number,
                            text: q.text.clone(),
                            help: q.help.clone().unwrap_or_default(),
                            answer: answer.map(|a| a.text.clone()).unwrap_or_default(),
                            not_applicable: answer.is_some_and(|a| a.not_applicable),
                            may_be_not_applicable: q.not_applicable_allowed,
                        }
                    })
                    .collect(),
            })
            .collect(),
        contact_name: content.contact.name.clone(),
        contact_phone: content.contact.phone.clone(),
        contact_email: content.contact.email.clone(),
        other_information: content.other_information.clone(),
    }
}

/// What a read file gives each field, every text cleaned as the form cleans it.
fn content_of(
    context: &ReportContext,
    form: &ImportedForm,
    max_chars: usize,
) -> std::result::Result<ImportContent, ImportProblem> {
    let numbered: Vec<(String, &Question)> = context
        .numbered_sections()
        .into_iter()
        .flat_map(|(_, qs)| qs)
        .collect();
    let mut fields = Vec::new();
    for answer in &form.answers {
        let Some((number, question)) = numbered.iter().find(|(_, q)| q.key.as_str() == answer.key)
        else {
            continue;
        };
        let text = clean_text(answer.text.trim(), max_chars).map_err(|error| {
            ImportProblem::InvalidText {
                field: Field::Answer(question.key.clone()),
                question: Some(format!("{number} {}", question.text)),
                error,
            }
        })?;
        let value = if answer.not_applicable && question.not_applicable_allowed {
            FieldValue {
                text,
                not_applicable: true,
            }
        } else if answer.not_applicable && text.is_empty() {
            // "Ej aktuellt" where the question does not allow it: kept as the words.
            FieldValue::text("Ej aktuellt")
        } else {
            FieldValue::text(text)
        };
        let similar = match &answer.matched {
            Match::Similar { percent, found } => Some(Similar {
                percent: *percent,
                found: found.clone(),
            }),
            Match::Tag | Match::Exact => None,
        };
        fields.push(ImportedField {
            field: answer.key.clone(),
            value,
            similar,
        });
    }
    let fixed = [
        (Field::ContactName, &form.contact_name),
        (Field::ContactPhone, &form.contact_phone),
        (Field::ContactEmail, &form.contact_email),
        (Field::OtherInformation, &form.other_information),
    ];
    for (field, text) in fixed {
        let Some(text) = text else { continue };
        let clean = if field.is_one_line() {
            clean_line
        } else {
            clean_text
        };
        let text = clean(text.trim(), max_chars).map_err(|error| ImportProblem::InvalidText {
            field: field.clone(),
            question: None,
            error,
        })?;
        fields.push(ImportedField {
            field: field.code().to_owned(),
            value: FieldValue::text(text),
            similar: None,
        });
    }
    let unmatched = form
        .unmatched
        .iter()
        .filter_map(|t| clean_text(t, max_chars).ok())
        .collect();
    Ok(ImportContent {
        fields,
        unmatched,
        base_versions: Vec::new(),
    })
}

/// The preview of `pending` against the values stored now.
fn preview(
    context: ReportContext,
    pending: PendingImport,
    current: &HashMap<Field, StoredField>,
) -> ImportPreview {
    let row = |field: Field, number: String, question: Option<Question>| {
        let now = current
            .get(&field)
            .map(|f| f.value.clone())
            .unwrap_or_default();
        let imported = pending.content.value(&field).cloned();
        PreviewField {
            change: imported.as_ref().map(|i| Change::of(&i.value, &now)),
            field,
            number,
            question,
            imported,
            current: now,
        }
    };
    let sections: Vec<PreviewSection> = context
        .numbered_sections()
        .into_iter()
        .map(|(area, questions)| PreviewSection {
            heading: format!("{}. {}", area.number, area.label),
            fields: questions
                .into_iter()
                .map(|(number, q)| row(Field::Answer(q.key.clone()), number, Some(q.clone())))
                .collect(),
        })
        .collect();
    let fixed: Vec<PreviewField> = Field::FIXED
        .into_iter()
        .map(|f| row(f, String::new(), None))
        .collect();
    let changes = sections
        .iter()
        .flat_map(|s| &s.fields)
        .chain(&fixed)
        .filter(|f| matches!(f.change, Some(Change::New | Change::Replaced)))
        .count();
    ImportPreview {
        kind: pending.kind,
        pending: pending.id,
        file_name: pending.file_name,
        unmatched: pending.content.unmatched,
        context,
        sections,
        fixed,
        changes,
        next_version: 0,
    }
}

/// A historic import's version: the file's values, and nothing for what it lacks.
fn submitted_content(context: &ReportContext, content: &ImportContent) -> SubmittedContent {
    let fields: Fields = content
        .fields
        .iter()
        .filter_map(|f| Some((f.field()?, f.value.clone())))
        .collect();
    freeze(&context.questions(), &fields)
}

/// A submitted version's values as fields, to compare a historic import with.
fn submitted_fields(content: &SubmittedContent) -> Vec<StoredField> {
    let at = tertial_domain::Timestamp::UNIX_EPOCH;
    let field = |field: Field, value: FieldValue| StoredField {
        field,
        value,
        version: 1,
        updated_at: at,
    };
    let mut fields: Vec<StoredField> = content
        .answers
        .iter()
        .map(|a| {
            let value = FieldValue {
                text: a.text.clone(),
                not_applicable: a.not_applicable,
            };
            field(Field::Answer(a.key.clone()), value)
        })
        .collect();
    for (f, text) in [
        (Field::ContactName, &content.contact.name),
        (Field::ContactPhone, &content.contact.phone),
        (Field::ContactEmail, &content.contact.email),
        (Field::OtherInformation, &content.other_information),
    ] {
        fields.push(field(f, FieldValue::text(text.clone())));
    }
    fields
}

/// The body a "Nämnd" text names, by its name or short name (case, spacing and a trailing
/// "s" aside: "Skärholmens stadsdelsnämnd", "Skärholmen").
fn body_named<'a>(bodies: &'a [Body], named: &str) -> Option<&'a Body> {
    let wanted = folded(named);
    if wanted.is_empty() {
        return None;
    }
    bodies.iter().find(|b| {
        [&b.name, &b.short_name]
            .iter()
            .any(|n| folded(n) == wanted || format!("{}s", folded(n)) == wanted)
    })
}

/// Lower-case letters and digits only, å ä ö as a a o: for comparing names loosely.
fn folded(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            'é' => 'e',
            c => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// A file's name as the audit log and the version keep it: without folders, without
/// control or invisible characters, at most 200 characters.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = base
        .chars()
        .filter(|c| !c.is_control() && clean_line(&c.to_string(), 1).is_ok())
        .take(200)
        .collect();
    let kept = kept.trim();
    if kept.is_empty() {
        "fil".to_owned()
    } else {
        kept.to_owned()
    }
}

/// A file's SHA-256, in hexadecimal.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tertial_domain::BodyKind;

    fn body(id: i64, name: &str, short: &str) -> Body {
        Body {
            id: BodyId(id),
            name: name.into(),
            short_name: short.into(),
            kind: BodyKind::DistrictCommittee,
            active: true,
        }
    }

    #[test]
    fn a_body_is_named_by_its_name_or_short_name_loosely() {
        let bodies = [
            body(1, "Skärholmens stadsdelsnämnd", "Skärholmen"),
            body(2, "Bromma stadsdelsnämnd", "Bromma"),
        ];
        assert_eq!(
            body_named(&bodies, "  skärholmens  STADSDELSNÄMND").map(|b| b.id),
            Some(BodyId(1))
        );
        assert_eq!(
            body_named(&bodies, "Brommas").map(|b| b.id),
            Some(BodyId(2))
        );
        assert_eq!(body_named(&bodies, "Stadsdelsnämnderna"), None);
    }

    #[test]
    fn file_names_are_kept_plain() {
        assert_eq!(clean_file_name("C:\\mapp\\svar\u{202e}.docx"), "svar.docx");
        assert_eq!(clean_file_name("../\n"), "fil");
        assert_eq!(sha256_hex(b"").len(), 64);
    }
}
