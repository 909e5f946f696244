//! Sentences and words of typed text, as every insight counts them.
//!
//! - A **word** is a run of letters and digits; a hyphen or an apostrophe between two of them
//!   joins them ("upp-arbetet" is one word, "Konkretiserings- och" two). Numbers are words.
//! - A **sentence** ends at ".", "!", "?" or ":" followed by a space or the end of the line
//!   (closing brackets and quotes may come between), and at the end of every line: typed
//!   answers break lines deliberately, for list items and headings that carry no full stop.
//!   A full stop does not end a sentence after a common abbreviation ("t.ex.", "bl.a.") or
//!   after the number of an ordered list item ("1. Följa upp"). A sentence holds at least
//!   one word; "- …" is none.

use std::ops::Range;

/// One sentence: its text (trimmed, without a list marker) and where it starts in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence<'a> {
    pub text: &'a str,
    pub start: usize,
}

impl Sentence<'_> {
    /// The number of words in the sentence.
    pub fn word_count(&self) -> usize {
        words(self.text).count()
    }
}

/// Abbreviations whose full stop ends no sentence (compared in lower case, without the
/// final stop).
const ABBREVIATIONS: [&str; 16] = [
    "t.ex", "bl.a", "m.m", "osv", "dvs", "s.k", "ca", "kl", "nr", "resp", "fr.o.m", "t.o.m",
    "m.fl", "o.s.v", "d.v.s", "jfr",
];

/// The sentences of `text`, in order.
pub fn sentences(text: &str) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        split_line(text, line_start, line, &mut out);
        line_start += line.len() + 1;
    }
    out
}

fn split_line<'a>(text: &'a str, offset: usize, line: &'a str, out: &mut Vec<Sentence<'a>>) {
    let body = crate::compiled::bullet_item(line).unwrap_or(line);
    let body_start = offset + (body.as_ptr() as usize - line.as_ptr() as usize);
    let mut start = 0;
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | ':' | '…') {
            continue;
        }
        // Closing brackets and quotes stay with the sentence they close.
        let mut j = i + 1;
        while chars
            .get(j)
            .is_some_and(|&(_, c)| matches!(c, ')' | ']' | '"' | '”' | '’' | '»'))
        {
            j += 1;
        }
        let Some(&(next, next_char)) = chars.get(j) else {
            continue; // the line's end ends it anyway
        };
        if !next_char.is_whitespace() {
            continue;
        }
        if c == '.' && keeps_going(&body[start..at]) {
            continue;
        }
        push(text, body_start + start, &body[start..next], out);
        start = next;
    }
    push(text, body_start + start, &body[start..], out);
}

/// A full stop after an abbreviation or a list item's number continues the sentence.
fn keeps_going(before: &str) -> bool {
    let last = before
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let last = last.trim_start_matches(['(', '"', '”']);
    ABBREVIATIONS.contains(&last)
        || (before.trim() == last && !last.is_empty() && last.chars().all(|c| c.is_ascii_digit()))
}

fn push<'a>(text: &'a str, start: usize, piece: &'a str, out: &mut Vec<Sentence<'a>>) {
    let trimmed = piece.trim();
    if words(trimmed).next().is_none() {
        return;
    }
    let lead = piece.len() - piece.trim_start().len();
    let start = start + lead;
    out.push(Sentence {
        text: &text[start..start + trimmed.len()],
        start,
    });
}

/// The words of `text`, as byte ranges.
pub fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < chars.len() && !chars[i].1.is_alphanumeric() {
            i += 1;
        }
        if i >= chars.len() {
            return None;
        }
        let start = chars[i].0;
        while i < chars.len() {
            let c = chars[i].1;
            let joins = matches!(c, '-' | '\'' | '’')
                && chars.get(i + 1).is_some_and(|n| n.1.is_alphanumeric())
                && i > 0
                && chars[i - 1].1.is_alphanumeric();
            if c.is_alphanumeric() || joins {
                i += 1;
            } else {
                break;
            }
        }
        let end = chars.get(i).map_or(text.len(), |c| c.0);
        Some(start..end)
    })
}

/// The words of `text` in lower case, each with its byte range.
pub fn lower_words(text: &str) -> Vec<(String, Range<usize>)> {
    words(text)
        .map(|r| (text[r.clone()].to_lowercase(), r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn sentences_end_at_stops_colons_and_lines() {
        assert_eq!(
            texts(
                "Vi ses t.ex. i maj. Kommer du? Ja!\nDetta gäller: allt\n\n- en punkt\n1. Följa upp.\n- …"
            ),
            vec![
                "Vi ses t.ex. i maj.",
                "Kommer du?",
                "Ja!",
                "Detta gäller:",
                "allt",
                "en punkt",
                "1. Följa upp.",
            ]
        );
        assert_eq!(
            texts("Förslaget (ej beslutat). Nästa."),
            vec!["Förslaget (ej beslutat).", "Nästa."]
        );
        assert_eq!(texts("Version 2.5 är klar."), vec!["Version 2.5 är klar."]);
        let text = "Ett. Två.";
        let s = sentences(text);
        assert_eq!(&text[s[1].start..s[1].start + s[1].text.len()], "Två.");
    }

    #[test]
    fn words_join_hyphens_between_letters() {
        let text = "Växla upp-arbetet, Konkretiserings- och 2022-03-18!";
        let found: Vec<&str> = words(text).map(|r| &text[r]).collect();
        assert_eq!(
            found,
            vec![
                "Växla",
                "upp-arbetet",
                "Konkretiserings",
                "och",
                "2022-03-18"
            ]
        );
    }
}
