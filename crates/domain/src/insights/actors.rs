//! Actors: organisations outside the bodies (the police, the tax agency, a city office)
//! that coordinators keep in a register, each with aliases, and find in submitted answers.
//!
//! A name or alias is found as a whole word or phrase through the analyzer's stems, so
//! "polisen" finds "polis" and "Trafikkontoret" finds "trafikkontorets". A short alias in
//! capitals ("SBR", "SLK") is an abbreviation: it is found only as the same capitals, a word
//! of its own ("SBR:s" too, not "sbr" or "SBRX").

use std::ops::Range;

use crate::ActorId;
use crate::analysis::analyze;
use crate::validate::clean_line;

use super::text::{Sentence, sentences, words};

/// The longest name or alias, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The most aliases an actor has.
pub const MAX_ALIASES: usize = 20;
/// An alias in capitals of at most this many characters is an abbreviation.
const MAX_ABBREVIATION_CHARS: usize = 6;

impl crate::Actor {
    /// Keeps the register of actors and reads what the answers say of them: coordinators
    /// and administrators (who read every submitted version anyway).
    pub fn keeps_actor_register(&self) -> bool {
        self.follows_rounds()
    }
}

/// An actor in the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredActor {
    pub id: ActorId,
    pub name: String,
    pub aliases: Vec<String>,
    /// An inactive actor is no longer looked for.
    pub active: bool,
}

/// What is wrong with an actor as typed. Each names the field to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    NameMissing,
    NameInvalid,
    /// An alias has a control character or a line break, or is too long.
    AliasInvalid,
    TooManyAliases,
    /// The name or an alias has no word to look for ("och").
    FindsNothing(String),
    /// The name or an alias is another actor's.
    Taken(String),
}

impl Problem {
    /// The id of the form field the problem is about.
    pub fn field(&self) -> &'static str {
        match self {
            Problem::NameMissing | Problem::NameInvalid => "name",
            Problem::AliasInvalid | Problem::TooManyAliases => "aliases",
            Problem::FindsNothing(_) | Problem::Taken(_) => "aliases",
        }
    }
}

/// An actor's name and aliases as typed (aliases one a line), checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorFields {
    pub name: String,
    pub aliases: Vec<String>,
}

impl ActorFields {
    /// Checks the fields against the register (`others`: every other actor); an alias
    /// repeated or equal to the name is dropped.
    pub fn parse(
        name: &str,
        aliases: &str,
        others: &[RegisteredActor],
    ) -> Result<ActorFields, Vec<Problem>> {
        let mut problems = Vec::new();
        let name = match clean_line(name.trim(), MAX_NAME_CHARS) {
            Ok(name) if name.is_empty() => {
                problems.push(Problem::NameMissing);
                name
            }
            Ok(name) => name,
            Err(_) => {
                problems.push(Problem::NameInvalid);
                String::new()
            }
        };
        let mut kept: Vec<String> = Vec::new();
        for alias in aliases.lines().map(str::trim).filter(|a| !a.is_empty()) {
            match clean_line(alias, MAX_NAME_CHARS) {
                Ok(alias) => {
                    let key = alias.to_lowercase();
                    if key != name.to_lowercase() && !kept.iter().any(|k| k.to_lowercase() == key) {
                        kept.push(alias);
                    }
                }
                Err(_) if !problems.contains(&Problem::AliasInvalid) => {
                    problems.push(Problem::AliasInvalid);
                }
                Err(_) => {}
            }
        }
        if kept.len() > MAX_ALIASES {
            problems.push(Problem::TooManyAliases);
        }
        let taken: Vec<String> = others
            .iter()
            .flat_map(|a| std::iter::once(&a.name).chain(&a.aliases))
            .map(|t| t.to_lowercase())
            .collect();
        for term in std::iter::once(&name)
            .chain(&kept)
            .filter(|t| !t.is_empty())
        {
            if Pattern::of(term).is_none() {
                problems.push(Problem::FindsNothing(term.clone()));
            } else if taken.contains(&term.to_lowercase()) {
                problems.push(Problem::Taken(term.clone()));
            }
        }
        if problems.is_empty() {
            Ok(ActorFields {
                name,
                aliases: kept,
            })
        } else {
            Err(problems)
        }
    }
}

/// How one name or alias is looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// An abbreviation, matched as typed.
    Capitals(String),
    /// Consecutive stems.
    Stems(Vec<String>),
}

impl Pattern {
    fn of(term: &str) -> Option<Pattern> {
        let abbreviation = term.chars().count() <= MAX_ABBREVIATION_CHARS
            && term.chars().any(char::is_alphabetic)
            && term.chars().all(|c| c.is_uppercase() || c.is_ascii_digit());
        if abbreviation {
            return Some(Pattern::Capitals(term.to_owned()));
        }
        let stems: Vec<String> = analyze(term).into_iter().map(|t| t.stem).collect();
        (!stems.is_empty()).then_some(Pattern::Stems(stems))
    }
}

