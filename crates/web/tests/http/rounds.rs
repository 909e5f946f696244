//! Rounds run from the browser: a new round chosen, previewed and opened; drafts prefilled
//! from the previous round; deadlines moved for the round or one body; the round closed;
//! the round's dashboard. Only coordinators do any of it.

use super::*;
use tertial_domain::{
    AuditAction, BodyKind, FollowUpId, NewAuditEntry, Question, QuestionKey, RoundId, Timestamp,
};

/// The fields of the new round's form, as a browser sends them: the follow-up, period,
/// year, deadline and the chosen bodies' boxes.
fn round_fields(period: &str, year: &str, deadline: &str, bodies: &[i64]) -> Vec<(String, String)> {
    let mut fields = vec![
        ("follow_up".to_owned(), "1".to_owned()),
        ("period".to_owned(), period.to_owned()),
        ("year".to_owned(), year.to_owned()),
        ("deadline".to_owned(), deadline.to_owned()),
        ("chosen".to_owned(), "1".to_owned()),
    ];
    fields.extend(bodies.iter().map(|b| (format!("body-{b}"), "1".to_owned())));
    fields
}

fn query(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

impl TestApp {
    /// Every active body's id.
    async fn body_ids(&self) -> Vec<i64> {
        let bodies = self.store.bodies().await.expect("bodies");
        bodies.iter().filter(|b| b.active).map(|b| b.id.0).collect()
    }

    async fn round_count(&self) -> (usize, usize) {
        let rounds = self.store.rounds().await.expect("rounds");
        let mut reports = 0;
        for r in &rounds {
            reports += self
                .store
                .round_overview(r.id)
                .await
                .expect("overview")
                .len();
        }
        (rounds.len(), reports)
    }

    /// Retires the demo's example questions for specialist committees and company boards,
    /// so that only district committees get questions.
    async fn ask_districts_only(&self) {
        let follow_up = FollowUpId(1);
        let entry = NewAuditEntry::new(
            None,
            AuditAction::QuestionRetired,
            AuditSubject::FollowUp(follow_up),
        );
        let questions = self.store.editable_questions(follow_up).await.expect("q");
        for q in questions {
            if !q.question.applies_to.contains(&BodyKind::DistrictCommittee) {
                self.store
                    .set_question_retired(
                        follow_up,
                        &q.question.key,
                        true,
                        Timestamp::now(),
                        &entry,
                    )
                    .await
                    .expect("retire");
            }
        }
    }

    async fn round_id(&self, name: &str) -> i64 {
        let rounds = self.store.rounds().await.expect("rounds");
        rounds
            .iter()
            .find(|r| format!("{:?} {}", r.period, r.year) == name)
            .unwrap_or_else(|| panic!("no round {name}"))
            .id
            .0
    }
}

impl Client {
    /// Opens a round as the preview's button does.
    async fn open_round(&self, fields: &[(String, String)]) -> Reply {
        let mut fields = fields.to_vec();
        fields.push(("csrf".into(), self.csrf.clone()));
        self.post_owned("/omgangar/ny", &fields).await
    }
}

fn today() -> jiff::civil::Date {
    tertial_domain::round::swedish_date(tertial_domain::Timestamp::now())
}

fn days_from_today(days: i64) -> String {
    today()
        .checked_add(jiff::Span::new().days(days))
        .expect("date")
        .to_string()
}

/// The coordinator chooses a round, sees what each body will be asked, and opens it: every
/// chosen body gets a report, the dashboard says so, the audit log has it.
async fn coordinator_previews_and_opens_a_round(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let bodies = app.body_ids().await;
    let form = coordinator.get("/omgangar/ny").await;
    assert_eq!(form.status, StatusCode::OK);
    for id in &bodies {
        assert!(
            form.text.contains(&format!(
                "name=\"body-{id}\" value=\"1\" aria-describedby=\"body-{id}-count\" checked"
            )),
            "body {id} is chosen by default"
        );
    }
    assert!(form.text.contains("8 frågor"));
    let list = coordinator.get("/omgangar").await;
    assert!(list.text.contains("href=\"/omgangar/ny\""));

    // Two bodies only, previewed.
    let chosen = &bodies[..2];
    let fields = round_fields("T1", "2027", "2027-05-14", chosen);
    let preview = coordinator
        .get(&format!("/omgangar/ny/granska?{}", query(&fields)))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    assert!(
        preview
            .text
            .contains("Förhandsgranska Tertialrapport 1 2027")
    );
    assert!(preview.text.contains("14 maj 2027"));
    let names: Vec<String> = app
        .store
        .bodies()
        .await
        .expect("bodies")
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert!(preview.text.contains(&format!("{} (8 frågor)", names[0])));
    assert!(preview.text.contains(&format!("{} (8 frågor)", names[1])));
    assert!(!preview.text.contains(&names[2]), "only the chosen bodies");
    assert!(preview.text.contains("Öppna omgången"));
    // The preview opened nothing.
    let before = app.round_count().await;
    assert_eq!(before.0, 2);

    // The preview's own form opens it.
    let hidden = form_fields_of(&preview.text, "/omgangar/ny");
    let opened = coordinator.post_owned("/omgangar/ny", &hidden).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let location = opened.location.expect("location");
    let id = app.round_id("T1 2027").await;
    assert_eq!(location, format!("/omgangar/{id}?oppnad=1"));
    let after = app.round_count().await;
    assert_eq!(after, (3, before.1 + 2));
    let dashboard = coordinator.get(&location).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.text.contains("Omgången är öppnad"));
    assert!(dashboard.text.contains("Ej påbörjad (2)"));
    assert!(dashboard.text.contains("Inskickade</dt><dd>0 av 2"));
    let audit = app
        .store
        .audit_of(AuditSubject::Round(RoundId(id)))
        .await
        .expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, AuditAction::RoundOpened.code());
    assert!(audit[0].detail.contains("bodies=2"), "{}", audit[0].detail);

    // Without choosing, every body that gets a question takes part.
    let mut fields = round_fields("T2", "2027", "2027-09-15", &[]);
    fields.retain(|(n, _)| n != "chosen");
    let opened = coordinator.open_round(&fields).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let t2 = app.round_id("T2 2027").await;
    let reports = app
        .store
        .round_overview(RoundId(t2))
        .await
        .expect("overview");
    assert_eq!(reports.len(), bodies.len());
    // Opening invited each body's reporters, queued with the opening: Skärholmen's and
    // Bromma's demo reporters, once each, with a link to their form.
    let (mails, _) = app.store.mails(0, 500).await.expect("outbox");
    let invitations: Vec<_> = mails
        .iter()
        .filter(|m| {
            m.kind == tertial_domain::MailKind::Invitation
                && m.subject.contains("Tertialrapport 2 2027")
        })
        .collect();
    for reporter in ["skarholmen@example.se", "bromma@example.se"] {
        let theirs: Vec<_> = invitations
            .iter()
            .filter(|m| m.recipient == reporter)
            .collect();
        assert_eq!(theirs.len(), 1, "{reporter}: {invitations:?}");
        assert!(theirs.iter().all(|m| m.body.contains("/rapporter/")));
    }
}
story!(coordinator_previews_and_opens_a_round);

