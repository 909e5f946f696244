//! Sign-in links by e-mail: the form that asks for one (under `/logga-in`, so that the
//! sign-in pre-session guards it), the one answer it always gives, and the link's page,
//! whose button signs in.
//!
//! The link's own form carries no token: it signs in only in the browser that asked for the
//! link (the cookie set here), so another site's page can make no one's browser use it; and
//! changes from another site are refused before any handler anyway.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tertial_domain::sign_in_link::{LinkRefusal, VALID};

use super::{Chrome, render};
use crate::error::WebError;
use crate::form::FormData;
use crate::serve::Peer;
use crate::session::{Cookie, client_address, cookie, set_cookie};
use crate::{AppState, text};

#[derive(Template)]
#[template(path = "sign_in_link.html")]
struct AskPage {
    chrome: Chrome,
    csrf: String,
    email: String,
    errors: Vec<(String, String)>,
}

impl AskPage {
    fn error_for(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, m)| m.as_str())
    }
}

/// The answer to a request, a link's page, or why a link does not work.
#[derive(Template)]
#[template(path = "sign_in_link_message.html")]
struct MessagePage {
    chrome: Chrome,
    title: &'static str,
    paragraphs: Vec<&'static str>,
    /// The address to sign in as, with the link's button.
    confirm: Option<(String, String)>,
    /// Offer to ask for a new link.
    ask_again: bool,
}

/// The form, with the sign-in pre-session's token (its cookie is refreshed).
async fn ask_form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    email: String,
    errors: Vec<(String, String)>,
) -> Result<Response, WebError> {
    let secure = state.settings.secure_cookies;
    let guard = state
        .app
        .sign_in_guard(cookie(headers, Cookie::SignIn, secure).as_deref())
        .await?;
    let page = AskPage {
        chrome: Chrome::anonymous(),
        csrf: guard.token,
        email,
        errors,
    };
    let mut response = render(status, &page)?;
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(Cookie::SignIn, &guard.cookie, secure, None),
    );
    Ok(response)
}

pub async fn ask_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    ask_form(&state, &headers, StatusCode::OK, String::new(), Vec::new()).await
}

/// Asks for a link. The answer is the same whether or not a link was sent; the browser
/// gets (or keeps) the cookie the link will be bound to.
pub async fn ask(
    State(state): State<AppState>,
    peer: Option<Extension<Peer>>,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, WebError> {
    let secure = state.settings.secure_cookies;
    let typed = form.get("email").unwrap_or_default().trim().to_owned();
    let guarded = state
        .app
        .sign_in_guard_holds(
            cookie(&headers, Cookie::SignIn, secure).as_deref(),
            form.get("csrf"),
        )
        .await?;
    let problem = if !guarded {
        super::note_forgery(&state, None, tertial_domain::AuditSubject::SignIn).await;
        Some((StatusCode::FORBIDDEN, text::LINK_FORM_EXPIRED))
    } else if typed.is_empty() {
        Some((StatusCode::UNPROCESSABLE_ENTITY, text::EMAIL_MISSING))
    } else if let Err(problem) = tertial_domain::people::email(&typed) {
        Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            text::people_problem(&problem),
        ))
    } else {
        None
    };
    if let Some((status, message)) = problem {
        let errors = vec![("email".to_owned(), message.to_owned())];
        return ask_form(&state, &headers, status, typed, errors).await;
    }
    let browser = match cookie(&headers, Cookie::LinkBrowser, secure) {
        Some(value) if is_binding(&value) => value,
        _ => state.app.new_browser_binding()?,
    };
    let client = client_address(&headers, peer.map(|p| p.0), &state.settings);
    state
        .app
        .request_sign_in_link(&typed, &browser, client)
        .await?;
    let page = MessagePage {
        chrome: Chrome::anonymous(),
        title: text::LINK_SENT_TITLE,
        paragraphs: vec![text::LINK_SENT, text::LINK_SENT_NONE],
        confirm: None,
        ask_again: true,
    };
    let mut response = render(StatusCode::OK, &page)?;
    // As long as a link asked for now works.
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(Cookie::LinkBrowser, &browser, secure, Some(VALID.as_secs())),
    );
    Ok(response)
}

/// Who opens a link: the browser's binding cookie, if any, and the client's address.
fn opener(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<Extension<Peer>>,
) -> (Option<String>, Option<std::net::IpAddr>) {
    let browser = cookie(headers, Cookie::LinkBrowser, state.settings.secure_cookies);
    let client = client_address(headers, peer.map(|p| p.0), &state.settings);
    (browser, client)
}

/// A value this server could have set: 64 hexadecimal digits.
fn is_binding(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

fn refused(refusal: LinkRefusal) -> Result<Response, WebError> {
    let status = match refusal {
        LinkRefusal::Unknown => StatusCode::NOT_FOUND,
        LinkRefusal::Used | LinkRefusal::Expired => StatusCode::GONE,
        LinkRefusal::OtherBrowser => StatusCode::FORBIDDEN,
    };
    let page = MessagePage {
        chrome: Chrome::anonymous(),
        title: text::LINK_REFUSED_TITLE,
        paragraphs: vec![text::link_refusal(refusal)],
        confirm: None,
        ask_again: true,
    };
    render(status, &page)
}

/// The link's page: whom it signs in as, and the button. Opening it uses nothing up.
pub async fn confirm_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    peer: Option<Extension<Peer>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (browser, client) = opener(&state, &headers, peer);
    match state
        .app
        .sign_in_link(&token, browser.as_deref(), client)
        .await?
    {
        Ok(email) => {
            let page = MessagePage {
                chrome: Chrome::anonymous(),
                title: text::LINK_CONFIRM_TITLE,
                paragraphs: Vec::new(),
                confirm: Some((email, format!("/inloggningslank/{token}"))),
                ask_again: false,
            };
            render(StatusCode::OK, &page)
        }
        Err(refusal) => refused(refusal),
    }
}

/// The link's button: signs in, using the link up.
pub async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    peer: Option<Extension<Peer>>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (browser, client) = opener(&state, &headers, peer);
    match state
        .app
        .sign_in_with_link(&token, browser.as_deref(), client)
        .await?
    {
        Ok(session) => {
            let mut response = Redirect::to("/").into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    Cookie::Session,
                    &session.token,
                    state.settings.secure_cookies,
                    None,
                ),
            );
            Ok(response)
        }
        Err(refusal) => refused(refusal),
    }
}
