//! Who may do what. The rule that matters most comes from the public-records law: a body's
//! draft becomes a public record once the central office can read it, so only the body's own
//! reporters ever see a draft's content. Coordinators see that a draft exists, never what it says.

use crate::{BodyId, Invalid, Report, ReportId, RoundId, Timestamp, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Administratör: runs the installation, manages accounts.
    Admin,
    /// Samordnare at the central office: runs follow-ups and rounds.
    Coordinator,
    /// Rapportör at one or more bodies: answers their reports.
    Reporter,
    /// Läsare: reads published reports.
    Reader,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Coordinator, Role::Reporter, Role::Reader];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Reporter => "reporter",
            Role::Reader => "reader",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| Invalid::Code(code.to_owned()))
    }
}

/// A signed-in person, with what they may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The bodies a reporter reports for; empty for other roles.
    pub bodies: Vec<BodyId>,
    /// The sign-in session the person acts through (the hash the database keeps of its
    /// token); `None` on the command line. A change made through a session is refused if
    /// the session has ended by the time the change would be stored.
    pub session: Option<String>,
}

impl Actor {
    /// Reads and edits the body's reports, drafts included.
    pub fn reports_for(&self, body: BodyId) -> bool {
        self.role == Role::Reporter && self.bodies.contains(&body)
    }

    /// Follows rounds: sees every body's status and reads submitted versions.
    pub fn follows_rounds(&self) -> bool {
        matches!(self.role, Role::Coordinator | Role::Admin)
    }

    /// Runs rounds: creates and opens them, moves their deadlines, closes them.
    pub fn runs_rounds(&self) -> bool {
        matches!(self.role, Role::Coordinator | Role::Admin)
    }

    /// Writes follow-ups: their texts, focus areas and questions (rounds opened later ask
    /// what they say then; opened rounds keep their own copies).
    pub fn writes_follow_ups(&self) -> bool {
        matches!(self.role, Role::Coordinator | Role::Admin)
    }

    /// Reads what a body has submitted (never its draft).
    pub fn reads_submissions_of(&self, body: BodyId) -> bool {
        self.follows_rounds() || self.reports_for(body)
    }

    /// The right to read and change `report`'s draft: only the body's own reporters get it.
    pub fn draft_access(&self, report: &Report) -> Option<DraftAccess> {
        self.reports_for(report.body_id).then(|| DraftAccess {
            report: report.id,
            by: self.id,
            session: self.session.clone(),
        })
    }

    /// The right to review `report`'s submitted versions (return, approve, answer requests
    /// to reopen): coordinators and administrators. It gives no access to the draft.
    pub fn review_access(&self, report: &Report) -> Option<ReviewAccess> {
        self.follows_rounds().then_some(ReviewAccess {
            report: report.id,
            by: self.id,
        })
    }

    /// The right to compile `round`: read every body's latest submitted version (never a
    /// draft), write the summaries and settings, export and publish. Coordinators and
    /// administrators.
    pub fn compile_access(&self, round: RoundId) -> Option<RoundReadAccess> {
        self.follows_rounds()
            .then_some(RoundReadAccess { round, by: self.id })
    }

    /// Reads published compiled reports: readers, coordinators and administrators. (A
    /// reporter's work is the body's own reports; they are not offered what is published.)
    pub fn reads_published(&self) -> bool {
        matches!(self.role, Role::Reader | Role::Coordinator | Role::Admin)
    }

    /// The right to read what `report`'s body submitted: its reporters and coordinators.
    pub fn submission_access(&self, report: &Report) -> Option<SubmissionAccess> {
        self.reads_submissions_of(report.body_id)
            .then_some(SubmissionAccess { report: report.id })
    }
}

/// Proof that someone may read and change one report's draft. Only [`Actor::draft_access`]
/// makes one (its fields are private), and only for the body's own reporters; every store
/// function that returns or changes draft text requires it. A coordinator cannot get one,
/// so no page can show a draft to them, whatever it calls (public-records law).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftAccess {
    report: ReportId,
    by: UserId,
    session: Option<String>,
}

impl DraftAccess {
    pub fn report(&self) -> ReportId {
        self.report
    }

    /// Who reads or writes.
    pub fn by(&self) -> UserId {
        self.by
    }

    /// The session the change comes through, if any: a change is refused if it has ended.
    pub fn session(&self) -> Option<&str> {
        self.session.as_deref()
    }
}

/// Proof that someone may read one report's submitted versions (public records once
/// submitted): made only by [`Actor::submission_access`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubmissionAccess {
    report: ReportId,
}

impl SubmissionAccess {
    pub fn report(&self) -> ReportId {
        self.report
    }
}

/// Proof that someone may review one report's submitted versions: made only by
/// [`Actor::review_access`], for coordinators and administrators. Every store function that
/// returns, approves or decides on a request to reopen requires one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewAccess {
    report: ReportId,
    by: UserId,
}