/// Each bad request gets its own Swedish message, on the preview and on opening, and
/// nothing is written: a deadline in the past, a round that exists, a body without
/// questions, no body, a period or year that is not one.
async fn a_round_asked_for_wrongly_is_refused_and_nothing_is_written(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    // The demo asks company boards its example questions: without them, a new board gets none.
    app.ask_districts_only().await;
    let board = app
        .store
        .insert_body("Stockholms Stadshus AB", "Stadshus", BodyKind::CompanyBoard)
        .await
        .expect("board")
        .0;
    let districts: Vec<i64> = app
        .store
        .bodies()
        .await
        .expect("bodies")
        .iter()
        .filter(|b| b.kind == BodyKind::DistrictCommittee)
        .map(|b| b.id.0)
        .collect();
    let bodies = [districts.as_slice(), &[board]].concat();
    let form = coordinator.get("/omgangar/ny").await;
    assert!(
        form.text.contains(&format!(
            "name=\"body-{board}\" value=\"1\" aria-describedby=\"body-{board}-count\">"
        )),
        "a body without questions is not chosen by default"
    );
    assert!(form.text.contains("Får inga frågor"));
    let before = app.round_count().await;
    let yesterday = days_from_today(-1);
    let cases: Vec<(Vec<(String, String)>, &str)> = vec![
        (
            round_fields("T1", "2027", &yesterday, &districts),
            "Sista svarsdag har redan passerat",
        ),
        (
            round_fields("T2", "2022", "2030-01-01", &districts),
            "Det finns redan en omgång för den perioden och det året",
        ),
        (
            round_fields("T1", "2027", "2027-05-14", &bodies),
            "Stockholms Stadshus AB får inga frågor i uppföljningen",
        ),
        (
            round_fields("T1", "2027", "2027-05-14", &[]),
            "Välj minst ett organ som ska svara",
        ),
        (
            round_fields("T4", "2027", "2027-05-14", &districts),
            "Välj vilken period omgången gäller",
        ),
        (
            round_fields("T1", "tjugo", "2027-05-14", &districts),
            "Ange året med fyra siffror",
        ),
        (
            round_fields("T1", "2027", "14 maj", &districts),
            "Ange sista svarsdag som ett datum",
        ),
        (
            {
                let mut fields = round_fields("T1", "2027", "2027-05-14", &districts);
                fields[0].1 = "99".into();
                fields
            },
            "Välj vilken uppföljning omgången gäller",
        ),
    ];
    for (fields, message) in &cases {
        let preview = coordinator
            .get(&format!("/omgangar/ny/granska?{}", query(fields)))
            .await;
        assert_eq!(
            preview.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{message}"
        );
        assert!(
            preview.text.contains(message),
            "{message}: {}",
            preview.text
        );
        assert!(preview.text.contains("Omgången kan inte öppnas än"));
        let opened = coordinator.open_round(fields).await;
        assert_eq!(opened.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(opened.text.contains(message), "{message}");
        assert_eq!(
            app.round_count().await,
            before,
            "{message}: nothing written"
        );
    }
    // Several problems at once are all listed.
    let all = round_fields("T2", "2022", &yesterday, &[]);
    let opened = coordinator.open_round(&all).await;
    assert!(opened.text.contains("Sista svarsdag har redan passerat"));
    assert!(opened.text.contains("Det finns redan en omgång"));
    assert!(opened.text.contains("Välj minst ett organ"));
    // Without the session's token, nothing either.
    let forged = coordinator
        .post_owned(
            "/omgangar/ny",
            &round_fields("T1", "2027", "2027-05-14", &districts),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.round_count().await, before);
}
story!(a_round_asked_for_wrongly_is_refused_and_nothing_is_written);

/// Reporters and readers reach none of the coordinator's pages or actions, and nothing of
/// what they try is done.
async fn only_coordinators_run_rounds(app: TestApp) {
    let t2 = app.round_id("T2 2022").await;
    let report = app.report_id("T2 2022", "Bromma").await;
    let deadline = app
        .store
        .round(RoundId(t2))
        .await
        .expect("r")
        .expect("r")
        .deadline;
    let fields = round_fields("T1", "2027", "2027-05-14", &app.body_ids().await);
    let before = app.round_count().await;
    for who in ["skarholmen@example.se", "lasare@example.se"] {
        let client = app.signed_in(who).await;
        for path in [
            "/omgangar".to_owned(),
            "/omgangar/ny".to_owned(),
            format!("/omgangar/ny/granska?{}", query(&fields)),
            format!("/omgangar/{t2}"),
            format!("/omgangar/{t2}?status=draft&sortera=status"),
            format!("/omgangar/{t2}/sista-svarsdag"),
        ] {
            let page = client.get(&path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{who} GET {path}");
        }
        let opened = client.open_round(&fields).await;
        assert_eq!(opened.status, StatusCode::FORBIDDEN, "{who} opens");
        let csrf = client.csrf.clone();
        let moved = client
            .post_form(
                &format!("/omgangar/{t2}/sista-svarsdag"),
                &[("csrf", csrf.as_str()), ("deadline", "2030-01-01")],
            )
            .await;
        assert_eq!(
            moved.status,
            StatusCode::FORBIDDEN,
            "{who} moves the deadline"
        );
        let report_field = report.to_string();
        let moved = client
            .post_form(
                &format!("/omgangar/{t2}/sista-svarsdag"),
                &[
                    ("csrf", csrf.as_str()),
                    ("report", report_field.as_str()),
                    ("body_deadline", "2030-01-01"),
                ],
            )
            .await;
        assert_eq!(
            moved.status,
            StatusCode::FORBIDDEN,
            "{who} moves a body's deadline"
        );
        let closed = client
            .post_form(&format!("/omgangar/{t2}/stang"), &[("csrf", csrf.as_str())])
            .await;
        assert_eq!(closed.status, StatusCode::FORBIDDEN, "{who} closes");
    }
    assert_eq!(app.round_count().await, before);
    let round = app.store.round(RoundId(t2)).await.expect("r").expect("r");
    assert_eq!(round.deadline, deadline);
    assert_eq!(round.status, tertial_domain::RoundStatus::Open);
    let own = app
        .store
        .round_overview(RoundId(t2))
        .await
        .expect("overview");
    assert!(own.iter().all(|o| o.deadline.is_none()));
    // Refusals are noted.
    let refused = app
        .store
        .audit_of(AuditSubject::Round(RoundId(t2)))
        .await
        .expect("audit");
    assert!(
        refused
            .iter()
            .any(|e| e.action == AuditAction::AccessRefused.code())
    );
}
story!(only_coordinators_run_rounds);

/// The coordinator extends the round's deadline, and one body's beyond it; the body's own
/// deadline decides its lateness and the dashboard's "Försenad"; earlier or past dates are
/// refused with a message.
async fn deadlines_move_for_the_round_or_one_body(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let t2 = app.round_id("T2 2022").await;
    let bromma = app.report_id("T2 2022", "Bromma").await;
    let path = format!("/omgangar/{t2}/sista-svarsdag");
    let page = coordinator.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Bromma stadsdelsnämnd ("));

    let round_deadline = days_from_today(40);
    let moved = coordinator
        .post_form(
            &path,
            &[
                ("csrf", coordinator.csrf.as_str()),
                ("deadline", &round_deadline),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text);
    assert_eq!(
        moved.location.as_deref(),
        Some(format!("/omgangar/{t2}?andrad=1").as_str())
    );
    let round = app.store.round(RoundId(t2)).await.expect("r").expect("r");
    assert_eq!(round.deadline.to_string(), round_deadline);

    let body_deadline = days_from_today(70);
    let bromma_field = bromma.to_string();
    let moved = coordinator
        .post_form(
            &path,
            &[
                ("csrf", coordinator.csrf.as_str()),
                ("report", bromma_field.as_str()),
                ("body_deadline", &body_deadline),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.text);
    // Bromma's reporter sees the body's own deadline on Mina rapporter.
    let reporter = app.signed_in("bromma@example.se").await;
    let mine = reporter.get("/rapporter").await;
    assert!(mine.text.contains(&body_deadline), "{}", mine.text);
    let dashboard = coordinator.get(&format!("/omgangar/{t2}?andrad=1")).await;
    assert!(dashboard.text.contains("Sista svarsdag är ändrad"));
    assert!(dashboard.text.contains("(egen)"));
    let audit = app
        .store
        .audit_of(AuditSubject::Report(tertial_domain::ReportId(bromma)))
        .await
        .expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == AuditAction::DeadlineChanged.code())
    );

    // Refused: not later than now, in the past, not a date, a report of another round.
    let earlier = days_from_today(10);
    let past = days_from_today(-3);
    let t1_report = app.report_id("T1 2022", "Skärholmen").await.to_string();
    for (fields, status, message) in [
        (
            vec![("deadline", earlier.as_str())],
            StatusCode::UNPROCESSABLE_ENTITY,
            "måste vara senare än den nuvarande",
        ),
        (
            vec![("deadline", past.as_str())],
            StatusCode::UNPROCESSABLE_ENTITY,
            "har redan passerat",
        ),
        (
            vec![("deadline", "snart")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Ange sista svarsdag som ett datum",
        ),
        (
            vec![
                ("report", bromma_field.as_str()),
                ("body_deadline", round_deadline.as_str()),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "måste vara senare än den nuvarande",
        ),
        (
            vec![
                ("report", t1_report.as_str()),
                ("body_deadline", "2099-01-01"),
            ],
            StatusCode::NOT_FOUND,
            "Sidan finns inte",
        ),
    ] {
        let mut fields = fields.clone();
        fields.push(("csrf", coordinator.csrf.as_str()));
        let refused = coordinator.post_form(&path, &fields).await;
        assert_eq!(refused.status, status, "{message}: {}", refused.text);
        assert!(
            refused.text.contains(message),
            "{message}: {}",
            refused.text
        );
    }
    let round = app.store.round(RoundId(t2)).await.expect("r").expect("r");
    assert_eq!(
        round.deadline.to_string(),
        round_deadline,
        "refusals changed nothing"
    );

    // Past the round's deadline, before Bromma's own: everyone else is overdue.
    app.clock.advance(jiff::SignedDuration::from_hours(24 * 50));
    let coordinator = app.signed_in("samordnare@example.se").await;
    let dashboard = coordinator
        .get(&format!("/omgangar/{t2}?sortera=namn"))
        .await;
    let row = |name: &str| {
        let start = dashboard
            .text
            .find(name)
            .unwrap_or_else(|| panic!("{name}"));
        let rest = &dashboard.text[start..];
        rest[..rest.find("</tr>").expect("row end")].to_owned()
    };
    assert!(!row("Bromma stadsdelsnämnd").contains("Försenad"));
    assert!(row("Skärholmens stadsdelsnämnd").contains("Försenad"));
    assert!(dashboard.text.contains("Försenade</dt><dd>16"));
    // Bromma submits within its own deadline: not late. (Its report page says so too.)
    let reporter = app.signed_in("bromma@example.se").await;
    let page = reporter.get(&format!("/rapporter/{bromma}")).await;
    assert!(!page.text.contains("passerad"));
    let changes = complete_answers();
    let submitted = reporter
        .post_whole_form(bromma, &pairs(&changes), "skicka-in")
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.text
    );
    let versions = app
        .store
        .stored_submissions(tertial_domain::ReportId(bromma))
        .await
        .expect("versions");
    assert!(!versions[0].late, "within the body's own deadline");
    // Skärholmen, past the round's, is late.
    let skarholmen = app.report_id("T2 2022", "Skärholmen").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let submitted = reporter
        .post_whole_form(skarholmen, &pairs(&changes), "skicka-in")
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.text
    );
    let versions = app
        .store
        .stored_submissions(tertial_domain::ReportId(skarholmen))
        .await
        .expect("versions");
    assert!(versions[0].late);
}
story!(deadlines_move_for_the_round_or_one_body);

/// The coordinator closes the round from its page: reporters can no longer save, the page
/// offers no more actions, and a second close is refused.
async fn the_coordinator_closes_a_round(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let t2 = app.round_id("T2 2022").await;
    let page = coordinator.get(&format!("/omgangar/{t2}")).await;
    let fields = form_fields_of(&page.text, &format!("/omgangar/{t2}/stang"));
    let closed = coordinator
        .post_owned(&format!("/omgangar/{t2}/stang"), &fields)
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.text);
    let page = coordinator.get(&format!("/omgangar/{t2}?stangd=1")).await;
    assert!(page.text.contains("Omgången är stängd. Inga fler svar"));
    assert!(page.text.contains("Stängd"));
    assert!(!page.text.contains("Stäng omgången"));
    let round = app.store.round(RoundId(t2)).await.expect("r").expect("r");
    assert_eq!(round.status, tertial_domain::RoundStatus::Closed);
    let audit = app
        .store
        .audit_of(AuditSubject::Round(RoundId(t2)))
        .await
        .expect("a");
    assert!(
        audit
            .iter()
            .any(|e| e.action == AuditAction::RoundClosed.code())
    );
    let again = coordinator
        .post_owned(&format!("/omgangar/{t2}/stang"), &fields)
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let moved = coordinator
        .post_form(
            &format!("/omgangar/{t2}/sista-svarsdag"),
            &[
                ("csrf", coordinator.csrf.as_str()),
                ("deadline", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::CONFLICT);
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let saved = reporter.autosave(report, QUESTIONS[0], "För sent", 0).await;
    assert_eq!(saved.status, StatusCode::CONFLICT);
}
story!(the_coordinator_closes_a_round);

/// The dashboard counts bodies by status, filters by one and sorts by name, status or last
/// change, with plain links and a form that work without JavaScript.
async fn the_dashboard_filters_and_sorts(app: TestApp) {
    let t2 = app.round_id("T2 2022").await;
    let bromma = app.signed_in("bromma@example.se").await;
    let report = app.report_id("T2 2022", "Bromma").await;
    assert_eq!(
        bromma
            .autosave(report, QUESTIONS[0], "Utkast", 0)
            .await
            .status,
        StatusCode::OK
    );
    app.clock.advance(jiff::SignedDuration::from_secs(60));
    let skarholmen = app.signed_in("skarholmen@example.se").await;
    let own = app.report_id("T2 2022", "Skärholmen").await;
    assert_eq!(
        skarholmen
            .autosave(own, QUESTIONS[0], "Utkast", 0)
            .await
            .status,
        StatusCode::OK
    );
    let coordinator = app.signed_in("samordnare@example.se").await;

    let all = coordinator.get(&format!("/omgangar/{t2}")).await;
    assert!(all.text.contains("Ej påbörjad (15)"));
    assert!(all.text.contains("Utkast (2)"));
    assert!(all.text.contains("Inskickad (0)"));
    assert!(all.text.contains("Återsänd (0)"));
    assert!(all.text.contains("Godkänd (0)"));
    assert!(all.text.contains(&format!("href=\"/rapporter/{report}\"")));
    assert_eq!(all.text.matches("<tr>").count(), 1 + 17);

    let drafts = coordinator
        .get(&format!("/omgangar/{t2}?status=draft&sortera=namn"))
        .await;
    assert_eq!(drafts.status, StatusCode::OK);
    assert_eq!(drafts.text.matches("<tr>").count(), 1 + 2);
    let b = drafts
        .text
        .find("Bromma stadsdelsnämnd</a>")
        .expect("Bromma");
    let s = drafts
        .text
        .find("Skärholmens stadsdelsnämnd</a>")
        .expect("Skärholmen");
    assert!(b < s, "by name");
    assert!(drafts.text.contains("<option value=\"draft\" selected>"));

    let changed = coordinator
        .get(&format!("/omgangar/{t2}?status=draft&sortera=andrad"))
        .await;
    let b = changed
        .text
        .find("Bromma stadsdelsnämnd</a>")
        .expect("Bromma");
    let s = changed
        .text
        .find("Skärholmens stadsdelsnämnd</a>")
        .expect("Skärholmen");
    assert!(s < b, "latest change first");

    let by_status = coordinator
        .get(&format!("/omgangar/{t2}?sortera=status"))
        .await;
    let first_draft = by_status.text.find("tag-draft").expect("draft");
    let last_not_started = by_status
        .text
        .rfind("tag-not_started")
        .expect("not started");
    assert!(last_not_started < first_draft, "not started before drafts");

    let none = coordinator
        .get(&format!("/omgangar/{t2}?status=approved"))
        .await;
    assert!(none.text.contains("Inga organ har den statusen."));
    // Unknown values fall back to everything, by name.
    let odd = coordinator
        .get(&format!("/omgangar/{t2}?status=nej&sortera=nej"))
        .await;
    assert_eq!(odd.status, StatusCode::OK);
    assert_eq!(odd.text.matches("<tr>").count(), 1 + 17);
}
story!(the_dashboard_filters_and_sorts);

/// The issue's prefill cases: a body's T2 draft starts from its T1 submission, each such
/// answer marked "Oförändrad sedan Tertialrapport 1 2027"; an edited answer loses the mark;
/// a new question starts empty; a cleared answer stays cleared. The coordinator sees none
/// of the draft.
async fn drafts_start_from_the_previous_round(app: TestApp) {
    let coordinator = app.signed_in("samordnare@example.se").await;
    let districts = app.body_ids().await;
    let opened = coordinator
        .open_round(&round_fields("T1", "2027", "2027-05-14", &districts))
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let t1 = app.report_id("T1 2027", "Skärholmen").await;
    let reporter = app.signed_in("skarholmen@example.se").await;
    let submitted = reporter
        .post_whole_form(t1, &pairs(&complete_answers()), "skicka-in")
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.text
    );

    let follow_up = app.store.follow_ups().await.expect("f")[0].id;
    app.store
        .insert_question(
            follow_up,
            &Question {
                key: QuestionKey::parse("ny-fraga").expect("key"),
                focus_area: 1,
                position: 99,
                text: "En ny fråga i år".into(),
                help: None,
                applies_to: vec![BodyKind::DistrictCommittee],
                bodies: Vec::new(),
                not_applicable_allowed: true,
            },
        )
        .await
        .expect("question");
    let opened = coordinator
        .open_round(&round_fields("T2", "2027", "2027-09-15", &districts))
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let t2 = app.report_id("T2 2027", "Skärholmen").await;

    let page = reporter.get(&format!("/rapporter/{t2}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for q in QUESTIONS {
        assert!(
            page.text.contains(&format!("Svar på {q}.")),
            "{q} prefilled"
        );
        assert!(
            page.text.contains(&format!("id=\"unchanged-{q}\"")),
            "{q} marked"
        );
    }
    assert_eq!(
        page.text
            .matches("Oförändrad sedan Tertialrapport 1 2027")
            .count(),
        QUESTIONS.len()
    );
    assert!(page.text.contains("En ny fråga i år"));
    assert!(
        !page.text.contains("id=\"unchanged-ny-fraga\""),
        "a new question is not marked"
    );
    let fields = form_fields(&page.text);
    let new = fields
        .iter()
        .find(|(n, _)| n == "text.ny-fraga")
        .expect("new question");
    assert_eq!(new.1, "", "a new question starts empty");
    // The contact person is not a question: not carried over.
    let contact = fields
        .iter()
        .find(|(n, _)| n == "text.contact_name")
        .expect("contact");
    assert_eq!(contact.1, "");
    // Another body that submitted nothing in T1 2027 starts empty.
    let bromma = app.report_id("T2 2027", "Bromma").await;
    assert!(app.saved(bromma).await.is_empty());

    // The coordinator sees that the report exists, not what it holds.
    let seen = coordinator.get(&format!("/rapporter/{t2}")).await;
    assert!(!seen.text.contains("Svar på"));
    assert!(seen.text.contains("Ej påbörjad"));

    // Edited: the mark goes.
    let edited = reporter
        .autosave(t2, QUESTIONS[0], "Nytt svar i T2.", 1)
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    // Cleared: empty, and the mark goes.
    let cleared = reporter.autosave(t2, QUESTIONS[1], "", 1).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    for _ in 0..2 {
        let page = reporter.get(&format!("/rapporter/{t2}")).await;
        assert!(
            !page
                .text
                .contains(&format!("id=\"unchanged-{}\"", QUESTIONS[0]))
        );
        assert!(
            !page
                .text
                .contains(&format!("id=\"unchanged-{}\"", QUESTIONS[1]))
        );
        assert!(
            page.text
                .contains(&format!("id=\"unchanged-{}\"", QUESTIONS[2]))
        );
        let fields = form_fields(&page.text);
        let value = |q: &str| {
            fields
                .iter()
                .find(|(n, _)| *n == format!("text.{q}"))
                .map(|(_, v)| v.clone())
                .expect("field")
        };
        assert_eq!(value(QUESTIONS[0]), "Nytt svar i T2.");
        assert_eq!(value(QUESTIONS[1]), "", "a cleared answer stays cleared");
    }
    let stored = app.saved(t2).await;
    let q1 = stored
        .iter()
        .find(|f| f.field.code() == QUESTIONS[1])
        .expect("cleared answer");
    assert_eq!(q1.value.text, "");
    assert_eq!(q1.version, 2);
}
story!(drafts_start_from_the_previous_round);

/// A municipality with 600 bodies: the new round's form, with a box for each, is read whole,
/// and the round opens for every one of them.
async fn a_round_opens_for_hundreds_of_bodies(app: TestApp) {
    for i in 0..583 {
        app.store
            .insert_body(
                &format!("Nämnd {i:03}"),
                &format!("N{i:03}"),
                BodyKind::DistrictCommittee,
            )
            .await
            .expect("body");
    }
    let bodies = app.body_ids().await;
    assert_eq!(bodies.len(), 600);
    let coordinator = app.signed_in("samordnare@example.se").await;
    let fields = round_fields("VB", "2022", "2099-12-31", &bodies);
    let preview = coordinator
        .get(&format!("/omgangar/ny/granska?{}", query(&fields)))
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    let opened = coordinator.open_round(&fields).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text);
    let id = app.round_id("Vb 2022").await;
    let dashboard = coordinator.get(&format!("/omgangar/{id}")).await;
    assert!(dashboard.text.contains("Ej påbörjad (600)"));
    assert_eq!(dashboard.text.matches("<tr>").count(), 1 + 600);
}
story!(a_round_opens_for_hundreds_of_bodies);
