//! Comparing rounds: how a body's answer to one question (by its key, which stays the same
//! across the rounds of a follow-up) moved from one round's submitted version to another's.
//! Only submitted versions are compared, never a draft.

use crate::{Round, SubmittedAnswer};

/// What became of an answer between an earlier round ("then") and a later one ("now").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerChange {
    /// Oförändrad: the same answer (the same text, and "Ej aktuellt" or not alike).
    Unchanged,
    /// Ändrad: answered in both, differently.
    Changed,
    /// Ny: answered now, not then.
    New,
    /// Utgått: answered then, not now.
    Gone,
    /// Answered in neither round.
    Neither,
}

impl AnswerChange {
    pub const ALL: [AnswerChange; 5] = [
        AnswerChange::Unchanged,
        AnswerChange::Changed,
        AnswerChange::New,
        AnswerChange::Gone,
        AnswerChange::Neither,
    ];

    /// For a CSS class and tests.
    pub fn code(self) -> &'static str {
        match self {
            AnswerChange::Unchanged => "unchanged",
            AnswerChange::Changed => "changed",
            AnswerChange::New => "new",
            AnswerChange::Gone => "gone",
            AnswerChange::Neither => "neither",
        }
    }
}

/// Classifies a body's answer to one question, from its latest submitted version in each
/// round (`None`: no submitted version, or the version does not answer the question). An
/// answer "Ej aktuellt" counts as an answer; a blank one (which a submission cannot hold
/// today, but an old one might) does not.
pub fn classify(then: Option<&SubmittedAnswer>, now: Option<&SubmittedAnswer>) -> AnswerChange {
    match (given(then), given(now)) {
        (None, None) => AnswerChange::Neither,
        (None, Some(_)) => AnswerChange::New,
        (Some(_), None) => AnswerChange::Gone,
        (Some(a), Some(b)) if a.not_applicable == b.not_applicable && a.text == b.text => {
            AnswerChange::Unchanged
        }
        (Some(_), Some(_)) => AnswerChange::Changed,
    }
}

/// The answer, unless it is blank.
fn given(answer: Option<&SubmittedAnswer>) -> Option<&SubmittedAnswer> {
    answer.filter(|a| a.not_applicable || !a.text.trim().is_empty())
}

/// The round of the same follow-up just before `this` (by year, then period), if any: what
/// a round is compared with unless another is chosen.
pub fn previous_round<'a>(rounds: &'a [Round], this: &Round) -> Option<&'a Round> {
    rounds
        .iter()
        .filter(|r| {
            r.follow_up_id == this.follow_up_id && (r.year, r.period) < (this.year, this.period)
        })
        .max_by_key(|r| (r.year, r.period))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FollowUpId, Period, QuestionKey, RoundId, RoundStatus};

    fn answer(text: &str, not_applicable: bool) -> SubmittedAnswer {
        SubmittedAnswer {
            key: QuestionKey::parse("fraga").expect("key"),
            text: text.into(),
            not_applicable,
        }
    }

    #[test]
    fn the_same_text_is_unchanged_and_another_is_changed() {
        let then = answer("Vi träffar företagen varje månad.", false);
        let same = answer("Vi träffar företagen varje månad.", false);
        let other = answer("Vi träffar företagen varje vecka.", false);
        assert_eq!(classify(Some(&then), Some(&same)), AnswerChange::Unchanged);
        assert_eq!(classify(Some(&then), Some(&other)), AnswerChange::Changed);
    }

    #[test]
    fn an_answer_only_now_is_new_and_only_then_is_gone() {
        let given = answer("Ett svar.", false);
        assert_eq!(classify(None, Some(&given)), AnswerChange::New);
        assert_eq!(classify(Some(&given), None), AnswerChange::Gone);
        assert_eq!(classify(None, None), AnswerChange::Neither);
    }

    #[test]
    fn not_applicable_is_an_answer_of_its_own() {
        let na = answer("", true);
        let text = answer("", false);
        let given = answer("Ett svar.", false);
        assert_eq!(classify(Some(&na), Some(&na)), AnswerChange::Unchanged);
        assert_eq!(classify(Some(&given), Some(&na)), AnswerChange::Changed);
        assert_eq!(classify(None, Some(&na)), AnswerChange::New);
        // "Ej aktuellt" with the same justification, but now answered in earnest.
        let justified = answer("Ett svar.", true);
        assert_eq!(
            classify(Some(&justified), Some(&given)),
            AnswerChange::Changed
        );
        // A blank answer is no answer.
        assert_eq!(classify(Some(&text), Some(&given)), AnswerChange::New);
        assert_eq!(classify(Some(&given), Some(&text)), AnswerChange::Gone);
    }

    fn round(id: i64, follow_up: i64, period: Period, year: i32) -> Round {
        Round {
            id: RoundId(id),
            follow_up_id: FollowUpId(follow_up),
            period,
            year,
            deadline: jiff::civil::date(2022, 12, 31),
            status: RoundStatus::Closed,
        }
    }

    #[test]
    fn the_previous_round_is_the_follow_ups_latest_before() {
        let rounds = [
            round(1, 1, Period::T1, 2022),
            round(2, 1, Period::T2, 2022),
            round(3, 1, Period::Vb, 2021),
            round(4, 2, Period::T1, 2022),
            round(5, 1, Period::Vb, 2022),
        ];
        let id = |r: Option<&Round>| r.map(|r| r.id.0);
        assert_eq!(id(previous_round(&rounds, &rounds[4])), Some(2));
        assert_eq!(id(previous_round(&rounds, &rounds[1])), Some(1));
        assert_eq!(id(previous_round(&rounds, &rounds[0])), Some(3));
        assert_eq!(id(previous_round(&rounds, &rounds[2])), None);
        assert_eq!(
            id(previous_round(&rounds, &rounds[3])),
            None,
            "another follow-up"
        );
    }
}
