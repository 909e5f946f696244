//! Forms as Word files: the form downloaded (the draft, or a submitted version), answers
//! taken from a file into the draft (the body's reporters), and historic forms imported
//! into a closed round as submitted versions (coordinators). Upload → preview → confirm;
//! nothing changes before the confirmation, which works without JavaScript (the preview
//! is kept on the server).

use askama::Template;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use http_body_util::BodyExt;
use tertial_app::{
    AppError, ImportApplied, ImportProblem, MAX_IMPORT_BYTES, PreviewField, ReportContext,
};
use tertial_domain::import::{Change, ImportKind};
use tertial_domain::{AuditSubject, FieldValue, ReportId};

use super::compiled::download;
use super::{Chrome, checked, note_forgery, ok, path_id, render};
use crate::error::WebError;
use crate::form::FormData;
use crate::session::Signed;
use crate::{AppState, text, time};

/// The body's form with the draft's answers, as a Word file.
pub async fn form_file(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, WebError> {
    let id: ReportId = path_id(&id)?;
    Ok(download(state.app.form_file(signed.actor(), id).await?))
}

/// The body's form with a submitted version's answers, as a Word file.
pub async fn submitted_form_file(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    signed: Signed,
) -> Result<Response, WebError> {
    let (id, number): (ReportId, i64) = (path_id(&id)?, path_id(&number)?);
    let file = state
        .app
        .submitted_form_file(signed.actor(), id, number)
        .await?;
    Ok(download(file))
}

/// "Hämta svar från Word-fil": the upload form for the draft.
pub async fn draft_upload_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, WebError> {
    upload_page(&state, &signed, &id, ImportKind::Draft).await
}

/// A file for the draft: read into a preview, or the form again with why not.
pub async fn draft_upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    request: Request,
) -> Result<Response, WebError> {
    upload(&state, &signed, &id, ImportKind::Draft, request).await
}

/// The preview of a file for the draft.
pub async fn draft_preview(
    State(state): State<AppState>,
    Path((id, pending)): Path<(String, String)>,
    signed: Signed,
) -> Result<Response, WebError> {
    preview_page(&state, &signed, (&id, &pending), ImportKind::Draft).await
}

/// "Använd svaren": the preview applied to the draft; what was not (saved by someone since
/// the preview) is listed with the file's text.
pub async fn draft_confirm(
    State(state): State<AppState>,
    Path((id, pending)): Path<(String, String)>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let (id, pending): (ReportId, i64) = (path_id(&id)?, path_id(&pending)?);
    checked(&state, &signed, &form, AuditSubject::Report(id)).await?;
    let applied = state
        .app
        .confirm_draft_import(signed.actor(), id, pending)
        .await?;
    ok(&done_page(&signed, applied))
}

/// "Läs in historiskt formulär": the upload form for a past round's report.
pub async fn historic_upload_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, WebError> {
    upload_page(&state, &signed, &id, ImportKind::Historic).await
}

/// A historic file: read into a preview, or the form again with why not.
pub async fn historic_upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: Signed,
    request: Request,
) -> Result<Response, WebError> {
    upload(&state, &signed, &id, ImportKind::Historic, request).await
}

/// The preview of a historic file.
pub async fn historic_preview(
    State(state): State<AppState>,
    Path((id, pending)): Path<(String, String)>,
    signed: Signed,
) -> Result<Response, WebError> {
    preview_page(&state, &signed, (&id, &pending), ImportKind::Historic).await
}

/// "Använd svaren": the historic file stored as a submitted version, which is shown next.
pub async fn historic_confirm(
    State(state): State<AppState>,
    Path((id, pending)): Path<(String, String)>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    let (id, pending): (ReportId, i64) = (path_id(&id)?, path_id(&pending)?);
    checked(&state, &signed, &form, AuditSubject::Report(id)).await?;
    let number = state
        .app
        .confirm_historic_import(signed.actor(), id, pending)
        .await?;
    Ok(Redirect::to(&format!("/rapporter/{id}/versioner/{number}")).into_response())
}

fn base_path(id: ReportId, kind: ImportKind) -> String {
    match kind {
        ImportKind::Draft => format!("/rapporter/{id}/import"),
        ImportKind::Historic => format!("/rapporter/{id}/historisk-import"),
    }
}

#[derive(Template)]
#[template(path = "import_upload.html")]
struct UploadTemplate {
    chrome: Chrome,
    report_id: i64,
    heading: &'static str,
    historic: bool,
    body_name: String,
    round_name: String,
    action: String,
    csrf: String,
    error: Option<String>,
}

async fn upload_page(
    state: &AppState,
    signed: &Signed,
    id: &str,
    kind: ImportKind,
) -> Result<Response, WebError> {
    let id: ReportId = path_id(id)?;
    let context = state.app.import_target(signed.actor(), id, kind).await?;
    upload_form(signed, &context, kind, None)
}

