//! File formats: bytes in and out. Each writer takes a format-neutral model and returns the
//! file's bytes; nothing here knows about HTTP or databases.

use std::io::{self, Seek, Write};

use tertial_domain::Timestamp;
use tertial_domain::compiled::{
    CompiledAnswer, CompiledBody, CompiledContact, CompiledFocusArea, CompiledQuestion,
    CompiledReport, NotApplicable,
};

pub mod docx;
pub mod form_docx;
pub mod form_import;
pub mod insights;
pub mod mail;
pub mod markdown;
pub mod outline;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod swedish;
pub mod xlsx;
mod xml;

pub const JSON_MEDIA_TYPE: &str = "application/json";
pub const MARKDOWN_MEDIA_TYPE: &str = "text/markdown; charset=utf-8";

/// The compiled report as JSON: the model itself, bodies referred to by their index.
pub fn json<W: Write>(report: &CompiledReport, out: W) -> io::Result<W> {
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer(&mut w, report)?;
    w.into_inner().map_err(io::IntoInnerError::into_error)
}

/// A format the compiled report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Docx,
    Pdf,
    Xlsx,
    Markdown,
    Json,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Docx,
        Format::Pdf,
        Format::Xlsx,
        Format::Markdown,
        Format::Json,
    ];

    /// The code in addresses and in the database, which is also the file's extension.
    pub fn code(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Markdown => "md",
            Format::Json => "json",
        }
    }

    /// The format a code names ("markdown" too, as older links say).
    pub fn from_code(code: &str) -> Option<Format> {
        match code {
            "markdown" => Some(Format::Markdown),
            code => Self::ALL.into_iter().find(|f| f.code() == code),
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Docx => docx::MEDIA_TYPE,
            Format::Pdf => PDF_MEDIA_TYPE,
            Format::Xlsx => xlsx::MEDIA_TYPE,
            Format::Markdown => MARKDOWN_MEDIA_TYPE,
            Format::Json => JSON_MEDIA_TYPE,
        }
    }

    /// Writes `report` in this format to `out`, streaming where the format allows.
    pub fn write<W: Write + Seek + Send>(
        self,
        report: &CompiledReport,
        out: &mut W,
    ) -> io::Result<()> {
        match self {
            Format::Docx => docx::write(report, out).map(drop),
            #[cfg(feature = "pdf")]
            Format::Pdf => pdf::write(report, out).map(drop),
            #[cfg(not(feature = "pdf"))]
            Format::Pdf => Err(io::Error::other("built without the PDF writer")),
            Format::Xlsx => xlsx::write(report, out),
            Format::Markdown => markdown::compiled(report, out).map(drop),
            Format::Json => json(report, out).map(drop),
        }
    }

    /// The whole file in memory (for keeping a published version's bytes).
    pub fn bytes(self, report: &CompiledReport) -> io::Result<Vec<u8>> {
        let mut out = io::Cursor::new(Vec::new());
        self.write(report, &mut out)?;
        Ok(out.into_inner())
    }
}

const PDF_MEDIA_TYPE: &str = "application/pdf";

/// A file to hand to someone: its name, media type and bytes.
#[derive(Debug, Clone)]
pub struct DocumentFile {
    pub filename: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// One submitted report, ready to be written in any format.
#[derive(Debug, Clone)]
pub struct SubmissionDocument {
    /// E.g. "Uppföljning av direktiv och aktiviteter med näringslivskoppling".
    pub title: String,
    pub body: String,
    /// E.g. "Tertialrapport 1 2022".
    pub round: String,
    pub version: i64,
    /// As it should be printed, e.g. "11 maj 2022 kl. 14.02".
    pub submitted_at: String,
    pub submitted_by: String,
    pub sections: Vec<DocumentSection>,
    /// Label and value, e.g. ("Telefon", "08-000 00 00").
    pub contact: Vec<(String, String)>,
    pub other_information: String,
}

/// A focus area with its questions and answers.
#[derive(Debug, Clone)]
pub struct DocumentSection {
    pub heading: String,
    pub answers: Vec<DocumentAnswer>,
}

#[derive(Debug, Clone)]
pub struct DocumentAnswer {
    /// E.g. "1.2".
    pub number: String,
    pub question: String,
    pub text: String,
    /// "Ej aktuellt"; `text` is then its justification, if any.
    pub not_applicable: bool,
}

impl SubmissionDocument {
    /// This one body's submitted version as a compiled report of one body, so that every
    /// writer of the compiled report writes it too.
    pub fn compiled(&self, organisation: &str, created: Timestamp) -> CompiledReport {
        let contact_value = |label: &str| {
            self.contact
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let question = |answer: &DocumentAnswer| CompiledQuestion {
            number: answer.number.clone(),
            text: answer.question.clone(),
            answers: (!answer.not_applicable)
                .then(|| CompiledAnswer {
                    body: 0,
                    text: answer.text.clone(),
                    version: self.version,
                    approved: true,
                })
                .into_iter()
                .collect(),
            not_applicable: answer
                .not_applicable
                .then(|| NotApplicable {
                    body: 0,
                    justification: answer.text.clone(),
                })
                .into_iter()
                .collect(),
            not_received: Vec::new(),
        };
        let mut focus_areas: Vec<CompiledFocusArea> = self
            .sections
            .iter()
            .map(|section| CompiledFocusArea {
                number: String::new(),
                name: section.heading.clone(),
                summary: String::new(),
                questions: section.answers.iter().map(question).collect(),
            })
            .collect();
        focus_areas.push(CompiledFocusArea {
            number: String::new(),
            name: "Övriga upplysningar".into(),
            summary: match self.other_information.trim() {
                "" => "Inga.".into(),
                other => other.into(),
            },
            questions: Vec::new(),
        });
        CompiledReport {
            title: self.body.clone(),
            organisation: organisation.into(),
            follow_up: self.title.clone(),
            round: self.round.clone(),
            date: self.submitted_at.clone(),
            created,
            introduction: format!(
                "Version {}, inskickad {} av {}.",
                self.version, self.submitted_at, self.submitted_by
            ),
            marks_unapproved: false,
            includes_contacts: true,
            focus_areas,
            bodies: vec![CompiledBody {
                name: self.body.clone(),
                kind: String::new(),
                status: "Inskickad".into(),
                version: Some(self.version),
                submitted_at: self.submitted_at.clone(),
                contact: Some(CompiledContact {
                    name: contact_value(swedish::CONTACT_NAME),
                    phone: contact_value(swedish::CONTACT_PHONE),
                    email: contact_value(swedish::CONTACT_EMAIL),
                }),
            }],
            appendices: Vec::new(),
        }
    }
}
