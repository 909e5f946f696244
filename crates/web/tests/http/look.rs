//! The frame every page shares: the organisation's name, logo and colour from configuration,
//! the menu, error pages, the accessibility statement and the sign-in form's errors.

use std::sync::Arc;

use super::*;
use tertial_web::{Accent, Brand, Contact, Logo};

/// A PNG's first bytes: enough for a file that is served, not drawn.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// Exempelstad's brand: a logo file, a plum accent, a contact address and a review date.
fn exempelstad() -> Brand {
    let dir = std::env::temp_dir().join(format!("tertial-logo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("logo.png");
    std::fs::write(&path, PNG).expect("logo file");
    Brand {
        organisation: Some("Exempelstad".into()),
        logo: Some(Logo::read(&path).expect("logo")),
        accent: "#6a1b4d".parse().expect("accent"),
        accessibility_contact: "tillganglighet@exempelstad.example".parse().ok(),
        statement_reviewed: Some(jiff::civil::date(2026, 10, 1)),
        privacy: tertial_web::Privacy {
            controller: Some("Exempelstads kommunstyrelse".into()),
            contact: "registrator@exempelstad.example".parse().ok(),
            data_protection_officer: "dataskyddsombud@exempelstad.example".parse().ok(),
            legal_basis: None,
            retention: Some("Kontaktuppgifterna gallras efter tio år.".into()),
        },
    }
}

async fn branded(brand: Brand) -> TestApp {
    let web = WebSettings {
        brand: Arc::new(brand),
        ..WebSettings::default()
    };
    TestApp::start_with(Backend::Sqlite, tertial_app::Settings::default(), web)
        .await
        .expect("app")
}

/// The organisation's name and logo head every page, the accent colour arrives as a
/// stylesheet of its own (the Content-Security-Policy still refuses inline styles), and
/// without a logo there is neither an image nor a file.
#[tokio::test]
async fn the_organisations_name_logo_and_colour_are_on_every_page() {
    let app = branded(exempelstad()).await;
    let visitor = app.visitor();
    let coordinator = app.signed_in("samordnare@example.se").await;
    for (client, path) in [
        (&visitor, "/logga-in"),
        (&visitor, "/tillganglighet"),
        (&coordinator, "/omgangar"),
    ] {
        let page = client.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            page.text
                .contains(r#"<span class="brand-organisation">Exempelstad</span>"#),
            "{path} names the organisation"
        );
        assert!(
            page.text
                .contains(r#"<img class="brand-logo" src="/static/logo" alt="">"#),
            "{path} shows the logo"
        );
        assert!(page.text.contains(r#"href="/static/brand.css""#), "{path}");
    }
    let css = visitor.http.get(format!("{}/static/brand.css", app.base));
    let css = css.send().await.expect("GET");
    assert_eq!(css.status(), StatusCode::OK);
    let csp = css.headers()["content-security-policy"]
        .to_str()
        .expect("CSP");
    assert!(csp.contains("style-src 'self';") && !csp.contains("unsafe-inline"));
    assert!(
        css.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/css")
    );
    assert!(
        css.text()
            .await
            .expect("css")
            .contains("--accent: #6a1b4d;")
    );
    let logo = visitor.http.get(format!("{}/static/logo", app.base));
    let logo = logo.send().await.expect("GET");
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert_eq!(&logo.bytes().await.expect("logo")[..], PNG);

    let plain = TestApp::start(Backend::Sqlite).await.expect("app");
    let page = plain.visitor().get("/logga-in").await;
    assert!(!page.text.contains("brand-logo") && !page.text.contains("Exempelstad"));
    assert!(
        page.text
            .contains(r#"<span class="brand-service">Tertial</span>"#)
    );
    assert_eq!(
        plain.visitor().get("/static/logo").await.status,
        StatusCode::NOT_FOUND
    );
    let css = plain.visitor().get("/static/brand.css").await;
    assert!(
        css.text
            .contains(&format!("--accent: {};", Accent::default().hex()))
    );
}

/// A colour too light to read on white, or a file that is no image, is refused with the
/// reason, before anything is served.
#[test]
fn unreadable_colours_and_logos_are_refused_at_start() {
    let refused = "#ffbf47".parse::<Accent>().expect_err("1.6:1");
    assert!(
        refused.contains("1.6:1") && refused.contains("4.5:1"),
        "{refused}"
    );
    for contact in [
        "javascript://x%0aalert(1)",
        "http://plain.example",
        "ingen adress",
    ] {
        let refused = contact.parse::<Contact>().expect_err(contact);
        assert!(refused.contains("https://"), "{refused}");
    }
    let refused = Logo::read(std::path::Path::new("/etc/hostname")).expect_err("not an image");
    assert!(refused.contains(".png"), "{refused}");
    let refused = Logo::read(std::path::Path::new("/finns/inte.png")).expect_err("no file");
    assert!(refused.contains("cannot read"), "{refused}");
}

/// A 404 or a 403 keeps the header of the person signed in (their name, menu and Logga ut),
/// however far from a page handler the error arose; someone not signed in gets the frame
/// without them.
#[tokio::test]
async fn error_pages_keep_the_signed_in_frame() {
    let app = branded(exempelstad()).await;
    let coordinator = app.signed_in("samordnare@example.se").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let missing = coordinator.get("/finns-inte").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text.contains("<h1>Sidan finns inte</h1>"));
    assert!(missing.text.contains("Sara Lindqvist") && missing.text.contains("Logga ut"));
    assert!(missing.text.contains(r#"<a href="/omgangar">Omgångar</a>"#));
    assert!(missing.text.contains("Exempelstad"));

    let not_theirs = reporter.get("/rapporter/999999").await;
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);
    assert!(not_theirs.text.contains("Amir Haddad") && not_theirs.text.contains("Logga ut"));
    assert!(
        not_theirs
            .text
            .contains(r#"<a href="/rapporter">Mina rapporter</a>"#)
    );

    // Refused before any handler runs: a change sent from another site.
    let foreign = reporter
        .http
        .post(format!("{}/logga-ut", reporter.base))
        .header("origin", "https://angripare.example")
        .form(&[("csrf", reporter.csrf.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let text = foreign.text().await.expect("body");
    assert!(
        text.contains("Ingen behörighet") && text.contains("Logga ut"),
        "{text}"
    );
    assert!(text.contains(r#"<a href="/rapporter">Mina rapporter</a>"#));

    let anonymous = app.visitor().get("/finns-inte").await;
    assert_eq!(anonymous.status, StatusCode::NOT_FOUND);
    assert!(anonymous.text.contains("Exempelstad") && !anonymous.text.contains("Logga ut"));
}

/// The menu marks the page the person is on, and only that page; a reader, who has no menu
/// links, gets no empty navigation landmark.
#[tokio::test]
async fn the_menu_marks_the_current_page_and_readers_have_no_empty_menu() {
    let app = TestApp::start(Backend::Sqlite).await.expect("app");
    let coordinator = app.signed_in("samordnare@example.se").await;
    let rounds = coordinator.get("/omgangar").await;
    assert!(
        rounds
            .text
            .contains(r#"<a href="/omgangar" aria-current="page">Omgångar</a>"#)
    );
    let statement = coordinator.get("/tillganglighet").await;
    assert!(statement.text.contains(r#"<nav aria-label="Huvudmeny">"#));
    assert!(!statement.text.contains("aria-current"));

    let reader = app.signed_in("lasare@example.se").await;
    let published = reader.get("/publicerat").await;
    assert_eq!(published.status, StatusCode::OK);
    assert!(
        published.text.contains("Johan Ek"),
        "the reader is signed in"
    );
    // The reader's menu holds the search alone.
    let menu = &published.text[published.text.find("<nav").expect("a menu")..];
    let menu = &menu[..menu.find("</nav>").expect("end of menu")];
    assert_eq!(menu.matches("<a ").count(), 1, "{menu}");
    assert!(menu.contains(r#"<a href="/sok">Sök</a>"#), "{menu}");
}

/// The statement follows Digg's model: who stands behind the service, how accessible it is
/// ("delvis förenlig" while gaps are known, and which), how to report a problem (from
/// configuration), how to contact the supervisory authority, how it was tested and when
/// the statement was reviewed.
#[tokio::test]
async fn the_accessibility_statement_follows_diggs_model() {
    let app = branded(exempelstad()).await;
    let page = app.visitor().get("/tillganglighet").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = &page.text;
    assert!(text.contains("Exempelstad står bakom webbtjänsten Tertial"));
    assert!(text.contains("delvis förenlig") && text.contains("WCAG 2.1 på nivå AA"));
    assert!(text.contains("Innehåll som inte är tillgängligt"));
    assert!(text.contains("(WCAG 1.3.1)"), "the known gaps are listed");
    assert!(text.contains(
        r#"<a href="mailto:tillganglighet@exempelstad.example">tillganglighet@exempelstad.example</a>"#
    ));
    assert!(text.contains("Myndigheten för digital förvaltning (Digg)"));
    assert!(text.contains(
        r#"<a href="https://www.digg.se/analys-och-uppfoljning/lagen-om-tillganglighet-till-digital-offentlig-service-dos-lagen/anmal-bristande-tillganglighet">Kontakta tillsynsmyndigheten</a>"#
    ));
    assert!(text.contains("axe-core") && text.contains("Chromium"));
    assert!(text.contains("enbart tangentbord") && text.contains("320 pixlars bredd"));
    assert!(text.contains("granskades senast den 1 oktober 2026"));

    let web_form = Brand {
        accessibility_contact: "https://exempelstad.example/tillganglighet".parse().ok(),
        ..Brand::default()
    };
    let app = branded(web_form).await;
    let page = app.visitor().get("/tillganglighet").await;
    assert!(
        page.text
            .contains(r#"<a href="https://exempelstad.example/tillganglighet">"#)
    );
    assert!(
        page.text
            .contains(&format!("granskades senast den {}", "29 november 2026"))
    );
}

/// The GDPR information says what Tertial keeps, why, for how long and whom to ask, with
/// the organisation's own details from configuration and neutral wording without them; it
/// is linked from the footer, and from the contact person's fields on the form.
#[tokio::test]
async fn the_gdpr_information_names_the_controller_and_the_rights() {
    let app = branded(exempelstad()).await;
    let page = app.visitor().get("/personuppgifter").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = &page.text;
    assert!(text.contains("<h1>Så behandlar vi personuppgifter</h1>"));
    assert!(text.contains("Exempelstads kommunstyrelse är personuppgiftsansvarig"));
    for kept in [
        "Konton:",
        "Kontaktpersoner i rapporterna:",
        "Händelseloggen:",
    ] {
        assert!(text.contains(kept), "{kept}");
    }
    assert!(text.contains("artikel 6.1 e"), "the default legal basis");
    assert!(text.contains("Kontaktuppgifterna gallras efter tio år."));
    assert!(text.contains(r#"<a href="mailto:registrator@exempelstad.example">"#));
    assert!(
        text.contains(r#"Dataskyddsombud: <a href="mailto:dataskyddsombud@exempelstad.example">"#)
    );
    assert!(text.contains("registerutdrag") && text.contains("rättade"));
    assert!(text.contains("Integritetsskyddsmyndigheten (IMY)"));
    assert!(text.contains(r#"href="/personuppgifter">Så behandlar vi personuppgifter</a>"#));

    let plain = TestApp::start(Backend::Sqlite).await.expect("app");
    let page = plain.visitor().get("/personuppgifter").await;
    assert!(
        page.text
            .contains("Den organisation som använder Tertial är personuppgiftsansvarig")
    );
    assert!(
        page.text.contains("dokumenthanteringsplan"),
        "the default retention"
    );
    assert!(!page.text.contains("Dataskyddsombud:"));
    assert!(
        page.text
            .contains("vänd dig till den som förvaltar Tertial")
    );

    let reporter = plain.signed_in("skarholmen@example.se").await;
    let report = plain.report_id("T2 2022", "Skärholmen").await;
    let form = reporter.get(&format!("/rapporter/{report}")).await;
    let contact = &form.text[form.text.find(r#"<h2 id="kontakt">"#).expect("contact")..];
    assert!(
        contact[..contact.find("</section>").expect("end")]
            .contains(r#"<a href="/personuppgifter">Så behandlar vi personuppgifter</a>"#)
    );
}

async fn sign_in_with(client: &Client, email: &str, password: &str) -> Reply {
    let page = client.get("/logga-in").await;
    let csrf = hidden(&page.text, "csrf");
    let fields = [
        ("csrf", csrf.as_str()),
        ("next", "/"),
        ("email", email),
        ("password", password),
    ];
    client.post_form("/logga-in", &fields).await
}

/// The sign-in form is checked by the server, in Swedish, not by the browser's own pop-ups
/// in its own language: a summary at the top links to each field, each field has its
/// message and is marked invalid, and the page's title begins with "Fel: ".
#[tokio::test]
async fn sign_in_errors_are_shown_in_swedish_by_the_server() {
    let app = TestApp::start(Backend::Sqlite).await.expect("app");
    let visitor = app.visitor();
    let page = visitor.get("/logga-in").await;
    assert!(page.text.contains(r#"class="narrow" novalidate>"#));
    assert!(!page.text.contains("required"), "no browser pop-ups");
    assert!(page.text.contains("<title>Logga in – Tertial</title>"));

    let empty = sign_in_with(&visitor, "", "").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty
            .text
            .contains("<title>Fel: Logga in – Tertial</title>")
    );
    let summary = &empty.text[empty.text.find("error-summary").expect("summary")..];
    let summary = &summary[..summary.find("</div>").expect("end")];
    assert!(summary.contains(r##"<a href="#email">Ange din e-postadress.</a>"##));
    assert!(summary.contains(r##"<a href="#password">Ange ditt lösenord.</a>"##));
    assert!(empty.text.contains(r#"id="felsammanfattning" autofocus"#));
    assert!(
        empty
            .text
            .contains(r#"aria-invalid="true" aria-describedby="email-error""#)
    );
    assert!(
        empty
            .text
            .contains(r#"aria-invalid="true" aria-describedby="password-error""#)
    );

    let no_password = sign_in_with(&visitor, "skarholmen@example.se", "").await;
    assert_eq!(no_password.status, StatusCode::BAD_REQUEST);
    assert!(
        no_password
            .text
            .contains(r#"value="skarholmen@example.se""#),
        "kept"
    );
    assert!(!no_password.text.contains("Ange din e-postadress"));
    assert!(no_password.text.contains("Ange ditt lösenord."));

    let wrong = sign_in_with(&visitor, "skarholmen@example.se", "fel-losenord").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .text
            .contains("<title>Fel: Logga in – Tertial</title>")
    );
    assert!(
        wrong
            .text
            .contains(r##"<a href="#email">Fel e-postadress eller lösenord.</a>"##)
    );
}
