//! The outbox (Utskick): a submission's receipt is queued with it, and admins and
//! coordinators read the outbox; nobody else reaches it.

use super::*;

/// The reporters of the demo's open round T2 2022, one per body that has one: Bromma's and
/// Skärholmen's, and those of the specialist committees and the company board.
const OPEN_ROUND_REPORTERS: [&str; 6] = [
    "arbetsmarknad@example.se",
    "bromma@example.se",
    "exploatering@example.se",
    "sbr@example.se",
    "skarholmen@example.se",
    "trafik@example.se",
];

/// Skärholmen submits; the coordinator finds the receipt waiting in Utskick and reads it
/// in full, with its link to the form. The reporter and the reader cannot open Utskick.
async fn the_receipt_waits_in_the_outbox_for_the_coordinator(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let answers = complete_answers();
    let done = reporter
        .post_whole_form(report, &pairs(&answers), "skicka-in")
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);

    let coordinator = app.signed_in("samordnare@example.se").await;
    let home = coordinator.get("/omgangar").await;
    assert!(home.text.contains("href=\"/utskick\""), "menu item Utskick");
    let outbox = coordinator.get("/utskick").await;
    assert_eq!(outbox.status, StatusCode::OK);
    assert!(outbox.text.contains("aria-current=\"page\""));
    assert!(
        outbox
            .text
            .contains("Kvitto: Tertialrapport 2 2022 – Skärholmens stadsdelsnämnd"),
        "{}",
        outbox.text
    );
    assert!(outbox.text.contains("skarholmen@example.se"));
    assert!(outbox.text.contains("Väntar"));
    let (mails, total) = app.store.mails(0, 10).await.expect("mails");
    assert_eq!(total, 1, "one receipt, once");
    let id = mails[0].id.0;

    let mail = coordinator.get(&format!("/utskick/{id}")).await;
    assert_eq!(mail.status, StatusCode::OK);
    assert!(mail.text.contains("Din rapport är inskickad och mottagen."));
    assert!(mail.text.contains("Version 1, inskickad"));
    assert!(
        mail.text
            .contains(&format!("http://127.0.0.1:8080/rapporter/{report}")),
        "{}",
        mail.text
    );

    for email in ["skarholmen@example.se", "lasare@example.se"] {
        let other = app.signed_in(email).await;
        for path in ["/utskick".to_owned(), format!("/utskick/{id}")] {
            let refused = other.get(&path).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{email} {path}");
            assert!(!refused.text.contains("Din rapport är inskickad"));
        }
        assert!(!other.get("/").await.text.contains("href=\"/utskick\""));
    }
    let anonymous = app.visitor().get("/utskick").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(
        coordinator.get("/utskick/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        coordinator.get("/utskick/inte-ett-nummer").await.status,
        StatusCode::NOT_FOUND
    );
    let audit = app
        .store
        .audit_of(AuditSubject::Outbox)
        .await
        .expect("audit");
    assert!(audit.iter().any(|e| e.action == "access_refused"));
}
story!(the_receipt_waits_in_the_outbox_for_the_coordinator);

/// Many mails: newest first, 50 a page, with links between the pages; the status shows a
/// failed attempt's error and a sent mail as sent.
async fn the_outbox_is_paged_newest_first_and_shows_each_mails_status(app: TestApp) {
    let mails: Vec<tertial_domain::NewMail> = (1..=60)
        .map(|n| tertial_domain::NewMail {
            recipient: format!("person{n}@example.se"),
            subject: format!("Meddelande nummer {n:02}"),
            body: "Hej!".into(),
            kind: tertial_domain::MailKind::Reminder,
            dedup_key: format!("test:{n}"),
        })
        .collect();
    for mail in &mails {
        app.clock.advance(jiff::SignedDuration::from_millis(5));
        app.store
            .queue_mails(std::slice::from_ref(mail), app.clock.now())
            .await
            .expect("queue");
    }
    let coordinator = app.signed_in("samordnare@example.se").await;
    let first = coordinator.get("/utskick").await;
    assert!(first.text.contains("60 meddelanden"));
    assert!(first.text.contains("Meddelande nummer 60"));
    assert!(first.text.contains("Meddelande nummer 11"));
    assert!(!first.text.contains("Meddelande nummer 10<"));
    assert!(first.text.contains("Sida 1 av 2"));
    assert!(first.text.contains("href=\"/utskick?sida=2\""));
    let second = coordinator.get("/utskick?sida=2").await;
    assert!(second.text.contains("Meddelande nummer 10"));
    assert!(second.text.contains("Meddelande nummer 01"));
    assert!(!second.text.contains("Meddelande nummer 11"));
    assert!(second.text.contains("href=\"/utskick?sida=1\""));
    assert_eq!(
        coordinator.get("/utskick?sida=abc").await.status,
        StatusCode::OK
    );

    // The oldest fails once, then the next one is sent.
    let now = app.clock.now();
    let later = now + jiff::SignedDuration::from_mins(1);
    let claimed = app
        .store
        .claim_mail("w", now, later)
        .await
        .expect("claim")
        .expect("due");
    assert!(
        app.store
            .mail_failed(claimed.id, "w", "451 4.3.0 prova senare", later, now)
            .await
            .expect("failed")
    );
    let next = app
        .store
        .claim_mail("w", now, later)
        .await
        .expect("claim")
        .expect("due");
    assert!(app.store.mail_sent(next.id, now).await.expect("sent"));
    let failed = coordinator.get(&format!("/utskick/{}", claimed.id)).await;
    assert!(failed.text.contains("Väntar"));
    assert!(
        failed.text.contains("1 försök misslyckades, nytt försök"),
        "{}",
        failed.text
    );
    assert!(failed.text.contains("Senaste fel: 451 4.3.0 prova senare"));
    let sent = coordinator.get(&format!("/utskick/{}", next.id)).await;
    assert!(sent.text.contains("Skickat"));
}
story!(the_outbox_is_paged_newest_first_and_shows_each_mails_status);

