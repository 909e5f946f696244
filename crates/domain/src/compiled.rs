//! The compiled report of a round (the "näringslivsrapport"), format-neutral: what every
//! writer (Word, PDF, Excel, Markdown, JSON) puts on paper. Pure data, already filtered to
//! what may be shown (only submitted versions, never a draft) and already in Swedish where
//! it holds labels.
//!
//! Bodies are listed once, in [`CompiledReport::bodies`] (which is also the appendix); the
//! questions refer to them by their index in that list, so a body's name is never repeated.
//!
//! One body's submitted version is the same model with one body in `bodies`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompiledReport {
    /// E.g. "Näringslivsrapport".
    pub title: String,
    /// E.g. "Stockholms stad"; also the document's author.
    pub organisation: String,
    /// The follow-up's title.
    pub follow_up: String,
    /// E.g. "Tertialrapport 1 2022".
    pub round: String,
    /// As printed, e.g. "11 maj 2022".
    pub date: String,
    /// When it was compiled, for the files' properties.
    pub created: jiff::Timestamp,
    /// Typed text: blank lines separate paragraphs, "- " starts a list item.
    pub introduction: String,
    /// Answers whose version is not approved are marked as such.
    pub marks_unapproved: bool,
    /// The appendix shows each body's contact person.
    pub includes_contacts: bool,
    pub focus_areas: Vec<CompiledFocusArea>,
    /// Every body of the round, in the order they are listed: the appendix.
    pub bodies: Vec<CompiledBody>,
    /// Further appendices after the bodies' (insights into the answers), in order. Absent
    /// from what was published before they existed.
    #[serde(default)]
    pub appendices: Vec<Appendix>,
}

