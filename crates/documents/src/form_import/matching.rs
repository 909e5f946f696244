//! Recognising a question by its text in an old template.
//!
//! Both texts are reduced to words: lower case; numbering in front ("1.", "1.2", "a)") and
//! bullet glyphs dropped; every other punctuation mark a space, except `:` `'` `’` inside a
//! word, which vanish ("AB:s" is "abs"); line breaks and runs of spaces are one space. Equal
//! word sequences are an exact match. Otherwise the score is the share of words the two
//! have in common in the same order (twice the longest common subsequence over the sum of
//! both lengths), where two words of five letters or more also count as the same when one
//! letter differs (a typo, "näringlivet"). A score of [`THRESHOLD`] (75 %) or more matches.
//!
//! Only questions that share enough words with a text are compared with it, so reading a
//! long file stays fast.
//!
//! What matches, with the demo's questions:
//! - "Hur sker samverkan med socialnämnden, rättsvårdande myndigheter och skatteverket i
//!   arbetet mot\n den svarta ekonomin …" (lower-case "skatteverket", broken over lines):
//!   exact.
//! - "3.5 Hur sker samarbetet med att bistå i Stockholm Business Region ABs och …" (numbered,
//!   "ABs" for "AB:s"): exact.
//! - "Beskriv samverkan med det lokala näringslivet inom nämndens geografiska område." (one
//!   word changed of eleven): similar, 90 %.
//! - "Hur samverkar nämnden för att underlätta för kultur i det offentliga rummet?" (two words
//!   left out of fourteen): similar, 92 %.
//!
//! What does not match:
//! - Another question of the same form, however alike in shape: "Hur samverkar nämnden för att
//!   underlätta för närvaron av kultur …" against "Hur samverkar och utvecklar nämnden arbetet
//!   med platssamverkan …" scores under 40 %.
//! - A question rewritten rather than reworded: "Vilket samarbete har ni med det lokala
//!   näringslivet?" for "Beskriv samverkan med det lokala näringslivet inom stadsdelsnämndens
//!   geografiska område." scores 40 %; its text and answer are left over as unmatched.
//! - A question cut to its first half (half the words missing scores about 67 %).

use std::collections::{HashMap, HashSet};

/// The least score that counts as a match, in percent.
pub const THRESHOLD: u8 = 75;

/// A text as the words that are compared.
pub fn words(text: &str) -> Vec<String> {
    let text = strip_marker(text);
    let mut cleaned = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut previous_alphanumeric = false;
    while let Some(c) = chars.next() {
        let next_alphanumeric = chars.peek().is_some_and(|n| n.is_alphanumeric());
        if c.is_alphanumeric() {
            cleaned.extend(c.to_lowercase());
        } else if matches!(c, ':' | '\'' | '’') && previous_alphanumeric && next_alphanumeric {
            // "AB:s", "Stockholm's": one word.
        } else {
            cleaned.push(' ');
        }
        previous_alphanumeric = c.is_alphanumeric();
    }
    cleaned.split_whitespace().map(str::to_owned).collect()
}

/// Drops a bullet glyph and numbering ("1.", "1.2", "1.2.", "a)", "(a)") in front.
pub fn strip_marker(text: &str) -> &str {
    let mut rest = text.trim_start();
    if let Some(after) = super::layout::bullet(rest) {
        rest = after;
    }
    let number_end = rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(rest.len(), |(i, _)| i);
    let (number, after) = rest.split_at(number_end);
    // Section numbers have groups of one or two digits ("2040." starts a sentence).
    let groups_short = number.split('.').all(|g| g.len() <= 2);
    if number.starts_with(|c: char| c.is_ascii_digit())
        && groups_short
        && (number.contains('.') && after.starts_with(char::is_whitespace)
            || after.starts_with(')'))
    {
        return after.trim_start_matches(')').trim_start();
    }
    let mut chars = rest.char_indices();
    match (chars.next(), chars.next(), chars.next()) {
        (Some((_, l)), Some((i, ')')), Some((_, s))) if l.is_alphabetic() && s.is_whitespace() => {
            rest[i + 1..].trim_start()
        }
        (Some((_, '(')), Some((_, l)), Some((i, ')'))) if l.is_alphabetic() => {
            rest[i + 1..].trim_start()
        }
        _ => rest,
    }
}

