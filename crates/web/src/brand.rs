//! The organisation that runs this Tertial: its name and logo in every page's header, its
//! accent colour, and its details in the accessibility statement. All from configuration;
//! the accent colour reaches the pages as a tiny stylesheet of its own (`/static/brand.css`),
//! so that the Content-Security-Policy can keep refusing inline styles.

use std::str::FromStr;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Who runs this Tertial, as the pages show it.
#[derive(Debug, Clone, Default)]
pub struct Brand {
    /// The organisation's name ("Exempelstad"), in every page's header and in the
    /// accessibility statement. None: the header says only "Tertial".
    pub organisation: Option<String>,
    /// The organisation's logo, served at `/static/logo`.
    pub logo: Option<Logo>,
    /// Links, buttons and the header's stripe.
    pub accent: Accent,
    /// Where to report an accessibility problem.
    pub accessibility_contact: Option<Contact>,
    /// When the organisation last reviewed the accessibility statement; None: the date the
    /// statement that comes with this version of Tertial was written.
    pub statement_reviewed: Option<jiff::civil::Date>,
    /// Who is responsible for personal data, and whom to ask, in the GDPR information.
    pub privacy: crate::privacy::Privacy,
}

/// A logo file, read once at start-up.
#[derive(Clone)]
pub struct Logo {
    bytes: Vec<u8>,
    content_type: &'static str,
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Logo({}, {} bytes)", self.content_type, self.bytes.len())
    }
}

impl Logo {
    /// The largest logo accepted: it is sent with every first page view.
    const MAX_BYTES: usize = 512 * 1024;

    /// Reads a PNG, SVG, JPEG or WebP file; anything else is refused with the reason.
    pub fn read(path: &std::path::Path) -> Result<Logo, String> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let content_type = match extension.as_deref() {
            Some("png") => "image/png",
            Some("svg") => "image/svg+xml",
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("webp") => "image/webp",
            _ => {
                return Err(format!(
                    "the logo {} is not a .png, .svg, .jpg or .webp file",
                    path.display()
                ));
            }
        };
        let bytes = std::fs::read(path)
            .map_err(|e| format!("cannot read the logo {}: {e}", path.display()))?;
        if bytes.len() > Self::MAX_BYTES {
            return Err(format!(
                "the logo {} is {} KiB; at most {} KiB is accepted",
                path.display(),
                bytes.len() / 1024,
                Self::MAX_BYTES / 1024
            ));
        }
        Ok(Logo {
            bytes,
            content_type,
        })
    }
}

/// A colour for text and buttons on white: `#rrggbb`, with at least 4.5:1 contrast against
/// white (WCAG 2.1, 1.4.3), so that links in it and white text on it can be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Accent(String);

impl Accent {
    /// The smallest contrast against white accepted.
    pub const MIN_CONTRAST: f64 = 4.5;

    /// `#rrggbb`.
    pub fn hex(&self) -> &str {
        &self.0
    }
}

impl Default for Accent {
    /// A calm dark blue-green, 7.3:1 on white.
    fn default() -> Self {
        Accent("#1f5c7a".into())
    }
}

impl FromStr for Accent {
    type Err = String;

    fn from_str(s: &str) -> Result<Accent, String> {
        let digits = s.trim().trim_start_matches('#');
        let rgb = match digits.len() {
            6 => u32::from_str_radix(digits, 16).ok(),
            // #abc is #aabbcc.
            3 => u32::from_str_radix(digits, 16).ok().map(|v| {
                let (r, g, b) = ((v >> 8) & 0xf, (v >> 4) & 0xf, v & 0xf);
                ((r * 17) << 16) | ((g * 17) << 8) | (b * 17)
            }),
            _ => None,
        }
        .filter(|_| digits.chars().all(|c| c.is_ascii_hexdigit()))
        .ok_or_else(|| format!("the accent colour {s:?} is not a colour like #1f5c7a"))?;
        let ratio = contrast_on_white(rgb);
        if ratio < Self::MIN_CONTRAST {
            return Err(format!(
                "the accent colour #{rgb:06x} has a contrast of {ratio:.1}:1 against white; \
                 links and buttons in it need at least {}:1 (WCAG 2.1, 1.4.3). Choose a darker \
                 colour.",
                Self::MIN_CONTRAST
            ));
        }
        Ok(Accent(format!("#{rgb:06x}")))
    }
}

/// Where to report a problem: an e-mail address, or a web page (https only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Email(String),
    Web(String),
}

impl Contact {
    /// The link's address.
    pub fn href(&self) -> String {
        match self {
            Contact::Email(address) => format!("mailto:{address}"),
            Contact::Web(url) => url.clone(),
        }
    }

    /// As the page shows it.
    pub fn shown(&self) -> &str {
        match self {
            Contact::Email(text) | Contact::Web(text) => text,
        }
    }
}

impl FromStr for Contact {
    type Err = String;

    fn from_str(s: &str) -> Result<Contact, String> {
        let s = s.trim();
        if s.starts_with("https://") && !s.contains(char::is_whitespace) {
            Ok(Contact::Web(s.to_owned()))
        } else if tertial_domain::validate::is_valid_email(s) {
            Ok(Contact::Email(s.to_owned()))
        } else {
            Err(format!(
                "the contact {s:?} is neither an e-mail address nor an https:// address"
            ))
        }
    }
}

/// WCAG 2.1's contrast ratio of an sRGB colour (0xrrggbb) against white.
fn contrast_on_white(rgb: u32) -> f64 {
    let channel = |shift: u32| {
        let c = f64::from((rgb >> shift) & 0xff) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
    1.05 / (luminance + 0.05)
}

/// `/static/brand.css`: the accent colour as a custom property, after our own stylesheet.
pub async fn stylesheet(State(state): State<AppState>) -> Response {
    let css = format!(
        ":root {{ --accent: {}; }}\n",
        state.settings.brand.accent.hex()
    );
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        css,
    )
        .into_response()
}

/// `/static/logo`: the organisation's logo, if it has one.
pub async fn logo(State(state): State<AppState>) -> Response {
    match &state.settings.brand.logo {
        Some(logo) => (
            [
                (header::CONTENT_TYPE, logo.content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            logo.bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::Accent;

    #[test]
    fn accent_colours_too_light_for_text_are_refused() {
        assert_eq!(
            "#1F5C7A".parse::<Accent>().map(|a| a.0),
            Ok("#1f5c7a".into())
        );
        assert_eq!("#000".parse::<Accent>().map(|a| a.0), Ok("#000000".into()));
        // GOV.UK's focus yellow: 1.6:1.
        let refused = "#ffbf47".parse::<Accent>().expect_err("too light");
        assert!(
            refused.contains("1.6:1") && refused.contains("4.5:1"),
            "{refused}"
        );
        // Just under and just over 4.5:1.
        assert!("#777777".parse::<Accent>().is_err());
        assert!("#767676".parse::<Accent>().is_ok());
        assert!("blue".parse::<Accent>().is_err());
        assert!("#12345g".parse::<Accent>().is_err());
    }
}
