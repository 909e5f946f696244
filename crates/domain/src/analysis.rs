//! Tertial's one Swedish text analyzer. It feeds the search index on both databases (FTS5 on
//! SQLite, a GIN-indexed `tsvector` on PostgreSQL) and the queries against it, so the two
//! match alike, and it finds the words to highlight in the original text.
//!
//! A text becomes a sequence of [`Token`]s: words (runs of letters and digits, å ä ö kept),
//! lowercased, Swedish stop words dropped, each reduced to its Snowball Swedish stem
//! ("samverkan", "samverkar" and "samverkat" all become `samverk`), with its byte range in
//! the text. Compounds are found by their parts as far as this can be done without a full
//! dictionary:
//!
//! - hyphenated words are indexed whole and by their parts: "IT-företag" is found by
//!   "IT-företag", "IT" and "företag";
//! - elided compounds are completed: in "företagsorganisationer/-grupper" the second word is
//!   indexed as "företagsgrupper" (the first word's modifier plus "grupper"), and in
//!   "kommun- och landstingsförbund" the first as "kommunförbund" (the second word's head);
//! - a closed compound is split when every part is a word of a small built-in lexicon of the
//!   field's words ([`LEXICON`]), with the linking `s` (and a dropped final vowel: "arbets-"
//!   from "arbete") allowed between parts: "företagsklimatet" is found by "företag" and
//!   "klimat", "näringslivsfrågor" by "näringsliv" and "frågor", "platssamverkan" by "plats"
//!   and "samverkan". A compound with a part outside the lexicon ("fritidsgårdar") is found
//!   only as a whole word.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

/// The longest search query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most words and phrases one query may hold.
pub const MAX_QUERY_TERMS: usize = 8;

/// One content word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Where the word is in the analysed text (bytes; a range of whole characters).
    pub start: usize,
    pub end: usize,
    /// The word's stem: what is indexed and matched, in text order (phrases).
    pub stem: String,
    /// The stems of the compound's parts, if the word is a compound the analyzer can split;
    /// indexed beside the text so that a part finds the compound.
    pub parts: Vec<String>,
}

/// A text as the search index keeps it: its stems in order (phrases match consecutive
/// stems) and, apart, the parts of its compounds. Both are stems separated by spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexedText {
    pub stems: String,
    pub parts: String,
}

/// The content words of `text`, in order.
pub fn analyze(text: &str) -> Vec<Token> {
    let words = raw_words(text);
    let mut tokens = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        if word.segments.len() == 1 && !word.elided_head && is_stop_word(&word.segments[0]) {
            continue;
        }
        let mut segments = word.segments.clone();
        if word.elided_head {
            // "-grupper" after "företagsorganisationer/": take the modifier of the word before.
            if let Some(modifier) = i
                .checked_sub(1)
                .and_then(|p| modifier_of(&words[p].segments))
            {
                let last = segments.len() - 1;
                segments[last] = format!("{modifier}{}", segments[last]);
            }
        }
        if word.elided_tail {
            // "kommun-" before "och landstingsförbund": take the head of the word after.
            if let Some(head) = words.get(i + 2).and_then(|n| head_of(&n.segments)) {
                segments[0] = format!("{}{head}", segments[0]);
            }
        }
        tokens.push(token(word.start, word.end, &segments));
    }
    tokens
}

/// `text` analysed for the search index.
pub fn index_text(text: &str) -> IndexedText {
    let mut out = IndexedText::default();
    for token in analyze(text) {
        push_word(&mut out.stems, &token.stem);
        for part in &token.parts {
            push_word(&mut out.parts, part);
        }
    }
    out
}

fn push_word(into: &mut String, word: &str) {
    if !into.is_empty() {
        into.push(' ');
    }
    into.push_str(word);
}

/// One thing a query asks for: a word (its stem, found in the text or as a compound's part)
/// or a phrase in quotes (its stems, consecutive in the text).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QueryTerm {
    Word(String),
    Phrase(Vec<String>),
}

/// A parsed search query: every term must match (AND).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub terms: Vec<QueryTerm>,
}

