//! Forms as Word files: Skärholmen's reporter takes answers from the old template's text
//! into the T2 draft (preview, then confirm), an edit made in between is kept, our own
//! export comes back as the same answers, bad files change nothing, another body's reporter
//! gets nowhere, and the coordinator imports a historic form into T1 as a submitted version.

use super::*;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/uppfoljning-naringsliv-sdn-2022.txt"
);

fn fixture() -> Vec<u8> {
    std::fs::read(FIXTURE).expect("the fixture")
}

impl Client {
    /// Posts a file as the upload form does (multipart), with this session's CSRF token.
    pub(crate) async fn upload(&self, path: &str, file_name: &str, bytes: Vec<u8>) -> Reply {
        self.upload_with(path, file_name, bytes, &self.csrf).await
    }

    /// The same with a CSRF token of its own.
    async fn upload_with(&self, path: &str, file_name: &str, bytes: Vec<u8>, csrf: &str) -> Reply {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned());
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.to_owned())
            .part("fil", part);
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .multipart(form)
            .send()
            .await
            .expect("POST");
        Self::reply(response).await
    }

    /// Downloads a file.
    pub(crate) async fn bytes(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET");
        let status = response.status();
        (status, response.bytes().await.expect("body").to_vec())
    }
}

/// The text of a saved answer (empty if never saved).
fn saved_text(fields: &[tertial_domain::StoredField], code: &str) -> String {
    fields
        .iter()
        .find(|f| f.field.code() == code)
        .map(|f| f.value.text.clone())
        .unwrap_or_default()
}

/// Uploads into the draft and follows the redirect to the preview.
async fn preview_of(client: &Client, report: i64, name: &str, bytes: Vec<u8>) -> (String, Reply) {
    let uploaded = client
        .upload(&format!("/rapporter/{report}/import"), name, bytes)
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.text);
    let preview_path = uploaded.location.expect("to the preview");
    let preview = client.get(&preview_path).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    (preview_path, preview)
}

async fn actions_of(app: &TestApp, report: i64) -> Vec<(String, String)> {
    app.store
        .audit_of(AuditSubject::Report(tertial_domain::ReportId(report)))
        .await
        .expect("audit")
        .into_iter()
        .map(|r| (r.action, r.detail))
        .collect()
}

