//! A round's submitted answers, and what the insights find in them per body: the actors
//! named, the decisions pending, the dates (a timeline) and the readability.

use std::ops::Range;

use crate::compiled::CompiledReport;
use crate::{Body, ReportId};

use super::actors::ActorFinder;
use super::dates::{When, dates};
use super::decisions::pending_decisions;
use super::lix::Counts;
use super::text::sentences;

/// One submitted answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerText {
    /// Index into [`RoundTexts::bodies`].
    pub body: usize,
    /// The report and version it was read from (for a link), when known.
    pub report: Option<ReportId>,
    pub version: i64,
    /// The question's number ("1.2") and text.
    pub number: String,
    pub question: String,
    pub text: String,
}

/// The submitted answers of a round (only submitted versions, never a draft).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundTexts {
    /// The round's year: the year of a date given without one.
    pub year: i16,
    /// The bodies with a submitted version, in the order they are listed.
    pub bodies: Vec<Body>,
    pub answers: Vec<AnswerText>,
}

/// A sentence of an answer, with the words that made it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Index into [`RoundTexts::answers`].
    pub answer: usize,
    pub sentence: String,
    /// Byte ranges in `sentence`, in order, not overlapping.
    pub marks: Vec<Range<usize>>,
}

impl Passage {
    /// The sentence in pieces, each marked or not: for highlighting.
    pub fn pieces(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for mark in &self.marks {
            if mark.start < at || mark.end > self.sentence.len() {
                continue;
            }
            if mark.start > at {
                out.push((&self.sentence[at..mark.start], false));
            }
            out.push((&self.sentence[mark.clone()], true));
            at = mark.end;
        }
        if at < self.sentence.len() {
            out.push((&self.sentence[at..], false));
        }
        out
    }
}

/// A body's readability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyReadability {
    pub body: usize,
    pub counts: Counts,
    /// Its longest sentences, longest first, with their word counts.
    pub longest: Vec<(usize, Passage)>,
}

impl RoundTexts {
    /// What a compiled report holds, read as the round's texts (bodies by their index in
    /// the report; their ids are not in the report and stay unknown).
    pub fn of_compiled(report: &CompiledReport, year: i16) -> RoundTexts {
        let bodies = report
            .bodies
            .iter()
            .map(|b| Body {
                id: crate::BodyId(0),
                name: b.name.clone(),
                short_name: String::new(),
                kind: crate::BodyKind::DistrictCommittee,
                active: true,
            })
            .collect();
        let answers = report
            .focus_areas
            .iter()
            .flat_map(|a| &a.questions)
            .flat_map(|q| {
                q.answers.iter().map(|a| AnswerText {
                    body: a.body,
                    report: None,
                    version: a.version,
                    number: q.number.clone(),
                    question: q.text.clone(),
                    text: a.text.clone(),
                })
            })
            .collect();
        RoundTexts {
            year,
            bodies,
            answers,
        }
    }

    fn each_body<'s, T>(
        &'s self,
        mut f: impl FnMut(usize, &'s AnswerText) -> Vec<T>,
    ) -> Vec<Vec<T>> {
        let mut out: Vec<Vec<T>> = (0..self.bodies.len()).map(|_| Vec::new()).collect();
        for (i, answer) in self.answers.iter().enumerate() {
            if let Some(list) = out.get_mut(answer.body) {
                list.extend(f(i, answer));
            }
        }
        out
    }

    /// Per body, per actor of the finder (`actors` of them): the sentences naming it.
    pub fn actor_passages(&self, finder: &ActorFinder, actors: usize) -> Vec<Vec<Vec<Passage>>> {
        let found = self.each_body(|i, answer| {
            finder
                .mentions(&answer.text)
                .into_iter()
                .map(|m| {
                    let passage = Passage {
                        answer: i,
                        sentence: m.sentence.text.to_owned(),
                        marks: m.phrases,
                    };
                    (m.actor, passage)
                })
                .collect()
        });
        found
            .into_iter()
            .map(|mentions| {
                let mut per_actor: Vec<Vec<Passage>> = (0..actors).map(|_| Vec::new()).collect();
                for (actor, passage) in mentions {
                    if let Some(list) = per_actor.get_mut(actor) {
                        list.push(passage);
                    }
                }
                per_actor
            })
            .collect()
    }

    /// Per body: the sentences saying something is not yet decided.
    pub fn pending_decisions(&self) -> Vec<Vec<Passage>> {
        self.each_body(|i, answer| {
            pending_decisions(&answer.text)
                .into_iter()
                .map(|d| Passage {
                    answer: i,
                    sentence: d.sentence.text.to_owned(),
                    marks: vec![d.phrase],
                })
                .collect()
        })
    }

    /// Per body: the dates in its answers, earliest first (a period by its start; in the
    /// order written when equal).
    pub fn timeline(&self) -> Vec<Vec<(When, Passage)>> {
        let mut timeline = self.each_body(|i, answer| {
            dates(&answer.text, self.year)
                .into_iter()
                .map(|d| {
                    let passage = Passage {
                        answer: i,
                        sentence: d.sentence.text.to_owned(),
                        marks: vec![d.phrase],
                    };
                    (d.when, passage)
                })
                .collect()
        });
        for dates in &mut timeline {
            dates.sort_by_key(|(when, _)| *when);
        }
        timeline
    }

    /// Per body its readability with its `longest` longest sentences; and the whole
    /// round's counts.
    pub fn readability(&self, longest: usize) -> (Vec<BodyReadability>, Counts) {
        let mut total = Counts::default();
        let per_body = self
            .each_body(|i, answer| vec![(i, answer)])
            .into_iter()
            .enumerate()
            .map(|(body, answers)| {
                let mut counts = Counts::default();
                let mut all: Vec<(usize, Passage)> = Vec::new();
                for (i, answer) in answers {
                    counts.add(Counts::of(&answer.text));
                    all.extend(sentences(&answer.text).into_iter().map(|s| {
                        let passage = Passage {
                            answer: i,
                            sentence: s.text.to_owned(),
                            marks: Vec::new(),
                        };
                        (s.word_count(), passage)
                    }));
                }
                all.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
                all.truncate(longest);
                total.add(counts);
                BodyReadability {
                    body,
                    counts,
                    longest: all,
                }
            })
            .collect();
        (per_body, total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_mark_the_found_words() {
        let passage = Passage {
            answer: 0,
            sentence: "Vi möter SBR och polisen.".into(),
            marks: vec![10..13, 18..25],
        };
        assert_eq!(
            passage.pieces(),
            vec![
                ("Vi möter ", false),
                ("SBR", true),
                (" och ", false),
                ("polisen", true),
                (".", false)
            ]
        );
    }
}
