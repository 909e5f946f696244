//! The access rules over every route: built from the router's own table, so a route added
//! to the router is tried here without anyone writing a test for it.

use super::*;

/// A word that occurs nowhere but in Skärholmen's draft.
const MARKER: &str = "UTKASTMARKOR7731";

/// Every route, with GET and POST, as everyone who is not Skärholmen's own reporter
/// (anonymous, a reader, a coordinator, an administrator and Bromma's reporter), against a
/// draft whose every field holds a marker word: no answer (body, header or download) ever
/// holds it. Skärholmen's reporter, who may, does see it, so the test can tell.
async fn no_route_shows_a_draft_to_anyone_but_its_body(app: TestApp) {
    let draft = app.report_id("T2 2022", "Skärholmen").await;
    let submitted = app.report_id("T1 2022", "Skärholmen").await;
    let other = app.report_id("T2 2022", "Bromma").await;
    let owner = app.signed_in("skarholmen@example.se").await;
    let fields: Vec<&str> = QUESTIONS
        .iter()
        .copied()
        .chain(["contact_name", "contact_email", "other_information"])
        .collect();
    owner.fill_draft(draft, MARKER).await;
    let own = owner.get(&format!("/rapporter/{draft}")).await;
    assert!(
        own.text.contains(MARKER),
        "the body's own reporter sees the draft"
    );
    // A preview of the draft's own form imported again (`{pending}` 1) holds it too.
    let (_, form) = owner.bytes(&format!("/rapporter/{draft}/formular")).await;
    let import = format!("/rapporter/{draft}/import");
    let uploaded = owner.upload(&import, "utkast.docx", form).await;
    assert_eq!(uploaded.location, Some(format!("{import}/1")));

    app.add_account(
        "admin@example.se",
        "Ada Admin",
        tertial_domain::Role::Admin,
        Vec::new(),
    )
    .await;

    // `{id}` stands for reports, rounds, bodies, people and publications alike: try the
    // draft's, the submitted report's and the other body's report ids, and every round's id
    // (the draft's round among them).
    let mut ids = vec![draft, submitted, other];
    for round in app.store.rounds().await.expect("rounds") {
        if !ids.contains(&round.id.0) {
            ids.push(round.id.0);
        }
    }
    // Sign-out last: it ends the session the rest use.
    let mut paths = tertial_web::route_paths();
    paths.sort_by_key(|p| *p == "/logga-ut");
    let mut tried = 0;
    for who in [
        None,
        Some("lasare@example.se"),
        Some("samordnare@example.se"),
        Some("admin@example.se"),
        Some("bromma@example.se"),
    ] {
        let client = match who {
            Some(email) => app.signed_in(email).await,
            None => app.visitor(),
        };
        for path in &paths {
            for concrete in expand(path, &ids, &fields) {
                for post in [false, true] {
                    let request = client.try_route(&concrete, post);
                    let response = request.send().await.expect("request");
                    let headers = format!("{:?}", response.headers());
                    let status = response.status();
                    let body = response.bytes().await.expect("body");
                    let body = String::from_utf8_lossy(&body);
                    let method = if post { "POST" } else { "GET" };
                    assert!(
                        !body.contains(MARKER) && !headers.contains(MARKER),
                        "{who:?} {method} {concrete} ({status}) shows the draft"
                    );
                    assert!(
                        !body.to_lowercase().contains(&MARKER.to_lowercase()),
                        "{who:?} {method} {concrete} shows the draft's e-mail"
                    );
                    tried += 1;
                }
            }
        }
    }
    println!(
        "{} routes, {tried} requests as five roles: none showed the draft",
        paths.len()
    );
    assert!(tried > 100);
}
story!(no_route_shows_a_draft_to_anyone_but_its_body);

impl TestApp {
    /// An account with the demo's password, made directly in the store.
    pub(crate) async fn add_account(
        &self,
        email: &str,
        name: &str,
        role: tertial_domain::Role,
        bodies: Vec<tertial_domain::BodyId>,
    ) {
        let password_hash = tertial_app::auth::hash_password(PASSWORD.into())
            .await
            .expect("hash");
        let user = tertial_store::NewUser {
            email: email.into(),
            name: name.into(),
            role,
            password_hash: Some(password_hash),
            bodies,
        };
        self.store
            .insert_user(&user, tertial_domain::Timestamp::now(), None)
            .await
            .expect("account");
    }
}

