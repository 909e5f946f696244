//! Markdown: plain text that reads well as it is and pastes into any word processor.

use std::io::{self, Write};

use tertial_domain::compiled::{Block, CompiledReport, blocks};

use crate::SubmissionDocument;
use crate::outline::{self, Item};

/// The compiled report as Markdown, in the same reading order as Word and PDF. Everything
/// typed is escaped; paragraphs and bullet lists are kept.
pub fn compiled<W: Write>(report: &CompiledReport, out: W) -> io::Result<W> {
    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    outline::walk(report, &mut |item| write_item(&mut w, item))?;
    w.into_inner().map_err(io::IntoInnerError::into_error)
}

fn write_item(w: &mut impl Write, item: Item<'_>) -> io::Result<()> {
    match item {
        Item::Title { title, subtitle } => {
            writeln!(w, "# {}\n", escape_line(title))?;
            let lines: Vec<String> = subtitle.iter().map(|l| escape_line(l)).collect();
            writeln!(w, "{}", lines.join("  \n"))?;
        }
        Item::Contents => {}
        Item::Heading { level, text } => {
            let hashes = "#".repeat(usize::from(level) + 1);
            writeln!(w, "\n{hashes} {}", escape_line(&text))?;
        }
        Item::Text(text) => {
            for block in blocks(text) {
                match block {
                    Block::Paragraph(lines) => {
                        let lines: Vec<String> = lines.iter().map(|l| escape_line(l)).collect();
                        writeln!(w, "\n{}", lines.join("  \n"))?;
                    }
                    Block::Bullets(items) => bullets(w, items.iter().copied())?,
                }
            }
        }
        Item::Note { label, text } => {
            let text = escape_line(&text);
            writeln!(
                w,
                "\n**{label}:**{}{text}",
                if text.is_empty() { "" } else { " " }
            )?;
        }
        Item::Bullets(items) => bullets(w, items.iter().map(|i| i.as_ref()))?,
        Item::Table(header) => {
            let names: Vec<&str> = header.iter().map(|(name, _)| name.as_ref()).collect();
            writeln!(w, "\n| {} |", names.join(" | "))?;
            writeln!(w, "|{}", "---|".repeat(header.len()))?;
        }
        Item::Row(cells) => {
            let cells: Vec<String> = cells.iter().map(|c| escape_text(c, true)).collect();
            writeln!(w, "| {} |", cells.join(" | "))?;
        }
        Item::TableEnd => {}
    }
    Ok(())
}

fn bullets<'a>(w: &mut impl Write, items: impl Iterator<Item = &'a str>) -> io::Result<()> {
    writeln!(w)?;
    for item in items {
        writeln!(w, "- {}", escape_text(item, true))?;
    }
    Ok(())
}

/// A submitted report as Markdown. Answers keep their paragraphs and "- " lists; everything
/// else people typed is escaped, so it can never become structure, a link or an image.
pub fn submission(doc: &SubmissionDocument) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", escape_line(&doc.title)));
    out.push_str(&format!(
        "{} · {} · version {}, inskickad {} av {}\n",
        escape_line(&doc.body),
        escape_line(&doc.round),
        doc.version,
        doc.submitted_at,
        escape_line(&doc.submitted_by)
    ));
    for section in &doc.sections {
        out.push_str(&format!("\n## {}\n", escape_line(&section.heading)));
        for answer in &section.answers {
            out.push_str(&format!(
                "\n### {} {}\n\n",
                answer.number,
                escape_line(&answer.question)
            ));
            if answer.not_applicable {
                out.push_str("*Ej aktuellt*");
                if !answer.text.trim().is_empty() {
                    out.push_str("\n\nMotivering: ");
                    out.push_str(&escape_block(&answer.text));
                }
            } else {
                out.push_str(&escape_block(&answer.text));
            }
            out.push('\n');
        }
    }
    out.push_str("\n## Kontaktperson för eventuella frågor\n\n");
    for (label, value) in &doc.contact {
        out.push_str(&format!("- {}: {}\n", label, escape_line(value)));
    }
    out.push_str("\n## Övriga upplysningar\n\n");
    if doc.other_information.trim().is_empty() {
        out.push_str("Inga.\n");
    } else {
        out.push_str(&escape_block(&doc.other_information));
        out.push('\n');
    }
    out
}

