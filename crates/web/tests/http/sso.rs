//! Single sign-on against a real OpenID Connect provider: the certified `oidc-provider`
//! package, started for each test by `e2e/oidc/provider.mjs` on a free port, with its login
//! form filled in as a browser would. The provider can be told to misbehave (another
//! audience, expired, a tampered signature, an unknown key, rotated keys, a replayed token).
//!
//! Without Node or the package (`npm ci` in `e2e/`) the tests skip with a notice, unless
//! `TERTIAL_REQUIRE_SSO=1` or `TERTIAL_REQUIRE_POSTGRES=1` (as `scripts/test` sets) makes
//! that a failure.

use std::process::Stdio;
use std::time::Duration;

use tertial_app::Sso;
use tertial_app::tertial_oidc::{Client as OidcClient, Config};
use tertial_domain::sso::LocalPasswords;
use tokio::io::AsyncBufReadExt;

use super::*;

/// The provider, running until dropped.
struct Provider {
    issuer: String,
    http: reqwest::Client,
    /// Killed when the test ends; its standard input closing stops it too.
    _node: tokio::process::Child,
}

fn required() -> bool {
    ["TERTIAL_REQUIRE_SSO", "TERTIAL_REQUIRE_POSTGRES"]
        .iter()
        .any(|name| std::env::var(name).as_deref() == Ok("1"))
}

impl Provider {
    /// Starts the provider with Tertial at `tertial` as its client.
    async fn start(tertial: &str) -> Option<Provider> {
        let e2e = concat!(env!("CARGO_MANIFEST_DIR"), "/../../e2e");
        let installed = std::path::Path::new(e2e)
            .join("node_modules/oidc-provider/package.json")
            .exists();
        let node = installed
            .then(|| {
                tokio::process::Command::new("node")
                    .arg("oidc/provider.mjs")
                    .current_dir(e2e)
                    .env("REDIRECT_URIS", format!("{tertial}/logga-in/sso/klar"))
                    .env("POST_LOGOUT_REDIRECT_URIS", format!("{tertial}/logga-in"))
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .kill_on_drop(true)
                    .spawn()
                    .ok()
            })
            .flatten();
        let Some(mut node) = node else {
            assert!(
                !required(),
                "node or the npm package oidc-provider is missing (npm ci in e2e/), \
                 and TERTIAL_REQUIRE_SSO=1"
            );
            eprintln!("skipped: node or oidc-provider (npm ci in e2e/) is missing");
            return None;
        };
        let stdout = node.stdout.take().expect("provider's output");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let issuer = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .expect("the provider starts within a minute")
            .expect("the provider's output")
            .expect("the provider's issuer URL");
        Some(Provider {
            issuer,
            http: reqwest::Client::new(),
            _node: node,
        })
    }

    /// Makes the token endpoint misbehave from now on (see provider.mjs).
    async fn misbehave(&self, mode: &str) {
        let answer = self
            .http
            .get(format!("{}/__admin/mode/{mode}", self.issuer))
            .send()
            .await
            .expect("admin");
        assert!(answer.status().is_success());
    }

    /// How often Tertial fetched the provider's keys.
    async fn key_fetches(&self) -> u64 {
        let stats: serde_json::Value = self
            .http
            .get(format!("{}/__admin/stats", self.issuer))
            .send()
            .await
            .expect("stats")
            .json()
            .await
            .expect("stats JSON");
        stats["jwksFetches"].as_u64().expect("a count")
    }
}

/// Exempelstad's groups: the coordinators, Skärholmen's and Bromma's reporters.
fn groups() -> Vec<tertial_domain::sso::GroupMapping> {
    [
        "samordnare=coordinator",
        "sdn-skarholmen=reporter:Skärholmen",
        "sdn-bromma=reporter:Bromma",
    ]
    .iter()
    .map(|m| m.parse().expect("mapping"))
    .collect()
}

