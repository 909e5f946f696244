//! Tertial over HTTP: server-rendered Swedish pages that work without JavaScript, a little
//! JavaScript for autosave and conflicts, sessions in cookies, CSRF protection.
//!
//! A handler extracts, calls one use case of [`tertial_app::App`], and renders.

mod assets;
mod brand;
mod error;
mod form;
mod pages;
mod privacy;
mod serve;
mod session;
mod text;
mod time;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state, map_response};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use tertial_app::App;
use tracing::Instrument;

pub use brand::{Accent, Brand, Contact, Logo};
pub use error::WebError;
pub use privacy::Privacy;
pub use serve::{Peer, ServeLimits, serve};

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Largest request body accepted, in bytes.
    pub max_request_bytes: usize,
    /// Mark cookies `Secure` (serve over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// How long a client may take to send a request's body, from first byte to last.
    pub body_deadline: std::time::Duration,
    /// Served behind a proxy that adds the client's address to `X-Forwarded-For`: count
    /// failed sign-ins per that address rather than per the proxy's.
    pub behind_proxy: bool,
    /// The organisation's name, logo and colour, and its accessibility statement's details.
    pub brand: Arc<Brand>,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            max_request_bytes: 4 * 1024 * 1024,
            secure_cookies: false,
            body_deadline: std::time::Duration::from_secs(30),
            behind_proxy: false,
            brand: Arc::default(),
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
    // Signing out of a session begun at the identity provider posts on to it.
    let form_action = app
        .sso_origin()
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    let csp: Arc<str> = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         frame-ancestors 'none'; form-action 'self'{form_action}; base-uri 'none'"
    )
    .into();
    let state = AppState {
        app,
        settings: Arc::new(settings),
    };
    routes()
        .into_iter()
        .fold(Router::new(), |router, (path, handlers)| {
            router.route(path, handlers)
        })
        .fallback(pages::home::not_found)
        .layer(from_fn_with_state(state.clone(), pages::in_frame))
        .layer(from_fn(run_to_completion))
        .layer(from_fn_with_state(state.clone(), same_origin_writes))
        .layer(from_fn_with_state(state.clone(), pages::error_page))
        // Outermost: every response gets them, error pages drawn by the layers above too.
        .layer(map_response(move |response| {
            security_headers(response, csp.clone())
        }))
        .with_state(state)
}

