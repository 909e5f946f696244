//! Who may do what. The rule that matters most comes from the public-records law: a body's
//! draft becomes a public record once the central office can read it, so only the body's own
//! reporters ever see a draft's content. Coordinators see that a draft exists, never what it says.

use crate::{BodyId, Invalid, UserId};

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

    /// Reads what a body has submitted (never its draft).
    pub fn reads_submissions_of(&self, body: BodyId) -> bool {
        self.follows_rounds() || self.reports_for(body)
    }
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
    }
}
