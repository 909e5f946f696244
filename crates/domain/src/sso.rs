//! Single sign-on's rules: how the identity provider's groups become a role and bodies, who
//! may still sign in with a password, and why a sign-in through the provider is refused.

use crate::Role;

/// One group of the provider's mapped to a role, and for reporters to a body (by its short
/// name or name): `samordnare=coordinator`, `sdn-skarholmen=reporter:Skärholmen`. A group may
/// be listed more than once to give several bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMapping {
    pub group: String,
    pub role: Role,
    pub body: Option<String>,
}

impl std::str::FromStr for GroupMapping {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (group, target) = s
            .split_once('=')
            .ok_or_else(|| format!("{s:?}: write GROUP=ROLE or GROUP=reporter:BODY"))?;
        let (role, body) = match target.split_once(':') {
            Some((role, body)) => (role, Some(body.trim().to_owned())),
            None => (target, None),
        };
        let role = Role::from_code(role.trim())
            .map_err(|_| format!("{s:?}: the role is admin, coordinator, reporter or reader"))?;
        let group = group.trim().to_owned();
        if group.is_empty() {
            return Err(format!("{s:?}: the group is missing"));
        }
        match (role, &body) {
            (Role::Reporter, Some(b)) if !b.is_empty() => {}
            (Role::Reporter, _) => return Err(format!("{s:?}: a reporter needs a body")),
            (_, Some(_)) => return Err(format!("{s:?}: only a reporter has a body")),
            (_, None) => {}
        }
        Ok(GroupMapping { group, role, body })
    }
}

/// What the provider's groups give a person: the highest role among the mapped groups, and
/// as a reporter the union of their bodies. `None` when no group is mapped.
pub fn role_from_groups(
    groups: &[String],
    mappings: &[GroupMapping],
) -> Option<(Role, Vec<String>)> {
    let matched: Vec<&GroupMapping> = mappings
        .iter()
        .filter(|m| groups.contains(&m.group))
        .collect();
    let role = matched.iter().map(|m| m.role).max_by_key(|r| rank(*r))?;
    let mut bodies: Vec<String> = matched
        .iter()
        .filter(|m| m.role == role)
        .filter_map(|m| m.body.clone())
        .collect();
    bodies.sort();
    bodies.dedup();
    Some((role, bodies))
}

fn rank(role: Role) -> u8 {
    match role {
        Role::Reader => 0,
        Role::Reporter => 1,
        Role::Coordinator => 2,
        Role::Admin => 3,
    }
}

/// Who may sign in with a password: everyone (the default), no one, or only the named
/// accounts (a break-glass administrator for when the provider is down).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LocalPasswords {
    #[default]
    On,
    Off,
    Only(Vec<String>),
}

impl LocalPasswords {
    pub fn allows(&self, email: &str) -> bool {
        match self {
            LocalPasswords::On => true,
            LocalPasswords::Off => false,
            LocalPasswords::Only(emails) => emails.iter().any(|e| e.eq_ignore_ascii_case(email)),
        }
    }
}

impl std::str::FromStr for LocalPasswords {
    type Err = String;

    /// `on`, `off` or `only:admin@example.se,other@example.se`.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "on" => Ok(LocalPasswords::On),
            "off" => Ok(LocalPasswords::Off),
            other => {
                let list = other
                    .strip_prefix("only:")
                    .ok_or_else(|| format!("{s:?}: write on, off or only:EMAIL,…"))?;
                let emails: Vec<String> = list
                    .split(',')
                    .map(|e| e.trim().to_lowercase())
                    .filter(|e| !e.is_empty())
                    .collect();
                if emails.is_empty() || !emails.iter().all(|e| crate::validate::is_valid_email(e)) {
                    return Err(format!("{s:?}: name one or more e-mail addresses"));
                }
                Ok(LocalPasswords::Only(emails))
            }
        }
    }
}

