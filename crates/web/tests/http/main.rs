//! The product over HTTP: the real router on 127.0.0.1, driven with a cookie jar, on a
//! fresh demo database (SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set).

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, LOCATION};
use tertial_app::{App, Clock, Settings, demo};
use tertial_domain::AuditSubject;
use tertial_store::{Backend, Store};
use tertial_web::{WebSettings, router};

const DEMO: &str = include_str!("../../../cli/demo/naringsliv-2022.toml");
const PASSWORD: &str = "tertial-demo";

/// A running server on a fresh demo.
struct TestApp {
    base: String,
    store: Store,
    /// The database's URL, for a test's own connection to it.
    url: String,
    /// The application's clock: moved ahead, a session's time passes without waiting.
    clock: Clock,
}

impl TestApp {
    /// The demo's body with this short name ("Skärholmen").
    async fn body(&self, short_name: &str) -> tertial_domain::Body {
        self.store
            .bodies()
            .await
            .expect("bodies")
            .into_iter()
            .find(|b| b.short_name == short_name)
            .expect("a demo body")
    }

    async fn start(backend: Backend) -> Option<TestApp> {
        Self::start_with(backend, Settings::default(), WebSettings::default()).await
    }

    async fn start_with(backend: Backend, settings: Settings, web: WebSettings) -> Option<TestApp> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        Self::start_on(listener, backend, web, |store| App::new(store, settings)).await
    }

    /// Serves on `listener` the application `make` builds on a fresh demo's store.
    async fn start_on(
        listener: tokio::net::TcpListener,
        backend: Backend,
        web: WebSettings,
        make: impl FnOnce(Store) -> App,
    ) -> Option<TestApp> {
        let url = tertial_store::testing::fresh_database_url(backend).await?;
        let store = Store::connect(&url).await.expect("connect");
        let data = demo::DemoData::parse(DEMO).expect("demo data");
        demo::load(&store, &data).await.expect("load demo");
        let clock = Clock::default();
        let app = make(store.clone()).with_clock(clock.clone());
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        // Served as `tertial serve` serves it: the product's own connection handling.
        let never = std::future::pending::<()>();
        let limits = tertial_web::ServeLimits {
            drain: std::time::Duration::from_secs(1),
            ..tertial_web::ServeLimits::default()
        };
        tokio::spawn(tertial_web::serve(
            listener,
            router(app, web),
            never,
            limits,
        ));
        Some(TestApp {
            base,
            store,
            url,
            clock,
        })
    }

    /// A browser of its own, not signed in.
    fn visitor(&self) -> Client {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        Client {
            http: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: self.base.clone(),
            csrf: String::new(),
            jar,
        }
    }

    async fn signed_in(&self, email: &str) -> Client {
        let mut client = self.visitor();
        client.sign_in(email).await;
        client
    }

    /// What is saved in a report now.
    async fn saved(&self, report: i64) -> Vec<tertial_domain::StoredField> {
        self.store
            .stored_fields(tertial_domain::ReportId(report))
            .await
            .expect("fields")
    }

    /// The id of a body's report in the round named, read from the coordinator's overview.
    async fn report_id(&self, round: &str, body: &str) -> i64 {
        let rounds = self.store.rounds().await.expect("rounds");
        let round = rounds
            .iter()
            .find(|r| format!("{:?} {}", r.period, r.year) == round)
            .unwrap_or_else(|| panic!("no round {round}"));
        self.store
            .round_overview(round.id)
            .await
            .expect("overview")
            .iter()
            .find(|o| o.body.short_name == body)
            .unwrap_or_else(|| panic!("no report for {body}"))
            .report
            .id
            .0
    }
}

struct Client {
    http: reqwest::Client,
    base: String,
    csrf: String,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
}

struct Reply {
    status: StatusCode,
    location: Option<String>,
    text: String,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }
}

