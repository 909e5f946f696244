//! The compiled report's reading order, once for every document format: the writers for
//! Word, PDF and Markdown each turn these items into their own syntax, so the three can
//! never disagree about what comes where or what it is called.

use std::borrow::Cow;
use std::io;

use tertial_domain::compiled::{AppendixBlock, CompiledReport, one_line};

pub const INTRODUCTION: &str = "Inledning";
pub const NOT_APPLICABLE: &str = "Ej aktuellt";
pub const NOT_RECEIVED: &str = "Ej inkommit";
pub const NOT_APPROVED: &str = "ej godkänd";
pub const APPENDIX: &str = "Bilaga: Status per nämnd och bolag";
pub const CONTENTS: &str = "Innehåll";
pub const COLUMN_BODY: &str = "Nämnd eller bolag";
pub const COLUMN_KIND: &str = "Typ";
pub const COLUMN_STATUS: &str = "Status";
pub const COLUMN_VERSION: &str = "Version";
pub const COLUMN_SUBMITTED: &str = "Inskickad";
pub const COLUMN_CONTACT: &str = "Kontaktperson";

/// One thing in the document, in reading order.
#[derive(Debug, Clone)]
pub enum Item<'a> {
    /// The title page: the title and the lines under it.
    Title {
        title: &'a str,
        subtitle: [Cow<'a, str>; 3],
    },
    /// A table of contents, where the format has one.
    Contents,
    /// Level 1 (focus areas, introduction, appendix), 2 (questions) or 3 (bodies).
    Heading {
        level: u8,
        text: Cow<'a, str>,
    },
    /// Typed text: split it with [`tertial_domain::compiled::blocks`].
    Text(&'a str),
    /// A paragraph of our own: a bold label, then text (which may be empty).
    Note {
        label: &'static str,
        text: Cow<'a, str>,
    },
    /// A bullet list of our own, one line an item.
    Bullets(Vec<Cow<'a, str>>),
    /// A table's header row, each column with its share of the width; its rows follow,
    /// then [`Item::TableEnd`].
    Table(Vec<(Cow<'a, str>, u8)>),
    Row(Vec<Cow<'a, str>>),
    TableEnd,
}

/// Hands every item of `report` to `sink`, in reading order.
pub fn walk<'a>(
    report: &'a CompiledReport,
    sink: &mut impl FnMut(Item<'a>) -> io::Result<()>,
) -> io::Result<()> {
    sink(Item::Title {
        title: &report.title,
        subtitle: [
            Cow::Borrowed(&report.organisation),
            Cow::Borrowed(&report.follow_up),
            Cow::Owned(format!("{} · {}", report.round, report.date)),
        ],
    })?;
    sink(Item::Contents)?;
    if !report.introduction.trim().is_empty() {
        sink(heading(1, INTRODUCTION))?;
        sink(Item::Text(&report.introduction))?;
    }
    for area in &report.focus_areas {
        sink(if area.number.is_empty() {
            heading(1, area.name.as_str())
        } else {
            heading(1, format!("{}. {}", area.number, area.name))
        })?;
        if !area.summary.trim().is_empty() {
            sink(Item::Text(&area.summary))?;
        }
        for question in &area.questions {
            sink(heading(2, format!("{} {}", question.number, question.text)))?;
            for answer in &question.answers {
                let name = &report.body(answer.body).name;
                sink(if report.marks_unapproved && !answer.approved {
                    heading(3, format!("{name} ({NOT_APPROVED})"))
                } else {
                    heading(3, name.as_str())
                })?;
                sink(Item::Text(&answer.text))?;
            }
            if !question.not_applicable.is_empty() {
                sink(note(NOT_APPLICABLE, ""))?;
                sink(Item::Bullets(
                    question
                        .not_applicable
                        .iter()
                        .map(|na| {
                            let name = &report.body(na.body).name;
                            match one_line(&na.justification) {
                                j if j.is_empty() => Cow::Borrowed(name.as_str()),
                                j => Cow::Owned(format!("{name}: {j}")),
                            }
                        })
                        .collect(),
                ))?;
            }
            if !question.not_received.is_empty() {
                let names: Vec<&str> = question
                    .not_received
                    .iter()
                    .map(|&b| report.body(b).name.as_str())
                    .collect();
                sink(note(NOT_RECEIVED, names.join(", ")))?;
            }
        }
    }
    sink(heading(1, APPENDIX))?;
    let mut header = vec![
        (Cow::Borrowed(COLUMN_BODY), 4),
        (Cow::Borrowed(COLUMN_KIND), 3),
        (Cow::Borrowed(COLUMN_STATUS), 2),
        (Cow::Borrowed(COLUMN_VERSION), 2),
        (Cow::Borrowed(COLUMN_SUBMITTED), 3),
    ];
    if report.includes_contacts {
        header.push((Cow::Borrowed(COLUMN_CONTACT), 4));
    }
    sink(Item::Table(header))?;
    for body in &report.bodies {
        let mut row = vec![
            Cow::Borrowed(body.name.as_str()),
            Cow::Borrowed(body.kind.as_str()),
            Cow::Borrowed(body.status.as_str()),
            body.version
                .map_or(Cow::Borrowed(""), |v| Cow::Owned(v.to_string())),
            Cow::Borrowed(body.submitted_at.as_str()),
        ];
        if report.includes_contacts {
            row.push(Cow::Owned(
                body.contact
                    .as_ref()
                    .map(|c| c.one_line())
                    .unwrap_or_default(),
            ));
        }
        sink(Item::Row(row))?;
    }
    sink(Item::TableEnd)?;
    appendices(report, sink)
}

/// The further appendices, each block as the items every writer already knows.
fn appendices<'a>(
    report: &'a CompiledReport,
    sink: &mut impl FnMut(Item<'a>) -> io::Result<()>,
) -> io::Result<()> {
    let borrowed = |cells: &'a [String]| cells.iter().map(|c| Cow::Borrowed(c.as_str()));
    for appendix in &report.appendices {
        sink(heading(1, appendix.title.as_str()))?;
        for block in &appendix.blocks {
            match block {
                AppendixBlock::Heading(text) => sink(heading(2, text.as_str()))?,
                AppendixBlock::Paragraph(text) => sink(Item::Text(text))?,
                AppendixBlock::List(items) if items.is_empty() => {}
                AppendixBlock::List(items) => sink(Item::Bullets(borrowed(items).collect()))?,
                AppendixBlock::Table { rows, .. } if rows.is_empty() => {}
                AppendixBlock::Table { columns, rows } => {
                    sink(Item::Table(borrowed(columns).map(|c| (c, 1)).collect()))?;
                    for row in rows {
                        sink(Item::Row(borrowed(row).collect()))?;
                    }
                    sink(Item::TableEnd)?;
                }
            }
        }
    }
    Ok(())
}

fn heading<'a>(level: u8, text: impl Into<Cow<'a, str>>) -> Item<'a> {
    Item::Heading {
        level,
        text: text.into(),
    }
}

fn note<'a>(label: &'static str, text: impl Into<Cow<'a, str>>) -> Item<'a> {
    Item::Note {
        label,
        text: text.into(),
    }
}
