//! Searching answers (`/sok`) on the demo: Skärholmen submitted T1 2022; T2 2022 is open.
//! Bromma drafts an answer in T2 with a marker word; Skärholmen submits T2 with HTML in an
//! answer. Who finds what: the coordinator every submitted version and no draft, the reader
//! only what is published, Bromma's reporter its own draft.

use super::*;

/// A word that occurs nowhere but in Bromma's draft.
const MARKER: &str = "Sokutkast7731";
const QUESTION: &str = "samverkan-lokalt-naringsliv";

/// The part of a search page that shows hits (after the form, which repeats the query).
fn hits(html: &str) -> &str {
    let form = html.find("action=\"/sok\"").expect("search form");
    let from = form + html[form..].find("</form>").expect("end of form");
    &html[from..]
}

async fn round_id(app: &TestApp, name: &str) -> i64 {
    app.store
        .rounds()
        .await
        .expect("rounds")
        .iter()
        .find(|r| format!("{:?} {}", r.period, r.year) == name)
        .map(|r| r.id.0)
        .unwrap_or_else(|| panic!("no round {name}"))
}

async fn who_finds_what(app: TestApp) {
    let t1 = round_id(&app, "T1 2022").await;
    let t2 = round_id(&app, "T2 2022").await;
    // Bromma drafts (saved, not submitted) an answer with the marker.
    let bromma = app.signed_in("bromma@example.se").await;
    let bromma_report = app.report_id("T2 2022", "Bromma").await;
    let report = bromma_report;
    let draft = format!("Vi samverkar med {MARKER} om företagsklimatet.");
    let field = format!("text.{QUESTION}");
    let saved = bromma
        .post_whole_form(report, &[(field.as_str(), draft.as_str())], "spara")
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);

    // Skärholmen submits T2 with HTML in an answer.
    let skarholmen = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let mut answers = complete_answers();
    answers[0].1 = "<b>Samverkan</b> & <script>alert(1)</script> med polisen.".into();
    let sent = skarholmen
        .post_whole_form(report, &pairs(&answers), "skicka-in")
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);

    // The coordinator finds submitted text, inflected forms too, and never the draft.
    let coordinator = app.signed_in("samordnare@example.se").await;
    let page = coordinator.get(&format!("/sok?q={MARKER}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        hits(&page.text).contains("Inga svar hittades"),
        "{}",
        page.text
    );
    let page = coordinator.get("/sok?q=samverkat").await;
    let found = hits(&page.text);
    assert!(found.contains("Skärholmen"), "{found}");
    assert!(!page.text.contains(MARKER), "{found}");
    assert!(
        !found.contains(&format!("/rapporter/{bromma_report}")),
        "{found}"
    );
    assert!(found.contains("/versioner/1"), "{found}");
    // Highlighting escapes what was typed: the HTML shows as text, the word is marked.
    let page = coordinator
        .get(&format!("/sok?q=samverkan+polisen&omgang={t2}"))
        .await;
    let found = hits(&page.text);
    assert!(
        found.contains("&#60;b&#62;<mark>Samverkan</mark>&#60;/b&#62;"),
        "{found}"
    );
    assert!(found.contains("<mark>polisen</mark>"), "{found}");
    assert!(
        !found.contains("<script>") && !found.contains("<b>"),
        "{found}"
    );
    assert!(
        !found.contains("Tertialrapport 1 2022"),
        "the round filter: {found}"
    );

    // The body's own reporter finds the draft, marked as one.
    let page = bromma
        .get(&format!("/sok?q={}", MARKER.to_lowercase()))
        .await;
    let found = hits(&page.text);
    assert!(found.contains("I dina utkast"), "{found}");
    assert!(found.contains(&format!("<mark>{MARKER}</mark>")), "{found}");
    // Another body's reporter does not, nor Skärholmen's submitted text.
    let page = skarholmen.get(&format!("/sok?q={MARKER}")).await;
    assert!(!page.text.contains("I dina utkast"), "{}", page.text);
    let page = bromma.get("/sok?q=polisen").await;
    assert!(!hits(&page.text).contains("Skärholmen"), "{}", page.text);

    // The reader finds nothing until a round's compiled report is published, then what it
    // holds (T1), and never the draft.
    let reader = app.signed_in("lasare@example.se").await;
    let page = reader.get("/sok?q=samverkan").await;
    assert!(
        hits(&page.text).contains("Inga svar hittades"),
        "{}",
        page.text
    );
    let published = coordinator
        .post_with_csrf(&format!("/omgangar/{t1}/rapport/publicera"), &[])
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.text
    );
    let page = reader.get("/sok?q=samverkan").await;
    let found = hits(&page.text);
    assert!(found.contains(&format!("/publicerat/{t1}/1")), "{found}");
    assert!(
        !found.contains("/rapporter/") && !found.contains("Tertialrapport 2 2022"),
        "{found}"
    );
    let page = reader.get(&format!("/sok?q={MARKER}")).await;
    assert!(hits(&page.text).contains("Inga svar hittades"));
}
story!(who_finds_what);

