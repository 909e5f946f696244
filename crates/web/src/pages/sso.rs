//! Signing in through the organisation's identity provider (OpenID Connect): the button's
//! link sends the browser there, and the provider sends it back to the callback.
//!
//! Both are plain GET navigations, so they work without JavaScript, and the redirect to the
//! provider is no form post (our `form-action 'self'` would stop it). A refusal shows the
//! sign-in page with its reason.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tertial_app::{AppError, SsoCallback};

use super::auth::{SignInForm, sign_in_form};
use crate::error::{WebError, status_of};
use crate::session::{Cookie, cookie, safe_next, set_cookie};
use crate::{AppState, text};

/// How long the cookie of a sign-in under way lives (the sign-in itself, ten minutes).
const SSO_COOKIE_SECONDS: i64 = 600;

#[derive(Deserialize)]
pub struct BeginQuery {
    next: Option<String>,
}

/// "Logga in med …": begins a sign-in at the provider.
pub async fn begin(
    State(state): State<AppState>,
    Query(query): Query<BeginQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let next = safe_next(query.next.as_deref());
    match state.app.sso_begin(&next).await {
        Ok(start) => {
            let mut response = Redirect::to(&start.url).into_response();
            let secure = state.settings.secure_cookies;
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    Cookie::Sso,
                    &start.browser_secret,
                    secure,
                    Some(SSO_COOKIE_SECONDS),
                ),
            );
            Ok(response)
        }
        Err(e @ AppError::SsoRefused(_)) => refused(&state, &headers, next, &e).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Where the provider sends the browser back.
pub async fn callback(
    State(state): State<AppState>,
    Query(query): Query<CallbackQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let secure = state.settings.secure_cookies;
    let browser = cookie(&headers, Cookie::Sso, secure);
    let callback = SsoCallback {
        code: query.code,
        state: query.state,
        error: query.error,
    };
    let mut response = match state.app.sso_finish(callback, browser.as_deref()).await {
        Ok((session, next)) => {
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(Cookie::Session, &session.token, secure, None),
            );
            response
        }
        Err(e @ AppError::SsoRefused(_)) => refused(&state, &headers, "/".into(), &e).await?,
        Err(e) => return Err(e.into()),
    };
    // The sign-in under way is over either way.
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(Cookie::Sso, "", secure, Some(0)),
    );
    Ok(response)
}

/// The sign-in page with the reason a sign-in through the provider was refused.
async fn refused(
    state: &AppState,
    headers: &HeaderMap,
    next: String,
    error: &AppError,
) -> Result<Response, WebError> {
    let form = SignInForm {
        status: status_of(error),
        next,
        email: String::new(),
        errors: vec![("sso", text::error_message(error))],
        resume: Vec::new(),
        password_set: false,
    };
    sign_in_form(state, headers, form).await
}
