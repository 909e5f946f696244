//! Tertial's domain: the follow-up, its focus areas and questions, the bodies that answer,
//! rounds, reports and their workflow, people and roles, and the audit trail.
//!
//! Pure types and rules; no I/O. Names are English; the UI's Swedish lives in `tertial-web`.

pub mod access;
pub mod analysis;
pub mod audit;
pub mod body;
pub mod compare;
pub mod compiled;
pub mod followup;
pub mod ids;
pub mod import;
pub mod insights;
pub mod mail;
pub mod people;
pub mod report;
pub mod review;
pub mod round;
pub mod sign_in_link;
pub mod sso;
pub mod throttle;
pub mod validate;
pub mod workflow;

pub use access::{
    Actor, ComparisonAccess, DraftAccess, HistoricImportAccess, ReviewAccess, Role,
    RoundReadAccess, SearchAccess, SearchScope, Session, SubmissionAccess,
};
pub use audit::{AuditAction, AuditSubject, NewAuditEntry};
pub use body::{Body, BodyKind};
pub use followup::{FocusArea, FollowUp, FollowUpText, Question, QuestionDraft, QuestionKey};
pub use ids::{ActorId, BodyId, FollowUpId, MailId, ReportId, RoundId, UserId};
pub use mail::{MailKind, MailStatus, NewMail};
pub use report::{
    ContactPerson, Field, FieldValue, Problem, Report, ReportStatus, SaveOutcome, StoredField,
    Submission, SubmittedAnswer, SubmittedContent,
};
pub use round::{Period, Round, RoundStatus};
pub use workflow::Transition;

/// A point in time, stored as milliseconds since the Unix epoch.
pub use jiff::Timestamp;

/// Something a user typed or a file carried that the domain refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("text is {chars} characters, more than the {max} allowed")]
    TooLong { chars: usize, max: usize },
    #[error("text contains a control character")]
    ControlCharacter,
    #[error("text contains an invisible character that can disguise it")]
    InvisibleCharacter,
    #[error("a one-line field contains a line break")]
    LineBreak,
    #[error("not a valid key: {0:?}")]
    Key(String),
    #[error("unknown code {0:?}")]
    Code(String),
}