/// The fixture into Skärholmen's T2 draft: the preview lists the eight answers (one Ej
/// aktuellt), the contact person and no Övriga upplysningar, and changes nothing; an
/// answer saved after the preview is kept; confirming writes the rest, audited.
async fn reporter_takes_answers_from_the_template_text(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let form = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(form.text.contains("Ladda ner som Word-fil"));
    assert!(form.text.contains(&format!("/rapporter/{report}/import")));
    // The draft starts from T1's answers: make two of them differ from the file.
    let before = app.saved(report).await;
    let version = |code: &str| {
        before
            .iter()
            .find(|f| f.field.code() == code)
            .map_or(0, |f| f.version)
    };
    let saved = reporter
        .autosave(
            report,
            QUESTIONS[0],
            "Ett eget utkast",
            version(QUESTIONS[0]),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let saved = reporter
        .autosave(report, QUESTIONS[1], "", version(QUESTIONS[1]))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    let draft = app.saved(report).await;

    let page = reporter.get(&format!("/rapporter/{report}/import")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("enctype=\"multipart/form-data\""));
    let (preview_path, preview) = preview_of(
        &reporter,
        report,
        "uppfoljning-naringsliv-sdn-2022.txt",
        fixture(),
    )
    .await;
    let text = &preview.text;
    assert!(text.contains("uppfoljning-naringsliv-sdn-2022.txt"));
    assert!(text.contains("8 av 8 frågor besvaras i filen"), "{text}");
    assert!(text.contains("Ett eget utkast"), "the current text beside");
    assert!(text.contains("Ersätter") && text.contains("Nytt"));
    assert_eq!(
        text.matches("<span class=\"tag\">Ej aktuellt</span>")
            .count(),
        1,
        "one Ej aktuellt in the file (the draft has its own too)"
    );
    assert!(text.contains("Kontaktperson Exempel"));
    assert!(text.contains("kontaktperson@example.se"));
    let other = &text[text.find("id=\"ovrigt\"").expect("Övriga")..];
    let other = &other[..other.find("</section>").expect("end")];
    assert!(
        other.contains("Finns inte i filen") || other.contains("Tomt."),
        "{other}"
    );
    assert_eq!(app.saved(report).await, draft, "a preview changes nothing");

    // A colleague saves an answer the file would replace, after the preview.
    let colleague = app.signed_in("skarholmen@example.se").await;
    let current = app.saved(report).await;
    let v0 = current
        .iter()
        .find(|f| f.field.code() == QUESTIONS[0])
        .map_or(0, |f| f.version);
    colleague
        .autosave(report, QUESTIONS[0], "Kollegans nyare text", v0)
        .await;

    let confirmed = reporter.post_with_csrf(&preview_path, &[]).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text);
    assert!(
        confirmed.text.contains("Ändrades inte"),
        "{}",
        confirmed.text
    );
    assert!(confirmed.text.contains("Kollegans nyare text"));
    let after = app.saved(report).await;
    assert_eq!(saved_text(&after, QUESTIONS[0]), "Kollegans nyare text");
    let fixture_text = String::from_utf8(fixture()).expect("utf-8");
    let second = saved_text(&after, QUESTIONS[1]);
    assert!(!second.is_empty(), "the emptied answer came from the file");
    let first_words: String = second
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        fixture_text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains(&first_words),
        "{second}"
    );
    let form = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(form.text.contains(&first_words));

    let actions = actions_of(&app, report).await;
    let imported: Vec<_> = actions
        .iter()
        .filter(|(a, _)| a == "form_imported")
        .collect();
    assert_eq!(imported.len(), 1, "{actions:?}");
    assert!(
        imported[0]
            .1
            .contains("file=uppfoljning-naringsliv-sdn-2022.txt")
    );
    assert!(imported[0].1.contains("conflicts=1"), "{}", imported[0].1);
    assert!(imported[0].1.contains("sha256="));
    assert!(
        actions
            .iter()
            .any(|(a, d)| a == "answer_saved" && d.contains(QUESTIONS[1]))
    );
    assert!(
        actions
            .iter()
            .any(|(a, d)| a == "save_conflict" && d.contains(QUESTIONS[0]))
    );

    // Confirming again finds the preview used: nothing more happens.
    let again = reporter.post_with_csrf(&preview_path, &[]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(app.saved(report).await, after);
}
story!(reporter_takes_answers_from_the_template_text);

