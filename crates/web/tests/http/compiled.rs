//! The compiled report over HTTP: the coordinator previews it, sets it up, writes summaries
//! (each save a version; a stale save refused), downloads it in every format, publishes it;
//! readers read and download what is published, and nothing else. A draft never shows.

use std::io::Read;

use calamine::Reader;

use super::*;

/// A word that occurs nowhere but in Bromma's draft.
const DRAFT_MARKER: &str = "BROMMAUTKAST4412";

async fn round_id(app: &TestApp, name: &str) -> i64 {
    app.store
        .rounds()
        .await
        .expect("rounds")
        .iter()
        .find(|r| format!("{:?} {}", r.period, r.year) == name)
        .unwrap_or_else(|| panic!("no round {name}"))
        .id
        .0
}

/// A downloaded file: its media type, file name and bytes.
struct File {
    status: StatusCode,
    media_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

async fn download(client: &Client, path: &str) -> File {
    let response = client
        .http
        .get(format!("{}{path}", client.base))
        .send()
        .await
        .expect("GET");
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    File {
        status: response.status(),
        media_type: header(reqwest::header::CONTENT_TYPE),
        disposition: header(reqwest::header::CONTENT_DISPOSITION),
        bytes: response.bytes().await.expect("body").to_vec(),
    }
}

/// Every text part of a zip archive (Word's XML, Excel's shared strings), joined.
fn unzipped_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut all = String::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).expect("part");
        if part.name().expect("name").ends_with(".xml") {
            part.read_to_string(&mut all).expect("XML text");
        }
    }
    all
}

/// Skärholmen submits T2 complete; Bromma writes a draft holding the marker. Returns
/// (round, Skärholmen's report, Bromma's report).
async fn t2_with_one_submission_and_a_draft(app: &TestApp) -> (i64, i64, i64) {
    let skarholmen = app.report_id("T2 2022", "Skärholmen").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let sent = reporter
        .post_whole_form(skarholmen, &pairs(&complete_answers()), "skicka-in")
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let bromma = app.report_id("T2 2022", "Bromma").await;
    let colleague = app.signed_in("bromma@example.se").await;
    let draft = colleague
        .autosave(bromma, QUESTIONS[0], &format!("{DRAFT_MARKER} utkast"), 0)
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);
    (round_id(app, "T2 2022").await, skarholmen, bromma)
}

