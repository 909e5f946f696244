//! Forms out and back in: the export read back after LibreOffice saved it, the old template's
//! text (the fixture) and a Word file in its style, reworded questions, and malformed files.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use tertial_documents::form_docx::{
    FormDocument, FormIdentity, FormQuestion, FormSection, write_form,
};
use tertial_documents::form_import::{
    ExpectedQuestion, ImportError, ImportedForm, Match, Source, canonical, read_form,
};

use crate::{have, pdf_text, run};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/uppfoljning-naringsliv-sdn-2022.txt"
);
const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../cli/demo/naringsliv-2022.toml"
);

/// The demo's district-committee questions (key, text) and Skärholmen's T1 answers.
struct Demo {
    questions: Vec<(String, String)>,
    answers: toml::Table,
}

fn demo() -> Demo {
    let text = std::fs::read_to_string(DEMO).expect("demo data");
    let data: toml::Table = text.parse().expect("demo toml");
    let questions = data["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .filter(|q| {
            q["applies_to"]
                .as_array()
                .is_some_and(|a| a.iter().any(|k| k.as_str() == Some("district_committee")))
        })
        .map(|q| {
            let field = |name: &str| q[name].as_str().expect(name).to_owned();
            (field("key"), field("text"))
        })
        .collect();
    let answers = data["rounds"][0]["submissions"][0]["answers"]
        .as_table()
        .expect("answers")
        .clone();
    Demo { questions, answers }
}

fn expected(questions: &[(String, String)]) -> Vec<ExpectedQuestion<'_>> {
    questions
        .iter()
        .map(|(key, text)| ExpectedQuestion { key, text })
        .collect()
}

/// The words of a text, without list markers: what must survive however lines were broken.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| !matches!(*w, "-" | "•"))
        .map(str::to_owned)
        .collect()
}

fn answer<'a>(
    form: &'a ImportedForm,
    key: &str,
) -> &'a tertial_documents::form_import::ImportedAnswer {
    form.answers
        .iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("no answer for {key}: {form:#?}"))
}

/// The fixture read as the Skärholmen T1 answers the demo was cleaned up from.
fn assert_is_the_fixture(form: &ImportedForm, demo: &Demo) {
    let keys: Vec<&str> = form.answers.iter().map(|a| a.key.as_str()).collect();
    let demo_keys: Vec<&str> = demo.questions.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, demo_keys, "all eight, in the form's order");
    for a in &form.answers {
        if a.key == "renodlade-verksamhetsomraden" {
            assert!(a.not_applicable, "N/A is Ej aktuellt");
            assert_eq!(a.text, "");
            continue;
        }
        assert!(!a.not_applicable, "{}", a.key);
        let demo_text = demo.answers[&a.key].as_str().expect("answer");
        assert_eq!(words(&a.text), words(demo_text), "{}: {}", a.key, a.text);
    }
    assert_eq!(form.contact_name.as_deref(), Some("Kontaktperson Exempel"));
    assert_eq!(form.contact_phone.as_deref(), Some("08-000 00 00"));
    assert_eq!(
        form.contact_email.as_deref(),
        Some("kontaktperson@example.se")
    );
    assert_eq!(form.other_information.as_deref(), Some(""));
    assert_eq!(form.body_name.as_deref(), Some("Stadsdelsnämnderna"));
    assert!(form.unmatched.is_empty(), "{:?}", form.unmatched);
    // The bullet list stays a list, the paragraphs paragraphs.
    let vaxla = &answer(form, "vaxla-upp-stockholm").text;
    assert!(vaxla.contains("\n\n- …\n- …\n- …\n\n"), "{vaxla}");
    assert!(vaxla.starts_with("Stadsdelsförvaltningen ser Växla upp som ett övergripande uppdrag att intensifiera ett samordnat arbete"), "{vaxla}");
    assert!(
        vaxla.contains("budget och Vision 2040. Detta i syfte"),
        "{vaxla}"
    );
    assert!(vaxla.ends_with("i syfte att:\n\n1. Följa upp att arbetet bedrivs enligt plan, mot de gemensamma målen.\n2. Säkerställa att arbetet bedrivs samordnat."), "{vaxla}");
    assert_eq!(
        answer(form, "samverkan-lokalt-naringsliv")
            .text
            .matches("\n")
            .count(),
        2
    );
}

#[test]
fn the_old_templates_text_imports_every_answer_in_its_place() {
    let demo = demo();
    let bytes = std::fs::read(FIXTURE).expect("fixture");
    let form = read_form(&bytes, "uppfoljning.txt", &expected(&demo.questions)).expect("read");
    assert_eq!(form.source, Source::PlainText);
    assert_eq!(form.identity, None);
    eprintln!("{form:#?}");
    assert_is_the_fixture(&form, &demo);
    let exact = form
        .answers
        .iter()
        .filter(|a| a.matched == Match::Exact)
        .count();
    assert_eq!(
        exact,
        8,
        "{:?}",
        form.answers.iter().map(|a| &a.matched).collect::<Vec<_>>()
    );
}
