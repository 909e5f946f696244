//! Comparing rounds, on the demo data: Skärholmen submitted T1 2022; T2 2022 is open and
//! prefilled from T1. Skärholmen submits T2 with one answer changed by one word, Bromma
//! answers only T2, Rinkeby-Kista answered only T1 and has a draft in T2 with a marker word.

use tertial_domain::{BodyId, RoundId};

use super::*;

/// A word that occurs nowhere but in Rinkeby-Kista's T2 draft.
const MARKER: &str = "JAMFORUTKAST4417";
/// The question whose answer Skärholmen changes, and one it leaves as it was.
const CHANGED: &str = "samverkan-lokalt-naringsliv";
const UNCHANGED: &str = "vaxla-upp-stockholm";

struct Rounds {
    t1: i64,
    t2: i64,
}

async fn rounds(app: &TestApp) -> Rounds {
    let rounds = app.store.rounds().await.expect("rounds");
    let id = |name: &str| {
        rounds
            .iter()
            .find(|r| format!("{:?} {}", r.period, r.year) == name)
            .map(|r| r.id.0)
            .unwrap_or_else(|| panic!("no round {name}"))
    };
    Rounds {
        t1: id("T1 2022"),
        t2: id("T2 2022"),
    }
}

async fn body_id(app: &TestApp, round: i64, short_name: &str) -> i64 {
    app.store
        .round_overview(RoundId(round))
        .await
        .expect("overview")
        .into_iter()
        .find(|o| o.body.short_name == short_name)
        .map(|o| o.body.id.0)
        .unwrap_or_else(|| panic!("no body {short_name}"))
}

/// The contact person a submission needs.
const CONTACT: [(&str, &str); 3] = [
    ("text.contact_name", "Kontaktperson Exempel"),
    ("text.contact_phone", "08-000 00 00"),
    ("text.contact_email", "kontaktperson@example.se"),
];

/// The texts inside every `<tag>…</tag>` of a page, without their visually hidden labels.
fn marked(html: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    html.split(&open)
        .skip(1)
        .map(|part| {
            let inner = &part[..part.find(&close).expect("closed")];
            let label_end = inner.find("</span>").map_or(0, |i| i + "</span>".len());
            unescape(&inner[label_end..])
        })
        .collect()
}

/// The section of a page about one question (by its heading's id) or one body.
fn section<'a>(html: &'a str, start: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let rest = &html[from..];
    &rest[..rest.find("</section>").expect("end of section")]
}

/// Sets the demo up as the module's doc says, through the product's own forms (T1 is
/// reopened for a moment in the database, as a coordinator could not).
async fn three_bodies_across_two_rounds(app: &TestApp) -> Rounds {
    let r = rounds(app).await;
    // Skärholmen: T2 answered as in T1 (as a round opened with prefill starts), one word
    // changed in one answer.
    let skarholmen = app.signed_in("skarholmen@example.se").await;
    let t1 = app.report_id("T1 2022", "Skärholmen").await;
    let t1 = app
        .store
        .stored_submissions(tertial_domain::ReportId(t1))
        .await
        .expect("T1");
    let mut answers: Vec<(String, String)> = Vec::new();
    for answer in &t1.last().expect("submitted in T1").content.answers {
        let key = answer.key.as_str();
        let text = if key == CHANGED {
            assert!(answer.text.contains("sker idag huvudsakligen inom ramen"));
            answer.text.replacen("huvudsakligen", "främst", 1)
        } else {
            answer.text.clone()
        };
        answers.push((format!("text.{key}"), text));
        if answer.not_applicable {
            answers.push((format!("na.{key}"), "1".into()));
        }
    }
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let mut changes: Vec<(&str, &str)> = CONTACT.to_vec();
    changes.extend(pairs(&answers));
    let sent = skarholmen
        .post_whole_form(report, &changes, "skicka-in")
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);

    // Bromma: only T2.
    let bromma = app.signed_in("bromma@example.se").await;
    let report = app.report_id("T2 2022", "Bromma").await;
    let sent = bromma
        .post_whole_form(report, &pairs(&complete_answers()), "skicka-in")
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);

    // Rinkeby-Kista: T1 (submitted late, while the round is reopened), and a T2 draft.
    let rinkeby = body_id(app, r.t2, "Rinkeby-Kista").await;
    let password = tertial_app::auth::hash_password(PASSWORD.into())
        .await
        .expect("hash");
    app.store
        .insert_user(
            &tertial_store::NewUser {
                email: "rinkeby@example.se".into(),
                name: "Rita Rinkeby".into(),
                role: tertial_domain::Role::Reporter,
                password_hash: Some(password),
                bodies: vec![BodyId(rinkeby)],
            },
            tertial_domain::Timestamp::now(),
            None,
        )
        .await
        .expect("reporter");
    let sql = sqlx::AnyPool::connect(&app.url).await.expect("connect");
    let set_t1 = |status: &'static str| {
        sqlx::query("UPDATE rounds SET status = $1 WHERE id = $2")
            .bind(status)
            .bind(r.t1)
    };
    set_t1("open").execute(&sql).await.expect("reopen T1");
    let reporter = app.signed_in("rinkeby@example.se").await;
    let report = app.report_id("T1 2022", "Rinkeby-Kista").await;
    let sent = reporter
        .post_whole_form(report, &pairs(&complete_answers()), "skicka-in")
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    set_t1("closed").execute(&sql).await.expect("close T1");
    sql.close().await;
    let draft = app.report_id("T2 2022", "Rinkeby-Kista").await;
    let saved = reporter
        .autosave(draft, CHANGED, &format!("{MARKER} i utkastet"), 0)
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    r
}

