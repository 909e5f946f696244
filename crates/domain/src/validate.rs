//! Validation of what people type.

use crate::Invalid;

/// Default upper bound on an answer's length, in characters.
pub const DEFAULT_MAX_ANSWER_CHARS: usize = 20_000;

/// Normalises line endings to `\n` and refuses control characters (other than line feed and
/// tab) and text longer than `max_chars` characters.
pub fn clean_text(input: &str, max_chars: usize) -> Result<String, Invalid> {
    let text = input.replace("\r\n", "\n").replace('\r', "\n");
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Invalid::ControlCharacter);
    }
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(Invalid::TooLong {
            chars,
            max: max_chars,
        });
    }
    Ok(text)
}

/// A plausible e-mail address: one `@`, something before it, a dotted domain after it,
/// no spaces. Deliverability is for the mail server to judge.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

/// A phone number as written in Sweden: digits with optional leading `+`, spaces, hyphens
/// and parentheses; 7 to 15 digits.
pub fn is_valid_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let rest = phone.strip_prefix('+').unwrap_or(phone);
    (7..=15).contains(&digits)
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_normalised_and_bounded() {
        assert_eq!(clean_text("a\r\nb\rc", 10), Ok("a\nb\nc".into()));
        assert_eq!(clean_text("åäö", 3), Ok("åäö".into()));
        assert_eq!(
            clean_text("åäöx", 3),
            Err(Invalid::TooLong { chars: 4, max: 3 })
        );
        assert_eq!(clean_text("a\u{0}b", 10), Err(Invalid::ControlCharacter));
    }

    #[test]
    fn emails_and_phones() {
        assert!(is_valid_email("kontaktperson@example.se"));
        for bad in [
            "",
            "a",
            "a@b",
            "@example.se",
            "a b@example.se",
            "a@@b.se",
            "a@b.",
        ] {
            assert!(!is_valid_email(bad), "{bad:?}");
        }
        assert!(is_valid_phone("08-000 00 00"));
        assert!(is_valid_phone("+46 8 508 000 00"));
        assert!(is_valid_phone("070-123 45 67"));
        for bad in ["", "123", "08-000 00 00 ank. 12", "ring växeln"] {
            assert!(!is_valid_phone(bad), "{bad:?}");
        }
    }
}
