//! Bodies and people as coordinators and administrators manage them from the browser, and
//! invitations: each change with its audit entry in one transaction.

use sqlx::Row;
use sqlx::any::AnyRow;
use tertial_domain::people::{Account, BodyFields, PersonFields};
use tertial_domain::{
    AuditAction, AuditSubject, Body, BodyId, NewAuditEntry, NewMail, Role, Round, RoundStatus,
    Timestamp, UserId,
};

use crate::followups::body_from_row;
use crate::rounds::round_from_columns;
use crate::write::WriteTx;
use crate::{NewUser, Result, Store, audit, corrupt, duplicate, millis, outbox, timestamp};

/// A body with how many active people report for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyListing {
    pub body: Body,
    pub people: i64,
}

/// An account as the list of people shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub bodies: Vec<BodyId>,
    pub active: bool,
    /// Whether a password was ever set (an invited account has none until it uses its link).
    pub has_password: bool,
    pub last_sign_in_at: Option<Timestamp>,
}

impl Person {
    pub fn account(&self) -> Account {
        Account {
            id: self.id,
            role: self.role,
            active: self.active,
        }
    }
}

/// Why a body cannot be deactivated: it has a report in this open round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InOpenRound(pub Round);

/// A one-time link's token as stored (its hash), and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    pub token_hash: String,
    pub expires_at: Timestamp,
}

const PERSON_COLUMNS: &str = "u.id, u.name, u.email, u.role, u.active, u.last_sign_in_at, \
                              CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS has_password, ub.body_id";

