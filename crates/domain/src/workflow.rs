//! The workflow: which status a report or a round moves to, and from which.
//!
//! Each transition is one value here. The store applies it as a conditional update that
//! binds these statuses' codes, so that no rule about statuses is written in SQL.

use crate::{ReportStatus, RoundStatus};

/// A move to `to`, allowed from any status in `from` (at most [`Transition::MAX_FROM`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition<S: 'static> {
    pub from: &'static [S],
    pub to: S,
}

impl<S: Copy + PartialEq> Transition<S> {
    /// The most statuses a transition starts from (so that a query can bind them all).
    pub const MAX_FROM: usize = 3;

    pub fn allows(&self, status: S) -> bool {
        self.from.contains(&status)
    }

    /// The status after the move, or the status that stops it.
    pub fn apply(&self, status: S) -> Result<S, S> {
        if self.allows(status) {
            Ok(self.to)
        } else {
            Err(status)
        }
    }

    /// The starting statuses, the last repeated to fill [`Transition::MAX_FROM`] places.
    pub fn from_padded(&self) -> [S; 3] {
        let at = |i: usize| self.from[i.min(self.from.len() - 1)];
        [at(0), at(1), at(2)]
    }
}

/// Every transition starts from at least one status and at most as many as a query binds.
const _: () = {
    let reports = [
        SAVE.from.len(),
        SUBMIT.from.len(),
        RETURN.from.len(),
        APPROVE.from.len(),
        REOPEN.from.len(),
    ];
    let rounds = [OPEN_ROUND.from.len(), CLOSE_ROUND.from.len()];
    let mut i = 0;
    while i < reports.len() + rounds.len() {
        let n = if i < reports.len() {
            reports[i]
        } else {
            rounds[i - reports.len()]
        };
        assert!(
            n >= 1 && n <= Transition::<ReportStatus>::MAX_FROM,
            "1 to 3 statuses"
        );
        i += 1;
    }
};

/// The statuses in which a body may still change its answers.
const EDITABLE: &[ReportStatus] = &[
    ReportStatus::NotStarted,
    ReportStatus::Draft,
    ReportStatus::Returned,
];

/// A body saved an answer: the report is a draft.
pub const SAVE: Transition<ReportStatus> = Transition {
    from: EDITABLE,
    to: ReportStatus::Draft,
};

/// A body submitted its report: read-only until the coordinator returns it.
pub const SUBMIT: Transition<ReportStatus> = Transition {
    from: EDITABLE,
    to: ReportStatus::Submitted,
};

/// The coordinator sent a submitted report back for completion.
pub const RETURN: Transition<ReportStatus> = Transition {
    from: &[ReportStatus::Submitted],
    to: ReportStatus::Returned,
};

/// The coordinator approved a submitted report.
pub const APPROVE: Transition<ReportStatus> = Transition {
    from: &[ReportStatus::Submitted],
    to: ReportStatus::Approved,
};

/// The coordinator granted a body's request to reopen its submitted report: it goes back
/// to the body for changes, as a return does. (An approved report is final.)
pub const REOPEN: Transition<ReportStatus> = Transition {
    from: &[ReportStatus::Submitted],
    to: ReportStatus::Returned,
};

/// The statuses in which a report counts as handed in.
pub const HANDED_IN: [ReportStatus; 2] = [ReportStatus::Submitted, ReportStatus::Approved];

pub fn handed_in(status: ReportStatus) -> bool {
    HANDED_IN.contains(&status)
}

/// A report as a round opens.
pub const FIRST_REPORT_STATUS: ReportStatus = ReportStatus::NotStarted;

/// A round as it is created.
pub const FIRST_ROUND_STATUS: RoundStatus = RoundStatus::Planned;

/// The coordinator opened a round: its questions are frozen and its reports created.
pub const OPEN_ROUND: Transition<RoundStatus> = Transition {
    from: &[RoundStatus::Planned],
    to: RoundStatus::Open,
};

/// The coordinator closed a round: nothing more is saved or submitted in it.
pub const CLOSE_ROUND: Transition<RoundStatus> = Transition {
    from: &[RoundStatus::Open],
    to: RoundStatus::Closed,
};

/// Whether a round takes saves and submissions.
pub fn takes_answers(round: RoundStatus) -> bool {
    round == RoundStatus::Open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_read_only_from_submission_until_returned() {
        use ReportStatus::*;
        assert_eq!(SUBMIT.apply(Draft), Ok(Submitted));
        assert_eq!(SUBMIT.apply(NotStarted), Ok(Submitted));
        assert_eq!(SAVE.apply(Submitted), Err(Submitted));
        assert_eq!(SAVE.apply(Approved), Err(Approved));
        assert_eq!(RETURN.apply(Submitted), Ok(Returned));
        assert_eq!(SAVE.apply(Returned), Ok(Draft));
        assert_eq!(SUBMIT.apply(Returned), Ok(Submitted));
        assert_eq!(APPROVE.apply(Submitted), Ok(Approved));
        assert_eq!(APPROVE.apply(Draft), Err(Draft));
        assert_eq!(RETURN.apply(Approved), Err(Approved));
    }

    #[test]
    fn only_a_submitted_report_is_returned_approved_or_reopened() {
        use ReportStatus::*;
        for transition in [RETURN, APPROVE, REOPEN] {
            assert_eq!(transition.from, &[Submitted]);
            for status in [NotStarted, Draft, Returned, Approved] {
                assert_eq!(transition.apply(status), Err(status));
            }
        }
        assert_eq!(REOPEN.apply(Submitted), Ok(Returned));
        // Approved is final: nothing moves it, not even a save.
        for transition in [SAVE, SUBMIT, RETURN, APPROVE, REOPEN] {
            assert!(!transition.allows(Approved));
        }
        // A returned report is completed and submitted again as the next version.
        assert_eq!(SAVE.apply(REOPEN.to), Ok(Draft));
        assert_eq!(SUBMIT.apply(RETURN.to), Ok(Submitted));
    }

    #[test]
    fn rounds_open_once_and_close_once() {
        use RoundStatus::*;
        assert_eq!(OPEN_ROUND.apply(FIRST_ROUND_STATUS), Ok(Open));
        assert_eq!(OPEN_ROUND.apply(Closed), Err(Closed));
        assert_eq!(CLOSE_ROUND.apply(Open), Ok(Closed));
        assert_eq!(CLOSE_ROUND.apply(Planned), Err(Planned));
        assert!(takes_answers(Open) && !takes_answers(Closed) && !takes_answers(Planned));
    }

    #[test]
    fn starting_statuses_fill_the_bound_places() {
        assert_eq!(RETURN.from_padded(), [ReportStatus::Submitted; 3]);
        assert_eq!(SAVE.from_padded().as_slice(), EDITABLE);
    }
}
