//! The append-only audit log: every action, by whom, on what. Never a draft's text.

use std::fmt;

use crate::{ActorId, BodyId, Field, FollowUpId, MailId, ReportId, ReportStatus, RoundId, UserId};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    SignedIn,
    SignInFailed,
    SignedOut,
    AnswerSaved,
    SaveConflict,
    ReportSubmitted,
    /// A submitted version sent back for completion.
    ReportReturned,
    /// A submitted version approved.
    ReportApproved,
    /// A body asked to reopen its submitted report.
    ReopenRequested,
    /// A coordinator granted or declined a request to reopen.
    ReopenDecided,
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
    /// A mail put in the outbox (a receipt, a reminder, …).
    MailQueued,
    /// A mail accepted by the mail server.
    MailSent,
    /// A mail's attempt failed (it is tried again, or given up after the last attempt).
    MailFailed,
    BodyAdded,
    /// A body's name, short name or kind changed.
    BodyChanged,
    BodyDeactivated,
    BodyReactivated,
    /// A person's name, role or bodies changed.
    UserChanged,
    /// An account deactivated: its sessions end and it can no longer sign in.
    UserDeactivated,
    UserReactivated,
    /// An invitation to set a password queued for an account.
    InvitationSent,
    /// An invitation's link used to set the password.
    InvitationUsed,
    FollowUpCreated,
    /// A follow-up's title, purpose or introduction changed.
    FollowUpChanged,
    FocusAreaAdded,
    /// A focus area's number (its place) or names changed.
    FocusAreaChanged,
    QuestionAdded,
    /// A question's text, help, focus area, place, bodies or "Ej aktuellt" changed.
    QuestionChanged,
    QuestionRetired,
    QuestionRestored,
    /// A round's compiled report's title, introduction or choices changed.
    CompilationChanged,
    /// A new version of a focus area's summary in a round's compiled report.
    SummarySaved,
    /// A round's compiled report downloaded as a file.
    CompilationExported,
    /// A round's compiled report published as a new numbered version.
    CompilationPublished,
    /// A published version's file downloaded.
    PublicationDownloaded,
    /// Submitted answers of two rounds compared (one body's, or every body's to one question).
    RoundsCompared,
    /// A synthetic follow-up generated at a scale (`tertial generate`), nobody's action.
    DataGenerated,
    /// An account linked to a person at the identity provider (single sign-on), by its
    /// verified e-mail address.
    SsoLinked,
    /// A sign-in through the identity provider refused, with its reason.
    SsoRefused,
    /// A body's form downloaded as a Word file.
    FormExported,
    /// Answers taken from a Word or text file into a draft (the edits have entries of their
    /// own; this one names the file, its checksum and the counts).
    FormImported,
    /// A historic form file stored as a submitted version, marked imported.
    VersionImported,
    /// An actor added to the register.
    ActorAdded,
    /// An actor's name or aliases changed.
    ActorChanged,
    ActorDeactivated,
    ActorReactivated,
    /// A sign-in link asked for (sent, or not: the detail says why).
    SignInLinkRequested,
    /// A sign-in link used to sign in.
    SignInLinkUsed,
    /// A sign-in link refused: unknown, used, expired or opened in another browser.
    SignInLinkRefused,
}

impl AuditAction {
    /// Every action, in the order the audit log's filter lists them.
    pub const ALL: [AuditAction; 58] = [
        AuditAction::SignedIn,
        AuditAction::SignInFailed,
        AuditAction::SignedOut,
        AuditAction::AnswerSaved,
        AuditAction::SaveConflict,
        AuditAction::ReportSubmitted,
        AuditAction::SubmissionRead,
        AuditAction::SubmissionDownloaded,
        AuditAction::AccessRefused,
        AuditAction::ForgeryRefused,
        AuditAction::UserAdded,
        AuditAction::RoundOpened,
        AuditAction::RoundClosed,
        AuditAction::DeadlineChanged,
        AuditAction::DemoLoaded,
        AuditAction::ReportReturned,
        AuditAction::ReportApproved,
        AuditAction::ReopenRequested,
        AuditAction::ReopenDecided,
        AuditAction::MailQueued,
        AuditAction::MailSent,
        AuditAction::MailFailed,
        AuditAction::BodyAdded,
        AuditAction::BodyChanged,
        AuditAction::BodyDeactivated,
        AuditAction::BodyReactivated,
        AuditAction::UserChanged,
        AuditAction::UserDeactivated,
        AuditAction::UserReactivated,
        AuditAction::InvitationSent,
        AuditAction::InvitationUsed,
        AuditAction::FollowUpCreated,
        AuditAction::FollowUpChanged,
        AuditAction::FocusAreaAdded,
        AuditAction::FocusAreaChanged,
        AuditAction::QuestionAdded,
        AuditAction::QuestionChanged,
        AuditAction::QuestionRetired,
        AuditAction::QuestionRestored,
        AuditAction::CompilationChanged,
        AuditAction::SummarySaved,
        AuditAction::CompilationExported,
        AuditAction::CompilationPublished,
        AuditAction::PublicationDownloaded,
        AuditAction::RoundsCompared,
        AuditAction::DataGenerated,
        AuditAction::SsoLinked,
        AuditAction::SsoRefused,
        AuditAction::FormExported,
        AuditAction::FormImported,
        AuditAction::VersionImported,
        AuditAction::ActorAdded,
        AuditAction::ActorChanged,
        AuditAction::ActorDeactivated,
        AuditAction::ActorReactivated,
        AuditAction::SignInLinkRequested,
        AuditAction::SignInLinkUsed,
        AuditAction::SignInLinkRefused,
    ];