/// The reminder job, day by day, with the application's clock moved ahead: the demo's open
/// round is due in 30 days. A week before, and a day before, the reporters of the bodies
/// that have not submitted get a reminder; after the deadline, an overdue notice; each
/// once, however often the job runs. A body that submits gets no more.
async fn reminders_come_a_week_and_a_day_before_the_deadline_and_once_after_it(app: TestApp) {
    let mail = App::new(app.store.clone(), Settings::default()).with_clock(app.clock.clone());
    let day = jiff::SignedDuration::from_hours(24);
    let job_period = jiff::SignedDuration::from_mins(16);
    let kinds = |mails: &[tertial_app::MailRecord]| {
        let mut kinds: Vec<(String, String)> = mails
            .iter()
            .map(|m| (m.recipient.clone(), format!("{:?}", m.kind)))
            .collect();
        kinds.sort();
        kinds
    };

    assert_eq!(mail.run_reminders("w").await.expect("run"), Some(0));
    assert_eq!(
        mail.run_reminders("w").await.expect("run"),
        None,
        "not due again yet"
    );
    app.clock.advance(day * 23);
    assert_eq!(mail.run_reminders("w").await.expect("run"), Some(6));
    app.clock.advance(job_period);
    assert_eq!(mail.run_reminders("w").await.expect("run"), Some(0), "once");
    app.clock.advance(day * 5);
    assert_eq!(mail.run_reminders("w").await.expect("run"), Some(0));
    let (week, _) = app.store.mails(0, 10).await.expect("mails");
    let reminded: Vec<(String, String)> = OPEN_ROUND_REPORTERS
        .iter()
        .map(|r| (r.to_string(), "Reminder".to_owned()))
        .collect();
    assert_eq!(kinds(&week), reminded);
    assert!(week[0].body.contains("är om 7 dagar"), "{}", week[0].body);
    assert!(week[0].body.contains("http://127.0.0.1:8080/rapporter/"));

    app.clock.advance(day);
    assert_eq!(mail.run_reminders("w").await.expect("run"), Some(6));
    let (latest, total) = app.store.mails(0, 6).await.expect("mails");
    assert_eq!(total, 12);
    assert!(latest.iter().all(|m| m.body.contains("är i morgon")));

    // Skärholmen submits; after the deadline only the other five are told they are overdue.
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let answers = complete_answers();
    let done = reporter
        .post_whole_form(report, &pairs(&answers), "skicka-in")
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    app.clock.advance(day * 2);
    assert_eq!(mail.run_reminders("w").await.expect("run"), Some(5));
    app.clock.advance(job_period);
    assert_eq!(mail.run_reminders("w").await.expect("run"), Some(0));
    let (newest, total) = app.store.mails(0, 5).await.expect("mails");
    assert_eq!(
        total, 18,
        "twelve reminders, a receipt, five overdue notices"
    );
    let overdue: Vec<(String, String)> = OPEN_ROUND_REPORTERS
        .iter()
        .filter(|r| **r != "skarholmen@example.se")
        .map(|r| (r.to_string(), "Overdue".to_owned()))
        .collect();
    assert_eq!(kinds(&newest), overdue);
    assert!(
        newest
            .iter()
            .all(|m| m.body.contains("Sista svarsdag för Tertialrapport 2 2022"))
    );
}
story!(reminders_come_a_week_and_a_day_before_the_deadline_and_once_after_it);

/// The mails the lead wires into opening a round and returning or approving a report:
/// ready, addressed to each reporter of the body, with a link to the form, each once.
async fn invitations_returns_and_approvals_are_written_for_each_reporter(app: TestApp) {
    let mail = App::new(app.store.clone(), Settings::default());
    let rounds = app.store.rounds().await.expect("rounds");
    let open = rounds
        .iter()
        .find(|r| r.status == tertial_domain::RoundStatus::Open)
        .expect("an open round");
    let reporters = app
        .store
        .reporters_in_round(open.id)
        .await
        .expect("reporters");
    let mut emails: Vec<&str> = reporters.iter().map(|p| p.email.as_str()).collect();
    emails.sort();
    assert_eq!(emails, OPEN_ROUND_REPORTERS);
    let skarholmen = reporters
        .iter()
        .find(|p| p.email == "skarholmen@example.se")
        .expect("Skärholmen's reporter");
    let invitation = mail.invitation_for(skarholmen);
    assert!(
        invitation
            .subject
            .starts_with("Dags att svara: Tertialrapport 2 2022")
    );
    assert!(invitation.body.contains(&format!(
        "http://127.0.0.1:8080/rapporter/{}",
        skarholmen.report
    )));
    let returned = mail.returned_for(skarholmen, 1, "Komplettera fråga 2.1.");
    assert!(returned.body.contains("Komplettera fråga 2.1."));
    let approved = mail.approved_for(skarholmen, 2);
    assert!(approved.body.contains("godkänt version 2"));
    let all = [invitation.clone(), returned, approved, invitation];
    let queued = app
        .store
        .queue_mails(&all, app.clock.now())
        .await
        .expect("queue");
    assert_eq!(queued.len(), 3, "the same invitation is queued once");
}
story!(invitations_returns_and_approvals_are_written_for_each_reporter);