/// Tertial with single sign-on through a fresh provider; `configure` adjusts the client and
/// the settings.
async fn start(
    backend: Backend,
    configure: impl FnOnce(&mut Config, &mut Settings),
) -> Option<(TestApp, Provider)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let provider = Provider::start(&base).await?;
    let redirect = format!("{base}/logga-in/sso/klar");
    let mut config = Config::new(&provider.issuer, "tertial", "tertial-secret", &redirect);
    // Rotated keys are fetched at once (the bound has a test of its own).
    config.jwks_refetch_after = Duration::ZERO;
    let mut settings = Settings {
        public_url: base,
        ..Settings::default()
    };
    configure(&mut config, &mut settings);
    let sso = Sso {
        client: OidcClient::new(config).expect("OpenID client"),
        organisation: "Exempelstad".into(),
        email_claim: "email".into(),
        groups_claim: "groups".into(),
        groups: groups(),
    };
    let app = TestApp::start_on(listener, backend, WebSettings::default(), |store| {
        App::new(store, settings).with_sso(sso)
    })
    .await?;
    Some((app, provider))
}

/// A page or redirect from the provider.
struct Page {
    location: Option<String>,
    text: String,
}

async fn page(response: reqwest::Response) -> Page {
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Page {
        location,
        text: response.text().await.expect("provider's page"),
    }
}

fn absolute(from: &str, location: &str) -> String {
    reqwest::Url::parse(from)
        .and_then(|u| u.join(location))
        .expect("URL")
        .to_string()
}

/// The value of an attribute in the first tag of `html` that contains `marker`.
fn attribute(html: &str, marker: &str, name: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"));
    let tag = &html[html[..=at].rfind('<').unwrap_or(at)..];
    let tag = &tag[..tag.find('>').expect("tag end")];
    let key = format!("{name}=\"");
    let value = &tag[tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + key.len()..];
    unescape(&value[..value.find('"').expect("quote")])
}

/// Follows the provider's redirects from `url`: `Ok` with the callback's URL (not visited)
/// when it sends the browser back to Tertial, `Err` with the page's URL and text when it
/// shows a page.
async fn follow(client: &Client, mut url: String) -> Result<String, (String, String)> {
    let callback = format!("{}/logga-in/sso/klar", client.base);
    for _ in 0..10 {
        if url.starts_with(&callback) {
            return Ok(url);
        }
        let step = page(client.http.get(&url).send().await.expect("provider")).await;
        match step.location {
            Some(location) => url = absolute(&url, &location),
            None => return Err((url, step.text)),
        }
    }
    panic!("the provider redirected too often");
}

/// Presses "Logga in med Exempelstad" and signs in at the provider as `login`, up to the
/// provider's redirect back to Tertial: returns the callback's URL, not yet visited.
async fn to_callback(client: &Client, login: &str) -> String {
    let start = client.get("/logga-in/sso?next=/rapporter").await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.text);
    let url = start.location.expect("to the provider");
    let (url, form) = follow(client, url).await.expect_err("the provider's login");
    let action = absolute(&url, &form_action(&form));
    let fields = [("prompt", "login"), ("login", login), ("password", "x")];
    let posted = page(
        client
            .http
            .post(&action)
            .form(&fields)
            .send()
            .await
            .expect("login"),
    )
    .await;
    let next = absolute(
        &action,
        &posted.location.expect("after the provider's login"),
    );
    follow(client, next).await.expect("back to Tertial")
}

fn form_action(html: &str) -> String {
    attribute(html, "<form", "action")
}

/// The whole way: the button, the provider, Tertial's answer to the callback.
async fn through_provider(client: &Client, login: &str) -> Reply {
    let url = to_callback(client, login).await;
    client.get(&url[client.base.len()..]).await
}

/// The audit log's refused single sign-ons, by their details.
async fn refusals(app: &TestApp) -> Vec<String> {
    app.store
        .audit_of(AuditSubject::SignIn)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "sso_refused")
        .map(|e| e.detail)
        .collect()
}

/// Refused on the sign-in page with `message`, and `reason` in the audit log.
async fn assert_refused(app: &TestApp, reply: &Reply, reason: &str, message: &str) {
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "{reason}: {}",
        reply.text
    );
    assert!(reply.text.contains(message), "{reason}: {}", reply.text);
    assert!(reply.text.contains("Logga in med Exempelstad"));
    assert!(
        reply.text.contains("Det gick inte att logga in"),
        "error summary"
    );
    let reasons = refusals(app).await;
    assert!(
        reasons
            .iter()
            .any(|d| d.starts_with(&format!("reason={reason}"))),
        "{reason} not in {reasons:?}"
    );
}

async fn account(app: &TestApp, email: &str) -> Option<tertial_store::UserRecord> {
    app.store.user_by_email(email).await.expect("user")
}

