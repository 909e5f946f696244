//! The compiled report of a round (the näringslivsrapport): compiled from every body's
//! latest submitted version (never a draft), with the coordinator's settings and summaries;
//! exported in every format; published as numbered versions whose files are kept byte for
//! byte; read by readers.

use std::collections::HashMap;
use std::io::{Seek, SeekFrom};
use std::sync::Arc;

use tertial_documents::{Format, swedish};
use tertial_domain::compiled::{
    CompilationSettings, CompiledAnswer, CompiledBody, CompiledContact, CompiledFocusArea,
    CompiledQuestion, CompiledReport, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, NotApplicable,
    Publication, Summary,
};
use tertial_domain::insights::round::RoundTexts;
use tertial_domain::round::swedish_date;
use tertial_domain::validate::{clean_line, clean_text};
use tertial_domain::{
    Actor, AuditAction, AuditSubject, FollowUp, Invalid, NewAuditEntry, Question, Round, RoundId,
    RoundReadAccess,
};
use tertial_store::{CompileRow, RoundSnapshot};

use crate::reports::numbered_sections;
use crate::{App, AppError, Result};

/// A round's compiled report as the coordinator previews it.
#[derive(Debug, Clone)]
pub struct Compilation {
    pub round: Round,
    pub follow_up: FollowUp,
    pub settings: CompilationSettings,
    pub report: CompiledReport,
    /// Per focus area with questions (in order): its number, label and latest summary.
    pub summaries: Vec<SummaryState>,
    /// The round's published versions, newest first.
    pub publications: Vec<Publication>,
}

/// A focus area's summary as it stands: its latest version, if any.
#[derive(Debug, Clone)]
pub struct SummaryState {
    pub focus_area: u32,
    pub label: String,
    pub latest: Option<Summary>,
    /// How many versions have been saved.
    pub versions: usize,
}

impl SummaryState {
    pub fn version(&self) -> i64 {
        self.latest.as_ref().map_or(0, |s| s.version)
    }

    pub fn text(&self) -> &str {
        self.latest.as_ref().map_or("", |s| s.text.as_str())
    }
}

/// What is wrong with the settings as typed; nothing was saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsProblem {
    TitleMissing,
    Title(Invalid),
    Introduction(Invalid),
}

/// Why a summary was not saved; nothing was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryProblem {
    Invalid(Invalid),
    /// Someone saved a newer version since the one the form showed.
    Stale {
        latest: i64,
    },
}

/// A compiled report written to a temporary file, to be streamed to the person.
#[derive(Debug)]
pub struct ExportFile {
    pub filename: String,
    pub media_type: &'static str,
    /// Positioned at its start; deleted when closed.
    pub file: std::fs::File,
    pub len: u64,
}

/// The round's context for compiling it.
pub(crate) struct Compiling {
    pub(crate) access: RoundReadAccess,
    pub(crate) round: Round,
    pub(crate) follow_up: FollowUp,
    pub(crate) snapshot: Arc<RoundSnapshot>,
}

