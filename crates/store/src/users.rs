//! Accounts and the bodies reporters report for.

use sqlx::Row;
use sqlx::any::AnyRow;
use tertial_domain::{Actor, BodyId, NewAuditEntry, Role, Timestamp, UserId};

use crate::{Result, Store, audit, corrupt, duplicate, millis};

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// An argon2id PHC string; `None` for accounts that sign in otherwise.
    pub password_hash: Option<String>,
    pub bodies: Vec<BodyId>,
}

/// An account as stored, with its password hash for signing in.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub actor: Actor,
    pub password_hash: Option<String>,
    pub active: bool,
}

impl Store {
    /// Creates an account. Fails with [`crate::StoreError::Duplicate`] if the e-mail is taken.
    pub async fn insert_user(
        &self,
        user: &NewUser,
        at: Timestamp,
        by: Option<UserId>,
    ) -> Result<UserId> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, role, password_hash, active, created_at)
             VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
        )
        .bind(user.email.as_str())
        .bind(user.name.as_str())
        .bind(user.role.code())
        .bind(user.password_hash.as_deref())
        .bind(millis(at))
        .fetch_one(&mut *tx)
        .await
        .map_err(duplicate("user"))?;
        for body in &user.bodies {
            sqlx::query("INSERT INTO user_bodies (user_id, body_id) VALUES ($1, $2)")
                .bind(id)
                .bind(body.0)
                .execute(&mut *tx)
                .await?;
        }
        let entry = NewAuditEntry::user_added(by, UserId(id));
        audit::append(&mut tx, &entry, at).await?;
        tx.commit().await?;
        Ok(UserId(id))
    }

    /// The account with this e-mail address (compared case-insensitively).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
        let row = sqlx::query(
            "SELECT id, email, name, role, password_hash, active FROM users WHERE email = $1",
        )
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.read)
        .await?;
        match row {
            None => Ok(None),
            Some(row) => {
                let actor = self.actor_from_row(&row).await?;
                Ok(Some(UserRecord {
                    actor,
                    password_hash: row.try_get("password_hash")?,
                    active: row.try_get::<i64, _>("active")? != 0,
                }))
            }
        }
    }

    /// Every account, by e-mail address.
    /// Every account with the bodies it reports for, in one query.
    pub async fn users(&self) -> Result<Vec<Actor>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.name, u.role, ub.body_id FROM users u
             LEFT JOIN user_bodies ub ON ub.user_id = u.id AND u.role = 'reporter'
             ORDER BY u.id, ub.body_id",
        )
        .fetch_all(&self.read)
        .await?;
        let mut users: Vec<Actor> = Vec::new();
        for row in &rows {
            let id = UserId(row.try_get("id")?);
            if users.last().is_none_or(|u| u.id != id) {
                users.push(Actor {
                    id,
                    name: row.try_get("name")?,
                    email: row.try_get("email")?,
                    role: Role::from_code(row.try_get("role")?).map_err(corrupt)?,
                    bodies: Vec::new(),
                    session: None,
                });
            }
            if let (Some(user), Some(body)) =
                (users.last_mut(), row.try_get::<Option<i64>, _>("body_id")?)
            {
                user.bodies.push(BodyId(body));
            }
        }
        Ok(users)
    }

    /// Builds an actor from a row with `id, email, name, role`, loading their bodies.
    pub(crate) async fn actor_from_row(&self, row: &AnyRow) -> Result<Actor> {
        let id = UserId(row.try_get("id")?);
        let role = Role::from_code(row.try_get("role")?).map_err(corrupt)?;
        let bodies = if role == Role::Reporter {
            sqlx::query_scalar::<_, i64>(
                "SELECT body_id FROM user_bodies WHERE user_id = $1 ORDER BY body_id",
            )
            .bind(id.0)
            .fetch_all(&self.read)
            .await?
            .into_iter()
            .map(BodyId)
            .collect()
        } else {
            Vec::new()
        };
        Ok(Actor {
            id,
            name: row.try_get("name")?,
            email: row.try_get("email")?,
            role,
            bodies,
            session: None,
        })
    }
}