macro_rules! sso_story {
    ($name:ident) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                super::$name(Backend::Sqlite).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$name(Backend::Postgres).await;
            }
        }
    };
}

/// A coordinator and a reporter of Skärholmen sign in for the first time: their accounts are
/// created with the role and bodies their groups give, and the next sign-in finds them.
async fn groups_give_new_accounts_their_role_and_bodies(backend: Backend) {
    let Some((app, idp)) = start(backend, |_, _| {}).await else {
        return;
    };
    let page = app.visitor().get("/logga-in").await;
    assert!(page.text.contains("Logga in med Exempelstad"));
    assert!(
        page.text.find("Logga in med Exempelstad") < page.text.find("Lösenord"),
        "the organisation's sign-in comes first"
    );

    let coordinator = app.visitor();
    let signed = through_provider(&coordinator, "ny-samordnare").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    assert_eq!(signed.location.as_deref(), Some("/rapporter"));
    let rounds = coordinator.get("/omgangar").await;
    assert_eq!(rounds.status, StatusCode::OK);
    assert!(rounds.text.contains("Nora Samordnare"));
    let nora = account(&app, "ny.samordnare@exempelstad.se")
        .await
        .expect("created");
    assert_eq!(nora.actor.role, tertial_domain::Role::Coordinator);
    assert!(nora.password_hash.is_none(), "no password to forget");

    let reporter = app.visitor();
    let signed = through_provider(&reporter, "ny-rapportor").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    let rasmus = account(&app, "ny.rapportor@exempelstad.se")
        .await
        .expect("created");
    assert_eq!(rasmus.actor.role, tertial_domain::Role::Reporter);
    assert_eq!(rasmus.actor.bodies, vec![app.body("Skärholmen").await.id]);
    let mine = reporter.get("/rapporter").await;
    assert!(mine.text.contains("Tertialrapport 2 2022"));

    // Again, from another browser: the same account, linked by the provider's subject.
    let again = through_provider(&app.visitor(), "ny-samordnare").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let users = app.store.users().await.expect("users");
    let noras = users
        .iter()
        .filter(|u| u.email == "ny.samordnare@exempelstad.se")
        .count();
    assert_eq!(noras, 1);

    let audit = app
        .store
        .audit_of(AuditSubject::User(nora.actor.id))
        .await
        .expect("audit");
    let actions: Vec<(&str, &str)> = audit
        .iter()
        .map(|e| (e.action.as_str(), e.detail.as_str()))
        .collect();
    let via = format!("via=sso issuer={}", idp.issuer);
    assert_eq!(
        actions,
        vec![
            ("user_added", via.as_str()),
            ("signed_in", via.as_str()),
            ("signed_in", via.as_str()),
        ]
    );
    assert!(refusals(&app).await.is_empty());
}
sso_story!(groups_give_new_accounts_their_role_and_bodies);

