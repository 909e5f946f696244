//! Validation of what people type.

use crate::Invalid;

/// Default upper bound on an answer's length, in characters.
pub const DEFAULT_MAX_ANSWER_CHARS: usize = 20_000;

/// Normalises line endings to `\n` and refuses control characters (other than line feed and
/// tab), invisible characters that can disguise text, and text longer than `max_chars`
/// characters.
pub fn clean_text(input: &str, max_chars: usize) -> Result<String, Invalid> {
    let text = input.replace("\r\n", "\n").replace('\r', "\n");
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Invalid::ControlCharacter);
    }
    if text.chars().any(disguises) {
        return Err(Invalid::InvisibleCharacter);
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

/// Like [`clean_text`], for a field of one line (a name, a phone number, an address): a
/// line break is refused, not kept, so that the value can never become two.
pub fn clean_line(input: &str, max_chars: usize) -> Result<String, Invalid> {
    let text = clean_text(input, max_chars)?;
    if text.contains('\n') {
        return Err(Invalid::LineBreak);
    }
    Ok(text)
}

/// Characters that are invisible or reorder what is shown, so that a text can read as
/// something other than what it is: the bidirectional embeddings, overrides and isolates,
/// the zero-width space, the word joiner and a byte-order mark inside text. (The zero-width
/// joiner and non-joiner stay: emoji and some scripts need them.)
fn disguises(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}'
    )
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
        for disguised in [
            "evil\u{202E}txt.exe",
            "a\u{200B}b",
            "\u{2066}x\u{2069}",
            "\u{FEFF}x",
        ] {
            assert_eq!(clean_text(disguised, 99), Err(Invalid::InvisibleCharacter));
        }
        assert_eq!(clean_text("👩\u{200D}💻", 9), Ok("👩\u{200D}💻".into()));
    }

    #[test]
    fn one_line_fields_refuse_line_breaks() {
        assert_eq!(clean_line("Eva Ek", 99), Ok("Eva Ek".into()));
        for broken in ["Eva\nEk", "Eva\r\n## Övriga upplysningar", "Eva\rEk"] {
            assert_eq!(clean_line(broken, 99), Err(Invalid::LineBreak));
        }
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
