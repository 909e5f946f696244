//! Insights into submitted answers: the register of actors, and a round's actors, pending
//! decisions, timeline and readability; checked on the demo's real answers (Skärholmen,
//! Tertialrapport 1 2022) with exact lists, so that nothing else is claimed.

use tertial_domain::ActorId;
use tertial_domain::insights::actors::{ActorFields, ActorFinder, RegisteredActor};
use tertial_domain::insights::dates::dates;
use tertial_domain::insights::decisions::pending_decisions;

use super::*;

/// Skärholmen's T1 answers in the demo file, by question key, and the demo's register.
fn demo_t1() -> (Vec<(String, String)>, Vec<RegisteredActor>) {
    let data = demo::DemoData::parse(DEMO).expect("demo data");
    let t1 = data
        .rounds
        .iter()
        .find(|r| r.year == 2022 && r.period == tertial_domain::Period::T1)
        .expect("T1");
    let skarholmen = t1
        .submissions
        .iter()
        .find(|s| s.body == "Skärholmen")
        .expect("Skärholmen's answers");
    let answers = skarholmen
        .answers
        .iter()
        .map(|(k, t)| (k.as_str().to_owned(), t.clone()))
        .collect();
    let mut register = Vec::new();
    for (i, a) in data.actors.iter().enumerate() {
        let fields = ActorFields::parse(&a.name, &a.aliases.join("\n"), &register).expect("valid");
        register.push(RegisteredActor {
            id: ActorId(i64::try_from(i).expect("few")),
            name: fields.name,
            aliases: fields.aliases,
            active: true,
        });
    }
    (answers, register)
}

/// The actors the demo's register finds in Skärholmen's T1 answers: (question, actor, the
/// words found), one per sentence and actor, in the order written.
#[test]
fn demo_actors_found_in_skarholmens_t1_answers() {
    let (answers, register) = demo_t1();
    let finder = ActorFinder::new(&register);
    let found: Vec<(String, String, Vec<String>)> = answers
        .iter()
        .flat_map(|(key, text)| {
            finder.mentions(text).into_iter().map(|m| {
                let words = m
                    .phrases
                    .iter()
                    .map(|p| m.sentence.text[p.clone()].to_owned());
                (key.clone(), register[m.actor].name.clone(), words.collect())
            })
        })
        .collect();
    let want = |key: &str, actor: &str, words: &[&str]| {
        (
            key.to_owned(),
            actor.to_owned(),
            words.iter().map(|w| (*w).to_owned()).collect(),
        )
    };
    assert_eq!(
        found,
        vec![
            want(
                "kultur-offentliga-rummet",
                "Kulturförvaltningen",
                &["kulturförvaltningen"]
            ),
            want(
                "kultur-offentliga-rummet",
                "Stockholm konst",
                &["Stockholm konst"]
            ),
            want(
                "kultur-offentliga-rummet",
                "Exploateringskontoret",
                &["exploateringskontoret"]
            ),
            want(
                "kultur-offentliga-rummet",
                "Stockholm konst",
                &["Stockholm konst"]
            ),
            want("platssamverkan-platsaktivering", "Polisen", &["polisen"]),
            want("samverkan-lokalt-naringsliv", "Polisen", &["polis"]),
            want(
                "samverkan-lokalt-naringsliv",
                "Trafikkontoret",
                &["trafikkontoret"]
            ),
            want(
                "samverkan-lokalt-naringsliv",
                "Exploateringskontoret",
                &["exploateringskontoret"]
            ),
            want(
                "samverkan-lokalt-naringsliv",
                "Stockholm Business Region",
                &["SBR"]
            ),
            want(
                "sbr-arbetsmarknad-tillvaxt",
                "Exploateringskontoret",
                &["exploateringskontoret"]
            ),
            want(
                "sbr-arbetsmarknad-tillvaxt",
                "Arbetsmarknadsförvaltningen",
                &["arbetsmarknadsförvaltningen"]
            ),
            want(
                "sbr-arbetsmarknad-tillvaxt",
                "Arbetsmarknadsförvaltningen",
                &["arbetsmarknadsförvaltningen"]
            ),
            want("sbr-dialog-foretag", "Stockholm Business Region", &["SBR"]),
            want("sbr-dialog-foretag", "Stockholm Business Region", &["SBR"]),
            want("vaxla-upp-stockholm", "Stockholm Business Region", &["SBR"]),
            want("vaxla-upp-stockholm", "Trafikkontoret", &["trafikkontoret"]),
            want(
                "vaxla-upp-stockholm",
                "Exploateringskontoret",
                &["exploateringskontoret"]
            ),
            want(
                "vaxla-upp-stockholm",
                "Arbetsmarknadsförvaltningen",
                &["arbetsmarknadsförvaltningen"]
            ),
            want("vaxla-upp-stockholm", "Stadsledningskontoret", &["SLK"]),
        ]
    );
}

