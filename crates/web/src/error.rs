//! Errors as the person sees them: a status and a clear Swedish message, as a page or, for
//! the autosave calls, as JSON. Internal causes are logged, never shown.
//!
//! An error answered as a page leaves itself in the response's extensions, and
//! [`crate::pages::error_page`] draws the page in the frame of whoever is signed in.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tertial_app::AppError;
use tertial_domain::Invalid;

use crate::pages::Chrome;
use crate::text;

/// An error page.
#[derive(Debug, Clone)]
pub struct WebError {
    pub status: StatusCode,
    pub message: String,
}

impl WebError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        WebError {
            status,
            message: message.into(),
        }
    }
}

/// The same error, answered as JSON (for the form's own scripts).
#[derive(Debug)]
pub struct JsonError(pub WebError);

impl<E: Into<WebError>> From<E> for JsonError {
    fn from(e: E) -> Self {
        JsonError(e.into())
    }
}

pub fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::BadCredentials => StatusCode::BAD_REQUEST,
        AppError::PasswordSignInOff => StatusCode::FORBIDDEN,
        AppError::SsoRefused(tertial_domain::sso::SsoRefusal::ProviderUnavailable) => {
            StatusCode::BAD_GATEWAY
        }
        AppError::SsoRefused(_) => StatusCode::FORBIDDEN,
        AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::NotFound | AppError::Invalid(Invalid::Key(_) | Invalid::Code(_)) => {
            StatusCode::NOT_FOUND
        }
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotEditable(_)
        | AppError::RoundNotOpen
        | AppError::Duplicate(_)
        | AppError::ReviewRefused(_) => StatusCode::CONFLICT,
        AppError::ReviewIncomplete(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Import(
            tertial_app::ImportProblem::PreviewGone | tertial_app::ImportProblem::RoundNotClosed,
        ) => StatusCode::CONFLICT,
        AppError::Import(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Invalid(Invalid::TooLong { .. })
        | AppError::InvalidText {
            error: Invalid::TooLong { .. },
            ..
        } => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::Invalid(_) | AppError::InvalidText { .. } => StatusCode::BAD_REQUEST,
        e @ AppError::Store(_) if e.unavailable() => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        let status = status_of(&error);
        if status.is_server_error() {
            tracing::error!(error = %tertial_app::chain(&error), "request failed");
        }
        WebError::new(status, text::error_message(&error))
    }
}

impl From<askama::Error> for WebError {
    fn from(error: askama::Error) -> Self {
        tracing::error!(error = %error, "rendering failed");
        WebError::new(StatusCode::INTERNAL_SERVER_ERROR, text::INTERNAL)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    title: &'a str,
    message: &'a str,
}

impl WebError {
    /// The error's page, in the given frame.
    pub fn page(&self, chrome: Chrome) -> Result<String, askama::Error> {
        ErrorPage {
            chrome,
            title: text::error_title(self.status),
            message: &self.message,
        }
        .render()
    }
}

impl IntoResponse for WebError {
    /// The message as plain text, and the error itself for [`crate::pages::error_page`] to
    /// draw as a page.
    fn into_response(self) -> Response {
        let mut response = (self.status, self.message.clone()).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.0.message });
        (self.0.status, Json(body)).into_response()
    }
}
