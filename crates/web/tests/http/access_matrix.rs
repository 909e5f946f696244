//! The access matrix: every route of the router's table × GET and POST × seven roles
//! (anonymous, a reader, the reporters of body A (Skärholmen) and body B (Bromma), a
//! coordinator, an administrator, and an account deactivated while signed in), against data
//! where A has a draft, a submitted version and a returned report (written on since), B a
//! draft of its own, and a round's compiled report is published. Each cell is the answer's
//! class (`200`, `303→/logga-in`, `403`, …). The table is kept in
//! `crates/web/tests/access-matrix.md`: this test fails, naming the cells, when the router
//! answers otherwise; `TERTIAL_UPDATE_ACCESS_MATRIX=1` rewrites the file (review the diff).
//!
//! Besides the table, the rules that matter are asserted here: no draft is ever in an answer
//! to anyone but its body's reporters; a reader reaches only public pages and what is
//! published; reporters reach no coordinator page; the deactivated account reaches nothing
//! a visitor could not; every page links to the GDPR information in its footer.

use std::collections::BTreeMap;

use super::*;

/// Words that occur nowhere but in A's drafts and in B's.
const MARKER_A: &str = "MATRISUTKASTA4417";
const MARKER_B: &str = "MATRISUTKASTB9902";

/// The file the matrix is kept in, and the variable that rewrites it.
const MATRIX_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/access-matrix.md");
const UPDATE: &str = "TERTIAL_UPDATE_ACCESS_MATRIX";

/// The columns: who asks (`None`: nobody signed in).
const ROLES: [(&str, Option<&str>); 7] = [
    ("anonymous", None),
    ("reader", Some("lasare@example.se")),
    ("reporter A", Some("skarholmen@example.se")),
    ("reporter B", Some("bromma@example.se")),
    ("coordinator", Some("samordnare@example.se")),
    ("admin", Some("admin@example.se")),
    ("deactivated", Some("avslutad@example.se")),
];
const READER: usize = 1;
const REPORTERS: [usize; 2] = [2, 3];
const DEACTIVATED: usize = 6;

/// The coordinators' part of Tertial, by the start of its routes.
const COORDINATORS_PAGES: [&str; 6] = [
    "/omgangar",
    "/uppfoljningar",
    "/organ",
    "/personer",
    "/utskick",
    "/handelselogg",
];

/// What `{id}` names, by the path before it; each kind is tried with each of its subjects.
const KINDS: [&str; 8] = [
    "/rapporter/",
    "/aktorer/",
    "/omgangar/",
    "/organ/",
    "/personer/",
    "/uppfoljningar/",
    "/publicerat/",
    "/utskick/",
];

/// The other path parameters, each with one value.
fn fixed(name: &str) -> Option<String> {
    Some(match name {
        "{field}" | "{key}" => QUESTIONS[0].to_owned(),
        "{number}" | "{pending}" => "1".to_owned(),
        "{file}" => "tertial.css".to_owned(),
        "{token}" => "0".repeat(64),
        "{format}" => "md".to_owned(),
        _ => return None,
    })
}

/// The subjects of each kind of `{id}`, by label; the same labels on every run.
type Subjects = BTreeMap<&'static str, Vec<(&'static str, i64)>>;

/// One request of the matrix: a route, a method, and the subject its `{id}` names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    route: &'static str,
    method: &'static str,
    subject: &'static str,
    path: String,
}

