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

/// Converts `path` with LibreOffice (its own profile) into `format` in `dir`.
fn soffice(dir: &Path, path: &Path, format: &str, out: &str) -> PathBuf {
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.display());
    let out_dir = dir.join(out);
    run(
        "soffice",
        &[
            &profile,
            "--headless",
            "--convert-to",
            format,
            "--outdir",
            &out_dir.to_string_lossy(),
            &path.to_string_lossy(),
        ],
    );
    let stem = path.file_stem().expect("stem").to_string_lossy();
    let extension = format.split(':').next().unwrap_or(format);
    out_dir.join(format!("{stem}.{extension}"))
}

const ANSWER_PARAGRAPHS: &str = "Första stycket om året som gått, med å, ä och ö.\nEn ny rad i samma stycke.\n\nAndra stycket:\n\n- en punkt\n- två punkter med ”citat” & <tecken>\n\nSista stycket.";

fn form() -> FormDocument {
    let question = |key: &str, number: &str, text: &str, answer: &str| FormQuestion {
        key: key.into(),
        number: number.into(),
        text: text.into(),
        help: String::new(),
        answer: answer.into(),
        not_applicable: false,
        may_be_not_applicable: true,
    };
    let mut first = question(
        "samverkan-lokalt-naringsliv",
        "1.1",
        "Beskriv samverkan med det lokala näringslivet.",
        ANSWER_PARAGRAPHS,
    );
    first.help = "Nämn gärna forum och hur ofta ni ses.".into();
    let mut second = question(
        "vaxla-upp",
        "1.2",
        "Beskriv nämndens arbete med ”Växla upp”",
        "",
    );
    second.may_be_not_applicable = false;
    let mut third = question(
        "renodlade",
        "2.1",
        "Beskriv arbetet med renodlade verksamhetsområden?",
        "Inga sådana områden finns i stadsdelen.\nTelefon: 08-000 00 00\n\n2. Inte en rubrik",
    );
    third.not_applicable = true;
    FormDocument {
        organisation: "Exempelstad".into(),
        follow_up: "Uppföljning av näringslivsarbetet".into(),
        round: "Tertialrapport 2 2022".into(),
        body: "Skärholmens stadsdelsnämnd".into(),
        identity: FormIdentity {
            follow_up_id: 3,
            round_id: 12,
            body_id: 45,
        },
        introduction: "Syftet är att följa arbetet.\n\n- Svara kort\n- Svara sant".into(),
        sections: vec![
            FormSection {
                heading: "1. Stimulera tillväxt".into(),
                questions: vec![first, second],
            },
            FormSection {
                heading: "2. Attraktivare miljöer".into(),
                questions: vec![third],
            },
        ],
        contact_name: "Åsa Öberg".into(),
        contact_phone: "08-508 000 00".into(),
        contact_email: "asa.oberg@example.se".into(),
        other_information: "Inget mer.\n\n- utom detta".into(),
    }
}

fn form_questions(form: &FormDocument) -> Vec<ExpectedQuestion<'_>> {
    form.sections
        .iter()
        .flat_map(|s| &s.questions)
        .map(|q| ExpectedQuestion {
            key: &q.key,
            text: &q.text,
        })
        .collect()
}

fn form_bytes(form: &FormDocument) -> Vec<u8> {
    write_form(form, Cursor::new(Vec::new()))
        .expect("docx")
        .into_inner()
}

/// Every answer, the contact and Övriga upplysningar come back exactly as exported.
fn assert_same_as_exported(read: &ImportedForm, form: &FormDocument) {
    assert_eq!(read.source, Source::OwnExport);
    assert_eq!(read.identity, Some(form.identity));
    let exported: Vec<&FormQuestion> = form.sections.iter().flat_map(|s| &s.questions).collect();
    assert_eq!(read.answers.len(), exported.len(), "{read:#?}");
    for (got, want) in read.answers.iter().zip(exported) {
        assert_eq!(got.key, want.key);
        assert_eq!(got.text, canonical(&want.answer), "{}", want.key);
        assert_eq!(got.not_applicable, want.not_applicable, "{}", want.key);
        assert_eq!(got.matched, Match::Tag);
    }
    assert_eq!(
        read.contact_name.as_deref(),
        Some(form.contact_name.as_str())
    );
    assert_eq!(
        read.contact_phone.as_deref(),
        Some(form.contact_phone.as_str())
    );
    assert_eq!(
        read.contact_email.as_deref(),
        Some(form.contact_email.as_str())
    );
    assert_eq!(
        read.other_information.as_deref(),
        Some(canonical(&form.other_information).as_str())
    );
    assert!(read.unmatched.is_empty(), "{:?}", read.unmatched);
}

