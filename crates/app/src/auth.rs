//! Signing in and out: local accounts with argon2id passwords, sessions in the database.

use std::net::IpAddr;
use std::sync::OnceLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};
use tertial_domain::throttle;
use tertial_domain::validate::is_valid_email;
use tertial_domain::{AuditAction, AuditSubject, NewAuditEntry};

use crate::{App, AppError, Result};

/// A new session: the token goes in the cookie, the CSRF token in every form.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
}

/// When a session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionEnds {
    /// If it is not used again.
    pub unused: tertial_domain::Timestamp,
    /// However much it is used.
    pub at_the_latest: tertial_domain::Timestamp,
}

/// A session is extended at most this often, so that reads stay reads (and at least four
/// times within the idle limit, however short it is set).
const TOUCH_INTERVAL: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

impl App {
    /// Signs a person in. Unknown e-mail and wrong password take the same time and give the
    /// same answer, so the form does not reveal who has an account. After a few failures on
    /// the account, or many from the client (`client`: its address), each further attempt
    /// must wait, longer each time; a correct password does not skip the wait.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<(NewSession, String)> {
        let email = email.trim().to_lowercase();
        // Only a plausible address is looked up or logged: the log is append-only, and
        // people do type passwords into the wrong box.
        let plausible = is_valid_email(&email);
        let account = plausible.then(|| format!("account:{email}"));
        let client = client.map(|ip| format!("client:{ip}"));
        let keyed: Vec<(&str, i64)> = [
            (account.as_deref(), throttle::ACCOUNT_FREE_FAILURES),
            (client.as_deref(), throttle::CLIENT_FREE_FAILURES),
        ]
        .into_iter()
        .filter_map(|(key, free)| Some((key?, free)))
        .collect();
        let keys: Vec<&str> = keyed.iter().map(|(key, _)| *key).collect();
        let at = self.now();
        let forget_before = at - throttle::FORGET_AFTER;
        let counted = self.store.sign_in_failures(&keys, forget_before).await?;
        let wait = keyed
            .iter()
            .zip(&counted)
            .map(|((_, free), (failures, last))| {
                let until = *last + throttle::wait_after(*failures, *free);
                until.duration_since(at)
            })
            .max()
            .unwrap_or_default();
        if wait.is_positive() {
            return Err(AppError::Throttled(wait));
        }

