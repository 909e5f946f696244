//! Signing in and out.
//!
//! The sign-in form has no session yet to bind a CSRF token to: its token belongs to a
//! pre-session the server signed (see `tertial_app`'s `presession`).

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tertial_app::AppError;

use super::{Chrome, render};
use crate::error::{WebError, status_of};
use crate::form::FormData;
use crate::serve::Peer;
use crate::session::{Cookie, Signed, client_address, cookie, safe_next, set_cookie};
use crate::{AppState, text};

#[derive(Template)]
#[template(path = "login.html")]
struct SignInPage {
    chrome: Chrome,
    csrf: String,
    next: String,
    email: String,
    /// What is wrong, by the id of the field it is about, in the form's order.
    errors: Vec<(&'static str, String)>,
    notice: Option<&'static str>,
    demo_password: String,
    demo_accounts: Vec<(String, String)>,
    /// A form posted after the session ended, carried through signing in.
    resume: Vec<(String, String)>,
    /// The organisation whose sign-in comes first, when single sign-on is configured.
    sso: Option<String>,
}

impl SignInPage {
    /// The message about one field, if any.
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(id, _)| *id == field)
            .map(|(_, message)| message.as_str())
    }
}

/// What the sign-in form shows.
pub(super) struct SignInForm {
    pub(super) status: StatusCode,
    pub(super) next: String,
    pub(super) email: String,
    pub(super) errors: Vec<(&'static str, String)>,
    pub(super) resume: Vec<(String, String)>,
    /// The password was just set through an invitation.
    pub(super) password_set: bool,
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    /// Arrived from an invitation's link, whose password is now set.
    losenord: Option<String>,
}

pub(super) async fn sign_in_form(
    state: &AppState,
    headers: &HeaderMap,
    form: SignInForm,
) -> Result<Response, WebError> {
    let SignInForm {
        status,
        next,
        email,
        errors,
        resume,
        password_set,
    } = form;
    let secure = state.settings.secure_cookies;
    let guard = state
        .app
        .sign_in_guard(cookie(headers, Cookie::SignIn, secure).as_deref())
        .await?;
    let (demo_password, demo_accounts) = match state.app.demo_accounts().await? {
        Some(demo) => (
            demo.password,
            demo.accounts
                .into_iter()
                .map(|(email, role, bodies)| (email, text::role_for(role, &bodies)))
                .collect(),
        ),
        None => (String::new(), Vec::new()),
    };
    let notice = if password_set {
        Some(text::PASSWORD_SET)
    } else {
        (next != "/" && errors.is_empty()).then_some(text::SIGNED_OUT)
    };
    let page = SignInPage {
        chrome: Chrome::anonymous(),
        csrf: guard.token,
        next,
        email,
        errors,
        notice,
        demo_password,
        demo_accounts,
        resume,
        sso: state.app.sso_organisation().map(str::to_owned),
    };
    let mut response = render(status, &page)?;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(Cookie::SignIn, &guard.cookie, secure, None),
    );
    Ok(response)
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let form = SignInForm {
        status: StatusCode::OK,
        next: safe_next(query.next.as_deref()),
        email: String::new(),
        errors: Vec::new(),
        resume: Vec::new(),
        password_set: query.losenord.is_some(),
    };
    sign_in_form(&state, &headers, form).await
}

/// A form was posted after the session ended: ask to sign in, and keep what was posted so
/// that nothing typed is lost, even without JavaScript.
pub async fn sign_in_to_resume(
    state: &AppState,
    headers: &HeaderMap,
    next: String,
    posted: &FormData,
) -> Result<Response, WebError> {
    let resume = posted
        .0
        .iter()
        .filter(|(name, _)| name != "action")
        .cloned()
        .collect();
    let form = SignInForm {
        status: StatusCode::UNAUTHORIZED,
        next,
        email: String::new(),
        errors: Vec::new(),
        resume,
        password_set: false,
    };
    sign_in_form(state, headers, form).await
}

