//! File formats: bytes in and out. Each writer takes a format-neutral model and returns the
//! file's bytes; nothing here knows about HTTP or databases.

pub mod mail;
pub mod markdown;
pub mod swedish;

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
