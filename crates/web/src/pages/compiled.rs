//! The compiled report of a round: the coordinator's preview with its settings and summary
//! editors, the exports, publishing; and the readers' published versions.

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tertial_app::{Compilation, ExportFile, SettingsProblem, SummaryProblem, SummaryState};
use tertial_documents::{DocumentFile, Format};
use tertial_domain::compiled::{Block, CompilationSettings, CompiledReport, Publication, blocks};
use tertial_domain::{AuditSubject, RoundId};

use super::{Chrome, note_forgery, ok, path_id, render};
use crate::error::WebError;
use crate::form::FormData;
use crate::session::Signed;
use crate::{AppState, text, time};

/// A block of typed text as the page shows it: a paragraph's lines, or a list's items.
pub struct TextBlock<'a> {
    pub bullets: bool,
    pub lines: Vec<&'a str>,
}

/// Typed text as paragraphs and bullet lists, as every document format shows it.
pub fn text_blocks(text: &str) -> Vec<TextBlock<'_>> {
    blocks(text)
        .into_iter()
        .map(|block| match block {
            Block::Paragraph(lines) => TextBlock {
                bullets: false,
                lines,
            },
            Block::Bullets(lines) => TextBlock {
                bullets: true,
                lines,
            },
        })
        .collect()
}

