//! The reporter's form as its script and a screen reader meet it: the words and session
//! times the page hands the script, "Fortsätt vara inloggad", and how the page names its
//! errors, its fields and its times.

use super::races::swedish_time;
use super::*;

/// The JSON in the page's `<script type="application/json" id="tertial-text">`.
fn script_text(html: &str) -> serde_json::Value {
    let start = r#"<script type="application/json" id="tertial-text">"#;
    let json = &html[html.find(start).expect("the script's words") + start.len()..];
    let json = &json[..json.find("</script>").expect("end of the words")];
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// A number in one of the form's `data-` attributes.
fn form_number(html: &str, name: &str) -> i64 {
    let marker = format!(" {name}=\"");
    let value = &html[html.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len()..];
    value[..value.find('"').expect("quote")]
        .parse()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The page's `<title>`.
fn title(html: &str) -> &str {
    let start = html.find("<title>").expect("title") + "<title>".len();
    &html[start..start + html[start..].find("</title>").expect("end of title")]
}

/// Skärholmen's reporter opens T2: the page hands the script its words and how long the
/// session has left; lists its focus areas; names each Ej aktuellt by its question; puts
/// the character count in each text's description. A failed submission says "Fel: " in
/// the title; the receipt tells the time as Swedes write it.
async fn the_form_speaks_to_its_script_and_its_readers(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let form = reporter.get(&format!("/rapporter/{report}")).await;
    assert_eq!(form.status, StatusCode::OK);

    let words = script_text(&form.text);
    assert_eq!(words["saved"], "Sparat kl. {time}");
    assert_eq!(words["keepMine"], "Behåll min text");
    assert_eq!(words["draft"], "Utkast");
    let (hour, lifetime) = (3600, 12 * 3600);
    let idle = form_number(&form.text, "data-session-idle");
    assert!((8 * hour - 60..=8 * hour).contains(&idle), "idle: {idle}");
    let left = form_number(&form.text, "data-session-lifetime");
    assert!(
        (lifetime - 60..=lifetime).contains(&left),
        "lifetime: {left}"
    );
    assert_eq!(form_number(&form.text, "data-session-warn"), 120);

    assert!(
        form.text
            .contains(r#"<nav class="toc" aria-labelledby="toc-title">"#)
    );
    for area in ["#omrade-1", "#omrade-2", "#omrade-3", "#kontakt", "#ovrigt"] {
        assert!(
            form.text.contains(&format!("<li><a href=\"{area}\">")),
            "{area}"
        );
    }
    assert!(form.text.contains(
        r#"<label for="na-vaxla-upp-stockholm">Ej aktuellt<span class="visually-hidden"> (fråga 1.2)</span></label>"#
    ));
    assert!(
        form.text
            .contains(r#"aria-describedby="count-other_information""#)
    );
    assert!(
        !title(&form.text).starts_with("Fel: "),
        "{}",
        title(&form.text)
    );

    let saved = reporter
        .autosave(report, QUESTIONS[0], "Ett första svar", 0)
        .await;
    let saved = saved.json();
    let at = saved["saved_at"].as_str().expect("saved_at");
    assert!(
        at.len() == 5 && at.as_bytes()[2] == b'.',
        "hour.minute: {at}"
    );
    let idle = saved["session"]["idle"].as_i64().expect("session");
    assert!((8 * hour - 60..=8 * hour).contains(&idle), "idle: {idle}");

    let early = reporter.post_whole_form(report, &[], "skicka-in").await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        title(&early.text).starts_with("Fel: "),
        "{}",
        title(&early.text)
    );

    let done = reporter
        .post_whole_form(report, &pairs(&complete_answers()), "skicka-in")
        .await;
    let receipt = reporter.get(&done.location.expect("receipt")).await;
    let submission = app
        .store
        .stored_submissions(tertial_domain::ReportId(report))
        .await
        .expect("submissions")
        .pop()
        .expect("a submission");
    let when = swedish_time(submission.submitted_at);
    assert!(when.contains(" kl. "), "{when}");
    assert!(receipt.text.contains(&when), "the receipt says {when}");
    let version = reporter
        .get(&format!("/rapporter/{report}/versioner/1"))
        .await;
    assert!(version.text.contains(&when), "the version page says {when}");
}
story!(the_form_speaks_to_its_script_and_its_readers);

/// The end the database holds for a person's newest session, in seconds from now.
async fn stored_end(sql: &sqlx::AnyPool, email: &str) -> f64 {
    use sqlx::Row;
    let row = sqlx::query(
        "SELECT s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE u.email = $1 ORDER BY s.created_at DESC LIMIT 1",
    )
    .bind(email)
    .fetch_one(sql)
    .await
    .expect("session");
    let end: i64 = row.try_get("expires_at").expect("expires_at");
    let now = tertial_domain::Timestamp::now().as_millisecond();
    (end - now) as f64 / 1000.0
}

/// "Fortsätt vara inloggad": refused without the CSRF token or a session; with them, it
/// extends the session and says how long it has left, as the database has it, whether or
/// not this very request extended it.
#[tokio::test]
async fn staying_signed_in_extends_the_session_and_says_until_when() {
    let settings = Settings {
        session_idle: jiff::SignedDuration::from_secs(8),
        session_lifetime: jiff::SignedDuration::from_secs(60),
        ..Settings::default()
    };
    let app = TestApp::start_with(Backend::Sqlite, settings, WebSettings::default())
        .await
        .expect("app");
    let email = "skarholmen@example.se";
    let reporter = app.signed_in(email).await;
    let sql = app.sql().await;
    let stay = |csrf: &str| {
        reporter
            .http
            .post(format!("{}/fortsatt-inloggad", reporter.base))
            .header(ACCEPT, "application/json")
            .header("x-csrf-token", csrf.to_owned())
            .send()
    };
    let forged = stay("fel").await.expect("POST");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let anonymous = app
        .visitor()
        .http
        .post(format!("{}/fortsatt-inloggad", app.base))
        .header(ACCEPT, "application/json")
        .send()
        .await
        .expect("POST");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // Used a moment ago: not extended by this request, and the answer says so.
    // Used over idle / 4 ago: extended to a full idle time again.
    for (pause, extended) in [(1_100, false), (2_500, true), (1_100, false)] {
        tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
        let response = stay(&reporter.csrf).await.expect("POST");
        assert_eq!(response.status(), StatusCode::OK);
        let left: serde_json::Value = response.json().await.expect("JSON");
        let idle = left["idle"].as_i64().expect("idle");
        let stored = stored_end(&sql, email).await;
        assert!(
            (stored - idle as f64).abs() < 1.5,
            "the page says {idle} s, the database {stored} s"
        );
        if extended {
            assert!(idle >= 7, "extended to the full 8 s: {idle}");
        } else {
            assert!(idle < 7, "not extended: {idle}");
        }
        let lifetime = left["lifetime"].as_i64().expect("lifetime");
        assert!((50..=60).contains(&lifetime), "lifetime: {lifetime}");
    }
}
