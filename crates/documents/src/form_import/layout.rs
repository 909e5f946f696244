//! From a document's units to answers: find each question's heading (by our bookmarks, else
//! by its text), then give each the text up to the next heading, label or focus area.
//! Everything before the first question (title, purpose, instructions) is the template's
//! own and left out, but for the labelled fields (Nämnd, Kontaktperson, Telefon, E-post).

use std::collections::HashMap;

use super::matching::{self, Questions};
use super::wordml::{Document, ListMark, Unit};
use super::{ExpectedQuestion, ImportError, ImportedAnswer, ImportedForm, Match, Source};
use crate::form_docx::{
    BOOKMARK_HELP, BOOKMARK_NOT_APPLICABLE, BOOKMARK_QUESTION, PROPERTY_QUESTION,
};

/// Word's placeholders in an empty field (older and newer wording).
const PLACEHOLDERS: [&str; 2] = [
    crate::form_docx::PLACEHOLDER,
    "Klicka eller tryck här för att ange text.",
];

/// What "Ej aktuellt" is also written as.
const NOT_APPLICABLE: [&str; 13] = [
    "ej aktuellt",
    "ej aktuell",
    "ej aktuella",
    "inte aktuellt",
    "inte aktuell",
    "ej tillämpligt",
    "ej tillämplig",
    "inte tillämpligt",
    "ej relevant",
    "inte relevant",
    "n/a",
    "na",
    "not applicable",
];

/// Bullet glyphs a list item may start with: Word's own, Symbol-font private-use ones that
/// text exports keep, and what people type.
const BULLETS: [char; 14] = [
    '•', '-', '–', 'o', '▪', '\u{f0b7}', '\u{f0a7}', '\u{f076}', '\u{f0d8}', '*', '·', '◦', '■',
    '➢',
];

/// The text after a bullet glyph, if `line` starts with one.
pub fn bullet(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let first = line.chars().next()?;
    if !BULLETS.contains(&first) {
        return None;
    }
    let rest = &line[first.len_utf8()..];
    // "-", "o" and "*" only with a space after ("-1 grad", "och" are text); the others
    // are never text.
    let spaced = rest.starts_with(char::is_whitespace);
    (spaced || !matches!(first, '-' | 'o' | '*')).then(|| rest.trim_start())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Name,
    Phone,
    Email,
    Body,
    Other,
    /// A heading over the contact fields.
    Contact,
}

fn label(text: &str) -> Option<(Label, &str)> {
    let (head, value) = match text.split_once(':') {
        Some((head, value)) => (head, value.trim()),
        None => (text, ""),
    };
    let head = head
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let label = match head.as_str() {
        "kontaktperson" | "kontaktperson för eventuella frågor" | "namn" => Label::Name,
        "telefon" | "telefonnummer" | "tel" | "tel." => Label::Phone,
        "e-post" | "epost" | "e-postadress" | "e-mail" | "mejl" => Label::Email,
        "nämnd"
        | "nämnd/bolagsstyrelse"
        | "nämnd/bolag"
        | "nämnd eller bolagsstyrelse"
        | "nämnd eller bolag"
        | "bolagsstyrelse" => Label::Body,
        "övriga upplysningar" => Label::Other,
        "kontaktuppgifter" => Label::Contact,
        _ => return None,
    };
    Some((label, value))
}

/// What a unit is to the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Content,
    Empty,
    /// The first unit of question `q`'s heading, and how many units the heading spans.
    Question(usize, usize),
    /// A later unit of a heading, our help text, or a value already taken.
    Taken,
    /// Our "Ej aktuellt" line for question `q`, and whether it is ticked.
    NotApplicable(usize, bool),
    Label(Label),
    /// A heading or focus area: not an answer, ends one.
    Boundary,
}