    pub fn from_code(code: &str) -> Option<AuditAction> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            AuditAction::SignedIn => "signed_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignedOut => "signed_out",
            AuditAction::AnswerSaved => "answer_saved",
            AuditAction::SaveConflict => "save_conflict",
            AuditAction::ReportSubmitted => "report_submitted",
            AuditAction::ReportReturned => "report_returned",
            AuditAction::ReportApproved => "report_approved",
            AuditAction::ReopenRequested => "reopen_requested",
            AuditAction::ReopenDecided => "reopen_decided",
            AuditAction::SubmissionRead => "submission_read",
            AuditAction::SubmissionDownloaded => "submission_downloaded",
            AuditAction::AccessRefused => "access_refused",
            AuditAction::ForgeryRefused => "forgery_refused",
            AuditAction::UserAdded => "user_added",
            AuditAction::RoundOpened => "round_opened",
            AuditAction::RoundClosed => "round_closed",
            AuditAction::DeadlineChanged => "deadline_changed",
            AuditAction::DemoLoaded => "demo_loaded",
            AuditAction::MailQueued => "mail_queued",
            AuditAction::MailSent => "mail_sent",
            AuditAction::MailFailed => "mail_failed",
            AuditAction::BodyAdded => "body_added",
            AuditAction::BodyChanged => "body_changed",
            AuditAction::BodyDeactivated => "body_deactivated",
            AuditAction::BodyReactivated => "body_reactivated",
            AuditAction::UserChanged => "user_changed",
            AuditAction::UserDeactivated => "user_deactivated",
            AuditAction::UserReactivated => "user_reactivated",
            AuditAction::InvitationSent => "invitation_sent",
            AuditAction::InvitationUsed => "invitation_used",
            AuditAction::FollowUpCreated => "follow_up_created",
            AuditAction::FollowUpChanged => "follow_up_changed",
            AuditAction::FocusAreaAdded => "focus_area_added",
            AuditAction::FocusAreaChanged => "focus_area_changed",
            AuditAction::QuestionAdded => "question_added",
            AuditAction::QuestionChanged => "question_changed",
            AuditAction::QuestionRetired => "question_retired",
            AuditAction::QuestionRestored => "question_restored",
            AuditAction::CompilationChanged => "compilation_changed",
            AuditAction::SummarySaved => "summary_saved",
            AuditAction::CompilationExported => "compilation_exported",
            AuditAction::CompilationPublished => "compilation_published",
            AuditAction::PublicationDownloaded => "publication_downloaded",
            AuditAction::RoundsCompared => "rounds_compared",
            AuditAction::DataGenerated => "data_generated",
            AuditAction::SsoLinked => "sso_linked",
            AuditAction::SsoRefused => "sso_refused",
            AuditAction::FormExported => "form_exported",
            AuditAction::FormImported => "form_imported",
            AuditAction::VersionImported => "version_imported",
            AuditAction::ActorAdded => "actor_added",
            AuditAction::ActorChanged => "actor_changed",
            AuditAction::ActorDeactivated => "actor_deactivated",
            AuditAction::ActorReactivated => "actor_reactivated",
            AuditAction::SignInLinkRequested => "sign_in_link_requested",
            AuditAction::SignInLinkUsed => "sign_in_link_used",
            AuditAction::SignInLinkRefused => "sign_in_link_refused",
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
    /// The audit log itself.
    AuditLog,
    /// A mail in the outbox.
    Mail(MailId),
    /// The outbox's list of mails.
    Outbox,
    /// A reporting body.
    Body(BodyId),
    /// The list of bodies.
    Bodies,
    /// The list of people.
    People,
    /// A follow-up, with its focus areas and questions.
    FollowUp(FollowUpId),
    /// The list of follow-ups.
    FollowUps,
    /// The list of published reports.
    Published,
    /// An actor in the register.
    Actor(ActorId),
    /// The register of actors.
    Actors,
}

