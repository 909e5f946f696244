//! Sign-in links by e-mail: stored as the hash of their token with the hash of the asking
//! browser's cookie, and used up in the transaction that starts the session.

use sqlx::Row;
use tertial_domain::{AuditAction, AuditSubject, NewAuditEntry, NewMail, Timestamp, UserId};

use crate::sessions::{NewStoredSession, start_session};
use crate::{Result, Store, audit, millis, outbox, timestamp};

/// A link to store: for whom, the hashes of its token and of the browser's cookie, and when
/// it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSignInLink {
    pub user: UserId,
    pub token_hash: String,
    pub browser_hash: String,
    pub expires_at: Timestamp,
}

/// A link as stored, with what is needed to say why it does not sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInLinkRecord {
    pub user: UserId,
    pub email: String,
    pub browser_hash: String,
    pub expires_at: Timestamp,
    pub used: bool,
    pub account_active: bool,
}

impl Store {
    /// Stores a new link and queues the mail that carries it, with `entry`, in one
    /// transaction.
    pub async fn send_sign_in_link(
        &self,
        link: &NewSignInLink,
        mail: &NewMail,
        entry: &NewAuditEntry,
        at: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO sign_in_links (user_id, token_hash, browser_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(link.user.0)
        .bind(link.token_hash.as_str())
        .bind(link.browser_hash.as_str())
        .bind(millis(at))
        .bind(millis(link.expires_at))
        .execute(&mut *tx)
        .await?;
        audit::append(&mut tx, entry, at).await?;
        outbox::enqueue(&mut tx, mail, at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The link with this token hash, used or not, expired or not.
    pub async fn sign_in_link(&self, token_hash: &str) -> Result<Option<SignInLinkRecord>> {
        let row = sqlx::query(
            "SELECT l.user_id, u.email, l.browser_hash, l.expires_at, l.used_at, u.active
             FROM sign_in_links l JOIN users u ON u.id = l.user_id
             WHERE l.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.read)
        .await?;
        row.map(|row| {
            Ok(SignInLinkRecord {
                user: UserId(row.try_get("user_id")?),
                email: row.try_get("email")?,
                browser_hash: row.try_get("browser_hash")?,
                expires_at: timestamp(row.try_get("expires_at")?)?,
                used: row.try_get::<Option<i64>, _>("used_at")?.is_some(),
                account_active: row.try_get::<i64, _>("active")? != 0,
            })
        })
        .transpose()
    }

    /// Signs in with a link: marks it used and starts `session`, audited, in one
    /// transaction. `None`: the link is unknown, used, expired or another browser's, or its
    /// account is not active (then nothing is changed).
    pub async fn sign_in_with_link(
        &self,
        token_hash: &str,
        browser_hash: &str,
        session: &NewStoredSession<'_>,
        now: Timestamp,
    ) -> Result<Option<UserId>> {
        let mut tx = self.begin().await?;
        let user: Option<i64> = sqlx::query_scalar(
            "UPDATE sign_in_links SET used_at = $3
             WHERE token_hash = $1 AND browser_hash = $2 AND used_at IS NULL AND expires_at > $3
               AND user_id IN (SELECT id FROM users WHERE active = 1)
             RETURNING user_id",
        )
        .bind(token_hash)
        .bind(browser_hash)
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user) = user.map(UserId) else {
            tx.rollback().await?;
            return Ok(None);
        };
        let entry = NewAuditEntry::new(
            Some(user),
            AuditAction::SignInLinkUsed,
            AuditSubject::User(user),
        );
        start_session(&mut tx, user, session, now, &entry).await?;
        tx.commit().await?;
        Ok(Some(user))
    }
}
