//! Mail from the real `tertial serve` to a real SMTP server on 127.0.0.1 (`smtp.rs`): a
//! submission's receipt reaches the submitter once, through a server that first fails; and
//! two servers on one PostgreSQL deliver each due reminder exactly once.

use std::time::Duration;

use tertial_domain::{Field, MailStatus};
use tertial_store::{Backend, Store};

use crate::smtp::{self, SmtpServer, TestCa};
use crate::support::{REQUIRE_POSTGRES, Server, Session, open_reports, skip, temp_dir};

/// The questions the demo asks a district, answered to make Skärholmen's report complete.
const DISTRICT_QUESTIONS: [&str; 8] = [
    "samverkan-lokalt-naringsliv",
    "vaxla-upp-stockholm",
    "svart-ekonomi-samverkan",
    "renodlade-verksamhetsomraden",
    "platssamverkan-platsaktivering",
    "kultur-offentliga-rummet",
    "sbr-arbetsmarknad-tillvaxt",
    "sbr-dialog-foretag",
];

fn smtp_flags(smtp: &SmtpServer) -> Vec<String> {
    secured_flags(smtp, "none")
}

fn secured_flags(smtp: &SmtpServer, security: &str) -> Vec<String> {
    [
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        &smtp.port.to_string(),
        "--smtp-security",
        security,
        "--mail-from",
        "Tertial <tertial@example.se>",
        "--public-url",
        "https://tertial.example.se",
        "--mail-interval-ms",
        "100",
        "--mail-retry-ms",
        "100",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn args<'a>(head: &[&'a str], tail: &'a [String]) -> Vec<&'a str> {
    head.iter()
        .copied()
        .chain(tail.iter().map(String::as_str))
        .collect()
}

/// Skärholmen's reporter answers everything by autosave and presses Skicka in.
async fn submit_skarholmen(base: &str, url: &str) -> i64 {
    let (report, fields) = open_reports(url, &["Skärholmen"])
        .await
        .pop()
        .expect("Skärholmen's report");
    let session = Session::sign_in(base, "skarholmen@example.se").await;
    let version = |code: &str| {
        fields
            .iter()
            .find(|f| f.field.code() == code)
            .map_or(0, |f| f.version)
    };
    let mut answers: Vec<(String, String)> = DISTRICT_QUESTIONS
        .iter()
        .map(|q| ((*q).to_owned(), format!("Svar på {q}.")))
        .collect();
    for (field, text) in [
        (Field::ContactName, "Kim Kontakt"),
        (Field::ContactPhone, "08-000 00 00"),
        (Field::ContactEmail, "kim@example.se"),
    ] {
        answers.push((field.code().to_owned(), text.to_owned()));
    }
    for (code, text) in &answers {
        let saved = session
            .client
            .post(format!("{base}/rapporter/{report}/falt/{code}"))
            .header("x-csrf-token", &session.token)
            .header("accept", "application/json")
            .form(&[
                ("text", text.as_str()),
                ("version", &version(code).to_string()),
            ])
            .send()
            .await
            .expect("autosave");
        assert_eq!(
            saved.status(),
            200,
            "{code}: {}",
            saved.text().await.unwrap_or_default()
        );
    }
    let submitted = session
        .client
        .post(format!("{base}/rapporter/{report}"))
        .form(&[("csrf", session.token.as_str()), ("action", "skicka-in")])
        .send()
        .await
        .expect("submit");
    assert_eq!(
        submitted.status(),
        303,
        "{}",
        submitted.text().await.unwrap_or_default()
    );
    report.0
}

/// The SMTP server drops the first connection and refuses the next two attempts with 451;
/// the receipt is tried again after a short back-off each time, then delivered, once, to the
/// submitter, with a link to the form. SIGTERM then stops the server and its worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receipt_reaches_the_submitter_once_through_a_failing_mail_server() {
    let smtp = SmtpServer::start().await;
    smtp.drop_connections(1);
    smtp.fail_data(2);
    let dir = temp_dir("mail-receipt");
    let url = format!("sqlite:{}", dir.join("tertial.db").display());
    let flags = smtp_flags(&smtp);
    // The demo's open round is due in 30 days: a one-day reminder is not due yet.
    let mut server = Server::start_logging(
        &args(
            &["demo", "--database-url", &url, "--reminder-days", "1"],
            &flags,
        ),
        &dir.join("server.log"),
    );
    let report = submit_skarholmen(&server.base, &url).await;

    let received = smtp.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(received.len(), 1, "the receipt arrives");
    assert_eq!(smtp.failures(), 3, "one dropped connection, two 451s");
    let mail = &received[0];
    assert_eq!(mail.to, ["skarholmen@example.se"]);
    assert!(mail.from.contains("tertial@example.se"), "{}", mail.from);
    let text = mail.text();
    assert!(
        text.contains("Din rapport är inskickad och mottagen."),
        "{text}"
    );
    assert!(text.contains("Version 1, inskickad"), "{text}");
    assert!(
        text.contains(&format!("https://tertial.example.se/rapporter/{report}")),
        "{text}"
    );
    assert!(
        text.contains("Content-Type: text/plain; charset=utf-8"),
        "{text}"
    );

    // Nothing more is sent: the accepted mail was marked sent at once.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.received().len(), 1, "no duplicate");
    let store = Store::connect(&url).await.expect("store");
    let (mails, total) = store.mails(0, 10).await.expect("mails");
    assert_eq!(total, 1);
    assert_eq!(mails[0].status(), MailStatus::Sent);
    assert_eq!(mails[0].attempts, 4);
    store.close().await;

    terminate(&mut server);
}

