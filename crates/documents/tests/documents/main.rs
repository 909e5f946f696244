//! The compiled report's writers, read back by real tools (LibreOffice, poppler) and by
//! parsers of the formats.

mod docx;
mod fixture;
mod forms;
#[cfg(feature = "pdf")]
mod pdf;
mod text;
mod xlsx;

use std::path::Path;
use std::process::Command;

/// Whether `tool` can be run. If it cannot, the test is skipped with a notice, unless
/// TERTIAL_REQUIRE_DOCUMENT_TOOLS=1 says the tools must be there.
pub fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("TERTIAL_REQUIRE_DOCUMENT_TOOLS").as_deref() != Ok("1"),
            "{tool} is missing and TERTIAL_REQUIRE_DOCUMENT_TOOLS=1 (scripts/install-deps installs it)"
        );
        eprintln!("SKIPPED: {tool} is not installed (scripts/install-deps installs it)");
    }
    found
}

/// Runs a command and returns its standard output, failing the test if it fails.
pub fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `pdftotext` of a PDF file, as UTF-8.
pub fn pdf_text(pdf: &Path) -> String {
    run("pdftotext", &["-enc", "UTF-8", &pdf.to_string_lossy(), "-"])
}
