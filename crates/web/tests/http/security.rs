//! Security findings, each with the story that proves it closed: a re-shown form never
//! writes back over a colleague's newer text, another site's page cannot change anything
//! or plant text, and kept text is saved only field by field, when the person chooses.

use super::*;

/// The stored text of a field now.
async fn stored_text(app: &TestApp, report: i64, code: &str) -> Option<String> {
    app.saved(report)
        .await
        .into_iter()
        .find(|f| f.field.code() == code)
        .map(|f| f.value.text)
}

/// A form that comes back with "your text is kept" (here: another field's text was too
/// long) stays based on what it first showed: posted again as it stands, it leaves a field
/// the person never touched alone, though a colleague saved it meanwhile.
async fn a_reshown_form_never_overwrites_a_colleagues_newer_save(app: TestApp) {
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let me = app.signed_in("skarholmen@example.se").await;
    let colleague = app.signed_in("skarholmen@example.se").await;
    let (x, y) = (QUESTIONS[0], QUESTIONS[1]);
    let first = me.autosave(report, x, "Min första text.", 0).await.json()["version"]
        .as_i64()
        .expect("version");

    // I open the form and write far too much in Y; meanwhile my colleague rewrites X.
    let too_long = "å".repeat(20_001);
    let mine = me
        .whole_form(report, &[(&format!("text.{y}"), &too_long)], "spara")
        .await;
    let theirs = colleague
        .autosave(report, x, "Kollegans nyare text.", first)
        .await;
    assert_eq!(theirs.status, StatusCode::OK);

    let refused = me.post_owned(&format!("/rapporter/{report}"), &mine).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    // I shorten Y in the form that came back and post it as it stands.
    let mut again = form_fields(&refused.text);
    for field in &mut again {
        if field.0 == format!("text.{y}") {
            field.1 = "Kortare.".into();
        }
    }
    again.push(("action".into(), "spara".into()));
    let saved = me.post_owned(&format!("/rapporter/{report}"), &again).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(
        stored_text(&app, report, x).await.as_deref(),
        Some("Kollegans nyare text."),
        "X keeps the colleague's text"
    );
    assert_eq!(
        stored_text(&app, report, y).await.as_deref(),
        Some("Kortare.")
    );

    // Had I changed X too, it would meet the colleague's version as a conflict.
    let mine = me
        .whole_form(
            report,
            &[
                (&format!("text.{x}"), "Min ändring av X."),
                (&format!("text.{y}"), &too_long),
            ],
            "spara",
        )
        .await;
    colleague
        .autosave(report, x, "Kollegans tredje text.", first + 1)
        .await;
    let refused = me.post_owned(&format!("/rapporter/{report}"), &mine).await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    let mut again = form_fields(&refused.text);
    for field in &mut again {
        if field.0 == format!("text.{y}") {
            field.1 = "Kort igen.".into();
        }
    }
    again.push(("action".into(), "spara".into()));
    let conflict = me.post_owned(&format!("/rapporter/{report}"), &again).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(conflict.text.contains("Kollegans tredje text."));
    assert_eq!(
        stored_text(&app, report, x).await.as_deref(),
        Some("Kollegans tredje text.")
    );
}
story!(a_reshown_form_never_overwrites_a_colleagues_newer_save);

