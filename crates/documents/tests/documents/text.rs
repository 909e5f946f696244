//! Markdown and JSON.

use tertial_documents::{json, markdown};
use tertial_domain::compiled::CompiledReport;

use crate::fixture::{self, assert_in_order};

#[test]
fn json_round_trips_the_model() {
    let report = fixture::report();
    let bytes = json(&report, Vec::new()).expect("json");
    let back: CompiledReport = serde_json::from_slice(&bytes).expect("parse");
    assert_eq!(back, report);
}

#[test]
fn markdown_has_every_heading_and_answer_in_order_and_typed_text_stays_text() {
    let md = String::from_utf8(markdown::compiled(&fixture::report(), Vec::new()).expect("md"))
        .expect("utf-8");
    assert!(md.starts_with("# Näringslivsrapport\n"), "{md}");
    for heading in [
        "\n## 1\\. Företagsklimat och service\n",
        "\n### 1.1 Beskriv hur nämnden har arbetat med företagsservice.\n",
        "\n#### Bromma stadsdelsnämnd (ej godkänd)\n",
        "\n- tre frukostmöten med lokala företagare\n",
        "\n**Ej inkommit:** Östermalms stadsdelsnämnd, Älvsjö-Hägersten stadsdelsnämnd\n",
        "\n| Nämnd eller bolag | Typ | Status | Version | Inskickad | Kontaktperson |\n",
    ] {
        assert!(md.contains(heading), "{heading:?} in:\n{md}");
    }
    assert!(md.contains("\\<w:p\\>"), "markup escaped");
    // Unescaped, it reads as the report.
    let unescaped = md.replace("**", "").replace("\\", "");
    let hostile_fixed = unescaped.replace("(parentes)", "(parentes\\)");
    assert_in_order("markdown", &hostile_fixed);
}

#[test]
fn one_body_s_submitted_version_is_a_compiled_report_of_one_body() {
    use tertial_documents::{DocumentAnswer, DocumentSection, SubmissionDocument};
    let doc = SubmissionDocument {
        title: "Uppföljning av näringslivspolicyn".into(),
        body: "Skärholmens stadsdelsnämnd".into(),
        round: "Tertialrapport 1 2022".into(),
        version: 2,
        submitted_at: "11 maj 2022 kl. 14.02".into(),
        submitted_by: "Rut Rapportör".into(),
        sections: vec![DocumentSection {
            heading: "1. Företagsklimat".into(),
            answers: vec![
                DocumentAnswer {
                    number: "1.1".into(),
                    question: "Beskriv arbetet.".into(),
                    text: "Vi har:\n- träffat företag".into(),
                    not_applicable: false,
                },
                DocumentAnswer {
                    number: "1.2".into(),
                    question: "Beskriv samverkan.".into(),
                    text: "Ingen sådan verksamhet.".into(),
                    not_applicable: true,
                },
            ],
        }],
        contact: vec![("Kontaktperson".into(), "Eva Ek".into())],
        other_information: String::new(),
    };
    let report = doc.compiled(
        "Stockholms stad",
        "2022-05-11T12:02:00Z".parse().expect("time"),
    );
    assert_eq!(report.bodies.len(), 1);
    let md =
        String::from_utf8(markdown::compiled(&report, Vec::new()).expect("md")).expect("utf-8");
    for expected in [
        "# Skärholmens stadsdelsnämnd\n",
        "\nVersion 2, inskickad 11 maj 2022 kl. 14.02 av Rut Rapportör.\n",
        "\n## 1\\. Företagsklimat\n",
        "\n### 1.1 Beskriv arbetet.\n",
        "\n#### Skärholmens stadsdelsnämnd\n\nVi har:\n\n- träffat företag\n",
        "\n**Ej aktuellt:**\n\n- Skärholmens stadsdelsnämnd: Ingen sådan verksamhet.\n",
        "\n## Övriga upplysningar\n\nInga.\n",
        "| Skärholmens stadsdelsnämnd |  | Inskickad | 2 | 11 maj 2022 kl. 14.02 | Eva Ek |",
    ] {
        assert!(md.contains(expected), "{expected:?} in:\n{md}");
    }
}
