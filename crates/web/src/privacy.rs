//! The GDPR information (`/personuppgifter`): what personal data Tertial keeps, why, for how
//! long, and whom to ask. The organisation's own details (who is responsible, whom to
//! contact, its legal basis and retention) come from configuration; without them the page
//! names the organisation (or Exempelstad's neutral wording) and says what Tertial itself
//! keeps.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use crate::error::WebError;
use crate::pages::{Chrome, ok, signed_in_if_any};
use crate::{AppState, Contact, text};

/// The organisation's details for the GDPR information.
#[derive(Debug, Clone, Default)]
pub struct Privacy {
    /// Who is responsible for the personal data (personuppgiftsansvarig); by default the
    /// organisation.
    pub controller: Option<String>,
    /// Where to ask about one's personal data and exercise one's rights.
    pub contact: Option<Contact>,
    /// The data protection officer (dataskyddsombud).
    pub data_protection_officer: Option<Contact>,
    /// Why the data is processed, in the organisation's words; by default a public task and
    /// archiving.
    pub legal_basis: Option<String>,
    /// How long the data is kept, in the organisation's words.
    pub retention: Option<String>,
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage<'a> {
    chrome: Chrome,
    controller: &'a str,
    legal_basis: &'a str,
    retention: &'a str,
    /// (href, as shown) for the templates' `contact.html`.
    contact: Option<(String, String)>,
    officer: Option<(String, String)>,
}

/// The GDPR information: public, in the frame of whoever is signed in.
pub async fn page(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let chrome = match signed_in_if_any(&state, &headers).await? {
        Some(signed) => Chrome::of(&signed),
        None => Chrome::anonymous(),
    };
    let brand = &state.settings.brand;
    let privacy = &brand.privacy;
    let shown = |c: &Contact| (c.href(), c.shown().to_owned());
    ok(&PrivacyPage {
        chrome,
        controller: privacy
            .controller
            .as_deref()
            .or(brand.organisation.as_deref())
            .unwrap_or(text::UNNAMED_ORGANISATION),
        legal_basis: privacy
            .legal_basis
            .as_deref()
            .unwrap_or(text::PRIVACY_LEGAL_BASIS),
        retention: privacy
            .retention
            .as_deref()
            .unwrap_or(text::PRIVACY_RETENTION),
        contact: privacy.contact.as_ref().map(shown),
        officer: privacy.data_protection_officer.as_ref().map(shown),
    })
}