impl Client {
    async fn sign_in(&mut self, email: &str) {
        let response = self.sign_in_with(email, PASSWORD).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.text);
    }

    /// Signs in with `password`, keeping the session's CSRF token when it works.
    async fn sign_in_with(&mut self, email: &str, password: &str) -> Reply {
        let page = self.get("/logga-in").await;
        let login_csrf = hidden(&page.text, "csrf");
        let response = self
            .post_form(
                "/logga-in",
                &[
                    ("csrf", login_csrf.as_str()),
                    ("next", "/"),
                    ("email", email),
                    ("password", password),
                ],
            )
            .await;
        if response.status == StatusCode::SEE_OTHER {
            let home = self.get("/tillganglighet").await;
            self.csrf = hidden(&home.text, "csrf");
        }
        response
    }

    async fn reply(response: reqwest::Response) -> Reply {
        let status = response.status();
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.expect("body");
        assert!(
            !text.contains("panicked") && !text.contains("sqlx") && !text.contains("Error {"),
            "internal details leaked: {text}"
        );
        Reply {
            status,
            location,
            text,
        }
    }

    async fn get(&self, path: &str) -> Reply {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET");
        Self::reply(response).await
    }

    /// Posts a form with this session's CSRF token.
    async fn post_with_csrf(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(path, &all).await
    }

    async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .expect("POST");
        Self::reply(response).await
    }

    async fn post_owned(&self, path: &str, fields: &[(String, String)]) -> Reply {
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        self.post_form(path, &pairs).await
    }

    async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .header("x-csrf-token", &self.csrf)
            .header(ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .expect("POST");
        Self::reply(response).await
    }

    /// What the form's script does a moment after typing stops.
    async fn autosave(&self, report: i64, field: &str, text: &str, version: i64) -> Reply {
        let response = self
            .http
            .post(format!("{}/rapporter/{report}/falt/{field}", self.base))
            .header("x-csrf-token", &self.csrf)
            .header(ACCEPT, "application/json")
            .form(&[("text", text), ("version", &version.to_string())])
            .send()
            .await
            .expect("POST");
        Self::reply(response).await
    }

    /// Posts the whole form as a browser without JavaScript does: every field as shown,
    /// with `changes` applied.
    async fn post_whole_form(&self, report: i64, changes: &[(&str, &str)], action: &str) -> Reply {
        let fields = self.whole_form(report, changes, action).await;
        self.post_owned(&format!("/rapporter/{report}"), &fields)
            .await
    }

    /// The fields a browser without JavaScript posts from the form as it is shown now, with
    /// `changes` applied and the button pressed.
    async fn whole_form(
        &self,
        report: i64,
        changes: &[(&str, &str)],
        action: &str,
    ) -> Vec<(String, String)> {
        let page = self.get(&format!("/rapporter/{report}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let mut fields = form_fields(&page.text);
        for (name, value) in changes {
            match fields.iter_mut().find(|(n, _)| n == name) {
                Some(field) => field.1 = (*value).to_owned(),
                None => fields.push(((*name).to_owned(), (*value).to_owned())),
            }
        }
        fields.push(("action".into(), action.into()));
        fields
    }

    /// The `Cookie` header this browser sends to the server.
    fn cookie_header(&self) -> String {
        let url: reqwest::Url = self.base.parse().expect("base URL");
        reqwest::cookie::CookieStore::cookies(self.jar.as_ref(), &url)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
            .expect("session cookie")
    }
}

/// The value of a hidden input.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in {html}"))
        + marker.len();
    let end = start + html[start..].find('"').expect("closing quote");
    unescape(&html[start..end])
}

fn unescape(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// The fields a browser would post from the report form: inputs with values (checked
/// checkboxes only) and textareas.
fn form_fields(html: &str) -> Vec<(String, String)> {
    form_fields_of(html, "/rapporter/")
}

/// The fields of the form whose action starts with `action`.
fn form_fields_of(html: &str, action: &str) -> Vec<(String, String)> {
    let start = format!("<form method=\"post\" action=\"{action}");
    let form = &html[html.find(&start).expect("form")..];
    let form = &form[..form.find("</form>").expect("end of form")];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        let tag_end = rest.find('>').expect("tag end");
        let tag = &rest[..tag_end];
        let attr = |name: &str| {
            let marker = format!(" {name}=\"");
            tag.find(&marker).map(|i| {
                let v = &tag[i + marker.len()..];
                unescape(&v[..v.find('"').expect("quote")])
            })
        };
        if tag.starts_with("<input") {
            let checkbox = attr("type").as_deref() == Some("checkbox");
            if let Some(name) = attr("name")
                && (!checkbox || tag.contains(" checked"))
            {
                fields.push((name, attr("value").unwrap_or_default()));
            }
        } else if tag.starts_with("<select") {
            // The selected option's value, or the first's, as a browser sends it.
            let body = &rest[tag_end + 1..];
            let body = &body[..body.find("</select>").expect("end of select")];
            let option = body
                .split("<option")
                .skip(1)
                .find(|o| o[..o.find('>').unwrap_or_default()].contains(" selected"))
                .or_else(|| body.split("<option").nth(1));
            if let (Some(name), Some(option)) = (attr("name"), option) {
                let value = option
                    .split_once("value=\"")
                    .and_then(|(_, v)| v.split_once('"'))
                    .map(|(v, _)| unescape(v))
                    .unwrap_or_default();
                fields.push((name, value));
            }
        } else if tag.starts_with("<textarea") {
            let body = &rest[tag_end + 1..];
            let body = &body[..body.find("</textarea>").expect("end of textarea")];
            let body = body.strip_prefix('\n').unwrap_or(body);
            fields.push((attr("name").expect("name"), unescape(body)));
        }
        rest = &rest[tag_end..];
    }
    fields
}

