//! Pending decisions: sentences saying that something is not yet decided ("ej beslutat",
//! "inväntar beslut", "beslut väntas", "i väntan på beslut", "ännu inte fattat beslut" …).
//! The word lists are here, in one place. "beslutat" alone ("nämnden har beslutat") is a
//! decision taken, and no hit.

use std::ops::Range;

use super::text::{Sentence, lower_words, sentences};

/// Words that negate what follows.
const NEGATIONS: [&str; 3] = ["ej", "inte", "icke"];

/// Words that may stand between a negation and the decision ("inte ännu formellt beslutat").
const BETWEEN: [&str; 15] = [
    "ännu",
    "än",
    "har",
    "formellt",
    "slutligt",
    "slutgiltigt",
    "fattat",
    "fattats",
    "tagit",
    "tagits",
    "något",
    "blivit",
    "varit",
    "är",
    "helt",
];

/// What a negation makes a pending decision: forms of "besluta" and "fastställa".
const DECIDED: [&str; 10] = [
    "beslut",
    "beslutad",
    "beslutat",
    "beslutade",
    "beslutats",
    "fastställd",
    "fastställt",
    "fastställda",
    "fastställts",
    "antagen",
];

/// Forms of waiting for something ("inväntar beslut", "avvaktar styrgruppens beslut").
const AWAITING: [&str; 8] = [
    "inväntar",
    "inväntas",
    "inväntat",
    "invänta",
    "avvaktar",
    "avvaktas",
    "väntar",
    "väntan",
];

/// What a decision does when it is still to come ("beslut väntas", "beslutet förväntas").
const EXPECTED: [&str; 4] = ["väntas", "förväntas", "planeras", "dröjer"];

/// A decision not yet taken, after the decision ("beslut har ännu inte fattats").
const NOT_TAKEN: [&str; 4] = ["fattats", "tagits", "fattat", "tagit"];

/// How many words may stand between "inväntar" and the decision ("inväntar nämndens beslut").
const AWAITING_REACH: usize = 3;

/// A sentence saying that something is not yet decided, with the words that say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDecision<'a> {
    pub sentence: Sentence<'a>,
    /// The words that say so, as a byte range in the sentence.
    pub phrase: Range<usize>,
}

fn is_decision(word: &str) -> bool {
    word.starts_with("beslut") || word.ends_with("beslut") || word.ends_with("beslutet")
}

/// The sentences of `text` that say something is not yet decided.
pub fn pending_decisions(text: &str) -> Vec<PendingDecision<'_>> {
    sentences(text)
        .into_iter()
        .filter_map(|sentence| {
            find(&lower_words(sentence.text)).map(|phrase| PendingDecision { sentence, phrase })
        })
        .collect()
}

/// The first phrase of a sentence's words saying a decision is pending.
fn find(words: &[(String, Range<usize>)]) -> Option<Range<usize>> {
    let w = |i: usize| words.get(i).map_or("", |(w, _)| w.as_str());
    let span = |a: usize, b: usize| words[a].1.start..words[b].1.end;
    for i in 0..words.len() {
        // "ej beslutat", "inte ännu fattat beslut", "ännu inte fastställd"
        if NEGATIONS.contains(&w(i)) {
            let mut j = i + 1;
            while BETWEEN.contains(&w(j)) {
                j += 1;
            }
            if j < words.len() && (DECIDED.contains(&w(j)) || (j > i + 1 && is_decision(w(j)))) {
                return Some(span(i, j));
            }
        }
        // "inväntar beslut", "inväntas styrgruppsbeslut", "i väntan på nämndens beslut"
        if AWAITING.contains(&w(i)) {
            let reach = (i + 1..words.len()).take(AWAITING_REACH + 1);
            if let Some(j) = reach.into_iter().find(|&j| is_decision(w(j))) {
                let from = if w(i) == "väntan" && i > 0 && w(i - 1) == "i" {
                    i - 1
                } else {
                    i
                };
                return Some(span(from, j));
            }
        }
        if is_decision(w(i)) {
            // "beslut väntas", "beslutet förväntas"
            if EXPECTED.contains(&w(i + 1)) {
                return Some(span(i, i + 1));
            }
            // "beslut har ännu inte fattats"
            let mut j = i + 1;
            while matches!(w(j), "har" | "är" | "ännu" | "än") {
                j += 1;
            }
            if NEGATIONS.contains(&w(j)) && NOT_TAKEN.contains(&w(j + 1)) {
                return Some(span(i, j + 1));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(text: &str) -> Vec<&str> {
        pending_decisions(text)
            .into_iter()
            .map(|d| &d.sentence.text[d.phrase])
            .collect()
    }

    #[test]
    fn sentences_saying_a_decision_is_pending() {
        for (text, phrase) in [
            (
                "Förslag på inriktning (ej beslutat) ska tas fram.",
                "ej beslutat",
            ),
            ("Inriktningen är ej beslutad.", "ej beslutad"),
            ("Åtgärderna är ej beslutade.", "ej beslutade"),
            ("Planen är inte beslutat ännu.", "inte beslutat"),
            (
                "Nämnden har ännu inte fattat beslut om budget.",
                "inte fattat beslut",
            ),
            ("Vi inväntar beslut från nämnden.", "inväntar beslut"),
            (
                "Nu inväntas styrgruppsbeslut om inriktning.",
                "inväntas styrgruppsbeslut",
            ),
            (
                "Vi avvaktar kommunfullmäktiges slutliga beslut.",
                "avvaktar kommunfullmäktiges slutliga beslut",
            ),
            ("Beslut väntas i juni.", "Beslut väntas"),
            ("Beslutet förväntas under hösten.", "Beslutet förväntas"),
            ("Arbetet pausas i väntan på beslut.", "i väntan på beslut"),
            (
                "Beslut har ännu inte fattats.",
                "Beslut har ännu inte fattats",
            ),
            ("Planen är ännu inte fastställd.", "inte fastställd"),
        ] {
            assert_eq!(phrases(text), vec![phrase], "{text}");
        }
    }

    #[test]
    fn decisions_taken_and_other_negations_are_no_hits() {
        for text in [
            "Nämnden har beslutat om en ny plan.",
            "Modell och mål har beslutats i styrgruppen.",
            "Styrgruppen beslutar om en inriktning.",
            "Beslutet innebär inte att arbetet stannar.",
            "Det har inte påverkat beslutet.",
            "Vi väntar på svar från polisen.",
            "Beslut fattades i mars.",
            "Ett beslutat förslag är inte genomfört.",
        ] {
            assert!(phrases(text).is_empty(), "{text}");
        }
    }
}