/// Another site's page cannot change anything: a form it posts (with or without the
/// session's cookie), an autosave, a sign-in or a sign-out is refused before anything else
/// looks at it, and nothing it sent comes back pre-filled anywhere.
async fn requests_from_another_site_change_nothing(app: TestApp) {
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let planted = "Text från en annan webbplats";
    let reporter = app.signed_in("skarholmen@example.se").await;
    let anonymous = app.visitor();
    let form = reporter
        .whole_form(
            report,
            &[(&format!("text.{}", QUESTIONS[0]), planted)],
            "skicka-in",
        )
        .await;
    let body = |fields: &[(String, String)]| {
        fields
            .iter()
            .map(|(n, v)| format!("{}={}", urlencode(n), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&")
    };
    let foreign: [(&str, &str); 3] = [
        ("origin", "https://angripare.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ];
    for (client, who) in [(&reporter, "signed in"), (&anonymous, "no cookie")] {
        for (header, value) in foreign {
            for path in [
                format!("/rapporter/{report}"),
                format!("/rapporter/{report}/falt/{}", QUESTIONS[0]),
                "/logga-in".to_owned(),
                "/logga-ut".to_owned(),
            ] {
                let reply = client
                    .http
                    .post(format!("{}{path}", client.base))
                    .header(header, value)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("x-csrf-token", &reporter.csrf)
                    .body(body(&form))
                    .send()
                    .await
                    .expect("POST");
                let status = reply.status();
                let text = reply.text().await.expect("body");
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{who}, {header}: {value}, {path}"
                );
                assert!(!text.contains(planted), "{path} echoed the planted text");
                assert!(text.contains("annan webbplats"), "{text}");
            }
        }
    }
    assert!(app.saved(report).await.is_empty(), "nothing was stored");
    let still = reporter.get("/rapporter").await;
    assert_eq!(still.status, StatusCode::OK, "still signed in");
    // The same post from Tertial's own page goes through.
    let own = reporter
        .http
        .post(format!("{}/rapporter/{report}", reporter.base))
        .header("origin", reporter.base.as_str())
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body(&form))
        .send()
        .await
        .expect("POST");
    assert_eq!(
        own.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "incomplete, but saved"
    );
    assert_eq!(
        stored_text(&app, report, QUESTIONS[0]).await.as_deref(),
        Some(planted)
    );
}
story!(requests_from_another_site_change_nothing);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A form posted with a token that is not the session's (an old tab, or a page planted by
/// someone else) saves nothing: its text comes back beside what is stored now, and only the
/// fields the person ticks are saved, each against the version they saw.
async fn kept_text_is_saved_only_field_by_field(app: TestApp) {
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let mut form = reporter
        .whole_form(
            report,
            &[
                (&format!("text.{}", QUESTIONS[2]), "Min text ett."),
                (&format!("text.{}", QUESTIONS[3]), "Min text två."),
            ],
            "skicka-in",
        )
        .await;
    for field in &mut form {
        if field.0 == "csrf" {
            field.1 = "0".repeat(64);
        }
    }
    let kept = reporter
        .post_owned(&format!("/rapporter/{report}"), &form)
        .await;
    assert_eq!(kept.status, StatusCode::FORBIDDEN);
    assert!(kept.text.contains("Din text är inte sparad"));
    assert!(kept.text.contains("Min text ett.") && kept.text.contains("Min text två."));
    assert!(
        app.saved(report).await.is_empty(),
        "nothing saved by itself"
    );
    // Only the hidden inputs are posted, as a browser posts the page unticked: nothing.
    let mut review = form_fields_of(&kept.text, &format!("/rapporter/{report}"));
    review.push(("action".into(), "spara".into()));
    let none = reporter
        .post_owned(&format!("/rapporter/{report}"), &review)
        .await;
    assert_eq!(none.status, StatusCode::SEE_OTHER);
    assert!(
        app.saved(report).await.is_empty(),
        "nothing ticked, nothing saved"
    );
    // Ticking the first saves it alone.
    review.push((format!("text.{}", QUESTIONS[2]), "Min text ett.".into()));
    let one = reporter
        .post_owned(&format!("/rapporter/{report}"), &review)
        .await;
    assert_eq!(one.status, StatusCode::SEE_OTHER, "{}", one.text);
    let saved = app.saved(report).await;
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].value.text, "Min text ett.");
}
story!(kept_text_is_saved_only_field_by_field);

/// One sign-in attempt from the sign-in page.
async fn attempt_sign_in(client: &Client, email: &str, password: &str) -> Reply {
    let page = client.get("/logga-in").await;
    let csrf = hidden(&page.text, "csrf");
    client
        .post_form(
            "/logga-in",
            &[
                ("csrf", &csrf),
                ("next", "/"),
                ("email", email),
                ("password", password),
            ],
        )
        .await
}