const QUESTIONS: [&str; 8] = [
    "samverkan-lokalt-naringsliv",
    "vaxla-upp-stockholm",
    "svart-ekonomi-samverkan",
    "renodlade-verksamhetsomraden",
    "platssamverkan-platsaktivering",
    "kultur-offentliga-rummet",
    "sbr-arbetsmarknad-tillvaxt",
    "sbr-dialog-foretag",
];

/// Every question answered, and a valid contact person: a report that can be submitted.
pub(crate) fn complete_answers() -> Vec<(String, String)> {
    let mut changes: Vec<(String, String)> = QUESTIONS
        .iter()
        .map(|q| (format!("text.{q}"), format!("Svar på {q}.")))
        .collect();
    changes.push(("text.contact_name".into(), "Kontaktperson Exempel".into()));
    changes.push(("text.contact_phone".into(), "08-000 00 00".into()));
    changes.push((
        "text.contact_email".into(),
        "kontaktperson@example.se".into(),
    ));
    changes
}

pub(crate) fn pairs(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// Declares a story that runs once per backend.
macro_rules! story {
    ($name:ident) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let app = TestApp::start(Backend::Sqlite).await.expect("sqlite");
                super::$name(app).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(app) = TestApp::start(Backend::Postgres).await {
                    super::$name(app).await;
                }
            }
        }
    };
}