#[test]
fn the_export_reads_back_as_written() {
    let form = form();
    let read = read_form(&form_bytes(&form), "form.docx", &form_questions(&form)).expect("read");
    assert_same_as_exported(&read, &form);
}

#[test]
fn the_export_comes_back_after_libreoffice_saved_it_and_edits_come_with_it() {
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let form = form();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("blankett.docx");
    std::fs::write(&path, form_bytes(&form)).expect("write");
    // LibreOffice lays it out: every heading and answer is there, in order.
    let pdf = pdf_text(&soffice(dir.path(), &path, "pdf", "pdf"));
    let mut at = 0;
    for text in [
        "Uppföljning av näringslivsarbetet",
        "1.1 Beskriv samverkan",
        "Nämn gärna forum",
        "Första stycket om året",
        "två punkter med ”citat” & <tecken>",
        "1.2 Beskriv nämndens",
        "Klicka här för att ange text.",
        "☒",
        "Inga sådana områden",
        "Åsa Öberg",
        "Inget mer.",
    ] {
        let found = pdf[at..]
            .find(text)
            .unwrap_or_else(|| panic!("{text} in {pdf}"));
        at += found;
    }
    // Saved again as .docx, as an editor would.
    let saved = soffice(dir.path(), &path, "docx:MS Word 2007 XML", "saved");
    let bytes = std::fs::read(&saved).expect("saved docx");
    let read = read_form(&bytes, "blankett.docx", &form_questions(&form)).expect("read");
    assert_same_as_exported(&read, &form);

    // A person's edit inside the answer's XML comes back, and only that.
    let edited = edit_part(&bytes, "word/document.xml", |xml| {
        xml.replacen("Sista stycket.", "Sista stycket, ändrat i Word.", 1)
    });
    let read = read_form(&edited, "blankett.docx", &form_questions(&form)).expect("read");
    let mut form = form;
    form.sections[0].questions[0].answer =
        ANSWER_PARAGRAPHS.replace("Sista stycket.", "Sista stycket, ändrat i Word.");
    assert_same_as_exported(&read, &form);
}

/// The zip with one part's text changed.
fn edit_part(bytes: &[u8], name: &str, change: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("read");
        let entry_name = entry.name().expect("name").into_owned();
        if entry_name == name {
            let text = String::from_utf8(content).expect("utf-8");
            let changed = change(&text);
            assert_ne!(changed, text, "the edit changed nothing");
            content = changed.into_bytes();
        }
        out.start_file(entry_name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&content).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

const QUESTIONS: [(&str, &str); 3] = [
    (
        "lokalt",
        "Beskriv samverkan med det lokala näringslivet inom stadsdelsnämndens geografiska område.",
    ),
    (
        "kultur",
        "Hur samverkar nämnden för att underlätta för närvaron av kultur i det offentliga rummet?",
    ),
    (
        "plats",
        "Hur samverkar och utvecklar nämnden arbetet med platssamverkan och platsaktivering på prioriterade platser?",
    ),
];

fn three() -> Vec<ExpectedQuestion<'static>> {
    QUESTIONS
        .iter()
        .map(|&(key, text)| ExpectedQuestion { key, text })
        .collect()
}

fn read_text(text: &str) -> ImportedForm {
    read_form(text.as_bytes(), "svar.txt", &three()).expect("read")
}

#[test]
fn reworded_numbered_and_wrapped_questions_still_match() {
    let form = read_text(
        "1.1  Beskriv samverkan med det lokala näringslivet inom nämndens geografiska\n   område.\nVi ses varje vecka.\n\n\
         a) Hur samverkar nämnden för att underlätta för närvaron av  kultur i det\noffentliga rummet?\n• konserter\n• utställningar i\nparklekar\n\n\
         Hur samverkar och utvecklar nämnden arbetet med platssamverkan och platsaktivering på prioriterade platser?\nEj aktuell.\n",
    );
    let [lokalt, kultur, plats] = &form.answers[..] else {
        panic!("{form:#?}")
    };
    assert_eq!(
        lokalt.matched,
        Match::Similar {
            percent: 90,
            found: "1.1 Beskriv samverkan med det lokala näringslivet inom nämndens geografiska område.".into()
        }
    );
    assert_eq!(lokalt.text, "Vi ses varje vecka.");
    assert_eq!(kultur.matched, Match::Exact);
    assert_eq!(kultur.text, "- konserter\n- utställningar i parklekar");
    assert_eq!(
        (
            plats.matched.clone(),
            plats.not_applicable,
            plats.text.as_str()
        ),
        (Match::Exact, true, "")
    );
}

