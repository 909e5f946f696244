//! Follow-ups written from the browser: the coordinator creates one, adds focus areas and
//! questions (for kinds of body or single bodies), edits, reorders, retires and restores
//! them, and previews the form as a body; bad input changes nothing; reporters and readers
//! get nowhere; and no edit ever changes a round already opened.

use super::*;
use tertial_domain::{BodyKind, FollowUpId, QuestionKey};

const DEMO_TITLE: &str = "Uppföljning av direktiv och aktiviteter med näringslivskoppling";

impl Client {
    /// Creates a follow-up and returns its id.
    async fn create_follow_up(&self, title: &str) -> i64 {
        let created = self
            .post_with_csrf(
                "/uppfoljningar",
                &[
                    ("title", title),
                    ("purpose", "Att följa upp kulturpolicyn."),
                    ("introduction", "Svara senast på sista svarsdagen."),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text);
        let location = created.location.expect("location");
        location["/uppfoljningar/".len()..location.find('?').expect("query")]
            .parse()
            .expect("id")
    }
}

impl TestApp {
    async fn questions_of(&self, id: i64) -> Vec<tertial_app::EditableQuestion> {
        self.store
            .editable_questions(FollowUpId(id))
            .await
            .expect("questions")
    }

    async fn follow_up_actions(&self, id: i64) -> Vec<String> {
        self.store
            .audit_of(AuditSubject::FollowUp(FollowUpId(id)))
            .await
            .expect("audit")
            .into_iter()
            .map(|a| a.action)
            .collect()
    }
}

/// The coordinator writes a follow-up from scratch and sees it as two bodies would.
async fn coordinator_writes_a_follow_up_and_previews_it(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let list = coordinator.get("/uppfoljningar").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text.contains(DEMO_TITLE));
    assert!(
        list.text
            .contains("href=\"/uppfoljningar\" aria-current=\"page\"")
    );

    let id = coordinator
        .create_follow_up("Uppföljning av kulturpolicyn")
        .await;
    let page = coordinator
        .get(&format!("/uppfoljningar/{id}?klart=skapad"))
        .await;
    assert!(page.text.contains("Uppföljningen är skapad."));
    assert!(
        page.text
            .contains("Ändringar gäller från nästa omgång som öppnas")
    );