/// Reads the answers out of `doc`.
pub fn extract(
    doc: &Document,
    questions: &[ExpectedQuestion],
    source: Source,
) -> Result<ImportedForm, ImportError> {
    let texts: Vec<String> = doc.units.iter().map(cleaned).collect();
    if texts.iter().all(|t| t.trim().is_empty()) {
        return Err(ImportError::Empty);
    }
    let wrapped = source != Source::OwnExport && hard_wrapped(&doc.units, &texts);
    let mut roles: Vec<Role> = texts
        .iter()
        .map(|t| {
            if t.trim().is_empty() {
                Role::Empty
            } else {
                Role::Content
            }
        })
        .collect();
    let mut matched: Vec<Option<Match>> = vec![None; questions.len()];
    tagged(doc, questions, &mut roles, &mut matched);
    by_text(&texts, questions, wrapped, &mut roles, &mut matched);
    if matched.iter().all(Option::is_none) {
        return Err(ImportError::NoQuestionsFound);
    }
    // In our export the labels are headings and the contact table's first column (after
    // its heading), so an answer's line "Telefon: …" stays the answer's.
    let own = source == Source::OwnExport;
    let mut contact_table = false;
    for (i, text) in texts.iter().enumerate() {
        if roles[i] != Role::Content {
            continue;
        }
        let heading = doc.units[i].heading;
        match label(text.trim()) {
            Some((l, _)) if !own || heading || contact_table => {
                contact_table |= l == Label::Contact;
                roles[i] = Role::Label(l);
            }
            _ if heading || (!own && focus_area(&texts, i, wrapped)) => roles[i] = Role::Boundary,
            _ => {}
        }
    }

    let mut form = ImportedForm {
        source,
        identity: None,
        body_name: None,
        answers: Vec::new(),
        contact_name: None,
        contact_phone: None,
        contact_email: None,
        other_information: None,
        unmatched: Vec::new(),
    };
    let mut answers: Vec<Vec<usize>> = vec![Vec::new(); questions.len()];
    let mut not_applicable: Vec<Option<bool>> = vec![None; questions.len()];
    let mut other: Option<Vec<usize>> = None;
    let mut unmatched: Vec<(String, Vec<usize>)> = Vec::new();
    #[derive(Clone, Copy)]
    enum State {
        Skip,
        Answer(usize),
        Other,
        Unmatched,
    }
    let mut state = State::Skip;
    let mut seen_question = false;
    let mut i = 0;
    while i < texts.len() {
        match roles[i] {
            Role::Question(q, span) => {
                state = State::Answer(q);
                seen_question = true;
                i += span;
                continue;
            }
            Role::NotApplicable(q, ticked) => not_applicable[q] = Some(ticked),
            Role::Taken => {}
            Role::Boundary => state = State::Skip,
            Role::Label(Label::Other) => {
                state = State::Other;
                other = Some(Vec::new());
            }
            Role::Label(Label::Contact) => state = State::Skip,
            Role::Label(l) => {
                state = State::Skip;
                let value = field_value(&texts, &mut roles, i);
                let slot = match l {
                    Label::Name => &mut form.contact_name,
                    Label::Phone => &mut form.contact_phone,
                    Label::Email => &mut form.contact_email,
                    _ => &mut form.body_name,
                };
                slot.get_or_insert(value);
            }
            Role::Empty => match state {
                State::Answer(q) => answers[q].push(i),
                State::Other => other.get_or_insert_default().push(i),
                State::Unmatched => unmatched.last_mut().into_iter().for_each(|u| u.1.push(i)),
                State::Skip => {}
            },
            Role::Content => {
                let question = (seen_question && source != Source::OwnExport)
                    .then(|| unknown_question(&texts, i, wrapped))
                    .flatten();
                if let Some(span) = question {
                    let text = (i..i + span).map(|j| texts[j].trim()).collect::<Vec<_>>();
                    unmatched.push((text.join(" "), Vec::new()));
                    state = State::Unmatched;
                    i += span;
                    continue;
                }
                match state {
                    State::Answer(q) => answers[q].push(i),
                    State::Other => other.get_or_insert_default().push(i),
                    State::Unmatched => unmatched.last_mut().into_iter().for_each(|u| u.1.push(i)),
                    State::Skip => {}
                }
            }
        }
        i += 1;
    }

    let collapse = source != Source::OwnExport;
    let text_of = |units: &[usize]| typed_text(doc, &texts, units, wrapped, collapse);
    for (q, question) in questions.iter().enumerate() {
        let Some(how) = matched[q].take() else {
            continue;
        };
        let mut text = text_of(&answers[q]);
        let ticked = match not_applicable[q] {
            Some(ticked) => ticked,
            None if source == Source::OwnExport => false,
            None => match not_applicable_phrase(&text) {
                Some(rest) => {
                    text = rest;
                    true
                }
                None => false,
            },
        };
        form.answers.push(ImportedAnswer {
            key: question.key.to_owned(),
            text,
            not_applicable: ticked,
            matched: how,
        });
    }
    form.other_information = other.map(|units| text_of(&units));
    form.unmatched = unmatched
        .into_iter()
        .map(|(question, units)| {
            let answer = text_of(&units);
            if answer.is_empty() {
                question
            } else {
                format!("{question}\n\n{answer}")
            }
        })
        .collect();
    if form.body_name.as_deref() == Some("") {
        form.body_name = None;
    }
    Ok(form)
}