/// Every path the router answers, with its handlers. The router is built from this table
/// and nothing else, and the access test tries every path in it, with every method, as
/// every role: a route is tested the day it is added, without anyone writing a test for it.
fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    use pages::{
        auth, compare, compiled, followups, home, insights, outbox, people, report, rounds, running,
    };
    vec![
        ("/", get(home::home)),
        ("/logga-in", get(auth::sign_in_page).post(auth::sign_in)),
        ("/logga-ut", post(auth::sign_out)),
        ("/fortsatt-inloggad", post(session::stay_signed_in)),
        ("/rapporter", get(home::my_reports)),
        ("/rapporter/{id}", get(report::show).post(report::post_form)),
        ("/rapporter/{id}/falt/{field}", post(report::autosave)),
        (
            "/rapporter/{id}/versioner/{number}",
            get(report::submission),
        ),
        ("/omgangar", get(rounds::list)),
        ("/omgangar/{id}", get(rounds::overview)),
        ("/tillganglighet", get(home::accessibility)),
        ("/healthz", get(|| async { "ok" })),
        ("/readyz", get(home::ready)),
        ("/static/{file}", get(assets::serve)),
        ("/static/brand.css", get(brand::stylesheet)),
        ("/static/logo", get(brand::logo)),
        ("/handelselogg", get(pages::audit::audit_log)),
        ("/rapporter/{id}/atersand", post(report::return_report)),
        ("/rapporter/{id}/godkann", post(report::approve_report)),
        (
            "/rapporter/{id}/oppna-igen",
            get(report::reopen_page).post(report::ask_to_reopen),
        ),
        ("/rapporter/{id}/begaran", post(report::decide_reopen)),
        ("/utskick", get(outbox::list)),
        ("/utskick/{id}", get(outbox::show)),
        // Rounds run from the browser.
        ("/omgangar/ny", get(running::new_round).post(running::open)),
        ("/omgangar/ny/granska", get(running::preview)),
        (
            "/omgangar/{id}/sista-svarsdag",
            get(running::deadline_form).post(running::set_deadline),
        ),
        ("/omgangar/{id}/stang", post(running::close)),
        // Bodies and people managed from the browser; the invitation's link.
        ("/organ", get(people::bodies)),
        ("/organ/ny", get(people::new_body).post(people::add_body)),
        ("/organ/{id}", get(people::body).post(people::change_body)),
        ("/organ/{id}/aktiv", post(people::set_body_active)),
        ("/personer", get(people::people)),
        ("/personer/ny", get(people::new_person).post(people::invite)),
        (
            "/personer/{id}",
            get(people::person).post(people::change_person),
        ),
        ("/personer/{id}/aktiv", post(people::set_person_active)),
        ("/personer/{id}/inbjudan", post(people::reinvite)),
        (
            "/inbjudan/{token}",
            get(people::invitation).post(people::accept_invitation),
        ),
        // Follow-ups written from the browser.
        (
            "/uppfoljningar",
            get(followups::list).post(followups::create),
        ),
        (
            "/uppfoljningar/{id}",
            get(followups::edit).post(followups::update),
        ),
        (
            "/uppfoljningar/{id}/fokusomraden",
            post(followups::add_area),
        ),
        (
            "/uppfoljningar/{id}/fokusomraden/{number}",
            get(followups::area_form).post(followups::update_area),
        ),
        (
            "/uppfoljningar/{id}/fragor",
            get(followups::new_question).post(followups::add_question),
        ),
        (
            "/uppfoljningar/{id}/fragor/{key}",
            get(followups::question_form).post(followups::update_question),
        ),
        (
            "/uppfoljningar/{id}/fragor/{key}/avveckla",
            post(followups::retire),
        ),
        (
            "/uppfoljningar/{id}/forhandsgranska",
            get(report::preview_follow_up),
        ),
        // The compiled report: preview, settings, summaries, exports, publishing; a single
        // submitted version's files; what is published, for readers.
        ("/omgangar/{id}/rapport", get(compiled::preview)),
        (
            "/omgangar/{id}/rapport/installningar",
            post(compiled::save_settings),
        ),
        (
            "/omgangar/{id}/rapport/sammanfattning/{number}",
            get(compiled::summary_form).post(compiled::save_summary),
        ),
        ("/omgangar/{id}/rapport/publicera", post(compiled::publish)),
        ("/omgangar/{id}/rapport/{format}", get(compiled::export)),
        (
            "/rapporter/{id}/versioner/{number}/{format}",
            get(compiled::submission_file),
        ),
        ("/publicerat", get(compiled::published)),
        ("/publicerat/{id}/{number}", get(compiled::publication)),
        (
            "/publicerat/{id}/{number}/{format}",
            get(compiled::publication_file),
        ),
        // Rounds compared: a body's answers, and every body's answer to one question.
        ("/omgangar/{id}/jamfor", get(compare::body)),
        ("/omgangar/{id}/fragor", get(compare::questions)),
        ("/omgangar/{id}/fragor/{key}/jamfor", get(compare::question)),
        // Single sign-on: to the organisation's identity provider and back.
        ("/logga-in/sso", get(pages::sso::begin)),
        ("/logga-in/sso/klar", get(pages::sso::callback)),
        // Forms as Word files: downloaded, imported into the draft, historic versions.
        ("/rapporter/{id}/formular", get(pages::import::form_file)),
        (
            "/rapporter/{id}/formular/{number}",
            get(pages::import::submitted_form_file),
        ),
        (
            "/rapporter/{id}/import",
            get(pages::import::draft_upload_page)
                .post(pages::import::draft_upload)
                .layer(DefaultBodyLimit::disable()),
        ),
        (
            "/rapporter/{id}/import/{pending}",
            get(pages::import::draft_preview).post(pages::import::draft_confirm),
        ),
        (
            "/rapporter/{id}/historisk-import",
            get(pages::import::historic_upload_page)
                .post(pages::import::historic_upload)
                .layer(DefaultBodyLimit::disable()),
        ),
        (
            "/rapporter/{id}/historisk-import/{pending}",
            get(pages::import::historic_preview).post(pages::import::historic_confirm),
        ),
        // Insights: the register of actors, and what a round's submitted answers say.
        ("/aktorer", get(insights::register)),
        (
            "/aktorer/ny",
            get(insights::new_actor).post(insights::add_actor),
        ),
        (
            "/aktorer/{id}",
            get(insights::actor).post(insights::change_actor),
        ),
        ("/aktorer/{id}/aktiv", post(insights::set_actor_active)),
        ("/omgangar/{id}/aktorer", get(insights::actors)),
        ("/omgangar/{id}/beslut", get(insights::decisions)),
        ("/omgangar/{id}/tidslinje", get(insights::timeline)),
        ("/omgangar/{id}/lasbarhet", get(insights::readability)),
        // Sign-in links by e-mail: asking for one, and the link's page.
        (
            "/logga-in/lank",
            get(pages::sign_in_link::ask_page).post(pages::sign_in_link::ask),
        ),
        (
            "/inloggningslank/{token}",
            get(pages::sign_in_link::confirm_page).post(pages::sign_in_link::confirm),
        ),
        ("/personuppgifter", get(privacy::page)),
        // Searching answers, for every signed-in role.
        ("/sok", get(pages::search::search)),
    ]
}

