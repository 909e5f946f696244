//! Writing text into XML 1.0 (Word's and Excel's parts).

use std::io::{self, Write};

/// Writes `text` escaped for XML element content or an attribute value: `& < > " '` become
/// entities, a tab becomes a space, and the characters XML 1.0 forbids (the C0 controls
/// other than tab, line feed and carriage return, and U+FFFE, U+FFFF) are dropped. Line
/// feeds and carriage returns also become spaces: callers split lines themselves.
pub fn escape(out: &mut impl Write, text: &str) -> io::Result<()> {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let replacement: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&apos;",
            b'\t' | b'\n' | b'\r' => b" ",
            0..0x20 => b"",
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF: drop all three bytes.
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                out.write_all(&bytes[start..i])?;
                start = i + 3;
                continue;
            }
            _ => continue,
        };
        if i >= start {
            out.write_all(&bytes[start..i])?;
            out.write_all(replacement)?;
            start = i + 1;
        }
    }
    out.write_all(&bytes[start.min(bytes.len())..])
}

/// `text` escaped, as a string.
pub fn escaped(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    // Writing to a Vec cannot fail, and escaping keeps UTF-8 whole.
    let _ = escape(&mut out, text);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_forbids() {
        assert_eq!(
            escaped("<w:p> & \"å\" 'ö'\u{1}\u{b}]]>\t\u{FFFE}x\u{FFFF}"),
            "&lt;w:p&gt; &amp; &quot;å&quot; &apos;ö&apos;]]&gt; x"
        );
        assert_eq!(escaped("&amp;"), "&amp;amp;");
        assert_eq!(escaped("\u{FFFD}ä"), "\u{FFFD}ä");
    }
}
