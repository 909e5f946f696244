//! The append-only audit log: every action, by whom, on what. Never a draft's text.

use crate::UserId;

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
            AuditAction::DemoLoaded => "demo_loaded",
        }
    }
}

/// An entry to append. `subject` names what was acted on (`report:12`), `detail` adds
/// what is needed to follow the action (`field=contact_email version=3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub actor: Option<UserId>,
    pub action: AuditAction,
    pub subject: String,
    pub detail: String,
}

impl NewAuditEntry {
    pub fn new(actor: Option<UserId>, action: AuditAction, subject: impl Into<String>) -> Self {
        Self {
            actor,
            action,
            subject: subject.into(),
            detail: String::new(),
        }
    }

    /// Adds detail; control characters (which could forge lines in a log viewer) are
    /// dropped, whatever the input they came from.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into().chars().filter(|c| !c.is_control()).collect();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_hold_no_control_characters() {
        let entry = NewAuditEntry::new(None, AuditAction::SignInFailed, "auth")
            .with_detail("email=a@b.se\nforged=line\u{1b}[2J");
        assert_eq!(entry.detail, "email=a@b.seforged=line[2J");
    }
}
