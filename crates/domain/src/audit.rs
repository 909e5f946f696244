//! The append-only audit log: every action, by whom, on what. Never a draft's text.

use std::fmt;

use crate::{Field, ReportId, ReportStatus, RoundId, UserId};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    SignedIn,
    SignInFailed,
    SignedOut,
    AnswerSaved,
    SaveConflict,
    ReportSubmitted,
    SubmissionRead,
    SubmissionDownloaded,
    /// Someone tried what their role or body does not allow.
    AccessRefused,
    /// A change without the session's CSRF token, or sent from another site.
    ForgeryRefused,
    UserAdded,
    RoundOpened,
    RoundClosed,
    /// A round's deadline, or one body's deadline in it, was moved.
    DeadlineChanged,
    DemoLoaded,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::SignedIn => "signed_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignedOut => "signed_out",
            AuditAction::AnswerSaved => "answer_saved",
            AuditAction::SaveConflict => "save_conflict",
            AuditAction::ReportSubmitted => "report_submitted",
            AuditAction::SubmissionRead => "submission_read",
            AuditAction::SubmissionDownloaded => "submission_downloaded",
            AuditAction::AccessRefused => "access_refused",
            AuditAction::ForgeryRefused => "forgery_refused",
            AuditAction::UserAdded => "user_added",
            AuditAction::RoundOpened => "round_opened",
            AuditAction::RoundClosed => "round_closed",
            AuditAction::DeadlineChanged => "deadline_changed",
            AuditAction::DemoLoaded => "demo_loaded",
        }
    }
}

/// What an action was done to (or tried on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditSubject {
    Report(ReportId),
    Round(RoundId),
    /// The list of rounds.
    Rounds,
    User(UserId),
    /// Signing in (before anyone is known).
    SignIn,
    /// A change sent from another site, refused before it reached any page.
    ForeignOrigin,
    /// The demo data.
    Demo,
}

impl fmt::Display for AuditSubject {
    /// As stored: `report:12`, `user:3`, `auth`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditSubject::Report(id) => write!(f, "report:{id}"),
            AuditSubject::Round(id) => write!(f, "round:{id}"),
            AuditSubject::Rounds => f.write_str("rounds"),
            AuditSubject::User(id) => write!(f, "user:{id}"),
            AuditSubject::SignIn => f.write_str("auth"),
            AuditSubject::ForeignOrigin => f.write_str("origin"),
            AuditSubject::Demo => f.write_str("demo"),
        }
    }
}

/// An entry to append: who did what to which subject, and what is needed to follow the
/// action (`field=contact_email version=3`). The entries written as part of a save or a
/// submission, whose details only the write knows, are made here too, so that what is
/// audited is decided in this one module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub actor: Option<UserId>,
    pub action: AuditAction,
    pub subject: AuditSubject,
    pub detail: String,
}

impl NewAuditEntry {
    pub fn new(actor: Option<UserId>, action: AuditAction, subject: AuditSubject) -> Self {
        Self {
            actor,
            action,
            subject,
            detail: String::new(),
        }
    }

    /// Adds detail; control characters (which could forge lines in a log viewer) are
    /// dropped, whatever the input they came from.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into().chars().filter(|c| !c.is_control()).collect();
        self
    }

    /// A field saved as `version`; `unchanged` when it already held that text (a retry).
    /// PostgreSQL's save statement writes the same detail (store `saves::write_answer`).
    pub fn answer_saved(
        by: UserId,
        report: ReportId,
        field: &Field,
        version: i64,
        unchanged: bool,
    ) -> Self {
        let mark = if unchanged { " unchanged" } else { "" };
        Self::new(
            Some(by),
            AuditAction::AnswerSaved,
            AuditSubject::Report(report),
        )
        .with_detail(format!("field={} version={version}{mark}", field.code()))
    }

    /// A save refused because the field had moved on to `version`.
    pub fn save_conflict(by: UserId, report: ReportId, field: &Field, version: i64) -> Self {
        Self::new(
            Some(by),
            AuditAction::SaveConflict,
            AuditSubject::Report(report),
        )
        .with_detail(format!("field={} version={version}", field.code()))
    }

    /// An account created (by `by`, or from the command line when `None`).
    pub fn user_added(by: Option<UserId>, user: UserId) -> Self {
        Self::new(by, AuditAction::UserAdded, AuditSubject::User(user))
    }

    /// A report submitted as its version `number`, from status `was`.
    pub fn submitted(
        by: UserId,
        report: ReportId,
        number: i64,
        late: bool,
        was: ReportStatus,
    ) -> Self {
        Self::new(
            Some(by),
            AuditAction::ReportSubmitted,
            AuditSubject::Report(report),
        )
        .with_detail(format!("version={number} late={late} was={}", was.code()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_hold_no_control_characters() {
        let entry = NewAuditEntry::new(None, AuditAction::SignInFailed, AuditSubject::SignIn)
            .with_detail("email=a@b.se\nforged=line\u{1b}[2J");
        assert_eq!(entry.detail, "email=a@b.seforged=line[2J");
    }

    #[test]
    fn subjects_read_as_stored() {
        assert_eq!(AuditSubject::Report(ReportId(12)).to_string(), "report:12");
        assert_eq!(AuditSubject::SignIn.to_string(), "auth");
        let saved =
            NewAuditEntry::answer_saved(UserId(1), ReportId(2), &Field::ContactName, 3, true);
        assert_eq!(saved.detail, "field=contact_name version=3 unchanged");
    }
}
