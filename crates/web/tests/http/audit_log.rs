//! The audit log page (/handelselogg): coordinators and admins read who did what, filtered
//! and a page at a time; it never shows a draft's text; nobody else reaches it.

use super::*;

/// The `<option>`s of a `<select>` on a page: value and label.
fn options(html: &str, select: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("<select id=\"{select}\""))
        .unwrap_or_else(|| panic!("no select {select}"));
    let rest = &html[start..];
    let rest = &rest[..rest.find("</select>").expect("end of select")];
    rest.split("<option value=\"")
        .skip(1)
        .filter_map(|o| {
            let (value, rest) = o.split_once('"')?;
            let label = rest.split_once('>')?.1.split('<').next()?;
            Some((value.to_owned(), label.to_owned()))
        })
        .filter(|(value, _)| !value.is_empty())
        .collect()
}

/// The table's rows, each as its cells' text.
fn rows(html: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find("<tbody>") else {
        return Vec::new();
    };
    let body = &html[start..html.find("</tbody>").expect("end of table")];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td data-label=")
                .skip(1)
                .map(|cell| {
                    let text = cell.split_once('>').map_or("", |(_, t)| t);
                    unescape(text.split("</td>").next().unwrap_or_default())
                })
                .collect()
        })
        .collect()
}

fn value_of<'a>(choices: &'a [(String, String)], label: &str) -> &'a str {
    &choices
        .iter()
        .find(|(_, l)| l == label)
        .unwrap_or_else(|| panic!("no choice {label} in {choices:?}"))
        .0
}

async fn the_audit_log_shows_who_did_what_never_a_draft(app: TestApp) {
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let secret = "Hemligt utkast som ingen samordnare får läsa";
    // 60 saves: more than a page of the log.
    for version in 0..60 {
        let saved = reporter
            .autosave(
                report,
                QUESTIONS[0],
                &format!("{secret} {version}"),
                version,
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    }
    let bromma = app.signed_in("bromma@example.se").await;
    let other = app.report_id("T2 2022", "Bromma").await;
    assert_eq!(
        bromma
            .autosave(other, QUESTIONS[1], "Bromma skriver", 0)
            .await
            .status,
        StatusCode::OK
    );

    let coordinator = app.signed_in("samordnare@example.se").await;
    let page = coordinator.get("/handelselogg").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.text.contains("Hemligt utkast"),
        "a draft's text in the log"
    );
    let newest = rows(&page.text);
    assert_eq!(newest.len(), 50, "a page holds 50 entries");
    // Newest first: the coordinator's own sign-in, then Bromma's save.
    assert_eq!(newest[0][2], "Loggade in");
    let bromma_save = &newest[1];
    assert_eq!(bromma_save[2], "Sparade ett svar");
    assert_eq!(bromma_save[3], "Bromma, Tertialrapport 2 2022");
    assert!(bromma_save[4].contains(QUESTIONS[1]), "{bromma_save:?}");

    // Filters: person, action, body, round; each row passes them all.
    let people = options(&page.text, "person");
    let skarholmen = value_of(&people, "Amir Haddad");
    let bodies = options(&page.text, "organ");
    let rounds = options(&page.text, "omgang");
    let filtered = coordinator
        .get(&format!(
            "/handelselogg?person={skarholmen}&handelse=answer_saved&organ={}&omgang={}",
            value_of(&bodies, "Skärholmen"),
            value_of(&rounds, "Tertialrapport 2 2022")
        ))
        .await;
    let first = rows(&filtered.text);
    assert_eq!(first.len(), 50);
    for row in &first {
        assert_eq!(row[1], "Amir Haddad");
        assert_eq!(row[2], "Sparade ett svar");
        assert_eq!(row[3], "Skärholmen, Tertialrapport 2 2022");
    }
    // The next page goes on where this one ended: 60 saves in all, none twice.
    let older = filtered
        .text
        .split("href=\"")
        .find(|part| part.contains("fore="))
        .and_then(|part| part.split('"').next())
        .map(unescape)
        .expect("a link to older entries");
    let second = rows(&coordinator.get(&older).await.text);
    assert_eq!(second.len(), 10, "{second:?}");
    let mut versions: Vec<String> = first.iter().chain(&second).map(|r| r[4].clone()).collect();
    versions.sort();
    versions.dedup();
    assert_eq!(versions.len(), 60);

    // A filter that matches nothing says so; an unknown value is no filter.
    let none = coordinator
        .get(&format!(
            "/handelselogg?person={skarholmen}&handelse=round_closed"
        ))
        .await;
    assert!(none.text.contains("Inga händelser med de här valen"));
    let lenient = coordinator
        .get("/handelselogg?person=x&handelse=nonsense")
        .await;
    assert_eq!(rows(&lenient.text).len(), 50);

    // Reporters and readers do not reach it; the refusal is itself in the log.
    for email in ["skarholmen@example.se", "lasare@example.se"] {
        let refused = app.signed_in(email).await.get("/handelselogg").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{email}");
    }
    let refusals = coordinator
        .get("/handelselogg?handelse=access_refused")
        .await;
    assert!(
        rows(&refusals.text)
            .iter()
            .any(|r| r[3] == "Händelseloggen")
    );
    let anonymous = app.visitor().get("/handelselogg").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
}
story!(the_audit_log_shows_who_did_what_never_a_draft);