/// Skärholmen's reporter fills in T2, meets a colleague's newer save, submits, gets a
/// receipt; the report turns read-only and the coordinator reads what was submitted.
async fn reporter_answers_and_submits(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;

    let home = reporter.get("/").await;
    assert_eq!(home.location.as_deref(), Some("/rapporter"));
    let list = reporter.get("/rapporter").await;
    assert!(list.text.contains("Tertialrapport 2 2022"));
    assert!(list.text.contains(&format!("/rapporter/{report}")));
    let form = reporter.get(&format!("/rapporter/{report}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.text
            .contains("Beskriv nämndens arbete med ”Växla upp Stockholm”")
    );
    assert!(
        form.text
            .contains("1. Stimulera tillväxt och företagsamhet")
    );
    assert!(
        !form.text.contains("4. Öka tillgången"),
        "no questions in area 4 for districts"
    );
    assert!(form.text.contains("Ej påbörjad"));

    // Autosave, twice.
    let saved = reporter
        .autosave(report, QUESTIONS[0], "Första utkastet", 0)
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.json()["version"], 1);
    assert!(
        saved.json()["saved_at"]
            .as_str()
            .is_some_and(|t| t.len() == 5)
    );
    let saved = reporter
        .autosave(report, QUESTIONS[0], "Andra utkastet", 1)
        .await;
    assert_eq!(saved.json()["version"], 2);

    // A colleague still on version 1 does not overwrite; they get the newer text.
    let colleague = app.signed_in("skarholmen@example.se").await;
    let conflict = colleague
        .autosave(report, QUESTIONS[0], "Kollegans text", 1)
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(conflict.json()["text"], "Andra utkastet");
    assert_eq!(conflict.json()["version"], 2);
    // They choose to keep theirs, now based on version 2.
    let kept = colleague
        .autosave(report, QUESTIONS[0], "Kollegans text", 2)
        .await;
    assert_eq!(kept.json()["version"], 3);

    // Submitting too early lists what is missing, with links to the fields.
    let early = reporter.post_whole_form(report, &[], "skicka-in").await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.text.contains("Rapporten kan inte skickas in än"));
    assert!(early.text.contains("href=\"#field-vaxla-upp-stockholm\""));
    assert!(
        early
            .text
            .contains("Besvara fråga 1.2 eller markera den som Ej aktuellt")
    );
    assert!(early.text.contains("Ange kontaktpersonens e-postadress"));

    // Fill in the rest without JavaScript; one question is not applicable.
    let mut changes: Vec<(String, String)> = QUESTIONS[1..]
        .iter()
        .map(|q| (format!("text.{q}"), format!("Svar på {q}.")))
        .collect();
    changes.push(("na.renodlade-verksamhetsomraden".into(), "1".into()));
    changes.push(("text.contact_name".into(), "Kontaktperson Exempel".into()));
    changes.push(("text.contact_phone".into(), "08-000 00 00".into()));
    changes.push(("text.contact_email".into(), "fel-adress".into()));
    let changes_ref: Vec<(&str, &str)> = changes
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let almost = reporter
        .post_whole_form(report, &changes_ref, "skicka-in")
        .await;
    assert_eq!(almost.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(almost.text.contains("Ange e-postadressen i rätt format"));
    assert!(
        almost.text.contains("Svar på vaxla-upp-stockholm."),
        "typed text kept"
    );

    let done = reporter
        .post_whole_form(
            report,
            &[("text.contact_email", "kontaktperson@example.se")],
            "skicka-in",
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let receipt_path = done.location.expect("receipt");
    assert_eq!(
        receipt_path,
        format!("/rapporter/{report}/versioner/1?kvittens=1")
    );
    let receipt = reporter.get(&receipt_path).await;
    assert!(receipt.text.contains("Rapporten är inskickad"));
    assert!(receipt.text.contains("version 1"));
    assert!(receipt.text.contains("Kollegans text"));
    assert!(receipt.text.contains("Ej aktuellt"));

    // Read-only now, for the form and for the script.
    let read_only = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(read_only.text.contains("Inskickad"));
    assert!(!read_only.text.contains("<textarea"));
    let refused = reporter.autosave(report, QUESTIONS[0], "Ändring", 3).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("redan inskickad"))
    );
    let fields = app.saved(report).await;
    assert!(fields.iter().all(|f| f.value.text != "Ändring"));

    // The coordinator sees it in, and reads it.
    let coordinator = app.signed_in("samordnare@example.se").await;
    let rounds = coordinator.get("/omgangar").await;
    assert!(rounds.text.contains("Tertialrapport 2 2022"));
    let t2 = app.store.rounds().await.expect("rounds")[0].id;
    let overview = coordinator.get(&format!("/omgangar/{t2}")).await;
    let row = &overview.text[overview
        .text
        .find("Skärholmens stadsdelsnämnd")
        .expect("row")..];
    assert!(row[..row.find("</tr>").expect("row end")].contains("Inskickad"));
    let version = coordinator
        .get(&format!("/rapporter/{report}/versioner/1"))
        .await;
    assert_eq!(version.status, StatusCode::OK);
    assert!(version.text.contains("Kollegans text"));
    assert!(
        !version.text.contains("Rapporten är inskickad"),
        "no receipt for others"
    );
    let audit = app
        .store
        .audit_of(AuditSubject::Report(tertial_domain::ReportId(report)))
        .await
        .expect("audit");
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert!(actions.contains(&"save_conflict"));
    assert!(actions.contains(&"report_submitted"));
    assert_eq!(actions.last(), Some(&"submission_read"));
}
story!(reporter_answers_and_submits);

mod access;
mod access_matrix;
mod audit_log;
mod compare;
mod compiled;
mod demo_bodies;
mod followups;
mod form;
mod import;
mod insights;
mod look;
mod mail;
mod people;
mod races;
mod review;
mod rounds;
mod search;
mod security;
mod signin_links;
mod sso;

