//! Signing in through the organisation's identity provider (OpenID Connect).
//!
//! Beginning: a random state and a random secret for the browser's cookie; the PKCE
//! verifier and the nonce are derived from the two, so the database keeps only hashes and a
//! copy of it finishes no sign-in. Coming back: the state is used once, by the browser that
//! began (its cookie), within ten minutes; the code is exchanged, the ID token verified, its
//! nonce compared; the provider's groups give the role and bodies. Every outcome is in the
//! audit log, and nothing is created on a refusal.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use sha2::{Digest, Sha256};
use tertial_domain::sso::{GroupMapping, SsoRefusal, provider_email, role_from_groups};
use tertial_domain::validate::clean_line;
use tertial_domain::{AuditAction, AuditSubject, BodyId, NewAuditEntry, Timestamp};
use tertial_oidc::TokenProblem;
use tertial_store::{NewSsoLogin, SsoAccount, SsoLoginClaim, SsoSignIn};

use crate::auth::{NewSession, hex, random_token, token_hash};
use crate::{App, AppError, Result};

/// The identity provider as configured.
pub struct Sso {
    pub client: tertial_oidc::Client,
    /// The organisation's name on the button: "Logga in med <name>".
    pub organisation: String,
    /// The claim that carries the e-mail address (`email`).
    pub email_claim: String,
    /// The claim that carries the groups or roles (`groups`).
    pub groups_claim: String,
    pub groups: Vec<GroupMapping>,
}

/// A sign-in begun: send the browser to `url`, with `browser_secret` in a cookie.
#[derive(Debug, Clone)]
pub struct SsoStart {
    pub url: String,
    pub browser_secret: String,
}

/// What the provider sent back to the callback.
#[derive(Debug, Clone, Default)]
pub struct SsoCallback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// A sign-in begun is good for this long.
const LOGIN_TTL: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);

/// Refusals anyone can cause without the provider (a callback without state, an old state)
/// are written at most this often per reason, so that a script cannot flood the log.
const CHEAP_REFUSAL_INTERVAL: jiff::SignedDuration = jiff::SignedDuration::from_secs(10);

/// When each cheap refusal was last written.
pub(crate) type SsoRefusalLog = Arc<Mutex<HashMap<SsoRefusal, Timestamp>>>;

impl App {
    /// The same application with single sign-on through this provider.
    pub fn with_sso(self, sso: Sso) -> App {
        App {
            sso: Some(Arc::new(sso)),
            ..self
        }
    }

    /// The organisation's name for "Logga in med …", when single sign-on is configured.
    pub fn sso_organisation(&self) -> Option<&str> {
        self.sso.as_deref().map(|s| s.organisation.as_str())
    }

    /// The provider's origin, which sign-out forms go on to.
    pub fn sso_origin(&self) -> Option<String> {
        self.sso.as_deref().and_then(|s| s.client.origin())
    }

    fn sso(&self) -> Result<&Sso> {
        self.sso.as_deref().ok_or(AppError::NotFound)
    }

    /// Begins a sign-in at the provider; `next` is where to go afterwards (a local path).
    pub async fn sso_begin(&self, next: &str) -> Result<SsoStart> {
        let sso = self.sso()?;
        let browser_secret = random_token()?;
        let state = random_token()?;
        let nonce = derived("nonce", &browser_secret, &state);
        let verifier = derived("pkce", &browser_secret, &state);
        let url = match sso
            .client
            .authorization_url(&state, &nonce, &verifier)
            .await
        {
            Ok(url) => url,
            Err(e) => {
                return Err(self
                    .sso_refused(SsoRefusal::ProviderUnavailable, &e.to_string())
                    .await);
            }
        };
        let at = self.now();
        let login = NewSsoLogin {
            state_hash: token_hash(&state),
            browser_hash: token_hash(&browser_secret),
            nonce_hash: token_hash(&nonce),
            next_path: next.to_owned(),
            expires_at: at + LOGIN_TTL,
        };
        self.store.begin_sso_login(&login, at).await?;
        Ok(SsoStart {
            url,
            browser_secret,
        })
    }