/// Guessing passwords is slowed down: after five wrong passwords for an account, the next
/// attempt must wait, even with the right password, and is told how long in Swedish;
/// another account signing in from the same computer is not held up; after the wait the
/// right password works. The failures are counted in the audit log, not written one by one.
async fn password_guessing_is_slowed_down(app: TestApp) {
    let guesser = app.visitor();
    let target = "skarholmen@example.se";
    for guess in 0..5 {
        let wrong = attempt_sign_in(&guesser, target, &format!("gissning-{guess}")).await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
        assert!(wrong.text.contains("Fel e-postadress eller lösenord."));
    }
    let held = attempt_sign_in(&guesser, target, PASSWORD).await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "{}", held.text);
    assert!(
        held.text
            .contains("För många misslyckade inloggningar. Vänta 1 sekund och försök igen."),
        "{}",
        held.text
    );
    let colleague = attempt_sign_in(&app.visitor(), "bromma@example.se", PASSWORD).await;
    assert_eq!(
        colleague.status,
        StatusCode::SEE_OTHER,
        "others are not held up"
    );

    app.clock.advance(jiff::SignedDuration::from_millis(1100));
    let after = attempt_sign_in(&guesser, target, PASSWORD).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "{}", after.text);

    let failures: Vec<_> = app
        .store
        .audit_of(AuditSubject::SignIn)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.action == "sign_in_failed")
        .collect();
    assert_eq!(failures.len(), 2, "the first and the fifth: {failures:?}");
    assert!(failures[1].detail.contains("account=5"), "{failures:?}");
}
story!(password_guessing_is_slowed_down);

/// A one-line field (the contact person's name, phone, e-mail) refuses a line break, which
/// could forge a heading in a download, and every field refuses characters that hide or
/// reverse text; nothing is stored, and the person is told why in Swedish.
async fn disguised_and_multi_line_text_is_refused(app: TestApp) {
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let forged = reporter
        .autosave(report, "contact_name", "Eva Ek\n## Övriga upplysningar", 0)
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(
        forged.text.contains("bara innehålla en rad"),
        "{}",
        forged.text
    );
    let reversed = reporter
        .autosave(report, QUESTIONS[0], "Faktura\u{202E}fdp.exe", 0)
        .await;
    assert_eq!(reversed.status, StatusCode::BAD_REQUEST);
    assert!(
        reversed.text.contains("osynliga tecken"),
        "{}",
        reversed.text
    );
    assert!(app.saved(report).await.is_empty());
    let fine = reporter
        .autosave(report, QUESTIONS[0], "Två rader\nfungerar i svar.", 0)
        .await;
    assert_eq!(fine.status, StatusCode::OK);
}
story!(disguised_and_multi_line_text_is_refused);

/// Sessions end after their lifetime however busy they are; a request carrying the session
/// cookie twice (one planted) is not signed in; served over HTTPS the cookies carry the
/// `__Host-` prefix.
#[tokio::test]
async fn sessions_end_at_their_lifetime_and_cookies_cannot_be_planted() {
    let app = TestApp::start(Backend::Sqlite).await.expect("app");
    let reporter = app.signed_in("skarholmen@example.se").await;
    assert_eq!(reporter.get("/rapporter").await.status, StatusCode::OK);
    let planted = reporter
        .http
        .get(format!("{}/rapporter", reporter.base))
        .header("cookie", "tertial_session=planterad")
        .send()
        .await
        .expect("GET");
    assert_eq!(
        planted.status(),
        StatusCode::SEE_OTHER,
        "two session cookies: neither"
    );
    // Busy all day: used every two hours, never idle for long.
    for _ in 0..5 {
        app.clock.advance(jiff::SignedDuration::from_hours(2));
        assert_eq!(reporter.get("/rapporter").await.status, StatusCode::OK);
    }
    app.clock.advance(jiff::SignedDuration::from_hours(2));
    let ended = reporter.get("/rapporter").await;
    assert_eq!(
        ended.status,
        StatusCode::SEE_OTHER,
        "busy, but past its lifetime"
    );

    let secure = WebSettings {
        secure_cookies: true,
        ..WebSettings::default()
    };
    let app = TestApp::start_with(Backend::Sqlite, Settings::default(), secure)
        .await
        .expect("app");
    let (set, _) = sign_in_page(app.visitor()).await;
    assert!(set.starts_with("__Host-tertial_login="), "{set}");
    assert!(set.contains("Path=/;") && set.contains("Secure"), "{set}");
}

