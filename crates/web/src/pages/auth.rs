//! Signing in and out.
//!
//! The sign-in form has no session yet to bind a CSRF token to, so it uses a double-submit
//! token: a random value in a cookie of its own, echoed in the form.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tertial_app::AppError;
use tertial_app::auth::random_token;

use super::{Chrome, render};
use crate::error::WebError;
use crate::form::FormData;
use crate::session::{LOGIN_COOKIE, SESSION_COOKIE, Signed, cookie, safe_next, set_cookie};
use crate::{AppState, text};

#[derive(Template)]
#[template(path = "login.html")]
struct SignInPage {
    chrome: Chrome,
    csrf: String,
    next: String,
    email: String,
    error: Option<&'static str>,
    notice: Option<&'static str>,
    demo_password: String,
    demo_accounts: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
}

async fn sign_in_form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    next: String,
    email: String,
    error: Option<&'static str>,
) -> Result<Response, WebError> {
    let token = match cookie(headers, LOGIN_COOKIE) {
        Some(token) => token,
        None => random_token()?,
    };
    let (demo_password, demo_accounts) = match state.app.demo_accounts().await? {
        Some(demo) => (
            demo.password,
            demo.accounts
                .into_iter()
                .map(|(email, role, bodies)| {
                    let who = if bodies.is_empty() {
                        text::role(role).to_owned()
                    } else {
                        format!("{} för {}", text::role(role), bodies.join(", "))
                    };
                    (email, who)
                })
                .collect(),
        ),
        None => (String::new(), Vec::new()),
    };
    let notice = (next != "/" && error.is_none()).then_some(text::SIGNED_OUT);
    let page = SignInPage {
        chrome: Chrome::anonymous(),
        csrf: token.clone(),
        next,
        email,
        error,
        notice,
        demo_password,
        demo_accounts,
    };
    let mut response = render(status, &page)?;
    let set = set_cookie(
        LOGIN_COOKIE,
        &token,
        "/logga-in",
        state.settings.secure_cookies,
        None,
    );
    if let Ok(value) = set.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let next = safe_next(query.next.as_deref());
    sign_in_form(&state, &headers, StatusCode::OK, next, String::new(), None).await
}

pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, WebError> {
    let expected = cookie(&headers, LOGIN_COOKIE);
    if expected.is_none() || form.get("csrf") != expected.as_deref() {
        return Err(WebError::new(StatusCode::FORBIDDEN, text::CSRF_FAILED));
    }
    let next = safe_next(form.get("next"));
    let email = form.get("email").unwrap_or_default().trim().to_owned();
    let password = form.get("password").unwrap_or_default();
    match state.app.sign_in(&email, password).await {
        Ok((session, _name)) => {
            let mut response = Redirect::to(&next).into_response();
            let set = set_cookie(
                SESSION_COOKIE,
                &session.token,
                "/",
                state.settings.secure_cookies,
                None,
            );
            if let Ok(value) = set.parse() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(AppError::BadCredentials) => {
            sign_in_form(
                &state,
                &headers,
                StatusCode::BAD_REQUEST,
                next,
                email,
                Some(text::SIGN_IN_FAILED),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    signed.check_csrf(form.get("csrf"))?;
    state.app.sign_out(&signed.token, &signed.session).await?;
    let mut response = Redirect::to("/logga-in").into_response();
    let clear = set_cookie(
        SESSION_COOKIE,
        "",
        "/",
        state.settings.secure_cookies,
        Some(0),
    );
    if let Ok(value) = clear.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}