/// Skärholmen's reporter already has an account (with a password): signing in through the
/// provider with the same verified address links it, and the groups set role and bodies.
async fn an_existing_account_is_linked_by_its_verified_address(backend: Backend) {
    let Some((app, idp)) = start(backend, |_, _| {}).await else {
        return;
    };
    let before = account(&app, "skarholmen@example.se").await.expect("demo");
    // Given Bromma in Tertial as well; the provider's groups say Skärholmen only, and win.
    let bromma = app.body("Bromma").await.id;
    let skarholmen = app.body("Skärholmen").await.id;
    let coordinator = app.signed_in("samordnare@example.se").await;
    let (body_a, body_b) = (
        format!("body-{}", skarholmen.0),
        format!("body-{}", bromma.0),
    );
    let changed = coordinator
        .post_with_csrf(
            &format!("/personer/{}", before.actor.id.0),
            &[
                ("name", before.actor.name.as_str()),
                ("role", "reporter"),
                (body_a.as_str(), "1"),
                (body_b.as_str(), "1"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    assert_eq!(
        account(&app, "skarholmen@example.se")
            .await
            .expect("x")
            .actor
            .bodies
            .len(),
        2
    );

    let browser = app.visitor();
    let signed = through_provider(&browser, "skarholmen").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    let after = account(&app, "skarholmen@example.se").await.expect("same");
    assert_eq!(after.actor.id, before.actor.id, "linked, not created");
    assert_eq!(
        after.actor.bodies,
        vec![skarholmen],
        "the provider's groups win"
    );
    assert!(after.password_hash.is_some(), "the password is left alone");
    let linked = app
        .store
        .sso_identity(&idp.issuer, "skarholmen")
        .await
        .expect("identity");
    assert_eq!(linked, Some((before.actor.id, true)));
    let actions: Vec<String> = app
        .store
        .audit_of(AuditSubject::User(before.actor.id))
        .await
        .expect("audit")
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.detail))
        .collect();
    let tail = &actions[actions.len() - 3..];
    assert!(tail[0].starts_with("sso_linked via=sso"), "{actions:?}");
    assert_eq!(tail[1], "user_changed via=sso role=reporter bodies=1");
    assert!(tail[2].starts_with("signed_in via=sso"));
}
sso_story!(an_existing_account_is_linked_by_its_verified_address);

/// Signing out of Tertial goes on to the provider's end-session endpoint with the ID token as
/// a hint, and the provider sends the browser back to Tertial's sign-in page; the next
/// sign-in asks for the provider's login again.
async fn signing_out_ends_the_providers_session_too(backend: Backend) {
    let Some((app, idp)) = start(backend, |_, _| {}).await else {
        return;
    };
    let mut browser = app.visitor();
    let signed = through_provider(&browser, "ny-samordnare").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let home = browser.get("/tillganglighet").await;
    browser.csrf = hidden(&home.text, "csrf");
    let csp = browser
        .http
        .get(format!("{}/tillganglighet", browser.base))
        .send()
        .await
        .expect("page")
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("CSP");
    assert!(
        csp.contains(&format!("form-action 'self' {};", idp.issuer)),
        "the sign-out form may go on to the provider: {csp}"
    );

    let out = browser.post_with_csrf("/logga-ut", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let end = out.location.expect("to the provider");
    assert!(
        end.starts_with(&format!("{}/session/end?", idp.issuer)),
        "{end}"
    );
    assert!(end.contains("id_token_hint="));
    assert!(end.contains(&format!(
        "post_logout_redirect_uri={}",
        urlencoded(&format!("{}/logga-in", browser.base))
    )));
    assert_eq!(
        browser.get("/rapporter").await.status,
        StatusCode::SEE_OTHER
    );

    // The provider asks "sign out?"; yes.
    let question = page(browser.http.get(&end).send().await.expect("end")).await;
    let confirm = absolute(&end, &form_action(&question.text));
    let xsrf = attribute(&question.text, "name=\"xsrf\"", "value");
    let done = page(
        browser
            .http
            .post(&confirm)
            .form(&[("xsrf", xsrf.as_str()), ("logout", "yes")])
            .send()
            .await
            .expect("confirm"),
    )
    .await;
    let back = done.location.expect("back to Tertial");
    assert_eq!(back, format!("{}/logga-in", browser.base));

    // Signed out there too: the provider shows its login form again.
    let again = browser.get("/logga-in/sso").await;
    let (_, form) = follow(&browser, again.location.expect("to the provider"))
        .await
        .expect_err("asked to sign in at the provider again");
    assert!(form.contains("name=\"login\""), "{form}");
}
sso_story!(signing_out_ends_the_providers_session_too);

fn urlencoded(s: &str) -> String {
    reqwest::Url::parse_with_params("x:", &[("v", s)])
        .expect("url")
        .query()
        .expect("query")
        .trim_start_matches("v=")
        .to_owned()
}

/// ID tokens the provider should not have sent: each refused with its reason on the
/// sign-in page and in the audit log, and no account created.
async fn bad_tokens_are_refused_and_create_nothing(backend: Backend) {
    let Some((app, idp)) = start(backend, |_, _| {}).await else {
        return;
    };
    let cases = [
        ("audience", "wrong_audience", "utfärdat för en annan tjänst"),
        ("issuer", "wrong_issuer", "utfärdat för en annan tjänst"),
        ("expired", "token_expired", "hade gått ut"),
        ("tamper", "bad_signature", "kunde inte kontrolleras"),
        ("unknown-kid", "unknown_key", "kunde inte kontrolleras"),
    ];
    for (mode, reason, message) in cases {
        idp.misbehave(mode).await;
        let browser = app.visitor();
        let refused = through_provider(&browser, "ny-samordnare").await;
        assert_refused(&app, &refused, reason, message).await;
        assert!(
            account(&app, "ny.samordnare@exempelstad.se")
                .await
                .is_none(),
            "{mode}"
        );
        assert_eq!(
            browser.get("/rapporter").await.status,
            StatusCode::SEE_OTHER,
            "not signed in after {mode}"
        );
    }
}
sso_story!(bad_tokens_are_refused_and_create_nothing);

/// The provider rotates its signing key: the first token with the new key id makes Tertial
/// fetch the keys again, once, and the sign-in works.
async fn rotated_keys_are_fetched_again(backend: Backend) {
    let Some((app, idp)) = start(backend, |_, _| {}).await else {
        return;
    };
    let first = through_provider(&app.visitor(), "ny-samordnare").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(idp.key_fetches().await, 1);
    idp.misbehave("rotate").await;
    let rotated = through_provider(&app.visitor(), "ny-rapportor").await;
    assert_eq!(rotated.status, StatusCode::SEE_OTHER, "{}", rotated.text);
    assert_eq!(idp.key_fetches().await, 2);
    let again = through_provider(&app.visitor(), "ny-samordnare").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(idp.key_fetches().await, 2, "the new key is known now");
}
sso_story!(rotated_keys_are_fetched_again);

/// Unknown key ids make Tertial fetch the keys again no more often than the bound: a
/// stream of made-up key ids cannot make it hammer the provider.
async fn unknown_keys_are_refetched_at_most_once_per_bound(backend: Backend) {
    let Some((app, idp)) = start(backend, |config, _| {
        config.jwks_refetch_after = Duration::from_secs(3600);
    })
    .await
    else {
        return;
    };
    let first = through_provider(&app.visitor(), "ny-samordnare").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    idp.misbehave("unknown-kid").await;
    for _ in 0..3 {
        let refused = through_provider(&app.visitor(), "ny-samordnare").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(idp.key_fetches().await, 1, "no refetch within the bound");
    assert_eq!(
        refusals(&app)
            .await
            .iter()
            .filter(|r| r.starts_with("reason=unknown_key"))
            .count(),
        3
    );
}
sso_story!(unknown_keys_are_refetched_at_most_once_per_bound);

/// A callback visited twice, and a token replayed into a later sign-in, are refused.
async fn replayed_state_and_nonce_are_refused(backend: Backend) {
    let Some((app, idp)) = start(backend, |_, _| {}).await else {
        return;
    };
    let browser = app.visitor();
    let callback = to_callback(&browser, "ny-samordnare").await;
    let path = &callback[browser.base.len()..];
    let first = browser.get(path).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let replayed = browser.get(path).await;
    assert_refused(&app, &replayed, "state_replayed", "redan använts").await;

    // The provider hands out the first sign-in's ID token again.
    idp.misbehave("replay").await;
    let refused = through_provider(&app.visitor(), "ny-rapportor").await;
    assert_refused(
        &app,
        &refused,
        "nonce_replayed",
        "hörde till en annan inloggning",
    )
    .await;
    assert!(account(&app, "ny.rapportor@exempelstad.se").await.is_none());
}
sso_story!(replayed_state_and_nonce_are_refused);

/// People the provider does not vouch for: in no mapped group (no account made), with an
/// address the provider has not verified (not linked to the account with that address), or
/// whose account in Tertial is deactivated.
async fn people_without_a_mapped_group_or_a_verified_address_are_refused(backend: Backend) {
    let Some((app, idp)) = start(backend, |_, _| {}).await else {
        return;
    };
    let refused = through_provider(&app.visitor(), "utan-grupp").await;
    assert_refused(&app, &refused, "no_mapped_group", "inte med i någon grupp").await;
    assert!(account(&app, "utan.grupp@exempelstad.se").await.is_none());

    let bromma = account(&app, "bromma@example.se").await.expect("demo");
    let refused = through_provider(&app.visitor(), "overifierad").await;
    assert_refused(&app, &refused, "email_not_verified", "inte bekräftad").await;
    let linked = app
        .store
        .sso_identity(&idp.issuer, "overifierad")
        .await
        .expect("identity");
    assert_eq!(linked, None);
    assert_eq!(
        account(&app, "bromma@example.se")
            .await
            .expect("kept")
            .actor,
        bromma.actor
    );

    let skarholmen = account(&app, "skarholmen@example.se").await.expect("demo");
    let admin = account(&app, "samordnare@example.se").await.expect("demo");
    app.store
        .set_person_active(skarholmen.actor.id, false, admin.actor.id, app.clock.now())
        .await
        .expect("deactivate");
    let refused = through_provider(&app.visitor(), "skarholmen").await;
    assert_refused(&app, &refused, "account_deactivated", "inaktiverat").await;
}
sso_story!(people_without_a_mapped_group_or_a_verified_address_are_refused);

/// The provider's own refusal (the person pressed Cancel there), a callback without this
/// browser's cookie, and one carrying another browser's sign-in: refused, and the sign-in
/// still works in the browser that began it.
async fn a_cancelled_or_foreign_callback_is_refused(backend: Backend) {
    let Some((app, _idp)) = start(backend, |_, _| {}).await else {
        return;
    };
    // Cancel at the provider's login.
    let browser = app.visitor();
    let start = browser.get("/logga-in/sso").await;
    let (url, login) = follow(&browser, start.location.expect("to the provider"))
        .await
        .expect_err("the provider's login");
    let abort = absolute(&url, &attribute(&login, "/abort", "href"));
    let callback = follow(&browser, abort).await.expect("back to Tertial");
    assert!(callback.contains("error=access_denied"), "{callback}");
    let refused = browser.get(&callback[browser.base.len()..]).await;
    assert_refused(&app, &refused, "provider_error", "avbröts eller nekades").await;

    // Another browser with no sign-in of its own, and one with its own.
    let owner = app.visitor();
    let callback = to_callback(&owner, "ny-samordnare").await;
    let path = &callback[owner.base.len()..];
    let stranger = app.visitor();
    let refused = stranger.get(path).await;
    assert_refused(&app, &refused, "state_missing", "inte i den här").await;
    let other = app.visitor();
    assert_eq!(
        other.get("/logga-in/sso").await.status,
        StatusCode::SEE_OTHER
    );
    let refused = other.get(path).await;
    assert_refused(&app, &refused, "state_foreign", "inte i den här").await;
    assert!(
        account(&app, "ny.samordnare@exempelstad.se")
            .await
            .is_none()
    );

    let signed = owner.get(path).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text);
    assert!(
        account(&app, "ny.samordnare@exempelstad.se")
            .await
            .is_some()
    );
}
sso_story!(a_cancelled_or_foreign_callback_is_refused);

/// Local passwords kept only for the break-glass administrator: everyone else is sent to
/// the organisation's sign-in.
async fn local_passwords_only_for_the_break_glass_account(backend: Backend) {
    let Some((app, _idp)) = start(backend, |_, settings| {
        settings.local_passwords = LocalPasswords::Only(vec!["samordnare@example.se".into()]);
    })
    .await
    else {
        return;
    };
    let mut reporter = app.visitor();
    let refused = reporter
        .sign_in_with("skarholmen@example.se", PASSWORD)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("Inloggning med lösenord är avstängd"));
    assert!(refused.text.contains("Logga in med Exempelstad"));
    assert_eq!(
        reporter.get("/rapporter").await.status,
        StatusCode::SEE_OTHER
    );

    let mut admin = app.visitor();
    admin.sign_in("samordnare@example.se").await;
    assert_eq!(admin.get("/omgangar").await.status, StatusCode::OK);
}
sso_story!(local_passwords_only_for_the_break_glass_account);

/// Tertial reads at most `max_response_bytes` of any answer from the provider: a discovery
/// document larger than that is refused as the provider failing, on the sign-in page and in
/// the audit log. (So is a provider that cannot be reached at all.)
async fn the_providers_answers_are_bounded(backend: Backend) {
    let Some((app, _idp)) = start(backend, |config, _| config.max_response_bytes = 100).await
    else {
        return;
    };
    let browser = app.visitor();
    let refused = browser.get("/logga-in/sso").await;
    assert_eq!(refused.status, StatusCode::BAD_GATEWAY);
    assert!(
        refused.text.contains("svarar inte just nu"),
        "{}",
        refused.text
    );
    assert!(
        refusals(&app)
            .await
            .iter()
            .any(|r| r.starts_with("reason=provider_unavailable") && r.contains("larger")),
        "{:?}",
        refusals(&app).await
    );
}
sso_story!(the_providers_answers_are_bounded);