/// Builds the matrix's data on a fresh demo; `signed_in_before` signs in the account that
/// is then deactivated (for its column), with its session kept.
async fn fixture(app: &TestApp, deactivated: Option<&mut Client>) -> Subjects {
    let skarholmen = app.body("Skärholmen").await.id;
    app.add_account(
        "admin@example.se",
        "Ada Admin",
        tertial_domain::Role::Admin,
        vec![],
    )
    .await;
    let reporter = tertial_domain::Role::Reporter;
    app.add_account(
        "avslutad@example.se",
        "Avi Avslutad",
        reporter,
        vec![skarholmen],
    )
    .await;
    if let Some(client) = deactivated {
        client.sign_in("avslutad@example.se").await;
    }
    let a = app.body("Skärholmen").await.id.0;
    let b = app.body("Bromma").await.id.0;
    let coordinator = app.signed_in("samordnare@example.se").await;
    let reporter_a = app.signed_in("skarholmen@example.se").await;

    // A third round, where A submits and the coordinator returns the report; A writes on.
    let deadline = tertial_domain::round::swedish_date(tertial_domain::Timestamp::now())
        .checked_add(jiff::Span::new().days(30))
        .expect("date")
        .to_string();
    let opened = coordinator
        .post_with_csrf(
            "/omgangar/ny",
            &[
                ("follow_up", "1"),
                ("period", "VB"),
                ("year", "2022"),
                ("deadline", &deadline),
                ("chosen", "1"),
                (&format!("body-{a}"), "1"),
                (&format!("body-{b}"), "1"),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let returned = app.report_id("Vb 2022", "Skärholmen").await;
    let sent = reporter_a
        .post_whole_form(returned, &pairs(&complete_answers()), "skicka-in")
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    let back = coordinator
        .post_with_csrf(
            &format!("/rapporter/{returned}/atersand"),
            &[("version", "1"), ("comment", "Komplettera.")],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.text);
    let version = app
        .saved(returned)
        .await
        .into_iter()
        .find(|f| f.field.code() == QUESTIONS[0])
        .expect("answered")
        .version;
    let written = reporter_a
        .autosave(
            returned,
            QUESTIONS[0],
            &format!("{MARKER_A} efter återsändningen"),
            version,
        )
        .await;
    assert_eq!(written.status, StatusCode::OK, "{}", written.text);

    // A's draft in the open round holds the marker in every field; B's holds its own.
    let draft = app.report_id("T2 2022", "Skärholmen").await;
    reporter_a.fill_draft(draft, MARKER_A).await;
    // A's draft imported again from its own Word form: the pending import `{pending}` 1.
    let (_, form) = reporter_a
        .bytes(&format!("/rapporter/{draft}/formular"))
        .await;
    let import = format!("/rapporter/{draft}/import");
    let uploaded = reporter_a.upload(&import, "utkast.docx", form).await;
    assert_eq!(uploaded.location, Some(format!("{import}/1")));
    let other = app.report_id("T2 2022", "Bromma").await;
    let reporter_b = app.signed_in("bromma@example.se").await;
    let saved = reporter_b
        .autosave(
            other,
            QUESTIONS[0],
            &format!("{MARKER_B} i Brommas utkast"),
            0,
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);

    // The closed round's compiled report is published.
    let closed = app.round("T1 2022").await;
    let open = app.round("T2 2022").await;
    let published = coordinator
        .post_with_csrf(&format!("/omgangar/{closed}/rapport/publicera"), &[])
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.text
    );

    // The account is deactivated by an administrator (its sessions end).
    let avslutad = app
        .store
        .user_by_email("avslutad@example.se")
        .await
        .expect("lookup")
        .expect("account");
    let admin = app.signed_in("admin@example.se").await;
    let off = admin
        .post_with_csrf(
            &format!("/personer/{}/aktiv", avslutad.actor.id),
            &[("active", "0")],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.text);

    let (mails, _) = app.store.mails(0, 1000).await.expect("outbox");
    let first_mail = mails.iter().map(|m| m.id.0).min().expect("a mail");
    let follow_up = app.store.follow_ups().await.expect("follow-ups")[0].id.0;
    let person_a = app
        .store
        .user_by_email("skarholmen@example.se")
        .await
        .expect("lookup")
        .expect("a")
        .actor
        .id
        .0;
    Subjects::from([
        (
            "/rapporter/",
            vec![
                ("A's draft", draft),
                (
                    "A's submitted",
                    app.report_id("T1 2022", "Skärholmen").await,
                ),
                ("A's returned", returned),
                ("B's draft", other),
            ],
        ),
        (
            "/omgangar/",
            vec![("open round", open), ("closed round", closed)],
        ),
        ("/organ/", vec![("body A", a)]),
        ("/aktorer/", vec![("an actor", 1)]),
        ("/personer/", vec![("reporter A", person_a)]),
        ("/uppfoljningar/", vec![("follow-up", follow_up)]),
        (
            "/publicerat/",
            vec![("published round", closed), ("unpublished round", open)],
        ),
        ("/utskick/", vec![("a mail", first_mail)]),
    ])
}

impl TestApp {
    /// The id of the round named like "T1 2022".
    async fn round(&self, name: &str) -> i64 {
        let rounds = self.store.rounds().await.expect("rounds");
        rounds
            .iter()
            .find(|r| format!("{:?} {}", r.period, r.year) == name)
            .unwrap_or_else(|| panic!("no round {name}"))
            .id
            .0
    }
}

/// Every route × method, with `{id}` filled with each subject of its kind.
fn rows(subjects: &Subjects) -> Vec<Row> {
    let mut rows = Vec::new();
    for route in tertial_web::route_paths() {
        let mut path = route.to_owned();
        for name in route.split('/').filter(|part| part.starts_with('{')) {
            if name != "{id}" {
                let value = fixed(name)
                    .unwrap_or_else(|| panic!("a path parameter this test does not know: {route}"));
                path = path.replacen(name, &value, 1);
            }
        }
        let filled: Vec<(&'static str, String)> = if path.contains("{id}") {
            let kind = KINDS
                .iter()
                .find(|k| path.starts_with(*k))
                .unwrap_or_else(|| panic!("what `{{id}}` names in {route}: add it to KINDS"));
            subjects[*kind]
                .iter()
                .map(|(label, id)| (*label, path.replacen("{id}", &id.to_string(), 1)))
                .collect()
        } else {
            vec![("", path)]
        };
        for (subject, path) in filled {
            for method in ["GET", "POST"] {
                rows.push(Row {
                    route,
                    method,
                    subject,
                    path: path.clone(),
                });
            }
        }
    }
    rows.sort();
    rows
}

/// An answer's class: its status, and where a redirect goes (without its query, numbers as
/// `#`).
fn class(status: StatusCode, location: Option<&str>) -> String {
    match location {
        Some(to) if status.is_redirection() => {
            let path = to.split('?').next().unwrap_or(to);
            let mut shown = String::new();
            for c in path.chars() {
                if !c.is_ascii_digit() {
                    shown.push(c);
                } else if !shown.ends_with('#') {
                    shown.push('#');
                }
            }
            format!("{}→{shown}", status.as_u16())
        }
        _ => status.as_u16().to_string(),
    }
}

/// Asks every row as one role, on data of its own, and returns the column.
async fn column(backend: Backend, role: usize) -> Option<(Vec<Row>, Vec<String>)> {
    let app = TestApp::start(backend).await?;
    let mut client = app.visitor();
    let deactivated = (role == DEACTIVATED).then_some(&mut client);
    let subjects = fixture(&app, deactivated).await;
    if let (Some(email), false) = (ROLES[role].1, role == DEACTIVATED) {
        client.sign_in(email).await;
    }
    let rows = rows(&subjects);
    // Reads first, then changes; signing out last of all, as it ends the session.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| (rows[i].method == "POST", rows[i].route == "/logga-ut"));
    let mut cells = vec![String::new(); rows.len()];
    for i in order {
        let row = &rows[i];
        let request = client.try_route(&row.path, row.method == "POST");
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = format!("{:?}", response.headers());
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let html = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
        let body = response.bytes().await.expect("body");
        let body = String::from_utf8_lossy(&body).to_lowercase();
        let (who, what) = (ROLES[role].0, format!("{} {}", row.method, row.path));
        for (marker, owner) in [(MARKER_A, 2), (MARKER_B, 3)] {
            let marker = marker.to_lowercase();
            assert!(
                role == owner
                    || !(body.contains(&marker) || headers.to_lowercase().contains(&marker)),
                "{who}: {what} ({status}) shows another body's draft"
            );
        }
        if role == READER && row.route == "/rapporter" && row.method == "GET" {
            assert!(
                !body.contains(r#"href="/rapporter/"#),
                "a reader has no reports to list"
            );
        }
        if html && status == StatusCode::OK {
            assert!(
                body.contains(r#"<a href="/personuppgifter">"#),
                "{who}: {what} has no link to the GDPR information"
            );
        }
        cells[i] = class(status, location.as_deref());
    }
    Some((rows, cells))
}

/// The matrix as Markdown.
fn table(rows: &[Row], columns: &[Vec<String>]) -> String {
    let mut out = String::from(
        "# Access matrix\n\n\
         Generated by the test `access_matrix` (`crates/web/tests/http/access_matrix.rs`) from \
         the router's route table: every route × method × role, each role on the same fresh \
         demo data, where body A (Skärholmen) has a draft, a submitted version (T1 2022) and a \
         returned report written on since (VB 2022), body B (Bromma) a draft, and T1 2022's \
         compiled report is published. A cell is the answer's status; a redirect shows where \
         it goes (ids as `#`). The test fails when the router answers otherwise. After a \
         deliberate change, rewrite it and review the diff:\n\n\
         ```sh\nTERTIAL_UPDATE_ACCESS_MATRIX=1 cargo nextest run -p tertial-web access_matrix\n```\n\n\
         Other path parameters: `{field}` and `{key}` a question's key, `{number}` 1, \
         `{format}` md, `{file}` tertial.css, `{token}` an unknown token. Reads are asked \
         first, then changes (with the session's CSRF token), signing out last. \
         *deactivated* signed in before an administrator deactivated the account.\n\n",
    );
    out.push_str("| route | method | subject |");
    for (name, _) in ROLES {
        out.push_str(&format!(" {name} |"));
    }
    out.push_str("\n|---|---|---|");
    out.push_str(&"---|".repeat(ROLES.len()));
    out.push('\n');
    for (i, row) in rows.iter().enumerate() {
        out.push_str(&format!(
            "| `{}` | {} | {} |",
            row.route, row.method, row.subject
        ));
        for column in columns {
            out.push_str(&format!(" {} |", column[i]));
        }
        out.push('\n');
    }
    out
}

/// The cells of a table as written: (route, method, subject, role) → class.
fn cells_of(table: &str) -> BTreeMap<(String, String, String, String), String> {
    let mut cells = BTreeMap::new();
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let parts: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        for ((role, _), cell) in ROLES.iter().zip(&parts[3..]) {
            let key = (
                parts[0].to_owned(),
                parts[1].to_owned(),
                parts[2].to_owned(),
                (*role).to_owned(),
            );
            cells.insert(key, (*cell).to_owned());
        }
    }
    cells
}

async fn access_matrix(backend: Backend) {
    let mut columns = Vec::new();
    let mut rows = Vec::new();
    for role in 0..ROLES.len() {
        let Some((asked, cells)) = column(backend, role).await else {
            return;
        };
        rows = asked;
        columns.push(cells);
    }
    let computed = table(&rows, &columns);
    println!("{computed}");

    // The rules that matter, whatever the file says.
    let public: Vec<bool> = columns[0].iter().map(|c| c.starts_with('2')).collect();
    for (i, row) in rows.iter().enumerate() {
        let what = format!("{} {} ({})", row.method, row.route, row.subject);
        assert_eq!(
            columns[DEACTIVATED][i], columns[0][i],
            "the deactivated account: {what}"
        );
        if columns[READER][i].starts_with('2') && row.method == "GET" {
            assert!(
                // The search finds a reader only published text (`SearchScope::Published`).
                public[i]
                    || row.route.starts_with("/publicerat")
                    || ["/rapporter", "/sok"].contains(&row.route),
                "a reader reaches {what}, which is neither public nor published"
            );
        }
        // Reporters compare their own body's submitted answers across rounds
        // (`Actor::body_comparison_access`); every other page of these is the coordinators'.
        let coordinators_only = row.route != "/omgangar/{id}/jamfor"
            && COORDINATORS_PAGES.iter().any(|p| row.route.starts_with(p));
        for who in [READER, REPORTERS[0], REPORTERS[1]] {
            let cell = &columns[who][i];
            assert!(
                !coordinators_only || ["400", "403", "404", "405"].contains(&cell.as_str()),
                "{} reaches the coordinators' {what}: {cell}",
                ROLES[who].0
            );
        }
    }

    if std::env::var(UPDATE).as_deref() == Ok("1") {
        std::fs::write(MATRIX_FILE, &computed).expect("write the matrix");
        println!("wrote {MATRIX_FILE}");
        return;
    }
    let kept = std::fs::read_to_string(MATRIX_FILE).unwrap_or_default();
    let (kept, now) = (cells_of(&kept), cells_of(&computed));
    let mut differences = Vec::new();
    for (key, cell) in &now {
        match kept.get(key) {
            Some(was) if was == cell => {}
            was => differences.push(format!(
                "{key:?}: the file says {was:?}, the router answers {cell}"
            )),
        }
    }
    for key in kept.keys().filter(|k| !now.contains_key(*k)) {
        differences.push(format!("{key:?}: in the file, no longer a route"));
    }
    assert!(
        differences.is_empty(),
        "the access matrix differs from {MATRIX_FILE} in {} cells (if the change is meant, \
         run with {UPDATE}=1 and review the diff):\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[tokio::test]
async fn access_matrix_sqlite() {
    access_matrix(Backend::Sqlite).await;
}

#[tokio::test]
async fn access_matrix_postgres() {
    access_matrix(Backend::Postgres).await;
}