/// The upload form, with the problem that stopped the last file if there was one (422).
fn upload_form(
    signed: &Signed,
    context: &ReportContext,
    kind: ImportKind,
    error: Option<String>,
) -> Result<Response, WebError> {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = UploadTemplate {
        chrome: Chrome::of(signed),
        report_id: context.report.id.0,
        heading: match kind {
            ImportKind::Draft => text::IMPORT_DRAFT_HEADING,
            ImportKind::Historic => text::IMPORT_HISTORIC_HEADING,
        },
        historic: kind == ImportKind::Historic,
        body_name: context.body.name.clone(),
        round_name: text::round_name(&context.round),
        action: base_path(context.report.id, kind),
        csrf: signed.csrf().to_owned(),
        error,
    };
    render(status, &page)
}

/// A posted file: read under the size limit and the body's deadline, checked, and kept as
/// a preview (303 to it); any problem re-shows the form with its message and changes
/// nothing.
async fn upload(
    state: &AppState,
    signed: &Signed,
    id: &str,
    kind: ImportKind,
    request: Request,
) -> Result<Response, WebError> {
    let id: ReportId = path_id(id)?;
    let context = state.app.import_target(signed.actor(), id, kind).await?;
    let posted = match read_upload(state, request).await? {
        Ok(posted) => posted,
        Err(problem) => {
            return upload_form(signed, &context, kind, Some(text::import_problem(&problem)));
        }
    };
    if signed.check_csrf(posted.csrf.as_deref()).is_err() {
        note_forgery(state, Some(signed), AuditSubject::Report(id)).await;
        return Err(WebError::new(StatusCode::FORBIDDEN, text::CSRF_FAILED));
    }
    let Some((file_name, bytes)) = posted.file else {
        return upload_form(
            signed,
            &context,
            kind,
            Some(text::import_problem(&ImportProblem::NoFile)),
        );
    };
    match state
        .app
        .read_import(signed.actor(), id, kind, &file_name, bytes)
        .await
    {
        Ok(pending) => {
            let to = format!("{}/{pending}", base_path(id, kind));
            Ok(Redirect::to(&to).into_response())
        }
        Err(AppError::Import(problem)) => {
            upload_form(signed, &context, kind, Some(text::import_problem(&problem)))
        }
        Err(e) => Err(e.into()),
    }
}

/// What an upload form posted.
struct Posted {
    csrf: Option<String>,
    /// The file's name and content; `None` when no file was chosen.
    file: Option<(String, Vec<u8>)>,
}

/// Some room beside the file for the form's other fields and the multipart framing.
const FRAMING: usize = 64 * 1024;

/// How much of a too-large body is still read (and thrown away) so that the browser gets
/// the answer rather than a dropped connection.
const DRAIN: usize = 256 * 1024 * 1024;

