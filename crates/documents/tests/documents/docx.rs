use std::fs::File;
use std::io::{Cursor, Read};

use tertial_documents::docx;

use crate::fixture::{self, assert_in_order};
use crate::{have, pdf_text, run};

fn docx_bytes() -> Vec<u8> {
    docx::write(&fixture::report(), Cursor::new(Vec::new()))
        .expect("docx")
        .into_inner()
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .expect("utf-8");
    text
}

#[test]
fn headings_are_word_heading_styles_and_lists_are_word_lists() {
    let bytes = docx_bytes();
    let document = part(&bytes, "word/document.xml");
    let styles = part(&bytes, "word/styles.xml");
    let count = |style: &str| {
        document
            .matches(&format!("<w:pStyle w:val=\"{style}\"/>"))
            .count()
    };
    // Inledning, two focus areas, two appendices; three questions and a body in the second
    // appendix; five answers.
    assert_eq!(count("Heading1"), 5);
    assert_eq!(count("Heading2"), 4);
    assert_eq!(count("Heading3"), 5);
    for level in 1..=3 {
        let style = format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading{level}\"><w:name w:val=\"heading {level}\"/>"
        );
        let definition = styles.split(&style).nth(1).expect("heading style defined");
        let definition = definition.split("</w:style>").next().unwrap_or_default();
        assert!(
            definition.contains(&format!("<w:outlineLvl w:val=\"{}\"/>", level - 1)),
            "{definition}"
        );
    }
    // Five bullets typed, two "Ej aktuellt" bodies listed, one in an appendix.
    assert_eq!(document.matches("<w:numPr>").count(), 8);
    assert!(part(&bytes, "word/numbering.xml").contains("<w:numFmt w:val=\"bullet\"/>"));
    assert!(document.contains(r#"TOC \o "1-3" \h"#));
    assert!(part(&bytes, "word/settings.xml").contains("<w:updateFields w:val=\"true\"/>"));
    assert!(part(&bytes, "word/footer1.xml").contains(" PAGE "));
    let core = part(&bytes, "docProps/core.xml");
    assert!(core.contains("<dc:title>Näringslivsrapport – Tertialrapport 1 2022</dc:title>"));
    assert!(core.contains("<dc:creator>Stockholms stad</dc:creator>"));
    assert!(core.contains(">2022-05-20T08:00:00Z</dcterms:created>"));
    // Typed markup stays text; what XML forbids is gone.
    assert!(document.contains("&lt;w:p&gt;&lt;w:r&gt;&lt;w:t&gt;inskjutet"));
    assert!(document.contains("]]&gt; &amp;amp; &lt;/script&gt; %PDF-1.7"));
    assert!(!document.contains('\u{b}'));
}

#[test]
fn the_same_report_is_the_same_file() {
    assert_eq!(docx_bytes(), docx_bytes());
}

#[test]
fn libreoffice_reads_every_heading_and_answer_in_order() {
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rapport.docx");
    std::fs::write(&path, docx_bytes()).expect("write");
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    run(
        "soffice",
        &[
            &profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            &dir.path().to_string_lossy(),
            &path.to_string_lossy(),
        ],
    );
    let pdf = dir.path().join("rapport.pdf");
    assert!(File::open(&pdf).is_ok(), "LibreOffice made no PDF");
    assert_in_order("docx via LibreOffice", &pdf_text(&pdf));
}