/// A query the analyzer cannot search is refused with a message on the form, the query
/// kept; the page and its dashboard link work as plain GET.
async fn a_query_of_small_words_is_refused_on_the_form(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let page = coordinator.get("/sok?q=och+det+%C3%A4r").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("error-summary"), "{}", page.text);
    assert!(page.text.contains("bara vanliga småord"), "{}", page.text);
    assert!(page.text.contains("value=\"och det är\""), "{}", page.text);
    let long = "ord ".repeat(60);
    let page = coordinator
        .get(&format!("/sok?q={}", long.replace(' ', "+")))
        .await;
    assert!(page.text.contains("högst 200 tecken"), "{}", page.text);
    let t2 = round_id(&app, "T2 2022").await;
    let dashboard = coordinator.get(&format!("/omgangar/{t2}")).await;
    assert!(
        dashboard
            .text
            .contains(&format!("href=\"/sok?omgang={t2}\""))
    );
    let page = coordinator.get(&format!("/sok?omgang={t2}")).await;
    assert!(
        page.text
            .contains(&format!("<option value=\"{t2}\" selected>")),
        "{}",
        page.text
    );
}
story!(a_query_of_small_words_is_refused_on_the_form);

/// A round compiled from approved versions only: the reader finds an unapproved version's
/// text only once it is approved and published again.
async fn a_reader_finds_only_approved_versions_when_only_those_are_compiled(app: TestApp) {
    let t1 = round_id(&app, "T1 2022").await;
    let coordinator = app.signed_in("samordnare@example.se").await;
    let saved = coordinator
        .post_with_csrf(
            &format!("/omgangar/{t1}/rapport/installningar"),
            &[("title", "Näringslivsrapport T1"), ("approved_only", "1")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let publish = format!("/omgangar/{t1}/rapport/publicera");
    let published = coordinator.post_with_csrf(&publish, &[]).await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.text
    );
    let reader = app.signed_in("lasare@example.se").await;
    let page = reader.get("/sok?q=samverkan").await;
    assert!(
        hits(&page.text).contains("Inga svar hittades"),
        "{}",
        page.text
    );

    let report = app.report_id("T1 2022", "Skärholmen").await;
    let approved = coordinator
        .post_with_csrf(&format!("/rapporter/{report}/godkann"), &[("version", "1")])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.text);
    let page = reader.get("/sok?q=samverkan").await;
    assert!(
        hits(&page.text).contains("Inga svar hittades"),
        "not yet published again"
    );
    let published = coordinator.post_with_csrf(&publish, &[]).await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.text
    );
    let page = reader.get("/sok?q=samverkan").await;
    assert!(
        hits(&page.text).contains(&format!("/publicerat/{t1}/2")),
        "{}",
        page.text
    );
}
story!(a_reader_finds_only_approved_versions_when_only_those_are_compiled);