/// A unit's text without Word's placeholder.
fn cleaned(unit: &Unit) -> String {
    let mut text = unit.text.clone();
    for placeholder in PLACEHOLDERS {
        if text.contains(placeholder) {
            text = text.replace(placeholder, "");
        }
    }
    text
}

/// Whether the text was broken into lines at a fixed width (a text export of a Word file, or
/// such a text opened in Word), so that lines of one paragraph must be joined.
fn hard_wrapped(units: &[Unit], texts: &[String]) -> bool {
    let mut lengths: Vec<usize> = texts
        .iter()
        .map(|t| t.trim().chars().count())
        .filter(|&n| n > 0)
        .collect();
    if lengths.len() < 4 {
        return false;
    }
    lengths.sort_unstable();
    let p90 = lengths[lengths.len() * 9 / 10];
    // A line that breaks off mid-sentence and goes on in lower case on the next one.
    let running_on = texts
        .windows(2)
        .zip(units)
        .filter(|(pair, unit)| {
            let this = pair[0].trim_end();
            unit.list.is_none()
                && !this.is_empty()
                && !this.ends_with(['.', '!', '?', ':'])
                && pair[1].trim_start().starts_with(char::is_lowercase)
        })
        .count();
    (30..=120).contains(&p90) && running_on * 4 > lengths.len()
}

/// Headings found by our own export's bookmarks, and the units around them.
fn tagged(
    doc: &Document,
    questions: &[ExpectedQuestion],
    roles: &mut [Role],
    matched: &mut [Option<Match>],
) {
    let index: HashMap<&str, usize> = questions
        .iter()
        .enumerate()
        .map(|(i, q)| (q.key, i))
        .collect();
    let question_of = |number: &str| {
        let key = doc
            .properties
            .get(&format!("{PROPERTY_QUESTION}{number}"))?;
        index.get(key.as_str()).copied()
    };
    for (i, unit) in doc.units.iter().enumerate() {
        for name in &unit.bookmarks {
            if let Some(n) = name.strip_prefix(BOOKMARK_QUESTION) {
                // A question this round does not ask stays a boundary.
                roles[i] = match question_of(n) {
                    Some(q) if matched[q].is_none() => {
                        matched[q] = Some(Match::Tag);
                        Role::Question(q, 1)
                    }
                    _ => Role::Boundary,
                };
            } else if name.starts_with(BOOKMARK_HELP) {
                roles[i] = Role::Taken;
            } else if let Some(n) = name.strip_prefix(BOOKMARK_NOT_APPLICABLE) {
                roles[i] = match question_of(n) {
                    Some(q) => Role::NotApplicable(q, ticked(unit)),
                    None => Role::Taken,
                };
            }
        }
    }
}

/// Whether our "Ej aktuellt" line is ticked: the check box's state, or its glyph when an
/// editor turned the box into text.
fn ticked(unit: &Unit) -> bool {
    unit.checkbox.unwrap_or_else(|| {
        unit.text.contains(['☒', '☑', '✓', '✔', '✗', '✘'])
            || unit.text.trim_start().starts_with(['x', 'X'])
    })
}

/// Headings found by their text, for the questions the bookmarks did not find.
fn by_text(
    texts: &[String],
    questions: &[ExpectedQuestion],
    wrapped: bool,
    roles: &mut [Role],
    matched: &mut [Option<Match>],
) {
    let mut open: Vec<bool> = matched.iter().map(Option::is_none).collect();
    if !open.contains(&true) {
        return;
    }
    let index = Questions::new(questions.iter().map(|q| q.text));
    let max_words = index.longest() * 3 / 2 + 3;
    let max_span = if wrapped { 4 } else { 1 };
    let unit_words: Vec<Vec<String>> = texts.iter().map(|t| matching::words(t)).collect();
    let best_at = |i: usize, roles: &[Role], open: &[bool]| -> Option<(usize, u8, usize)> {
        let mut words = Vec::new();
        let mut best: Option<(usize, u8, usize)> = None;
        for k in 1..=max_span {
            let j = i + k - 1;
            if j >= texts.len() || roles[j] != Role::Content {
                break;
            }
            words.extend_from_slice(&unit_words[j]);
            if words.len() > max_words {
                break;
            }
            if let Some((q, score)) = index.best(&words, open)
                && best.is_none_or(|(_, s, _)| score > s)
            {
                best = Some((q, score, k));
            }
        }
        best
    };
    let mut i = 0;
    while i < texts.len() {
        let Some((q, score, span)) = best_at(i, roles, &open) else {
            i += 1;
            continue;
        };
        // A span starting one unit later may fit the question better (the unit here
        // being the end of the answer before).
        if best_at(i + 1, roles, &open).is_some_and(|(q2, s2, _)| q2 == q && s2 > score) {
            i += 1;
            continue;
        }
        roles[i] = Role::Question(q, span);
        for role in &mut roles[i + 1..i + span] {
            *role = Role::Taken;
        }
        matched[q] = Some(if score == 100 {
            Match::Exact
        } else {
            let found = texts[i..i + span]
                .iter()
                .map(|t| t.trim())
                .collect::<Vec<_>>();
            Match::Similar {
                percent: score,
                found: found
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            }
        });
        open[q] = false;
        i += span;
    }
}