/// The coordinator compares Skärholmen's T2 with T1 (the default): exactly the changed word
/// is marked removed and added, the other answers are marked oförändrad; per question,
/// Skärholmen's answer is ändrad, Bromma's ny and Rinkeby-Kista's utgått, and the draft's
/// marker never shows. Each comparison is in the audit log.
async fn the_diff_marks_exactly_what_changed_between_rounds(app: TestApp) {
    let r = three_bodies_across_two_rounds(&app).await;
    let skarholmen = body_id(&app, r.t2, "Skärholmen").await;
    let coordinator = app.signed_in("samordnare@example.se").await;

    let dashboard = coordinator.get(&format!("/omgangar/{}", r.t2)).await;
    let link = format!("/omgangar/{}/jamfor?organ={skarholmen}", r.t2);
    assert!(dashboard.text.contains(&link), "{}", dashboard.text);
    assert!(
        dashboard
            .text
            .contains(&format!("/omgangar/{}/fragor\"", r.t2))
    );

    let page = coordinator.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text
            .contains("Jämför omgångar: Skärholmens stadsdelsnämnd")
    );
    assert_eq!(marked(&page.text, "del"), ["huvudsakligen"]);
    assert_eq!(marked(&page.text, "ins"), ["främst"]);
    assert!(
        page.text
            .contains("<span class=\"visually-hidden\">Borttaget: </span>")
    );
    assert!(
        page.text
            .contains("<span class=\"visually-hidden\">Tillagt: </span>")
    );
    let changed = section(&page.text, &format!("id=\"fraga-{CHANGED}\""));
    assert!(changed.contains(">Ändrad</span>"), "{changed}");
    let unchanged = section(&page.text, &format!("id=\"fraga-{UNCHANGED}\""));
    assert!(unchanged.contains(">Oförändrad</span>"), "{unchanged}");
    assert!(!unchanged.contains("<del>") && !unchanged.contains("<ins>"));
    // Skärholmen answered "Ej aktuellt" in T1, and kept it.
    let na = section(&page.text, "id=\"fraga-renodlade-verksamhetsomraden\"");
    assert!(
        na.contains(">Oförändrad</span>") && na.contains("Ej aktuellt"),
        "{na}"
    );
    assert!(
        page.text.contains("Oförändrad: 7, Ändrad: 1."),
        "{}",
        page.text
    );
    // The same, chosen with the GET form's own values.
    let chosen = coordinator
        .get(&format!(
            "/omgangar/{}/jamfor?organ={skarholmen}&mot={}",
            r.t2, r.t1
        ))
        .await;
    assert_eq!(marked(&chosen.text, "ins"), ["främst"]);

    let question = format!("/omgangar/{}/fragor/{CHANGED}/jamfor?mot={}", r.t2, r.t1);
    assert!(
        page.text.contains(&question),
        "a link to every body's answer"
    );
    let list = coordinator.get(&format!("/omgangar/{}/fragor", r.t2)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains(&question), "{}", list.text);
    let page = coordinator.get(&question).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(mark_of(&page.text, "Skärholmens stadsdelsnämnd"), "Ändrad");
    assert_eq!(mark_of(&page.text, "Bromma stadsdelsnämnd"), "Ny");
    assert_eq!(
        mark_of(&page.text, "Rinkeby-Kista stadsdelsnämnd"),
        "Utgått"
    );
    assert_eq!(
        mark_of(&page.text, "Spånga-Tensta stadsdelsnämnd"),
        "Inget svar"
    );
    assert!(section(&page.text, ">Spånga-Tensta stadsdelsnämnd</h2>").contains("Ej inkommit"));
    assert!(section(&page.text, ">Rinkeby-Kista stadsdelsnämnd</h2>").contains("Ej inkommit"));
    assert_eq!(marked(&page.text, "del"), ["huvudsakligen"]);
    assert_eq!(marked(&page.text, "ins"), ["främst"]);
    let unchanged = coordinator
        .get(&format!("/omgangar/{}/fragor/{UNCHANGED}/jamfor", r.t2))
        .await;
    assert_eq!(
        mark_of(&unchanged.text, "Skärholmens stadsdelsnämnd"),
        "Oförändrad"
    );

    for html in [&page.text, &unchanged.text, &list.text] {
        assert!(!html.contains(MARKER), "the draft stays the body's");
    }
    let rinkeby = body_id(&app, r.t2, "Rinkeby-Kista").await;
    let theirs = coordinator
        .get(&format!("/omgangar/{}/jamfor?organ={rinkeby}", r.t2))
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.text.contains(MARKER), "the draft stays the body's");
    assert!(theirs.text.contains(">Utgått</span>"));

    let audited = app
        .store
        .audit_of(AuditSubject::Round(RoundId(r.t2)))
        .await
        .expect("audit");
    let compared: Vec<&str> = audited
        .iter()
        .filter(|a| a.action == "rounds_compared")
        .map(|a| a.detail.as_str())
        .collect();
    assert!(
        compared.contains(&format!("other_round={} body={skarholmen}", r.t1).as_str()),
        "{compared:?}"
    );
    assert!(
        compared.contains(&format!("other_round={} question={CHANGED}", r.t1).as_str()),
        "{compared:?}"
    );
}
story!(the_diff_marks_exactly_what_changed_between_rounds);