/// The sentences of Skärholmen's T1 answers saying something is not yet decided: the five
/// "(ej beslutat/beslutad)" and the one awaiting the steering group; "Modell och mål har
/// beslutats" and "beslutar om en inriktning" are decisions taken, and not listed.
#[test]
fn demo_pending_decisions_in_skarholmens_t1_answers() {
    let (answers, _) = demo_t1();
    let found: Vec<(&str, &str, String)> = answers
        .iter()
        .flat_map(|(key, text)| {
            pending_decisions(text).into_iter().map(move |d| {
                let start = d.sentence.text.split(' ').take(4).collect::<Vec<_>>();
                (key.as_str(), &d.sentence.text[d.phrase], start.join(" "))
            })
        })
        .collect();
    let want = |key, phrase, start: &str| (key, phrase, start.to_owned());
    assert_eq!(
        found,
        vec![
            want(
                "platssamverkan-platsaktivering",
                "ej beslutad",
                "Trygghetsfrågorna i relation till"
            ),
            want(
                "samverkan-lokalt-naringsliv",
                "ej beslutat",
                "Enligt förslag på inriktning"
            ),
            want(
                "sbr-arbetsmarknad-tillvaxt",
                "ej beslutad",
                "Framåt ska detta arbete"
            ),
            want("sbr-dialog-foretag", "ej beslutad", "Nästa steg är att"),
            want(
                "sbr-dialog-foretag",
                "ej beslutad",
                "Vidare kommer stadsdelsförvaltningen i"
            ),
            want(
                "vaxla-upp-stockholm",
                "inväntas styrgruppsbeslut",
                "Nu inväntas styrgruppsbeslut om"
            ),
        ]
    );
}

/// The dates in Skärholmen's T1 answers, with what they mean; "Vision 2040", "tolv
/// stycken föreställningar" and "i detta nu" claim nothing.
#[test]
fn demo_dates_in_skarholmens_t1_answers() {
    let (answers, _) = demo_t1();
    let found: Vec<(&str, &str, String, String)> = answers
        .iter()
        .flat_map(|(key, text)| {
            dates(text, 2022).into_iter().map(move |d| {
                let phrase = &d.sentence.text[d.phrase];
                (
                    key.as_str(),
                    phrase,
                    d.when.from.to_string(),
                    d.when.to.to_string(),
                )
            })
        })
        .collect();
    let want = |key, phrase, from: &str, to: &str| (key, phrase, from.to_owned(), to.to_owned());
    assert_eq!(
        found,
        vec![
            want(
                "kultur-offentliga-rummet",
                "årets första tertial",
                "2022-01-01",
                "2022-04-30"
            ),
            want(
                "platssamverkan-platsaktivering",
                "under vintern år 21/22",
                "2021-12-01",
                "2022-02-28"
            ),
            want(
                "samverkan-lokalt-naringsliv",
                "årets första tertial",
                "2022-01-01",
                "2022-04-30"
            ),
            want(
                "samverkan-lokalt-naringsliv",
                "under år 2022",
                "2022-01-01",
                "2022-12-31"
            ),
            want(
                "sbr-dialog-foretag",
                "den 22 april 2022",
                "2022-04-22",
                "2022-04-22"
            ),
            want(
                "vaxla-upp-stockholm",
                "den 18 mars 2022",
                "2022-03-18",
                "2022-03-18"
            ),
        ]
    );
}