    /// Finishes a sign-in the provider sent back: a new session and where to go, or the
    /// refusal (audited; nothing created).
    pub async fn sso_finish(
        &self,
        callback: SsoCallback,
        browser_secret: Option<&str>,
    ) -> Result<(NewSession, String)> {
        let sso = self.sso()?;
        if let Some(error) = &callback.error {
            let error: String = error
                .chars()
                .filter(char::is_ascii_graphic)
                .take(64)
                .collect();
            return Err(self
                .sso_refused(SsoRefusal::ProviderError, &format!("error={error}"))
                .await);
        }
        let Some(state) = callback.state.as_deref() else {
            return Err(self.sso_refused(SsoRefusal::StateMissing, "").await);
        };
        // Without the cookie nothing matches, but a replayed state is still told as such.
        let browser = browser_secret.unwrap_or_default();
        let browser_hash = browser_secret.map(token_hash).unwrap_or_default();
        let claim = self
            .store
            .claim_sso_login(&token_hash(state), &browser_hash, self.now())
            .await?;
        let (nonce_hash, next) = match claim {
            SsoLoginClaim::Claimed {
                nonce_hash,
                next_path,
            } => (nonce_hash, next_path),
            SsoLoginClaim::Unknown | SsoLoginClaim::Expired => {
                return Err(self.sso_refused(SsoRefusal::StateExpired, "").await);
            }
            SsoLoginClaim::Replayed => {
                return Err(self.sso_refused(SsoRefusal::StateReplayed, "").await);
            }
            SsoLoginClaim::ForeignBrowser if browser_secret.is_none() => {
                return Err(self.sso_refused(SsoRefusal::StateMissing, "").await);
            }
            SsoLoginClaim::ForeignBrowser => {
                return Err(self.sso_refused(SsoRefusal::StateForeign, "").await);
            }
        };
        let Some(code) = callback.code.as_deref() else {
            return Err(self.sso_refused(SsoRefusal::ProviderError, "no code").await);
        };
        let verifier = derived("pkce", browser, state);
        let now = self.now().as_second();
        let token = match sso.client.redeem(code, &verifier, now).await {
            Ok(token) => token,
            Err(tertial_oidc::Error::Token(problem)) => {
                return Err(self.sso_refused(token_refusal(problem), "").await);
            }
            Err(e @ tertial_oidc::Error::Provider(_)) => {
                tracing::warn!(error = %e, "single sign-on: the provider failed");
                return Err(self.sso_refused(SsoRefusal::ProviderUnavailable, "").await);
            }
        };
        let who = format!("sub={}", token.subject);
        let nonce = token.nonce.as_deref().map(token_hash);
        if nonce.as_deref() != Some(nonce_hash.as_str()) {
            let replayed = match &nonce {
                Some(hash) => self.store.sso_nonce_used(hash).await?,
                None => false,
            };
            let reason = if replayed {
                SsoRefusal::NonceReplayed
            } else {
                SsoRefusal::NonceMismatch
            };
            return Err(self.sso_refused(reason, &who).await);
        }
        let groups = strings(token.claims.get(&sso.groups_claim));
        let Some((role, body_names)) = role_from_groups(&groups, &sso.groups) else {
            // At most a few of them: some directories send hundreds.
            let shown: Vec<&str> = groups.iter().take(20).map(String::as_str).collect();
            let detail = format!("{who} groups={}", shown.join(","));
            return Err(self.sso_refused(SsoRefusal::NoMappedGroup, &detail).await);
        };
        let bodies = self.sso_bodies(&body_names).await?;
        if bodies.len() != body_names.len() {
            let detail = format!("{who} bodies={}", body_names.join(","));
            return Err(self.sso_refused(SsoRefusal::UnknownBody, &detail).await);
        }
        let issuer = sso.client.config().issuer.clone();
        let account = match self.store.sso_identity(&issuer, &token.subject).await? {
            Some((_, false)) => {
                return Err(self.sso_refused(SsoRefusal::AccountDeactivated, &who).await);
            }
            Some((user, true)) => SsoAccount::Linked(user),
            None => {
                let email = token.claims.get(&sso.email_claim).and_then(Value::as_str);
                let Some(email) = provider_email(email) else {
                    return Err(self.sso_refused(SsoRefusal::EmailMissing, &who).await);
                };
                let who = format!("{who} email={email}");
                if token.claims.get("email_verified") != Some(&Value::Bool(true)) {
                    return Err(self.sso_refused(SsoRefusal::EmailNotVerified, &who).await);
                }
                match self.store.user_by_email(&email).await? {
                    Some(user) if !user.active => {
                        return Err(self.sso_refused(SsoRefusal::AccountDeactivated, &who).await);
                    }
                    Some(user) => SsoAccount::Link(user.actor.id),
                    None => SsoAccount::Create {
                        name: person_name(&token.claims, &email),
                        email,
                    },
                }
            }
        };
        let session = NewSession {
            token: random_token()?,
            csrf_token: random_token()?,
        };
        let at = self.now();
        let sign_in = SsoSignIn {
            issuer,
            subject: token.subject.clone(),
            account,
            role,
            bodies,
            session_hash: token_hash(&session.token),
            csrf_token: session.csrf_token.clone(),
            expires_at: self.expiry(at, at),
            id_token: token.raw,
        };
        self.store.sso_sign_in(&sign_in, at).await?;
        Ok((session, next))
    }

