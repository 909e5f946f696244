//! A follow-up (uppföljning): purpose, focus areas and the questions it asks.

use crate::validate::{clean_line, clean_text};
use crate::{Body, BodyId, BodyKind, FollowUpId, Invalid};

/// A question's stable key, e.g. `samverkan-lokalt-naringsliv`: lowercase ASCII letters,
/// digits and hyphens. Keys survive rewording, so answers can be compared across rounds.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct QuestionKey(String);

impl QuestionKey {
    pub const MAX_LEN: usize = 64;

    pub fn parse(key: &str) -> Result<Self, Invalid> {
        let ok = !key.is_empty()
            && key.len() <= Self::MAX_LEN
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !key.starts_with('-');
        if ok {
            Ok(Self(key.to_owned()))
        } else {
            Err(Invalid::Key(key.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key a new question gets from its text: lowercase ASCII words joined by hyphens
    /// (å and ä become a, ö becomes o, é becomes e), at most [`Self::MAX_LEN`] characters,
    /// made unique among `taken` by a number at the end (`-2`, `-3`, …).
    pub fn from_text(text: &str, taken: &[QuestionKey]) -> QuestionKey {
        let mut words = Vec::new();
        let mut word = String::new();
        for c in text.chars().flat_map(char::to_lowercase) {
            let c = match c {
                'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
                'ö' | 'ø' | 'ó' | 'ô' => 'o',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'ü' | 'ú' => 'u',
                c => c,
            };
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                word.push(c);
            } else if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
        // Room is kept for a number that makes the key unique.
        let mut base = String::new();
        for w in words {
            if base.len() + w.len() + 1 > Self::MAX_LEN - 4 {
                break;
            }
            if !base.is_empty() {
                base.push('-');
            }
            base.push_str(&w);
        }
        if base.is_empty() {
            base.push_str("fraga");
        }
        let free = |key: &str| !taken.iter().any(|t| t.as_str() == key);
        let key = if free(&base) {
            base
        } else {
            (2..)
                .map(|n| format!("{base}-{n}"))
                .find(|k| free(k))
                .unwrap_or_default()
        };
        QuestionKey(key)
    }
}

impl TryFrom<String> for QuestionKey {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<QuestionKey> for String {
    fn from(key: QuestionKey) -> Self {
        key.0
    }
}

impl std::fmt::Display for QuestionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A follow-up, e.g. "Uppföljning av direktiv och aktiviteter med näringslivskoppling".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub title: String,
    /// The form's "Beskrivning (mål och syfte)".
    pub purpose: String,
    /// Shown at the top of the form; a round freezes it when it opens.
    pub introduction: String,
}

/// A policy focus area. The official name comes from the policy; the label is what the
/// form shows, which sometimes differs slightly.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FocusArea {
    pub number: u32,
    pub official_name: String,
    pub label: String,
}

/// A question of a follow-up. A round freezes copies of its questions when it opens, so
/// later edits of the follow-up never change what a round asked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Question {
    pub key: QuestionKey,
    pub focus_area: u32,
    pub position: u32,
    pub text: String,
    #[serde(default)]
    pub help: Option<String>,
    /// Which kinds of body get this question.
    pub applies_to: Vec<BodyKind>,
    /// Single bodies that get this question whatever their kind.
    #[serde(default)]
    pub bodies: Vec<BodyId>,
    /// Whether "Ej aktuellt" is an acceptable answer.
    #[serde(default = "yes")]
    pub not_applicable_allowed: bool,
}

impl Question {
    /// Whether `body` answers this question: its kind is asked, or the body itself is.
    pub fn asks(&self, body: &Body) -> bool {
        self.applies_to.contains(&body.kind) || self.bodies.contains(&body.id)
    }
}

fn yes() -> bool {
    true
}

/// Encodes a list of body kinds as stored: codes separated by commas.
pub fn encode_kinds(kinds: &[BodyKind]) -> String {
    kinds.iter().map(|k| k.code()).collect::<Vec<_>>().join(",")
}

/// Decodes [`encode_kinds`].
pub fn decode_kinds(codes: &str) -> Result<Vec<BodyKind>, Invalid> {
    codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(BodyKind::from_code)
        .collect()
}

/// Encodes a list of body ids as stored: numbers separated by commas.
pub fn encode_bodies(bodies: &[BodyId]) -> String {
    bodies
        .iter()
        .map(|b| b.0.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Decodes [`encode_bodies`].
pub fn decode_bodies(ids: &str) -> Result<Vec<BodyId>, Invalid> {
    ids.split(',')
        .filter(|c| !c.is_empty())
        .map(|c| c.parse().map_err(|_| Invalid::Code(c.to_owned())))
        .collect()
}

/// The longest follow-up title, focus-area name or label, in characters.
pub const NAME_MAX_CHARS: usize = 200;
/// The longest question text, in characters.
pub const QUESTION_MAX_CHARS: usize = 2_000;
/// The longest purpose, introduction or help text, in characters.
pub const PROSE_MAX_CHARS: usize = 10_000;

/// What is wrong with a text typed into the follow-up's editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    /// Required and left empty (or only spaces).
    Missing,
    Invalid(Invalid),
}

/// A required text, trimmed and checked (one line, or several), at most `max` characters.
pub fn required_text(input: &str, max: usize, one_line: bool) -> Result<String, TextProblem> {
    match optional_text(input, max, one_line)? {
        text if text.is_empty() => Err(TextProblem::Missing),
        text => Ok(text),
    }
}

/// Like [`required_text`], but an empty text is fine.
pub fn optional_text(input: &str, max: usize, one_line: bool) -> Result<String, TextProblem> {
    let clean = if one_line { clean_line } else { clean_text };
    clean(input.trim(), max).map_err(TextProblem::Invalid)
}

/// A follow-up's own texts, checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FollowUpText {
    pub title: String,
    pub purpose: String,
    pub introduction: String,
}

/// A question as the coordinator writes it, checked: everything but its key, which is
/// made once, when the question is added, and never changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionDraft {
    pub text: String,
    pub help: Option<String>,
    pub focus_area: u32,
    pub position: u32,
    pub applies_to: Vec<BodyKind>,
    pub bodies: Vec<BodyId>,
    pub not_applicable_allowed: bool,
}

impl QuestionDraft {
    /// The question this draft makes under `key`.
    pub fn with_key(&self, key: QuestionKey) -> Question {
        Question {
            key,
            focus_area: self.focus_area,
            position: self.position,
            text: self.text.clone(),
            help: self.help.clone(),
            applies_to: self.applies_to.clone(),
            bodies: self.bodies.clone(),
            not_applicable_allowed: self.not_applicable_allowed,
        }
    }