/// Why a query cannot be run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QueryProblem {
    #[error("the query is empty")]
    Empty,
    #[error("the query is longer than {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("the query has more than {MAX_QUERY_TERMS} words and phrases")]
    TooManyTerms,
    #[error("the query holds only words too common to search for")]
    OnlyStopWords,
    #[error("the query contains a control or invisible character")]
    Character,
}

/// Parses what someone typed into the search box: words, and phrases in double quotes.
pub fn parse_query(input: &str) -> Result<SearchQuery, QueryProblem> {
    let input = input.trim();
    if input.is_empty() {
        return Err(QueryProblem::Empty);
    }
    if input.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryProblem::TooLong);
    }
    let input =
        crate::validate::clean_line(input, MAX_QUERY_CHARS).map_err(|_| QueryProblem::Character)?;
    let mut terms = Vec::new();
    for (n, piece) in input.replace(['”', '“', '„'], "\"").split('"').enumerate() {
        let stems: Vec<String> = analyze(piece).into_iter().map(|t| t.stem).collect();
        if n % 2 == 1 && stems.len() > 1 {
            terms.push(QueryTerm::Phrase(stems));
        } else {
            terms.extend(stems.into_iter().map(QueryTerm::Word));
        }
    }
    let mut seen = HashSet::new();
    terms.retain(|t| seen.insert(t.clone()));
    match terms.len() {
        0 => Err(QueryProblem::OnlyStopWords),
        n if n > MAX_QUERY_TERMS => Err(QueryProblem::TooManyTerms),
        _ => Ok(SearchQuery { terms }),
    }
}

impl SearchQuery {
    /// Whether `text` holds every term, as the search index would find it (drafts are
    /// searched this way, without the index).
    pub fn matches(&self, text: &str) -> bool {
        let tokens = analyze(text);
        self.terms.iter().all(|term| match term {
            QueryTerm::Word(w) => tokens.iter().any(|t| &t.stem == w || t.parts.contains(w)),
            QueryTerm::Phrase(p) => tokens
                .windows(p.len())
                .any(|win| win.iter().zip(p).all(|(t, w)| &t.stem == w)),
        })
    }

    /// Every stem the query looks for, to highlight.
    pub fn stems(&self) -> BTreeSet<&str> {
        self.terms
            .iter()
            .flat_map(|t| match t {
                QueryTerm::Word(w) => std::slice::from_ref(w),
                QueryTerm::Phrase(p) => p.as_slice(),
            })
            .map(String::as_str)
            .collect()
    }
}

/// A piece of a snippet: text, marked if it is a word the query found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub matched: bool,
}

/// A short passage of `text` around the first word that `query` finds (itself or as a
/// compound's part), about `max_chars` characters long, with every found word in it marked.
/// Cut ends are shown with "…". A text where nothing is found gives its beginning.
pub fn snippet(text: &str, query: &SearchQuery, max_chars: usize) -> Vec<SnippetPart> {
    let wanted = query.stems();
    let hits: Vec<(usize, usize)> = analyze(text)
        .into_iter()
        .filter(|t| {
            wanted.contains(t.stem.as_str()) || t.parts.iter().any(|p| wanted.contains(p.as_str()))
        })
        .map(|t| (t.start, t.end))
        .collect();
    let first = hits.first().map_or(0, |h| h.0);
    // Start a third of the window before the first hit, at a word's beginning.
    let mut start = back_chars(text, first, max_chars / 3);
    if start > 0 {
        start = text[start..first]
            .find(char::is_whitespace)
            .map_or(start, |i| start + i + 1);
    }
    let mut end = forward_chars(text, start, max_chars);
    if end < text.len() {
        end = text[start..end]
            .rfind(char::is_whitespace)
            .filter(|&i| start + i > first)
            .map_or(end, |i| start + i);
    }
    let mut parts = Vec::new();
    let mut push = |s: &str, matched: bool| {
        if !s.is_empty() {
            parts.push(SnippetPart {
                text: s.to_owned(),
                matched,
            });
        }
    };
    if start > 0 {
        push("…", false);
    }
    let mut at = start;
    for &(s, e) in hits.iter().filter(|h| h.0 >= start && h.1 <= end) {
        push(&text[at..s], false);
        push(&text[s..e], true);
        at = e;
    }
    push(&text[at..end], false);
    if end < text.len() {
        push("…", false);
    }
    parts
}