    /// Where to send the browser after signing out of Tertial, to end the provider's
    /// session too: `None` for a session not begun through the provider (or a provider
    /// that cannot say, which is logged; the person is signed out of Tertial all the same).
    pub async fn sso_sign_out_url(&self, token: &str) -> Result<Option<String>> {
        let Some(sso) = self.sso.as_deref() else {
            return Ok(None);
        };
        let Some(id_token) = self.store.sso_id_token(&token_hash(token)).await? else {
            return Ok(None);
        };
        let back = format!("{}/logga-in", self.settings.public_url);
        match sso.client.end_session_url(&id_token, &back).await {
            Ok(url) => Ok(url),
            Err(e) => {
                tracing::warn!(error = %e, "single sign-on: cannot end the provider's session");
                Ok(None)
            }
        }
    }

    /// The active bodies with these short names or names.
    async fn sso_bodies(&self, names: &[String]) -> Result<Vec<BodyId>> {
        let bodies = self.store.bodies().await?;
        Ok(names
            .iter()
            .filter_map(|name| {
                bodies
                    .iter()
                    .find(|b| b.active && (b.short_name == *name || b.name == *name))
                    .map(|b| b.id)
            })
            .collect())
    }

    /// Notes a refused sign-in in the audit log and returns the error to show.
    async fn sso_refused(&self, reason: SsoRefusal, detail: &str) -> AppError {
        let at = self.now();
        let cheap = matches!(
            reason,
            SsoRefusal::StateMissing
                | SsoRefusal::StateExpired
                | SsoRefusal::StateForeign
                | SsoRefusal::StateReplayed
                | SsoRefusal::ProviderError
        );
        let due = !cheap
            || match self.sso_refusals.lock() {
                Ok(mut last) => {
                    let due = last
                        .get(&reason)
                        .is_none_or(|t| at.duration_since(*t) >= CHEAP_REFUSAL_INTERVAL);
                    if due {
                        last.insert(reason, at);
                    }
                    due
                }
                Err(_) => true,
            };
        if due {
            let entry = NewAuditEntry::new(None, AuditAction::SsoRefused, AuditSubject::SignIn)
                .with_detail(
                    format!("reason={} {detail}", reason.code())
                        .trim_end()
                        .to_owned(),
                );
            if let Err(e) = self.store.append_audit(&entry, at).await {
                tracing::warn!(error = %crate::chain(&e), "could not note a refused sign-in");
            }
        }
        AppError::SsoRefused(reason)
    }
}

fn token_refusal(problem: TokenProblem) -> SsoRefusal {
    match problem {
        TokenProblem::WrongAudience => SsoRefusal::WrongAudience,
        TokenProblem::WrongIssuer => SsoRefusal::WrongIssuer,
        TokenProblem::Expired | TokenProblem::IssuedInFuture => SsoRefusal::TokenExpired,
        TokenProblem::BadSignature | TokenProblem::UnsupportedAlgorithm => SsoRefusal::BadSignature,
        TokenProblem::UnknownKey => SsoRefusal::UnknownKey,
        TokenProblem::Malformed => SsoRefusal::MalformedToken,
    }
}

/// A secret derived from the browser's cookie and the state: the PKCE verifier and the
/// nonce, never stored.
fn derived(purpose: &str, browser_secret: &str, state: &str) -> String {
    hex(&Sha256::digest(
        format!("tertial-sso-{purpose}\0{browser_secret}\0{state}").as_bytes(),
    ))
}

/// A claim's strings: a list, or one string.
fn strings(claim: Option<&Value>) -> Vec<String> {
    match claim {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

/// A new account's name: the provider's `name`, if it is a clean line, else the address.
fn person_name(claims: &serde_json::Map<String, Value>, email: &str) -> String {
    claims
        .get("name")
        .and_then(Value::as_str)
        .and_then(|name| clean_line(name.trim(), 200).ok())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| email.to_owned())
}
