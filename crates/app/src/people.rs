//! Bodies and people, managed by coordinators and administrators: add, change, deactivate,
//! and invite people by mail to set their own password.

use std::net::IpAddr;

use tertial_documents::mail::{AccountInvitation, account_invitation};
use tertial_domain::people::{BodyFields, INVITATION_VALID, PersonFields, Problem};
use tertial_domain::{Actor, AuditSubject, Body, BodyId, Round, UserId, throttle};
use tertial_store::{BodyListing, InOpenRound, NewInvitation, NewUser, Person};

use crate::auth::{hash_password, random_token, token_hash};
use crate::users::MIN_PASSWORD_CHARS;
use crate::{App, AppError, Result};

/// One person's page: the account, every body (to choose among), and what the one looking
/// may do to it.
#[derive(Debug, Clone)]
pub struct PersonPage {
    pub person: Person,
    pub bodies: Vec<Body>,
    /// The one looking may change this account (its role is theirs to manage).
    pub manageable: bool,
}

/// Why an invitation's page cannot set a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationProblem {
    /// Unknown, used, replaced or expired; or the account is no longer active.
    NotValid,
    PasswordTooShort,
    PasswordsDiffer,
}

impl App {
    /// Refuses (and notes) anyone who does not manage bodies and people: for a handler to
    /// ask before it reads a form, so that nobody else is ever shown one.
    pub async fn managing(&self, actor: &Actor, subject: AuditSubject) -> Result<()> {
        if actor.manages_people() {
            Ok(())
        } else {
            Err(self.forbidden(actor, subject).await)
        }
    }

    /// Every body with how many people report for it.
    pub async fn body_listings(&self, actor: &Actor) -> Result<Vec<BodyListing>> {
        self.managing(actor, AuditSubject::Bodies).await?;
        Ok(self.store.body_listings().await?)
    }

    /// One body, to change.
    pub async fn managed_body(&self, actor: &Actor, id: BodyId) -> Result<Body> {
        self.managing(actor, AuditSubject::Body(id)).await?;
        self.store.body(id).await?.ok_or(AppError::NotFound)
    }

    /// Adds a body; a name already taken is refused.
    pub async fn add_body(
        &self,
        actor: &Actor,
        body: &BodyFields,
    ) -> Result<Result<BodyId, Vec<Problem>>> {
        self.managing(actor, AuditSubject::Bodies).await?;
        match self.store.add_body(body, actor.id, self.now()).await {
            Err(tertial_store::StoreError::Duplicate(_)) => {
                Ok(Err(vec![Problem::DuplicateBodyName]))
            }
            other => Ok(Ok(other?)),
        }
    }