/// Sends SIGTERM and waits (at most 15 s) for a clean exit.
fn terminate(server: &mut Server) {
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(kill.success());
    let exited = tokio::task::block_in_place(|| {
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_secs(15) {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    });
    assert!(
        exited.is_some_and(|s| s.success()),
        "stops on SIGTERM: {exited:?}"
    );
    assert!(
        server
            .rest_of_stdout()
            .iter()
            .any(|l| l == "Tertial has stopped.")
    );
}

/// Two `tertial serve` processes on one PostgreSQL, both running the reminder job every
/// tenth of a second and both sending: each reporter whose body has not submitted gets the
/// due reminder exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgresql_deliver_each_reminder_exactly_once() {
    let Some(url) = tertial_store::testing::fresh_database_url(Backend::Postgres).await else {
        skip(REQUIRE_POSTGRES, "TEST_DATABASE_URL is not set");
        return;
    };
    let dir = temp_dir("mail-two-servers");
    // Build the demo (no SMTP, no reminder due), then stop it cleanly: its worker may be
    // running the reminder job, which it finishes and leaves due again at once.
    let mut demo = Server::start_logging(
        &[
            "demo",
            "--database-url",
            &url,
            "--reminder-days",
            "1",
            "--reminder-interval-ms",
            "1",
        ],
        &dir.join("demo.log"),
    );
    terminate(&mut demo);
    let smtp = SmtpServer::start().await;
    // One failure on the way, so that a retry races the other server too.
    smtp.fail_data(1);
    let flags = smtp_flags(&smtp);
    // The demo's open round is due in 30 days: a 31-day reminder is due now.
    let serve = |log: &str| {
        Server::start_logging(
            &args(
                &[
                    "serve",
                    "--database-url",
                    &url,
                    "--reminder-days",
                    "31,7,1",
                    "--reminder-interval-ms",
                    "100",
                ],
                &flags,
            ),
            &dir.join(log),
        )
    };
    let (_a, _b) = (serve("a.log"), serve("b.log"));

    // The open round's six bodies with a reporter: two districts, three specialist
    // committees and a company board, none of them submitted.
    let reporters = [
        "arbetsmarknad@example.se",
        "bromma@example.se",
        "exploatering@example.se",
        "sbr@example.se",
        "skarholmen@example.se",
        "trafik@example.se",
    ];
    let received = smtp
        .wait_for(reporters.len(), Duration::from_secs(30))
        .await;
    // Both servers keep running the job and the sender for a while: nothing more comes.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received = if received.len() >= reporters.len() {
        smtp.received()
    } else {
        received
    };
    let mut to: Vec<String> = received.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(
        to, reporters,
        "each reporter of a body that has not submitted, once"
    );
    for mail in &received {
        let text = mail.text();
        assert!(text.contains("Rapporten är inte inskickad än."), "{text}");
        assert!(
            text.contains("https://tertial.example.se/rapporter/"),
            "{text}"
        );
    }
    let store = Store::connect(&url).await.expect("store");
    let (mails, total) = store.mails(0, 10).await.expect("mails");
    assert_eq!(total, 6, "queued once each: {mails:?}");
    assert!(mails.iter().all(|m| m.status() == MailStatus::Sent));
    for mail in &mails {
        let sent = store
            .audit_of(tertial_domain::AuditSubject::Mail(mail.id))
            .await
            .expect("audit")
            .iter()
            .filter(|e| e.action == "mail_sent")
            .count();
        assert_eq!(sent, 1);
    }
    store.close().await;
}