/// How alike two word sequences are, in percent (100: the same words in the same order).
pub fn score(a: &[String], b: &[String]) -> u8 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a == b {
        return 100;
    }
    // Longest common subsequence, one row at a time.
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if same_word(x, y) {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    let common = row[b.len()];
    let percent = 200 * common / (a.len() + b.len());
    // Not 100 unless the words are the same.
    u8::try_from(percent.min(99)).unwrap_or(99)
}

/// The same word, or a word of five letters or more with one letter changed, added or
/// left out.
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.min(lb) < 5 || la.abs_diff(lb) > 1 {
        return false;
    }
    let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let suffix = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count();
    la.max(lb).saturating_sub(prefix + suffix) <= 1
}

/// The questions' words, and which questions each word occurs in, so that a candidate text
/// is scored only against questions it shares most words with.
pub struct Questions {
    pub words: Vec<Vec<String>>,
    index: HashMap<String, Vec<usize>>,
}

impl Questions {
    pub fn new<'a>(texts: impl Iterator<Item = &'a str>) -> Questions {
        let words: Vec<Vec<String>> = texts.map(self::words).collect();
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, question) in words.iter().enumerate() {
            for word in question.iter().collect::<HashSet<_>>() {
                index.entry(word.clone()).or_default().push(i);
            }
        }
        Questions { words, index }
    }

    pub fn longest(&self) -> usize {
        self.words.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// The best question for `candidate` among those `open`, with its score, if it reaches
    /// the threshold. Only questions that could reach it are scored: the words they can
    /// have in common are at most the candidate's words found in the question, plus its
    /// long words found in no question (which may be typos).
    pub fn best(&self, candidate: &[String], open: &[bool]) -> Option<(usize, u8)> {
        let mut hits = vec![0usize; self.words.len()];
        let mut unknown = 0;
        for word in candidate {
            match self.index.get(word) {
                Some(questions) => questions.iter().for_each(|&q| hits[q] += 1),
                None if word.chars().count() >= 5 => unknown += 1,
                None => {}
            }
        }
        (0..self.words.len())
            .filter(|&q| open.get(q).copied().unwrap_or(false))
            .filter(|&q| {
                let total = candidate.len() + self.words[q].len();
                let common = (hits[q] + unknown)
                    .min(candidate.len())
                    .min(self.words[q].len());
                200 * common >= usize::from(THRESHOLD) * total
            })
            .map(|q| (q, score(candidate, &self.words[q])))
            .filter(|&(_, s)| s >= THRESHOLD)
            .max_by_key(|&(q, s)| (s, std::cmp::Reverse(q)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_leave_out_numbering_bullets_and_punctuation() {
        assert_eq!(
            words("1.2  Beskriv nämndens\n arbete med ”Växla upp”?"),
            ["beskriv", "nämndens", "arbete", "med", "växla", "upp"]
        );
        assert_eq!(
            words("a) Stockholm Business Region AB:s roll"),
            ["stockholm", "business", "region", "abs", "roll"]
        );
        assert_eq!(words("• 3. Tre"), ["tre"]);
        assert_eq!(words("2022 var året"), ["2022", "var", "året"]);
        assert_eq!(words("2040. Detta"), ["2040", "detta"]);
        assert_eq!(words("12) Tolv"), ["tolv"]);
    }

    #[test]
    fn one_letter_typos_in_long_words_are_the_same_word() {
        assert!(same_word("näringlivet", "näringslivet"));
        assert!(same_word("samverkan", "samverken"));
        assert!(!same_word("och", "ock"));
        assert!(!same_word("nämnden", "nämnderna"));
    }
}