/// The coordinator compiles T2 with one body's submission and another's draft: the preview
/// and every export hold the submitted answers, list the others as not received, mark the
/// unapproved version, and never hold the draft. Approved only, the version is left out.
async fn compiled_from_submitted_versions_only_in_every_format(app: TestApp) {
    let (round, skarholmen, _) = t2_with_one_submission_and_a_draft(&app).await;
    // Every body of the round is listed in the appendix.
    let bodies = app
        .store
        .round_overview(tertial_domain::RoundId(round))
        .await
        .expect("reports")
        .len();
    let coordinator = app.signed_in("samordnare@example.se").await;
    let dashboard = coordinator.get(&format!("/omgangar/{round}")).await;
    assert!(
        dashboard
            .text
            .contains(&format!("/omgangar/{round}/rapport\""))
    );

    let preview = coordinator.get(&format!("/omgangar/{round}/rapport")).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    let answer = format!("Svar på {}.", QUESTIONS[0]);
    assert!(
        preview
            .text
            .contains("Näringslivsrapport Tertialrapport 2 2022")
    );
    assert!(preview.text.contains(&answer));
    assert!(preview.text.contains("ej godkänd"), "unapproved marked");
    assert!(preview.text.contains("Ej inkommit:</strong>"));
    assert!(preview.text.contains("Bromma stadsdelsnämnd"));
    assert!(
        preview.text.contains("href=\"#fraga-1.1\""),
        "a table of contents"
    );
    assert!(!preview.text.contains(DRAFT_MARKER), "never a draft");

    let expected = [
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("pdf", "application/pdf"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("md", "text/markdown; charset=utf-8"),
        ("json", "application/json"),
    ];
    for (format, media_type) in expected {
        let file = download(&coordinator, &format!("/omgangar/{round}/rapport/{format}")).await;
        assert_eq!(file.status, StatusCode::OK, "{format}");
        assert_eq!(file.media_type, media_type);
        assert_eq!(
            file.disposition,
            format!("attachment; filename=\"Naringslivsrapport-Tertialrapport-2-2022.{format}\"")
        );
        let text = match format {
            "docx" => unzipped_text(&file.bytes),
            "pdf" => {
                assert!(file.bytes.starts_with(b"%PDF"), "a PDF");
                continue;
            }
            "xlsx" => {
                let mut book: calamine::Xlsx<_> =
                    calamine::open_workbook_from_rs(std::io::Cursor::new(file.bytes.clone()))
                        .expect("an Excel workbook");
                let sheet = book.worksheet_range("Svar").expect("the answers' sheet");
                let cells: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
                assert!(cells.contains(&answer), "{cells:?}");
                cells.join("\n")
            }
            "json" => {
                let json: serde_json::Value = serde_json::from_slice(&file.bytes).expect("JSON");
                assert_eq!(json["title"], "Näringslivsrapport Tertialrapport 2 2022");
                assert_eq!(json["bodies"].as_array().map(Vec::len), Some(bodies));
                json.to_string()
            }
            _ => String::from_utf8(file.bytes).expect("UTF-8"),
        };
        assert!(text.contains(&answer), "{format} holds the answer");
        assert!(!text.contains(DRAFT_MARKER), "{format} never holds a draft");
    }
    let exported = app
        .store
        .audit_of(AuditSubject::Round(tertial_domain::RoundId(round)))
        .await
        .expect("audit")
        .into_iter()
        .filter(|a| a.action == "compilation_exported")
        .count();
    assert_eq!(exported, 5, "every export audited");

    // Approved only: the unapproved version is left out, and the appendix says so.
    let saved = coordinator
        .post_with_csrf(
            &format!("/omgangar/{round}/rapport/installningar"),
            &[
                ("title", "Näringslivsrapport T2"),
                ("introduction", "Inledande stycke."),
                ("approved_only", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let only = coordinator.get(&format!("/omgangar/{round}/rapport")).await;
    assert!(only.text.contains("<h1>Näringslivsrapport T2</h1>"));
    assert!(only.text.contains("Inledande stycke."));
    assert!(!only.text.contains(&answer), "left out until approved");
    assert!(only.text.contains("Inskickad, ej godkänd (ej med)"));
    let approved = coordinator
        .post_with_csrf(
            &format!("/rapporter/{skarholmen}/godkann"),
            &[("version", "1"), ("comment", "")],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.text);
    let then = coordinator.get(&format!("/omgangar/{round}/rapport")).await;
    assert!(then.text.contains(&answer), "approved, so compiled");
    assert!(!then.text.contains("ej godkänd</span>"));
    // Contacts only when chosen.
    assert!(!then.text.contains("kontaktperson@example.se"));
    let with_contacts = coordinator
        .post_with_csrf(
            &format!("/omgangar/{round}/rapport/installningar"),
            &[
                ("title", "Näringslivsrapport T2"),
                ("introduction", ""),
                ("include_contacts", "1"),
            ],
        )
        .await;
    assert_eq!(with_contacts.status, StatusCode::SEE_OTHER);
    let contacts = coordinator.get(&format!("/omgangar/{round}/rapport")).await;
    assert!(contacts.text.contains("kontaktperson@example.se"));

    // A title that is empty, or hides characters, changes nothing and is shown as typed.
    for (title, message) in [
        ("   ", "Skriv en rubrik"),
        ("Dold\u{202e}rubrik", "osynliga tecken"),
    ] {
        let refused = coordinator
            .post_with_csrf(
                &format!("/omgangar/{round}/rapport/installningar"),
                &[("title", title), ("introduction", "Behålls som skriven.")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text.contains(message), "{}", refused.text);
        assert!(refused.text.contains("Behålls som skriven.</textarea>"));
    }
    let unchanged = coordinator.get(&format!("/omgangar/{round}/rapport")).await;
    assert!(unchanged.text.contains("<h1>Näringslivsrapport T2</h1>"));
}
story!(compiled_from_submitted_versions_only_in_every_format);

/// A single body's submitted version downloads as Word, PDF, Excel and Markdown; the old
/// Markdown address still works.
async fn a_submitted_version_downloads_in_every_format(app: TestApp) {
    let report = app.report_id("T1 2022", "Skärholmen").await;
    let coordinator = app.signed_in("samordnare@example.se").await;
    let page = coordinator
        .get(&format!("/rapporter/{report}/versioner/1"))
        .await;
    for (code, name) in [
        ("docx", "Word"),
        ("pdf", "PDF"),
        ("xlsx", "Excel"),
        ("md", "Markdown"),
    ] {
        assert!(
            page.text
                .contains(&format!("/versioner/1/{code}\" download>{name}")),
            "{code}: {}",
            page.text
        );
        let file = download(
            &coordinator,
            &format!("/rapporter/{report}/versioner/1/{code}"),
        )
        .await;
        assert_eq!(file.status, StatusCode::OK, "{code}");
        assert!(
            file.disposition.ends_with(&format!("-version-1.{code}\"")),
            "{}",
            file.disposition
        );
    }
    let word = download(
        &coordinator,
        &format!("/rapporter/{report}/versioner/1/docx"),
    )
    .await;
    assert!(unzipped_text(&word.bytes).contains("Skärholmen"));
    let markdown = download(
        &coordinator,
        &format!("/rapporter/{report}/versioner/1/markdown"),
    )
    .await;
    assert_eq!(markdown.media_type, "text/markdown; charset=utf-8");
    let unknown = download(
        &coordinator,
        &format!("/rapporter/{report}/versioner/1/exe"),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
story!(a_submitted_version_downloads_in_every_format);

/// Each save of a summary is a new version; a save based on an older version than the
/// latest is refused, with the typed text kept and the newer one shown.
async fn summaries_are_versioned_and_a_stale_save_is_refused(app: TestApp) {
    let round = round_id(&app, "T1 2022").await;
    let coordinator = app.signed_in("samordnare@example.se").await;
    let path = format!("/omgangar/{round}/rapport/sammanfattning/1");
    let form = coordinator.get(&path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert!(form.text.contains("name=\"version\" value=\"0\""));
    let first = coordinator
        .post_with_csrf(
            &path,
            &[
                ("version", "0"),
                ("text", "Första sammanfattningen.\n\n- en punkt"),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text);
    let second = coordinator
        .post_with_csrf(&path, &[("version", "1"), ("text", "Andra versionen.")])
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    // A colleague's form still based on version 1.
    let stale = coordinator
        .post_with_csrf(&path, &[("version", "1"), ("text", "Min gamla text.")])
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text.contains("version 2"), "{}", stale.text);
    assert!(
        stale.text.contains("Min gamla text.</textarea>"),
        "typed text kept"
    );
    assert!(
        stale.text.contains("<p>Andra versionen.</p>"),
        "the newer one shown"
    );
    assert!(stale.text.contains("name=\"version\" value=\"2\""));
    let hidden = coordinator
        .post_with_csrf(&path, &[("version", "2"), ("text", "Dolt\u{200b}")])
        .await;
    assert_eq!(hidden.status, StatusCode::CONFLICT);
    assert!(hidden.text.contains("osynliga tecken"));
    let summaries = app
        .store
        .summaries(tertial_domain::RoundId(round))
        .await
        .expect("summaries");
    let texts: Vec<&str> = summaries.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        ["Första sammanfattningen.\n\n- en punkt", "Andra versionen."]
    );
    let preview = coordinator.get(&format!("/omgangar/{round}/rapport")).await;
    assert!(preview.text.contains("<p>Andra versionen.</p>"));
    assert!(!preview.text.contains("Första sammanfattningen."));
    let unknown = coordinator
        .get(&format!("/omgangar/{round}/rapport/sammanfattning/9"))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
story!(summaries_are_versioned_and_a_stale_save_is_refused);

/// Published, the report's files stay byte for byte as they were after the body's answers
/// change; readers list, read and download it, and reach nothing else.
async fn published_versions_stay_as_published_and_readers_read_them(app: TestApp) {
    let (round, skarholmen, _) = t2_with_one_submission_and_a_draft(&app).await;
    let coordinator = app.signed_in("samordnare@example.se").await;
    let published = coordinator
        .post_with_csrf(&format!("/omgangar/{round}/rapport/publicera"), &[])
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.text
    );
    let reader = app.signed_in("lasare@example.se").await;
    let mut first = Vec::new();
    for format in ["docx", "pdf", "xlsx", "md", "json"] {
        let file = download(&reader, &format!("/publicerat/{round}/1/{format}")).await;
        assert_eq!(file.status, StatusCode::OK, "{format}");
        assert!(
            file.disposition.contains("-version-1."),
            "{}",
            file.disposition
        );
        first.push(file.bytes);
    }

    // The coordinator returns the report; the body changes an answer and submits again.
    let returned = coordinator
        .post_with_csrf(
            &format!("/rapporter/{skarholmen}/atersand"),
            &[("version", "1"), ("comment", "Komplettera.")],
        )
        .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.text);
    let reporter = app.signed_in("skarholmen@example.se").await;
    let changed = format!("text.{}", QUESTIONS[0]);
    let resent = reporter
        .post_whole_form(
            skarholmen,
            &[(changed.as_str(), "Ett ändrat svar.")],
            "skicka-in",
        )
        .await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.text);
    let preview = coordinator.get(&format!("/omgangar/{round}/rapport")).await;
    assert!(preview.text.contains("Ett ändrat svar."));

    for (format, before) in ["docx", "pdf", "xlsx", "md", "json"].iter().zip(&first) {
        let again = download(&reader, &format!("/publicerat/{round}/1/{format}")).await;
        assert_eq!(&again.bytes, before, "{format} as published");
    }
    let list = reader.get("/publicerat").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains(&format!("/publicerat/{round}/1\"")));
    let version = reader.get(&format!("/publicerat/{round}/1")).await;
    assert_eq!(version.status, StatusCode::OK);
    assert!(version.text.contains(&format!("Svar på {}.", QUESTIONS[0])));
    assert!(!version.text.contains("Ett ändrat svar."));
    assert!(!version.text.contains(DRAFT_MARKER));

    // Published again: version 2 holds the new answer; version 1 stays.
    coordinator
        .post_with_csrf(&format!("/omgangar/{round}/rapport/publicera"), &[])
        .await;
    let second = reader.get(&format!("/publicerat/{round}/2")).await;
    assert!(second.text.contains("Ett ändrat svar."));
    let downloads = app
        .store
        .audit_of(AuditSubject::Round(tertial_domain::RoundId(round)))
        .await
        .expect("audit")
        .into_iter()
        .filter(|a| a.action == "publication_downloaded" || a.action == "compilation_published")
        .count();
    assert_eq!(downloads, 12, "ten downloads and two publications audited");

    // Readers reach nothing but what is published; reporters not even that.
    for path in [
        format!("/omgangar/{round}"),
        format!("/omgangar/{round}/rapport"),
        format!("/omgangar/{round}/rapport/docx"),
        format!("/omgangar/{round}/rapport/sammanfattning/1"),
        format!("/rapporter/{skarholmen}/versioner/1/docx"),
    ] {
        let refused = reader.get(&path).await;
        assert!(
            matches!(
                refused.status,
                StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
            ),
            "{path}: {}",
            refused.status
        );
    }
    let forged = reader
        .post_with_csrf(&format!("/omgangar/{round}/rapport/publicera"), &[])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    for path in [
        "/publicerat".to_owned(),
        format!("/publicerat/{round}/1"),
        format!("/publicerat/{round}/1/docx"),
        format!("/omgangar/{round}/rapport/pdf"),
    ] {
        assert_eq!(
            reporter.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let missing = reader.get(&format!("/publicerat/{round}/9")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
story!(published_versions_stay_as_published_and_readers_read_them);