/// The id of the demo's round in `period` 2022.
async fn round_id(app: &TestApp, period: tertial_domain::Period) -> i64 {
    app.store
        .rounds()
        .await
        .expect("rounds")
        .iter()
        .find(|r| r.period == period && r.year == 2022)
        .expect("round")
        .id
        .0
}

const PAGES: [&str; 4] = ["aktorer", "beslut", "tidslinje", "lasbarhet"];

/// The coordinator opens T1's insights from the round page: Skärholmen's actors (a cell
/// lists its sentences, the actor marked, linked to the version), pending decisions, dates
/// and readability. T2 holds only Bromma's draft, full of things to find: none of it shows.
/// Reporters and readers are refused every page.
async fn coordinator_reads_insights_from_submitted_answers_only(app: TestApp) {
    let t1 = round_id(&app, tertial_domain::Period::T1).await;
    let t2 = round_id(&app, tertial_domain::Period::T2).await;
    let bromma = app.signed_in("bromma@example.se").await;
    let draft = app.report_id("T2 2022", "Bromma").await;
    let marker = "UTKAST-MARKÖR-9c1";
    let text = format!("{marker}: polisen och SBR, ej beslutat, den 3 juni 2022.");
    let saved = bromma.autosave(draft, QUESTIONS[0], &text, 0).await;
    assert_eq!(saved.status, StatusCode::OK);

    let coordinator = app.signed_in("samordnare@example.se").await;
    let round = coordinator.get(&format!("/omgangar/{t1}")).await;
    for page in PAGES {
        assert!(
            round
                .text
                .contains(&format!("href=\"/omgangar/{t1}/{page}\"")),
            "{page}"
        );
    }

    let actors = coordinator.get(&format!("/omgangar/{t1}/aktorer")).await;
    assert_eq!(actors.status, StatusCode::OK);
    assert!(actors.text.contains("Aktörer i Tertialrapport 1 2022"));
    let row = &actors.text[actors
        .text
        .find("<th scope=\"row\">Skärholmens stadsdelsnämnd")
        .expect("row")..];
    let row = &row[..row.find("</tr>").expect("row end")];
    // By name: Arbetsmarknadsförvaltningen 3, Exploateringskontoret 4, Kulturförvaltningen 1,
    // Polisen 2, Skatteverket 0, Stadsledningskontoret 1, Stockholm Business Region 4,
    // Stockholm konst 2, Trafikkontoret 2.
    let counts: Vec<String> = row
        .split("<td>")
        .skip(1)
        .map(|cell| {
            let cell = cell.split("</td>").next().unwrap_or(cell);
            let shown = cell
                .split("<span class=\"visually-hidden\">")
                .next()
                .unwrap_or(cell);
            let mut text = String::new();
            let mut in_tag = false;
            for c in shown.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text
        })
        .collect();
    assert_eq!(
        counts,
        ["3", "4", "1", "2", "0", "1", "4", "2", "2"],
        "{row}"
    );
    let sbr = app
        .store
        .actors()
        .await
        .expect("actors")
        .into_iter()
        .find(|a| a.name == "Stockholm Business Region")
        .expect("SBR");
    let skarholmen = app.body("Skärholmen").await;
    let report = app.report_id("T1 2022", "Skärholmen").await;
    let cell = coordinator
        .get(&format!(
            "/omgangar/{t1}/aktorer?organ={}&aktor={}",
            skarholmen.id, sbr.id
        ))
        .await;
    assert_eq!(cell.text.matches("<mark>SBR</mark>").count(), 4);
    assert!(
        cell.text
            .contains(&format!("href=\"/rapporter/{report}/versioner/1\""))
    );
    assert!(
        cell.text
            .contains("Stockholm Business Region i svaren från Skärholmens stadsdelsnämnd")
    );

    let decisions = coordinator.get(&format!("/omgangar/{t1}/beslut")).await;
    assert_eq!(
        decisions
            .text
            .matches("<blockquote class=\"passage\">")
            .count(),
        6
    );
    assert!(
        decisions
            .text
            .contains("Nu <mark>inväntas styrgruppsbeslut</mark> om inriktning")
    );
    assert!(!decisions.text.contains("Modell och mål har beslutats"));

    let timeline = coordinator.get(&format!("/omgangar/{t1}/tidslinje")).await;
    let whens: Vec<&str> = timeline
        .text
        .split("<time datetime=\"")
        .skip(1)
        .map(|t| &t[..10])
        .collect();
    assert_eq!(
        whens,
        [
            "2021-12-01",
            "2022-01-01",
            "2022-01-01",
            "2022-01-01",
            "2022-03-18",
            "2022-04-22"
        ]
    );
    assert!(timeline.text.contains(">18 mars 2022</time>"));
    assert!(
        timeline
            .text
            .contains(">1 december 2021–28 februari 2022</time>")
    );

    let readability = coordinator.get(&format!("/omgangar/{t1}/lasbarhet")).await;
    assert!(
        readability
            .text
            .contains("<th scope=\"row\">Skärholmens stadsdelsnämnd</th><td data-label=\"LIX\">")
    );
    assert!(readability.text.contains("Hela sammanställningen"));
    assert!(readability.text.contains("Längsta meningarna"));

    // T2: only a draft, so nothing; and its marker nowhere.
    for page in PAGES {
        let reply = coordinator.get(&format!("/omgangar/{t2}/{page}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        assert!(!reply.text.contains(marker), "{page}");
        assert!(!reply.text.contains("3 juni"), "{page}");
    }
    let compiled = coordinator.get(&format!("/omgangar/{t2}/rapport/md")).await;
    assert!(!compiled.text.contains(marker));

    // The compiled report's appendices hold the same findings.
    let compiled = coordinator.get(&format!("/omgangar/{t1}/rapport/md")).await;
    assert_eq!(compiled.status, StatusCode::OK);
    for title in [
        "Bilaga: Aktörer",
        "Bilaga: Beslut som väntar",
        "Bilaga: Tidslinje",
        "Bilaga: Läsbarhet",
    ] {
        assert!(compiled.text.contains(title), "{title}");
    }
    assert!(compiled.text.contains("Stockholm Business Region (4)"));
    let preview = coordinator.get(&format!("/omgangar/{t1}/rapport")).await;
    assert!(
        preview
            .text
            .contains("<h2 id=\"bilaga-2\">Bilaga: Beslut som väntar</h2>")
    );
    assert!(preview.text.contains("<li>1.2 "));
    assert!(compiled.text.contains("18 mars 2022: 1.2 "));

    for who in ["skarholmen@example.se", "lasare@example.se"] {
        let other = app.signed_in(who).await;
        for page in PAGES {
            let reply = other.get(&format!("/omgangar/{t1}/{page}")).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{who} {page}");
        }
        assert_eq!(
            other.get("/aktorer").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
}
story!(coordinator_reads_insights_from_submitted_answers_only);

/// Skärholmen submits T2 naming the police and the tax agency: T2's actor table says which
/// actors are new since T1 and which are no longer named.
async fn actors_table_shows_the_change_from_the_round_before(app: TestApp) {
    let t2 = round_id(&app, tertial_domain::Period::T2).await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let mut answers = complete_answers();
    answers[0].1 = "Vi samverkar med polisen och Skatteverket.".into();
    let done = reporter
        .post_whole_form(report, &pairs(&answers), "skicka-in")
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);

    let coordinator = app.signed_in("samordnare@example.se").await;
    let actors = coordinator.get(&format!("/omgangar/{t2}/aktorer")).await;
    assert!(actors.text.contains("Jämfört med Tertialrapport 1 2022"));
    assert!(actors.text.contains("Nya: Skatteverket."));
    assert!(actors.text.contains(
        "Inte längre: Arbetsmarknadsförvaltningen, Exploateringskontoret, Kulturförvaltningen, \
         Stadsledningskontoret, Stockholm Business Region, Stockholm konst, Trafikkontoret."
    ));
}
story!(actors_table_shows_the_change_from_the_round_before);

/// The reporter's form shows a readability hint under a saved answer (no JavaScript
/// needed); it never stops a save.
async fn reporter_sees_a_readability_hint(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let text = "Katten sover i solen. Hunden springer efter bollen i trädgården.";
    let saved = reporter
        .post_whole_form(
            report,
            &[(&format!("text.{}", QUESTIONS[0]), text)],
            "spara",
        )
        .await;
    assert!(
        saved.status.is_redirection() || saved.status == StatusCode::OK,
        "{}",
        saved.text
    );
    let form = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(form.text.contains(&format!(
        "id=\"lix-{}\">Läsbarhet: LIX 25 (lätt). Längsta meningen har 6 ord.</p>",
        QUESTIONS[0]
    )));
    assert!(
        form.text
            .contains(&format!("id=\"lix-{}\" hidden></p>", QUESTIONS[1]))
    );
}
story!(reporter_sees_a_readability_hint);

/// The coordinator keeps the register: refused input is explained on the re-shown form,
/// with what was typed, and changes nothing; each change is audited.
async fn actor_register_is_validated_and_audited(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let register = coordinator.get("/aktorer").await;
    assert_eq!(register.status, StatusCode::OK);
    assert!(register.text.contains("Stockholm Business Region"));
    assert!(register.text.contains("SBR"));
    let before = app.store.actors().await.expect("actors").len();

    for (name, aliases, message) in [
        ("", "LST", "Ange aktörens namn."),
        (
            "polisen",
            "",
            "”polisen” är redan namn eller alias för en annan aktör.",
        ),
        (
            "Länsstyrelsen",
            "och",
            "”och” innehåller inget ord att söka efter.",
        ),
        (
            "Läns\u{202E}styrelsen",
            "",
            "Namnet får vara högst 200 tecken",
        ),
        ("Länsstyrelsen", "SBR", "”SBR” är redan namn eller alias"),
    ] {
        let refused = coordinator
            .post_with_csrf("/aktorer/ny", &[("name", name), ("aliases", aliases)])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(refused.text.contains("Aktören kunde inte sparas"), "{name}");
        assert!(refused.text.contains(message), "{name}: {}", refused.text);
        assert!(
            refused.text.contains(&format!(">{aliases}</textarea>")),
            "kept: {aliases}"
        );
    }
    let forged = coordinator
        .post_form("/aktorer/ny", &[("name", "Länsstyrelsen"), ("aliases", "")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let reporter = app.signed_in("skarholmen@example.se").await;
    let refused = reporter
        .post_with_csrf("/aktorer/ny", &[("name", "Länsstyrelsen"), ("aliases", "")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.actors().await.expect("actors").len(), before);

    let added = coordinator
        .post_with_csrf(
            "/aktorer/ny",
            &[
                ("name", " Länsstyrelsen "),
                ("aliases", "LST\nlänsstyrelsen i Stockholm\nLST"),
            ],
        )
        .await;
    assert_eq!(added.location.as_deref(), Some("/aktorer?klart=tillagd"));
    let actor = app
        .store
        .actors()
        .await
        .expect("actors")
        .into_iter()
        .find(|a| a.name == "Länsstyrelsen")
        .expect("added");
    assert_eq!(actor.aliases, ["LST", "länsstyrelsen i Stockholm"]);
    let path = format!("/aktorer/{}", actor.id);
    let renamed = coordinator
        .post_with_csrf(
            &path,
            &[
                ("name", "Länsstyrelsen i Stockholms län"),
                ("aliases", "LST"),
            ],
        )
        .await;
    assert_eq!(renamed.location, Some(format!("{path}?klart=sparad")));
    let taken = coordinator
        .post_with_csrf(&path, &[("name", "Skatteverket"), ("aliases", "")])
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    let off = coordinator
        .post_with_csrf(&format!("{path}/aktiv"), &[("active", "0")])
        .await;
    assert_eq!(off.location, Some(format!("{path}?klart=inaktiverad")));
    let page = coordinator.get(&path).await;
    assert!(page.text.contains("Status: inaktiverad"));
    assert!(page.text.contains("Länsstyrelsen i Stockholms län"));

    let audit = app
        .store
        .audit_of(AuditSubject::Actor(actor.id))
        .await
        .expect("audit");
    let actions: Vec<(&str, &str)> = audit
        .iter()
        .map(|a| (a.action.as_str(), a.detail.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("actor_added", "name=Länsstyrelsen"),
            ("actor_changed", "name=Länsstyrelsen i Stockholms län"),
            ("actor_deactivated", "name=Länsstyrelsen i Stockholms län"),
        ]
    );
}
story!(actor_register_is_validated_and_audited);