/// A sentence naming an actor, with where (byte ranges in the sentence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorMention<'a> {
    /// The actor's index in the list the finder was made from.
    pub actor: usize,
    pub sentence: Sentence<'a>,
    pub phrases: Vec<Range<usize>>,
}

/// Finds the active actors of a register in texts.
#[derive(Debug, Clone)]
pub struct ActorFinder {
    patterns: Vec<(usize, Pattern)>,
}

impl ActorFinder {
    /// A finder for `actors`' names and aliases (inactive ones are not looked for).
    pub fn new(actors: &[RegisteredActor]) -> ActorFinder {
        let patterns = actors
            .iter()
            .enumerate()
            .filter(|(_, a)| a.active)
            .flat_map(|(i, a)| {
                std::iter::once(&a.name)
                    .chain(&a.aliases)
                    .filter_map(move |t| Pattern::of(t).map(|p| (i, p)))
            })
            .collect();
        ActorFinder { patterns }
    }

    /// Every sentence of `text` naming an actor, once per actor, in order.
    pub fn mentions<'a>(&self, text: &'a str) -> Vec<ActorMention<'a>> {
        let mut out: Vec<ActorMention<'a>> = Vec::new();
        for sentence in sentences(text) {
            let tokens = analyze(sentence.text);
            let raw: Vec<Range<usize>> = words(sentence.text).collect();
            let first = out.len();
            for (actor, pattern) in &self.patterns {
                let found: Vec<Range<usize>> = match pattern {
                    Pattern::Capitals(abbr) => raw
                        .iter()
                        .filter(|r| &sentence.text[(*r).clone()] == abbr)
                        .cloned()
                        .collect(),
                    Pattern::Stems(stems) => tokens
                        .windows(stems.len())
                        .filter(|w| w.iter().zip(stems).all(|(t, s)| &t.stem == s))
                        .map(|w| w[0].start..w[w.len() - 1].end)
                        .collect(),
                };
                if found.is_empty() {
                    continue;
                }
                match out[first..].iter_mut().find(|m| m.actor == *actor) {
                    Some(m) => m.phrases.extend(found),
                    None => out.push(ActorMention {
                        actor: *actor,
                        sentence,
                        phrases: found,
                    }),
                }
            }
            for m in &mut out[first..] {
                m.phrases.sort_by_key(|r| r.start);
                m.phrases.dedup();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(id: i64, name: &str, aliases: &[&str]) -> RegisteredActor {
        RegisteredActor {
            id: ActorId(id),
            name: name.into(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            active: true,
        }
    }

    fn found(actors: &[RegisteredActor], text: &str) -> Vec<(String, Vec<String>)> {
        ActorFinder::new(actors)
            .mentions(text)
            .into_iter()
            .map(|m| {
                (
                    actors[m.actor].name.clone(),
                    m.phrases
                        .iter()
                        .map(|p| m.sentence.text[p.clone()].to_owned())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn names_and_aliases_are_found_by_their_stems_and_abbreviations_as_typed() {
        let register = [
            actor(1, "Stockholm Business Region", &["SBR"]),
            actor(2, "Polisen", &["polis"]),
            actor(3, "Trafikkontoret", &[]),
        ];
        assert_eq!(
            found(
                &register,
                "Vi möter polis och trafikkontorets planerare. SBR:s dialog med Stockholm Business Region."
            ),
            vec![
                ("Polisen".to_owned(), vec!["polis".to_owned()]),
                (
                    "Trafikkontoret".to_owned(),
                    vec!["trafikkontorets".to_owned()]
                ),
                (
                    "Stockholm Business Region".to_owned(),
                    vec!["SBR".to_owned(), "Stockholm Business Region".to_owned()]
                ),
            ]
        );
        for text in [
            "Vi har sbr i åtanke.",
            "SBRX och polisanmälan.",
            "Stockholm och regionen.",
        ] {
            assert!(found(&register, text).is_empty(), "{text}");
        }
        let mut inactive = register.clone();
        inactive[1].active = false;
        assert!(found(&inactive, "Polisen var där.").is_empty());
    }

    #[test]
    fn fields_are_checked_against_the_register() {
        let register = [actor(1, "Polisen", &["polis"])];
        let fields = ActorFields::parse(" Skatteverket ", "SKV\n\nskv\nSkatteverket\n", &register)
            .expect("valid");
        assert_eq!(fields.name, "Skatteverket");
        assert_eq!(fields.aliases, vec!["SKV"]);
        assert_eq!(
            ActorFields::parse("", "och\nPOLIS", &register),
            Err(vec![
                Problem::NameMissing,
                Problem::FindsNothing("och".into()),
                Problem::Taken("POLIS".into()),
            ])
        );
        assert_eq!(
            ActorFields::parse("Namn\u{202E}", "a\u{7}", &[]),
            Err(vec![Problem::NameInvalid, Problem::AliasInvalid])
        );
    }
}