/// Public-records law: a draft is the body's own until submitted.
async fn coordinator_never_sees_a_draft(app: TestApp) {
    let bromma = app.signed_in("bromma@example.se").await;
    let report = app.report_id("T2 2022", "Bromma").await;
    let marker = "HEMLIGT-UTKAST-7f3a";
    let saved = bromma.autosave(report, QUESTIONS[2], marker, 0).await;
    assert_eq!(saved.status, StatusCode::OK);
    let saved = bromma
        .autosave(report, "contact_email", "utkast@example.se", 0)
        .await;
    assert_eq!(saved.status, StatusCode::OK);

    let coordinator = app.signed_in("samordnare@example.se").await;
    let page = coordinator.get(&format!("/rapporter/{report}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Utkast"));
    assert!(!page.text.contains(marker));
    assert!(!page.text.contains("utkast@example.se"));
    let t2 = app.store.rounds().await.expect("rounds")[0].id;
    let overview = coordinator.get(&format!("/omgangar/{t2}")).await;
    assert!(!overview.text.contains(marker));
    // Nor can a coordinator write in it, or read a version that does not exist.
    let write = coordinator
        .autosave(report, QUESTIONS[2], "Samordnarens text", 1)
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);
    let none = coordinator
        .get(&format!("/rapporter/{report}/versioner/1"))
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    // Readers see neither drafts nor round overviews.
    let reader = app.signed_in("lasare@example.se").await;
    assert_eq!(
        reader.get(&format!("/rapporter/{report}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        reader.get(&format!("/omgangar/{t2}")).await.status,
        StatusCode::FORBIDDEN
    );
}
story!(coordinator_never_sees_a_draft);

/// A reporter cannot reach another body's report: it is as if it did not exist.
async fn reporter_cannot_reach_another_bodys_report(app: TestApp) {
    let skarholmen = app.signed_in("skarholmen@example.se").await;
    let bromma = app.report_id("T2 2022", "Bromma").await;
    let unknown = skarholmen.get("/rapporter/999999").await;
    let other = skarholmen.get(&format!("/rapporter/{bromma}")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other.text, unknown.text,
        "indistinguishable from a missing report"
    );
    let write = skarholmen
        .autosave(bromma, QUESTIONS[0], "Intrång", 0)
        .await;
    assert_eq!(write.status, StatusCode::NOT_FOUND);
    let form = skarholmen
        .post_form(
            &format!("/rapporter/{bromma}"),
            &[("csrf", &skarholmen.csrf), ("action", "skicka-in")],
        )
        .await;
    assert_eq!(form.status, StatusCode::NOT_FOUND);
    assert!(app.saved(bromma).await.is_empty());
    // Earlier rounds stay readable to the body itself: Skärholmen's closed T1.
    let t1 = app.report_id("T1 2022", "Skärholmen").await;
    let old = skarholmen.get(&format!("/rapporter/{t1}")).await;
    assert_eq!(old.status, StatusCode::OK);
    assert!(
        old.text
            .contains("Samverkan med det lokala näringslivet sker idag")
    );
    assert!(!old.text.contains("<textarea"));
    let late = skarholmen
        .autosave(t1, QUESTIONS[0], "Sent tillägg", 1)
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(
        late.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("Omgången är stängd"))
    );
}
story!(reporter_cannot_reach_another_bodys_report);