    /// Whether anyone answers it: a kind of body, or a single body, is chosen.
    pub fn has_bodies(&self) -> bool {
        !self.applies_to.is_empty() || !self.bodies.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_lowercase_ascii_with_hyphens() {
        assert!(QuestionKey::parse("vaxla-upp-2").is_ok());
        for bad in ["", "Växla", "a b", "-a", "contact_name", &"a".repeat(65)] {
            assert!(QuestionKey::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn keys_come_from_the_text_and_stay_unique() {
        let key = QuestionKey::from_text("Hur har nämnden växlat upp – 2024?", &[]);
        assert_eq!(key.as_str(), "hur-har-namnden-vaxlat-upp-2024");
        let taken = vec![
            key.clone(),
            QuestionKey::parse("hur-har-namnden-vaxlat-upp-2024-2").expect("key"),
        ];
        let next = QuestionKey::from_text("Hur har nämnden växlat upp 2024", &taken);
        assert_eq!(next.as_str(), "hur-har-namnden-vaxlat-upp-2024-3");
        assert_eq!(QuestionKey::from_text("???", &[]).as_str(), "fraga");
        let long = QuestionKey::from_text(&"ord ".repeat(100), &[]);
        assert!(QuestionKey::parse(long.as_str()).is_ok(), "{long}");
        assert!(long.as_str().len() <= QuestionKey::MAX_LEN - 4);
    }

    #[test]
    fn a_question_asks_its_kinds_and_its_single_bodies() {
        let body = |id, kind| Body {
            id: BodyId(id),
            name: format!("Organ {id}"),
            short_name: format!("{id}"),
            kind,
            active: true,
        };
        let question = QuestionDraft {
            text: "Fråga".into(),
            help: None,
            focus_area: 1,
            position: 1,
            applies_to: vec![BodyKind::DistrictCommittee],
            bodies: vec![BodyId(7)],
            not_applicable_allowed: true,
        }
        .with_key(QuestionKey::parse("fraga").expect("key"));
        assert!(question.asks(&body(1, BodyKind::DistrictCommittee)));
        assert!(question.asks(&body(7, BodyKind::CompanyBoard)));
        assert!(!question.asks(&body(8, BodyKind::CompanyBoard)));
        assert_eq!(
            decode_bodies(&encode_bodies(&[BodyId(3), BodyId(7)])),
            Ok(vec![BodyId(3), BodyId(7)])
        );
        assert!(decode_bodies("3,x").is_err());
    }

    #[test]
    fn editor_texts_are_trimmed_and_checked() {
        assert_eq!(required_text("  Titel ", 10, true), Ok("Titel".into()));
        assert_eq!(required_text("   ", 10, true), Err(TextProblem::Missing));
        assert_eq!(optional_text("", 10, false), Ok(String::new()));
        assert!(matches!(
            required_text("a\nb", 10, true),
            Err(TextProblem::Invalid(Invalid::LineBreak))
        ));
        assert!(matches!(
            required_text("abc", 2, false),
            Err(TextProblem::Invalid(Invalid::TooLong { .. }))
        ));
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        let kinds = vec![BodyKind::DistrictCommittee, BodyKind::CompanyBoard];
        assert_eq!(decode_kinds(&encode_kinds(&kinds)), Ok(kinds));
        assert!(decode_kinds("district_committee,nope").is_err());
    }
}
