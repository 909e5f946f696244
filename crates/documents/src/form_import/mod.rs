//! Reading a filled-in form back: our own export (matched by its tags), the old Word
//! templates (.docx) and their plain-text versions (matched by the questions' texts).
//! `matching` says how tolerant the text matching is, with examples.

use tertial_domain::compiled::{Block, blocks};

use crate::form_docx::{
    BOOKMARK_QUESTION, FormIdentity, PROPERTY_BODY, PROPERTY_FOLLOW_UP, PROPERTY_ROUND,
};

mod layout;
mod matching;
mod package;
mod text;
mod wordml;

pub use package::MAX_FILE_BYTES;

/// A question the round asks this body, in the form's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectedQuestion<'a> {
    pub key: &'a str,
    pub text: &'a str,
}

/// What kind of file the answers came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A form Tertial exported (matched by its tags).
    OwnExport,
    /// An old Word template, filled in (matched by the questions' texts).
    WordTemplate,
    /// A plain-text version of a filled-in template.
    PlainText,
}

/// The answers found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedForm {
    pub source: Source,
    /// Which form the file is, only from our own export.
    pub identity: Option<FormIdentity>,
    /// The template's "Nämnd" field, when filled in.
    pub body_name: Option<String>,
    /// The questions found, in the questions' order.
    pub answers: Vec<ImportedAnswer>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub other_information: Option<String>,
    /// Text that matched no question, in document order.
    pub unmatched: Vec<String>,
}

/// One question's answer as found in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAnswer {
    pub key: String,
    /// Typed text: a blank line between paragraphs, "- " before a list item.
    pub text: String,
    /// "Ej aktuellt"; `text` is then its justification, if any.
    pub not_applicable: bool,
    pub matched: Match,
}

/// How a question was recognised in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// By the tag our export put around the answer.
    Tag,
    /// By the question's text, the same but for spacing, numbering and punctuation.
    Exact,
    /// By a question text close enough; `found` is the text as the file had it.
    Similar { percent: u8, found: String },
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Nothing in the file.
    Empty,
    /// Larger than `MAX_FILE_BYTES`.
    TooLarge,
    /// Neither a Word file (.docx) nor text.
    NotWordFile,
    /// An old Word file (.doc), not Office Open XML.
    OldWordFormat,
    /// A macro-enabled document (.docm, vbaProject.bin).
    Macros,
    /// An encrypted (password-protected) document.
    Encrypted,
    /// Expands far beyond its size, or holds too many parts: a zip bomb or no document.
    ZipBomb,
    /// A part of the file is not well-formed XML.
    BrokenXml,
    /// None of this form's questions is in the file.
    NoQuestionsFound,
}

impl ImportError {
    /// A clear Swedish sentence naming the problem, for the person who chose the file.
    pub fn message(&self) -> String {
        match self {
            ImportError::Empty => "Filen är tom.",
            ImportError::TooLarge => "Filen är för stor. Den får vara högst 20 MB.",
            ImportError::NotWordFile => {
                "Filen är varken en Word-fil (.docx) eller en textfil. Spara den som .docx och försök igen."
            }
            ImportError::OldWordFormat => {
                "Filen är i Words gamla format (.doc), som inte kan läsas. Öppna den i Word och spara den som .docx."
            }
            ImportError::Macros => {
                "Filen innehåller makron (.docm) och läses inte av säkerhetsskäl. Spara den som vanligt Word-dokument (.docx)."
            }
            ImportError::Encrypted => {
                "Filen är lösenordsskyddad (krypterad) och kan inte läsas. Ta bort lösenordet i Word och spara igen."
            }
            ImportError::ZipBomb => {
                "Filen är inte ett giltigt Word-dokument: den packas upp till orimligt mycket data eller för många delar."
            }
            ImportError::BrokenXml => {
                "Word-filen är skadad (dess innehåll går inte att tolka). Öppna och spara den i Word och försök igen."
            }
            ImportError::NoQuestionsFound => {
                "Ingen av formulärets frågor hittades i filen. Kontrollera att det är rätt fil för den här rapporten."
            }
        }
        .into()
    }
}

/// Reads a form file: a .docx (our export or an old template) or plain text. `file_name`
/// only refuses a macro-enabled name (.docm) and tells a Word file that is not one; what a
/// file is comes from its bytes.
pub fn read_form(
    bytes: &[u8],
    file_name: &str,
    questions: &[ExpectedQuestion],
) -> Result<ImportedForm, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    let (document, source) = match package::sniff(bytes, file_name)? {
        package::Kind::Zip => {
            let document = package::open_docx(bytes, file_name)?;
            let own = document.properties.contains_key(PROPERTY_ROUND)
                || document
                    .units
                    .iter()
                    .any(|u| u.bookmarks.iter().any(|b| b.starts_with(BOOKMARK_QUESTION)));
            let source = if own {
                Source::OwnExport
            } else {
                Source::WordTemplate
            };
            (document, source)
        }
        package::Kind::Text(text) => (text::document(&text), Source::PlainText),
    };
    let mut form = layout::extract(&document, questions, source)?;
    if source == Source::OwnExport {
        let id = |name: &str| document.properties.get(name)?.parse().ok();
        form.identity = match (
            id(PROPERTY_FOLLOW_UP),
            id(PROPERTY_ROUND),
            id(PROPERTY_BODY),
        ) {
            (Some(follow_up_id), Some(round_id), Some(body_id)) => Some(FormIdentity {
                follow_up_id,
                round_id,
                body_id,
            }),
            _ => None,
        };
    }
    Ok(form)
}

/// Typed text in the form the readers give it back: paragraphs separated by one blank line,
/// lines trimmed, list items as "- " lines. Comparing a draft's text with an imported one
/// through this shows only real changes.
pub fn canonical(text: &str) -> String {
    blocks(text)
        .iter()
        .map(|block| match block {
            Block::Paragraph(lines) => lines.join("\n"),
            Block::Bullets(items) => items
                .iter()
                .map(|item| format!("- {item}"))
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}
