//! Page handlers, one module per part of the product.

pub mod auth;
pub mod home;
pub mod report;
pub mod rounds;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use tertial_domain::Role;

use crate::error::WebError;
use crate::session::Signed;
use crate::text;

/// What the page frame shows: who is signed in, their menu and the sign-out form.
pub struct Chrome {
    pub user: Option<UserChrome>,
}

pub struct UserChrome {
    pub name: String,
    pub role: &'static str,
    pub csrf: String,
    pub links: Vec<(&'static str, &'static str)>,
}

impl Chrome {
    pub fn anonymous() -> Chrome {
        Chrome { user: None }
    }

    pub fn of(signed: &Signed) -> Chrome {
        let actor = signed.actor();
        let links = match actor.role {
            Role::Reporter => vec![("/rapporter", "Mina rapporter")],
            Role::Coordinator | Role::Admin => vec![("/omgangar", "Omgångar")],
            Role::Reader => vec![],
        };
        Chrome {
            user: Some(UserChrome {
                name: actor.name.clone(),
                role: text::role(actor.role),
                csrf: signed.csrf().to_owned(),
                links,
            }),
        }
    }
}

/// Renders a template as an HTML response with the given status.
pub fn render(status: axum::http::StatusCode, page: &impl Template) -> Result<Response, WebError> {
    Ok((status, Html(page.render()?)).into_response())
}

/// Renders a template as a 200 response.
pub fn ok(page: &impl Template) -> Result<Response, WebError> {
    render(axum::http::StatusCode::OK, page)
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

/// An id from the path. Anything that is not one names nothing: 404, like an unknown id.
pub fn path_id(raw: &str) -> Result<i64, WebError> {
    raw.parse()
        .map_err(|_| WebError::new(axum::http::StatusCode::NOT_FOUND, text::NOT_FOUND))
}