impl ReviewAccess {
    pub fn report(&self) -> ReportId {
        self.report
    }

    /// Who reviews.
    pub fn by(&self) -> UserId {
        self.by
    }
}

/// Proof that someone may compile one round: read the latest submitted version of every
/// body's report in it, and write the compiled report's summaries and settings. Made only by
/// [`Actor::compile_access`]; the store's compile query requires it and reads only
/// submitted versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundReadAccess {
    round: RoundId,
    by: UserId,
}

impl RoundReadAccess {
    pub fn round(&self) -> RoundId {
        self.round
    }

    /// Who compiles.
    pub fn by(&self) -> UserId {
        self.by
    }
}

/// Proof that someone may read the latest submitted versions of a round's bodies, to compare
/// rounds: of every body (coordinators and administrators, [`Actor::comparison_access`]) or of
/// one body (also its own reporters, [`Actor::body_comparison_access`]). Only submitted
/// versions are ever read with it, never a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComparisonAccess {
    body: Option<BodyId>,
}

impl ComparisonAccess {
    /// The one body it covers; `None`: every body.
    pub fn body(&self) -> Option<BodyId> {
        self.body
    }
}

impl Actor {
    /// The right to compare every body's submitted answers across rounds.
    pub fn comparison_access(&self) -> Option<ComparisonAccess> {
        self.follows_rounds()
            .then_some(ComparisonAccess { body: None })
    }

    /// The right to compare one body's submitted answers across rounds: whoever reads what
    /// it submits (coordinators, administrators and its own reporters).
    pub fn body_comparison_access(&self, body: BodyId) -> Option<ComparisonAccess> {
        self.reads_submissions_of(body)
            .then_some(ComparisonAccess { body: Some(body) })
    }
}

/// Proof that someone may import a historic form file into one report as a new submitted
/// version, marked imported: made only by [`Actor::historic_import_access`], for coordinators
/// and administrators. It reads and writes only submitted versions, never the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoricImportAccess {
    report: ReportId,
    by: Option<UserId>,
}

impl HistoricImportAccess {
    pub fn report(&self) -> ReportId {
        self.report
    }

    /// Who imports; `None`: the command line.
    pub fn by(&self) -> Option<UserId> {
        self.by
    }

    /// The command line's import (`tertial import`): whoever may run it may change the
    /// database anyway, as with every other command.
    pub fn command_line(report: &Report) -> Self {
        HistoricImportAccess {
            report: report.id,
            by: None,
        }
    }
}

/// Whose text a search may find; see [`Actor::search_access`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchScope {
    /// Every body's submitted versions, never a draft (coordinators and administrators).
    Submitted,
    /// Only what the rounds' published compiled reports contain (readers).
    Published,
    /// These bodies' submitted versions and their drafts (the bodies' own reporters).
    OwnBodies(Vec<BodyId>),
}

/// Proof of what someone may find by searching: made only by [`Actor::search_access`]. The
/// store's search queries take their permission from it, inside the query; only
/// [`SearchScope::OwnBodies`] opens drafts, and only the bodies' own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchAccess {
    scope: SearchScope,
}

impl SearchAccess {
    pub fn scope(&self) -> &SearchScope {
        &self.scope
    }
}

impl Actor {
    /// The right to import a historic form into `report` as a submitted version:
    /// coordinators and administrators. It gives no access to the draft.
    pub fn historic_import_access(&self, report: &Report) -> Option<HistoricImportAccess> {
        self.follows_rounds().then_some(HistoricImportAccess {
            report: report.id,
            by: Some(self.id),
        })
    }

    /// What this person may find by searching: coordinators and administrators every
    /// submitted version, readers what is published, reporters their own bodies' text
    /// (drafts too).
    pub fn search_access(&self) -> SearchAccess {
        let scope = match self.role {
            Role::Coordinator | Role::Admin => SearchScope::Submitted,
            Role::Reader => SearchScope::Published,
            Role::Reporter => SearchScope::OwnBodies(self.bodies.clone()),
        };
        SearchAccess { scope }
    }
}