pub async fn sign_in(
    State(state): State<AppState>,
    peer: Option<Extension<Peer>>,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, WebError> {
    let secure = state.settings.secure_cookies;
    let pre_session = cookie(&headers, Cookie::SignIn, secure);
    let guarded = state
        .app
        .sign_in_guard_holds(pre_session.as_deref(), form.get("csrf"))
        .await?;
    let next = safe_next(form.get("next"));
    let email = form.get("email").unwrap_or_default().trim().to_owned();
    if !guarded {
        // An old page or a forged post: nothing it carried is kept but the e-mail address,
        // and the form comes back with a fresh pre-session.
        super::note_forgery(&state, None, tertial_domain::AuditSubject::SignIn).await;
        let form = SignInForm {
            status: StatusCode::FORBIDDEN,
            next,
            email,
            errors: vec![("password", text::SIGN_IN_EXPIRED.to_owned())],
            resume: Vec::new(),
            password_set: false,
        };
        return sign_in_form(&state, &headers, form).await;
    }
    let password = form.get("password").unwrap_or_default();
    let resume: Vec<(String, String)> = form
        .0
        .iter()
        .filter_map(|(name, value)| Some((name.strip_prefix("resume.")?.to_owned(), value.clone())))
        .collect();
    // Checked here, not by the browser: its own messages are in its language, not ours.
    let missing: Vec<(&'static str, String)> = [
        ("email", email.is_empty(), text::EMAIL_MISSING),
        ("password", password.is_empty(), text::PASSWORD_MISSING),
    ]
    .into_iter()
    .filter(|(_, missing, _)| *missing)
    .map(|(field, _, message)| (field, message.to_owned()))
    .collect();
    if !missing.is_empty() {
        let form = SignInForm {
            status: StatusCode::BAD_REQUEST,
            next,
            email,
            errors: missing,
            resume,
            password_set: false,
        };
        return sign_in_form(&state, &headers, form).await;
    }
    let client = client_address(&headers, peer.map(|p| p.0), &state.settings);
    match state.app.sign_in(&email, password, client).await {
        Ok((session, _name)) => {
            let signed = Signed {
                session: state
                    .app
                    .session(&session.token)
                    .await?
                    .ok_or(AppError::Unauthenticated)?,
                token: session.token.clone(),
            };
            let report = next
                .strip_prefix("/rapporter/")
                .and_then(|id| id.parse().ok())
                .map(tertial_domain::ReportId);
            let mut response = match report {
                // What was posted when the session ended is shown beside what is stored
                // now, to save field by field: it may come from an old tab, or from another
                // site's page, and is never saved by itself.
                Some(id) if !resume.is_empty() => {
                    let kept = super::report::review_kept(
                        &state,
                        &signed,
                        id,
                        &FormData(resume),
                        StatusCode::OK,
                        text::RESUMED,
                    )
                    .await;
                    match kept {
                        Ok(Some(page)) => page,
                        Ok(None) => Redirect::to(&next).into_response(),
                        // Not their report at all: nothing to show.
                        Err(_) => Redirect::to("/").into_response(),
                    }
                }
                _ => Redirect::to(&next).into_response(),
            };
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(Cookie::Session, &session.token, secure, None),
            );
            Ok(response)
        }
        Err(
            e @ (AppError::BadCredentials | AppError::Throttled(_) | AppError::PasswordSignInOff),
        ) => {
            let form = SignInForm {
                status: status_of(&e),
                next,
                email,
                errors: vec![("email", text::error_message(&e))],
                resume,
                password_set: false,
            };
            sign_in_form(&state, &headers, form).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    signed: Signed,
    form: FormData,
) -> Result<Response, WebError> {
    super::checked(&state, &signed, &form, tertial_domain::AuditSubject::SignIn).await?;
    // Signed in through the organisation's identity provider: its session ends too.
    let provider = state.app.sso_sign_out_url(&signed.token).await?;
    state.app.sign_out(&signed.token, &signed.session).await?;
    let mut response = Redirect::to(provider.as_deref().unwrap_or("/logga-in")).into_response();
    let secure = state.settings.secure_cookies;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(Cookie::Session, "", secure, Some(0)),
    );
    Ok(response)
}
