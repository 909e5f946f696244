//! A realistic compiled report: Swedish text, paragraphs, bullet lists, "Ej aktuellt",
//! "Ej inkommit", å ä ö and hostile text.

use tertial_domain::compiled::{
    Appendix, AppendixBlock, CompiledAnswer, CompiledBody, CompiledContact, CompiledFocusArea,
    CompiledQuestion, CompiledReport, NotApplicable,
};

pub const HOSTILE: &str = "Försök: <w:p><w:r><w:t>inskjutet</w:t></w:r></w:p> ]]> &amp; </script> %PDF-1.7 (parentes\\) \u{b}slut";
pub const LONG_WORD: &str = "Näringslivsutvecklingssamverkansprojektsansökningshandläggningsrutinsbeskrivningsdokumentationsförvaltningsansvarsfördelningsöversiktsplanen";

fn body(name: &str, kind: &str, status: &str, version: Option<i64>, at: &str) -> CompiledBody {
    CompiledBody {
        name: name.into(),
        kind: kind.into(),
        status: status.into(),
        version,
        submitted_at: at.into(),
        contact: version.map(|_| CompiledContact {
            name: format!("Kontakt på {name}"),
            phone: "08-508 000 00".into(),
            email: "kontakt@example.se".into(),
        }),
    }
}

fn answer(body: usize, text: &str, approved: bool) -> CompiledAnswer {
    CompiledAnswer {
        body,
        text: text.into(),
        version: 1,
        approved,
    }
}

pub fn report() -> CompiledReport {
    let district = "Stadsdelsnämnd";
    CompiledReport {
        title: "Näringslivsrapport".into(),
        organisation: "Stockholms stad".into(),
        follow_up: "Uppföljning av näringslivspolicyn".into(),
        round: "Tertialrapport 1 2022".into(),
        date: "20 maj 2022".into(),
        created: "2022-05-20T08:00:00Z".parse().expect("time"),
        introduction: "Rapporten beskriver rådande läge i stadens näringslivsarbete.\n\nDen bygger på nämndernas och bolagens svar.".into(),
        marks_unapproved: true,
        includes_contacts: true,
        focus_areas: vec![
            CompiledFocusArea {
                number: "1".into(),
                name: "Företagsklimat och service".into(),
                summary: "Samordnarens sammanfattning: arbetet går framåt i hela staden.".into(),
                questions: vec![
                    CompiledQuestion {
                        number: "1.1".into(),
                        text: "Beskriv hur nämnden har arbetat med företagsservice.".into(),
                        answers: vec![
                            answer(0, "Skärholmen har öppnat ett företagslotsteam.\n\nVi har genomfört:\n- tre frukostmöten med lokala företagare\n- en förenklad ansökan om uteservering\n• en digital tidsbokning\n\nArbetet fortsätter under hösten.", true),
                            answer(1, &format!("Bromma har arbetat med {LONG_WORD} under perioden.\nEn ny rad i samma stycke."), false),
                        ],
                        not_applicable: vec![NotApplicable {
                            body: 3,
                            justification: "Bolaget har ingen myndighetsutövning mot företag.".into(),
                        }],
                        not_received: vec![2, 4],
                    },
                    CompiledQuestion {
                        number: "1.2".into(),
                        text: "Vilka åtgärder planeras för att förbättra dialogen med företagen?".into(),
                        answers: vec![answer(1, HOSTILE, true), answer(3, "Ökad närvaro på Östermalm & Söder.", true)],
                        not_applicable: vec![NotApplicable { body: 0, justification: String::new() }],
                        not_received: vec![2, 4],
                    },
                ],
            },
            CompiledFocusArea {
                number: "2".into(),
                name: "Kompetensförsörjning".into(),
                summary: String::new(),
                questions: vec![CompiledQuestion {
                    number: "2.1".into(),
                    text: "Hur har nämnden bidragit till matchningen på arbetsmarknaden?".into(),
                    answers: vec![answer(0, "Sommarjobb för 120 ungdomar i Skärholmen.\n* Feriepraktik i äldreomsorgen\n* Språkcafé för nyanlända", true)],
                    not_applicable: vec![],
                    not_received: vec![1, 2, 3, 4],
                }],
            },
        ],
        bodies: vec![
            body("Skärholmens stadsdelsnämnd", district, "Godkänd", Some(2), "11 maj 2022 kl. 14.02"),
            body("Bromma stadsdelsnämnd", district, "Inskickad", Some(1), "12 maj 2022 kl. 09.15"),
            body("Östermalms stadsdelsnämnd", district, "Utkast", None, ""),
            body("Stockholms Hamnar AB", "Bolagsstyrelse", "Godkänd", Some(1), "10 maj 2022 kl. 16.40"),
            body("Älvsjö-Hägersten stadsdelsnämnd", district, "Ej påbörjad", None, ""),
        ],
        appendices: vec![Appendix {
            title: "Bilaga: Beslut som väntar".into(),
            blocks: vec![
                AppendixBlock::Heading("Skärholmens stadsdelsnämnd".into()),
                AppendixBlock::Paragraph("Meningar som säger att något ännu inte är beslutat.".into()),
                AppendixBlock::List(vec!["Inriktningen är ej beslutad.".into()]),
                AppendixBlock::Table {
                    columns: vec!["Nämnd eller bolag".into(), "LIX".into()],
                    rows: vec![vec!["Bromma stadsdelsnämnd".into(), "48".into()]],
                },
            ],
        }],
    }
}