impl AuditSubject {
    /// The subject as stored (`report:12`), or `None` for anything else.
    pub fn parse(stored: &str) -> Option<AuditSubject> {
        let (kind, id) = match stored.split_once(':') {
            Some((kind, id)) => (kind, Some(id.parse::<i64>().ok()?)),
            None => (stored, None),
        };
        Some(match (kind, id) {
            ("report", Some(id)) => AuditSubject::Report(ReportId(id)),
            ("round", Some(id)) => AuditSubject::Round(RoundId(id)),
            ("user", Some(id)) => AuditSubject::User(UserId(id)),
            ("rounds", None) => AuditSubject::Rounds,
            ("auth", None) => AuditSubject::SignIn,
            ("origin", None) => AuditSubject::ForeignOrigin,
            ("demo", None) => AuditSubject::Demo,
            ("audit_log", None) => AuditSubject::AuditLog,
            ("mail", Some(id)) => AuditSubject::Mail(MailId(id)),
            ("outbox", None) => AuditSubject::Outbox,
            ("body", Some(id)) => AuditSubject::Body(BodyId(id)),
            ("bodies", None) => AuditSubject::Bodies,
            ("people", None) => AuditSubject::People,
            ("follow_up", Some(id)) => AuditSubject::FollowUp(FollowUpId(id)),
            ("follow_ups", None) => AuditSubject::FollowUps,
            ("published", None) => AuditSubject::Published,
            ("actor", Some(id)) => AuditSubject::Actor(ActorId(id)),
            ("actors", None) => AuditSubject::Actors,
            _ => return None,
        })
    }
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
            AuditSubject::AuditLog => f.write_str("audit_log"),
            AuditSubject::Mail(id) => write!(f, "mail:{id}"),
            AuditSubject::Outbox => f.write_str("outbox"),
            AuditSubject::Body(id) => write!(f, "body:{id}"),
            AuditSubject::Bodies => f.write_str("bodies"),
            AuditSubject::People => f.write_str("people"),
            AuditSubject::FollowUp(id) => write!(f, "follow_up:{id}"),
            AuditSubject::FollowUps => f.write_str("follow_ups"),
            AuditSubject::Published => f.write_str("published"),
            AuditSubject::Actor(id) => write!(f, "actor:{id}"),
            AuditSubject::Actors => f.write_str("actors"),
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

impl NewAuditEntry {
    /// Answers taken from a file into a draft: the file, its checksum, and how many fields
    /// were written and how many met a newer save (those were left alone).
    pub fn form_imported(
        by: UserId,
        report: ReportId,
        file: &str,
        sha256: &str,
        applied: usize,
        conflicts: usize,
    ) -> Self {
        Self::new(
            Some(by),
            AuditAction::FormImported,
            AuditSubject::Report(report),
        )
        .with_detail(format!(
            "file={file} sha256={sha256} applied={applied} conflicts={conflicts}"
        ))
    }

    /// A historic form stored as version `number`, marked imported (`by` `None`: the
    /// command line).
    pub fn version_imported(
        by: Option<UserId>,
        report: ReportId,
        number: i64,
        file: &str,
        sha256: &str,
    ) -> Self {
        Self::new(
            by,
            AuditAction::VersionImported,
            AuditSubject::Report(report),
        )
        .with_detail(format!("version={number} file={file} sha256={sha256}"))
    }

    /// A submitted version returned or approved, with how many answers were commented on.
    pub fn reviewed(by: UserId, report: ReportId, review: &crate::review::NewReview) -> Self {
        let action = match review.decision {
            crate::review::ReviewDecision::Return => AuditAction::ReportReturned,
            crate::review::ReviewDecision::Approve => AuditAction::ReportApproved,
        };
        Self::new(Some(by), action, AuditSubject::Report(report)).with_detail(format!(
            "version={} answer_comments={}",
            review.submission,
            review.answer_comments.len()
        ))
    }

    /// A request to reopen version `number`, stored as `request`.
    pub fn reopen_requested(by: UserId, report: ReportId, request: i64, number: i64) -> Self {
        Self::new(
            Some(by),
            AuditAction::ReopenRequested,
            AuditSubject::Report(report),
        )
        .with_detail(format!("request={request} version={number}"))
    }

    /// A request to reopen granted or declined.
    pub fn reopen_decided(
        by: UserId,
        report: ReportId,
        request: i64,
        outcome: crate::review::ReopenOutcome,
    ) -> Self {
        Self::new(
            Some(by),
            AuditAction::ReopenDecided,
            AuditSubject::Report(report),
        )
        .with_detail(format!("request={request} outcome={}", outcome.code()))
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
    fn actions_and_subjects_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(action.code()), Some(action));
        }
        for subject in [
            AuditSubject::Report(ReportId(7)),
            AuditSubject::Round(RoundId(2)),
            AuditSubject::User(UserId(3)),
            AuditSubject::Rounds,
            AuditSubject::SignIn,
            AuditSubject::ForeignOrigin,
            AuditSubject::Demo,
            AuditSubject::AuditLog,
            AuditSubject::Mail(crate::MailId(4)),
            AuditSubject::FollowUp(FollowUpId(5)),
            AuditSubject::FollowUps,
            AuditSubject::Outbox,
            AuditSubject::Body(BodyId(5)),
            AuditSubject::Bodies,
            AuditSubject::People,
            AuditSubject::Actor(ActorId(6)),
            AuditSubject::Actors,
        ] {
            assert_eq!(AuditSubject::parse(&subject.to_string()), Some(subject));
        }
        assert_eq!(AuditSubject::parse("report:x"), None);
        assert_eq!(AuditSubject::parse("rounds:1"), None);
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
