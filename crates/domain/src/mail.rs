//! Mail: what is queued in the outbox, and the rules for sending it. The texts themselves
//! are Swedish and live in `tertial-documents` (`mail`); the outbox is the store's.

use jiff::SignedDuration;

use crate::{BodyId, Invalid, ReportId, RoundId, UserId};

/// Why a mail is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// The receipt to whoever submitted a report.
    Receipt,
    /// A round opened: the body's reporters are asked to answer.
    Invitation,
    /// A round's deadline is near and the body has not handed in.
    Reminder,
    /// A round's deadline has passed and the body has not handed in.
    Overdue,
    /// The coordinator returned a report for changes.
    Returned,
    /// The coordinator approved a report.
    Approved,
    /// The coordinator answered the body's request to reopen its report.
    ReopenDecided,
    /// A new account's invitation to set a password.
    AccountInvitation,
    /// A link that signs a person in once, asked for on the sign-in page.
    SignInLink,
}

impl MailKind {
    pub const ALL: [MailKind; 9] = [
        MailKind::Receipt,
        MailKind::Invitation,
        MailKind::Reminder,
        MailKind::Overdue,
        MailKind::Returned,
        MailKind::Approved,
        MailKind::ReopenDecided,
        MailKind::AccountInvitation,
        MailKind::SignInLink,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MailKind::Receipt => "receipt",
            MailKind::Invitation => "invitation",
            MailKind::Reminder => "reminder",
            MailKind::Overdue => "overdue",
            MailKind::Returned => "returned",
            MailKind::Approved => "approved",
            MailKind::ReopenDecided => "reopen_decided",
            MailKind::AccountInvitation => "account_invitation",
            MailKind::SignInLink => "sign_in_link",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| Invalid::Code(code.to_owned()))
    }
}

/// A mail to put in the outbox. Its `dedup_key` is unique in the outbox: a mail whose key is
/// already there is not queued again, so a job that runs twice (or on two servers) sends
/// each mail once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub recipient: String,
    pub subject: String,
    /// Plain text.
    pub body: String,
    pub kind: MailKind,
    pub dedup_key: String,
}

/// The dedup keys: one mail of a kind per what it is about and per person.
pub mod dedup {
    use super::*;

    /// One receipt per submitted version.
    pub fn receipt(report: ReportId, number: i64) -> String {
        format!("receipt:report:{report}:version:{number}")
    }

    /// One invitation per round, body and person.
    pub fn invitation(round: RoundId, body: BodyId, to: UserId) -> String {
        format!("invitation:round:{round}:body:{body}:user:{to}")
    }

    /// One reminder per round, body, person and reminder (`days` before the deadline).
    pub fn reminder(round: RoundId, body: BodyId, days: i64, to: UserId) -> String {
        format!("reminder-{days}:round:{round}:body:{body}:user:{to}")
    }

    /// One overdue notice per round, body and person.
    pub fn overdue(round: RoundId, body: BodyId, to: UserId) -> String {
        format!("overdue:round:{round}:body:{body}:user:{to}")
    }

    /// One notice per returned version and person.
    pub fn returned(report: ReportId, number: i64, to: UserId) -> String {
        format!("returned:report:{report}:version:{number}:user:{to}")
    }

    /// One mail per account invitation (each new invitation has a new token; `token_hash`
    /// is what the database keeps of it, never the token).
    pub fn account_invitation(token_hash: &str) -> String {
        format!("account-invitation:{token_hash}")
    }

    /// One mail per sign-in link (`token_hash`: what the database keeps of its token).
    pub fn sign_in_link(token_hash: &str) -> String {
        format!("sign-in-link:{token_hash}")
    }

    /// One notice per approved version and person.
    pub fn approved(report: ReportId, number: i64, to: UserId) -> String {
        format!("approved:report:{report}:version:{number}:user:{to}")
    }

    /// One notice per answered request to reopen and person.
    pub fn reopen_decided(report: ReportId, request: i64, to: UserId) -> String {
        format!("reopen-decided:report:{report}:request:{request}:user:{to}")
    }
}

/// Where a mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailStatus {
    /// Not sent yet (perhaps after failed attempts; it will be tried again).
    Waiting,
    /// Accepted by the mail server.
    Sent,
    /// Tried [`MAX_ATTEMPTS`] times and given up.
    Failed,
}

/// How many times a mail is tried before it is given up.
pub const MAX_ATTEMPTS: i64 = 12;

/// The longest wait between two attempts.
pub const MAX_RETRY_DELAY: SignedDuration = SignedDuration::from_hours(1);

impl MailStatus {
    pub fn of(sent: bool, attempts: i64) -> MailStatus {
        if sent {
            MailStatus::Sent
        } else if attempts >= MAX_ATTEMPTS {
            MailStatus::Failed
        } else {
            MailStatus::Waiting
        }
    }
}

/// How long to wait after the `attempts`-th failed attempt: `base`, doubling each time, at
/// most [`MAX_RETRY_DELAY`].
pub fn retry_delay(base: SignedDuration, attempts: i64) -> SignedDuration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let millis = base.as_millis().saturating_mul(1i128 << doublings);
    let cap = MAX_RETRY_DELAY.as_millis();
    SignedDuration::from_millis(i64::try_from(millis.min(cap)).unwrap_or(i64::MAX))
}

/// Which reminder is due `days_left` days before a deadline, given the reminders asked for
/// (days before the deadline, e.g. 7 and 1): the nearest one not yet passed, so a server
/// that was down on the seventh day still reminds, and a late start sends one reminder, not
/// two. `None` when no reminder applies (too early, or the deadline has passed).
pub fn reminder_due(reminder_days: &[i64], days_left: i64) -> Option<i64> {
    if days_left < 0 {
        return None;
    }
    reminder_days
        .iter()
        .copied()
        .filter(|&n| n >= days_left)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_as_stored() {
        for kind in MailKind::ALL {
            assert_eq!(MailKind::from_code(kind.code()), Ok(kind));
        }
        assert!(MailKind::from_code("spam").is_err());
    }

    #[test]
    fn retries_back_off_up_to_an_hour() {
        let base = SignedDuration::from_secs(30);
        assert_eq!(retry_delay(base, 1), SignedDuration::from_secs(30));
        assert_eq!(retry_delay(base, 2), SignedDuration::from_secs(60));
        assert_eq!(retry_delay(base, 4), SignedDuration::from_secs(240));
        assert_eq!(retry_delay(base, 50), MAX_RETRY_DELAY);
    }

    #[test]
    fn the_nearest_reminder_not_yet_passed_is_due() {
        let days = [7, 1];
        assert_eq!(reminder_due(&days, 10), None);
        assert_eq!(reminder_due(&days, 7), Some(7));
        assert_eq!(reminder_due(&days, 3), Some(7));
        assert_eq!(reminder_due(&days, 1), Some(1));
        assert_eq!(reminder_due(&days, 0), Some(1));
        assert_eq!(reminder_due(&days, -1), None);
    }

    #[test]
    fn a_mail_is_given_up_after_its_last_attempt() {
        assert_eq!(MailStatus::of(false, 0), MailStatus::Waiting);
        assert_eq!(MailStatus::of(true, 3), MailStatus::Sent);
        assert_eq!(MailStatus::of(false, MAX_ATTEMPTS), MailStatus::Failed);
    }
}
