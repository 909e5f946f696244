//! Sign-in links by e-mail: asked for on the sign-in page with one answer whatever the
//! address, mailed through the outbox, working once, for 15 minutes, only in the browser
//! that asked; opening a link uses nothing up, its button does. Every outcome is in the
//! audit log. (Delivery over real SMTP is the CLI's test: its worker sends the outbox.)

use jiff::SignedDuration;
use tertial_domain::MailKind;

use super::*;

const ASKED: &str = "Om adressen finns hos oss har vi skickat en länk till den.";

impl Client {
    /// Asks for a sign-in link for `email` as a browser does: the form, then its post.
    async fn ask_for_link(&self, email: &str) -> Reply {
        let page = self.get("/logga-in/lank").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = hidden(&page.text, "csrf");
        self.post_form(
            "/logga-in/lank",
            &[("csrf", csrf.as_str()), ("email", email)],
        )
        .await
    }

    /// Presses the link page's button.
    async fn press_link(&self, link: &str) -> Reply {
        self.post_form(link, &[]).await
    }
}

impl TestApp {
    /// The sign-in links mailed so far, newest first: (recipient, the link's path).
    async fn sign_in_links(&self) -> Vec<(String, String)> {
        let (mails, _) = self.store.mails(0, 100).await.expect("outbox");
        mails
            .iter()
            .filter(|m| m.kind == MailKind::SignInLink)
            .map(|m| {
                let start = m.body.find("/inloggningslank/").expect("link in the mail");
                let path = &m.body[start..start + "/inloggningslank/".len() + 64];
                (m.recipient.clone(), path.to_owned())
            })
            .collect()
    }

    /// The details of the audit log's entries of `action` about signing in and about
    /// `email`'s account.
    async fn link_audit(&self, email: &str, action: &str) -> Vec<String> {
        let user = self
            .store
            .user_by_email(email)
            .await
            .expect("lookup")
            .map(|u| u.actor.id);
        let mut entries = self
            .store
            .audit_of(AuditSubject::SignIn)
            .await
            .expect("audit");
        if let Some(user) = user {
            entries.extend(
                self.store
                    .audit_of(AuditSubject::User(user))
                    .await
                    .expect("audit"),
            );
        }
        entries
            .into_iter()
            .filter(|e| e.action == action)
            .map(|e| e.detail)
            .collect()
    }
}

/// Skärholmen's reporter asks for a link and gets it by mail. Opening it shows whom it signs
/// in as and a button, as often as the page is opened (a mail scanner's GET uses nothing
/// up); in another browser it is refused, and pressing its button there signs no one in.
/// Pressed where it was asked for, it signs in, once: the second press is refused. The
/// coordinator sees in Utskick that a link was sent, never the link.
async fn a_link_signs_in_once_in_the_browser_that_asked(app: TestApp) {
    let login = app.visitor().get("/logga-in").await;
    assert!(
        login
            .text
            .contains(r#"<a href="/logga-in/lank">Få en inloggningslänk via e-post</a>"#)
    );

    let browser = app.visitor();
    let asked = browser.ask_for_link("  Skarholmen@Example.se ").await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
    assert!(asked.text.contains(ASKED));
    let links = app.sign_in_links().await;
    assert_eq!(links.len(), 1);
    let (to, link) = &links[0];
    assert_eq!(to, "skarholmen@example.se");

    for _ in 0..2 {
        let page = browser.get(link).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert!(page.text.contains("<strong>skarholmen@example.se</strong>"));
        assert!(
            page.text
                .contains(&format!(r#"<form method="post" action="{link}""#))
        );
    }

    let elsewhere = app.visitor();
    let page = elsewhere.get(link).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.text
            .contains("öppnades i en annan webbläsare än den där du bad om den")
    );
    assert!(!page.text.contains("skarholmen@example.se"));
    let pressed = elsewhere.press_link(link).await;
    assert_eq!(pressed.status, StatusCode::FORBIDDEN);
    assert_eq!(
        elsewhere.get("/rapporter").await.status,
        StatusCode::SEE_OTHER
    );

    let signed_in = browser.press_link(link).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.text
    );
    assert_eq!(signed_in.location.as_deref(), Some("/"));
    let reports = browser.get("/rapporter").await;
    assert_eq!(reports.status, StatusCode::OK);
    assert!(reports.text.contains("Tertialrapport 2 2022"));

    for reply in [browser.get(link).await, browser.press_link(link).await] {
        assert_eq!(reply.status, StatusCode::GONE);
        assert!(
            reply.text.contains("Länken är redan använd."),
            "{}",
            reply.text
        );
    }

    assert_eq!(
        app.link_audit("skarholmen@example.se", "sign_in_link_requested")
            .await,
        ["email=skarholmen@example.se outcome=sent"]
    );
    assert_eq!(
        app.link_audit("skarholmen@example.se", "sign_in_link_refused")
            .await,
        [
            "reason=other_browser",
            "reason=other_browser",
            "reason=used",
            "reason=used"
        ]
    );
    assert_eq!(
        app.link_audit("skarholmen@example.se", "sign_in_link_used")
            .await
            .len(),
        1
    );

    let coordinator = app.signed_in("samordnare@example.se").await;
    let (mails, _) = app.store.mails(0, 100).await.expect("outbox");
    let mail = mails
        .iter()
        .find(|m| m.kind == MailKind::SignInLink)
        .expect("mail");
    let shown = coordinator.get(&format!("/utskick/{}", mail.id)).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.text.contains("länken visas bara för mottagaren"));
    assert!(
        !shown.text.contains(&link["/inloggningslank/".len()..]),
        "the token is hidden"
    );
}
story!(a_link_signs_in_once_in_the_browser_that_asked);