/// Our own export comes back as the same answers: nothing would change.
async fn the_exported_form_comes_back_unchanged(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let (status, docx) = reporter
        .bytes(&format!("/rapporter/{report}/formular"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(docx.starts_with(b"PK"), "a zip");
    let draft = app.saved(report).await;
    let (path, preview) = preview_of(&reporter, report, "formular.docx", docx).await;
    assert!(preview.text.contains("0 fält ändras"), "{}", preview.text);
    assert!(!preview.text.contains("Ersätter"));
    let confirmed = reporter.post_with_csrf(&path, &[]).await;
    assert_eq!(confirmed.status, StatusCode::OK);
    assert!(confirmed.text.contains("0 fält ändrades"));
    assert_eq!(app.saved(report).await, draft);

    // A submitted version's form, too.
    let t1 = app.report_id("T1 2022", "Skärholmen").await;
    let (status, docx) = reporter.bytes(&format!("/rapporter/{t1}/formular/1")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(docx.starts_with(b"PK"));
}
story!(the_exported_form_comes_back_unchanged);

/// A zip whose one entry expands a thousandfold.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", deflated)
        .expect("entry");
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        .expect("write");
    zip.start_file("word/document.xml", deflated)
        .expect("entry");
    zip.write_all(b"<w:document><w:body><w:p><w:r><w:t>")
        .expect("write");
    let zeros = vec![b' '; 1024 * 1024];
    for _ in 0..200 {
        zip.write_all(&zeros).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

/// Bad files give their message on the re-shown form (422) and change nothing; a file for
/// another body is refused naming it.
async fn bad_files_change_nothing(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let bromma = app.signed_in("bromma@example.se").await;
    let bromma_report = app.report_id("T2 2022", "Bromma").await;
    let (_, bromma_form) = bromma
        .bytes(&format!("/rapporter/{bromma_report}/formular"))
        .await;
    let t1 = app.report_id("T1 2022", "Skärholmen").await;
    let (_, t1_form) = reporter.bytes(&format!("/rapporter/{t1}/formular/1")).await;
    let named_bromma = String::from_utf8(fixture())
        .expect("utf-8")
        .replace("Stadsdelsnämnderna", "Bromma stadsdelsnämnd");
    let draft = app.saved(report).await;
    let audit = actions_of(&app, report).await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "bild.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "Word-fil",
        ),
        ("tom.docx", Vec::new(), "tom"),
        ("bomb.docx", zip_bomb(), "orimligt"),
        ("bromma.docx", bromma_form, "Bromma stadsdelsnämnd"),
        ("t1.docx", t1_form, "Tertialrapport 1 2022"),
        (
            "bromma.txt",
            named_bromma.into_bytes(),
            "Bromma stadsdelsnämnd",
        ),
        (
            "annat.txt",
            "Hej!\n\nInget formulär här.".as_bytes().to_vec(),
            "frågor",
        ),
    ];
    for (name, bytes, says) in cases {
        let reply = reporter
            .upload(&format!("/rapporter/{report}/import"), name, bytes)
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            reply.text
        );
        assert!(reply.text.contains("error-summary"), "{name}");
        assert!(reply.text.contains(says), "{name}: {}", reply.text);
    }
    // Larger than the limit: the message, not a dropped connection.
    let big = vec![b'a'; tertial_app::MAX_IMPORT_BYTES + 1024 * 1024];
    let reply = reporter
        .upload(&format!("/rapporter/{report}/import"), "stor.txt", big)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text.contains("för stor"), "{}", reply.text);
    assert_eq!(app.saved(report).await, draft);
    assert_eq!(
        actions_of(&app, report).await,
        audit,
        "nothing audited as changed"
    );
}
story!(bad_files_change_nothing);

/// Bromma's reporter cannot see or confirm Skärholmen's preview, nor upload into its
/// draft; a coordinator cannot import into a draft.
async fn only_the_uploader_confirms(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let (path, _) = preview_of(&reporter, report, "svar.txt", fixture()).await;
    let draft = app.saved(report).await;
    let bromma = app.signed_in("bromma@example.se").await;
    let seen = bromma.get(&path).await;
    assert!(matches!(
        seen.status,
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ));
    assert!(!seen.text.contains("Kontaktperson Exempel"));
    let confirmed = bromma.post_with_csrf(&path, &[]).await;
    assert!(matches!(
        confirmed.status,
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ));
    let uploaded = bromma
        .upload(
            &format!("/rapporter/{report}/import"),
            "svar.txt",
            fixture(),
        )
        .await;
    assert!(matches!(
        uploaded.status,
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ));
    let coordinator = app.signed_in("samordnare@example.se").await;
    let confirmed = coordinator.post_with_csrf(&path, &[]).await;
    assert_eq!(confirmed.status, StatusCode::FORBIDDEN);
    let (status, _) = coordinator
        .bytes(&format!("/rapporter/{report}/formular"))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a draft's text is the body's own"
    );
    assert_eq!(app.saved(report).await, draft);
    // Without the CSRF token nothing is read.
    let forged = reporter
        .upload_with(
            &format!("/rapporter/{report}/import"),
            "svar.txt",
            fixture(),
            "fel",
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.saved(report).await, draft);
}
story!(only_the_uploader_confirms);

