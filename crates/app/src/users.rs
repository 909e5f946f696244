//! Managing accounts.

use tertial_domain::validate::is_valid_email;
use tertial_domain::{BodyId, Role, UserId};
use tertial_store::{NewUser, Store};

use crate::auth::hash_password;
use crate::{AppError, Result, now};

/// The shortest password accepted for a local account.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Adds a local account (from the command line, by an administrator).
pub async fn add_user(
    store: &Store,
    email: &str,
    name: &str,
    role: Role,
    bodies: Vec<BodyId>,
    password: &str,
) -> Result<UserId> {
    let email = email.trim().to_lowercase();
    if !is_valid_email(&email) {
        return Err(AppError::Internal(format!(
            "not an e-mail address: {email}"
        )));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::Internal(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if (role == Role::Reporter) == bodies.is_empty() {
        return Err(AppError::Internal(
            "a reporter needs at least one body; other roles none".into(),
        ));
    }
    for body in &bodies {
        store.body(*body).await?.ok_or(AppError::NotFound)?;
    }
    let user = NewUser {
        email,
        name: name.trim().to_owned(),
        role,
        password_hash: Some(hash_password(password.to_owned()).await?),
        bodies,
    };
    Ok(store.insert_user(&user, now(), None).await?)
}
