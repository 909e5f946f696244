//! Single sign-on: sign-ins under way at the identity provider (single use, bound to the
//! browser, short-lived), the link between a person at the provider and an account, and a
//! sign-in through the provider as one audited transaction.

use sqlx::Row;
use tertial_domain::{AuditAction, AuditSubject, BodyId, NewAuditEntry, Role, Timestamp, UserId};

use crate::people::insert_bodies;
use crate::sessions::{NewStoredSession, start_session};
use crate::write::WriteTx;
use crate::{Result, Store, audit, corrupt, duplicate, millis, timestamp};

/// A sign-in sent to the provider: hashes only (see the migration).
#[derive(Debug, Clone)]
pub struct NewSsoLogin {
    pub state_hash: String,
    pub browser_hash: String,
    pub nonce_hash: String,
    pub next_path: String,
    pub expires_at: Timestamp,
}

/// What became of a state coming back from the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoLoginClaim {
    /// This browser's, unused and in time: now used.
    Claimed {
        nonce_hash: String,
        next_path: String,
    },
    /// Never issued, or forgotten.
    Unknown,
    Expired,
    /// Used before.
    Replayed,
    /// Issued to another browser (the cookie's secret does not match); left unused.
    ForeignBrowser,
}

/// Which account a sign-in through the provider signs in to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoAccount {
    /// Linked to this person at the provider before.
    Linked(UserId),
    /// An account with the person's verified e-mail address, linked now.
    Link(UserId),
    /// No account yet: created now.
    Create { email: String, name: String },
}

/// A sign-in through the provider, to store in one transaction.
#[derive(Debug, Clone)]
pub struct SsoSignIn {
    pub issuer: String,
    pub subject: String,
    pub account: SsoAccount,
    /// From the provider's groups, which win over what was set in Tertial.
    pub role: Role,
    pub bodies: Vec<BodyId>,
    pub session_hash: String,
    pub csrf_token: String,
    pub expires_at: Timestamp,
    /// The provider's ID token, for signing out there too.
    pub id_token: String,
}

/// Sign-ins under way are forgotten a day after they began (used or not): long enough to
/// recognise a replayed state or nonce, short enough to keep the table small.
const KEPT_MILLIS: i64 = 24 * 60 * 60 * 1000;

impl Store {
    /// Records a sign-in sent to the provider, forgetting those older than a day.
    pub async fn begin_sso_login(&self, login: &NewSsoLogin, at: Timestamp) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM sso_logins WHERE created_at < $1")
            .bind(millis(at) - KEPT_MILLIS)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sso_logins
               (state_hash, browser_hash, nonce_hash, next_path, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(login.state_hash.as_str())
        .bind(login.browser_hash.as_str())
        .bind(login.nonce_hash.as_str())
        .bind(login.next_path.as_str())
        .bind(millis(at))
        .bind(millis(login.expires_at))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Uses the sign-in whose state came back, if it is this browser's, unused and in time.
    /// The conditional update makes it single use across every instance.
    pub async fn claim_sso_login(
        &self,
        state_hash: &str,
        browser_hash: &str,
        at: Timestamp,
    ) -> Result<SsoLoginClaim> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "SELECT browser_hash, nonce_hash, next_path, expires_at, used_at
             FROM sso_logins WHERE state_hash = $1",
        )
        .bind(state_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(SsoLoginClaim::Unknown);
        };
        if row.try_get::<Option<i64>, _>("used_at")?.is_some() {
            return Ok(SsoLoginClaim::Replayed);
        }
        if row.try_get::<String, _>("browser_hash")? != browser_hash {
            return Ok(SsoLoginClaim::ForeignBrowser);
        }
        if timestamp(row.try_get("expires_at")?)? <= at {
            return Ok(SsoLoginClaim::Expired);
        }
        let used = sqlx::query(
            "UPDATE sso_logins SET used_at = $1 WHERE state_hash = $2 AND used_at IS NULL",
        )
        .bind(millis(at))
        .bind(state_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        if used != 1 {
            return Ok(SsoLoginClaim::Replayed);
        }
        Ok(SsoLoginClaim::Claimed {
            nonce_hash: row.try_get("nonce_hash")?,
            next_path: row.try_get("next_path")?,
        })
    }

