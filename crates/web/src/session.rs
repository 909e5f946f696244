//! Who is asking: the session cookie, the signed-in person, and CSRF checks.
//!
//! The session token lives in an HttpOnly cookie; the database keeps only its hash. Every
//! form and every script call carries the session's CSRF token, which a page of another
//! site cannot read, and a change without it is refused.

use axum::Json;
use axum::extract::{FromRequestParts, OptionalFromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::SignedDuration;
use tertial_app::Settings;
use tertial_domain::Actor;

use crate::error::{JsonError, WebError};
use crate::serve::Peer;
use crate::{AppState, WebSettings, text};

/// Tertial's cookies. Served over HTTPS their names carry the `__Host-` prefix, which
/// browsers accept only from this very host, Secure and for the whole site: a page on a
/// neighbouring domain cannot plant one (a pre-session fetched for itself, to sign someone
/// into its account, or a session, to fix someone's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cookie {
    /// The session token.
    Session,
    /// The sign-in form's pre-session, signed by the server (see `tertial_app`'s
    /// `presession`), before there is a session to bind a token to.
    SignIn,
    /// The secret of a sign-in under way at the identity provider (single sign-on), which
    /// binds its state to this browser.
    Sso,
    /// A random value of the browser that asked for a sign-in link: the link signs in only
    /// where this cookie is.
    LinkBrowser,
}

impl Cookie {
    pub fn name(self, secure: bool) -> &'static str {
        match (self, secure) {
            (Cookie::Session, true) => "__Host-tertial_session",
            (Cookie::Session, false) => "tertial_session",
            (Cookie::SignIn, true) => "__Host-tertial_login",
            (Cookie::SignIn, false) => "tertial_login",
            (Cookie::Sso, true) => "__Host-tertial_sso",
            (Cookie::Sso, false) => "tertial_sso",
            (Cookie::LinkBrowser, true) => "__Host-tertial_link",
            (Cookie::LinkBrowser, false) => "tertial_link",
        }
    }
}

/// A signed-in person.
#[derive(Debug, Clone)]
pub struct Signed {
    pub token: String,
    pub session: tertial_domain::Session,
}

impl Signed {
    pub fn actor(&self) -> &Actor {
        &self.session.actor
    }

    pub fn csrf(&self) -> &str {
        &self.session.csrf_token
    }

    /// Refuses a change whose CSRF token is missing or wrong.
    pub fn check_csrf(&self, given: Option<&str>) -> Result<(), WebError> {
        match given {
            Some(given) if constant_time_eq(given.as_bytes(), self.csrf().as_bytes()) => Ok(()),
            _ => Err(WebError::new(StatusCode::FORBIDDEN, text::CSRF_FAILED)),
        }
    }
}

/// How long a session has left, in whole seconds: what the form's script needs to warn
/// before the session ends (WCAG 2.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SessionLeft {
    /// Until it ends for want of use (each use extends it), at most `lifetime`.
    pub idle: i64,
    /// Until its lifetime is over, however much it is used.
    pub lifetime: i64,
}

/// How long before a session ends the form warns: two minutes, or half the idle time or
/// lifetime if either is shorter than four minutes. (Warned any earlier, pressing "Fortsätt
/// vara inloggad" might come too soon after the last use to extend anything.)
pub fn warn_before(settings: &Settings) -> i64 {
    SignedDuration::from_mins(2)
        .min(settings.session_idle / 2)
        .min(settings.session_lifetime / 2)
        .as_secs()
}

impl Signed {
    /// How long this session has left, now that this request has used it.
    pub fn left(&self, app: &tertial_app::App) -> SessionLeft {
        let now = app.now();
        let ends = app.session_ends(&self.session);
        SessionLeft {
            idle: ends.unused.duration_since(now).as_secs(),
            lifetime: ends.at_the_latest.duration_since(now).as_secs(),
        }
    }
}

/// "Fortsätt vara inloggad": the form's script asks, with the session's CSRF token, before
/// the session ends for want of use. Looking the session up has extended it; the answer
/// says how long it lasts now.
pub async fn stay_signed_in(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    form: Result<crate::form::FormData, WebError>,
) -> Result<Json<SessionLeft>, JsonError> {
    // The token comes in a header (the script's way) or in the body; a request without a
    // body at all needs the header.
    let form = form.ok();
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .or(form.as_ref().and_then(|f| f.get("csrf")));
    if let Err(e) = signed.check_csrf(token) {
        crate::pages::note_forgery(
            &state,
            Some(&signed),
            tertial_domain::AuditSubject::User(signed.actor().id),
        )
        .await;
        return Err(e.into());
    }
    Ok(Json(signed.left(&state.app)))
}