/// The coordinator imports a historic form into T1 2022 for Bromma, which never submitted:
/// a submitted version marked imported, shown so on its page, audited; the draft is not
/// read. A reporter cannot.
async fn coordinator_imports_a_historic_version(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let report = app.report_id("T1 2022", "Bromma").await;
    let bromma = app.signed_in("bromma@example.se").await;
    let refused = bromma
        .get(&format!("/rapporter/{report}/historisk-import"))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let reader = app.signed_in("lasare@example.se").await;
    let refused = reader
        .get(&format!("/rapporter/{report}/historisk-import"))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let page = coordinator.get(&format!("/rapporter/{report}")).await;
    assert!(
        page.text
            .contains(&format!("/rapporter/{report}/historisk-import"))
    );
    let uploaded = coordinator
        .upload(
            &format!("/rapporter/{report}/historisk-import"),
            "bromma-t1-2022.txt",
            fixture(),
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.text);
    let path = uploaded.location.expect("preview");
    let preview = coordinator.get(&path).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.text.contains("version 1"), "{}", preview.text);
    assert!(preview.text.contains("8 av 8 frågor"));
    let confirmed = coordinator.post_with_csrf(&path, &[]).await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.text
    );
    assert_eq!(
        confirmed.location.as_deref(),
        Some(format!("/rapporter/{report}/versioner/1").as_str())
    );
    let version = coordinator
        .get(&format!("/rapporter/{report}/versioner/1"))
        .await;
    assert!(version.text.contains("Importerad från bromma-t1-2022.txt"));
    assert!(version.text.contains("Kontaktperson Exempel"));
    // The imported version is searchable at once, like a submitted one.
    let bromma_id = app.body("Bromma").await.id.0;
    let found = coordinator
        .get(&format!("/sok?q=platssamverkan&organ={bromma_id}"))
        .await;
    assert!(
        found
            .text
            .contains(&format!("/rapporter/{report}/versioner/1")),
        "{}",
        found.text
    );
    let submissions = app
        .store
        .stored_submissions(tertial_domain::ReportId(report))
        .await
        .expect("submissions");
    assert_eq!(submissions.len(), 1);
    assert_eq!(submissions[0].content.answers.len(), 8);
    assert_eq!(
        submissions[0]
            .content
            .answers
            .iter()
            .filter(|a| a.not_applicable)
            .count(),
        1
    );
    let actions = actions_of(&app, report).await;
    assert!(
        actions
            .iter()
            .any(|(a, d)| a == "version_imported" && d.contains("file=bromma-t1-2022.txt"))
    );
    // The open round takes no historic import.
    let open = app.report_id("T2 2022", "Bromma").await;
    let refused = coordinator
        .get(&format!("/rapporter/{open}/historisk-import"))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
}
story!(coordinator_imports_a_historic_version);

/// A question worded a little differently in the file is matched, and flagged as similar
/// with the file's wording, so the person can check it before confirming.
async fn similar_questions_are_flagged(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let reworded = String::from_utf8(fixture()).expect("utf-8").replace(
        "Beskriv samverkan med det lokala näringslivet",
        "Beskriv samarbetet med det lokala näringslivet",
    );
    let (_, preview) = preview_of(&reporter, report, "omskriven.txt", reworded.into_bytes()).await;
    assert!(
        preview.text.contains("Liknande fråga: ”"),
        "{}",
        preview.text
    );
    assert!(
        preview
            .text
            .contains("Beskriv samarbetet med det lokala näringslivet")
    );
    assert!(preview.text.contains("8 av 8 frågor"));
}
story!(similar_questions_are_flagged);