/// The sign-in page's Set-Cookie header and the form's token.
async fn sign_in_page(visitor: Client) -> (String, String) {
    let page = visitor
        .http
        .get(format!("{}/logga-in", visitor.base))
        .send()
        .await
        .expect("GET");
    let set = page
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a cookie")
        .to_owned();
    (set, hidden(&page.text().await.expect("page"), "csrf"))
}

/// The sign-in form's token belongs to a pre-session the server signed: a pair the client
/// chose itself (a planted cookie echoed in the form, as a double-submit check would take),
/// or a token of another pre-session, signs no one in; the pair from the page does.
async fn sign_in_tokens_are_the_servers_not_the_clients(app: TestApp) {
    let post = |cookie: String, csrf: String| {
        let visitor = app.visitor();
        async move {
            visitor
                .http
                .post(format!("{}/logga-in", visitor.base))
                .header("cookie", cookie)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("next", "/"),
                    ("email", "skarholmen@example.se"),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .expect("POST")
                .status()
        }
    };
    let chosen = "1.abc.def".to_owned();
    assert_eq!(
        post(format!("tertial_login={chosen}"), chosen.clone()).await,
        StatusCode::FORBIDDEN,
        "a pair the client chose"
    );
    // Refused, the person gets the form again (with a pre-session that works), not a dead end.
    let again = app
        .visitor()
        .post_form(
            "/logga-in",
            &[("csrf", "gammal"), ("email", "skarholmen@example.se")],
        )
        .await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert!(
        again.text.contains("Inloggningssidan hade gått ut"),
        "{}",
        again.text
    );
    assert!(again.text.contains("value=\"skarholmen@example.se\""));
    let pre_session = |visitor: Client| async move {
        let (set, token) = sign_in_page(visitor).await;
        let cookie = set.split(';').next().expect("a pre-session").to_owned();
        (cookie, token)
    };
    let (first_cookie, first_token) = pre_session(app.visitor()).await;
    let (_, second_token) = pre_session(app.visitor()).await;
    assert_eq!(
        post(first_cookie.clone(), second_token).await,
        StatusCode::FORBIDDEN,
        "the token of another pre-session"
    );
    assert_eq!(
        post(first_cookie, first_token).await,
        StatusCode::SEE_OTHER,
        "the page's own pair"
    );
}
story!(sign_in_tokens_are_the_servers_not_the_clients);

/// What was refused is in the audit log, without flooding it: a coordinator trying to
/// write into a body's report, and changes without a valid token (noted once a minute per
/// person and subject); reading a version on a page and downloading it are told apart; a
/// form that repeats a field name is refused.
async fn refusals_and_downloads_are_in_the_audit_log(app: TestApp) {
    let report = app.report_id("T1 2022", "Skärholmen").await;
    let subject = AuditSubject::Report(tertial_domain::ReportId(report));
    let coordinator = app.signed_in("samordnare@example.se").await;
    let attempt = coordinator
        .autosave(report, QUESTIONS[0], "Samordnarens text", 0)
        .await;
    assert!(attempt.status.is_client_error());
    let reporter = app.signed_in("skarholmen@example.se").await;
    for _ in 0..3 {
        let forged = reporter
            .with_csrf("fel")
            .autosave(report, QUESTIONS[0], "x", 0)
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        reporter
            .get(&format!("/rapporter/{report}/versioner/1"))
            .await
            .status,
        StatusCode::OK
    );
    let download = reporter
        .get(&format!("/rapporter/{report}/versioner/1/markdown"))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    let repeated = reporter
        .post_raw(
            &format!("/rapporter/{report}/falt/{}", QUESTIONS[0]),
            "application/x-www-form-urlencoded",
            format!("text=a&version=0&text=b&csrf={}", reporter.csrf).into_bytes(),
        )
        .await;
    assert_eq!(repeated.status, StatusCode::BAD_REQUEST);

    let actions: Vec<String> = app
        .store
        .audit_of(subject)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    let count = |action: &str| actions.iter().filter(|a| *a == action).count();
    assert_eq!(count("access_refused"), 1, "{actions:?}");
    assert_eq!(
        count("forgery_refused"),
        1,
        "three refusals, noted once: {actions:?}"
    );
    assert_eq!(count("submission_read"), 1, "{actions:?}");
    assert_eq!(count("submission_downloaded"), 1, "{actions:?}");
}
story!(refusals_and_downloads_are_in_the_audit_log);
