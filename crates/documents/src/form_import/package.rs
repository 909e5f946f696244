//! Opening a file safely: what kind it is (by its bytes, not its name), and a .docx's parts
//! read with limits that hold whatever the zip's headers claim.

use std::io::{self, BufRead, BufReader, Cursor, Read};

use zip::ZipArchive;

use super::ImportError;
use super::wordml::{self, Document};

/// The largest file read at all.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most a part may unpack to, and how many times its packed size.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
const MAX_RATIO: u64 = 100;
/// A part under this size may unpack to it whatever its ratio (small XML packs well).
const RATIO_FREE_BYTES: u64 = 1024 * 1024;
const MAX_ENTRIES: usize = 2_000;

const OLE_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What the bytes are.
pub enum Kind {
    Zip,
    Text(String),
}

/// Tells a zip (a .docx) from text, refusing what is neither.
pub fn sniff(bytes: &[u8], file_name: &str) -> Result<Kind, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    if bytes.starts_with(&OLE_SIGNATURE) {
        // An encrypted .docx is an OLE compound file holding "EncryptionInfo" (its
        // directory's names are UTF-16); without it the file is an old .doc.
        let name: Vec<u8> = "EncryptionInfo"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        return Err(if bytes.windows(name.len()).any(|w| w == name) {
            ImportError::Encrypted
        } else {
            ImportError::OldWordFormat
        });
    }
    if bytes.starts_with(b"PK") {
        return Ok(Kind::Zip);
    }
    let lower = file_name.to_lowercase();
    let word_name = [".docx", ".docm", ".doc", ".dotx", ".dotm"]
        .iter()
        .any(|ext| lower.ends_with(ext));
    if word_name || bytes.starts_with(b"{\\rtf") || bytes.starts_with(b"%PDF") {
        return Err(ImportError::NotWordFile);
    }
    super::text::decode(bytes).map(Kind::Text)
}

/// Reads a .docx: refuses macros and encryption, then parses its text and properties.
pub fn open_docx(bytes: &[u8], file_name: &str) -> Result<Document, ImportError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| ImportError::NotWordFile)?;
    if zip.len() > MAX_ENTRIES {
        return Err(ImportError::ZipBomb);
    }
    let names: Vec<String> = zip.file_names().flatten().map(|n| n.into_owned()).collect();
    let lower = file_name.to_lowercase();
    if lower.ends_with(".docm")
        || lower.ends_with(".dotm")
        || names
            .iter()
            .any(|n| n.to_lowercase().ends_with("vbaproject.bin"))
    {
        return Err(ImportError::Macros);
    }
    let content_types = with_part(&mut zip, "[Content_Types].xml", |r| {
        let mut text = String::new();
        r.read_to_string(&mut text)
            .map_err(|_| ImportError::BrokenXml)?;
        Ok(text)
    })?
    .ok_or(ImportError::NotWordFile)?;
    if content_types.to_lowercase().contains("macroenabled") {
        return Err(ImportError::Macros);
    }
    let numbering = with_part(&mut zip, "word/numbering.xml", wordml::numbering)?;
    let properties = with_part(&mut zip, "docProps/custom.xml", wordml::custom_properties)?;
    with_part(&mut zip, "word/document.xml", |r| {
        wordml::document(
            r,
            &numbering.unwrap_or_default(),
            properties.unwrap_or_default(),
        )
    })?
    .ok_or(ImportError::NotWordFile)
}

/// Parses one part as it is unpacked, within the limits, or gives None when the file has
/// no such part.
fn with_part<T>(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    parse: impl FnOnce(&mut dyn BufRead) -> Result<T, ImportError>,
) -> Result<Option<T>, ImportError> {
    let entry = match zip.by_name(name) {
        Ok(entry) => entry,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(message))
            if message.to_lowercase().contains("password") =>
        {
            return Err(ImportError::Encrypted);
        }
        Err(_) => return Err(ImportError::BrokenXml),
    };
    if entry.encrypted() {
        return Err(ImportError::Encrypted);
    }
    // The packed size bounds what is read from the file; the unpacked size is counted as
    // it comes, never taken from the header.
    let limit =
        (entry.compressed_size().saturating_mul(MAX_RATIO)).clamp(RATIO_FREE_BYTES, MAX_PART_BYTES);
    let mut limited = Limited {
        inner: entry,
        left: limit,
        exceeded: false,
    };
    let result = parse(&mut BufReader::new(&mut limited));
    if limited.exceeded {
        return Err(ImportError::ZipBomb);
    }
    result.map(Some)
}

/// A reader that fails once more than `left` bytes came through.
struct Limited<R> {
    inner: R,
    left: u64,
    exceeded: bool,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        match self.left.checked_sub(n as u64) {
            Some(left) => {
                self.left = left;
                Ok(n)
            }
            None => {
                self.exceeded = true;
                Err(io::Error::other("part unpacks beyond its limit"))
            }
        }
    }
}