/// Escapes one line of text so that it can only ever read as text: every character that
/// Markdown could turn into a link, an image, HTML, emphasis, code or a table gets a
/// backslash, and so does anything at the start of the line that would make it a heading, a
/// quote or a rule (a line of only dashes or equals signs would also turn the paragraph
/// above into a heading). A "- " at the start is kept: it is the person's own list.
fn escape_line(line: &str) -> String {
    let (marker, rest) = match line.strip_prefix("- ") {
        Some(rest) => ("- ", rest),
        None => ("", line),
    };
    let mut out = String::with_capacity(line.len() + 8);
    out.push_str(marker);
    out.push_str(&escape_text(rest, marker.is_empty()));
    out
}

/// Escapes text so that it reads only as text; `at_start` if it starts a line.
fn escape_text(text: &str, at_start: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // "1." or "1)" at the start of a line would begin a numbered list.
    let mut digits_so_far = at_start;
    for (i, (at, c)) in text.char_indices().enumerate() {
        let followed_by_space = text[at + c.len_utf8()..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace);
        let ends_number = digits_so_far && i > 0 && matches!(c, '.' | ')') && followed_by_space;
        digits_so_far &= c.is_ascii_digit();
        let at_start = i == 0 && at_start;
        let structural = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '|' | '~' | '&' | '#'
        ) || (at_start && matches!(c, '-' | '+' | '=' | ' '))
            || ends_number;
        if structural {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Escapes every line of a multi-line answer, keeping its paragraphs and "- " lists.
fn escape_block(text: &str) -> String {
    text.trim()
        .lines()
        .map(escape_line)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DocumentAnswer, DocumentSection};

    fn doc() -> SubmissionDocument {
        SubmissionDocument {
            title: "Uppföljning".into(),
            body: "Skärholmens stadsdelsnämnd".into(),
            round: "Tertialrapport 1 2022".into(),
            version: 2,
            submitted_at: "2022-05-11 14:02".into(),
            submitted_by: "Rapportör".into(),
            sections: vec![DocumentSection {
                heading: "1. Stimulera tillväxt".into(),
                answers: vec![
                    DocumentAnswer {
                        number: "1.1".into(),
                        question: "Beskriv samverkan.".into(),
                        text: "Första stycket.\n\n# inte en rubrik\n- punkt".into(),
                        not_applicable: false,
                    },
                    DocumentAnswer {
                        number: "1.2".into(),
                        question: "Beskriv arbetet.".into(),
                        text: "Nämnden har inga verksamheter inom området.".into(),
                        not_applicable: true,
                    },
                ],
            }],
            contact: vec![("Telefon".into(), "08-000 00 00".into())],
            other_information: String::new(),
        }
    }

    #[test]
    fn writes_headings_answers_and_not_applicable() {
        let md = submission(&doc());
        assert!(md.starts_with(
            "# Uppföljning\n\nSkärholmens stadsdelsnämnd · Tertialrapport 1 2022 · version 2"
        ));
        assert!(md.contains(
            "\n### 1.1 Beskriv samverkan.\n\nFörsta stycket.\n\n\\# inte en rubrik\n- punkt\n"
        ));
        assert!(md.contains(
            "### 1.2 Beskriv arbetet.\n\n*Ej aktuellt*\n\n\
             Motivering: Nämnden har inga verksamheter inom området.\n"
        ));
        assert!(md.contains("- Telefon: 08-000 00 00\n"));
        assert!(md.ends_with("## Övriga upplysningar\n\nInga.\n"));
    }

    #[test]
    fn html_in_answers_stays_text() {
        let mut d = doc();
        d.other_information = "<script>alert(1)</script>".into();
        assert!(submission(&d).contains("\\<script\\>alert(1)\\</script\\>"));
    }

    #[test]
    fn typed_text_never_becomes_structure_links_or_images() {
        let mut d = doc();
        d.other_information = "[klicka](javascript:alert(1))\n![spårning](https://t.example/p.png)\n\
                               <https://t.example>\n## Övriga upplysningar\n> citat\n---\n=\n| a | b |"
            .into();
        d.contact = vec![("Kontaktperson".into(), "# Eva **Ek**".into())];
        let md = submission(&d);
        for forged in [
            "\n## Övriga upplysningar\n\n## ",
            "\n[klicka](",
            "\n![spårning]",
            "\n<https:",
            "\n> citat",
            "\n---\n",
            "\n=\n",
            "**Ek**",
            "\n| a",
        ] {
            assert!(!md.contains(forged), "{forged:?} in:\n{md}");
        }
        assert!(md.contains("\\[klicka\\](javascript:alert(1))"));
        assert!(md.contains("- Kontaktperson: \\# Eva \\*\\*Ek\\*\\*"));
        assert!(
            md.contains("\n\\#\\# Övriga upplysningar\n"),
            "the typed one, as text"
        );
        assert_eq!(
            md.matches("\n## Övriga upplysningar\n").count(),
            1,
            "one heading"
        );
    }
}
