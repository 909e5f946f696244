//! Page handlers, one module per part of the product.

pub mod audit;
pub mod auth;
pub mod compare;
pub mod compiled;
pub mod followups;
pub mod home;
pub mod import;
pub mod insights;
pub mod outbox;
pub mod people;
pub mod report;
pub mod rounds;
pub mod running;
pub mod search;
pub mod sign_in_link;
pub mod sso;

use std::sync::Arc;

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use tertial_domain::Role;

use crate::error::WebError;
use crate::session::{Cookie, Signed, cookie};
use crate::{AppState, Brand, text};

/// What every page of one request shares: who runs this Tertial, and where the person is (for
/// the menu to mark).
#[derive(Clone)]
struct Frame {
    brand: Arc<Brand>,
    path: String,
}

tokio::task_local! {
    /// The frame of the request being handled, set by [`in_frame`]. Handlers make their page's
    /// [`Chrome`] from the signed-in person alone; the brand and the path come from here
    /// rather than through every handler's arguments.
    static FRAME: Frame;
}

/// Runs the rest of the request inside its [`Frame`].
pub async fn in_frame(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let frame = Frame {
        brand: state.settings.brand.clone(),
        path: request.uri().path().to_owned(),
    };
    FRAME.scope(frame, next.run(request)).await
}

/// What the page frame shows: the organisation, who is signed in, their menu and the
/// sign-out form.
pub struct Chrome {
    pub brand: Arc<Brand>,
    pub user: Option<UserChrome>,
}

pub struct UserChrome {
    pub name: String,
    pub role: &'static str,
    pub csrf: String,
    pub links: Vec<MenuLink>,
}

/// A link in the header's menu.
pub struct MenuLink {
    pub href: &'static str,
    pub label: &'static str,
    /// The page being shown: `aria-current="page"`.
    pub current: bool,
}

impl Chrome {
    pub fn anonymous() -> Chrome {
        Chrome {
            brand: current_frame().brand,
            user: None,
        }
    }

    pub fn of(signed: &Signed) -> Chrome {
        let frame = current_frame();
        let actor = signed.actor();
        let links = match actor.role {
            Role::Reporter => vec![("/rapporter", text::MENU_MY_REPORTS)],
            Role::Coordinator | Role::Admin => vec![
                ("/omgangar", text::MENU_ROUNDS),
                ("/uppfoljningar", text::MENU_FOLLOW_UPS),
                ("/utskick", text::MENU_OUTBOX),
                ("/handelselogg", text::MENU_AUDIT_LOG),
                ("/organ", text::MENU_BODIES),
                ("/personer", text::MENU_PEOPLE),
            ],
            Role::Reader => vec![],
        }
        .into_iter()
        .chain([("/sok", text::MENU_SEARCH)]);
        Chrome {
            brand: frame.brand,
            user: Some(UserChrome {
                name: actor.name.clone(),
                role: text::role(actor.role),
                csrf: signed.csrf().to_owned(),
                links: links
                    .into_iter()
                    .map(|(href, label)| MenuLink {
                        href,
                        label,
                        current: frame.path == href,
                    })
                    .collect(),
            }),
        }
    }
}

/// The request's frame; outside a request (a unit test), Tertial's own look.
fn current_frame() -> Frame {
    FRAME.try_with(Frame::clone).unwrap_or_else(|_| Frame {
        brand: Arc::default(),
        path: String::new(),
    })
}

/// The person signed in, if any: for pages anyone may see, which show the frame of whoever
/// looks at them.
pub async fn signed_in_if_any(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Signed>, WebError> {
    let secure = state.settings.secure_cookies;
    let Some(token) = cookie(headers, Cookie::Session, secure) else {
        return Ok(None);
    };
    let session = state.app.session(&token).await?;
    Ok(session.map(|session| Signed { token, session }))
}

/// Draws every error page, wherever in the router the error arose, in the same frame as
/// every other page: the signed-in person keeps their header and menu on a 404, 403 or 500.
pub async fn error_page(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<WebError>().cloned() else {
        return response;
    };
    // An unavailable database would only make the person wait twice for the same answer.
    let signed = if error.status == StatusCode::SERVICE_UNAVAILABLE {
        None
    } else {
        signed_in_if_any(&state, &headers).await.ok().flatten()
    };
    let frame = Frame {
        brand: state.settings.brand.clone(),
        path,
    };
    let chrome = FRAME.sync_scope(frame, || match &signed {
        Some(signed) => Chrome::of(signed),
        None => Chrome::anonymous(),
    });
    match error.page(chrome) {
        Ok(html) => {
            let (mut parts, _) = response.into_parts();
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, html.into())
        }
        Err(e) => {
            tracing::error!(error = %e, "rendering an error page failed");
            response
        }
    }
}

/// Renders a template as an HTML response with the given status.
pub fn render(status: StatusCode, page: &impl Template) -> Result<Response, WebError> {
    Ok((status, Html(page.render()?)).into_response())
}

/// Renders a template as a 200 response.
pub fn ok(page: &impl Template) -> Result<Response, WebError> {
    render(StatusCode::OK, page)
}

/// Notes a change refused for want of a valid token, or sent from another site, in the
/// audit log (rate-limited by the use case). A failure to note it is logged, not shown.
pub async fn note_forgery(
    state: &crate::AppState,
    signed: Option<&Signed>,
    subject: tertial_domain::AuditSubject,
) {
    let actor = signed.map(Signed::actor);
    if let Err(e) = state
        .app
        .note_refusal(actor, tertial_domain::AuditAction::ForgeryRefused, subject)
        .await
    {
        tracing::warn!(error = %tertial_app::chain(&e), "could not note a refused change");
    }
}

/// Refuses a posted form without the session's CSRF token, noting the attempt against
/// `subject` in the audit log.
pub async fn checked(
    state: &crate::AppState,
    signed: &Signed,
    form: &crate::form::FormData,
    subject: tertial_domain::AuditSubject,
) -> Result<(), WebError> {
    if let Err(e) = signed.check_csrf(form.get("csrf")) {
        note_forgery(state, Some(signed), subject).await;
        return Err(e);
    }
    Ok(())
}

/// An id from the path, as its newtype (`ReportId`, `RoundId`) or a version number. Anything
/// that is not one names nothing: 404, like an unknown id.
pub fn path_id<T: std::str::FromStr>(raw: &str) -> Result<T, WebError> {
    raw.parse()
        .map_err(|_| WebError::new(StatusCode::NOT_FOUND, text::NOT_FOUND))
}
