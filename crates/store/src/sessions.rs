//! Sign-in sessions, kept in the database so that any instance can serve any request.
//! Only a hash of the session token is stored: a copy of the database signs no one in.

use sqlx::Row;
use tertial_domain::{Actor, BodyId, NewAuditEntry, Role, Session, Timestamp, UserId};

use crate::write::WriteTx;
use crate::{Result, Store, audit, corrupt, millis, timestamp};

/// A session to start: the hash of its token, its CSRF token, and when it ends unless used.
#[derive(Debug, Clone, Copy)]
pub struct NewStoredSession<'a> {
    pub token_hash: &'a str,
    pub csrf_token: &'a str,
    pub expires_at: Timestamp,
}

/// Starts a session inside the caller's transaction: the session, the account's last
/// sign-in, and `entry`.
pub(crate) async fn start_session(
    tx: &mut WriteTx,
    user: UserId,
    session: &NewStoredSession<'_>,
    now: Timestamp,
    entry: &NewAuditEntry,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(session.token_hash)
    .bind(user.0)
    .bind(session.csrf_token)
    .bind(millis(now))
    .bind(millis(session.expires_at))
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
        .bind(millis(now))
        .bind(user.0)
        .execute(&mut **tx)
        .await?;
    audit::append(tx, entry, now).await
}

impl Store {
    /// Starts a session, recording the sign-in in the same transaction.
    pub async fn insert_session(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        now: Timestamp,
        expires_at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let session = NewStoredSession {
            token_hash,
            csrf_token,
            expires_at,
        };
        start_session(&mut tx, user, &session, now, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The unexpired session with this token hash, if its account is active. One query,
    /// as every signed-in request asks it: a reporter's bodies come as one row each.
    pub async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.name, u.role, s.csrf_token, s.created_at, s.last_seen_at,
                    s.expires_at, ub.body_id
             FROM sessions s
             JOIN users u ON u.id = s.user_id
             LEFT JOIN user_bodies ub ON ub.user_id = u.id AND u.role = 'reporter'
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1
             ORDER BY ub.body_id",
        )
        .bind(token_hash)
        .bind(millis(now))
        .fetch_all(&self.read)
        .await?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        let bodies = rows
            .iter()
            .map(|r| r.try_get::<Option<i64>, _>("body_id"))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .map(BodyId)
            .collect();
        Ok(Some(Session {
            actor: Actor {
                id: UserId(row.try_get("id")?),
                name: row.try_get("name")?,
                email: row.try_get("email")?,
                role: Role::from_code(row.try_get("role")?).map_err(corrupt)?,
                bodies,
                session: Some(token_hash.to_owned()),
            },
            csrf_token: row.try_get("csrf_token")?,
            created_at: timestamp(row.try_get("created_at")?)?,
            last_seen_at: timestamp(row.try_get("last_seen_at")?)?,
            expires_at: timestamp(row.try_get("expires_at")?)?,
        }))
    }

    /// Extends a session that is still in use.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(millis(now))
            .bind(millis(expires_at))
            .bind(token_hash)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Ends a session, recording the sign-out in the same transaction.
    pub async fn delete_session(
        &self,
        token_hash: &str,
        at: Timestamp,
        audit: &NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await?;
        audit::append(&mut tx, audit, at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes sessions that expired before `before`; returns how many.
    pub async fn delete_expired_sessions(&self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(millis(before))
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected())
    }

    /// The failed sign-ins counted under each of `keys` (forgetting those older than
    /// `forget_before`), with the time of the last.
    pub async fn sign_in_failures(
        &self,
        keys: &[&str],
        forget_before: Timestamp,
    ) -> Result<Vec<(i64, Timestamp)>> {
        let mut counts = Vec::with_capacity(keys.len());
        for key in keys {
            let row = sqlx::query(
                "SELECT failures, last_at FROM sign_in_failures WHERE key = $1 AND last_at > $2",
            )
            .bind(*key)
            .bind(millis(forget_before))
            .fetch_optional(&self.read)
            .await?;
            counts.push(match row {
                Some(row) => (
                    row.try_get("failures")?,
                    timestamp(row.try_get("last_at")?)?,
                ),
                None => (0, Timestamp::UNIX_EPOCH),
            });
        }
        Ok(counts)
    }

    /// Counts one more failed sign-in under each of `keys` (starting afresh where the last
    /// was before `forget_before`), and returns the new counts.
    pub async fn count_sign_in_failure(
        &self,
        keys: &[&str],
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<Vec<i64>> {
        let mut tx = self.begin().await?;
        let mut counts = Vec::with_capacity(keys.len());
        for key in keys {
            let failures: i64 = sqlx::query_scalar(
                "INSERT INTO sign_in_failures (key, failures, last_at) VALUES ($1, 1, $2)
                 ON CONFLICT (key) DO UPDATE SET
                   failures = CASE WHEN sign_in_failures.last_at > $3
                                   THEN sign_in_failures.failures + 1 ELSE 1 END,
                   last_at = $2
                 RETURNING failures",
            )
            .bind(*key)
            .bind(millis(at))
            .bind(millis(forget_before))
            .fetch_one(&mut *tx)
            .await?;
            counts.push(failures);
        }
        tx.commit().await?;
        Ok(counts)
    }

    /// Forgets the failed sign-ins counted under `key` (after a successful sign-in).
    pub async fn forget_sign_in_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
            .bind(key)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