        let user = if plausible {
            self.store.user_by_email(&email).await?
        } else {
            None
        };
        let hash = user
            .as_ref()
            .and_then(|u| u.password_hash.clone())
            .unwrap_or_else(|| dummy_hash().to_owned());
        let matches = verify_password(password.to_owned(), hash).await?;
        let user = match user {
            Some(user) if matches && user.active => user,
            _ => {
                let failures = self
                    .store
                    .count_sign_in_failure(&keys, self.now(), forget_before)
                    .await?;
                // Counted, not written one by one: an entry for the first failure, the one
                // that starts the waiting, and every tenth.
                let worth_noting = keyed
                    .iter()
                    .zip(&failures)
                    .any(|((_, free), n)| throttle::audit_failure(*n, *free));
                if worth_noting {
                    let shown = if plausible {
                        email.as_str()
                    } else {
                        "(ingen giltig adress)"
                    };
                    let counts: Vec<String> = keys
                        .iter()
                        .zip(&failures)
                        .map(|(key, n)| format!("{}={n}", key.split(':').next().unwrap_or(key)))
                        .collect();
                    let entry =
                        NewAuditEntry::new(None, AuditAction::SignInFailed, AuditSubject::SignIn)
                            .with_detail(format!("email={shown} failures: {}", counts.join(" ")));
                    self.store.append_audit(&entry, self.now()).await?;
                }
                return Err(AppError::BadCredentials);
            }
        };
        if let Some(account) = &account {
            self.store.forget_sign_in_failures(account).await?;
        }
        let session = NewSession {
            token: random_token()?,
            csrf_token: random_token()?,
        };
        let at = self.now();
        self.store
            .insert_session(
                &token_hash(&session.token),
                user.actor.id,
                &session.csrf_token,
                at,
                self.expiry(at, at),
                &NewAuditEntry::new(
                    Some(user.actor.id),
                    AuditAction::SignedIn,
                    AuditSubject::User(user.actor.id),
                ),
            )
            .await?;
        Ok((session, user.actor.name))
    }

    /// The live session for a cookie's token, extended if it has not been for a while.
    /// Looked up at most once a second per session: a sign-out on another instance shows on
    /// pages within that second, and at once for every change (checked in its transaction).
    pub async fn session(&self, token: &str) -> Result<Option<tertial_domain::Session>> {
        let hash = token_hash(token);
        let at = self.now();
        if let Some(session) = self.recent_sessions.get(&hash, at) {
            return Ok(Some(session));
        }
        let Some(mut session) = self.store.session(&hash, at).await? else {
            return Ok(None);
        };
        if at.duration_since(session.last_seen_at) > self.touch_every() {
            let expires_at = self.expiry(session.created_at, at);
            match self.store.touch_session(&hash, at, expires_at).await {
                Ok(()) => {
                    session.last_seen_at = at;
                    session.expires_at = expires_at;
                }
                // Extending is a convenience: a database that cannot take writes just now
                // must not also stop people from reading.
                Err(e) => tracing::warn!(error = %crate::chain(&e), "could not extend a session"),
            }
        }
        self.recent_sessions.put(hash, session.clone(), at);
        Ok(Some(session))
    }

    /// When a session ends: as it is stored (looking it up extended it, unless it was used a
    /// moment ago), and at the latest.
    pub fn session_ends(&self, session: &tertial_domain::Session) -> SessionEnds {
        SessionEnds {
            unused: session.expires_at,
            at_the_latest: session.created_at + self.settings.session_lifetime,
        }
    }

    /// A session is extended at most this often.
    fn touch_every(&self) -> jiff::SignedDuration {
        TOUCH_INTERVAL.min(self.settings.session_idle / 4)
    }

    /// When a session used now ends: after the idle time, but never later than its lifetime
    /// allows.
    pub(crate) fn expiry(
        &self,
        created_at: tertial_domain::Timestamp,
        now: tertial_domain::Timestamp,
    ) -> tertial_domain::Timestamp {
        (now + self.settings.session_idle).min(created_at + self.settings.session_lifetime)
    }

    pub async fn sign_out(&self, token: &str, session: &tertial_domain::Session) -> Result<()> {
        let hash = token_hash(token);
        self.recent_sessions.forget(&hash);
        self.store
            .delete_session(
                &hash,
                self.now(),
                &NewAuditEntry::new(
                    Some(session.actor.id),
                    AuditAction::SignedOut,
                    AuditSubject::User(session.actor.id),
                ),
            )
            .await?;
        self.recent_sessions.forget(&hash);
        Ok(())
    }
}

/// Password hashing is deliberately expensive: 19 MiB and tens of milliseconds each. At most
/// this many run at once, so a burst of sign-ins queues instead of taking all memory and CPU.
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    })
}

/// Runs password work off the async threads, within the hashing limit.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let _permit = hashing_permits()
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Hashes a password with argon2id and a random salt.
pub async fn hash_password(password: String) -> Result<String> {
    hashing(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("hashing: {e}")))
    })
    .await?
}

async fn verify_password(password: String, hash: String) -> Result<bool> {
    hashing(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
}

/// A valid hash of nothing anyone knows, to verify against when the account is unknown.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let mut salt = [0u8; 16];
        let _ = getrandom::fill(&mut salt);
        Argon2::default()
            .hash_password_with_salt(&salt, &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// 256 random bits, hex-encoded.
pub fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("randomness: {e}")))?;
    Ok(hex(&bytes))
}

/// What the database keeps of a session token.
pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