/// A live sign-in session and who it belongs to.
#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    /// When it ends if it is not used again.
    pub expires_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, bodies: Vec<BodyId>) -> Actor {
        Actor {
            id: UserId(1),
            name: "A".into(),
            email: "a@example.se".into(),
            role,
            bodies,
            session: None,
        }
    }

    fn report(body: i64) -> Report {
        Report {
            id: ReportId(7),
            round_id: crate::RoundId(1),
            body_id: BodyId(body),
            status: crate::ReportStatus::Draft,
            updated_at: None,
            submitted_at: None,
        }
    }

    #[test]
    fn only_the_bodys_reporters_get_at_its_draft() {
        let reporter = actor(Role::Reporter, vec![BodyId(1)]);
        let access = reporter.draft_access(&report(1)).expect("own body");
        assert_eq!(access.report(), ReportId(7));
        assert!(reporter.draft_access(&report(2)).is_none());
        for role in [Role::Coordinator, Role::Admin, Role::Reader] {
            assert!(
                actor(role, vec![BodyId(1)])
                    .draft_access(&report(1))
                    .is_none()
            );
        }
        assert!(
            actor(Role::Coordinator, vec![])
                .submission_access(&report(1))
                .is_some()
        );
        assert!(reporter.submission_access(&report(2)).is_none());
        assert!(
            actor(Role::Reader, vec![])
                .submission_access(&report(1))
                .is_none()
        );
    }

    #[test]
    fn only_coordinators_and_admins_review() {
        for role in [Role::Coordinator, Role::Admin] {
            let access = actor(role, vec![])
                .review_access(&report(1))
                .expect("reviews");
            assert_eq!((access.report(), access.by()), (ReportId(7), UserId(1)));
        }
        for who in [
            actor(Role::Reporter, vec![BodyId(1)]),
            actor(Role::Reader, vec![]),
        ] {
            assert!(who.review_access(&report(1)).is_none());
        }
    }

    #[test]
    fn only_coordinators_and_admins_compile_and_readers_read_what_is_published() {
        for role in [Role::Coordinator, Role::Admin] {
            let access = actor(role, vec![])
                .compile_access(RoundId(3))
                .expect("compiles");
            assert_eq!((access.round(), access.by()), (RoundId(3), UserId(1)));
        }
        for role in [Role::Reporter, Role::Reader] {
            assert!(
                actor(role, vec![BodyId(1)])
                    .compile_access(RoundId(3))
                    .is_none()
            );
        }
        assert!(actor(Role::Reader, vec![]).reads_published());
        assert!(!actor(Role::Reporter, vec![BodyId(1)]).reads_published());
    }

    #[test]
    fn comparing_rounds_reads_every_body_only_for_coordinators() {
        for role in [Role::Coordinator, Role::Admin] {
            let who = actor(role, vec![]);
            assert_eq!(who.comparison_access().and_then(|a| a.body()), None);
            assert!(who.comparison_access().is_some());
            let one = who.body_comparison_access(BodyId(2)).expect("one body");
            assert_eq!(one.body(), Some(BodyId(2)));
        }
        let reporter = actor(Role::Reporter, vec![BodyId(1)]);
        assert!(reporter.comparison_access().is_none());
        assert_eq!(
            reporter.body_comparison_access(BodyId(1)).map(|a| a.body()),
            Some(Some(BodyId(1)))
        );
        assert!(reporter.body_comparison_access(BodyId(2)).is_none());
        let reader = actor(Role::Reader, vec![]);
        assert!(reader.comparison_access().is_none());
        assert!(reader.body_comparison_access(BodyId(1)).is_none());
    }

    #[test]
    fn only_coordinators_and_admins_import_historic_versions() {
        for role in [Role::Coordinator, Role::Admin] {
            let access = actor(role, vec![])
                .historic_import_access(&report(1))
                .expect("imports");
            assert_eq!(
                (access.report(), access.by()),
                (ReportId(7), Some(UserId(1)))
            );
        }
        for role in [Role::Reporter, Role::Reader] {
            assert!(
                actor(role, vec![BodyId(1)])
                    .historic_import_access(&report(1))
                    .is_none()
            );
        }
        assert_eq!(HistoricImportAccess::command_line(&report(1)).by(), None);
    }

    #[test]
    fn searching_finds_drafts_only_of_the_reporters_own_bodies() {
        assert_eq!(
            actor(Role::Coordinator, vec![]).search_access().scope(),
            &SearchScope::Submitted
        );
        assert_eq!(
            actor(Role::Admin, vec![]).search_access().scope(),
            &SearchScope::Submitted
        );
        assert_eq!(
            actor(Role::Reader, vec![BodyId(1)]).search_access().scope(),
            &SearchScope::Published
        );
        assert_eq!(
            actor(Role::Reporter, vec![BodyId(1)])
                .search_access()
                .scope(),
            &SearchScope::OwnBodies(vec![BodyId(1)])
        );
    }

    #[test]
    fn only_the_bodys_reporters_report_for_it() {
        let reporter = actor(Role::Reporter, vec![BodyId(1)]);
        assert!(reporter.reports_for(BodyId(1)));
        assert!(!reporter.reports_for(BodyId(2)));
        assert!(!reporter.reads_submissions_of(BodyId(2)));
        let coordinator = actor(Role::Coordinator, vec![BodyId(1)]);
        assert!(
            !coordinator.reports_for(BodyId(1)),
            "coordinators never edit drafts"
        );
        assert!(coordinator.reads_submissions_of(BodyId(2)));
        assert!(!actor(Role::Reader, vec![]).reads_submissions_of(BodyId(1)));
        assert!(coordinator.writes_follow_ups());
        assert!(actor(Role::Admin, vec![]).writes_follow_ups());
        assert!(!reporter.writes_follow_ups());
        assert!(!actor(Role::Reader, vec![]).writes_follow_ups());
    }
}