impl Store {
    /// Every body with how many active people report for it, by name.
    pub async fn body_listings(&self) -> Result<Vec<BodyListing>> {
        let rows = sqlx::query(
            "SELECT b.id, b.name, b.short_name, b.kind, b.active,
                    (SELECT COUNT(*) FROM user_bodies ub JOIN users u ON u.id = ub.user_id
                     WHERE ub.body_id = b.id AND u.active = 1 AND u.role = 'reporter') AS people
             FROM bodies b ORDER BY b.name",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(BodyListing {
                    body: body_from_row(row)?,
                    people: row.try_get("people")?,
                })
            })
            .collect()
    }

    /// Adds a body, audited. Fails with [`crate::StoreError::Duplicate`] if the name is taken.
    pub async fn add_body(&self, body: &BodyFields, by: UserId, at: Timestamp) -> Result<BodyId> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO bodies (name, short_name, kind, active) VALUES ($1, $2, $3, 1)
             RETURNING id",
        )
        .bind(body.name.as_str())
        .bind(body.short_name.as_str())
        .bind(body.kind.code())
        .fetch_one(&mut *tx)
        .await
        .map_err(duplicate("body"))?;
        let entry = NewAuditEntry::new(
            Some(by),
            AuditAction::BodyAdded,
            AuditSubject::Body(BodyId(id)),
        )
        .with_detail(format!("kind={}", body.kind.code()));
        audit::append(&mut tx, &entry, at).await?;
        tx.commit().await?;
        Ok(BodyId(id))
    }

    /// Changes a body's name, short name and kind, audited. `false`: no such body.
    pub async fn change_body(
        &self,
        id: BodyId,
        body: &BodyFields,
        by: UserId,
        at: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let changed =
            sqlx::query("UPDATE bodies SET name = $1, short_name = $2, kind = $3 WHERE id = $4")
                .bind(body.name.as_str())
                .bind(body.short_name.as_str())
                .bind(body.kind.code())
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(duplicate("body"))?
                .rows_affected();
        finish(
            tx,
            changed == 1,
            NewAuditEntry::new(Some(by), AuditAction::BodyChanged, AuditSubject::Body(id)),
            at,
        )
        .await
    }

    /// Deactivates or reactivates a body, audited. A body with a report in an open round
    /// stays active (the round is named). `Ok(false)`: no such body.
    pub async fn set_body_active(
        &self,
        id: BodyId,
        active: bool,
        by: UserId,
        at: Timestamp,
    ) -> Result<Result<bool, InOpenRound>> {
        let mut tx = self.begin().await?;
        if !active {
            let open = sqlx::query(
                "SELECT r.id, r.follow_up_id, r.period, r.year, r.status, r.deadline
                 FROM rounds r JOIN reports p ON p.round_id = r.id
                 WHERE p.body_id = $1 AND r.status = $2 ORDER BY r.id LIMIT 1",
            )
            .bind(id.0)
            .bind(RoundStatus::Open.code())
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = open {
                let round = round_from_columns(&row, "id", "status")?;
                tx.rollback().await?;
                return Ok(Err(InOpenRound(round)));
            }
        }
        let changed = sqlx::query("UPDATE bodies SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let action = if active {
            AuditAction::BodyReactivated
        } else {
            AuditAction::BodyDeactivated
        };
        let entry = NewAuditEntry::new(Some(by), action, AuditSubject::Body(id));
        Ok(Ok(finish(tx, changed == 1, entry, at).await?))
    }

    /// Every account with its bodies, by name.
    pub async fn people(&self) -> Result<Vec<Person>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM users u
             LEFT JOIN user_bodies ub ON ub.user_id = u.id AND u.role = 'reporter'
             ORDER BY u.name, u.id, ub.body_id"
        )))
        .fetch_all(&self.read)
        .await?;
        people_from_rows(&rows)
    }

    /// One account with its bodies.
    pub async fn person(&self, id: UserId) -> Result<Option<Person>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PERSON_COLUMNS} FROM users u
             LEFT JOIN user_bodies ub ON ub.user_id = u.id AND u.role = 'reporter'
             WHERE u.id = $1 ORDER BY ub.body_id"
        )))
        .bind(id.0)
        .fetch_all(&self.read)
        .await?;
        Ok(people_from_rows(&rows)?.pop())
    }

    /// How many administrators' accounts are active.
    pub async fn active_admins(&self) -> Result<usize> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1 AND active = 1")
                .bind(Role::Admin.code())
                .fetch_one(&self.read)
                .await?;
        usize::try_from(n).map_err(corrupt)
    }

    /// Changes a person's name, role and bodies, audited. An active administrator is never
    /// made something else when no other is active (checked again here, in the transaction).
    /// `false`: no such account, or it was the last administrator.
    pub async fn change_person(
        &self,
        id: UserId,
        person: &PersonFields,
        by: UserId,
        at: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE users SET name = $1, role = $2 WHERE id = $3
               AND ($2 = $4 OR role <> $4 OR active = 0
                    OR (SELECT COUNT(*) FROM users WHERE role = $4 AND active = 1) > 1)",
        )
        .bind(person.name.as_str())
        .bind(person.role.code())
        .bind(id.0)
        .bind(Role::Admin.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM user_bodies WHERE user_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        insert_bodies(&mut tx, id, &person.bodies).await?;
        let entry = NewAuditEntry::new(Some(by), AuditAction::UserChanged, AuditSubject::User(id))
            .with_detail(format!(
                "role={} bodies={}",
                person.role.code(),
                person.bodies.len()
            ));
        finish(tx, changed == 1, entry, at).await
    }

    /// Deactivates (ending every session at once) or reactivates an account, audited.
    /// `false`: no such account, or it was the last active administrator.
    pub async fn set_person_active(
        &self,
        id: UserId,
        active: bool,
        by: UserId,
        at: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE users SET active = $1 WHERE id = $2
               AND ($1 = 1 OR role <> $3
                    OR (SELECT COUNT(*) FROM users WHERE role = $3 AND active = 1) > 1)",
        )
        .bind(i64::from(active))
        .bind(id.0)
        .bind(Role::Admin.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let action = if active {
            AuditAction::UserReactivated
        } else {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            AuditAction::UserDeactivated
        };
        let entry = NewAuditEntry::new(Some(by), action, AuditSubject::User(id));
        finish(tx, changed == 1, entry, at).await
    }

    /// Creates an account without a password and its invitation, and queues `mail` (which
    /// holds the link), all audited in one transaction. Fails with
    /// [`crate::StoreError::Duplicate`] if the address has an account.
    pub async fn invite(
        &self,
        user: &NewUser,
        invitation: &NewInvitation,
        mail: &NewMail,
        by: UserId,
        at: Timestamp,
    ) -> Result<UserId> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, role, password_hash, active, created_at)
             VALUES ($1, $2, $3, NULL, 1, $4) RETURNING id",
        )
        .bind(user.email.as_str())
        .bind(user.name.as_str())
        .bind(user.role.code())
        .bind(millis(at))
        .fetch_one(&mut *tx)
        .await
        .map_err(duplicate("user"))?;
        let id = UserId(id);
        insert_bodies(&mut tx, id, &user.bodies).await?;
        audit::append(&mut tx, &NewAuditEntry::user_added(Some(by), id), at).await?;
        send_invitation(&mut tx, id, invitation, mail, by, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A new invitation for an account that has never set a password; every older one stops
    /// working. `false`: no such active account without a password.
    pub async fn reinvite(
        &self,
        id: UserId,
        invitation: &NewInvitation,
        mail: &NewMail,
        by: UserId,
        at: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let waiting: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM users WHERE id = $1 AND password_hash IS NULL AND active = 1",
        )
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        if waiting.is_none() {
            tx.rollback().await?;
            return Ok(false);
        }
        send_invitation(&mut tx, id, invitation, mail, by, at).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The name and address of the active account whose unused, unrevoked, unexpired
    /// invitation has this token hash.
    pub async fn invitation(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(String, String)>> {
        let row = sqlx::query(
            "SELECT u.name, u.email FROM invitations i JOIN users u ON u.id = i.user_id
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL
               AND i.expires_at > $2 AND u.active = 1",
        )
        .bind(token_hash)
        .bind(millis(now))
        .fetch_optional(&self.read)
        .await?;
        row.map(|row| Ok((row.try_get("name")?, row.try_get("email")?)))
            .transpose()
    }

    /// Uses an invitation: sets the account's password and marks the invitation used, in one
    /// transaction, audited. `None`: the token is unknown, used, revoked or expired, or the
    /// account is not active.
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: Timestamp,
    ) -> Result<Option<UserId>> {
        let mut tx = self.begin().await?;
        let user: Option<i64> = sqlx::query_scalar(
            "UPDATE invitations SET used_at = $2
             WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
             RETURNING user_id",
        )
        .bind(token_hash)
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        let set = match user {
            Some(user) => {
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND active = 1")
                    .bind(password_hash)
                    .bind(user)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            }
            None => 0,
        };
        let Some(user) = user.filter(|_| set == 1).map(UserId) else {
            tx.rollback().await?;
            return Ok(None);
        };
        let entry = NewAuditEntry::new(
            Some(user),
            AuditAction::InvitationUsed,
            AuditSubject::User(user),
        );
        audit::append(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(Some(user))
    }
}

/// Appends `entry` and commits when the change found its row; otherwise rolls back.
pub(crate) async fn finish(
    mut tx: WriteTx,
    found: bool,
    entry: NewAuditEntry,
    at: Timestamp,
) -> Result<bool> {
    if !found {
        tx.rollback().await?;
        return Ok(false);
    }
    audit::append(&mut tx, &entry, at).await?;
    tx.commit().await?;
    Ok(true)
}

pub(crate) async fn insert_bodies(tx: &mut WriteTx, user: UserId, bodies: &[BodyId]) -> Result<()> {
    for body in bodies {
        sqlx::query("INSERT INTO user_bodies (user_id, body_id) VALUES ($1, $2)")
            .bind(user.0)
            .bind(body.0)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Revokes the account's open invitations, stores the new one and queues its mail.
async fn send_invitation(
    tx: &mut WriteTx,
    user: UserId,
    invitation: &NewInvitation,
    mail: &NewMail,
    by: UserId,
    at: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE invitations SET revoked_at = $2
         WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(user.0)
    .bind(millis(at))
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO invitations (user_id, token_hash, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user.0)
    .bind(invitation.token_hash.as_str())
    .bind(by.0)
    .bind(millis(at))
    .bind(millis(invitation.expires_at))
    .execute(&mut **tx)
    .await?;
    let entry = NewAuditEntry::new(
        Some(by),
        AuditAction::InvitationSent,
        AuditSubject::User(user),
    );
    audit::append(tx, &entry, at).await?;
    outbox::enqueue(tx, mail, at).await?;
    Ok(())
}

fn people_from_rows(rows: &[AnyRow]) -> Result<Vec<Person>> {
    let mut people: Vec<Person> = Vec::new();
    for row in rows {
        let id = UserId(row.try_get("id")?);
        if people.last().is_none_or(|p| p.id != id) {
            people.push(Person {
                id,
                name: row.try_get("name")?,
                email: row.try_get("email")?,
                role: Role::from_code(row.try_get("role")?).map_err(corrupt)?,
                bodies: Vec::new(),
                active: row.try_get::<i64, _>("active")? != 0,
                has_password: row.try_get::<i64, _>("has_password")? != 0,
                last_sign_in_at: row
                    .try_get::<Option<i64>, _>("last_sign_in_at")?
                    .map(timestamp)
                    .transpose()?,
            });
        }
        if let (Some(person), Some(body)) =
            (people.last_mut(), row.try_get::<Option<i64>, _>("body_id")?)
        {
            person.bodies.push(BodyId(body));
        }
    }
    Ok(people)
}
