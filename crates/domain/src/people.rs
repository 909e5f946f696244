//! Managing bodies and people: what a coordinator or an administrator types is checked here,
//! and who may change whose account. Coordinators manage reporters and readers; only an
//! administrator makes or changes coordinators and administrators; nobody changes their own
//! role or deactivates themselves; the last active administrator stays.

use jiff::SignedDuration;

use crate::validate::{clean_line, is_valid_email};
use crate::{Actor, BodyId, BodyKind, Role, UserId};

/// The longest name of a person or a body, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest short name of a body.
pub const MAX_SHORT_NAME_CHARS: usize = 60;
/// How long an invitation's link works.
pub const INVITATION_VALID: SignedDuration = SignedDuration::from_hours(7 * 24);

/// What is wrong with a body or a person as typed. Each names the field to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    NameMissing,
    NameInvalid,
    ShortNameMissing,
    ShortNameInvalid,
    KindMissing,
    EmailInvalid,
    RoleMissing,
    /// A reporter needs at least one body.
    BodiesMissing,
    /// A body that does not exist or is not active.
    UnknownBody,
    /// The name is taken by another body.
    DuplicateBodyName,
    /// An account with this address exists.
    DuplicateEmail,
    /// The role is not the actor's to grant (or the person's role not theirs to change).
    RoleNotYours,
    OwnRole,
    OwnAccount,
    LastAdmin,
}

impl Problem {
    /// The id of the form field the problem is about.
    pub fn field(&self) -> &'static str {
        match self {
            Problem::NameMissing | Problem::NameInvalid | Problem::DuplicateBodyName => "name",
            Problem::ShortNameMissing | Problem::ShortNameInvalid => "short_name",
            Problem::KindMissing => "kind",
            Problem::EmailInvalid | Problem::DuplicateEmail => "email",
            Problem::RoleMissing
            | Problem::RoleNotYours
            | Problem::OwnRole
            | Problem::OwnAccount
            | Problem::LastAdmin => "role",
            Problem::BodiesMissing | Problem::UnknownBody => "bodies",
        }
    }
}

/// A body as typed on its form, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyFields {
    pub name: String,
    pub short_name: String,
    pub kind: BodyKind,
}

impl BodyFields {
    pub fn parse(name: &str, short_name: &str, kind: &str) -> Result<BodyFields, Vec<Problem>> {
        let mut problems = Vec::new();
        let name = line(
            name,
            MAX_NAME_CHARS,
            Problem::NameMissing,
            Problem::NameInvalid,
        )
        .map_err(|p| problems.push(p));
        let short_name = line(
            short_name,
            MAX_SHORT_NAME_CHARS,
            Problem::ShortNameMissing,
            Problem::ShortNameInvalid,
        )
        .map_err(|p| problems.push(p));
        let kind = BodyKind::from_code(kind).map_err(|_| problems.push(Problem::KindMissing));
        match (name, short_name, kind) {
            (Ok(name), Ok(short_name), Ok(kind)) => Ok(BodyFields {
                name,
                short_name,
                kind,
            }),
            _ => Err(problems),
        }
    }
}

/// A person's name, role and bodies as typed, checked (the bodies' existence is the
/// store's to know).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFields {
    pub name: String,
    pub role: Role,
    /// Only a reporter's are kept.
    pub bodies: Vec<BodyId>,
}

impl PersonFields {
    pub fn parse(name: &str, role: &str, bodies: &[BodyId]) -> Result<PersonFields, Vec<Problem>> {
        let mut problems = Vec::new();
        let name = line(
            name,
            MAX_NAME_CHARS,
            Problem::NameMissing,
            Problem::NameInvalid,
        )
        .map_err(|p| problems.push(p));
        let role = Role::from_code(role).map_err(|_| problems.push(Problem::RoleMissing));
        if role == Ok(Role::Reporter) && bodies.is_empty() {
            problems.push(Problem::BodiesMissing);
        }
        match (name, role) {
            (Ok(name), Ok(role)) if problems.is_empty() => {
                let mut bodies = if role == Role::Reporter {
                    bodies.to_vec()
                } else {
                    Vec::new()
                };
                bodies.sort();
                bodies.dedup();
                Ok(PersonFields { name, role, bodies })
            }
            _ => Err(problems),
        }
    }
}

/// An e-mail address as typed: trimmed, lower case, plausible.
pub fn email(typed: &str) -> Result<String, Problem> {
    let email = typed.trim().to_lowercase();
    if is_valid_email(&email) && clean_line(&email, 254).is_ok() {
        Ok(email)
    } else {
        Err(Problem::EmailInvalid)
    }
}

fn line(typed: &str, max: usize, missing: Problem, invalid: Problem) -> Result<String, Problem> {
    let text = clean_line(typed.trim(), max).map_err(|_| invalid)?;
    if text.is_empty() {
        return Err(missing);
    }
    Ok(text)
}

/// An account as the rules about changing it need to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub id: UserId,
    pub role: Role,
    pub active: bool,
}