    let path = format!("/uppfoljningar/{id}");
    let area = |number, name| [("number", number), ("official_name", name), ("label", name)];
    let added = coordinator
        .post_with_csrf(
            &format!("{path}/fokusomraden"),
            &area("1", "Kultur för alla"),
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    let added = coordinator
        .post_with_csrf(&format!("{path}/fokusomraden"), &area("2", "Kulturarvet"))
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    // Reordered: "Kultur för alla" moves to place 3.
    let moved = coordinator
        .post_with_csrf(
            &format!("{path}/fokusomraden/1"),
            &area("3", "Kultur för alla"),
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text);
    let areas = app.store.focus_areas(FollowUpId(id)).await.expect("areas");
    let numbers: Vec<(u32, &str)> = areas
        .iter()
        .map(|a| (a.number, a.official_name.as_str()))
        .collect();
    assert_eq!(numbers, [(2, "Kulturarvet"), (3, "Kultur för alla")]);

    // A board that only one question is for.
    let board = app
        .store
        .insert_body(
            "Stockholms Kulturbolag AB",
            "Kulturbolaget",
            BodyKind::CompanyBoard,
        )
        .await
        .expect("board");
    let board_box = format!("body-{board}");
    let form = coordinator.get(&format!("{path}/fragor")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("Stockholms Kulturbolag AB"));
    let text = "Hur når nämnden ut till företag i området?";
    for _ in 0..2 {
        let added = coordinator
            .post_with_csrf(
                &format!("{path}/fragor"),
                &[
                    ("text", text),
                    ("help", "Beskriv kort."),
                    ("focus_area", "3"),
                    ("position", "1"),
                    ("kind-district_committee", "1"),
                    ("na_allowed", "1"),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    }
    let added = coordinator
        .post_with_csrf(
            &format!("{path}/fragor"),
            &[
                ("text", "Vad gör bolaget för kulturarvet?"),
                ("focus_area", "2"),
                ("position", "1"),
                (board_box.as_str(), "1"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    let questions = app.questions_of(id).await;
    let keys: Vec<&str> = questions.iter().map(|q| q.question.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "vad-gor-bolaget-for-kulturarvet",
            "hur-nar-namnden-ut-till-foretag-i-omradet",
            "hur-nar-namnden-ut-till-foretag-i-omradet-2",
        ]
    );
    assert_eq!(questions[0].question.bodies, [board]);
    assert!(!questions[0].question.not_applicable_allowed);

    // Previewed as a district committee and as the board: each sees its own questions.
    let district = app.store.bodies().await.expect("bodies")[0].clone();
    let preview = coordinator
        .get(&format!("{path}/forhandsgranska?organ={}", district.id))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    assert!(preview.text.contains("Svara senast på sista svarsdagen."));
    assert!(preview.text.contains("Att följa upp kulturpolicyn."));
    assert!(preview.text.contains("3. Kultur för alla"));
    assert!(preview.text.contains(text));
    assert!(preview.text.contains("Beskriv kort."));
    assert!(
        preview
            .text
            .contains("id=\"na-hur-nar-namnden-ut-till-foretag-i-omradet\"")
    );
    assert!(preview.text.contains("Övriga upplysningar"));
    assert!(preview.text.contains("name=\"text.contact_email\""));
    assert!(!preview.text.contains("Vad gör bolaget"));
    assert!(
        !preview
            .text
            .contains("<form method=\"post\" action=\"/rapporter")
    );
    let as_board = coordinator
        .get(&format!("{path}/forhandsgranska?organ={board}"))
        .await;
    assert!(as_board.text.contains("Vad gör bolaget för kulturarvet?"));
    assert!(!as_board.text.contains(text));
    assert!(!as_board.text.contains("id=\"na-"), "no Ej aktuellt for it");
    let unknown = coordinator
        .get(&format!("{path}/forhandsgranska?organ=99999"))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // Edited: new text and place; the key stays.
    let key = "hur-nar-namnden-ut-till-foretag-i-omradet";
    let form = coordinator.get(&format!("{path}/fragor/{key}")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains(text));
    let mut fields = form_fields_of(&form.text, &format!("{path}/fragor/{key}"));
    for (name, value) in &mut fields {
        match name.as_str() {
            "text" => *value = "Hur når nämnden ut till företagen?".into(),
            "position" => *value = "5".into(),
            _ => {}
        }
    }
    let edited = coordinator
        .post_owned(&format!("{path}/fragor/{key}"), &fields)
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.text);
    let questions = app.questions_of(id).await;
    let q = questions
        .iter()
        .find(|q| q.question.key.as_str() == key)
        .expect("same key");
    assert_eq!(q.question.text, "Hur når nämnden ut till företagen?");
    assert_eq!((q.question.position, q.version), (5, 2));
    assert_eq!(q.question.help.as_deref(), Some("Beskriv kort."));

    // Retired, then restored.
    let retire = |action| {
        let path = format!("{path}/fragor/{key}-2/avveckla");
        let coordinator = &coordinator;
        async move {
            coordinator
                .post_with_csrf(&path, &[("action", action)])
                .await
        }
    };
    assert_eq!(retire("avveckla").await.status, StatusCode::SEE_OTHER);
    let open_now = app
        .store
        .follow_up_questions(FollowUpId(id))
        .await
        .expect("asked");
    assert_eq!(open_now.len(), 2, "a retired question is not asked");
    let page = coordinator.get(&path).await;
    assert!(page.text.contains("Avvecklad"));
    assert!(page.text.contains("Återinför"));
    assert_eq!(retire("aterinfor").await.status, StatusCode::SEE_OTHER);
    assert!(app.questions_of(id).await.iter().all(|q| !q.retired));

    // The texts, edited.
    let saved = coordinator
        .post_with_csrf(
            &path,
            &[
                ("title", "Uppföljning av kulturpolicyn 2030"),
                ("purpose", "Nytt syfte."),
                ("introduction", "Ny inledning."),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let follow_up = app
        .store
        .follow_up(FollowUpId(id))
        .await
        .expect("read")
        .expect("follow-up");
    assert_eq!(follow_up.introduction, "Ny inledning.");

    assert_eq!(
        app.follow_up_actions(id).await,
        [
            "follow_up_created",
            "focus_area_added",
            "focus_area_added",
            "focus_area_changed",
            "question_added",
            "question_added",
            "question_added",
            "question_changed",
            "question_retired",
            "question_restored",
            "follow_up_changed",
        ]
    );
    let log = coordinator.get("/handelselogg").await;
    assert!(log.text.contains("Fråga avvecklad"));
}
story!(coordinator_writes_a_follow_up_and_previews_it);

/// Each kind of bad input gets its own Swedish message on the form, with what was typed
/// kept, and changes nothing.
async fn bad_input_is_refused_and_changes_nothing(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let id = coordinator
        .create_follow_up("Uppföljning av kulturpolicyn")
        .await;
    let path = format!("/uppfoljningar/{id}");
    let area = coordinator
        .post_with_csrf(
            &format!("{path}/fokusomraden"),
            &[
                ("number", "1"),
                ("official_name", "Kultur för alla"),
                ("label", "Kultur"),
            ],
        )
        .await;
    assert_eq!(area.status, StatusCode::SEE_OTHER);
    let audit_before = app.follow_up_actions(id).await.len();
    let follow_ups_before = app.store.follow_ups().await.expect("list").len();

    let long = "x".repeat(201);
    for (title, message) in [
        ("", "Ange uppföljningens titel."),
        ("   ", "Ange uppföljningens titel."),
        (DEMO_TITLE, "Det finns redan en uppföljning med den titeln."),
        ("Uppföljning\u{202E}txt", "osynliga tecken"),
        (long.as_str(), "Texten är för lång: 201 tecken"),
    ] {
        let refused = coordinator
            .post_with_csrf(
                "/uppfoljningar",
                &[
                    ("title", title),
                    ("purpose", "Mitt syfte"),
                    ("introduction", ""),
                ],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{title:?}"
        );
        assert!(
            refused.text.contains(message),
            "{title:?}: {}",
            refused.text
        );
        assert!(refused.text.contains("Mitt syfte"), "typed text kept");
        assert!(refused.text.contains("href=\"#title\""));
    }
    // Renaming to another follow-up's title.
    let renamed = coordinator
        .post_with_csrf(
            &path,
            &[("title", DEMO_TITLE), ("purpose", ""), ("introduction", "")],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        renamed
            .text
            .contains("Det finns redan en uppföljning med den titeln.")
    );

    for (fields, message) in [
        (
            [
                ("number", "1"),
                ("official_name", "Annat namn"),
                ("label", "Annat"),
            ],
            "Det finns redan ett fokusområde med det numret.",
        ),
        (
            [
                ("number", "2"),
                ("official_name", "Kultur för alla"),
                ("label", "Annat"),
            ],
            "Det finns redan ett fokusområde med det namnet.",
        ),
        (
            [
                ("number", "noll"),
                ("official_name", "Annat namn"),
                ("label", "Annat"),
            ],
            "Ange fokusområdets nummer",
        ),
        (
            [("number", "2"), ("official_name", ""), ("label", "Annat")],
            "Ange fokusområdets officiella namn.",
        ),
    ] {
        let refused = coordinator
            .post_with_csrf(&format!("{path}/fokusomraden"), &fields)
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}"
        );
        assert!(
            refused.text.contains(message),
            "{fields:?}: {}",
            refused.text
        );
    }

    let typed = "Hur arbetar nämnden med kulturen?";
    for (extra, message) in [
        (None, "Välj vilka organ som ska svara på frågan"),
        (
            Some(("body-99999", "1")),
            "Ett av de valda organen finns inte",
        ),
        (Some(("body-x", "1")), "Ett av de valda organen finns inte"),
    ] {
        let mut fields = vec![("text", typed), ("focus_area", "1"), ("position", "1")];
        fields.extend(extra);
        let refused = coordinator
            .post_with_csrf(&format!("{path}/fragor"), &fields)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text.contains(message), "{}", refused.text);
        assert!(refused.text.contains(typed), "typed text kept");
    }
    let empty = coordinator
        .post_with_csrf(
            &format!("{path}/fragor"),
            &[
                ("text", " "),
                ("focus_area", "7"),
                ("position", "1"),
                ("kind-company_board", "1"),
            ],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text.contains("Skriv frågan."));
    assert!(app.questions_of(id).await.is_empty());
    assert_eq!(app.follow_up_actions(id).await.len(), audit_before);
    assert_eq!(
        app.store.follow_ups().await.expect("list").len(),
        follow_ups_before
    );

    // A stale edit: two coordinators open the same question; the second to save is told.
    let added = coordinator
        .post_with_csrf(
            &format!("{path}/fragor"),
            &[
                ("text", typed),
                ("focus_area", "1"),
                ("position", "1"),
                ("kind-district_committee", "1"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let key = "hur-arbetar-namnden-med-kulturen";
    let question = format!("{path}/fragor/{key}");
    let colleague = app.signed_in("samordnare@example.se").await;
    let mine = form_fields_of(&coordinator.get(&question).await.text, &question);
    let theirs = form_fields_of(&colleague.get(&question).await.text, &question);
    let with_text = |fields: &[(String, String)], text: &str| -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(n, v)| {
                (
                    n.clone(),
                    if n == "text" {
                        text.to_owned()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect()
    };
    let first = colleague
        .post_owned(&question, &with_text(&theirs, "Kollegans lydelse"))
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let stale = coordinator
        .post_owned(&question, &with_text(&mine, "Min lydelse"))
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.text.contains("Någon annan har ändrat frågan"));
    assert!(
        stale.text.contains("Kollegans lydelse"),
        "the stored text is shown"
    );
    assert!(stale.text.contains("Min lydelse"), "typed text kept");
    let stored = &app.questions_of(id).await[0];
    assert_eq!(stored.question.text, "Kollegans lydelse");
    // Saved again from the re-shown form, it replaces the colleague's knowingly.
    let again = coordinator
        .post_owned(&question, &form_fields_of(&stale.text, &question))
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text);
    assert_eq!(app.questions_of(id).await[0].question.text, "Min lydelse");

    // An unknown question, a key that is no key, a retire without a choice.
    for path in [
        format!("{path}/fragor/okand"),
        format!("{path}/fragor/Ogiltig%20nyckel"),
    ] {
        assert_eq!(coordinator.get(&path).await.status, StatusCode::NOT_FOUND);
    }
    let neither = coordinator
        .post_with_csrf(&format!("{question}/avveckla"), &[("action", "spara")])
        .await;
    assert_eq!(neither.status, StatusCode::BAD_REQUEST);
    assert!(!app.questions_of(id).await[0].retired);
}
story!(bad_input_is_refused_and_changes_nothing);

/// Reporters and readers reach none of it, and change nothing.
async fn reporters_and_readers_are_refused(app: TestApp) {
    let before = app.store.follow_ups().await.expect("list");
    let key = QUESTIONS[0];
    for email in ["skarholmen@example.se", "lasare@example.se"] {
        let client = app.signed_in(email).await;
        let menu = client.get("/tillganglighet").await;
        assert!(!menu.text.contains("href=\"/uppfoljningar\""));
        for path in [
            "/uppfoljningar".to_owned(),
            "/uppfoljningar/1".to_owned(),
            "/uppfoljningar/1/fragor".to_owned(),
            format!("/uppfoljningar/1/fragor/{key}"),
            "/uppfoljningar/1/fokusomraden/1".to_owned(),
            "/uppfoljningar/1/forhandsgranska?organ=1".to_owned(),
        ] {
            let page = client.get(&path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{email} GET {path}");
        }
        for (path, fields) in [
            ("/uppfoljningar".to_owned(), vec![("title", "Intrång")]),
            ("/uppfoljningar/1".to_owned(), vec![("title", "Intrång")]),
            (
                "/uppfoljningar/1/fokusomraden".to_owned(),
                vec![
                    ("number", "9"),
                    ("official_name", "Intrång"),
                    ("label", "Intrång"),
                ],
            ),
            (
                format!("/uppfoljningar/1/fragor/{key}/avveckla"),
                vec![("action", "avveckla")],
            ),
            (
                "/uppfoljningar/1/fragor".to_owned(),
                vec![
                    ("text", "Intrång"),
                    ("focus_area", "1"),
                    ("position", "1"),
                    ("kind-district_committee", "1"),
                ],
            ),
        ] {
            let refused = client.post_with_csrf(&path, &fields).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{email} POST {path}");
        }
    }
    assert_eq!(app.store.follow_ups().await.expect("list"), before);
    assert!(app.questions_of(1).await.iter().all(|q| !q.retired));
    assert_eq!(
        app.store
            .focus_areas(FollowUpId(1))
            .await
            .expect("areas")
            .len(),
        4
    );
}
story!(reporters_and_readers_are_refused);

/// The key proof: a question reworded and another retired leave the open round's form and
/// the closed round's submitted version exactly as they were; the next round opened asks
/// the new wording under the same key, and its prefill still follows the key.
async fn edits_never_change_an_opened_round(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let open = app.report_id("T2 2022", "Skärholmen").await;
    let closed = app.report_id("T1 2022", "Skärholmen").await;
    let t2 = tertial_domain::RoundId(app.round_of(open).await);
    let snapshot = app.store.round_snapshot(t2).await.expect("snapshot");
    let version_page = format!("/rapporter/{closed}/versioner/1");
    let submitted_before = reporter.get(&version_page).await;
    assert_eq!(submitted_before.status, StatusCode::OK);
    let reworded = "NY LYDELSE: Hur har nämnden arbetat med Växla upp?";
    let old_text = snapshot
        .questions
        .iter()
        .find(|q| q.key.as_str() == QUESTIONS[1])
        .expect("asked")
        .text
        .clone();

    let question = format!("/uppfoljningar/1/fragor/{}", QUESTIONS[1]);
    let mut fields = form_fields_of(&coordinator.get(&question).await.text, &question);
    for (name, value) in &mut fields {
        if name == "text" {
            *value = reworded.into();
        }
    }
    let edited = coordinator.post_owned(&question, &fields).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.text);
    let retired = coordinator
        .post_with_csrf(
            &format!("/uppfoljningar/1/fragor/{}/avveckla", QUESTIONS[2]),
            &[("action", "avveckla")],
        )
        .await;
    assert_eq!(retired.status, StatusCode::SEE_OTHER);

    // The open round: the same questions, the same form.
    assert_eq!(
        app.store.round_snapshot(t2).await.expect("snapshot"),
        snapshot
    );
    let form = reporter.get(&format!("/rapporter/{open}")).await;
    assert!(form.text.contains(&old_text));
    assert!(!form.text.contains("NY LYDELSE"));
    assert!(
        form.text
            .contains(&format!("name=\"text.{}\"", QUESTIONS[2]))
    );
    // The closed round's submitted version: exactly as it was.
    let submitted_after = reporter.get(&version_page).await;
    assert_eq!(submitted_after.text, submitted_before.text);

    // The open round is still answered as it was asked, retired question included.
    let done = reporter
        .post_whole_form(open, &pairs(&complete_answers()), "skicka-in")
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);

    // The next round asks the new wording under the same key, prefilled by the key.
    let body = app.body("Skärholmen").await;
    let deadline = (tertial_domain::round::swedish_date(tertial_domain::Timestamp::now())
        + jiff::ToSpan::days(30))
    .to_string();
    let body_box = format!("body-{}", body.id);
    let opened = coordinator
        .post_with_csrf(
            "/omgangar/ny",
            &[
                ("follow_up", "1"),
                ("period", "T1"),
                ("year", "2023"),
                ("deadline", deadline.as_str()),
                ("chosen", "1"),
                (body_box.as_str(), "1"),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let next = app.report_id("T1 2023", "Skärholmen").await;
    let page = reporter.get(&format!("/rapporter/{next}")).await;
    assert!(page.text.contains(reworded));
    assert!(!page.text.contains(&old_text));
    assert!(
        !page
            .text
            .contains(&format!("name=\"text.{}\"", QUESTIONS[2])),
        "retired"
    );
    let fields = form_fields(&page.text);
    let carried = fields
        .iter()
        .find(|(n, _)| *n == format!("text.{}", QUESTIONS[1]))
        .expect("same key");
    assert_eq!(carried.1, format!("Svar på {}.", QUESTIONS[1]));
    assert!(
        page.text
            .contains(&format!("id=\"unchanged-{}\"", QUESTIONS[1]))
    );
    // And the open round's snapshot still has the old wording.
    let old = app.store.round_snapshot(t2).await.expect("snapshot");
    assert_eq!(old, snapshot);
    let key = QuestionKey::parse(QUESTIONS[1]).expect("key");
    assert!(
        old.questions
            .iter()
            .any(|q| q.key == key && q.text == old_text)
    );
}
story!(edits_never_change_an_opened_round);

impl TestApp {
    async fn round_of(&self, report: i64) -> i64 {
        self.store
            .report(tertial_domain::ReportId(report))
            .await
            .expect("report")
            .expect("exists")
            .round_id
            .0
    }
}