    /// Whether a nonce belongs to a sign-in already used: a token carrying it is a replay.
    pub async fn sso_nonce_used(&self, nonce_hash: &str) -> Result<bool> {
        let used: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM sso_logins WHERE nonce_hash = $1 AND used_at IS NOT NULL",
        )
        .bind(nonce_hash)
        .fetch_optional(&self.read)
        .await?;
        Ok(used.is_some())
    }

    /// The account linked to this person at the provider, and whether it is active.
    pub async fn sso_identity(
        &self,
        issuer: &str,
        subject: &str,
    ) -> Result<Option<(UserId, bool)>> {
        let row = sqlx::query(
            "SELECT u.id, u.active FROM sso_identities i JOIN users u ON u.id = i.user_id
             WHERE i.issuer = $1 AND i.subject = $2",
        )
        .bind(issuer)
        .bind(subject)
        .fetch_optional(&self.read)
        .await?;
        row.map(|row| {
            Ok((
                UserId(row.try_get("id")?),
                row.try_get::<i64, _>("active")? != 0,
            ))
        })
        .transpose()
    }

    /// Signs a person in through the provider in one transaction: the account created or
    /// linked, its role and bodies set from the provider's groups, the session started;
    /// each step audited.
    pub async fn sso_sign_in(&self, sign_in: &SsoSignIn, at: Timestamp) -> Result<UserId> {
        let mut tx = self.begin().await?;
        let via = format!("via=sso issuer={}", sign_in.issuer);
        let user = match &sign_in.account {
            SsoAccount::Linked(user) => *user,
            SsoAccount::Link(user) => {
                link(&mut tx, sign_in, *user, at).await?;
                let entry = NewAuditEntry::new(
                    Some(*user),
                    AuditAction::SsoLinked,
                    AuditSubject::User(*user),
                )
                .with_detail(&via);
                audit::append(&mut tx, &entry, at).await?;
                *user
            }
            SsoAccount::Create { email, name } => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (email, name, role, password_hash, active, created_at)
                     VALUES ($1, $2, $3, NULL, 1, $4) RETURNING id",
                )
                .bind(email.as_str())
                .bind(name.as_str())
                .bind(sign_in.role.code())
                .bind(millis(at))
                .fetch_one(&mut *tx)
                .await
                .map_err(duplicate("user"))?;
                let user = UserId(id);
                link(&mut tx, sign_in, user, at).await?;
                let entry = NewAuditEntry::user_added(Some(user), user).with_detail(&via);
                audit::append(&mut tx, &entry, at).await?;
                user
            }
        };
        set_role_from_provider(&mut tx, user, sign_in, at).await?;
        let session = NewStoredSession {
            token_hash: &sign_in.session_hash,
            csrf_token: &sign_in.csrf_token,
            expires_at: sign_in.expires_at,
        };
        let entry = NewAuditEntry::new(Some(user), AuditAction::SignedIn, AuditSubject::User(user))
            .with_detail(&via);
        start_session(&mut tx, user, &session, at, &entry).await?;
        sqlx::query("INSERT INTO sso_sessions (token_hash, id_token) VALUES ($1, $2)")
            .bind(sign_in.session_hash.as_str())
            .bind(sign_in.id_token.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// The provider's ID token of a session begun through it.
    pub async fn sso_id_token(&self, session_hash: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT id_token FROM sso_sessions WHERE token_hash = $1")
                .bind(session_hash)
                .fetch_optional(&self.read)
                .await?,
        )
    }
}

async fn link(tx: &mut WriteTx, sign_in: &SsoSignIn, user: UserId, at: Timestamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO sso_identities (issuer, subject, user_id, linked_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(sign_in.issuer.as_str())
    .bind(sign_in.subject.as_str())
    .bind(user.0)
    .bind(millis(at))
    .execute(&mut **tx)
    .await
    .map_err(duplicate("sso identity"))?;
    Ok(())
}

/// Gives the account the role and bodies the provider's groups say, if it had others,
/// audited as a change.
async fn set_role_from_provider(
    tx: &mut WriteTx,
    user: UserId,
    sign_in: &SsoSignIn,
    at: Timestamp,
) -> Result<()> {
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(user.0)
        .fetch_one(&mut **tx)
        .await?;
    let role = Role::from_code(&role).map_err(corrupt)?;
    let bodies: Vec<BodyId> =
        sqlx::query_scalar("SELECT body_id FROM user_bodies WHERE user_id = $1 ORDER BY body_id")
            .bind(user.0)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(BodyId)
            .collect();
    let mut wanted = sign_in.bodies.clone();
    wanted.sort();
    wanted.dedup();
    if role == sign_in.role && bodies == wanted {
        return Ok(());
    }
    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(sign_in.role.code())
        .bind(user.0)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM user_bodies WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut **tx)
        .await?;
    insert_bodies(tx, user, &wanted).await?;
    let entry = NewAuditEntry::new(
        Some(user),
        AuditAction::UserChanged,
        AuditSubject::User(user),
    )
    .with_detail(format!(
        "via=sso role={} bodies={}",
        sign_in.role.code(),
        wanted.len()
    ));
    audit::append(tx, &entry, at).await
}