#[test]
fn a_different_question_does_not_match_and_its_text_is_left_over() {
    let form = read_text(
        "Beskriv samverkan med det lokala näringslivet inom stadsdelsnämndens geografiska område.\nVi ses varje vecka.\n\n\
         Vilket samarbete har ni med kulturförvaltningen?\nEtt nära samarbete.\n\n\
         Hur samverkar nämnden med polisen i trygghetsarbetet?\nGenom platssamverkan.\n",
    );
    assert_eq!(form.answers.len(), 1, "{form:#?}");
    assert_eq!(form.answers[0].text, "Vi ses varje vecka.");
    assert_eq!(
        form.unmatched,
        [
            "Vilket samarbete har ni med kulturförvaltningen?\n\nEtt nära samarbete.",
            "Hur samverkar nämnden med polisen i trygghetsarbetet?\n\nGenom platssamverkan."
        ]
    );
}

/// A zip of the given parts.
fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in parts {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(content).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;

#[test]
fn malformed_files_are_refused_each_with_its_own_message() {
    let questions = three();
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend([0u8; 504]);
    let mut encrypted = ole.clone();
    encrypted.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    let bomb = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", &vec![b' '; 12 * 1024 * 1024]),
    ]);
    let deep = format!(
        "<w:document xmlns:w=\"w\">{}</w:document>",
        "<w:x>".repeat(1000)
    );
    let valid = form_bytes(&form());
    let cases: Vec<(&str, Vec<u8>, ImportError)> = vec![
        ("tom.docx", Vec::new(), ImportError::Empty),
        ("tom.txt", b" \n\n ".to_vec(), ImportError::Empty),
        (
            "stor.txt",
            vec![b'a'; 21 * 1024 * 1024],
            ImportError::TooLarge,
        ),
        (
            "bild.docx",
            b"\x89PNG\r\n\x1a\n\0\0\0".to_vec(),
            ImportError::NotWordFile,
        ),
        (
            "rapport.pdf",
            b"%PDF-1.7\n".to_vec(),
            ImportError::NotWordFile,
        ),
        (
            "binar.txt",
            vec![0, 1, 2, 3, 4, 5, 6, 7, 8],
            ImportError::NotWordFile,
        ),
        ("gammal.doc", ole, ImportError::OldWordFormat),
        ("hemlig.docx", encrypted, ImportError::Encrypted),
        ("makro.docm", valid.clone(), ImportError::Macros),
        (
            "makro.docx",
            zip_of(&[
                ("[Content_Types].xml", CONTENT_TYPES),
                ("word/vbaProject.bin", b"\0"),
            ]),
            ImportError::Macros,
        ),
        ("bomb.docx", bomb, ImportError::ZipBomb),
        (
            "trasig.docx",
            edit_part(&valid, "word/document.xml", |xml| {
                xml.replacen("</w:body>", "", 1)
            }),
            ImportError::BrokenXml,
        ),
        (
            "djup.docx",
            zip_of(&[
                ("[Content_Types].xml", CONTENT_TYPES),
                ("word/document.xml", deep.as_bytes()),
            ]),
            ImportError::BrokenXml,
        ),
        (
            "utan-dokument.docx",
            zip_of(&[("[Content_Types].xml", CONTENT_TYPES)]),
            ImportError::NotWordFile,
        ),
        (
            "avklippt.docx",
            valid[..valid.len() / 2].to_vec(),
            ImportError::NotWordFile,
        ),
        (
            "annan.txt",
            "Hur mår du?\nBra.".as_bytes().to_vec(),
            ImportError::NoQuestionsFound,
        ),
    ];
    let mut messages = std::collections::HashSet::new();
    for (name, bytes, want) in cases {
        let got = read_form(&bytes, name, &questions);
        assert_eq!(got.as_ref().err(), Some(&want), "{name}");
        let message = want.message();
        assert!(message.ends_with('.') && message.len() > 10, "{message}");
        messages.insert(message);
    }
    assert_eq!(messages.len(), 9, "each error its own message");
}