fn back_chars(text: &str, from: usize, n: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

fn forward_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

/// A word as written: its lowercased segments (more than one when hyphenated) and whether a
/// hyphen marks an elided part before ("-grupper") or after ("kommun- och").
struct RawWord {
    start: usize,
    end: usize,
    segments: Vec<String>,
    elided_head: bool,
    elided_tail: bool,
}

fn raw_words(text: &str) -> Vec<RawWord> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let word_char = |i: usize| at(i).is_some_and(char::is_alphanumeric);
    let byte = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut words: Vec<RawWord> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !word_char(i) {
            i += 1;
            continue;
        }
        let begin = i;
        let mut segments = vec![String::new()];
        loop {
            while word_char(i) {
                if let Some(s) = segments.last_mut() {
                    s.extend(chars[i].1.to_lowercase());
                }
                i += 1;
            }
            if is_hyphen(at(i)) && word_char(i + 1) {
                segments.push(String::new());
                i += 1;
            } else {
                break;
            }
        }
        let mut end = i;
        // A genitive after a colon ("SBR:s") belongs to the word, and is not indexed.
        if at(i) == Some(':')
            && (1..=2).any(|n| (1..=n).all(|k| word_char(i + k)) && !word_char(i + n + 1))
        {
            while word_char(end + 1) {
                end += 1;
            }
            end += 1;
            i = end;
        }
        let elided_head = begin > 0
            && is_hyphen(at(begin - 1))
            && (begin < 2 || at(begin - 2).is_none_or(|c| !c.is_alphanumeric()));
        let elided_tail = is_hyphen(at(i)) && at(i + 1).is_some_and(char::is_whitespace) && {
            let next = text[byte(i + 1)..].trim_start();
            ["och ", "eller ", "samt ", "respektive "]
                .iter()
                .any(|c| next.to_lowercase().starts_with(c))
        };
        words.push(RawWord {
            start: byte(begin) - usize::from(elided_head),
            end: byte(end) + usize::from(elided_tail),
            segments,
            elided_head,
            elided_tail,
        });
    }
    words
}

fn is_hyphen(c: Option<char>) -> bool {
    matches!(c, Some('-' | '‐' | '‑'))
}

/// The modifier of a compound as written ("företags" in "företagsorganisationer"), if the
/// word splits.
fn modifier_of(segments: &[String]) -> Option<String> {
    if segments.len() > 1 {
        return Some(segments[..segments.len() - 1].concat());
    }
    let word = &segments[0];
    split(word).map(|pieces| word[..word.len() - pieces.last().map_or(0, String::len)].to_owned())
}

/// The head of a compound as written ("förbund" in "landstingsförbund"), if the word splits.
fn head_of(segments: &[String]) -> Option<String> {
    if segments.len() > 1 {
        return segments.last().cloned();
    }
    split(&segments[0]).and_then(|pieces| pieces.last().cloned())
}

fn token(start: usize, end: usize, segments: &[String]) -> Token {
    let whole = segments.concat();
    let whole_stem = stem(&whole);
    let mut parts = Vec::new();
    let pieces: Vec<String> = if segments.len() > 1 {
        segments.to_vec()
    } else {
        split(&whole).unwrap_or_default()
    };
    for piece in pieces {
        for part in split(&piece).unwrap_or_else(|| vec![piece.clone()]) {
            let part = stem(strip_link(&part));
            if part != whole_stem && !part.is_empty() && !parts.contains(&part) {
                parts.push(part);
            }
        }
    }
    Token {
        start,
        end,
        stem: whole_stem,
        parts,
    }
}

thread_local! {
    static STEMS: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
    static SPLITS: RefCell<HashMap<String, Option<Vec<String>>>> = RefCell::new(HashMap::new());
}

/// Words repeat: each thread remembers what it worked out (up to this many words, then it
/// starts afresh), which makes indexing several times faster.
const CACHED_WORDS: usize = 100_000;

fn cached<V: Clone>(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<String, V>>>,
    key: &str,
    make: impl FnOnce() -> V,
) -> V {
    if let Some(v) = cache.with(|c| c.borrow().get(key).cloned()) {
        return v;
    }
    let v = make();
    cache.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHED_WORDS {
            c.clear();
        }
        c.insert(key.to_owned(), v.clone());
    });
    v
}

