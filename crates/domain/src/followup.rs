//! A follow-up (uppföljning): purpose, focus areas and the questions it asks.

use crate::{BodyKind, FollowUpId, Invalid};

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
    /// Whether "Ej aktuellt" is an acceptable answer.
    #[serde(default = "yes")]
    pub not_applicable_allowed: bool,
}

impl Question {
    pub fn applies_to_kind(&self, kind: BodyKind) -> bool {
        self.applies_to.contains(&kind)
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
    fn kinds_round_trip_through_their_codes() {
        let kinds = vec![BodyKind::DistrictCommittee, BodyKind::CompanyBoard];
        assert_eq!(decode_kinds(&encode_kinds(&kinds)), Ok(kinds));
        assert!(decode_kinds("district_committee,nope").is_err());
    }
}
