//! The demo's specialist committees and company board: they take part in the open round
//! with example questions for focus areas 2 and 4, marked as examples on the form, while
//! the district committees are asked exactly what the real questionnaire asks.

use super::*;

/// The example questions every specialist committee and company board gets, in form order.
const EXAMPLE_QUESTIONS: [&str; 5] = [
    "handlaggning-foretag",
    "service-dialog-foretag",
    "upphandling-jobb-praktik",
    "kompetensforsorjning-samverkan",
    "feriejobb-praktikplatser",
];

/// The example question only Stockholm Business Region AB gets.
const SBR_ONLY: &str = "etableringsservice-sbr";

/// The question keys of a report form, in the order shown.
fn question_keys(html: &str) -> Vec<String> {
    html.split("data-field=\"")
        .skip(1)
        .filter(|rest| rest[..rest.find('>').unwrap_or(0)].contains(" data-question"))
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect()
}

/// The help text shown with a question on the form.
fn hint<'a>(html: &'a str, key: &str) -> &'a str {
    let start = format!("id=\"hint-{key}\">");
    let at = html
        .find(&start)
        .unwrap_or_else(|| panic!("no help for {key}"))
        + start.len();
    &html[at..at + html[at..].find("</div>").expect("hint end")]
}

/// A body's reporter opens the body's T2 form: it is theirs to fill in.
async fn t2_form(app: &TestApp, reporter: &str, body: &str) -> String {
    let client = app.signed_in(reporter).await;
    let report = app.report_id("T2 2022", body).await;
    let page = client.get(&format!("/rapporter/{report}")).await;
    assert_eq!(page.status, StatusCode::OK, "{reporter}");
    assert!(page.text.contains("form method=\"post\""), "{reporter}");
    page.text
}

/// Trafiknämnden's reporter sees the example questions of focus areas 2 and 4, each
/// marked "Exempelfråga:", and none of the districts' questions nor SBR's own; SBR's
/// reporter gets its own question too; Skärholmen's form asks what it always asked.
async fn example_bodies_get_example_questions_and_districts_theirs(app: TestApp) {
    let traffic = t2_form(&app, "trafik@example.se", "Trafik").await;
    assert!(traffic.contains("Trafiknämnden"));
    assert_eq!(question_keys(&traffic), EXAMPLE_QUESTIONS);
    for key in EXAMPLE_QUESTIONS {
        assert!(hint(&traffic, key).starts_with("Exempelfråga:"), "{key}");
    }
    assert!(traffic.contains("2. Förbättra service, tillgänglighet och myndighetsutövning"));
    assert!(traffic.contains("4. Öka tillgången till arbetskraft med relevant kompetens"));
    assert!(
        !traffic.contains("1. Stimulera tillväxt"),
        "no empty focus area"
    );
    for key in QUESTIONS.iter().chain([&SBR_ONLY]) {
        assert!(!traffic.contains(&format!("id=\"field-{key}\"")), "{key}");
    }

    let sbr = t2_form(&app, "sbr@example.se", "SBR").await;
    let mut expected: Vec<&str> = EXAMPLE_QUESTIONS[..2].to_vec();
    expected.push(SBR_ONLY);
    expected.extend(&EXAMPLE_QUESTIONS[2..]);
    assert_eq!(question_keys(&sbr), expected);
    assert!(hint(&sbr, SBR_ONLY).starts_with("Exempelfråga:"));
    assert!(hint(&sbr, SBR_ONLY).contains("bara Stockholm Business Region AB"));

    let skarholmen = t2_form(&app, "skarholmen@example.se", "Skärholmen").await;
    assert_eq!(question_keys(&skarholmen), QUESTIONS);
    assert!(!skarholmen.contains("Exempelfråga"));
}
story!(example_bodies_get_example_questions_and_districts_theirs);

/// Every new body took part in T1 2022 without handing in, and takes part in T2 2022
/// with its own reporter; Arbetsmarknadsnämnden's reporter submits the example questions
/// like any other report.
async fn example_bodies_take_part_in_both_rounds(app: TestApp) {
    let rounds = app.store.rounds().await.expect("rounds");
    for round in &rounds {
        let overview = app.store.round_overview(round.id).await.expect("overview");
        let names: Vec<&str> = overview
            .iter()
            .map(|o| o.body.short_name.as_str())
            .collect();
        for body in ["Exploatering", "Trafik", "Arbetsmarknad", "SBR"] {
            assert!(names.contains(&body), "{body} in {:?}", round.period);
        }
        assert_eq!(overview.len(), 17);
    }
    let t1 = app.report_id("T1 2022", "Trafik").await;
    let coordinator = app.signed_in("samordnare@example.se").await;
    let page = coordinator.get(&format!("/rapporter/{t1}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Inte inskickad"), "{}", page.text);
    assert!(page.text.contains("Rapporten har inte skickats in än."));

    let reporter = app.signed_in("arbetsmarknad@example.se").await;
    let report = app.report_id("T2 2022", "Arbetsmarknad").await;
    let mut answers: Vec<(String, String)> = EXAMPLE_QUESTIONS
        .iter()
        .map(|q| (format!("text.{q}"), format!("Svar på {q}.")))
        .collect();
    answers.extend(
        complete_answers()
            .into_iter()
            .filter(|(n, _)| n.starts_with("text.contact_")),
    );
    let done = reporter
        .post_whole_form(report, &pairs(&answers), "skicka-in")
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let versions = app
        .store
        .stored_submissions(tertial_domain::ReportId(report))
        .await
        .expect("versions");
    assert_eq!(versions.len(), 1);
}
story!(example_bodies_take_part_in_both_rounds);
