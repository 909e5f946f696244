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
