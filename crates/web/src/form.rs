//! Reading `application/x-www-form-urlencoded` bodies strictly: a body over the size limit is
//! refused with 413, and one that is not valid form data or not valid UTF-8 with 400 —
//! never silently repaired, so what is saved is exactly what was sent.

use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::error::WebError;
use crate::{AppState, text};

/// A posted form's fields, in order.
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// No form of ours has more fields than this; more is not a form of ours. (The largest
    /// is a new round's, with a box per body: a municipality's hundreds of bodies fit.)
    pub const MAX_FIELDS: usize = 5000;

    pub fn parse(body: &[u8]) -> Result<FormData, WebError> {
        let malformed = || WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED);
        let mut fields = Vec::new();
        let mut names = std::collections::HashSet::new();
        for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
            if fields.len() == Self::MAX_FIELDS {
                return Err(malformed());
            }
            let mut parts = pair.splitn(2, |b| *b == b'=');
            let name = decode(parts.next().unwrap_or_default()).ok_or_else(malformed)?;
            let value = decode(parts.next().unwrap_or_default()).ok_or_else(malformed)?;
            // No form of ours repeats a name: a repeated one is not ours, or was tampered
            // with (which of two values would count?).
            if !names.insert(name.clone()) {
                return Err(malformed());
            }
            fields.push((name, value));
        }
        Ok(FormData(fields))
    }
}

/// Percent-decodes one name or value; `None` if malformed or not UTF-8.
fn decode(input: &[u8]) -> Option<String> {
    let mut bytes = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = input.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b if b.is_ascii() && !b.is_ascii_control() => bytes.push(b),
            _ => return None,
        }
        i += 1;
    }
    String::from_utf8(bytes).ok()
}

impl FromRequest<AppState> for FormData {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED));
        }
        let limit = state.settings.max_request_bytes;
        // A client that sends its body slowly (or stops) is cut off at the deadline, so it
        // cannot hold a request, or a shutdown, open forever.
        let read = Limited::new(req.into_body(), limit).collect();
        let body = tokio::time::timeout(state.settings.body_deadline, read)
            .await
            .map_err(|_| WebError::new(StatusCode::REQUEST_TIMEOUT, text::TOO_SLOW))?
            .map_err(|e| {
                if e.is::<LengthLimitError>() {
                    WebError::new(StatusCode::PAYLOAD_TOO_LARGE, text::TOO_LARGE)
                } else {
                    // Broken framing, or a client that went away mid-body.
                    WebError::new(StatusCode::BAD_REQUEST, text::MALFORMED)
                }
            })?
            .to_bytes();
        FormData::parse(&body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_form_fields() {
        let form = FormData::parse(b"a=1&text=R%C3%A4tt+svar%21&empty=&flag").expect("parse");
        assert_eq!(form.get("a"), Some("1"));
        assert_eq!(form.get("text"), Some("Rätt svar!"));
        assert_eq!(form.get("empty"), Some(""));
        assert_eq!(form.get("flag"), Some(""));
        assert_eq!(form.get("missing"), None);
    }

    #[test]
    fn refuses_more_fields_than_any_form_has() {
        let many: String = (0..=FormData::MAX_FIELDS)
            .map(|i| format!("f{i}=1&"))
            .collect();
        assert!(FormData::parse(many.as_bytes()).is_err());
        let enough: String = (0..FormData::MAX_FIELDS)
            .map(|i| format!("f{i}=1&"))
            .collect();
        assert!(FormData::parse(enough.as_bytes()).is_ok());
    }

    #[test]
    fn refuses_a_repeated_field_name() {
        assert!(FormData::parse(b"text.a=1&version.a=0&text.a=2").is_err());
    }

    #[test]
    fn refuses_invalid_utf8_and_bad_escapes() {
        for bad in [
            &b"text=%FF%FE"[..],
            b"text=%G1",
            b"text=%4",
            "text=å".as_bytes(),
        ] {
            assert!(FormData::parse(bad).is_err(), "{bad:?}");
        }
    }
}
