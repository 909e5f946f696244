//! The coordinator's review of a submitted version: returned for completion (with a comment
//! on the report and, optionally, on single answers) or approved; a body's request to reopen
//! a submitted report; and what changed between two versions, word by word.
//!
//! Everything here is kept: a review and its comments refer to the submitted version they
//! were given on, and stay readable after the report moves on (also after approval).

use crate::{QuestionKey, ReportId, Timestamp, UserId};

/// What the coordinator decided about a submitted version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    /// Återsänd för komplettering.
    Return,
    /// Godkänd.
    Approve,
}

impl ReviewDecision {
    pub fn code(self) -> &'static str {
        match self {
            ReviewDecision::Return => "return",
            ReviewDecision::Approve => "approve",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, crate::Invalid> {
        match code {
            "return" => Ok(ReviewDecision::Return),
            "approve" => Ok(ReviewDecision::Approve),
            other => Err(crate::Invalid::Code(other.to_owned())),
        }
    }
}

/// A comment on one answer of a submitted version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerComment {
    pub key: QuestionKey,
    pub text: String,
}

/// A decision on a submitted version, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub report_id: ReportId,
    /// The submitted version it was given on.
    pub submission: i64,
    pub decision: ReviewDecision,
    /// The comment on the report: required when returned, may be empty when approved.
    pub comment: String,
    pub answer_comments: Vec<AnswerComment>,
    pub by: UserId,
    pub by_name: String,
    pub at: Timestamp,
}

impl Review {
    /// The comment on one answer, if any.
    pub fn on_answer(&self, key: &QuestionKey) -> Option<&str> {
        self.answer_comments
            .iter()
            .find(|c| &c.key == key)
            .map(|c| c.text.as_str())
    }
}

/// A new review, checked: a return needs a comment on the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    pub submission: i64,
    pub decision: ReviewDecision,
    pub comment: String,
    pub answer_comments: Vec<AnswerComment>,
}

/// Why a review cannot be given as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewProblem {
    /// A return says what to complete.
    CommentMissing,
    /// A request to reopen says why.
    ReasonMissing,
}

impl NewReview {
    /// A review; answer comments left blank are dropped, and a return without a comment on
    /// the report is refused.
    pub fn new(
        submission: i64,
        decision: ReviewDecision,
        comment: &str,
        answer_comments: Vec<AnswerComment>,
    ) -> Result<NewReview, ReviewProblem> {
        let comment = comment.trim().to_owned();
        if decision == ReviewDecision::Return && comment.is_empty() {
            return Err(ReviewProblem::CommentMissing);
        }
        Ok(NewReview {
            submission,
            decision,
            comment,
            answer_comments: answer_comments
                .into_iter()
                .map(|c| AnswerComment {
                    key: c.key,
                    text: c.text.trim().to_owned(),
                })
                .filter(|c| !c.text.is_empty())
                .collect(),
        })
    }
}

/// What became of a request to reopen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReopenOutcome {
    /// The report went back to the body for changes.
    Granted,
    Declined,
}

impl ReopenOutcome {
    pub fn code(self) -> &'static str {
        match self {
            ReopenOutcome::Granted => "granted",
            ReopenOutcome::Declined => "declined",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, crate::Invalid> {
        match code {
            "granted" => Ok(ReopenOutcome::Granted),
            "declined" => Ok(ReopenOutcome::Declined),
            other => Err(crate::Invalid::Code(other.to_owned())),
        }
    }
}

/// A body's request to reopen its submitted report, and the coordinator's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReopenRequest {
    pub id: i64,
    pub report_id: ReportId,
    /// The submitted version it asks to change.
    pub submission: i64,
    pub reason: String,
    pub asked_by: UserId,
    pub asked_by_name: String,
    pub asked_at: Timestamp,
    pub decision: Option<ReopenDecision>,
}

/// The coordinator's answer to a request to reopen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReopenDecision {
    pub outcome: ReopenOutcome,
    /// May be empty.
    pub answer: String,
    pub by: UserId,
    pub by_name: String,
    pub at: Timestamp,
}

/// A run of words in a word diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffPart {
    Same(String),
    Removed(String),
    Added(String),
}