/// The mail options are documented, and settings that cannot work are refused at start
/// with a message that names the option.
#[test]
fn mail_options_are_documented_and_bad_ones_refused_at_start() {
    let help =
        String::from_utf8(crate::support::tertial(&["serve", "--help"]).stdout).expect("utf-8");
    for option in [
        "--smtp-host",
        "--smtp-port",
        "--smtp-security",
        "--smtp-ca-file",
        "--smtp-user",
        "--smtp-password",
        "TERTIAL_SMTP_PASSWORD",
        "--mail-from",
        "--public-url",
        "--reminder-days",
        "--mail-interval-ms",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
    let dir = temp_dir("mail-options");
    let url = format!("sqlite:{}", dir.join("tertial.db").display());
    for (flags, says) in [
        (&["--smtp-security", "sometimes"][..], "--smtp-security"),
        (&["--mail-from", "inte en adress"][..], "--mail-from"),
        (&["--public-url", "tertial.example.se"][..], "--public-url"),
        (&["--reminder-days", "7,-1"][..], "--reminder-days"),
        (
            &["--smtp-host", "127.0.0.1", "--smtp-ca-file", "/saknas.pem"][..],
            "--smtp-ca-file",
        ),
    ] {
        let mut all = vec!["serve", "--database-url", &url, "--bind", "127.0.0.1:0"];
        all.extend_from_slice(flags);
        let out = crate::support::tertial(&all);
        assert!(!out.status.success(), "{flags:?} refused");
        let stderr = crate::support::stderr(&out);
        assert!(stderr.contains(says), "{flags:?}: {stderr}");
    }
}

/// Submits Skärholmen's report in the demo served with these mail flags, and waits up to
/// `within` for the receipt: what the SMTP server received, and the outbox's one mail.
async fn receipt_through(
    smtp: &SmtpServer,
    name: &str,
    flags: &[String],
    within: Duration,
) -> (Vec<smtp::Received>, tertial_store::MailRecord) {
    let dir = temp_dir(name);
    let url = format!("sqlite:{}", dir.join("tertial.db").display());
    let mut server = Server::start_logging(
        &args(
            &["demo", "--database-url", &url, "--reminder-days", "1"],
            flags,
        ),
        &dir.join("server.log"),
    );
    submit_skarholmen(&server.base, &url).await;
    let received = smtp.wait_for(1, within).await;
    let store = Store::connect(&url).await.expect("store");
    // The worker marks a mail sent just after the server accepted it: wait for that mark.
    let marked = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut mails = loop {
        let (mails, _) = store.mails(0, 10).await.expect("mails");
        let sent = mails.first().is_some_and(|m| m.sent_at.is_some());
        if sent || received.is_empty() || tokio::time::Instant::now() > marked {
            break mails;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    store.close().await;
    terminate(&mut server);
    (received, mails.remove(0))
}

/// A relay with a certificate from the organisation's own authority, trusted through
/// --smtp-ca-file: the receipt goes out over TLS from the first byte, and over STARTTLS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_goes_out_over_tls_and_starttls() {
    let ca = TestCa::new();
    let ca_file = temp_dir("mail-ca").join("ca.pem");
    std::fs::write(&ca_file, &ca.ca_pem).expect("write the CA");
    for (security, flag) in [(ca.tls(), "tls"), (ca.starttls(), "starttls")] {
        let smtp = SmtpServer::start_secured(security).await;
        let mut flags = secured_flags(&smtp, flag);
        flags.extend(["--smtp-ca-file".to_owned(), ca_file.display().to_string()]);
        let (received, mail) = receipt_through(
            &smtp,
            &format!("mail-{flag}"),
            &flags,
            Duration::from_secs(30),
        )
        .await;
        assert_eq!(received.len(), 1, "{flag}: the receipt arrives");
        assert_eq!(received[0].to, ["skarholmen@example.se"], "{flag}");
        assert!(
            received[0]
                .text()
                .contains("Din rapport är inskickad och mottagen."),
            "{flag}"
        );
        assert_eq!(mail.status(), MailStatus::Sent, "{flag}");
    }
}

/// Mail is never sent in plain text when TLS was asked for: not to a server that does not
/// offer STARTTLS, and not to a server whose certificate no trusted authority issued. The
/// mail stays in the outbox with the error, to be tried again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_mail_goes_out_without_the_tls_that_was_asked_for() {
    let ca = TestCa::new();
    let plain = SmtpServer::start().await;
    let untrusted = SmtpServer::start_secured(ca.tls()).await;
    for (smtp, flag) in [(&plain, "starttls"), (&untrusted, "tls")] {
        let flags = secured_flags(smtp, flag);
        let (received, mail) = receipt_through(
            smtp,
            &format!("mail-refused-{flag}"),
            &flags,
            Duration::from_secs(3),
        )
        .await;
        assert!(received.is_empty(), "{flag}: nothing sent");
        assert!(mail.sent_at.is_none(), "{flag}");
        assert!(mail.attempts >= 1, "{flag}: tried");
        assert!(mail.last_error.is_some(), "{flag}: the error is kept");
    }
}
