//! The use cases' errors. The web layer turns each into a status and a Swedish message.

use tertial_domain::review::ReviewProblem;
use tertial_domain::{Invalid, ReportStatus};
use tertial_store::{Refusal, ReviewRefusal, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session.
    #[error("not signed in")]
    Unauthenticated,
    /// Wrong e-mail or password, or an inactive account.
    #[error("wrong e-mail or password")]
    BadCredentials,
    /// Signing in with a password is turned off for this account (single sign-on only).
    #[error("password sign-in is off")]
    PasswordSignInOff,
    /// A sign-in through the identity provider refused, for this reason.
    #[error("single sign-on refused: {0:?}")]
    SsoRefused(tertial_domain::sso::SsoRefusal),
    /// Too many failed sign-ins: try again after this long.
    #[error("too many failed sign-ins; wait {0:?}")]
    Throttled(jiff::SignedDuration),
    /// Does not exist, or exists but is not this person's to know about.
    #[error("not found")]
    NotFound,
    /// Exists and the person knows it, but may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The report is not open for changes.
    #[error("report is {0:?}")]
    NotEditable(ReportStatus),
    /// The round is not open.
    #[error("round is not open")]
    RoundNotOpen,
    /// Input the domain refuses.
    #[error("invalid input: {0}")]
    Invalid(#[from] Invalid),
    /// A field's text the domain refuses; nothing was saved.
    #[error("invalid text in {field}: {error}")]
    InvalidText { field: String, error: Invalid },
    /// A review or a request to reopen that is missing what it must say; nothing stored.
    #[error("review incomplete: {0:?}")]
    ReviewIncomplete(ReviewProblem),
    /// A review or a request to reopen that does not fit the report now; nothing stored.
    #[error("review refused: {0:?}")]
    ReviewRefused(ReviewRefusal),
    /// A form file that was not taken in; nothing changed.
    #[error("import refused: {0:?}")]
    Import(crate::ImportProblem),
    /// Something that already exists.
    #[error("{0} already exists")]
    Duplicate(&'static str),
    #[error(transparent)]
    Store(StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate(what) => AppError::Duplicate(what),
            e => AppError::Store(e),
        }
    }
}

impl AppError {
    /// Whether the database cannot be reached or written just now (worth trying again), as
    /// opposed to a defect.
    pub fn unavailable(&self) -> bool {
        matches!(
            self,
            AppError::Store(StoreError::Database(_) | StoreError::Timeout(_) | StoreError::Closed)
        )
    }
}

/// An error with its causes, "outer: inner: innermost", for logs and the command line.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        // Wrappers often repeat their cause's words ("error returned from database: X",
        // then X): say each thing once.
        let said = cause.to_string();
        if !out.ends_with(&said) {
            out.push_str(": ");
            out.push_str(&said);
        }
        source = cause.source();
    }
    out
}

impl From<ReviewRefusal> for AppError {
    fn from(refusal: ReviewRefusal) -> Self {
        AppError::ReviewRefused(refusal)
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NoReport => AppError::NotFound,
            Refusal::NotEditable(status) => AppError::NotEditable(status),
            Refusal::RoundClosed => AppError::RoundNotOpen,
            Refusal::SignedOut => AppError::Unauthenticated,
        }
    }
}