/// A focus area's heading in a template: numbered, short, with no full stop, and (in wrapped
/// text) a paragraph of its own.
fn focus_area(texts: &[String], i: usize, wrapped: bool) -> bool {
    let text = texts[i].trim();
    let stripped = matching::strip_marker(text);
    let numbered = stripped.len() < text.len() && text.starts_with(|c: char| c.is_ascii_digit());
    let alone = |j: Option<usize>| {
        j.and_then(|j| texts.get(j))
            .is_none_or(|t| t.trim().is_empty())
    };
    numbered
        && stripped.split_whitespace().count() <= 12
        && !text.ends_with(['.', '?', '!', ':', ';', ','])
        && (!wrapped || (alone(i.checked_sub(1)) && alone(Some(i + 1))))
}

/// A question this form does not ask, starting at `i`: a paragraph's first lines (up to
/// three) ending with "?". Gives the number of units it spans.
fn unknown_question(texts: &[String], i: usize, wrapped: bool) -> Option<usize> {
    let starts_paragraph = !wrapped || i == 0 || texts[i - 1].trim().is_empty();
    if !starts_paragraph {
        return None;
    }
    let max_span = if wrapped { 3 } else { 1 };
    let mut words = 0;
    for k in 1..=max_span {
        let text = texts.get(i + k - 1)?.trim();
        if text.is_empty() {
            return None;
        }
        words += text.split_whitespace().count();
        if words > 40 {
            return None;
        }
        if text.ends_with('?') {
            return Some(k);
        }
    }
    None
}

/// A label's value: after its colon, else the next unit with text (unless that is a label
/// or heading itself), which is then taken.
fn field_value(texts: &[String], roles: &mut [Role], i: usize) -> String {
    if let Some((_, inline)) = label(texts[i].trim())
        && !inline.is_empty()
    {
        return inline.to_owned();
    }
    let next = (i + 1..texts.len()).find(|&j| roles[j] != Role::Empty);
    match next {
        Some(j) if roles[j] == Role::Content => {
            roles[j] = Role::Taken;
            texts[j].split_whitespace().collect::<Vec<_>>().join(" ")
        }
        _ => String::new(),
    }
}

/// "Ej aktuellt" (or the like) at the start of an answer: the justification that follows it
/// (after punctuation, or in the paragraphs below), if any.
fn not_applicable_phrase(text: &str) -> Option<String> {
    let (first, rest) = match text.split_once('\n') {
        Some((first, rest)) => (first.trim(), rest.trim_start_matches('\n')),
        None => (text.trim(), ""),
    };
    let after = NOT_APPLICABLE.iter().find_map(|phrase| {
        let end = first
            .char_indices()
            .nth(phrase.chars().count())
            .map_or(first.len(), |(i, _)| i);
        let (head, after) = first.split_at(end);
        (head.to_lowercase() == *phrase && (after.is_empty() || after.starts_with(SEPARATORS)))
            .then_some(after)
    })?;
    let own = after.trim_start_matches(SEPARATORS).trim();
    // "Ej aktuellt för oss" is a sentence, not the choice.
    if !own.is_empty() && after.starts_with(' ') && !after.trim_start().starts_with(SEPARATORS) {
        return None;
    }
    Some(match (own.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_owned(),
        (false, true) => own.to_owned(),
        (false, false) => format!("{own}\n\n{rest}"),
    })
}

const SEPARATORS: [char; 8] = ['.', ',', ':', ';', '–', '-', '!', ' '];

