//! `tertial generate`: a small synthetic follow-up (12 bodies × 6 questions × 3 rounds) on
//! SQLite and PostgreSQL. What it says it made is what the database holds; every version
//! reads back as submitted content with valid answers; answers change a little between
//! rounds; the same seed gives the same content; the coordinator's round pages count the
//! same; and a database with data is refused.

use std::collections::BTreeMap;
use std::process::{Command, Output};

use tertial_app::generate::reporter_email;
use tertial_domain::validate::clean_text;
use tertial_domain::{ReportStatus, RoundStatus, Submission};
use tertial_store::{Backend, Store};

use crate::support::{BIN, REQUIRE_POSTGRES, Server, Session, get_text, skip, temp_dir};

const SCALE: [&str; 7] = [
    "--bodies",
    "12",
    "--questions",
    "6",
    "--rounds",
    "3",
    "--accounts",
];

fn generate(url: &str, seed: &str) -> Output {
    Command::new(BIN)
        .args(["generate", "--database-url", url, "--seed", seed])
        .args(SCALE)
        .env_remove("DATABASE_URL")
        .env_remove("TERTIAL_PASSWORD")
        .output()
        .expect("run tertial generate")
}

/// The figures of each round as the generator printed them: reports, handed in, versions,
/// second versions, approved, returned, missing, not started, drafts, not applicable, late.
fn printed_rounds(stdout: &str) -> Vec<Vec<usize>> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("Round ")?.split_once("): "))
        .map(|(_, figures)| {
            figures
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse().ok())
                .collect()
        })
        .collect()
}

/// Every submitted version in the database by (round, body name), oldest first.
type Versions = BTreeMap<(String, String), Vec<Submission>>;

/// Checks a freshly generated database against what the generator printed, and returns its
/// submitted versions.
async fn check_generated(url: &str, stdout: &str) -> Versions {
    let printed = printed_rounds(stdout);
    assert_eq!(printed.len(), 3, "{stdout}");
    let store = Store::connect(url).await.expect("store");
    assert_eq!(store.bodies().await.expect("bodies").len(), 12);
    let mut rounds = store.rounds().await.expect("rounds");
    rounds.reverse();
    let statuses: Vec<RoundStatus> = rounds.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [RoundStatus::Closed, RoundStatus::Closed, RoundStatus::Open]
    );
    let mut versions = Versions::new();
    let mut totals = [0usize; 11];
    for (round, figures) in rounds.iter().zip(&printed) {
        let questions = store
            .round_snapshot(round.id)
            .await
            .expect("snapshot")
            .questions;
        assert_eq!(questions.len(), 6);
        let overview = store.round_overview(round.id).await.expect("overview");
        let count = |status| {
            overview
                .iter()
                .filter(|o| o.report.status == status)
                .count()
        };
        let mut counted = [0usize; 11];
        counted[0] = overview.len();
        counted[1] = count(ReportStatus::Submitted) + count(ReportStatus::Approved);
        counted[4] = count(ReportStatus::Approved);
        counted[5] = count(ReportStatus::Returned);
        counted[7] = count(ReportStatus::NotStarted);
        counted[8] = count(ReportStatus::Draft);
        for listed in &overview {
            let submitted = store
                .stored_submissions(listed.report.id)
                .await
                .expect("every version reads back as submitted content");
            counted[2] += submitted.len();
            counted[3] += usize::from(submitted.len() > 1);
            counted[6] += usize::from(submitted.is_empty());
            let Some(latest) = submitted.last() else {
                continue;
            };
            counted[10] += usize::from(latest.late);
            let keys: Vec<_> = latest.content.answers.iter().map(|a| &a.key).collect();
            let asked: Vec<_> = questions.iter().map(|q| &q.key).collect();
            assert_eq!(keys, asked, "every question answered, in form order");
            for answer in &latest.content.answers {
                counted[9] += usize::from(answer.not_applicable);
                assert!(!answer.text.is_empty());
                assert_eq!(clean_text(&answer.text, 20_000), Ok(answer.text.clone()));
            }
            let key = (
                format!("{} {}", round.period.code(), round.year),
                listed.body.name.clone(),
            );
            versions.insert(key, submitted);
        }
        assert_eq!(
            &counted[..],
            &figures[..],
            "{} {}",
            round.period.code(),
            round.year
        );
        for (total, n) in totals.iter_mut().zip(counted) {
            *total += n;
        }
    }
    // Every kind of case occurs somewhere: second versions, approvals, missing reports,
    // "Ej aktuellt", a report returned and waiting in the open round.
    for (what, index) in [
        ("second versions", 3),
        ("approved", 4),
        ("returned", 5),
        ("missing", 6),
        ("not applicable", 9),
    ] {
        assert!(totals[index] > 0, "no {what}: {totals:?}");
    }
    store.close().await;
    versions
}

