//! The review loop over HTTP: the coordinator returns a submitted report with comments, the
//! body sees them beside its answers and submits again, the coordinator sees what changed
//! word by word and approves; the body asks to reopen and gets an answer. And who may not.

use super::*;
use tertial_domain::{ReportId, ReportStatus};

async fn status(app: &TestApp, report: i64) -> ReportStatus {
    app.store
        .report(ReportId(report))
        .await
        .expect("report")
        .expect("exists")
        .status
}

/// Skärholmen's reporter submits T2 complete; returns the report's id.
async fn submitted_t2(app: &TestApp, reporter: &Client) -> i64 {
    let report = app.report_id("T2 2022", "Skärholmen").await;
    let sent = reporter
        .post_whole_form(report, &pairs(&complete_answers()), "skicka-in")
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    report
}

async fn actions(app: &TestApp, report: i64) -> Vec<String> {
    app.store
        .audit_of(AuditSubject::Report(ReportId(report)))
        .await
        .expect("audit")
        .into_iter()
        .map(|a| a.action)
        .collect()
}

/// The whole loop, as issue 7 tells it.
async fn returned_completed_resubmitted_and_approved(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = submitted_t2(&app, &reporter).await;
    let coordinator = app.signed_in("samordnare@example.se").await;
    let page = coordinator.get(&format!("/rapporter/{report}")).await;
    assert!(page.text.contains("Återsänd version 1"), "{}", page.text);
    assert!(page.text.contains("Godkänn version 1"));
    let csrf = coordinator.csrf.clone();
    let return_path = format!("/rapporter/{report}/atersand");

    // A return without a comment on the report is refused, and nothing changes: the report
    // comes back with the form as typed and the reason beside the empty comment.
    let typed = format!("comment.{}", QUESTIONS[0]);
    let empty = coordinator
        .post_form(
            &return_path,
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("comment", "  "),
                (&typed, "Hur många företag?"),
            ],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text.contains("Skriv en kommentar till rapporten"));
    assert!(
        empty.text.contains(r##"<a href="#atersand-kommentar">"##),
        "the summary links to the comment: {}",
        empty.text
    );
    assert!(empty.text.contains(r#"id="atersand-kommentar-fel""#));
    assert!(
        empty.text.contains(">Hur många företag?</textarea>"),
        "the answer's comment is kept"
    );
    // A comment with hidden characters: the reason is beside that answer's comment.
    let hidden = coordinator
        .post_form(
            &return_path,
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("comment", "Komplettera."),
                (&typed, "Dolt\u{202e}tecken"),
            ],
        )
        .await;
    assert_eq!(hidden.status, StatusCode::UNPROCESSABLE_ENTITY);
    let area = format!("kommentar-{}", QUESTIONS[0]);
    assert!(
        hidden.text.contains(&format!(r#"id="{area}-fel""#)),
        "{}",
        hidden.text
    );
    assert!(hidden.text.contains(">Komplettera.</textarea>"));
    assert_eq!(status(&app, report).await, ReportStatus::Submitted);

    let answer_comment = format!("comment.{}", QUESTIONS[1]);
    let returned = coordinator
        .post_form(
            &return_path,
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("comment", "Komplettera fråga 1.2 med exempel."),
                (&answer_comment, "Vilka företag deltog?"),
                (&format!("comment.{}", QUESTIONS[2]), " "),
            ],
        )
        .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.text);
    assert_eq!(status(&app, report).await, ReportStatus::Returned);
    let after = coordinator
        .get(returned.location.as_deref().expect("to"))
        .await;
    assert!(after.text.contains("Rapporten är återsänd till organet"));
    assert!(
        after.text.contains("Vilka företag deltog?"),
        "listed in the history"
    );

    // The body sees the comment at the top and beside the answer, tied to the field.
    let form = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(form.text.contains("Återsänd för komplettering"));
    assert!(form.text.contains("Komplettera fråga 1.2 med exempel."));
    let beside = format!("id=\"review-{}\"", QUESTIONS[1]);
    let at = form
        .text
        .find(&beside)
        .expect("the comment beside the answer");
    assert!(form.text[at..].contains("Vilka företag deltog?"));
    let field_tag = format!("id=\"field-{}\"", QUESTIONS[1]);
    let field = &form.text[form.text.find(&field_tag).expect("field")..];
    let field = &field[..field.find('>').expect("tag end")];
    assert!(
        field.contains(&format!("review-{}", QUESTIONS[1])),
        "aria-describedby names the comment: {field}"
    );
    assert!(
        !form
            .text
            .contains(&format!("id=\"review-{}\"", QUESTIONS[2])),
        "a blank answer comment is no comment"
    );

    // Completed and submitted again: version 2.
    let key = format!("text.{}", QUESTIONS[1]);
    let new_answer = format!(
        "Svar på {}. Företagen i Skärholmens centrum deltog.",
        QUESTIONS[1]
    );
    let resubmitted = reporter
        .post_whole_form(report, &[(&key, &new_answer)], "skicka-in")
        .await;
    assert_eq!(
        resubmitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        resubmitted.text
    );
    assert!(
        resubmitted
            .location
            .as_deref()
            .is_some_and(|l| l.contains("/versioner/2")),
        "{:?}",
        resubmitted.location
    );

    // The coordinator sees what changed, word by word, and the comment given.
    let page = coordinator.get(&format!("/rapporter/{report}")).await;
    assert!(page.text.contains("version 2"));
    assert!(page.text.contains("Ändrat sedan version 1"));
    assert!(
        page.text.contains(
            "<ins><span class=\"visually-hidden\">Tillagt: </span> Företagen i Skärholmens centrum deltog.</ins>"
        ),
        "{}",
        page.text
    );
    assert!(page.text.contains("Kommentar till version 1"));
    assert_eq!(
        page.text.matches("Ändrat sedan version").count(),
        1,
        "only the changed answer"
    );
    // Returning version 1 again (a stale page) is refused.
    let stale = coordinator
        .post_form(
            &return_path,
            &[("csrf", &csrf), ("version", "1"), ("comment", "Igen")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text.contains("nyare version, version 2"));

    let approved = coordinator
        .post_form(
            &format!("/rapporter/{report}/godkann"),
            &[("csrf", &csrf), ("version", "2"), ("comment", "Tack!")],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.text);
    assert_eq!(status(&app, report).await, ReportStatus::Approved);

    // Read-only for everyone; every version and comment stays readable.
    let page = coordinator.get(&format!("/rapporter/{report}")).await;
    assert!(page.text.contains("Godkänd"));
    assert!(!page.text.contains("/godkann\""), "no more review forms");
    assert!(!page.text.contains("/atersand\""));
    let own = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(
        !own.text
            .contains(&format!("action=\"/rapporter/{report}\""))
    );
    assert!(
        !own.text.contains("/oppna-igen\""),
        "an approved report is final"
    );
    assert!(own.text.contains("Tack!"));
    assert!(own.text.contains("Vilka företag deltog?"));
    let saved = reporter.autosave(report, QUESTIONS[0], "Efteråt", 9).await;
    assert_eq!(saved.status, StatusCode::CONFLICT);
    for number in [1, 2] {
        let version = coordinator
            .get(&format!("/rapporter/{report}/versioner/{number}"))
            .await;
        assert_eq!(version.status, StatusCode::OK);
    }
    let audit = actions(&app, report).await;
    for action in ["report_returned", "report_approved"] {
        assert_eq!(
            audit.iter().filter(|a| *a == action).count(),
            1,
            "{audit:?}"
        );
    }
    assert_eq!(audit.iter().filter(|a| *a == "report_submitted").count(), 2);
}
story!(returned_completed_resubmitted_and_approved);

/// Only coordinators and administrators return and approve; only the body's reporters ask
/// to reopen; others reach nothing, and a change without the session's token is refused.
async fn only_the_right_people_review_or_ask(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = submitted_t2(&app, &reporter).await;
    let return_path = format!("/rapporter/{report}/atersand");
    let approve_path = format!("/rapporter/{report}/godkann");
    let reopen_path = format!("/rapporter/{report}/oppna-igen");
    let own = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(
        !own.text.contains("/atersand\""),
        "no return form for the body"
    );

    for (path, expected) in [
        (&return_path, StatusCode::FORBIDDEN),
        (&approve_path, StatusCode::FORBIDDEN),
    ] {
        let tried = reporter
            .post_form(
                path,
                &[
                    ("csrf", &reporter.csrf),
                    ("version", "1"),
                    ("comment", "Själv"),
                ],
            )
            .await;
        assert_eq!(tried.status, expected, "reporter at {path}");
    }
    for email in ["lasare@example.se", "bromma@example.se"] {
        let other = app.signed_in(email).await;
        for path in [&return_path, &approve_path, &reopen_path] {
            let tried = other
                .post_form(
                    path,
                    &[
                        ("csrf", &other.csrf),
                        ("version", "1"),
                        ("comment", "Nej"),
                        ("reason", "Nej"),
                    ],
                )
                .await;
            assert_eq!(tried.status, StatusCode::NOT_FOUND, "{email} at {path}");
        }
    }
    let coordinator = app.signed_in("samordnare@example.se").await;
    let asked = coordinator
        .post_form(
            &reopen_path,
            &[
                ("csrf", &coordinator.csrf),
                ("version", "1"),
                ("reason", "Jag"),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::FORBIDDEN, "only the body asks");
    let forged = coordinator
        .post_form(
            &approve_path,
            &[("csrf", "fel"), ("version", "1"), ("comment", "")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(status(&app, report).await, ReportStatus::Submitted);

    // A report that is not submitted cannot be returned or approved.
    let bromma = app.report_id("T2 2022", "Bromma").await;
    let not_yet = coordinator
        .post_form(
            &format!("/rapporter/{bromma}/godkann"),
            &[
                ("csrf", &coordinator.csrf),
                ("version", "0"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(not_yet.status, StatusCode::CONFLICT);
    assert!(not_yet.text.contains("inte inskickad"), "{}", not_yet.text);
    let audit = actions(&app, report).await;
    assert!(
        !audit
            .iter()
            .any(|a| a == "report_returned" || a == "report_approved"),
        "{audit:?}"
    );
    assert!(audit.iter().any(|a| a == "access_refused"));
}
story!(only_the_right_people_review_or_ask);

/// The body asks to reopen with a reason; the coordinator declines with an answer, the
/// body sees it; asked again, the coordinator grants and the form opens again.
async fn a_request_to_reopen_is_declined_then_granted(app: TestApp) {
    let reporter = app.signed_in("skarholmen@example.se").await;
    let report = submitted_t2(&app, &reporter).await;
    let reopen_path = format!("/rapporter/{report}/oppna-igen");
    let own = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(own.text.contains("Be om att få öppna rapporten igen"));
    assert!(
        !own.text.contains("<textarea"),
        "the submitted report has no fields"
    );
    let form = reporter.get(&reopen_path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text.contains("Varför behöver rapporten ändras?"));
    let coordinator = app.signed_in("samordnare@example.se").await;
    assert_eq!(
        coordinator.get(&reopen_path).await.status,
        StatusCode::FORBIDDEN,
        "only the body asks"
    );
    let no_reason = reporter
        .post_form(
            &reopen_path,
            &[("csrf", &reporter.csrf), ("version", "1"), ("reason", "")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.text.contains("Skriv varför"));
    assert!(
        no_reason.text.contains(r#"aria-invalid="true""#),
        "the request form again, the reason marked: {}",
        no_reason.text
    );
    let asked = reporter
        .post_form(
            &reopen_path,
            &[
                ("csrf", &reporter.csrf),
                ("version", "1"),
                ("reason", "Fel antal företag i fråga 1.1."),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.text);
    let twice = reporter
        .post_form(
            &reopen_path,
            &[
                ("csrf", &reporter.csrf),
                ("version", "1"),
                ("reason", "Igen"),
            ],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let waiting = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(waiting.text.contains("Väntar på svar från samordnaren."));
    assert!(
        !waiting.text.contains("/oppna-igen\""),
        "one request at a time"
    );

    let coordinator = app.signed_in("samordnare@example.se").await;
    let page = coordinator.get(&format!("/rapporter/{report}")).await;
    assert!(page.text.contains("Fel antal företag i fråga 1.1."));
    let fields = form_fields_of(&page.text, &format!("/rapporter/{report}/begaran"));
    let request = fields
        .iter()
        .find(|(n, _)| n == "request")
        .expect("request id")
        .1
        .clone();
    let decide = |decision: &'static str, request: String, answer: &'static str| {
        let coordinator = &coordinator;
        async move {
            coordinator
                .post_form(
                    &format!("/rapporter/{report}/begaran"),
                    &[
                        ("csrf", &coordinator.csrf),
                        ("request", &request),
                        ("decision", decision),
                        ("answer", answer),
                    ],
                )
                .await
        }
    };
    let declined = decide("avsla", request.clone(), "Mejla rättelsen till mig.").await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER, "{}", declined.text);
    assert_eq!(status(&app, report).await, ReportStatus::Submitted);
    let again = decide("bevilja", request, "").await;
    assert_eq!(again.status, StatusCode::CONFLICT, "answered once");
    assert_eq!(status(&app, report).await, ReportStatus::Submitted);
    let own = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(own.text.contains("Avslagen"));
    assert!(own.text.contains("Mejla rättelsen till mig."));

    let asked = reporter
        .post_form(
            &reopen_path,
            &[
                ("csrf", &reporter.csrf),
                ("version", "1"),
                ("reason", "Nämnden har beslutat om nya insatser."),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let page = coordinator.get(&format!("/rapporter/{report}")).await;
    let fields = form_fields_of(&page.text, &format!("/rapporter/{report}/begaran"));
    let request = fields
        .iter()
        .find(|(n, _)| n == "request")
        .expect("request id")
        .1
        .clone();
    let granted = decide("bevilja", request, "").await;
    assert_eq!(granted.status, StatusCode::SEE_OTHER, "{}", granted.text);
    assert_eq!(status(&app, report).await, ReportStatus::Returned);
    let own = reporter.get(&format!("/rapporter/{report}")).await;
    assert!(own.text.contains("Beviljad"));
    assert!(
        own.text
            .contains(&format!("action=\"/rapporter/{report}\"")),
        "the form is open again"
    );
    // Each answer reached the body's reporter by mail, with the coordinator's words.
    let (mails, _) = app.store.mails(0, 50).await.expect("outbox");
    let answers: Vec<_> = mails
        .iter()
        .filter(|m| m.kind == tertial_domain::MailKind::ReopenDecided)
        .collect();
    assert_eq!(answers.len(), 2, "one mail per decision");
    assert!(
        answers
            .iter()
            .all(|m| m.recipient == "skarholmen@example.se")
    );
    let declined = answers
        .iter()
        .find(|m| {
            m.subject
                .starts_with("Begäran om att öppna rapporten avslogs")
        })
        .expect("the decline");
    assert!(declined.body.contains("Mejla rättelsen till mig."));
    assert!(
        answers
            .iter()
            .any(|m| m.subject.starts_with("Rapporten är öppen igen")
                && m.body.contains(&format!("/rapporter/{report}"))),
        "the grant, with the link"
    );
    let audit = actions(&app, report).await;
    assert_eq!(audit.iter().filter(|a| *a == "reopen_requested").count(), 2);
    assert_eq!(audit.iter().filter(|a| *a == "reopen_decided").count(), 2);
}
story!(a_request_to_reopen_is_declined_then_granted);