/// A word's Snowball Swedish stem; numbers stay as they are.
pub fn stem(word: &str) -> String {
    cached(&STEMS, word, || stem_uncached(word))
}

fn stem_uncached(word: &str) -> String {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    if word.chars().all(|c| c.is_ascii_digit()) {
        return word.to_owned();
    }
    let snowball = |w: &str| {
        STEMMER
            .get_or_init(|| Stemmer::create(Algorithm::Swedish))
            .stem(w)
            .into_owned()
    };
    let mut stem = snowball(word);
    // Snowball's Swedish leaves two common endings: the definite "-et" ("företaget",
    // "arbetet") and the "-an" of verbal nouns ("samverkan", "ansökan"), which must meet
    // "företag" and "samverkar". Over-stripping a rare word is harmless: queries and the
    // index are stemmed alike.
    let chars = stem.chars().count();
    let consonant_before = |s: &str| {
        s.chars()
            .rev()
            .nth(2)
            .is_some_and(|c| !"aeiouyåäö".contains(c))
    };
    if chars >= 6 && stem.ends_with("et") {
        // Then as if written without it: "klimatet" as "klimat".
        stem = snowball(&stem[..stem.len() - 2]);
    } else if chars >= 7
        && stem.ends_with("an")
        && consonant_before(&stem)
        && !NOT_VERBAL_NOUNS.iter().any(|w| stem.ends_with(w))
    {
        stem.truncate(stem.len() - 2);
    }
    stem
}

/// Words ending in "-an" that are no verbal nouns (and compounds ending in them).
const NOT_VERBAL_NOUNS: &[&str] = &["plan", "organ", "man", "stan", "kran", "roman", "veteran"];

/// The stems of the lexicon's words.
fn known() -> &'static HashSet<String> {
    static KNOWN: OnceLock<HashSet<String>> = OnceLock::new();
    KNOWN.get_or_init(|| LEXICON.iter().map(|w| stem(w)).collect())
}

fn is_known(piece: &str) -> bool {
    piece.chars().count() >= 3 && known().contains(&stem(piece))
}

/// A modifier without its linking `s` when that is what makes it a known word.
fn strip_link(piece: &str) -> &str {
    match piece.strip_suffix('s') {
        Some(bare) if !is_known(piece) && is_known(bare) => bare,
        _ => piece,
    }
}

/// The longest word tried as a compound ("realisationsvinstbeskattningsregler" has 35).
const MAX_COMPOUND_CHARS: usize = 60;

/// The pieces of a closed compound as written (modifiers with their linking `s`, then the
/// head), if every piece is a lexicon word; `None` for a lexicon word or one that does not
/// split. The longest known head is preferred.
fn split(word: &str) -> Option<Vec<String>> {
    // Splitting tries every cut and stems every head: quadratic in the word's length. Real
    // compounds are far shorter than the bound; a pasted run of characters with no space
    // (thousands long) would otherwise hold up the submission that indexes it.
    if !(6..=MAX_COMPOUND_CHARS).contains(&word.chars().count()) {
        return None;
    }
    cached(&SPLITS, word, || {
        if is_known(word) {
            None
        } else {
            split_pieces(word, 3)
        }
    })
}

fn split_pieces(word: &str, depth: usize) -> Option<Vec<String>> {
    if depth == 0 {
        return None;
    }
    let cuts: Vec<usize> = word.char_indices().map(|(i, _)| i).skip(3).collect();
    for &cut in &cuts {
        let (modifier, head) = word.split_at(cut);
        if head.chars().count() < 3 || !is_known(head) {
            continue;
        }
        if is_known(strip_link(modifier)) {
            return Some(vec![modifier.to_owned(), head.to_owned()]);
        }
        let bare = modifier.strip_suffix('s').unwrap_or(modifier);
        if let Some(mut pieces) = split_pieces(bare, depth - 1) {
            if let Some(last) = pieces.last_mut() {
                last.push_str(&modifier[bare.len()..]);
            }
            pieces.push(head.to_owned());
            return Some(pieces);
        }
    }
    None
}