impl Actor {
    /// Manages bodies and people (reporters and readers; administrators all).
    pub fn manages_people(&self) -> bool {
        matches!(self.role, Role::Coordinator | Role::Admin)
    }

    /// May give someone `role`, or change an account that has it: administrators any,
    /// coordinators reporters and readers.
    pub fn may_grant(&self, role: Role) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Coordinator => matches!(role, Role::Reporter | Role::Reader),
            Role::Reporter | Role::Reader => false,
        }
    }

    /// Whether `self` may give `account` the role `to`; `active_admins` counts the active
    /// administrators now.
    pub fn may_change_role(
        &self,
        account: &Account,
        to: Role,
        active_admins: usize,
    ) -> Result<(), Problem> {
        if !self.may_grant(account.role) || !self.may_grant(to) {
            return Err(Problem::RoleNotYours);
        }
        if account.id == self.id && to != account.role {
            return Err(Problem::OwnRole);
        }
        if last_admin(account, active_admins) && to != Role::Admin {
            return Err(Problem::LastAdmin);
        }
        Ok(())
    }

    /// Whether `self` may deactivate (`active` false) or reactivate `account`.
    pub fn may_set_active(
        &self,
        account: &Account,
        active: bool,
        active_admins: usize,
    ) -> Result<(), Problem> {
        if !self.may_grant(account.role) {
            return Err(Problem::RoleNotYours);
        }
        if !active && account.id == self.id {
            return Err(Problem::OwnAccount);
        }
        if !active && last_admin(account, active_admins) {
            return Err(Problem::LastAdmin);
        }
        Ok(())
    }
}

fn last_admin(account: &Account, active_admins: usize) -> bool {
    account.role == Role::Admin && account.active && active_admins <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(id: i64, role: Role) -> Actor {
        Actor {
            id: UserId(id),
            name: "A".into(),
            email: "a@example.se".into(),
            role,
            bodies: Vec::new(),
            session: None,
        }
    }

    fn account(id: i64, role: Role) -> Account {
        Account {
            id: UserId(id),
            role,
            active: true,
        }
    }

    #[test]
    fn coordinators_manage_reporters_and_readers_only() {
        let coordinator = actor(1, Role::Coordinator);
        let reporter = account(2, Role::Reporter);
        assert_eq!(
            coordinator.may_change_role(&reporter, Role::Reader, 1),
            Ok(())
        );
        assert_eq!(
            coordinator.may_change_role(&reporter, Role::Admin, 1),
            Err(Problem::RoleNotYours)
        );
        let other = account(3, Role::Coordinator);
        assert_eq!(
            coordinator.may_set_active(&other, false, 1),
            Err(Problem::RoleNotYours)
        );
        assert_eq!(coordinator.may_set_active(&reporter, false, 1), Ok(()));
        assert!(!actor(4, Role::Reporter).manages_people());
        assert!(!actor(4, Role::Reader).may_grant(Role::Reader));
    }

    #[test]
    fn nobody_changes_their_own_role_or_deactivates_themselves() {
        let admin = actor(1, Role::Admin);
        let own = account(1, Role::Admin);
        assert_eq!(
            admin.may_change_role(&own, Role::Reader, 2),
            Err(Problem::OwnRole)
        );
        assert_eq!(admin.may_change_role(&own, Role::Admin, 2), Ok(()));
        assert_eq!(
            admin.may_set_active(&own, false, 2),
            Err(Problem::OwnAccount)
        );
    }

    #[test]
    fn the_last_active_admin_stays() {
        let admin = actor(1, Role::Admin);
        let other = account(2, Role::Admin);
        assert_eq!(
            admin.may_set_active(&other, false, 1),
            Err(Problem::LastAdmin)
        );
        assert_eq!(
            admin.may_change_role(&other, Role::Coordinator, 1),
            Err(Problem::LastAdmin)
        );
        assert_eq!(admin.may_set_active(&other, false, 2), Ok(()));
        assert_eq!(admin.may_set_active(&other, true, 1), Ok(()));
    }

    #[test]
    fn typed_fields_are_checked() {
        assert_eq!(
            BodyFields::parse(" Trafiknämnden ", "Trafik", "specialist_committee"),
            Ok(BodyFields {
                name: "Trafiknämnden".into(),
                short_name: "Trafik".into(),
                kind: BodyKind::SpecialistCommittee,
            })
        );
        assert_eq!(
            BodyFields::parse("", "a\u{202E}b", "x"),
            Err(vec![
                Problem::NameMissing,
                Problem::ShortNameInvalid,
                Problem::KindMissing
            ])
        );
        assert_eq!(
            PersonFields::parse("Eva", "reporter", &[]),
            Err(vec![Problem::BodiesMissing])
        );
        let reader = PersonFields::parse("Eva", "reader", &[BodyId(1)]).expect("valid");
        assert!(reader.bodies.is_empty(), "only reporters belong to bodies");
        assert_eq!(email(" Eva@Example.SE "), Ok("eva@example.se".into()));
        assert_eq!(email("eva"), Err(Problem::EmailInvalid));
    }
}