/// Why a form file was not imported, in the Swedish the pages use (for the command line's
/// `tertial import`).
pub fn import_problem_message(problem: &tertial_app::ImportProblem) -> String {
    text::import_problem(problem)
}

/// The paths the router answers, as written in its table (`{id}` and the like stand for
/// path parameters): for the test that tries every route as every role.
pub fn route_paths() -> Vec<&'static str> {
    routes().into_iter().map(|(path, _)| path).collect()
}

/// Refuses a request that changes something when another site's page sent it, before
/// anything else looks at it: the browser says so in `Sec-Fetch-Site`, or names another
/// origin in `Origin`. (A request with neither, from a script or an old browser, still needs
/// the session's CSRF token, as every change does.) Behind a proxy, the proxy must pass the
/// `Host` header on.
async fn same_origin_writes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !request.method().is_safe() && from_another_site(request.headers()) {
        tracing::warn!(
            origin = ?request.headers().get(header::ORIGIN),
            path = %request.uri().path(),
            "refused a change sent from another site"
        );
        pages::note_forgery(&state, None, tertial_domain::AuditSubject::ForeignOrigin).await;
        return WebError::new(StatusCode::FORBIDDEN, text::FOREIGN_SITE).into_response();
    }
    next.run(request).await
}

fn from_another_site(headers: &HeaderMap) -> bool {
    let value = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if value("sec-fetch-site").is_some_and(|site| site != "same-origin" && site != "none") {
        return true;
    }
    match value(header::ORIGIN.as_str()) {
        None => false,
        Some(origin) => {
            let authority = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            match (authority, value(header::HOST.as_str())) {
                (Some(authority), Some(host)) => !authority.eq_ignore_ascii_case(host),
                // "null" (a sandboxed or privacy-stripped page), another scheme, no Host.
                _ => true,
            }
        }
    }
}

/// Runs each request's handler as a task of its own, so that a client that disconnects
/// cannot cancel it halfway: a handler dropped inside `BEGIN` or between two statements
/// could leave a pooled connection in a transaction nobody owns. The handler finishes
/// (reading the body is bounded by its deadline), and its answer goes nowhere.
///
/// Each request also gets an id, in the `X-Request-Id` header of its answer and on every log
/// line about it, so that a person's report of a problem can be found in the logs.
async fn run_to_completion(request: Request, next: Next) -> Response {
    let id = request_id();
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %request.uri().path()
    );
    let mut response = match tokio::spawn(next.run(request).instrument(span)).await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, request = %id, "request handler panicked");
            WebError::new(StatusCode::INTERNAL_SERVER_ERROR, text::INTERNAL).into_response()
        }
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// A request id: this process's random prefix and a counter.
fn request_id() -> String {
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        tertial_app::auth::random_token()
            .map(|t| t[..6].to_owned())
            .unwrap_or_default()
    });
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix}-{n}")
}

/// Headers every response carries: no framing, no sniffing, scripts and styles only from
/// ourselves, forms posted only to ourselves (and with single sign-on, on to the provider).
async fn security_headers(mut response: Response, csp: Arc<str>) -> Response {
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(csp);
    }
    for (name, value) in [
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