/// Snowball's Swedish stop words.
pub const STOP_WORDS: &[&str] = &[
    "och", "det", "att", "i", "en", "jag", "hon", "som", "han", "på", "den", "med", "var", "sig",
    "för", "så", "till", "är", "men", "ett", "om", "hade", "de", "av", "icke", "mig", "du",
    "henne", "då", "sin", "nu", "har", "inte", "hans", "honom", "skulle", "hennes", "där", "min",
    "man", "ej", "vid", "kunde", "något", "från", "ut", "när", "efter", "upp", "vi", "dem", "vara",
    "vad", "över", "än", "dig", "kan", "sina", "här", "ha", "mot", "alla", "under", "någon",
    "eller", "allt", "mycket", "sedan", "ju", "denna", "själv", "detta", "åt", "utan", "varit",
    "hur", "ingen", "mitt", "ni", "bli", "blev", "oss", "din", "dessa", "några", "deras", "blir",
    "mina", "samma", "vilken", "er", "sådan", "vår", "blivit", "dess", "inom", "mellan", "sådant",
    "varför", "varje", "vilka", "ditt", "vem", "vilket", "sitta", "sådana", "vart", "dina", "vars",
    "vårt", "våra", "ert", "era", "vilkas",
];

/// Whether `word` (lowercase) is a stop word.
pub fn is_stop_word(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.iter().copied().collect())
        .contains(word)
}