/// Why a sign-in through the identity provider was refused. Each is written to the audit
/// log by its code, and shown with its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SsoRefusal {
    /// The provider sent the person back with an error (they cancelled, or were denied).
    ProviderError,
    /// The provider could not be reached or answered something unusable.
    ProviderUnavailable,
    /// The callback came without state, or without this browser's sign-in cookie.
    StateMissing,
    /// The state belongs to a sign-in begun in another browser.
    StateForeign,
    /// The state was already used: a replay.
    StateReplayed,
    /// The state is unknown or too old.
    StateExpired,
    WrongAudience,
    WrongIssuer,
    TokenExpired,
    BadSignature,
    UnknownKey,
    /// The token's nonce belongs to an earlier sign-in: a replayed token.
    NonceReplayed,
    /// The token's nonce is not this sign-in's.
    NonceMismatch,
    MalformedToken,
    /// No e-mail address in the claim configured for it.
    EmailMissing,
    EmailNotVerified,
    /// None of the person's groups is mapped to a role.
    NoMappedGroup,
    /// A mapped body does not exist or is deactivated.
    UnknownBody,
    AccountDeactivated,
}

impl SsoRefusal {
    pub fn code(self) -> &'static str {
        match self {
            SsoRefusal::ProviderError => "provider_error",
            SsoRefusal::ProviderUnavailable => "provider_unavailable",
            SsoRefusal::StateMissing => "state_missing",
            SsoRefusal::StateForeign => "state_foreign",
            SsoRefusal::StateReplayed => "state_replayed",
            SsoRefusal::StateExpired => "state_expired",
            SsoRefusal::WrongAudience => "wrong_audience",
            SsoRefusal::WrongIssuer => "wrong_issuer",
            SsoRefusal::TokenExpired => "token_expired",
            SsoRefusal::BadSignature => "bad_signature",
            SsoRefusal::UnknownKey => "unknown_key",
            SsoRefusal::NonceReplayed => "nonce_replayed",
            SsoRefusal::NonceMismatch => "nonce_mismatch",
            SsoRefusal::MalformedToken => "malformed_token",
            SsoRefusal::EmailMissing => "email_missing",
            SsoRefusal::EmailNotVerified => "email_not_verified",
            SsoRefusal::NoMappedGroup => "no_mapped_group",
            SsoRefusal::UnknownBody => "unknown_body",
            SsoRefusal::AccountDeactivated => "account_deactivated",
        }
    }
}

/// An e-mail address from the provider, as Tertial keeps addresses.
pub fn provider_email(claim: Option<&str>) -> Option<String> {
    let email = claim?.trim().to_lowercase();
    crate::validate::is_valid_email(&email).then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mappings() -> Vec<GroupMapping> {
        [
            "samordnare=coordinator",
            "sdn-skarholmen=reporter:Skärholmen",
            "sdn-bromma=reporter:Bromma",
            "alla=reader",
        ]
        .iter()
        .map(|s| s.parse().expect("mapping"))
        .collect()
    }

    fn groups(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_highest_role_and_the_union_of_bodies() {
        let m = mappings();
        assert_eq!(
            role_from_groups(&groups(&["alla", "sdn-skarholmen", "sdn-bromma"]), &m),
            Some((Role::Reporter, vec!["Bromma".into(), "Skärholmen".into()]))
        );
        assert_eq!(
            role_from_groups(&groups(&["sdn-bromma", "samordnare"]), &m),
            Some((Role::Coordinator, vec![]))
        );
        assert_eq!(role_from_groups(&groups(&["okänd"]), &m), None);
        assert_eq!(role_from_groups(&[], &m), None);
    }

    #[test]
    fn mappings_are_parsed_or_refused() {
        assert!("x=reporter".parse::<GroupMapping>().is_err());
        assert!("x=coordinator:Bromma".parse::<GroupMapping>().is_err());
        assert!("x=boss".parse::<GroupMapping>().is_err());
        assert!("=reader".parse::<GroupMapping>().is_err());
        assert!("reader".parse::<GroupMapping>().is_err());
    }

    #[test]
    fn local_passwords_for_everyone_no_one_or_the_named() {
        let only: LocalPasswords = "only:Admin@example.se, nod@example.se"
            .parse()
            .expect("only");
        assert!(only.allows("admin@example.se"));
        assert!(!only.allows("samordnare@example.se"));
        assert!(LocalPasswords::On.allows("x@example.se"));
        assert!(
            !"off"
                .parse::<LocalPasswords>()
                .expect("off")
                .allows("x@example.se")
        );
        assert!("only:".parse::<LocalPasswords>().is_err());
        assert!("maybe".parse::<LocalPasswords>().is_err());
    }
}