/// The names of the bodies at `indexes`, as one line ("Ej inkommit: A, B").
pub fn body_names(report: &CompiledReport, indexes: &[usize]) -> String {
    indexes
        .iter()
        .map(|&i| report.body(i).name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// When a summary was saved, as the page shows it.
pub fn saved_at(summary: &tertial_domain::compiled::Summary) -> String {
    time::date_time(summary.saved_at)
}

/// A download link: the format's code and its name.
pub struct Download {
    pub code: &'static str,
    pub name: &'static str,
}

fn downloads() -> Vec<Download> {
    Format::ALL
        .into_iter()
        .map(|format| Download {
            code: format.code(),
            name: text::format_name(format),
        })
        .collect()
}

/// The files a single submitted version downloads as: Word, PDF, Excel and Markdown.
pub fn submission_downloads() -> Vec<Download> {
    downloads()
        .into_iter()
        .filter(|d| d.code != Format::Json.code())
        .collect()
}

/// A published version as listed.
pub struct PublicationRow {
    pub round: i64,
    pub number: i64,
    pub title: String,
    pub round_name: String,
    pub published_at: String,
    pub published_by: String,
}

impl PublicationRow {
    fn of(p: &Publication) -> PublicationRow {
        PublicationRow {
            round: p.round.id.0,
            number: p.number,
            title: p.title.clone(),
            round_name: text::round_name(&p.round),
            published_at: time::date_time(p.published_at),
            published_by: p.published_by.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "compiled.html")]
struct CompiledPage {
    chrome: Chrome,
    round_id: i64,
    round_name: String,
    report: CompiledReport,
    settings: CompilationSettings,
    summaries: Vec<SummaryState>,
    publications: Vec<PublicationRow>,
    downloads: Vec<Download>,
    errors: Vec<(&'static str, String)>,
    notice: Option<&'static str>,
}

impl CompiledPage {
    fn error_for(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, m)| m.as_str())
    }
}

/// What the preview says after a change.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    sparad: Option<String>,
    #[serde(default)]
    publicerad: Option<String>,
}

fn page(
    signed: &Signed,
    compilation: Compilation,
    settings: Option<CompilationSettings>,
    errors: Vec<(&'static str, String)>,
    notice: Option<&'static str>,
) -> CompiledPage {
    CompiledPage {
        chrome: Chrome::of(signed),
        round_id: compilation.round.id.0,
        round_name: text::round_name(&compilation.round),
        settings: settings.unwrap_or(compilation.settings),
        summaries: compilation.summaries,
        publications: compilation
            .publications
            .iter()
            .map(PublicationRow::of)
            .collect(),
        downloads: downloads(),
        report: compilation.report,
        errors,
        notice,
    }
}

/// The compiled report, on screen and printable, with its settings, summaries, downloads
/// and publishing.
pub async fn preview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(done): Query<Done>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    let compilation = state.app.compilation(signed.actor(), id).await?;
    let notice = if done.sparad.is_some() {
        Some(text::COMPILATION_SAVED)
    } else if done.publicerad.is_some() {
        Some(text::COMPILATION_PUBLISHED)
    } else {
        None
    };
    ok(&page(&signed, compilation, None, Vec::new(), notice))
}

/// Checks a posted form's CSRF token, noting a forgery against the round.
async fn checked(
    state: &AppState,
    signed: &Signed,
    form: &FormData,
    id: RoundId,
) -> Result<(), WebError> {
    if let Err(e) = signed.check_csrf(form.get("csrf")) {
        note_forgery(state, Some(signed), AuditSubject::Round(id)).await;
        return Err(e);
    }
    Ok(())
}

/// Saves the title, introduction and choices; a problem re-shows the form as typed.
pub async fn save_settings(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    checked(&state, &signed, &form, id).await?;
    let typed = CompilationSettings {
        title: form.get("title").unwrap_or_default().to_owned(),
        introduction: form.get("introduction").unwrap_or_default().to_owned(),
        approved_only: form.get("approved_only").is_some(),
        include_contacts: form.get("include_contacts").is_some(),
    };
    let problems = match state
        .app
        .save_compilation_settings(signed.actor(), id, &typed)
        .await?
    {
        Ok(()) => {
            return Ok(Redirect::to(&format!("/omgangar/{id}/rapport?sparad=1")).into_response());
        }
        Err(problems) => problems,
    };
    let errors = problems
        .iter()
        .map(|problem| match problem {
            SettingsProblem::TitleMissing => ("title", text::COMPILATION_TITLE_MISSING.to_owned()),
            SettingsProblem::Title(e) => ("title", text::invalid_text(e)),
            SettingsProblem::Introduction(e) => ("introduction", text::invalid_text(e)),
        })
        .collect();
    let compilation = state.app.compilation(signed.actor(), id).await?;
    let view = page(&signed, compilation, Some(typed), errors, None);
    render(StatusCode::UNPROCESSABLE_ENTITY, &view)
}

#[derive(Template)]
#[template(path = "summary.html")]
struct SummaryPage {
    chrome: Chrome,
    round_id: i64,
    round_name: String,
    summary: SummaryState,
    /// What the form shows: the latest text, or what was typed.
    text: String,
    /// The version the form is based on.
    base: i64,
    error: Option<String>,
    /// Someone saved a newer version: their text, shown beside the typed one.
    newer: Option<String>,
}

async fn summary_state(
    state: &AppState,
    signed: &Signed,
    id: RoundId,
    number: u32,
) -> Result<(Compilation, SummaryState), WebError> {
    let compilation = state.app.compilation(signed.actor(), id).await?;
    let summary = compilation
        .summaries
        .iter()
        .find(|s| s.focus_area == number)
        .cloned()
        .ok_or_else(|| WebError::new(StatusCode::NOT_FOUND, text::NOT_FOUND))?;
    Ok((compilation, summary))
}

/// The editor of one focus area's summary.
pub async fn summary_form(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    signed: Signed,
) -> Result<Response, WebError> {
    let (id, number): (RoundId, u32) = (path_id(&id)?, path_id(&number)?);
    let (compilation, summary) = summary_state(&state, &signed, id, number).await?;
    ok(&SummaryPage {
        chrome: Chrome::of(&signed),
        round_id: id.0,
        round_name: text::round_name(&compilation.round),
        text: summary.text().to_owned(),
        base: summary.version(),
        summary,
        error: None,
        newer: None,
    })
}

/// Saves a new version of a focus area's summary, based on the version the form showed.
pub async fn save_summary(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let (id, number): (RoundId, u32) = (path_id(&id)?, path_id(&number)?);
    checked(&state, &signed, &form, id).await?;
    let typed = form.get("text").unwrap_or_default();
    let base: i64 = form
        .get("version")
        .unwrap_or_default()
        .parse()
        .unwrap_or(-1);
    let problem = match state
        .app
        .save_summary(signed.actor(), id, number, base, typed)
        .await?
    {
        Ok(_) => {
            let to = format!("/omgangar/{id}/rapport?sparad=1#fo-{number}");
            return Ok(Redirect::to(&to).into_response());
        }
        Err(problem) => problem,
    };
    let (compilation, summary) = summary_state(&state, &signed, id, number).await?;
    let (error, newer, base) = match problem {
        SummaryProblem::Invalid(e) => (text::invalid_text(&e), None, base),
        SummaryProblem::Stale { latest } => (
            text::summary_stale(latest),
            Some(summary.text().to_owned()),
            latest,
        ),
    };
    let view = SummaryPage {
        chrome: Chrome::of(&signed),
        round_id: id.0,
        round_name: text::round_name(&compilation.round),
        summary,
        text: typed.to_owned(),
        base,
        error: Some(error),
        newer,
    };
    render(StatusCode::CONFLICT, &view)
}

/// The format an address names, or 404.
fn format_of(code: &str) -> Result<Format, WebError> {
    Format::from_code(code).ok_or_else(|| WebError::new(StatusCode::NOT_FOUND, text::NOT_FOUND))
}

/// The compiled report as a file, streamed from the temporary file it was written to.
pub async fn export(
    State(state): State<AppState>,
    Path((id, format)): Path<(String, String)>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    let format = format_of(&format)?;
    let file = state
        .app
        .export_compilation(signed.actor(), id, format)
        .await?;
    Ok(streamed(file))
}

/// Reads a file in chunks on a blocking thread and hands them to the response as they come.
fn streamed(export: ExportFile) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
    let mut file = export.file;
    tokio::task::spawn_blocking(move || {
        use std::io::Read;
        loop {
            let mut chunk = vec![0; 1 << 16];
            match file.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    chunk.truncate(n);
                    if tx.blocking_send(Ok(Bytes::from(chunk))).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    // The response ends with an error: the browser does not keep a torn file.
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    attachment(headers, export.media_type, &export.filename);
    if let Ok(len) = HeaderValue::from_str(&export.len.to_string()) {
        headers.insert(header::CONTENT_LENGTH, len);
    }
    response
}

fn attachment(headers: &mut axum::http::HeaderMap, media_type: &str, filename: &str) {
    for (name, value) in [
        (header::CONTENT_TYPE, media_type.to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

/// A file held in memory, as a download.
pub fn download(file: DocumentFile) -> Response {
    let mut response = file.bytes.into_response();
    attachment(response.headers_mut(), file.media_type, &file.filename);
    response
}

/// Publishes the compiled report as it is now.
pub async fn publish(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let id: RoundId = path_id(&id)?;
    checked(&state, &signed, &form, id).await?;
    state.app.publish_compilation(signed.actor(), id).await?;
    Ok(Redirect::to(&format!("/omgangar/{id}/rapport?publicerad=1")).into_response())
}

#[derive(Template)]
#[template(path = "published.html")]
struct PublishedPage {
    chrome: Chrome,
    rows: Vec<PublicationRow>,
}

/// Every published report and its versions.
pub async fn published(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, WebError> {
    let rows = state
        .app
        .published(signed.actor())
        .await?
        .iter()
        .map(PublicationRow::of)
        .collect();
    ok(&PublishedPage {
        chrome: Chrome::of(&signed),
        rows,
    })
}

#[derive(Template)]
#[template(path = "publication.html")]
struct PublicationPage {
    chrome: Chrome,
    publication: PublicationRow,
    report: CompiledReport,
    downloads: Vec<Download>,
}

/// A published version, read on screen from the JSON kept when it was published.
pub async fn publication(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    signed: Signed,
) -> Result<Response, WebError> {
    let (id, number): (RoundId, i64) = (path_id(&id)?, path_id(&number)?);
    let (publication, report) = state.app.publication(signed.actor(), id, number).await?;
    ok(&PublicationPage {
        chrome: Chrome::of(&signed),
        publication: PublicationRow::of(&publication),
        report,
        downloads: downloads(),
    })
}

/// A published version's file, byte for byte as published.
pub async fn publication_file(
    State(state): State<AppState>,
    Path((id, number, format)): Path<(String, String, String)>,
    signed: Signed,
) -> Result<Response, WebError> {
    let (id, number): (RoundId, i64) = (path_id(&id)?, path_id(&number)?);
    let format = format_of(&format)?;
    let file = state
        .app
        .publication_file(signed.actor(), id, number, format)
        .await?;
    Ok(streamed(file))
}

/// A submitted version as a file in any format (`markdown` too, as older links say).
pub async fn submission_file(
    State(state): State<AppState>,
    Path((id, number, format)): Path<(String, String, String)>,
    signed: Signed,
) -> Result<Response, WebError> {
    let (id, number) = (path_id(&id)?, path_id(&number)?);
    let format = format_of(&format)?;
    let file = state
        .app
        .submission_file(signed.actor(), id, number, format)
        .await?;
    Ok(download(file))
}
