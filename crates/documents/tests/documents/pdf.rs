use tertial_documents::pdf;

use crate::fixture::{self, assert_in_order};
use crate::{have, pdf_text, run};

fn pdf_bytes() -> Vec<u8> {
    pdf::write(&fixture::report(), Vec::new()).expect("pdf")
}

fn written() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rapport.pdf");
    std::fs::write(&path, pdf_bytes()).expect("write");
    (dir, path)
}

#[test]
fn pdftotext_reads_every_heading_and_answer_in_order() {
    if !have("pdftotext") {
        return;
    }
    let (_dir, path) = written();
    assert_in_order("pdf", &pdf_text(&path));
}

#[test]
fn pages_are_numbered_fonts_embedded_and_properties_set() {
    if !have("pdfinfo") || !have("pdffonts") {
        return;
    }
    let (_dir, path) = written();
    let path = path.to_string_lossy();
    let info = run("pdfinfo", &[&path]);
    assert!(
        info.contains("Title:           Näringslivsrapport – Tertialrapport 1 2022"),
        "{info}"
    );
    assert!(info.contains("Author:          Stockholms stad"), "{info}");
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains("Page size:       595.276 x 841.89 pts (A4)"),
        "{info}"
    );
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    assert!(pages >= 2, "{info}");
    let text = pdf_text(std::path::Path::new(&*path));
    assert!(
        text.contains(&format!("Sida {pages}")),
        "the last page is numbered"
    );
    let fonts = run("pdffonts", &[&path]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{fonts}");
    for row in rows {
        // name type encoding emb sub uni
        let columns: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(
            &columns[columns.len() - 5..columns.len() - 2],
            ["yes", "yes", "yes"],
            "embedded, subset, ToUnicode: {fonts}"
        );
    }
}

#[test]
fn bookmarks_follow_the_headings() {
    if !have("qpdf") {
        return;
    }
    let (_dir, path) = written();
    let json = run(
        "qpdf",
        &["--json", "--json-key=outlines", &path.to_string_lossy()],
    );
    let outlines: serde_json::Value = serde_json::from_str(&json).expect("qpdf json");
    let titles = |items: &serde_json::Value| -> Vec<String> {
        items
            .as_array()
            .expect("outline items")
            .iter()
            .map(|i| i["title"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let top = &outlines["outlines"];
    assert_eq!(
        titles(top),
        [
            "Inledning",
            "1. Företagsklimat och service",
            "2. Kompetensförsörjning",
            "Bilaga: Status per nämnd och bolag",
            "Bilaga: Beslut som väntar",
        ]
    );
    let questions = &top[1]["kids"];
    assert_eq!(
        titles(questions),
        [
            "1.1 Beskriv hur nämnden har arbetat med företagsservice.",
            "1.2 Vilka åtgärder planeras för att förbättra dialogen med företagen?"
        ]
    );
    assert_eq!(
        titles(&questions[0]["kids"]),
        [
            "Skärholmens stadsdelsnämnd",
            "Bromma stadsdelsnämnd (ej godkänd)"
        ]
    );
}

#[test]
fn qpdf_finds_the_file_well_formed() {
    if !have("qpdf") {
        return;
    }
    let (_dir, path) = written();
    let out = run("qpdf", &["--check", &path.to_string_lossy()]);
    assert!(
        out.contains("No syntax or stream encoding errors found"),
        "{out}"
    );
}