/// Words of municipal business-policy follow-up whose compounds the analyzer splits. A part
/// must be one of these (in any inflection) for a compound to be found by it.
pub const LEXICON: &[&str] = &[
    "aktivering",
    "aktivitet",
    "analys",
    "ansvar",
    "arbete",
    "arbetskraft",
    "avtal",
    "bolag",
    "brott",
    "bransch",
    "bygg",
    "centrum",
    "dialog",
    "ekonomi",
    "etablering",
    "exploatering",
    "fastighet",
    "ferie",
    "forum",
    "fråga",
    "förbund",
    "företag",
    "förvaltning",
    "grupp",
    "handel",
    "handling",
    "jobb",
    "klimat",
    "kommun",
    "kompetens",
    "kontor",
    "kultur",
    "landsting",
    "lokal",
    "marknad",
    "miljö",
    "myndighet",
    "mål",
    "möte",
    "nämnd",
    "nätverk",
    "näring",
    "näringsliv",
    "näringslivs",
    "område",
    "organisation",
    "plan",
    "plats",
    "policy",
    "polis",
    "praktik",
    "program",
    "projekt",
    "rapport",
    "region",
    "råd",
    "samarbete",
    "samverkan",
    "service",
    "skola",
    "stad",
    "stadsdel",
    "strategi",
    "styrelse",
    "stöd",
    "säkerhet",
    "tillstånd",
    "tillväxt",
    "torg",
    "trafik",
    "trygghet",
    "turism",
    "uppdrag",
    "uppföljning",
    "utbildning",
    "utveckling",
    "verksamhet",
    "välfärd",
    "åtgärd",
    "besök",
    "ungdom",
    "sommar",
    "kontakt",
    "information",
    "insats",
    "lots",
    "person",
    "resa",
    "tid",
    "gata",
    "park",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        analyze(text).into_iter().map(|t| t.stem).collect()
    }

    fn finds(text: &str, query: &str) -> bool {
        parse_query(query).expect("query").matches(text)
    }

    #[test]
    fn inflections_of_a_word_meet() {
        let forms = stems("samverkan samverkar samverkat samverka");
        assert!(forms.iter().all(|s| s == "samverk"), "{forms:?}");
        assert_eq!(stems("företaget företagen företagens"), ["företag"; 3]);
        assert!(finds("Vi samverkar med polisen.", "samverkan"));
        assert!(!finds("Nämnden har samverkat i två år.", "Samverkan polis"));
        assert!(finds("Samverkan med polisen fortsätter.", "polis"));
    }

    #[test]
    fn stop_words_are_gone_and_letters_and_numbers_kept() {
        assert_eq!(stems("Det är och i på"), Vec::<String>::new());
        assert_eq!(
            stems("Åtgärder 2022 ÖVER ärenden"),
            ["åtgärd", "2022", "ärend"]
        );
        assert_eq!(parse_query("och det är"), Err(QueryProblem::OnlyStopWords));
    }

    #[test]
    fn offsets_point_at_the_words_in_the_text() {
        let text = "Ökad samverkan, med SBR:s stöd.";
        let words: Vec<&str> = analyze(text)
            .iter()
            .map(|t| &text[t.start..t.end])
            .collect();
        assert_eq!(words, ["Ökad", "samverkan", "SBR:s", "stöd"]);
        assert_eq!(stems(text)[2], "sbr");
    }

    #[test]
    fn hyphenated_and_elided_compounds_are_found_by_their_parts() {
        assert!(finds("Vi stöder IT-företag.", "företag"));
        assert!(finds("Vi stöder IT-företag.", "IT-företag"));
        let text = "Kontakt med företagsorganisationer/-grupper i området.";
        assert!(finds(text, "företagsgrupper"));
        assert!(finds(text, "grupp"));
        assert!(finds(text, "organisation"));
        let text = "Ett samarbete med kommun- och landstingsförbund.";
        assert!(finds(text, "kommunförbund"));
        assert!(finds(text, "landsting"));
    }

    #[test]
    fn a_very_long_run_without_spaces_is_one_word_not_a_compound() {
        // Two megabytes of analysis if every cut of it were tried and remembered.
        let word = "företagsklimat".repeat(2_000);
        assert_eq!(stems(&word), vec![stem(&word)]);
    }

    #[test]
    fn closed_compounds_split_into_lexicon_words() {
        assert!(finds("Ett gott företagsklimat.", "klimat"));
        assert!(finds("Ett gott företagsklimat.", "företagen"));
        assert!(finds("Näringslivsfrågorna diskuteras.", "frågor"));
        assert!(finds("Arbete med platssamverkan.", "plats"));
        assert!(finds("Arbete med platssamverkan.", "samverkar"));
        assert!(finds("Arbetsmarknadsförvaltningen deltar.", "marknad"));
        // A part outside the lexicon does not split its compound; the whole word still works.
        assert!(!finds("Nya fritidsgårdar öppnar.", "gård"));
        assert!(finds("Nya fritidsgårdar öppnar.", "fritidsgården"));
        // Not a compound of lexicon words: "handel" is not "han" + "del".
        assert_eq!(analyze("handel")[0].parts, Vec::<String>::new());
    }

    #[test]
    fn phrases_match_consecutive_words() {
        let q = parse_query("\"organiserad brottslighet\" polisen").expect("query");
        assert_eq!(
            q.terms,
            [
                QueryTerm::Phrase(vec!["organiser".into(), "brotts".into()]),
                QueryTerm::Word("polis".into())
            ]
        );
        assert!(finds(
            "Polisen och organiserad brottslighet.",
            "\"organiserad brottslighet\""
        ));
        assert!(!finds(
            "Brottslighet som är organiserad.",
            "\"organiserad brottslighet\""
        ));
    }

    #[test]
    fn queries_are_bounded() {
        assert_eq!(parse_query("   "), Err(QueryProblem::Empty));
        assert_eq!(parse_query(&"a".repeat(201)), Err(QueryProblem::TooLong));
        assert_eq!(
            parse_query("två tre fyra fem sex sju åtta nio tio"),
            Err(QueryProblem::TooManyTerms)
        );
        assert_eq!(
            parse_query("samverkan\u{202E}"),
            Err(QueryProblem::Character)
        );
    }

    #[test]
    fn the_index_keeps_stems_in_order_and_parts_apart() {
        let indexed = index_text("Företagsklimatet och samverkan.");
        assert_eq!(indexed.stems, "företagsklim samverk");
        assert_eq!(indexed.parts, "företag klim");
    }

    #[test]
    fn a_snippet_marks_the_words_found_around_the_first() {
        let q = parse_query("samverkar").expect("query");
        let text = format!(
            "{} Vi har god samverkan. Samverkat länge. {}",
            "Inledning. ".repeat(30),
            "Slut. ".repeat(40)
        );
        let parts = snippet(&text, &q, 80);
        let marked: Vec<&str> = parts
            .iter()
            .filter(|p| p.matched)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["samverkan", "Samverkat"]);
        assert_eq!(parts.first().map(|p| p.text.as_str()), Some("…"));
        assert_eq!(parts.last().map(|p| p.text.as_str()), Some("…"));
        let shown: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(shown.chars().count() < 90, "{shown}");
    }
}