/// Not signed in: pages send the person to sign in and back; script calls get a 401 that
/// the script understands (it keeps the text and asks the person to sign in again).
pub struct NotSignedIn {
    next: String,
    json: bool,
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        if self.json {
            JsonError(WebError::new(StatusCode::UNAUTHORIZED, text::SIGNED_OUT)).into_response()
        } else {
            let next = urlencode(&self.next);
            Redirect::to(&format!("/logga-in?next={next}")).into_response()
        }
    }
}

impl Signed {
    /// The session the request's cookie names, if it is live. If it cannot be looked up
    /// (the database is unavailable), a script's call gets the error as JSON, as it gets
    /// every other.
    async fn lookup(parts: &Parts, state: &AppState) -> Result<Option<Signed>, Response> {
        let secure = state.settings.secure_cookies;
        let Some(token) = cookie(&parts.headers, Cookie::Session, secure) else {
            return Ok(None);
        };
        match state.app.session(&token).await {
            Ok(session) => Ok(session.map(|session| Signed { token, session })),
            Err(e) if wants_json(parts) => Err(JsonError::from(e).into_response()),
            Err(e) => Err(WebError::from(e).into_response()),
        }
    }
}

/// Whether the request is a script's, answered in JSON.
fn wants_json(parts: &Parts) -> bool {
    parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        if let Some(signed) = Signed::lookup(parts, state).await? {
            return Ok(signed);
        }
        let json = wants_json(parts);
        let next = if parts.method == axum::http::Method::GET {
            parts.uri.path().to_owned()
        } else {
            // After signing in, go back to the page the form was on, not its action.
            referer_path(&parts.headers).unwrap_or_else(|| "/".to_owned())
        };
        Err(NotSignedIn { next, json }.into_response())
    }
}

/// For handlers that do something else than send the person to sign in when there is no
/// session (the report form keeps what was posted).
impl OptionalFromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Response> {
        Signed::lookup(parts, state).await
    }
}

/// The address of the client, for throttling sign-ins: the connection's peer, or behind a
/// proxy that says so (`behind_proxy`), the address the proxy added last to
/// `X-Forwarded-For` (the only one it vouches for).
pub fn client_address(
    headers: &HeaderMap,
    peer: Option<Peer>,
    settings: &WebSettings,
) -> Option<std::net::IpAddr> {
    if settings.behind_proxy {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|ip| ip.trim().parse().ok())
    } else {
        peer.map(|p| p.0)
    }
}

/// One of our cookies from the request headers. A request that carries it twice (one of
/// them planted, say, for another path) gets neither: it is treated as not having it.
pub fn cookie(headers: &HeaderMap, which: Cookie, secure: bool) -> Option<String> {
    let name = which.name(secure);
    let mut values = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(n, _)| *n == name)
        .map(|(_, v)| v);
    let value = values.next()?;
    if values.next().is_some() || value.is_empty() {
        return None;
    }
    Some(value.to_owned())
}

/// A `Set-Cookie` header: HttpOnly, SameSite=Lax, and Secure when served over HTTPS.
/// `max_age` 0 removes the cookie. The sign-in token is only sent to the sign-in page,
/// except under `__Host-`, which requires the whole site.
pub fn set_cookie(which: Cookie, value: &str, secure: bool, max_age: Option<i64>) -> HeaderValue {
    let path = match which {
        Cookie::SignIn | Cookie::Sso if !secure => "/logga-in",
        Cookie::LinkBrowser if !secure => "/inloggningslank",
        _ => "/",
    };
    let mut cookie = format!(
        "{}={value}; Path={path}; HttpOnly; SameSite=Lax",
        which.name(secure)
    );
    if secure {
        cookie.push_str("; Secure");
    }
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    // Our names and random hex values are always valid header text.
    HeaderValue::from_str(&cookie).unwrap_or(HeaderValue::from_static(""))
}

/// Only plain local paths are followed after signing in, so the sign-in page cannot be used
/// to send someone to another site (browsers drop tabs and newlines, so `/\t/evil` would
/// become `//evil`).
pub fn safe_next(next: Option<&str>) -> String {
    let plain = |n: &str| {
        n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.'))
    };
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && plain(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn referer_path(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let after_scheme = referer.split_once("://")?.1;
    let path = &after_scheme[after_scheme.find('/')?..];
    Some(path.split('?').next().unwrap_or(path).to_owned())
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/rapporter/3")), "/rapporter/3");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "a=1; tertial_session=abc; b=2".parse().expect("header"),
        );
        assert_eq!(
            cookie(&headers, Cookie::Session, false).as_deref(),
            Some("abc")
        );
        assert_eq!(cookie(&headers, Cookie::SignIn, false), None);
        assert_eq!(cookie(&headers, Cookie::Session, true), None, "not __Host-");
    }

    #[test]
    fn a_cookie_sent_twice_is_not_trusted() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "tertial_session=planted; tertial_session=real"
                .parse()
                .expect("header"),
        );
        assert_eq!(cookie(&headers, Cookie::Session, false), None);
    }
}