    /// Changes a body's name, short name and kind; a name already taken is refused.
    pub async fn change_body(
        &self,
        actor: &Actor,
        id: BodyId,
        body: &BodyFields,
    ) -> Result<Result<(), Vec<Problem>>> {
        self.managing(actor, AuditSubject::Body(id)).await?;
        match self.store.change_body(id, body, actor.id, self.now()).await {
            Err(tertial_store::StoreError::Duplicate(_)) => {
                Ok(Err(vec![Problem::DuplicateBodyName]))
            }
            Ok(true) => Ok(Ok(())),
            Ok(false) => Err(AppError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Deactivates or reactivates a body. A body with a report in an open round stays
    /// active: the round is returned, to be named.
    pub async fn set_body_active(
        &self,
        actor: &Actor,
        id: BodyId,
        active: bool,
    ) -> Result<Result<(), Round>> {
        self.managing(actor, AuditSubject::Body(id)).await?;
        match self
            .store
            .set_body_active(id, active, actor.id, self.now())
            .await?
        {
            Ok(true) => Ok(Ok(())),
            Ok(false) => Err(AppError::NotFound),
            Err(InOpenRound(round)) => Ok(Err(round)),
        }
    }

    /// Every account, and every body (to name a reporter's).
    pub async fn people(&self, actor: &Actor) -> Result<(Vec<Person>, Vec<Body>)> {
        self.managing(actor, AuditSubject::People).await?;
        Ok((self.store.people().await?, self.store.bodies().await?))
    }

    /// One account, to change.
    pub async fn person(&self, actor: &Actor, id: UserId) -> Result<PersonPage> {
        self.managing(actor, AuditSubject::User(id)).await?;
        let person = self.store.person(id).await?.ok_or(AppError::NotFound)?;
        Ok(PersonPage {
            manageable: actor.may_grant(person.role),
            person,
            bodies: self.store.bodies().await?,
        })
    }

    /// The bodies are known, and active unless the person already reports for them.
    async fn check_bodies(&self, bodies: &[BodyId], had: &[BodyId]) -> Result<Option<Problem>> {
        let known = self.store.bodies().await?;
        let fine = bodies.iter().all(|id| {
            known
                .iter()
                .any(|b| b.id == *id && (b.active || had.contains(id)))
        });
        Ok((!fine).then_some(Problem::UnknownBody))
    }

    /// Changes a person's name, role and bodies, by the rules of who may grant what.
    pub async fn change_person(
        &self,
        actor: &Actor,
        id: UserId,
        fields: &PersonFields,
    ) -> Result<Result<(), Vec<Problem>>> {
        let page = self.person(actor, id).await?;
        let admins = self.store.active_admins().await?;
        if let Err(problem) = actor.may_change_role(&page.person.account(), fields.role, admins) {
            return Ok(Err(vec![problem]));
        }
        if let Some(problem) = self
            .check_bodies(&fields.bodies, &page.person.bodies)
            .await?
        {
            return Ok(Err(vec![problem]));
        }
        if !self
            .store
            .change_person(id, fields, actor.id, self.now())
            .await?
        {
            return Ok(Err(vec![Problem::LastAdmin]));
        }
        self.forget_sessions_of(id);
        Ok(Ok(()))
    }

    /// Deactivates an account (every session of it ends at once) or reactivates it.
    pub async fn set_person_active(
        &self,
        actor: &Actor,
        id: UserId,
        active: bool,
    ) -> Result<Result<(), Problem>> {
        let page = self.person(actor, id).await?;
        let admins = self.store.active_admins().await?;
        if let Err(problem) = actor.may_set_active(&page.person.account(), active, admins) {
            return Ok(Err(problem));
        }
        if !self
            .store
            .set_person_active(id, active, actor.id, self.now())
            .await?
        {
            return Ok(Err(Problem::LastAdmin));
        }
        self.forget_sessions_of(id);
        Ok(Ok(()))
    }

    /// Sessions looked up a moment ago are not trusted after the account changed.
    fn forget_sessions_of(&self, id: UserId) {
        self.recent_sessions.forget_where(|s| s.actor.id == id);
    }

    /// Creates an account without a password and mails it a one-time link to set one.
    pub async fn invite(
        &self,
        actor: &Actor,
        email: &str,
        fields: &PersonFields,
    ) -> Result<Result<UserId, Vec<Problem>>> {
        self.managing(actor, AuditSubject::People).await?;
        if !actor.may_grant(fields.role) {
            return Ok(Err(vec![Problem::RoleNotYours]));
        }
        if let Some(problem) = self.check_bodies(&fields.bodies, &[]).await? {
            return Ok(Err(vec![problem]));
        }
        let user = NewUser {
            email: email.to_owned(),
            name: fields.name.clone(),
            role: fields.role,
            password_hash: None,
            bodies: fields.bodies.clone(),
        };
        let (invitation, mail) = self.invitation_mail(actor, &user.name, email)?;
        match self
            .store
            .invite(&user, &invitation, &mail, actor.id, self.now())
            .await
        {
            Err(tertial_store::StoreError::Duplicate(_)) => Ok(Err(vec![Problem::DuplicateEmail])),
            other => Ok(Ok(other?)),
        }
    }

    /// Sends a new invitation to an account that has never set a password; the older links
    /// stop working. `false`: the account has a password (or is not active).
    pub async fn reinvite(&self, actor: &Actor, id: UserId) -> Result<bool> {
        let page = self.person(actor, id).await?;
        if !page.manageable {
            return Err(self.forbidden(actor, AuditSubject::User(id)).await);
        }
        let person = page.person;
        let (invitation, mail) = self.invitation_mail(actor, &person.name, &person.email)?;
        Ok(self
            .store
            .reinvite(id, &invitation, &mail, actor.id, self.now())
            .await?)
    }

    /// A new token (only its hash is stored) and the mail that carries its link.
    fn invitation_mail(
        &self,
        actor: &Actor,
        name: &str,
        email: &str,
    ) -> Result<(NewInvitation, tertial_domain::NewMail)> {
        let token = random_token()?;
        let invitation = NewInvitation {
            token_hash: token_hash(&token),
            expires_at: self.now() + INVITATION_VALID,
        };
        let link = format!(
            "{}/inbjudan/{token}",
            self.settings.public_url.trim_end_matches('/')
        );
        let mail = account_invitation(&AccountInvitation {
            organisation: self.settings.organisation.as_deref(),
            inviter: &actor.name,
            name,
            email,
            link: &link,
            expires: invitation.expires_at,
            token_hash: &invitation.token_hash,
        });
        Ok((invitation, mail))
    }

    /// The name and address an invitation's link is for. Unknown links are counted per
    /// client, and a client that tries many must wait, as with sign-ins.
    pub async fn invitation(
        &self,
        token: &str,
        client: Option<IpAddr>,
    ) -> Result<Result<(String, String), InvitationProblem>> {
        let key = invitation_key(client);
        self.token_throttle(&key).await?;
        match self
            .store
            .invitation(&token_hash(token), self.now())
            .await?
        {
            Some(found) => Ok(Ok(found)),
            None => {
                self.token_failed(&key).await?;
                Ok(Err(InvitationProblem::NotValid))
            }
        }
    }

    /// Sets the password through an invitation's link, which then stops working.
    pub async fn accept_invitation(
        &self,
        token: &str,
        password: &str,
        again: &str,
        client: Option<IpAddr>,
    ) -> Result<Result<(), InvitationProblem>> {
        let key = invitation_key(client);
        self.token_throttle(&key).await?;
        let hash = token_hash(token);
        if self.store.invitation(&hash, self.now()).await?.is_none() {
            self.token_failed(&key).await?;
            return Ok(Err(InvitationProblem::NotValid));
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Ok(Err(InvitationProblem::PasswordTooShort));
        }
        if password != again {
            return Ok(Err(InvitationProblem::PasswordsDiffer));
        }
        let password_hash = hash_password(password.to_owned()).await?;
        match self
            .store
            .accept_invitation(&hash, &password_hash, self.now())
            .await?
        {
            Some(_) => Ok(Ok(())),
            None => Ok(Err(InvitationProblem::NotValid)),
        }
    }

    /// Refuses a client that tried too many unknown tokens (of invitations or sign-in
    /// links), counted under `key`, until it has waited.
    pub(crate) async fn token_throttle(&self, key: &str) -> Result<()> {
        let at = self.now();
        let counted = self
            .store
            .sign_in_failures(&[key], at - throttle::FORGET_AFTER)
            .await?;
        let (failures, last) = counted.first().copied().unwrap_or((0, at));
        let wait = (last + throttle::wait_after(failures, throttle::CLIENT_FREE_FAILURES))
            .duration_since(at);
        if wait.is_positive() {
            return Err(AppError::Throttled(wait));
        }
        Ok(())
    }

    /// Counts an unknown token under `key`.
    pub(crate) async fn token_failed(&self, key: &str) -> Result<()> {
        let at = self.now();
        self.store
            .count_sign_in_failure(&[key], at, at - throttle::FORGET_AFTER)
            .await?;
        Ok(())
    }
}

/// Unknown invitation links are counted under the client's address (or all together when
/// it is not known), apart from sign-ins.
fn invitation_key(client: Option<IpAddr>) -> String {
    match client {
        Some(ip) => format!("invitation:{ip}"),
        None => "invitation:unknown".to_owned(),
    }
}