/// Units as typed text: paragraphs separated by a blank line, list items as "- " lines. In
/// wrapped text a paragraph's lines are joined (but for a line that ends a sentence well
/// short of the width, and numbered lines); spaces are collapsed when `collapse`.
fn typed_text(
    doc: &Document,
    texts: &[String],
    units: &[usize],
    wrapped: bool,
    collapse: bool,
) -> String {
    #[derive(PartialEq)]
    enum Kind {
        Paragraph,
        List,
    }
    let width = units
        .iter()
        .map(|&i| texts[i].trim().chars().count())
        .max()
        .unwrap_or(0);
    let mut blocks: Vec<(Kind, Vec<String>)> = Vec::new();
    let mut gap = true;
    for &i in units {
        let unit = &doc.units[i];
        for (n, line) in texts[i].split('\n').enumerate() {
            let line = if collapse {
                line.split_whitespace().collect::<Vec<_>>().join(" ")
            } else {
                line.trim().to_owned()
            };
            if line.is_empty() {
                gap = true;
                continue;
            }
            let marked = if n == 0 { unit.list } else { None };
            let glyph = bullet(&line).map(str::to_owned);
            let last = blocks.last_mut();
            match (marked, glyph) {
                (Some(ListMark::Bullet), _) | (None, Some(_)) => {
                    let item = bullet(&line).unwrap_or(&line).to_owned();
                    match last {
                        Some((Kind::List, items)) if n == 0 || !gap => items.push(item),
                        _ => blocks.push((Kind::List, vec![item])),
                    }
                }
                (Some(ListMark::Number(number)), _) => {
                    let line = format!("{number}. {line}");
                    match last {
                        Some((Kind::Paragraph, lines)) if !gap => lines.push(line),
                        _ => blocks.push((Kind::Paragraph, vec![line])),
                    }
                }
                (None, None) if !wrapped => match last {
                    Some((Kind::Paragraph, lines)) if n > 0 => lines.push(line),
                    _ => blocks.push((Kind::Paragraph, vec![line])),
                },
                (None, None) => match last {
                    Some((kind, lines)) if !gap => {
                        let previous = lines.last().map(String::as_str).unwrap_or("");
                        let numbered = matching::strip_marker(&line).len() < line.len();
                        let ended = previous.ends_with(['.', '!', '?', ':'])
                            && previous.chars().count() * 4 < width * 3;
                        if *kind == Kind::Paragraph && (numbered || ended) {
                            lines.push(line);
                        } else if let Some(previous) = lines.last_mut() {
                            if !previous.ends_with("/-") {
                                previous.push(' ');
                            }
                            previous.push_str(&line);
                        }
                    }
                    _ => blocks.push((Kind::Paragraph, vec![line])),
                },
            }
            gap = false;
        }
        if !wrapped {
            gap = unit.list.is_none() && bullet(texts[i].trim()).is_none();
        }
    }
    blocks
        .iter()
        .map(|(kind, lines)| match kind {
            Kind::Paragraph => lines.join("\n"),
            Kind::List => lines
                .iter()
                .map(|l| format!("- {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_applicable_and_its_justification() {
        let na = |text: &str| not_applicable_phrase(text);
        assert_eq!(na("N/A"), Some(String::new()));
        assert_eq!(na("Ej aktuellt."), Some(String::new()));
        assert_eq!(na("ej aktuella"), Some(String::new()));
        assert_eq!(na("Inte aktuellt – se ovan"), Some("se ovan".into()));
        assert_eq!(
            na("N/A. Inga sådana områden\n\nMer."),
            Some("Inga sådana områden\n\nMer.".into())
        );
        assert_eq!(
            na("Ej aktuellt\n\nNämnden har inget sådant uppdrag."),
            Some("Nämnden har inget sådant uppdrag.".into())
        );
        assert_eq!(na("Ej aktuellt för oss i år, men nästa år."), None);
        assert_eq!(na("Nationellt arbete"), None);
        assert_eq!(na("İİ"), None);
    }

    #[test]
    fn bullets_are_glyphs_followed_by_text() {
        assert_eq!(bullet("• en"), Some("en"));
        assert_eq!(bullet("\u{f0b7}\ttvå"), Some("två"));
        assert_eq!(bullet("- tre"), Some("tre"));
        assert_eq!(bullet("o fyra"), Some("fyra"));
        assert_eq!(bullet("och fem"), None);
        assert_eq!(bullet("-1 grad"), None);
    }
}