fn mark_of(html: &str, body: &str) -> String {
    let part = section(html, &format!(">{body}</h2>"));
    let part = &part[part.find("tag-change-").expect("a mark")..];
    part[part.find('>').expect("tag") + 1..part.find("</span>").expect("end")].to_owned()
}

/// A body's reporters compare their own body's rounds and nothing else; readers compare
/// nothing; an unknown round, body or question is not found.
async fn only_coordinators_and_the_bodys_own_reporters_compare(app: TestApp) {
    let r = three_bodies_across_two_rounds(&app).await;
    let skarholmen = body_id(&app, r.t2, "Skärholmen").await;
    let own = app.signed_in("skarholmen@example.se").await;
    let mine = own.get("/rapporter").await;
    let link = format!("/omgangar/{}/jamfor?organ={skarholmen}", r.t2);
    assert!(mine.text.contains(&link), "{}", mine.text);
    assert!(
        !mine.text.contains(&format!("/omgangar/{}/jamfor", r.t1)),
        "T1 is the first"
    );
    let page = own.get(&format!("/omgangar/{}/jamfor", r.t2)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text
            .contains("Jämför omgångar: Skärholmens stadsdelsnämnd")
    );
    assert_eq!(marked(&page.text, "ins"), ["främst"]);
    assert!(!page.text.contains("/fragor/"), "no other body's answers");
    assert!(
        !page.text.contains("Bromma"),
        "only their own body to choose"
    );

    let bromma = app.signed_in("bromma@example.se").await;
    let reader = app.signed_in("lasare@example.se").await;
    let question = format!("/omgangar/{}/fragor/{CHANGED}/jamfor", r.t2);
    let body = format!("/omgangar/{}/jamfor?organ={skarholmen}", r.t2);
    let questions = format!("/omgangar/{}/fragor", r.t2);
    for (who, path) in [
        (&bromma, &body),
        (&bromma, &question),
        (&bromma, &questions),
        (&own, &question),
        (&own, &questions),
        (&reader, &body),
        (&reader, &question),
        (&reader, &questions),
        (&reader, &format!("/omgangar/{}/jamfor", r.t2)),
    ] {
        let refused = who.get(path).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!refused.text.contains("främst"), "{path}");
    }
    let theirs = bromma.get(&format!("/omgangar/{}/jamfor", r.t2)).await;
    assert!(
        theirs
            .text
            .contains("Jämför omgångar: Bromma stadsdelsnämnd")
    );
    assert!(!theirs.text.contains("främst") && !theirs.text.contains("Skärholmen"));

    let coordinator = app.signed_in("samordnare@example.se").await;
    for path in [
        format!("/omgangar/{}/jamfor?organ=999999", r.t2),
        format!("/omgangar/{}/jamfor?organ=nej", r.t2),
        format!("/omgangar/{}/jamfor?mot=999999", r.t2),
        format!("/omgangar/{}/jamfor?mot={}", r.t2, r.t2),
        format!("/omgangar/{}/fragor/okand/jamfor", r.t2),
        format!("/omgangar/{}/fragor/Ogiltig%20nyckel/jamfor", r.t2),
        "/omgangar/999999/jamfor".to_owned(),
    ] {
        let missing = coordinator.get(&path).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{path}");
    }
    // T1 is the follow-up's first round: nothing before it to compare with by default.
    let first = coordinator.get(&format!("/omgangar/{}/jamfor", r.t1)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.text.contains("är uppföljningens första omgång"));
}
story!(only_coordinators_and_the_bodys_own_reporters_compare);