impl Client {
    /// Writes `marker` into every field of a fresh draft (as part of an address in the
    /// contact's e-mail field).
    pub(crate) async fn fill_draft(&self, draft: i64, marker: &str) {
        let fields =
            QUESTIONS
                .iter()
                .copied()
                .chain(["contact_name", "contact_email", "other_information"]);
        for field in fields {
            let text = if field == "contact_email" {
                format!("{}@example.se", marker.to_lowercase())
            } else {
                format!("{marker} i {field}")
            };
            let saved = self.autosave(draft, field, &text, 0).await;
            assert_eq!(saved.status, StatusCode::OK, "{field}: {}", saved.text);
        }
    }

    /// A GET of `path`, or a POST with the session's CSRF token and what the forms post
    /// (a text, its version, the Spara button): each route tried as a person could try it.
    pub(crate) fn try_route(&self, path: &str, post: bool) -> reqwest::RequestBuilder {
        let url = format!("{}{path}", self.base);
        if !post {
            return self.http.get(&url);
        }
        self.http
            .post(&url)
            .header("x-csrf-token", &self.csrf)
            .header("origin", self.base.as_str())
            .form(&[
                ("csrf", self.csrf.as_str()),
                ("text", "Ett försök"),
                ("version", "0"),
                ("action", "spara"),
            ])
    }
}

/// A route's path with its parameters filled in every way that matters: each id, each
/// field, versions 1 and 2, the static files, tokens, question keys and file formats.
fn expand(path: &str, reports: &[i64], fields: &[&str]) -> Vec<String> {
    let mut paths = vec![path.to_owned()];
    let mut fill = |name: &str, values: Vec<String>| {
        if paths.iter().any(|p| p.contains(name)) {
            paths = paths
                .iter()
                .flat_map(|p| values.iter().map(move |v| p.replace(name, v)))
                .collect();
        }
    };
    fill("{id}", reports.iter().map(i64::to_string).collect());
    fill("{field}", fields.iter().map(|f| (*f).to_owned()).collect());
    fill("{number}", vec!["1".into(), "2".into()]);
    fill("{pending}", vec!["1".into(), "2".into()]);
    fill("{file}", vec!["tertial.js".into(), "tertial.css".into()]);
    fill("{token}", vec!["0".repeat(64), "nonsense".into()]);
    fill("{key}", vec![QUESTIONS[0].into(), "okand".into()]);
    fill(
        "{format}",
        ["docx", "pdf", "xlsx", "md", "json", "markdown", "okand"]
            .map(str::to_owned)
            .to_vec(),
    );
    assert!(
        paths.iter().all(|p| !p.contains('{')),
        "a path parameter this test does not know: {path}"
    );
    paths
}

/// On a report's page, a coordinator sees the latest submitted version (a public record),
/// never what the body has written since; a round that has closed says so, and a report
/// never submitted in it reads "Inte inskickad".
async fn coordinators_see_the_latest_submitted_version_never_the_draft(app: TestApp) {
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let submitted = reporter
        .post_whole_form(report, &pairs(&complete_answers()), "skicka-in")
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.text
    );
    // Returned for completion (as a coordinator will), and written on since.
    let sql = sqlx::AnyPool::connect(&app.url).await.expect("connect");
    sqlx::query("UPDATE reports SET status = 'returned' WHERE id = $1")
        .bind(report)
        .execute(&sql)
        .await
        .expect("return");
    let version = app
        .saved(report)
        .await
        .into_iter()
        .find(|f| f.field.code() == QUESTIONS[0])
        .expect("answered")
        .version;
    let draft = reporter
        .autosave(report, QUESTIONS[0], "EFTERINSKICKAT UTKAST", version)
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text);

    let coordinator = app.signed_in("samordnare@example.se").await;
    let page = coordinator.get(&format!("/rapporter/{report}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text
            .contains("den senast inskickade versionen, version 1")
    );
    assert!(page.text.contains(&format!("Svar på {}.", QUESTIONS[0])));
    assert!(
        !page.text.contains("EFTERINSKICKAT UTKAST"),
        "the draft stays the body's"
    );
    let own = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(own.text.contains("EFTERINSKICKAT UTKAST"));

    // The round closes: a report never submitted in it is "Inte inskickad".
    sqlx::query("UPDATE rounds SET status = 'closed' WHERE id = (SELECT round_id FROM reports WHERE id = $1)")
        .bind(report)
        .execute(&sql)
        .await
        .expect("close");
    let bromma = app.report_id("T2 2022", "Bromma").await;
    let closed = coordinator.get(&format!("/rapporter/{bromma}")).await;
    assert!(
        closed.text.contains("Omgången är stängd."),
        "{}",
        closed.text
    );
    assert!(closed.text.contains("Inte inskickad"));
    assert!(!closed.text.contains("Ej påbörjad"));
    sql.close().await;
}
story!(coordinators_see_the_latest_submitted_version_never_the_draft);
