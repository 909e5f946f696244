//! A sign-in link from the real `tertial serve` to a real SMTP server on 127.0.0.1
//! (`smtp.rs`): asked for in one browser, it arrives by mail, is refused in another
//! browser, and signs in once in the one that asked.

use std::sync::Arc;
use std::time::Duration;

use reqwest::cookie::Jar;

use crate::smtp::SmtpServer;
use crate::support::{Server, csrf, get_text, temp_dir};

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(Arc::new(Jar::default()))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_link_arrives_by_mail_and_signs_in_once_in_the_browser_that_asked() {
    let smtp = SmtpServer::start().await;
    let dir = temp_dir("sign-in-link");
    let url = format!("sqlite:{}", dir.join("tertial.db").display());
    let port = smtp.port.to_string();
    // No reminder is due in the demo's open round (30 days left): the link is the only mail.
    let server = Server::start(&[
        "demo",
        "--database-url",
        &url,
        "--reminder-days",
        "1",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        &port,
        "--smtp-security",
        "none",
        "--public-url",
        "https://tertial.example.se",
        "--mail-interval-ms",
        "100",
    ]);
    let base = &server.base;
    let asking = browser();
    let form = get_text(&asking, &format!("{base}/logga-in/lank")).await;
    let asked = asking
        .post(format!("{base}/logga-in/lank"))
        .form(&[
            ("csrf", csrf(&form).as_str()),
            ("email", "skarholmen@example.se"),
        ])
        .send()
        .await
        .expect("ask");
    assert_eq!(asked.status(), 200);
    assert!(
        asked
            .text()
            .await
            .expect("body")
            .contains("Om adressen finns hos oss har vi skickat en länk")
    );

    let received = smtp.wait_for(1, Duration::from_secs(30)).await;
    assert_eq!(received.len(), 1, "the link arrives");
    assert_eq!(received[0].to, ["skarholmen@example.se"]);
    let text = received[0].text();
    let prefix = "https://tertial.example.se/inloggningslank/";
    let start = text.find(prefix).expect("the link in the mail") + prefix.len();
    let token = &text[start..start + 64];
    assert!(text.contains("fungerar en gång"), "{text}");
    let link = format!("{base}/inloggningslank/{token}");

    let elsewhere = browser();
    let refused = elsewhere.post(&link).send().await.expect("POST");
    assert_eq!(refused.status(), 403, "another browser");
    let shown = asking.get(&link).send().await.expect("GET");
    assert_eq!(shown.status(), 200);
    let signed_in = asking.post(&link).send().await.expect("POST");
    assert_eq!(signed_in.status(), 303);
    let reports = asking
        .get(format!("{base}/rapporter"))
        .send()
        .await
        .expect("GET");
    assert_eq!(reports.status(), 200, "signed in");
    let again = asking.post(&link).send().await.expect("POST");
    assert_eq!(again.status(), 410, "used once");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
