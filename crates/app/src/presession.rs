//! The sign-in form's guard against forged posts: a pre-session.
//!
//! Before anyone signs in, the browser gets a pre-session: a cookie holding when it was made
//! and a random value, signed with the server's key. The form carries a token derived from
//! it. A sign-in is taken only with a pre-session this server made less than
//! [`PRE_SESSION_LIFETIME`] ago and the token that belongs to it: a client cannot make up a
//! pair (as it could a plain double-submitted value), only fetch one from the sign-in page,
//! and that one runs out. Against another site the defences are the origin check, the
//! `SameSite` cookie and, over HTTPS, the `__Host-` cookie name, which no other site can set.
//! The key is kept in the database, so that every instance accepts every other's.

use sha2::{Digest, Sha256};

use crate::{App, AppError, Result};

/// How long a sign-in page may stay open before its form is refused.
pub const PRE_SESSION_LIFETIME: jiff::SignedDuration = jiff::SignedDuration::from_hours(2);

/// What the sign-in page hands out: the pre-session cookie's value, and the form's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInGuard {
    pub cookie: String,
    pub token: String,
}

impl App {
    /// The guard for a sign-in page: the browser's own pre-session while it is valid (so
    /// that two open tabs both work), otherwise a new one.
    pub async fn sign_in_guard(&self, cookie: Option<&str>) -> Result<SignInGuard> {
        let key = self.sign_in_key().await?;
        let cookie = match cookie.filter(|c| pre_session_valid(&key, c, self.now())) {
            Some(cookie) => cookie.to_owned(),
            None => {
                let issued = self.now().as_millisecond();
                let nonce = crate::auth::random_token()?;
                let mac = hex_mac(&key, &format!("pre-session|{issued}|{nonce}"));
                format!("{issued}.{nonce}.{mac}")
            }
        };
        let token = form_token(&key, &cookie);
        Ok(SignInGuard { cookie, token })
    }

    /// Whether a sign-in post carries a valid pre-session and its own token.
    pub async fn sign_in_guard_holds(
        &self,
        cookie: Option<&str>,
        token: Option<&str>,
    ) -> Result<bool> {
        let (Some(cookie), Some(token)) = (cookie, token) else {
            return Ok(false);
        };
        let key = self.sign_in_key().await?;
        Ok(pre_session_valid(&key, cookie, self.now())
            && equal_in_constant_time(token.as_bytes(), form_token(&key, cookie).as_bytes()))
    }

    /// The server's key for pre-sessions, made once and kept in the database.
    async fn sign_in_key(&self) -> Result<Vec<u8>> {
        self.sign_in_key
            .get_or_try_init(|| async {
                let fresh = crate::auth::random_token()?;
                let key = self.store.setting_or_insert("sign_in_key", &fresh).await?;
                Ok::<_, AppError>(key.into_bytes())
            })
            .await
            .cloned()
    }
}

fn pre_session_valid(key: &[u8], cookie: &str, at: jiff::Timestamp) -> bool {
    let mut parts = cookie.splitn(3, '.');
    let (Some(issued), Some(nonce), Some(mac)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let expected = hex_mac(key, &format!("pre-session|{issued}|{nonce}"));
    let Ok(issued) = issued.parse::<i64>() else {
        return false;
    };
    let age = jiff::SignedDuration::from_millis(at.as_millisecond().saturating_sub(issued));
    equal_in_constant_time(mac.as_bytes(), expected.as_bytes())
        && !age.is_negative()
        && age < PRE_SESSION_LIFETIME
}

fn form_token(key: &[u8], cookie: &str) -> String {
    hex_mac(key, &format!("sign-in-form|{cookie}"))
}

/// HMAC-SHA-256 (RFC 2104), hex-encoded.
fn hex_mac(key: &[u8], message: &str) -> String {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message.as_bytes())
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    crate::auth::hex(&outer)
}

fn equal_in_constant_time(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_is_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            hex_mac(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn pre_sessions_are_signed_and_run_out() {
        let key = b"a key of the server";
        let at = jiff::Timestamp::now();
        let issued = at.as_millisecond();
        let mac = hex_mac(key, &format!("pre-session|{issued}|abc"));
        let cookie = format!("{issued}.abc.{mac}");
        assert!(pre_session_valid(key, &cookie, at));
        assert!(!pre_session_valid(b"another key", &cookie, at));
        assert!(!pre_session_valid(key, &format!("{issued}.abd.{mac}"), at));
        assert!(!pre_session_valid(key, &cookie, at + PRE_SESSION_LIFETIME));
        assert!(!pre_session_valid(key, "chosen-by-the-client", at));
    }
}