/// A Word file in the old template's style: questions as bold paragraphs, answers in
/// content controls (Word's placeholder where empty) or as plain paragraphs, real bullet
/// lists, "N/A", the contact in a table, a page break.
fn template_docx(questions: &[(String, String)]) -> Vec<u8> {
    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }
    fn bold(text: &str) -> String {
        format!(
            "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"
        )
    }
    fn bullet(text: &str) -> String {
        format!(
            "<w:p><w:pPr><w:pStyle w:val=\"Liststycke\"/><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"7\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
        )
    }
    fn control(content: &str) -> String {
        format!(
            "<w:sdt><w:sdtPr><w:id w:val=\"1\"/></w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"
        )
    }
    fn row(label: &str, value: &str) -> String {
        format!(
            "<w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr>",
            p(label),
            control(&p(value))
        )
    }
    let placeholder = "<w:p><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rStyle w:val=\"Platshllartext\"/></w:rPr><w:t>Klicka här för att ange text.</w:t></w:r></w:sdtContent></w:sdt></w:p>";
    let question = |i: usize| bold(&questions[i].1.replace('”', "&quot;"));
    let body = [
        p("UPPFÖLJNINGSRAPPORT NÄRINGSLIV"),
        p("För att nå resultat och sammanhållet kunna kommunicera hur arbetet med att stötta näringslivet fortskrider."),
        format!("<w:tbl>{}{}{}{}</w:tbl>", row("Nämnd", "Skärholmens stadsdelsnämnd"), row("Kontaktperson", "Eva Ek"), row("Telefon", "08-508 000 00"), row("E-post", "eva.ek@example.se")),
        p("Beskrivning (mål och syfte)"),
        p("Besvara följande frågor nedan i textrutorna (klicka här för att ange text)."),
        bold("1. Stimulera tillväxt och företagsamhet"),
        question(0),
        control(&format!("{}{}{}{}", p("Vi träffas varje vecka."), p("Så här:"), bullet("platssamverkan"), bullet("företagarföreningen"))),
        question(1),
        p("Arbetet har startat.<w:br/>Mer följer i höst."),
        "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>".into(),
        bold("2. Förbättra service, tillgänglighet och myndighetsutövning"),
        question(2),
        placeholder.into(),
        question(3),
        control(&p("N/A")),
        bold("Övriga upplysningar"),
        placeholder.into(),
    ]
    .concat();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let numbering = r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="3"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl></w:abstractNum><w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num></w:numbering>"#;
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let document_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>"#;
    zip_of(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("word/_rels/document.xml.rels", document_rels.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
    ])
}

#[test]
fn a_word_template_with_content_controls_and_real_lists_imports() {
    let demo = demo();
    let questions = &demo.questions[..4];
    let form =
        read_form(&template_docx(questions), "mall.docx", &expected(questions)).expect("read");
    assert_eq!(form.source, Source::WordTemplate);
    let got: Vec<(&str, &str, bool)> = form
        .answers
        .iter()
        .map(|a| (a.key.as_str(), a.text.as_str(), a.not_applicable))
        .collect();
    assert_eq!(
        got,
        [
            (
                "samverkan-lokalt-naringsliv",
                "Vi träffas varje vecka.\n\nSå här:\n\n- platssamverkan\n- företagarföreningen",
                false
            ),
            (
                "vaxla-upp-stockholm",
                "Arbetet har startat.\nMer följer i höst.",
                false
            ),
            ("svart-ekonomi-samverkan", "", false),
            ("renodlade-verksamhetsomraden", "", true),
        ]
    );
    assert!(form.answers.iter().all(|a| a.matched == Match::Exact));
    assert_eq!(
        form.body_name.as_deref(),
        Some("Skärholmens stadsdelsnämnd")
    );
    assert_eq!(form.contact_name.as_deref(), Some("Eva Ek"));
    assert_eq!(form.contact_phone.as_deref(), Some("08-508 000 00"));
    assert_eq!(form.contact_email.as_deref(), Some("eva.ek@example.se"));
    assert_eq!(form.other_information.as_deref(), Some(""));
    assert!(form.unmatched.is_empty(), "{:?}", form.unmatched);
}

#[test]
fn the_fixture_opened_in_libreoffice_and_saved_as_word_imports_the_same() {
    if !have("soffice") {
        return;
    }
    let demo = demo();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("uppfoljning.txt");
    std::fs::copy(FIXTURE, &path).expect("copy");
    let docx = soffice(dir.path(), &path, "docx:MS Word 2007 XML", "docx");
    let bytes = std::fs::read(&docx).expect("docx");
    let form = read_form(&bytes, "uppfoljning.docx", &expected(&demo.questions)).expect("read");
    assert_eq!(form.source, Source::WordTemplate);
    assert_is_the_fixture(&form, &demo);
    let text = read_form(
        &std::fs::read(FIXTURE).expect("fixture"),
        "u.txt",
        &expected(&demo.questions),
    )
    .expect("read");
    assert_eq!(form.answers, text.answers);
}