/// An appendix: a titled section of headings, paragraphs, lists and tables, all plain text
/// already in Swedish, which every writer renders the same way whatever it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appendix {
    pub title: String,
    pub blocks: Vec<AppendixBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppendixBlock {
    /// A heading under the appendix's title.
    Heading(String),
    /// Typed text (blank lines separate paragraphs).
    Paragraph(String),
    /// A bullet list, one line an item.
    List(Vec<String>),
    /// A table with a header row; each row has a cell per column.
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompiledFocusArea {
    /// E.g. "1".
    pub number: String,
    pub name: String,
    /// The coordinator's summary, typed text; may be empty.
    pub summary: String,
    pub questions: Vec<CompiledQuestion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompiledQuestion {
    /// E.g. "1.2".
    pub number: String,
    pub text: String,
    pub answers: Vec<CompiledAnswer>,
    /// The bodies that answered "Ej aktuellt".
    pub not_applicable: Vec<NotApplicable>,
    /// The bodies with no answer ("Ej inkommit"), as indexes into `bodies`.
    pub not_received: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompiledAnswer {
    /// Index into [`CompiledReport::bodies`].
    pub body: usize,
    /// Typed text.
    pub text: String,
    pub version: i64,
    pub approved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotApplicable {
    /// Index into [`CompiledReport::bodies`].
    pub body: usize,
    /// Typed text; may be empty.
    pub justification: String,
}

/// A body as the appendix lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompiledBody {
    pub name: String,
    /// In Swedish, e.g. "Stadsdelsnämnd".
    pub kind: String,
    /// In Swedish, e.g. "Godkänd", "Ej inkommit".
    pub status: String,
    /// The version compiled, if any was submitted.
    pub version: Option<i64>,
    /// As printed, e.g. "11 maj 2022 kl. 14.02"; empty if never submitted.
    pub submitted_at: String,
    /// Only when the report includes contact persons.
    pub contact: Option<CompiledContact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompiledContact {
    pub name: String,
    pub phone: String,
    pub email: String,
}

impl CompiledReport {
    /// The body at `index`, or a placeholder if the index is out of range (a bug upstream
    /// should not crash a download).
    pub fn body(&self, index: usize) -> &CompiledBody {
        static UNKNOWN: CompiledBody = CompiledBody {
            name: String::new(),
            kind: String::new(),
            status: String::new(),
            version: None,
            submitted_at: String::new(),
            contact: None,
        };
        self.bodies.get(index).unwrap_or(&UNKNOWN)
    }
}

impl CompiledContact {
    /// "Eva Ek, 08-000 00 00, eva.ek@example.se", leaving out what is empty.
    pub fn one_line(&self) -> String {
        [&self.name, &self.phone, &self.email]
            .into_iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What the coordinator chooses for a round's compiled report (stored per round).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompilationSettings {
    pub title: String,
    /// Typed text.
    pub introduction: String,
    /// Only approved versions are compiled; otherwise every latest submitted version is,
    /// the unapproved ones marked.
    pub approved_only: bool,
    /// The appendix lists each body's contact person (off unless chosen: GDPR).
    pub include_contacts: bool,
}

/// The longest title of a compiled report, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// The longest introduction or summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 20_000;

/// One saved version of the coordinator's summary of a focus area in a round. Every save
/// makes a new version; none is ever changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub focus_area: u32,
    pub version: i64,
    pub text: String,
    pub saved_at: jiff::Timestamp,
    pub saved_by: String,
}

/// A published version of a round's compiled report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub round: crate::Round,
    pub number: i64,
    pub title: String,
    pub published_at: jiff::Timestamp,
    pub published_by: String,
}

/// A block of typed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block<'a> {
    /// Lines kept as typed (a single line break stays a line break).
    Paragraph(Vec<&'a str>),
    /// The items of a bullet list, without their markers.
    Bullets(Vec<&'a str>),
}

/// What starts a bullet list item: "- ", "• " or "* ".
const BULLETS: [&str; 3] = ["- ", "• ", "* "];

/// The list item a line holds, if it starts with a bullet marker (after any indentation).
pub fn bullet_item(line: &str) -> Option<&str> {
    let line = line.trim_start();
    BULLETS
        .iter()
        .find_map(|marker| line.strip_prefix(marker))
        .map(str::trim)
}

/// Splits typed text into paragraphs and bullet lists: blank lines separate paragraphs,
/// lines starting with "- ", "• " or "* " are list items. Lines are trimmed; nothing typed
/// is interpreted any further.
pub fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut current: Option<Block<'_>> = None;
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            out.extend(current.take());
            continue;
        }
        match (bullet_item(line), &mut current) {
            (Some(item), Some(Block::Bullets(items))) => items.push(item),
            (Some(item), _) => {
                out.extend(current.take());
                current = Some(Block::Bullets(vec![item]));
            }
            (None, Some(Block::Paragraph(lines))) => lines.push(line.trim()),
            (None, _) => {
                out.extend(current.take());
                current = Some(Block::Paragraph(vec![line.trim()]));
            }
        }
    }
    out.extend(current);
    out
}

/// Typed text as one line: its blocks' lines joined by spaces (for a table cell or a list
/// item that must stay one line).
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_bullet_lists() {
        let text = "Första stycket,\nandra raden.\n\n- en\n• två\n  * tre\nEfter listan.\n\n\n-inte en punkt";
        assert_eq!(
            blocks(text),
            vec![
                Block::Paragraph(vec!["Första stycket,", "andra raden."]),
                Block::Bullets(vec!["en", "två", "tre"]),
                Block::Paragraph(vec!["Efter listan."]),
                Block::Paragraph(vec!["-inte en punkt"]),
            ]
        );
        assert!(blocks("  \n\n ").is_empty());
    }

    #[test]
    fn contact_on_one_line_leaves_out_what_is_empty() {
        let contact = CompiledContact {
            name: "Eva Ek".into(),
            phone: String::new(),
            email: "eva@example.se".into(),
        };
        assert_eq!(contact.one_line(), "Eva Ek, eva@example.se");
        assert_eq!(one_line(" a\n\n b  c "), "a b c");
    }
}
