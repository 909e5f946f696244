//! Plain text: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or
//! else Windows-1252 (what Word's "Save as text" wrote on Swedish Windows). Each line
//! becomes a unit; form feeds and page numbers (page-break artefacts) are left out.

use super::ImportError;
use super::wordml::{Document, Unit};

/// The text in `bytes`, or NotWordFile for what looks binary.
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, u16::from_be_bytes)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        text.to_owned()
    } else {
        bytes.iter().map(|&b| windows_1252(b)).collect()
    };
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if controls > text.chars().count() / 100 {
        return Err(ImportError::NotWordFile);
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(text)
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units)
}

/// Windows-1252: Latin-1 but for 0x80–0x9F.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Each line a unit, without page-break artefacts.
pub fn document(text: &str) -> Document {
    let units = text
        .split(['\n', '\r', '\u{c}'])
        .filter(|line| !is_page_number(line))
        .map(|line| Unit {
            text: line.replace('\t', " "),
            ..Unit::default()
        })
        .collect();
    Document {
        units,
        ..Document::default()
    }
}

/// "3", "3 (12)", "Sida 3 av 12", "- 3 -": a page's number left in the text.
fn is_page_number(line: &str) -> bool {
    let line = line.trim().to_lowercase();
    let line = line.strip_prefix("sida").unwrap_or(&line);
    let mut numbers = 0;
    for token in line.split_whitespace() {
        let token = token.trim_matches(['(', ')']);
        if !token.is_empty() && token.len() <= 3 && token.bytes().all(|b| b.is_ascii_digit()) {
            numbers += 1;
        } else if !matches!(token, "" | "av" | "-" | "/") {
            return false;
        }
    }
    (1..=2).contains(&numbers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_utf16_and_windows_1252() {
        assert_eq!(decode("Nämnd".as_bytes()), Ok("Nämnd".into()));
        assert_eq!(decode(b"\xEF\xBB\xBFN\xC3\xA4mnd"), Ok("Nämnd".into()));
        assert_eq!(decode(b"\xFF\xFEN\0\xE4\0"), Ok("Nä".into()));
        assert_eq!(decode(b"N\xE4mnd \x96 \x95"), Ok("Nämnd – •".into()));
        assert_eq!(
            decode(b"\x00\x01\x02\x03binary"),
            Err(ImportError::NotWordFile)
        );
        assert_eq!(decode(b" \n "), Err(ImportError::Empty));
    }

    #[test]
    fn page_numbers_are_artefacts_but_numbers_in_text_are_not() {
        for line in ["3", " 3 (12) ", "Sida 3 av 12", "- 3 -"] {
            assert!(is_page_number(line), "{line}");
        }
        for line in [
            "",
            "2022 var ett bra år",
            "1. Följa upp",
            "08-000 00 00 ring",
        ] {
            assert!(!is_page_number(line), "{line}");
        }
    }
}