/// A link works for 15 minutes: after that, opening it or pressing its button says it has
/// expired, and nothing signs in.
async fn a_link_expires_after_fifteen_minutes(app: TestApp) {
    let browser = app.visitor();
    browser.ask_for_link("bromma@example.se").await;
    let (_, link) = app.sign_in_links().await.remove(0);
    app.clock.advance(SignedDuration::from_mins(14));
    assert_eq!(browser.get(&link).await.status, StatusCode::OK);
    app.clock.advance(SignedDuration::from_mins(2));
    for reply in [browser.get(&link).await, browser.press_link(&link).await] {
        assert_eq!(reply.status, StatusCode::GONE);
        assert!(
            reply.text.contains("Länken har slutat gälla"),
            "{}",
            reply.text
        );
        assert!(
            reply
                .text
                .contains(r#"<a href="/logga-in/lank">Be om en ny inloggningslänk</a>"#)
        );
    }
    assert_eq!(
        browser.get("/rapporter").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.link_audit("bromma@example.se", "sign_in_link_refused")
            .await,
        ["reason=expired", "reason=expired"]
    );
}
story!(a_link_expires_after_fifteen_minutes);

/// An address without an account, a coordinator's (links are for reporters) and a
/// deactivated reporter's all get the same answer as a reporter's, and no mail. An empty or
/// malformed address is refused on the re-shown form, with what was typed kept; an unknown
/// or cut-short link says so. Each request is in the audit log.
async fn unknown_addresses_get_the_same_answer_and_no_mail(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let bromma = app
        .store
        .user_by_email("bromma@example.se")
        .await
        .expect("lookup")
        .expect("bromma");
    let off = coordinator
        .post_with_csrf(
            &format!("/personer/{}/aktiv", bromma.actor.id),
            &[("active", "0")],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.text);

    let browser = app.visitor();
    let known = browser.ask_for_link("skarholmen@example.se").await;
    for email in [
        "ingen@example.se",
        "samordnare@example.se",
        "bromma@example.se",
    ] {
        let reply = browser.ask_for_link(email).await;
        assert_eq!(reply.status, known.status);
        assert_eq!(reply.text, known.text, "{email}: the same answer");
    }
    assert_eq!(app.sign_in_links().await.len(), 1, "only the reporter's");
    assert_eq!(
        app.link_audit("ingen@example.se", "sign_in_link_requested")
            .await,
        [
            "email=ingen@example.se outcome=no_reporter",
            "email=samordnare@example.se outcome=no_reporter",
            "email=bromma@example.se outcome=no_reporter",
        ]
    );

    for (typed, message) in [
        ("", "Ange din e-postadress."),
        ("inte en adress", "Ange e-postadressen i rätt format"),
        (
            "ond\u{202e}@example.se",
            "Ange e-postadressen i rätt format",
        ),
    ] {
        let reply = browser.ask_for_link(typed).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed:?}");
        assert!(reply.text.contains("Det gick inte att skicka en länk"));
        assert!(reply.text.contains(message), "{typed:?}: {}", reply.text);
        assert!(
            reply.text.contains(&format!(r#"value="{typed}""#)),
            "typed text kept"
        );
    }
    let forged = browser
        .post_form(
            "/logga-in/lank",
            &[("csrf", "forged"), ("email", "skarholmen@example.se")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.sign_in_links().await.len(), 1, "nothing sent");

    for link in [
        format!("/inloggningslank/{}", "0".repeat(64)),
        "/inloggningslank/kort".into(),
    ] {
        let reply = browser.get(&link).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        assert!(reply.text.contains("Länken finns inte."));
        assert_eq!(
            browser.press_link(&link).await.status,
            StatusCode::NOT_FOUND
        );
    }
    let unknown = app
        .link_audit("ingen@example.se", "sign_in_link_refused")
        .await;
    assert_eq!(unknown, ["reason=unknown"; 4]);
}
story!(unknown_addresses_get_the_same_answer_and_no_mail);

/// Three links for one address, then each further request must wait (1 s, doubling), and
/// ten from one client, whatever the addresses: a throttled request gets the same answer
/// and sends nothing; after the wait, links are sent again.
async fn asking_too_often_is_throttled_per_address_and_per_client(app: TestApp) {
    let browser = app.visitor();
    let first = browser.ask_for_link("skarholmen@example.se").await;
    for _ in 0..2 {
        browser.ask_for_link("skarholmen@example.se").await;
    }
    assert_eq!(app.sign_in_links().await.len(), 3);
    let throttled = browser.ask_for_link("skarholmen@example.se").await;
    assert_eq!(throttled.text, first.text, "the same answer");
    assert_eq!(app.sign_in_links().await.len(), 3, "nothing sent");
    assert!(
        app.link_audit("skarholmen@example.se", "sign_in_link_requested")
            .await
            .contains(&"email=skarholmen@example.se outcome=throttled".to_owned())
    );

    // Four asked from this client so far; six more reach its ten.
    for n in 0..6 {
        browser.ask_for_link(&format!("ingen{n}@example.se")).await;
    }
    let other = app.visitor();
    let throttled = other.ask_for_link("trafik@example.se").await;
    assert_eq!(throttled.text, first.text);
    assert_eq!(app.sign_in_links().await.len(), 3, "the client waits");

    app.clock.advance(SignedDuration::from_secs(3));
    other.ask_for_link("trafik@example.se").await;
    let links = app.sign_in_links().await;
    assert_eq!(links.len(), 4, "sent after the wait");
    assert_eq!(links[0].0, "trafik@example.se");
}
story!(asking_too_often_is_throttled_per_address_and_per_client);