impl App {
    /// The right to compile `round` and what it needs; refused (and noted) for anyone but
    /// coordinators and administrators.
    pub(crate) async fn compiling(&self, actor: &Actor, id: RoundId) -> Result<Compiling> {
        let Some(access) = actor.compile_access(id) else {
            return Err(self.forbidden(actor, AuditSubject::Round(id)).await);
        };
        let round = self.store.round(id).await?.ok_or(AppError::NotFound)?;
        let follow_up = self
            .store
            .follow_up(round.follow_up_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let snapshot = self.snapshot(id).await?;
        Ok(Compiling {
            access,
            round,
            follow_up,
            snapshot,
        })
    }

    /// The round's settings, or the defaults until the coordinator saves some.
    async fn settings_of(&self, c: &Compiling) -> Result<CompilationSettings> {
        Ok(match self.store.compilation_settings(c.round.id).await? {
            Some(settings) => settings,
            None => CompilationSettings {
                title: swedish::default_title(&c.follow_up.title, &c.round),
                introduction: match c.follow_up.introduction.trim() {
                    "" => c.follow_up.purpose.clone(),
                    introduction => introduction.to_owned(),
                },
                approved_only: false,
                include_contacts: false,
            },
        })
    }

    /// The compiled report: one streamed query over the latest submitted versions.
    async fn compile(
        &self,
        c: &Compiling,
        settings: &CompilationSettings,
        summaries: &[Summary],
    ) -> Result<CompiledReport> {
        let questions: Vec<&Question> = c.snapshot.questions.iter().collect();
        let sections = numbered_sections(&c.snapshot.focus_areas, &questions);
        // Each question with where its answers go, (focus area, question) in the report;
        // and each question's index in that list by its key.
        let mut place: HashMap<&str, usize> = HashMap::new();
        let mut asked: Vec<(&Question, (usize, usize))> = Vec::new();
        let focus_areas: Vec<CompiledFocusArea> = sections
            .iter()
            .enumerate()
            .map(|(a, (area, numbered))| CompiledFocusArea {
                number: area.number.to_string(),
                name: area.label.clone(),
                summary: latest_summary(summaries, area.number),
                questions: numbered
                    .iter()
                    .enumerate()
                    .map(|(q, (number, question))| {
                        place.insert(question.key.as_str(), asked.len());
                        asked.push((question, (a, q)));
                        CompiledQuestion {
                            number: number.clone(),
                            text: question.text.clone(),
                            answers: Vec::new(),
                            not_applicable: Vec::new(),
                            not_received: Vec::new(),
                        }
                    })
                    .collect(),
            })
            .collect();
        let mut report = CompiledReport {
            title: settings.title.clone(),
            organisation: self.settings.organisation.clone().unwrap_or_default(),
            follow_up: c.follow_up.title.clone(),
            round: swedish::round_name(&c.round),
            date: swedish::date(swedish_date(self.now())),
            created: self.now(),
            introduction: settings.introduction.clone(),
            marks_unapproved: !settings.approved_only,
            includes_contacts: settings.include_contacts,
            focus_areas,
            bodies: Vec::new(),
            appendices: Vec::new(),
        };
        let mut add = |row: CompileRow| {
            let index = report.bodies.len();
            let left_out =
                settings.approved_only && row.latest.as_ref().is_some_and(|l| !l.approved);
            report.bodies.push(CompiledBody {
                name: row.body.name.clone(),
                kind: swedish::body_kind(row.body.kind).to_owned(),
                status: swedish::compiled_status(row.status, row.latest.is_some(), left_out)
                    .to_owned(),
                version: row.latest.as_ref().map(|l| l.number),
                submitted_at: row
                    .latest
                    .as_ref()
                    .map(|l| swedish::date_time(l.submitted_at))
                    .unwrap_or_default(),
                contact: None,
            });
            if left_out {
                return Ok(());
            }
            let mut answered = vec![false; asked.len()];
            if let Some(latest) = row.latest {
                let content = latest.content;
                if settings.include_contacts {
                    report.bodies[index].contact = Some(CompiledContact {
                        name: content.contact.name,
                        phone: content.contact.phone,
                        email: content.contact.email,
                    });
                }
                for answer in content.answers {
                    let Some(&i) = place.get(answer.key.as_str()) else {
                        continue;
                    };
                    answered[i] = true;
                    let (a, q) = asked[i].1;
                    let question = &mut report.focus_areas[a].questions[q];
                    if answer.not_applicable {
                        question.not_applicable.push(NotApplicable {
                            body: index,
                            justification: answer.text,
                        });
                    } else {
                        question.answers.push(CompiledAnswer {
                            body: index,
                            text: answer.text,
                            version: latest.number,
                            approved: latest.approved,
                        });
                    }
                }
            }
            for (i, (question, (a, q))) in asked.iter().enumerate() {
                if !answered[i] && question.asks(&row.body) {
                    report.focus_areas[*a].questions[*q]
                        .not_received
                        .push(index);
                }
            }
            Ok(())
        };
        self.store.compile_rows(&c.access, &mut add).await?;
        // The insights into what was compiled, as appendices after the bodies' status.
        let texts =
            RoundTexts::of_compiled(&report, i16::try_from(c.round.year).unwrap_or_default());
        report.appendices =
            tertial_documents::insights::appendices(&texts, &self.store.actors().await?);
        Ok(report)
    }

    /// The round's compiled report, as the coordinator previews it, with its settings,
    /// summaries and published versions.
    pub async fn compilation(&self, actor: &Actor, round: RoundId) -> Result<Compilation> {
        let c = self.compiling(actor, round).await?;
        let settings = self.settings_of(&c).await?;
        let summaries = self.store.summaries(round).await?;
        let report = self.compile(&c, &settings, &summaries).await?;
        let states = c
            .snapshot
            .focus_areas
            .iter()
            .filter(|area| {
                c.snapshot
                    .questions
                    .iter()
                    .any(|q| q.focus_area == area.number)
            })
            .map(|area| {
                let versions: Vec<&Summary> = summaries
                    .iter()
                    .filter(|s| s.focus_area == area.number)
                    .collect();
                SummaryState {
                    focus_area: area.number,
                    label: format!("{}. {}", area.number, area.label),
                    latest: versions.last().map(|s| (*s).clone()),
                    versions: versions.len(),
                }
            })
            .collect();
        let publications = self
            .store
            .publications()
            .await?
            .into_iter()
            .filter(|p| p.round.id == round)
            .collect();
        Ok(Compilation {
            round: c.round,
            follow_up: c.follow_up,
            settings,
            report,
            summaries: states,
            publications,
        })
    }

    /// Saves the settings of the round's compiled report, or says what is wrong with them.
    pub async fn save_compilation_settings(
        &self,
        actor: &Actor,
        round: RoundId,
        typed: &CompilationSettings,
    ) -> Result<Result<(), Vec<SettingsProblem>>> {
        let c = self.compiling(actor, round).await?;
        let mut problems = Vec::new();
        let title = match clean_line(typed.title.trim(), MAX_TITLE_CHARS) {
            Ok(title) if title.is_empty() => {
                problems.push(SettingsProblem::TitleMissing);
                title
            }
            Ok(title) => title,
            Err(e) => {
                problems.push(SettingsProblem::Title(e));
                String::new()
            }
        };
        let introduction = clean_text(&typed.introduction, MAX_SUMMARY_CHARS)
            .map_err(|e| problems.push(SettingsProblem::Introduction(e)))
            .unwrap_or_default();
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        let settings = CompilationSettings {
            title,
            introduction,
            ..typed.clone()
        };
        let entry = NewAuditEntry::new(
            Some(actor.id),
            AuditAction::CompilationChanged,
            AuditSubject::Round(round),
        )
        .with_detail(format!(
            "approved_only={} include_contacts={}",
            settings.approved_only, settings.include_contacts
        ));
        self.store
            .save_compilation_settings(&c.access, &settings, &entry, self.now())
            .await?;
        Ok(Ok(()))
    }

    /// Saves a new version of a focus area's summary, based on version `base` (what the
    /// form showed): refused, with nothing stored, if someone saved a newer one since.
    pub async fn save_summary(
        &self,
        actor: &Actor,
        round: RoundId,
        focus_area: u32,
        base: i64,
        text: &str,
    ) -> Result<Result<i64, SummaryProblem>> {
        let c = self.compiling(actor, round).await?;
        if !c
            .snapshot
            .focus_areas
            .iter()
            .any(|a| a.number == focus_area)
        {
            return Err(AppError::NotFound);
        }
        let text = match clean_text(text, MAX_SUMMARY_CHARS) {
            Ok(text) => text,
            Err(e) => return Ok(Err(SummaryProblem::Invalid(e))),
        };
        let entry = |version: i64| {
            NewAuditEntry::new(
                Some(actor.id),
                AuditAction::SummarySaved,
                AuditSubject::Round(round),
            )
            .with_detail(format!("focus_area={focus_area} version={version}"))
        };
        Ok(self
            .store
            .save_summary(&c.access, focus_area, base, &text, &entry, self.now())
            .await?
            .map_err(|latest| SummaryProblem::Stale { latest }))
    }

    /// The round's compiled report in `format`, written to a temporary file (the model is
    /// built once and dropped as soon as the file is written). Audited.
    pub async fn export_compilation(
        &self,
        actor: &Actor,
        round: RoundId,
        format: Format,
    ) -> Result<ExportFile> {
        let c = self.compiling(actor, round).await?;
        let settings = self.settings_of(&c).await?;
        let summaries = self.store.summaries(round).await?;
        let report = self.compile(&c, &settings, &summaries).await?;
        let entry = NewAuditEntry::new(
            Some(actor.id),
            AuditAction::CompilationExported,
            AuditSubject::Round(round),
        )
        .with_detail(format!("format={}", format.code()));
        self.store.append_audit(&entry, self.now()).await?;
        let filename = file_name(&settings.title, None, format);
        let (file, len) = tokio::task::spawn_blocking(move || -> std::io::Result<_> {
            let mut file = tempfile::tempfile()?;
            format.write(&report, &mut file)?;
            drop(report);
            let len = file.stream_position()?;
            file.seek(SeekFrom::Start(0))?;
            Ok((file, len))
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("writing the {} file: {e}", format.code())))?;
        Ok(ExportFile {
            filename,
            media_type: format.media_type(),
            file,
            len,
        })
    }

    /// Publishes the round's compiled report as it compiles now: a new numbered version
    /// whose every format's file is kept as produced. Returns its number.
    pub async fn publish_compilation(&self, actor: &Actor, round: RoundId) -> Result<i64> {
        let c = self.compiling(actor, round).await?;
        let settings = self.settings_of(&c).await?;
        let summaries = self.store.summaries(round).await?;
        let report = self.compile(&c, &settings, &summaries).await?;
        // Each format into a temporary file of its own, so no file is ever held in memory.
        let mut files = tokio::task::spawn_blocking(move || {
            Format::ALL
                .into_iter()
                .map(|format| {
                    let mut file = tempfile::tempfile()?;
                    format.write(&report, &mut file)?;
                    file.seek(SeekFrom::Start(0))?;
                    Ok((format.code(), file))
                })
                .collect::<std::io::Result<Vec<_>>>()
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("writing the published files: {e}")))?;
        let entry = |number: i64| {
            NewAuditEntry::new(
                Some(actor.id),
                AuditAction::CompilationPublished,
                AuditSubject::Round(round),
            )
            .with_detail(format!("publication={number}"))
        };
        Ok(self
            .store
            .publish(&c.access, &settings.title, &mut files, &entry, self.now())
            .await?)
    }

    /// Every published version of every round, newest first: for readers, coordinators
    /// and administrators.
    pub async fn published(&self, actor: &Actor) -> Result<Vec<Publication>> {
        if !actor.reads_published() {
            return Err(self.forbidden(actor, AuditSubject::Published).await);
        }
        Ok(self.store.publications().await?)
    }

    /// One published version, read from the JSON kept when it was published.
    pub async fn publication(
        &self,
        actor: &Actor,
        round: RoundId,
        number: i64,
    ) -> Result<(Publication, CompiledReport)> {
        let publication = self.find_publication(actor, round, number).await?;
        let mut json = Vec::new();
        if !self
            .store
            .publication_file(round, number, Format::Json.code(), &mut json)
            .await?
        {
            return Err(AppError::NotFound);
        }
        let report = serde_json::from_slice(&json)
            .map_err(|e| AppError::Internal(format!("a published version's JSON: {e}")))?;
        Ok((publication, report))
    }

    /// A published version's file, byte for byte as it was published. Audited.
    pub async fn publication_file(
        &self,
        actor: &Actor,
        round: RoundId,
        number: i64,
        format: Format,
    ) -> Result<ExportFile> {
        let publication = self.find_publication(actor, round, number).await?;
        let mut file = tempfile::tempfile()
            .map_err(|e| AppError::Internal(format!("a temporary file: {e}")))?;
        if !self
            .store
            .publication_file(round, number, format.code(), &mut file)
            .await?
        {
            return Err(AppError::NotFound);
        }
        let len = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.metadata())
            .map_err(|e| AppError::Internal(format!("a published file: {e}")))?
            .len();
        let entry = NewAuditEntry::new(
            Some(actor.id),
            AuditAction::PublicationDownloaded,
            AuditSubject::Round(round),
        )
        .with_detail(format!("publication={number} format={}", format.code()));
        self.store.append_audit(&entry, self.now()).await?;
        Ok(ExportFile {
            filename: file_name(&publication.title, Some(number), format),
            media_type: format.media_type(),
            file,
            len,
        })
    }

    async fn find_publication(
        &self,
        actor: &Actor,
        round: RoundId,
        number: i64,
    ) -> Result<Publication> {
        self.published(actor)
            .await?
            .into_iter()
            .find(|p| p.round.id == round && p.number == number)
            .ok_or(AppError::NotFound)
    }
}

/// The latest summary of a focus area, or nothing.
fn latest_summary(summaries: &[Summary], area: u32) -> String {
    summaries
        .iter()
        .rfind(|s| s.focus_area == area)
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// "Naringslivsrapport-Tertialrapport-1-2022-version-2.docx".
fn file_name(title: &str, version: Option<i64>, format: Format) -> String {
    let version = version.map(|v| format!("-version-{v}")).unwrap_or_default();
    swedish::ascii_filename(&format!("{title}{version}.{}", format.code()))
}