/// Bad input gets a clear Swedish message and the right status, and changes nothing.
#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let web = WebSettings {
        max_request_bytes: 512 * 1024,
        ..WebSettings::default()
    };
    let app = TestApp::start_with(Backend::Sqlite, Settings::default(), web)
        .await
        .expect("app");
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let path = format!("/rapporter/{report}/falt/{}", QUESTIONS[0]);

    // No CSRF token.
    let forged = reporter
        .with_csrf("fel")
        .autosave(report, QUESTIONS[0], "Förfalskat", 0)
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(
        forged.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("Ladda om sidan"))
    );
    let forged_form = reporter
        .post_form(&format!("/rapporter/{report}"), &[("action", "spara")])
        .await;
    assert_eq!(forged_form.status, StatusCode::FORBIDDEN);

    // Too long an answer: 20,001 characters.
    let long = "å".repeat(20_001);
    let too_long = reporter.autosave(report, QUESTIONS[0], &long, 0).await;
    assert_eq!(too_long.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        too_long.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("20\u{a0}001 tecken"))
    );
    // Exactly 20,000 is fine later, but first: a request over the size limit.
    let huge = format!("version=0&text={}", "a".repeat(600 * 1024)).into_bytes();
    let over = reporter
        .post_raw(&path, "application/x-www-form-urlencoded", huge)
        .await;
    assert_eq!(over.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Malformed: invalid UTF-8, a broken escape, the wrong content type.
    for (content_type, body) in [
        (
            "application/x-www-form-urlencoded",
            b"version=0&text=%FF%FE".to_vec(),
        ),
        (
            "application/x-www-form-urlencoded",
            b"version=0&text=%G".to_vec(),
        ),
        ("application/json", b"{\"text\":\"x\"}".to_vec()),
        (
            "application/x-www-form-urlencoded",
            b"version=abc&text=x".to_vec(),
        ),
    ] {
        let reply = reporter.post_raw(&path, content_type, body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
        assert!(
            reply.json()["error"]
                .as_str()
                .is_some_and(|e| e.contains("kunde inte läsas"))
        );
    }
    // A control character.
    let control = reporter.autosave(report, QUESTIONS[0], "a\u{7}b", 0).await;
    assert_eq!(control.status, StatusCode::BAD_REQUEST);
    // Unknown ids and fields.
    for path in [
        "/rapporter/999999",
        "/rapporter/abc",
        "/omgangar/x",
        "/finns-inte",
    ] {
        let reply = reporter.get(path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(reply.text.contains("Sidan finns inte"), "{path}");
    }
    let unknown_field = reporter.autosave(report, "finns-inte", "x", 0).await;
    assert_eq!(unknown_field.status, StatusCode::NOT_FOUND);
    let bad_field = reporter.autosave(report, "..%2Fetc", "x", 0).await;
    assert_eq!(bad_field.status, StatusCode::NOT_FOUND);
    // Nothing of the above was saved.
    assert!(app.saved(report).await.is_empty());
    // Without JavaScript, the whole form comes back with the typed text and the problem.
    let too_long_form = reporter
        .post_whole_form(
            report,
            &[
                ("text.contact_name", "Kim Exempel"),
                (&format!("text.{}", QUESTIONS[1]), &long),
            ],
            "spara",
        )
        .await;
    assert_eq!(too_long_form.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_long_form.text.contains("Det gick inte att spara"));
    assert!(
        too_long_form
            .text
            .contains("Texten är för lång: 20\u{a0}001 tecken")
    );
    assert!(
        too_long_form.text.contains("value=\"Kim Exempel\""),
        "typed text kept"
    );
    assert!(too_long_form.text.contains(&long), "typed text kept");
    assert!(
        app.saved(report).await.is_empty(),
        "nothing saved, not even the valid field"
    );
    // The limit itself is allowed.
    let max = "å".repeat(20_000);
    let fine = reporter.autosave(report, QUESTIONS[0], &max, 0).await;
    assert_eq!(fine.status, StatusCode::OK);
}

impl Client {
    /// The same session, sending another CSRF token.
    fn with_csrf(&self, csrf: &str) -> Client {
        Client {
            http: self.http.clone(),
            base: self.base.clone(),
            csrf: csrf.to_owned(),
            jar: self.jar.clone(),
        }
    }
}

/// Signing in and out, and what happens to requests without a session.
#[tokio::test]
async fn sessions_begin_and_end() {
    let app = TestApp::start(Backend::Sqlite).await.expect("app");
    let visitor = app.visitor();
    let report = app.report_id("T2 2022", "Skärholmen").await;

    // Pages send you to sign in and back; the script gets a 401 it understands.
    let page = visitor.get(&format!("/rapporter/{report}")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location.as_deref(),
        Some(format!("/logga-in?next=/rapporter/{report}").as_str())
    );
    let save = visitor.autosave(report, QUESTIONS[0], "Text", 0).await;
    assert_eq!(save.status, StatusCode::UNAUTHORIZED);
    assert!(
        save.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("utloggad"))
    );

    // Wrong password, and a sign-in without the form's token.
    let login = visitor.get("/logga-in").await;
    assert!(login.text.contains("Demokonton"));
    assert!(login.text.contains("skarholmen@example.se"));
    let token = hidden(&login.text, "csrf");
    let wrong = visitor
        .post_form(
            "/logga-in",
            &[
                ("csrf", &token),
                ("email", "skarholmen@example.se"),
                ("password", "fel"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.text.contains("Fel e-postadress eller lösenord."));
    let unknown = visitor
        .post_form(
            "/logga-in",
            &[
                ("csrf", &token),
                ("email", "okand@example.se"),
                ("password", "fel"),
            ],
        )
        .await;
    assert_eq!(
        unknown.status, wrong.status,
        "unknown accounts are not revealed"
    );
    assert!(unknown.text.contains("Fel e-postadress eller lösenord."));
    let forged = app
        .visitor()
        .post_form(
            "/logga-in",
            &[
                ("csrf", "x"),
                ("email", "skarholmen@example.se"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // A sign-in page never sends you to another site.
    let next = visitor
        .post_form(
            "/logga-in",
            &[
                ("csrf", &token),
                ("next", "//evil.example/"),
                ("email", "skarholmen@example.se"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(next.location.as_deref(), Some("/"));

    // Signing out ends the session on the server, not only in the browser.
    let reporter = app.signed_in("skarholmen@example.se").await;
    let out = reporter
        .post_form("/logga-ut", &[("csrf", &reporter.csrf)])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let after = reporter.autosave(report, QUESTIONS[0], "Text", 0).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    let audit = app
        .store
        .audit_of(AuditSubject::SignIn)
        .await
        .expect("audit");
    let count = |action: &str| audit.iter().filter(|e| e.action == action).count();
    assert_eq!(
        count("sign_in_failed"),
        2,
        "both failed sign-ins are logged"
    );
    assert_eq!(count("forgery_refused"), 1, "so is the forged one");
}

/// Security headers on every response.
#[tokio::test]
async fn pages_forbid_framing_and_foreign_scripts() {
    let app = TestApp::start(Backend::Sqlite).await.expect("app");
    let response = reqwest::get(format!("{}/logga-in", app.base))
        .await
        .expect("GET");
    let csp = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("CSP");
    assert!(csp.contains("script-src 'self'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    let cookie_header = response.headers().get("set-cookie").cloned();
    // The stylesheet is asked for by its version, so a new one is never mixed with an old.
    let page = response.text().await.expect("page");
    let stylesheet = page
        .split('"')
        .find(|part| part.starts_with("/static/tertial.css?v="))
        .expect("a versioned stylesheet");
    let css = reqwest::get(format!("{}{stylesheet}", app.base))
        .await
        .expect("GET");
    assert_eq!(css.status(), StatusCode::OK);
    let cookie = cookie_header
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .expect("cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let healthz = reqwest::get(format!("{}/healthz", app.base))
        .await
        .expect("GET");
    assert_eq!(healthz.status(), StatusCode::OK);
    let ready = reqwest::get(format!("{}/readyz", app.base))
        .await
        .expect("GET");
    assert_eq!(ready.status(), StatusCode::OK);
    // Every answer carries its own request id, to find it in the logs.
    let id = |r: &reqwest::Response| {
        r.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .expect("x-request-id")
    };
    assert_ne!(id(&healthz), id(&ready));
    // So do the error pages drawn around the router: a change from another site, a 404.
    let client = reqwest::Client::new();
    let refused = client
        .post(format!("{}/logga-ut", app.base))
        .header("origin", "https://elak.example")
        .send()
        .await
        .expect("POST");
    let missing = client
        .get(format!("{}/finns-inte", app.base))
        .send()
        .await
        .expect("GET");
    for (response, status) in [
        (refused, StatusCode::FORBIDDEN),
        (missing, StatusCode::NOT_FOUND),
    ] {
        assert_eq!(response.status(), status);
        let headers = response.headers();
        assert!(headers.contains_key("content-security-policy"), "{status}");
        assert!(headers.contains_key("x-frame-options"), "{status}");
    }
}

/// Without JavaScript, a form posted after the session ended is kept through signing in
/// again, and saved by its author only.
#[tokio::test]
async fn a_form_posted_after_the_session_ended_is_kept() {
    let app = TestApp::start(Backend::Sqlite).await.expect("app");
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let page = reporter.get(&format!("/rapporter/{report}")).await;
    let mut fields = form_fields(&page.text);
    for field in &mut fields {
        if field.0 == format!("text.{}", QUESTIONS[1]) {
            field.1 = "Skrivet medan sessionen gick ut.\nAndra raden.".into();
        }
    }
    fields.push(("action".into(), "spara".into()));
    app.clock.advance(Settings::default().session_idle);

    let expired = reporter
        .post_owned(&format!("/rapporter/{report}"), &fields)
        .await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert!(expired.text.contains("Det du skrev är inte sparat än"));
    let carried = form_fields_of(&expired.text, "/logga-in");
    assert!(
        carried
            .iter()
            .any(|(n, v)| n == &format!("resume.text.{}", QUESTIONS[1])
                && v.contains("Andra raden."))
    );

    // Someone else signing in on that page does not get to save it.
    let stranger = app.visitor();
    let login = stranger.get("/logga-in").await;
    let mut as_stranger = carried.clone();
    for field in &mut as_stranger {
        match field.0.as_str() {
            "csrf" => field.1 = hidden(&login.text, "csrf"),
            "email" => field.1 = "bromma@example.se".into(),
            "password" => field.1 = PASSWORD.into(),
            _ => {}
        }
    }
    let dropped = stranger.post_owned("/logga-in", &as_stranger).await;
    assert_eq!(
        dropped.status,
        StatusCode::SEE_OTHER,
        "no resume page for another person"
    );

    // Its author signs in: the text comes back beside what is stored now, saved only once
    // ticked.
    let mut again = carried;
    for field in &mut again {
        match field.0.as_str() {
            "email" => field.1 = "skarholmen@example.se".into(),
            "password" => field.1 = PASSWORD.into(),
            _ => {}
        }
    }
    let resumed = reporter.post_owned("/logga-in", &again).await;
    assert_eq!(resumed.status, StatusCode::OK, "{}", resumed.text);
    assert!(resumed.text.contains("Spara min text här"));
    assert!(
        app.saved(report).await.is_empty(),
        "nothing saved by itself"
    );
    let mut resubmit = form_fields_of(&resumed.text, &format!("/rapporter/{report}"));
    resubmit.push((
        format!("text.{}", QUESTIONS[1]),
        "Skrivet medan sessionen gick ut.\r\nAndra raden.".into(),
    ));
    resubmit.push(("action".into(), "spara".into()));
    let saved = reporter
        .post_owned(&format!("/rapporter/{report}"), &resubmit)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let stored = app.saved(report).await;
    assert_eq!(stored.len(), 1, "only the changed field was saved");
    assert_eq!(
        stored[0].value.text,
        "Skrivet medan sessionen gick ut.\nAndra raden."
    );
}

/// A form from an earlier session, even of the same person (signed in again in another
/// tab), is not saved: the token of an ended session is never accepted. Its text comes back
/// to be saved field by field.
#[tokio::test]
async fn forms_from_an_earlier_session_are_not_saved_but_kept() {
    let app = TestApp::start(Backend::Sqlite).await.expect("app");
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let mut reporter = app.signed_in("skarholmen@example.se").await;
    let old_token = reporter.csrf.clone();
    let page = reporter.get(&format!("/rapporter/{report}")).await;
    let mut fields = form_fields(&page.text);
    for field in &mut fields {
        if field.0 == format!("text.{}", QUESTIONS[2]) {
            field.1 = "Från förra sessionen.".into();
        }
    }
    fields.push(("action".into(), "spara".into()));
    // Signs in again (as in another tab after the session ran out): a new token.
    reporter.sign_in("skarholmen@example.se").await;
    assert_ne!(reporter.csrf, old_token);

    let kept = reporter
        .post_owned(&format!("/rapporter/{report}"), &fields)
        .await;
    assert_eq!(kept.status, StatusCode::FORBIDDEN);
    assert!(kept.text.contains("ingenting sparades"));
    assert!(
        kept.text.contains("Från förra sessionen."),
        "the text comes back"
    );
    assert!(app.saved(report).await.is_empty());
    let autosave = reporter
        .http
        .post(format!(
            "{}/rapporter/{report}/falt/{}",
            reporter.base, QUESTIONS[2]
        ))
        .header("x-csrf-token", &old_token)
        .header(ACCEPT, "application/json")
        .form(&[("text", "Autosparat med gammal token."), ("version", "0")])
        .send()
        .await
        .expect("POST");
    assert_eq!(autosave.status(), StatusCode::FORBIDDEN);
    assert!(app.saved(report).await.is_empty());
}

/// Ticking "Ej aktuellt" keeps what was written as its justification: it is submitted and
/// shown with the version ("Motivering"), and in the download.
async fn not_applicable_keeps_its_justification(app: TestApp) {
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let justification = "Stadsdelen har inga sådana verksamheter.";
    let mut changes = complete_answers();
    for (name, value) in &mut changes {
        if *name == format!("text.{}", QUESTIONS[0]) {
            *value = justification.to_owned();
        }
    }
    changes.push((format!("na.{}", QUESTIONS[0]), "1".to_owned()));
    let submitted = reporter
        .post_whole_form(report, &pairs(&changes), "skicka-in")
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.text
    );
    let version = reporter
        .get(&format!("/rapporter/{report}/versioner/1"))
        .await;
    assert!(version.text.contains("Ej aktuellt"));
    assert!(version.text.contains("Motivering"));
    assert!(version.text.contains(justification));
    let download = reporter
        .get(&format!("/rapporter/{report}/versioner/1/markdown"))
        .await;
    assert!(
        download
            .text
            .contains(&format!("*Ej aktuellt*\n\nMotivering: {justification}"))
    );
    // The download is made by the documents use case: dated as Swedes write it.
    let heading = download.text.lines().nth(2).unwrap_or_default();
    assert!(
        heading.contains("version 1, inskickad ") && heading.contains(" kl. "),
        "{heading}"
    );
}
story!(not_applicable_keeps_its_justification);
