use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use tertial_documents::xlsx;

use crate::fixture::{self, HOSTILE};

fn rows(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
    let range = workbook.worksheet_range(sheet).expect("sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::Float(f) => f.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn one_row_per_body_and_question_and_a_status_sheet() {
    let report = fixture::report();
    let mut bytes = Vec::new();
    xlsx::write(&report, &mut bytes).expect("xlsx");
    let answers = rows(&bytes, xlsx::ANSWERS);
    assert_eq!(
        answers[0],
        [
            "Fokusområde",
            "Nr",
            "Fråga",
            "Nämnd eller bolag",
            "Typ",
            "Status",
            "Ej aktuellt",
            "Svar"
        ]
    );
    // Three questions, five bodies each.
    assert_eq!(answers.len(), 1 + 3 * 5);
    let row = |question: &str, body: &str| {
        answers
            .iter()
            .find(|r| r[1] == question && r[3] == body)
            .unwrap_or_else(|| panic!("no row for {question} {body}"))
            .clone()
    };
    let skarholmen = row("1.1", "Skärholmens stadsdelsnämnd");
    assert_eq!(skarholmen[0], "1. Företagsklimat och service");
    assert_eq!(skarholmen[4], "Stadsdelsnämnd");
    assert_eq!(skarholmen[5], "Godkänd");
    assert_eq!(skarholmen[6], "");
    assert!(
        skarholmen[7]
            .starts_with("Skärholmen har öppnat ett företagslotsteam.\n\nVi har genomfört:\n- tre")
    );
    let hamnar = row("1.1", "Stockholms Hamnar AB");
    assert_eq!(hamnar[6], "Ja");
    assert_eq!(
        hamnar[7],
        "Bolaget har ingen myndighetsutövning mot företag."
    );
    let missing = row("1.1", "Östermalms stadsdelsnämnd");
    assert_eq!(
        (missing[5].as_str(), missing[7].as_str()),
        ("Ej inkommit", "")
    );
    let hostile = row("1.2", "Bromma stadsdelsnämnd");
    assert_eq!(
        hostile[7].replace('\u{b}', ""),
        HOSTILE.replace('\u{b}', "")
    );
    // Rows keep the bodies' order within a question.
    let bodies: Vec<&str> = answers[1..6].iter().map(|r| r[3].as_str()).collect();
    let listed: Vec<&str> = report.bodies.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(bodies, listed);

    let status = rows(&bytes, xlsx::STATUS);
    assert_eq!(status.len(), 1 + report.bodies.len());
    assert_eq!(
        status[1],
        [
            "Skärholmens stadsdelsnämnd",
            "Stadsdelsnämnd",
            "Godkänd",
            "2",
            "11 maj 2022 kl. 14.02",
            "Kontakt på Skärholmens stadsdelsnämnd, 08-508 000 00, kontakt@example.se"
        ]
    );
    assert_eq!(status[3][2], "Utkast");

    let appendices = rows(&bytes, xlsx::APPENDICES);
    let first: Vec<&str> = appendices.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        first,
        [
            "Bilaga: Beslut som väntar",
            "Skärholmens stadsdelsnämnd",
            "",
            "Meningar som säger att något ännu inte är beslutat.",
            "",
            "Inriktningen är ej beslutad.",
            "",
            "Nämnd eller bolag",
            "Bromma stadsdelsnämnd",
        ]
    );
    assert_eq!(appendices[8][1], "48");
}

#[test]
fn header_row_is_frozen_and_filtered() {
    let mut bytes = Vec::new();
    xlsx::write(&fixture::report(), &mut bytes).expect("xlsx");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut sheet = String::new();
    archive
        .by_name("xl/worksheets/sheet1.xml")
        .expect("sheet1")
        .read_to_string(&mut sheet)
        .expect("utf-8");
    assert!(
        sheet.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{sheet:.600}"
    );
    assert!(sheet.contains(r#"<autoFilter ref="A1:H16"/>"#));
    assert!(sheet.contains(r#"<col min="8" max="8" width="100.7109375" customWidth="1"/>"#));
}