/// The texts every document must show, in reading order (what people typed, one line of it
/// at a time; the hostile text's vertical tab is dropped by the writers).
pub fn expected_in_order() -> Vec<String> {
    [
        "Näringslivsrapport",
        "Stockholms stad",
        "Inledning",
        "Rapporten beskriver rådande läge i stadens näringslivsarbete.",
        "1. Företagsklimat och service",
        "Samordnarens sammanfattning: arbetet går framåt i hela staden.",
        "1.1 Beskriv hur nämnden har arbetat med företagsservice.",
        "Skärholmens stadsdelsnämnd",
        "Skärholmen har öppnat ett företagslotsteam.",
        "tre frukostmöten med lokala företagare",
        "en digital tidsbokning",
        "Arbetet fortsätter under hösten.",
        "Bromma stadsdelsnämnd (ej godkänd)",
        LONG_WORD,
        "En ny rad i samma stycke.",
        "Ej aktuellt",
        "Stockholms Hamnar AB: Bolaget har ingen myndighetsutövning mot företag.",
        "Ej inkommit: Östermalms stadsdelsnämnd, Älvsjö-Hägersten stadsdelsnämnd",
        "1.2 Vilka åtgärder planeras för att förbättra dialogen med företagen?",
        "Försök: <w:p><w:r><w:t>inskjutet</w:t></w:r></w:p> ]]> &amp; </script> %PDF-1.7 (parentes\\)",
        "Ökad närvaro på Östermalm & Söder.",
        "2. Kompetensförsörjning",
        "2.1 Hur har nämnden bidragit till matchningen på arbetsmarknaden?",
        "Sommarjobb för 120 ungdomar i Skärholmen.",
        "Språkcafé för nyanlända",
        "Bilaga: Status per nämnd och bolag",
        "Ej påbörjad",
        "Bilaga: Beslut som väntar",
        "Skärholmens stadsdelsnämnd",
        "Meningar som säger att något ännu inte är beslutat.",
        "Inriktningen är ej beslutad.",
        "Bromma stadsdelsnämnd",
    ]
    .map(String::from)
    .to_vec()
}

/// Checks that every expected text appears in `text`, in order. Whitespace is ignored, since
/// a typesetter breaks lines (and very long words) where it likes.
pub fn assert_in_order(what: &str, text: &str) {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let haystack = squeeze(text);
    let mut from = 0;
    for expected in expected_in_order() {
        let needle = squeeze(&expected);
        match haystack[from..].find(&needle) {
            Some(at) => from += at + needle.len(),
            None => panic!(
                "{what}: {expected:?} missing or out of order; after position {from} the text is:\n{}",
                text_after(&haystack, from)
            ),
        }
    }
}

fn text_after(text: &str, from: usize) -> &str {
    let end = text.len().min(from + 2000);
    text.get(from..end).unwrap_or(text)
}