/// Between two rounds, a body's answer to a question is mostly unchanged, sometimes
/// changed; answers average about the length asked.
fn check_answers_change_a_little(versions: &Versions) {
    let text_of = |round: &str, body: &str, index: usize| {
        versions
            .get(&(round.to_owned(), body.to_owned()))
            .and_then(|v| v.last())
            .map(|s| s.content.answers[index].clone())
            .filter(|a| !a.not_applicable)
            .map(|a| a.text)
    };
    let (mut same, mut changed, mut chars, mut answers) = (0, 0, 0, 0);
    for (round, body) in versions.keys().filter(|(r, _)| r == "T2 2024") {
        for index in 0..6 {
            let (Some(before), Some(now)) =
                (text_of("T1 2024", body, index), text_of(round, body, index))
            else {
                continue;
            };
            if before == now {
                same += 1;
            } else {
                changed += 1;
            }
            chars += now.chars().count();
            answers += 1;
        }
    }
    assert!(same > 0 && changed > 0, "same {same}, changed {changed}");
    let average = chars / answers;
    assert!((1_200..=1_900).contains(&average), "average {average}");
}

/// The coordinator's page of each round counts what the generator made; the coordinator
/// reads a submitted report, and its body's reporter opens it.
async fn check_dashboard(url: &str, stdout: &str) {
    let server = Server::start(&["serve", "--database-url", url]);
    let coordinator = Session::sign_in(&server.base, "samordnare@example.se").await;
    let store = Store::connect(url).await.expect("store");
    let mut rounds = store.rounds().await.expect("rounds");
    rounds.reverse();
    let bodies = store.bodies().await.expect("bodies");
    let overview = store.round_overview(rounds[2].id).await.expect("overview");
    let handed_in = overview
        .iter()
        .find(|o| o.report.status == ReportStatus::Submitted)
        .expect("a submitted report in the open round");
    let latest = store
        .stored_submissions(handed_in.report.id)
        .await
        .expect("versions")
        .pop()
        .expect("a version");
    store.close().await;
    let answer = latest
        .content
        .answers
        .iter()
        .find(|a| !a.not_applicable)
        .expect("an answer");
    let first_line = answer.text.lines().next().expect("a line");
    let page_of = |session: &Session| {
        let url = format!("{}/rapporter/{}", server.base, handed_in.report.id.0);
        let client = session.client.clone();
        async move { get_text(&client, &url).await }
    };
    let page = page_of(&coordinator).await;
    assert!(
        page.contains(first_line),
        "{first_line} missing from:\n{page}"
    );
    let index = bodies
        .iter()
        .position(|b| b.id == handed_in.body.id)
        .expect("body");
    let reporter = Session::sign_in(&server.base, &reporter_email(index)).await;
    let page = page_of(&reporter).await;
    assert!(page.contains(&handed_in.body.name), "{page}");
    for (round, figures) in rounds.iter().zip(printed_rounds(stdout)) {
        let page = get_text(
            &coordinator.client,
            &format!("{}/omgangar/{}", server.base, round.id.0),
        )
        .await;
        let (reports, handed_in, approved) = (figures[0], figures[1], figures[4]);
        for expected in [
            format!("<dd>{handed_in} av {reports}</dd>"),
            format!("Alla ({reports})"),
            format!("Godkänd ({approved})"),
            format!("Ej påbörjad ({})", figures[7]),
            format!("Utkast ({})", figures[8]),
        ] {
            assert!(page.contains(&expected), "{expected} missing from:\n{page}");
        }
    }
}

async fn generates_and_refuses_again(backend: Backend) {
    let Some(url) = tertial_store::testing::fresh_database_url(backend).await else {
        skip(REQUIRE_POSTGRES, "TEST_DATABASE_URL is not set");
        return;
    };
    let out = generate(&url, "1");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("samordnare@example.se") && stdout.contains("\"tertial-demo\""));
    let versions = check_generated(&url, &stdout).await;
    check_answers_change_a_little(&versions);
    check_dashboard(&url, &stdout).await;

    let again = generate(&url, "2");
    assert!(!again.status.success(), "a database with data is refused");
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already holds a follow-up"), "{stderr}");
    let store = Store::connect(&url).await.expect("store");
    assert_eq!(
        store.bodies().await.expect("bodies").len(),
        12,
        "nothing added"
    );
    assert_eq!(store.rounds().await.expect("rounds").len(), 3);
    let entries = store
        .audit_page(&tertial_store::AuditFilter::default(), 10)
        .await
        .expect("audit");
    let generated: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "data_generated")
        .collect();
    assert_eq!(generated.len(), 1, "the generation is audited once");
    assert_eq!(generated[0].actor, None);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generates_a_follow_up_on_sqlite_and_refuses_a_second_run() {
    generates_and_refuses_again(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generates_a_follow_up_on_postgresql_and_refuses_a_second_run() {
    generates_and_refuses_again(Backend::Postgres).await;
}

/// The same seed gives the same content; another seed other content.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_content() {
    let dir = temp_dir("generate-seed");
    let mut runs = Vec::new();
    for (name, seed) in [("a", "7"), ("b", "7"), ("c", "8")] {
        let url = format!("sqlite:{}", dir.join(format!("{name}.db")).display());
        let out = generate(&url, seed);
        assert!(out.status.success());
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        runs.push(check_generated(&url, &stdout).await);
    }
    let content = |versions: &Versions| -> Vec<_> {
        versions
            .iter()
            .flat_map(|(key, v)| {
                v.iter()
                    .map(move |s| (key.clone(), s.number, s.submitted_at, s.content.clone()))
            })
            .collect()
    };
    assert_eq!(content(&runs[0]), content(&runs[1]));
    assert_ne!(content(&runs[0]), content(&runs[2]));
    let _ = std::fs::remove_dir_all(&dir);
}