/// Above this many token pairs a diff is not worked out word by word (time and memory grow
/// with the product of the lengths): the changed middle is shown as removed, then added.
const MAX_DIFF_CELLS: usize = 4_000_000;

/// What changed from `old` to `new`, word by word: runs of words (with the spaces between
/// them) that are the same, removed or added, in reading order. Concatenating the `Same` and
/// `Removed` parts gives `old`; the `Same` and `Added` parts give `new`.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffPart> {
    let a = tokens(old);
    let b = tokens(new);
    // Common start and end first: most edits touch a small part of a long answer.
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<DiffPart> = Vec::new();
    ops.extend(a[..prefix].iter().map(|t| DiffPart::Same((*t).to_owned())));
    if am.len().saturating_mul(bm.len()) > MAX_DIFF_CELLS {
        ops.extend(am.iter().map(|t| DiffPart::Removed((*t).to_owned())));
        ops.extend(bm.iter().map(|t| DiffPart::Added((*t).to_owned())));
    } else {
        ops.extend(lcs_diff(am, bm));
    }
    ops.extend(
        a[a.len() - suffix..]
            .iter()
            .map(|t| DiffPart::Same((*t).to_owned())),
    );
    merge(ops)
}

/// Words and the runs of white space between them, in order.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut space = None;
    for (i, c) in text.char_indices() {
        let is_space = c.is_whitespace();
        if space.is_some_and(|s| s != is_space) {
            out.push(&text[start..i]);
            start = i;
        }
        space = Some(is_space);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The longest common subsequence of tokens, as parts; removals before additions.
fn lcs_diff(a: &[&str], b: &[&str]) -> Vec<DiffPart> {
    let (n, m) = (a.len(), b.len());
    // lengths[i][j]: the LCS of a[i..] and b[j..].
    let mut lengths = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lengths[at(i, j)] = if a[i] == b[j] {
                lengths[at(i + 1, j + 1)] + 1
            } else {
                lengths[at(i + 1, j)].max(lengths[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push(DiffPart::Same(a[i].to_owned()));
            i += 1;
            j += 1;
        } else if j == m || (i < n && lengths[at(i + 1, j)] >= lengths[at(i, j + 1)]) {
            out.push(DiffPart::Removed(a[i].to_owned()));
            i += 1;
        } else {
            out.push(DiffPart::Added(b[j].to_owned()));
            j += 1;
        }
    }
    out
}

/// Joins neighbouring parts of the same kind, and lets a lone space between two changes
/// count as changed on both sides, so that "a b" → "c d" reads as one removal and one
/// addition rather than four.
fn merge(parts: Vec<DiffPart>) -> Vec<DiffPart> {
    let changed = |p: Option<&DiffPart>| !matches!(p, Some(DiffPart::Same(_)) | None);
    let mut spread: Vec<DiffPart> = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        match part {
            DiffPart::Same(t)
                if t.trim().is_empty()
                    && i > 0
                    && changed(parts.get(i - 1))
                    && changed(parts.get(i + 1)) =>
            {
                spread.push(DiffPart::Removed(t.clone()));
                spread.push(DiffPart::Added(t.clone()));
            }
            other => spread.push(other.clone()),
        }
    }
    // Within a changed stretch, all removals first, then all additions.
    let mut out: Vec<DiffPart> = Vec::new();
    let (mut removed, mut added) = (String::new(), String::new());
    let flush = |out: &mut Vec<DiffPart>, removed: &mut String, added: &mut String| {
        if !removed.is_empty() {
            out.push(DiffPart::Removed(std::mem::take(removed)));
        }
        if !added.is_empty() {
            out.push(DiffPart::Added(std::mem::take(added)));
        }
    };
    for part in spread {
        match part {
            DiffPart::Removed(t) => removed.push_str(&t),
            DiffPart::Added(t) => added.push_str(&t),
            DiffPart::Same(t) => {
                flush(&mut out, &mut removed, &mut added);
                match out.last_mut() {
                    Some(DiffPart::Same(s)) => s.push_str(&t),
                    _ => out.push(DiffPart::Same(t)),
                }
            }
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use DiffPart::*;

    fn same(s: &str) -> DiffPart {
        Same(s.into())
    }
    fn removed(s: &str) -> DiffPart {
        Removed(s.into())
    }
    fn added(s: &str) -> DiffPart {
        Added(s.into())
    }

    /// Both texts come back out of a diff.
    fn sides(parts: &[DiffPart]) -> (String, String) {
        let (mut old, mut new) = (String::new(), String::new());
        for part in parts {
            match part {
                Same(t) => {
                    old.push_str(t);
                    new.push_str(t);
                }
                Removed(t) => old.push_str(t),
                Added(t) => new.push_str(t),
            }
        }
        (old, new)
    }

    #[test]
    fn a_changed_word_is_removed_and_added_in_place() {
        let diff = word_diff(
            "Vi träffar företagen varje månad.",
            "Vi träffar företagen varje vecka.",
        );
        assert_eq!(
            diff,
            vec![
                same("Vi träffar företagen varje "),
                removed("månad."),
                added("vecka.")
            ]
        );
    }

    #[test]
    fn added_and_removed_sentences_are_told_apart() {
        let old = "Inga aktiviteter. Vi väntar.";
        let new = "Inga aktiviteter. Två företagsträffar hölls i april.";
        let diff = word_diff(old, new);
        assert_eq!(sides(&diff), (old.into(), new.into()));
        assert_eq!(diff[0], same("Inga aktiviteter. "));
        assert!(diff.contains(&removed("Vi väntar.")), "{diff:?}");
        assert!(
            diff.contains(&added("Två företagsträffar hölls i april.")),
            "{diff:?}"
        );
    }

    #[test]
    fn identical_and_empty_texts() {
        assert_eq!(
            word_diff("Samma text", "Samma text"),
            vec![same("Samma text")]
        );
        assert_eq!(word_diff("", ""), Vec::<DiffPart>::new());
        assert_eq!(word_diff("", "Nytt svar"), vec![added("Nytt svar")]);
        assert_eq!(word_diff("Gammalt svar", ""), vec![removed("Gammalt svar")]);
    }

    #[test]
    fn line_breaks_and_several_changes_survive() {
        let old = "Första raden.\nAndra raden har ett fel.\nTredje.";
        let new = "Första raden.\nAndra raden har inget fel.\nTredje, nu längre.";
        let diff = word_diff(old, new);
        assert_eq!(sides(&diff), (old.into(), new.into()));
        assert!(diff.contains(&removed("ett")), "{diff:?}");
        assert!(diff.contains(&added("inget")), "{diff:?}");
        assert!(diff.contains(&removed("Tredje.")), "{diff:?}");
    }

    #[test]
    fn very_long_texts_fall_back_to_whole_removal_and_addition() {
        let old: String = (0..3000).map(|i| format!("a{i} ")).collect();
        let new: String = (0..3000).map(|i| format!("b{i} ")).collect();
        let diff = word_diff(&old, &new);
        assert_eq!(sides(&diff), (old.clone(), new.clone()));
        let changes = diff.iter().filter(|p| !matches!(p, Same(_))).count();
        assert_eq!(changes, 2, "one removal, one addition: {}", diff.len());
    }

    #[test]
    fn a_return_needs_a_comment_and_blank_answer_comments_are_dropped() {
        let key = QuestionKey::parse("vaxla-upp").expect("key");
        assert_eq!(
            NewReview::new(1, ReviewDecision::Return, "  ", vec![]),
            Err(ReviewProblem::CommentMissing)
        );
        let review = NewReview::new(
            2,
            ReviewDecision::Return,
            " Komplettera fråga 1.2. ",
            vec![
                AnswerComment {
                    key: key.clone(),
                    text: "Ge exempel.".into(),
                },
                AnswerComment {
                    key: QuestionKey::parse("samverkan").expect("key"),
                    text: " ".into(),
                },
            ],
        )
        .expect("review");
        assert_eq!(review.comment, "Komplettera fråga 1.2.");
        assert_eq!(review.answer_comments.len(), 1);
        assert!(NewReview::new(2, ReviewDecision::Approve, "", vec![]).is_ok());
        assert_eq!(
            ReviewDecision::from_code(ReviewDecision::Return.code()),
            Ok(ReviewDecision::Return)
        );
        assert_eq!(
            ReopenOutcome::from_code(ReopenOutcome::Declined.code()),
            Ok(ReopenOutcome::Declined)
        );
    }
}
