//! Tertial over HTTP: server-rendered Swedish pages that work without JavaScript, a little
//! JavaScript for autosave and conflicts, sessions in cookies, CSRF protection.
//!
//! A handler extracts, calls one use case of [`tertial_app::App`], and renders.

mod assets;
mod error;
mod form;
mod pages;
mod session;
mod text;
mod time;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware::map_response;
use axum::response::Response;
use axum::routing::{get, post};
use tertial_app::App;

pub use error::WebError;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Largest request body accepted, in bytes.
    pub max_request_bytes: usize,
    /// Mark cookies `Secure` (serve over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            max_request_bytes: 4 * 1024 * 1024,
            secure_cookies: false,
        }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub settings: Arc<WebSettings>,
}

/// The whole application's router.
pub fn router(app: App, settings: WebSettings) -> Router {
    let state = AppState {
        app,
        settings: Arc::new(settings),
    };
    Router::new()
        .route("/", get(pages::home::home))
        .route(
            "/logga-in",
            get(pages::auth::sign_in_page).post(pages::auth::sign_in),
        )
        .route("/logga-ut", post(pages::auth::sign_out))
        .route("/rapporter", get(pages::home::my_reports))
        .route(
            "/rapporter/{id}",
            get(pages::report::show).post(pages::report::post_form),
        )
        .route(
            "/rapporter/{id}/falt/{field}",
            post(pages::report::autosave),
        )
        .route(
            "/rapporter/{id}/versioner/{number}",
            get(pages::report::submission),
        )
        .route(
            "/rapporter/{id}/versioner/{number}/markdown",
            get(pages::report::submission_markdown),
        )
        .route("/omgangar", get(pages::rounds::list))
        .route("/omgangar/{id}", get(pages::rounds::overview))
        .route("/publicerat", get(pages::home::published))
        .route("/tillganglighet", get(pages::home::accessibility))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(pages::home::ready))
        .route("/static/{file}", get(assets::serve))
        .fallback(pages::home::not_found)
        .layer(map_response(security_headers))
        .with_state(state)
}

/// Headers every response carries: no framing, no sniffing, scripts and styles only from
/// ourselves.
async fn security_headers(mut response: Response) -> Response {
    const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
                       img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; \
                       base-uri 'none'";
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        // Pages show drafts: nothing is kept for the Back button after signing out on a
        // shared computer. (Our static files set their own caching.)
        (header::CACHE_CONTROL, "no-store"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}
