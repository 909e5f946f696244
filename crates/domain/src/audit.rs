//! The append-only audit log: every action, by whom, on what. Never a draft's text.

use crate::UserId;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SignedIn,
    SignInFailed,
    SignedOut,
    AnswerSaved,
    SaveConflict,
    ReportSubmitted,
    SubmissionRead,
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

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}