/// Reads a multipart upload: at most [`MAX_IMPORT_BYTES`] of file, within the body's
/// deadline. Too large a file is a problem to show, not a broken connection: the rest of
/// the body is read and dropped (up to [`DRAIN`]) before the answer goes.
async fn read_upload(
    state: &AppState,
    request: Request,
) -> Result<Result<Posted, ImportProblem>, WebError> {
    let (parts, body) = request.into_parts();
    let read = async {
        let mut body = body;
        let mut kept = Vec::new();
        let mut seen = 0usize;
        while let Some(frame) = body.frame().await {
            let frame =
                frame.map_err(|_| WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED))?;
            if let Ok(data) = frame.into_data() {
                seen += data.len();
                if seen > DRAIN {
                    return Err(WebError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        text::TOO_LARGE,
                    ));
                }
                if seen <= MAX_IMPORT_BYTES + FRAMING {
                    kept.extend_from_slice(&data);
                }
            }
        }
        Ok((kept, seen))
    };
    let (kept, seen) = tokio::time::timeout(state.settings.body_deadline, read)
        .await
        .map_err(|_| WebError::new(StatusCode::REQUEST_TIMEOUT, text::TOO_SLOW))??;
    if seen > MAX_IMPORT_BYTES + FRAMING {
        return Ok(Err(ImportProblem::File(
            tertial_documents::form_import::ImportError::TooLarge,
        )));
    }
    let request = Request::from_parts(parts, Body::from(kept));
    let malformed = || WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED);
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|_| malformed())?;
    let mut posted = Posted {
        csrf: None,
        file: None,
    };
    while let Some(field) = multipart.next_field().await.map_err(|_| malformed())? {
        match field.name() {
            Some("csrf") => posted.csrf = Some(field.text().await.map_err(|_| malformed())?),
            Some("fil") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|_| malformed())?;
                if bytes.len() > MAX_IMPORT_BYTES {
                    return Ok(Err(ImportProblem::File(
                        tertial_documents::form_import::ImportError::TooLarge,
                    )));
                }
                // A form sent without choosing a file has a nameless, empty part.
                if !(name.is_empty() && bytes.is_empty()) {
                    posted.file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok(Ok(posted))
}

/// One field of the preview as the page shows it.
struct FieldLine {
    number: String,
    label: String,
    /// The percentage and the question as the file had it.
    similar: Option<(u8, String)>,
    imported: Option<FieldValue>,
    current: FieldValue,
    change: &'static str,
    change_code: &'static str,
}

struct SectionLines {
    heading: String,
    fields: Vec<FieldLine>,
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewTemplate {
    chrome: Chrome,
    report_id: i64,
    historic: bool,
    body_name: String,
    round_name: String,
    file_name: String,
    sections: Vec<SectionLines>,
    contact: Vec<FieldLine>,
    other: Vec<FieldLine>,
    unmatched: Vec<String>,
    found: usize,
    questions: usize,
    changes: usize,
    next_version: i64,
    action: String,
    upload: String,
    csrf: String,
}

fn field_line(field: &PreviewField) -> FieldLine {
    let (change, change_code) = match field.change {
        Some(Change::Unchanged) => (text::IMPORT_UNCHANGED, "unchanged"),
        Some(Change::New) => (text::IMPORT_NEW, "new"),
        Some(Change::Replaced) => (text::IMPORT_REPLACED, "replaced"),
        None => ("", ""),
    };
    FieldLine {
        number: field.number.clone(),
        label: field.question.as_ref().map_or_else(
            || text::field_label(&field.field).to_owned(),
            |q| q.text.clone(),
        ),
        similar: field
            .imported
            .as_ref()
            .and_then(|i| i.similar.as_ref())
            .map(|s| (s.percent, s.found.clone())),
        imported: field.imported.as_ref().map(|i| i.value.clone()),
        current: field.current.clone(),
        change,
        change_code,
    }
}

async fn preview_page(
    state: &AppState,
    signed: &Signed,
    (id, pending): (&str, &str),
    kind: ImportKind,
) -> Result<Response, WebError> {
    let (id, pending): (ReportId, i64) = (path_id(id)?, path_id(pending)?);
    let preview = match state
        .app
        .import_preview(signed.actor(), id, kind, pending)
        .await
    {
        Ok(preview) => preview,
        // Gone (used, replaced, expired): choose the file again.
        Err(AppError::Import(problem @ ImportProblem::PreviewGone)) => {
            let context = state.app.import_target(signed.actor(), id, kind).await?;
            return upload_form(signed, &context, kind, Some(text::import_problem(&problem)));
        }
        Err(e) => return Err(e.into()),
    };
    let context = &preview.context;
    let (contact, other): (Vec<_>, Vec<_>) =
        preview.fixed.iter().partition(|f| f.field.is_one_line());
    let sections: Vec<SectionLines> = preview
        .sections
        .iter()
        .map(|s| SectionLines {
            heading: s.heading.clone(),
            fields: s.fields.iter().map(field_line).collect(),
        })
        .collect();
    let questions = sections.iter().map(|s| s.fields.len()).sum();
    let found = sections
        .iter()
        .flat_map(|s| &s.fields)
        .filter(|f| f.imported.is_some())
        .count();
    let page = PreviewTemplate {
        chrome: Chrome::of(signed),
        report_id: id.0,
        historic: kind == ImportKind::Historic,
        body_name: context.body.name.clone(),
        round_name: text::round_name(&context.round),
        file_name: preview.file_name.clone(),
        sections,
        contact: contact.into_iter().map(field_line).collect(),
        other: other.into_iter().map(field_line).collect(),
        unmatched: preview.unmatched.clone(),
        found,
        questions,
        changes: preview.changes,
        next_version: preview.next_version,
        action: format!("{}/{}", base_path(id, kind), preview.pending),
        upload: base_path(id, kind),
        csrf: signed.csrf().to_owned(),
    };
    ok(&page)
}

/// A field the import did not write, as the done page lists it.
struct NotApplied {
    label: String,
    at: String,
    now: String,
    file: String,
}

#[derive(Template)]
#[template(path = "import_done.html")]
struct DoneTemplate {
    chrome: Chrome,
    report_id: i64,
    body_name: String,
    round_name: String,
    file_name: String,
    applied: usize,
    not_applied: Vec<NotApplied>,
}

fn done_page(signed: &Signed, applied: ImportApplied) -> DoneTemplate {
    let context = &applied.context;
    let numbered: Vec<_> = context
        .numbered_sections()
        .into_iter()
        .flat_map(|(_, qs)| qs)
        .collect();
    let label = |field: &tertial_domain::Field| {
        numbered
            .iter()
            .find(|(_, q)| tertial_domain::import::answer_key(field) == Some(&q.key))
            .map(|(number, q)| format!("{number} {}", q.text))
            .unwrap_or_else(|| text::field_label(field).to_owned())
    };
    let shown = |value: &FieldValue| {
        if value.not_applicable {
            format!("{}\n\n{}", text::NOT_APPLICABLE, value.text)
                .trim()
                .to_owned()
        } else {
            value.text.clone()
        }
    };
    DoneTemplate {
        chrome: Chrome::of(signed),
        report_id: context.report.id.0,
        body_name: context.body.name.clone(),
        round_name: text::round_name(&context.round),
        file_name: applied.file_name.clone(),
        applied: applied.applied,
        not_applied: applied
            .not_applied
            .iter()
            .map(|(field, mine, now)| NotApplied {
                label: label(field),
                at: time::date_time(now.updated_at),
                now: shown(&now.value),
                file: shown(mine),
            })
            .collect(),
    }
}
