//! The register of actors (organisations that answers name), kept by coordinators: each
//! change with its audit entry in one transaction.

use sqlx::Row;
use sqlx::any::AnyRow;
use tertial_domain::insights::actors::{ActorFields, RegisteredActor};
use tertial_domain::{ActorId, AuditAction, AuditSubject, NewAuditEntry, Timestamp, UserId};

use crate::people::finish;
use crate::{Result, Store, audit, duplicate};

fn actor_from_row(row: &AnyRow) -> Result<RegisteredActor> {
    let aliases: String = row.try_get("aliases")?;
    Ok(RegisteredActor {
        id: ActorId(row.try_get("id")?),
        name: row.try_get("name")?,
        aliases: aliases.lines().map(str::to_owned).collect(),
        active: row.try_get::<i64, _>("active")? == 1,
    })
}

fn entry(by: UserId, action: AuditAction, id: ActorId, name: &str) -> NewAuditEntry {
    NewAuditEntry::new(Some(by), action, AuditSubject::Actor(id))
        .with_detail(format!("name={name}"))
}

impl Store {
    /// Every actor in the register, by name.
    pub async fn actors(&self) -> Result<Vec<RegisteredActor>> {
        let rows =
            sqlx::query("SELECT id, name, aliases, active FROM actors ORDER BY name_key, id")
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(actor_from_row).collect()
    }

    /// One actor.
    pub async fn actor(&self, id: ActorId) -> Result<Option<RegisteredActor>> {
        let row = sqlx::query("SELECT id, name, aliases, active FROM actors WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(actor_from_row).transpose()
    }

    /// Adds an actor, audited. Fails with [`crate::StoreError::Duplicate`] if another actor
    /// has the name (in any case).
    pub async fn add_actor(
        &self,
        fields: &ActorFields,
        by: UserId,
        at: Timestamp,
    ) -> Result<ActorId> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO actors (name, name_key, aliases, active) VALUES ($1, $2, $3, 1)
             RETURNING id",
        )
        .bind(fields.name.as_str())
        .bind(fields.name.to_lowercase())
        .bind(fields.aliases.join("\n"))
        .fetch_one(&mut *tx)
        .await
        .map_err(duplicate("actor"))?;
        let id = ActorId(id);
        audit::append(
            &mut tx,
            &entry(by, AuditAction::ActorAdded, id, &fields.name),
            at,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an actor's name and aliases, audited. `false`: no such actor.
    pub async fn change_actor(
        &self,
        id: ActorId,
        fields: &ActorFields,
        by: UserId,
        at: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let changed =
            sqlx::query("UPDATE actors SET name = $1, name_key = $2, aliases = $3 WHERE id = $4")
                .bind(fields.name.as_str())
                .bind(fields.name.to_lowercase())
                .bind(fields.aliases.join("\n"))
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(duplicate("actor"))?
                .rows_affected();
        let entry = entry(by, AuditAction::ActorChanged, id, &fields.name);
        finish(tx, changed == 1, entry, at).await
    }

    /// Deactivates or reactivates an actor, audited. `false`: no such actor.
    pub async fn set_actor_active(
        &self,
        id: ActorId,
        active: bool,
        by: UserId,
        at: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let name: Option<String> =
            sqlx::query_scalar("UPDATE actors SET active = $1 WHERE id = $2 RETURNING name")
                .bind(i64::from(active))
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
        let action = if active {
            AuditAction::ActorReactivated
        } else {
            AuditAction::ActorDeactivated
        };
        let entry = entry(by, action, id, name.as_deref().unwrap_or_default());
        finish(tx, name.is_some(), entry, at).await
    }
}
