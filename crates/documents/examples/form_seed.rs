//! Writes an exported form (å ä ö, paragraphs, a list, "Ej aktuellt", an empty answer) to
//! the path given: the fuzz target's seed (`scripts/fuzz`).

use std::io::Cursor;

use tertial_documents::form_docx::{
    FormDocument, FormIdentity, FormQuestion, FormSection, write_form,
};

fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "form.docx".into());
    let question = |key: &str, number: &str, text: &str, answer: &str| FormQuestion {
        key: key.into(),
        number: number.into(),
        text: text.into(),
        help: "Nämn gärna forum.".into(),
        answer: answer.into(),
        not_applicable: answer.is_empty(),
        may_be_not_applicable: true,
    };
    let form = FormDocument {
        organisation: "Exempelstad".into(),
        follow_up: "Uppföljning av näringslivsarbetet".into(),
        round: "Tertialrapport 2 2022".into(),
        body: "Skärholmens stadsdelsnämnd".into(),
        identity: FormIdentity {
            follow_up_id: 1,
            round_id: 2,
            body_id: 3,
        },
        introduction: "Syftet är att följa arbetet.".into(),
        sections: vec![FormSection {
            heading: "1. Stimulera tillväxt och företagsamhet".into(),
            questions: vec![
                question(
                    "samverkan-lokalt-naringsliv",
                    "1.1",
                    "Beskriv samverkan med det lokala näringslivet inom stadsdelsnämndens geografiska område.",
                    "Vi ses varje vecka, även i år.\nEn rad till.\n\n- platssamverkan\n- företagarföreningen",
                ),
                question(
                    "vaxla-upp-stockholm",
                    "1.2",
                    "Beskriv nämndens arbete med ”Växla upp Stockholm”",
                    "",
                ),
            ],
        }],
        contact_name: "Åsa Öberg".into(),
        contact_phone: "08-508 000 00".into(),
        contact_email: "asa@example.se".into(),
        other_information: String::new(),
    };
    let bytes = write_form(&form, Cursor::new(Vec::new()))?.into_inner();
    std::fs::write(path, bytes)
}
