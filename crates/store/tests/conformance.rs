//! The store's conformance suite: every operation, run alike on SQLite and on PostgreSQL.
//!
//! PostgreSQL needs `TEST_DATABASE_URL`; see `tertial_store::testing`.

use sqlx::AnyPool;
use tertial_domain::report::prepare_submission;
use tertial_domain::{
    Actor, AuditAction, AuditSubject, BodyKind, DraftAccess, Field, FieldValue, FocusArea,
    NewAuditEntry, Period, Problem, Question, QuestionKey, ReportId, ReportStatus, Role,
    RoundStatus, SaveOutcome, Timestamp, UserId,
};
use tertial_store::{Backend, NewUser, Refusal, ReviewRefusal, Store, StoreError, SubmitOutcome};

/// A fresh, empty database of the given backend, and its URL.
async fn fresh(backend: Backend) -> Option<(Store, String)> {
    let url = tertial_store::testing::fresh_database_url(backend).await?;
    let store = Store::connect(&url).await.expect("connect");
    Some((store, url))
}

/// Declares a scenario that runs once per backend.
macro_rules! conformance {
    ($name:ident, $body:ident) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let (store, url) = fresh(Backend::Sqlite).await.expect("sqlite");
                $body(store, url).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some((store, url)) = fresh(Backend::Postgres).await {
                    $body(store, url).await;
                }
            }
        }
    };
}

/// Running rounds from the browser (a module of this binary: one test binary per crate).
#[path = "running/rounds.rs"]
mod running_rounds;

fn now() -> Timestamp {
    Timestamp::now()
}

fn key(k: &str) -> QuestionKey {
    QuestionKey::parse(k).expect("key")
}

fn question(k: &str, area: u32, position: u32, kinds: &[BodyKind]) -> Question {
    Question {
        key: key(k),
        focus_area: area,
        position,
        text: format!("Fråga {k}"),
        help: None,
        applies_to: kinds.to_vec(),
        bodies: Vec::new(),
        not_applicable_allowed: true,
    }
}

fn audit(action: AuditAction) -> NewAuditEntry {
    NewAuditEntry::new(None, action, AuditSubject::Rounds)
}

/// A sign-in or sign-out's entry.
fn signed(action: AuditAction, user: UserId) -> NewAuditEntry {
    NewAuditEntry::new(Some(user), action, AuditSubject::User(user))
}

/// Two district committees and a company board; a follow-up with two questions for
/// districts and one for boards; an open round. Returns the store's reporter and report ids.
struct World {
    reporter: UserId,
    /// The reporter's access to the district report's draft, without a session (as the
    /// command line has).
    draft: DraftAccess,
    district_report: tertial_domain::ReportId,
    round: tertial_domain::RoundId,
    questions: Vec<Question>,
}

async fn world(store: &Store) -> World {
    let d1 = store
        .insert_body(
            "Skärholmens stadsdelsnämnd",
            "Skärholmen",
            BodyKind::DistrictCommittee,
        )
        .await
        .expect("body");
    store
        .insert_body(
            "Bromma stadsdelsnämnd",
            "Bromma",
            BodyKind::DistrictCommittee,
        )
        .await
        .expect("body");
    store
        .insert_body(
            "Stockholm Business Region AB",
            "SBR",
            BodyKind::CompanyBoard,
        )
        .await
        .expect("body");
    let questions = vec![
        question("samverkan", 1, 1, &[BodyKind::DistrictCommittee]),
        question("vaxla-upp", 1, 2, &[BodyKind::DistrictCommittee]),
        question("bolag", 2, 1, &[BodyKind::CompanyBoard]),
    ];
    let areas = vec![
        FocusArea {
            number: 1,
            official_name: "Stimulera tillväxt och företagsamhet".into(),
            label: "Stimulera tillväxt och företagsamhet".into(),
        },
        FocusArea {
            number: 2,
            official_name: "Förbättra service, tillgänglighet och myndighetsutövning".into(),
            label: "Förbättra service".into(),
        },
    ];
    let follow_up = store
        .insert_follow_up("Uppföljning", "Syfte", &areas, &questions)
        .await
        .expect("follow-up");
    let deadline = jiff::civil::date(2022, 5, 10);
    let round = store
        .insert_round(follow_up, Period::T1, 2022, deadline)
        .await
        .expect("round");
    let created = store
        .open_round(round, now(), &audit(AuditAction::RoundOpened))
        .await
        .expect("open");
    assert_eq!(created, Some(3));
    let reporter = store
        .insert_user(
            &NewUser {
                email: "skarholmen@example.se".into(),
                name: "Rapportör Skärholmen".into(),
                role: Role::Reporter,
                password_hash: Some("$argon2id$fake".into()),
                bodies: vec![d1],
            },
            now(),
            None,
        )
        .await
        .expect("user");
    let overview = store.round_overview(round).await.expect("overview");
    let district_report = overview
        .iter()
        .find(|o| o.body.id == d1)
        .expect("report for Skärholmen")
        .report
        .id;
    World {
        reporter,
        draft: draft(store, district_report, reporter, None).await,
        district_report,
        round,
        questions,
    }
}

/// Access to a report's draft for `user`, as a reporter of its body, through `session`.
async fn draft(
    store: &Store,
    report: tertial_domain::ReportId,
    user: UserId,
    session: Option<String>,
) -> DraftAccess {
    let report = store.report(report).await.expect("report").expect("exists");
    let reporter = Actor {
        id: user,
        name: "Rapportör".into(),
        email: "rapportor@example.se".into(),
        role: Role::Reporter,
        bodies: vec![report.body_id],
        session,
    };
    reporter
        .draft_access(&report)
        .expect("a reporter of the body")
}

async fn opening_a_round_freezes_questions_and_creates_reports(store: Store, _url: String) {
    let w = world(&store).await;
    let round = store.round(w.round).await.expect("round").expect("exists");
    assert_eq!(round.status, RoundStatus::Open);
    assert_eq!(round.deadline, jiff::civil::date(2022, 5, 10));
    let snapshot = store.round_snapshot(w.round).await.expect("snapshot");
    assert_eq!(snapshot.questions, w.questions);
    assert_eq!(snapshot.focus_areas.len(), 2);
    assert_eq!(snapshot.focus_areas[1].label, "Förbättra service");
    let overview = store.round_overview(w.round).await.expect("overview");
    assert!(
        overview
            .iter()
            .all(|o| o.report.status == ReportStatus::NotStarted)
    );
    let kinds: Vec<_> = overview.iter().map(|o| o.body.kind).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == BodyKind::CompanyBoard)
            .count(),
        1
    );
    // Opening twice does nothing.
    let again = store
        .open_round(w.round, now(), &audit(AuditAction::RoundOpened))
        .await
        .expect("open again");
    assert_eq!(again, None);
    assert!(
        store
            .close_round(w.round, now(), &audit(AuditAction::RoundClosed))
            .await
            .expect("close")
    );
    let round = store.round(w.round).await.expect("round").expect("exists");
    assert_eq!(round.status, RoundStatus::Closed);
    assert_eq!(store.rounds().await.expect("rounds").len(), 1);
    let audit = store.audit_of(AuditSubject::Rounds).await.expect("audit");
    let actions: Vec<_> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["round_opened", "round_closed"]);
}
conformance!(
    opening_a_round,
    opening_a_round_freezes_questions_and_creates_reports
);

async fn a_save_based_on_an_old_version_never_overwrites(store: Store, _url: String) {
    let w = world(&store).await;
    let field = Field::Answer(key("samverkan"));
    let save = |value: &str, base: i64| {
        let changes = vec![(field.clone(), FieldValue::text(value), base)];
        let store = store.clone();
        let by = w.draft.clone();
        async move {
            store
                .save_fields(&by, &changes, now())
                .await
                .expect("save")
                .expect("editable")
                .remove(0)
        }
    };
    assert!(matches!(
        save("Första", 0).await,
        SaveOutcome::Saved { version: 1, .. }
    ));
    assert!(matches!(
        save("Andra", 1).await,
        SaveOutcome::Saved { version: 2, .. }
    ));
    // A colleague still on version 1 is told, and shown what is stored now.
    match save("Kollegans", 1).await {
        SaveOutcome::Conflict(current) => {
            assert_eq!(current.version, 2);
            assert_eq!(current.value.text, "Andra");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    // So is someone who thinks the field was never saved.
    assert!(matches!(save("Ny", 0).await, SaveOutcome::Conflict(_)));
    let fields = store
        .stored_fields(w.district_report)
        .await
        .expect("fields");
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].value.text, "Andra");
    assert_eq!(fields[0].version, 2);
    let report = store
        .report(w.district_report)
        .await
        .expect("r")
        .expect("exists");
    assert_eq!(report.status, ReportStatus::Draft);
    assert!(report.updated_at.is_some());
    let audit = store
        .audit_of(AuditSubject::Report(w.district_report))
        .await
        .expect("audit");
    let actions: Vec<_> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "answer_saved",
            "answer_saved",
            "save_conflict",
            "save_conflict"
        ]
    );
    // PostgreSQL writes the entry in its save statement; it reads as the domain's own.
    let expected = NewAuditEntry::answer_saved(w.reporter, w.district_report, &field, 2, false);
    assert_eq!(audit[1].detail, expected.detail);
    assert_eq!(audit[1].subject, expected.subject.to_string());
    assert_eq!(audit[1].actor, expected.actor);
    assert!(
        audit.iter().all(|a| !a.detail.contains("Andra")),
        "no draft text in the log"
    );
}
conformance!(
    versioned_saves,
    a_save_based_on_an_old_version_never_overwrites
);

async fn concurrent_saves_from_one_version_let_exactly_one_win(store: Store, _url: String) {
    let w = world(&store).await;
    let field = Field::ContactEmail;
    store
        .save_fields(
            &w.draft,
            &[(field.clone(), FieldValue::text("a@example.se"), 0)],
            now(),
        )
        .await
        .expect("save")
        .expect("editable");
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let store = store.clone();
            let field = field.clone();
            let by = w.draft.clone();
            tokio::spawn(async move {
                let changes = [(field, FieldValue::text(format!("{i}@example.se")), 1)];
                store
                    .save_fields(&by, &changes, now())
                    .await
                    .expect("save")
                    .expect("editable")
                    .remove(0)
            })
        })
        .collect();
    let mut saved = 0;
    for task in tasks {
        if matches!(task.await.expect("task"), SaveOutcome::Saved { .. }) {
            saved += 1;
        }
    }
    assert_eq!(saved, 1);
    let fields = store
        .stored_fields(w.district_report)
        .await
        .expect("fields");
    assert_eq!(fields[0].version, 2);
}
conformance!(
    concurrent_saves,
    concurrent_saves_from_one_version_let_exactly_one_win
);

async fn submitting_freezes_numbered_immutable_versions(store: Store, url: String) {
    let w = world(&store).await;
    let snapshot = store.round_snapshot(w.round).await.expect("snapshot");
    let mine: Vec<&Question> = snapshot
        .questions
        .iter()
        .filter(|q| q.applies_to.contains(&BodyKind::DistrictCommittee))
        .collect();
    let submit = || {
        let store = store.clone();
        let mine = mine.clone();
        let by = w.draft.clone();
        async move {
            store
                .submit(
                    &by,
                    now(),
                    false,
                    &|fields| prepare_submission(&mine, fields),
                    Some(&receipt),
                )
                .await
                .expect("submit")
        }
    };
    match submit().await {
        Ok(SubmitOutcome::Incomplete(problems)) => {
            assert_eq!(problems.len(), 5);
            assert_eq!(problems[0], Problem::Unanswered(key("samverkan")));
        }
        other => panic!("expected incomplete, got {other:?}"),
    }
    let changes = vec![
        (
            Field::Answer(key("samverkan")),
            FieldValue::text("Platssamverkan."),
            0,
        ),
        (
            Field::Answer(key("vaxla-upp")),
            FieldValue::not_applicable(),
            0,
        ),
        (
            Field::ContactName,
            FieldValue::text("Kontaktperson Exempel"),
            0,
        ),
        (Field::ContactPhone, FieldValue::text("08-000 00 00"), 0),
        (
            Field::ContactEmail,
            FieldValue::text("kontaktperson@example.se"),
            0,
        ),
    ];
    store
        .save_fields(&w.draft, &changes, now())
        .await
        .expect("save")
        .expect("editable");
    let submission = match submit().await {
        Ok(SubmitOutcome::Submitted(s)) => s,
        other => panic!("expected a submission, got {other:?}"),
    };
    assert_eq!(submission.number, 1);
    assert_eq!(submission.submitted_by_name, "Rapportör Skärholmen");
    assert_eq!(submission.content.answers.len(), 2);
    assert!(submission.content.answers[1].not_applicable);
    // Read-only now: saving and submitting again are refused.
    let refused = store
        .save_fields(&w.draft, &changes[..1], now())
        .await
        .expect("save");
    assert_eq!(refused, Err(Refusal::NotEditable(ReportStatus::Submitted)));
    assert_eq!(
        submit().await,
        Err(Refusal::NotEditable(ReportStatus::Submitted))
    );
    let stored = store
        .stored_submissions(w.district_report)
        .await
        .expect("submissions");
    assert_eq!(stored, vec![submission]);
    let report = store
        .report(w.district_report)
        .await
        .expect("r")
        .expect("exists");
    assert_eq!(report.status, ReportStatus::Submitted);
    assert_eq!(report.submitted_at, Some(stored[0].submitted_at));
    // The database itself refuses to change a submission or the audit log.
    let pool = AnyPool::connect(&url).await.expect("connect");
    for statement in [
        "UPDATE submissions SET content = '{}'",
        "DELETE FROM submissions",
        "UPDATE audit_log SET detail = ''",
        "DELETE FROM audit_log",
    ] {
        assert!(
            sqlx::query(statement).execute(&pool).await.is_err(),
            "{statement} was allowed"
        );
    }
    pool.close().await;
    assert_eq!(
        store
            .stored_submissions(w.district_report)
            .await
            .expect("s")
            .len(),
        1
    );
}
conformance!(submissions, submitting_freezes_numbered_immutable_versions);

async fn accounts_and_sessions(store: Store, _url: String) {
    let w = world(&store).await;
    let duplicate = store
        .insert_user(
            &NewUser {
                email: "skarholmen@example.se".into(),
                name: "Dubblett".into(),
                role: Role::Reader,
                password_hash: None,
                bodies: vec![],
            },
            now(),
            None,
        )
        .await;
    assert!(matches!(duplicate, Err(StoreError::Duplicate("user"))));
    let user = store
        .user_by_email(" Skarholmen@Example.se ")
        .await
        .expect("lookup")
        .expect("found");
    assert_eq!(user.actor.id, w.reporter);
    assert_eq!(user.actor.role, Role::Reporter);
    assert_eq!(user.actor.bodies.len(), 1);
    assert!(user.active);
    assert!(
        store
            .user_by_email("nobody@example.se")
            .await
            .expect("lookup")
            .is_none()
    );

    let t0 = now();
    let later = t0 + jiff::SignedDuration::from_hours(1);
    store
        .insert_session(
            "hash-1",
            w.reporter,
            "csrf-1",
            t0,
            later,
            &signed(AuditAction::SignedIn, w.reporter),
        )
        .await
        .expect("session");
    let session = store.session("hash-1", t0).await.expect("s").expect("live");
    assert_eq!(session.actor.id, w.reporter);
    assert_eq!(session.csrf_token, "csrf-1");
    assert!(
        store.session("hash-1", later).await.expect("s").is_none(),
        "expired"
    );
    assert!(store.session("hash-2", t0).await.expect("s").is_none());
    let much_later = later + jiff::SignedDuration::from_hours(1);
    store
        .touch_session("hash-1", later, much_later)
        .await
        .expect("touch");
    assert!(store.session("hash-1", later).await.expect("s").is_some());
    assert_eq!(
        store.delete_expired_sessions(much_later).await.expect("gc"),
        1
    );
    assert!(store.session("hash-1", later).await.expect("s").is_none());
    store
        .insert_session(
            "hash-3",
            w.reporter,
            "csrf-3",
            t0,
            later,
            &signed(AuditAction::SignedIn, w.reporter),
        )
        .await
        .expect("session");
    store
        .delete_session("hash-3", t0, &signed(AuditAction::SignedOut, w.reporter))
        .await
        .expect("delete");
    let audit = store
        .audit_of(AuditSubject::User(w.reporter))
        .await
        .expect("audit");
    let actions: Vec<_> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        ["user_added", "signed_in", "signed_in", "signed_out"]
    );
    assert!(store.session("hash-3", t0).await.expect("s").is_none());
}
conformance!(accounts, accounts_and_sessions);

async fn a_demo_can_be_rebuilt_but_nothing_else_is_dropped(store: Store, url: String) {
    assert!(store.is_empty().await.expect("empty"));
    world(&store).await;
    assert!(!store.is_empty().await.expect("empty"));
    assert!(!store.is_demo().await.expect("demo"));
    store.mark_demo("demo-password").await.expect("mark");
    assert_eq!(
        store.demo_password().await.expect("pw").as_deref(),
        Some("demo-password")
    );
    assert!(store.is_demo().await.expect("demo"));
    assert!(store.integrity_problems().await.expect("check").is_empty());
    store.drop_everything().await.expect("drop");
    let store = Store::connect(&url).await.expect("reconnect");
    assert!(store.is_empty().await.expect("empty"));
    assert!(!store.is_demo().await.expect("demo"));
}
conformance!(demo, a_demo_can_be_rebuilt_but_nothing_else_is_dropped);

#[test]
fn urls_without_a_known_scheme_are_refused() {
    assert_eq!(Backend::of_url("sqlite:x.db").ok(), Some(Backend::Sqlite));
    assert_eq!(
        Backend::of_url("postgres://h/db").ok(),
        Some(Backend::Postgres)
    );
    assert!(Backend::of_url("tertial.db").is_err());
    assert!(Backend::of_url("mysql://h/db").is_err());
}

async fn a_closed_round_takes_no_saves_or_submissions(store: Store, _url: String) {
    let w = world(&store).await;
    let change = [(Field::ContactName, FieldValue::text("Kim"), 0)];
    store
        .save_fields(&w.draft, &change, now())
        .await
        .expect("save")
        .expect("open");
    assert!(
        store
            .close_round(w.round, now(), &audit(AuditAction::RoundClosed))
            .await
            .expect("close")
    );
    let change = [(Field::ContactName, FieldValue::text("Sent"), 1)];
    let refused = store
        .save_fields(&w.draft, &change, now())
        .await
        .expect("save");
    assert_eq!(refused, Err(Refusal::RoundClosed));
    let submitted = store
        .submit(
            &w.draft,
            now(),
            true,
            &|_| Err(vec![Problem::ContactNameMissing]),
            None,
        )
        .await
        .expect("submit");
    assert_eq!(submitted, Err(Refusal::RoundClosed));
    let fields = store
        .stored_fields(w.district_report)
        .await
        .expect("fields");
    assert_eq!(fields[0].value.text, "Kim");
}
conformance!(closed_round, a_closed_round_takes_no_saves_or_submissions);

/// The other reports of the world's round, besides Skärholmen's, with the fields each has.
async fn every_field(store: &Store, w: &World) -> Vec<(tertial_domain::ReportId, Field)> {
    let mut pairs = Vec::new();
    for overview in store.round_overview(w.round).await.expect("overview") {
        let kind = overview.body.kind;
        let answers = w
            .questions
            .iter()
            .filter(|q| q.applies_to.contains(&kind))
            .map(|q| Field::Answer(q.key.clone()));
        let fixed = [
            Field::ContactName,
            Field::ContactPhone,
            Field::ContactEmail,
            Field::OtherInformation,
        ];
        for field in answers.chain(fixed) {
            pairs.push((overview.report.id, field));
        }
    }
    pairs
}

/// The version of a field stored now (0: never saved).
async fn stored_version(store: &Store, report: tertial_domain::ReportId, field: &Field) -> i64 {
    store
        .stored_fields(report)
        .await
        .expect("fields")
        .iter()
        .find(|f| f.field == *field)
        .map_or(0, |f| f.version)
}

/// A text of some kilobytes, different for every save.
fn long_text(label: &str, n: usize) -> String {
    format!(
        "{label} sparning {n}: {}",
        "å".repeat(1500 + (n * 577) % 3000)
    )
}

/// A full database on SQLite, made with `max_page_count` (the CLI tests fill a real disk):
/// saves fail and say so, readiness goes red, and once there is room again the next save
/// succeeds without reopening anything. Sixteen writers through group commit, each on a
/// field of its own; afterwards, read through a new connection, every field holds exactly
/// its last acknowledged save: nothing acknowledged is missing, nothing refused is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_database_refuses_saves_and_recovers_without_restart() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::Duration;

    let (store, url) = fresh(Backend::Sqlite).await.expect("sqlite");
    let w = world(&store).await;
    let within = Duration::from_millis(1500);

    // First alone: a save too big for the room left fails and changes nothing; once there
    // is room, the same save succeeds on the same store.
    let field = Field::OtherInformation;
    let report = w.district_report;
    let pages = store.page_count().await.expect("pages");
    store.set_page_limit(pages).await.expect("limit");
    let big = [(field.clone(), FieldValue::text("ö".repeat(19_000)), 0)];
    assert!(store.save_fields(&w.draft, &big, now()).await.is_err());
    assert!(
        store
            .stored_fields(report)
            .await
            .expect("fields")
            .is_empty()
    );
    store.set_page_limit(0).await.expect("no limit");
    let saved = store.save_fields(&w.draft, &big, now()).await;
    assert!(
        matches!(saved, Ok(Ok(ref s)) if matches!(s[0], SaveOutcome::Saved { version: 1, .. }))
    );
    assert!(store.ready(within).await.is_ok(), "ready once writes work");

    // Then sixteen writers: full, then room again.
    let pairs = every_field(&store, &w).await;
    assert!(pairs.len() >= 16, "{} fields", pairs.len());
    // 0: room, 1: full, 2: room again.
    let phase = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut targets = Vec::new();
    for (report, field) in pairs.into_iter().take(16) {
        targets.push((report, field, draft(&store, report, w.reporter, None).await));
    }
    let writers: Vec<_> = targets
        .into_iter()
        .map(|(report, field, by)| {
            let (store, stop) = (store.clone(), stop.clone());
            let (phase, refused) = (phase.clone(), refused.clone());
            tokio::spawn(async move {
                let mut base = stored_version(&store, report, &field).await;
                let mut last = None;
                let mut acked_after = 0;
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let text = long_text(field.code(), n);
                    let change = [(field.clone(), FieldValue::text(&text), base)];
                    let started_in = phase.load(Ordering::Relaxed);
                    match store.save_fields(&by, &change, now()).await {
                        Ok(Ok(outcomes)) => match &outcomes[0] {
                            SaveOutcome::Saved { version, .. } => {
                                base = *version;
                                last = Some((*version, text));
                                if started_in == 2 {
                                    acked_after += 1;
                                }
                            }
                            SaveOutcome::Conflict(c) => {
                                panic!("{field:?}: a refused save was stored: {c:?}")
                            }
                        },
                        Ok(Err(refusal)) => panic!("refused: {refusal:?}"),
                        Err(_) => {
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                (report, field, last, acked_after)
            })
        })
        .collect();
    let wait_for = |what: &'static str, done: Box<dyn Fn() -> bool + Send>| async move {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !done() {
            assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let pages = store.page_count().await.expect("pages");
    store.set_page_limit(pages).await.expect("limit");
    phase.store(1, Ordering::Relaxed);
    let counted = refused.clone();
    wait_for(
        "saves failing",
        Box::new(move || counted.load(Ordering::Relaxed) >= 32),
    )
    .await;
    let refused_while_full = refused.load(Ordering::Relaxed);
    store.set_page_limit(0).await.expect("no limit");
    phase.store(2, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut last_acked = Vec::new();
    for writer in writers {
        last_acked.push(writer.await.expect("writer"));
    }
    assert!(store.ready(within).await.is_ok(), "green after recovery");
    for (_, field, _, acked_after) in &last_acked {
        assert!(
            *acked_after > 0,
            "{field:?}: no save succeeded after recovery"
        );
    }
    store.close().await;

    let reopened = Store::connect(&url).await.expect("reopen");
    assert!(
        reopened
            .integrity_problems()
            .await
            .expect("check")
            .is_empty()
    );
    let mut intact = 0;
    for (report, field, last, _) in &last_acked {
        let stored = reopened.stored_fields(*report).await.expect("fields");
        let now_stored = stored.iter().find(|f| f.field == *field);
        match (last, now_stored) {
            (Some((version, text)), Some(s)) => {
                assert_eq!(s.version, *version, "{field:?}: version");
                assert_eq!(&s.value.text, text, "{field:?}: text");
                intact += 1;
            }
            (None, stored) => assert!(stored.is_none_or(|s| s.version <= 1), "{field:?}"),
            (Some(_), None) => panic!("{field:?}: an acknowledged save is missing"),
        }
    }
    println!(
        "full database, 16 writers: {refused_while_full} saves refused while full, \
         {intact}/16 fields hold exactly their last acknowledged save"
    );
}

/// A small random-number source for varying timings (xorshift; the seed is printed).
struct Jitter(u64);

impl Jitter {
    fn new() -> Jitter {
        let seed = u64::try_from(now().as_nanosecond() % i128::from(u64::MAX)).unwrap_or(1) | 1;
        println!("jitter seed {seed}");
        Jitter(seed)
    }

    fn millis(&mut self, max: u64) -> std::time::Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        std::time::Duration::from_millis(self.0 % (max + 1))
    }
}

/// What ends a reporter's right to change the report while a save is under way.
#[derive(Clone, Copy, Debug)]
enum Ending {
    RoundCloses,
    SessionEnds,
}

async fn end_now(
    store: &Store,
    ending: Ending,
    round: tertial_domain::RoundId,
    session: &str,
    user: UserId,
) {
    match ending {
        Ending::RoundCloses => {
            store
                .close_round(round, now(), &audit(AuditAction::RoundClosed))
                .await
                .expect("close");
        }
        Ending::SessionEnds => {
            store
                .delete_session(session, now(), &signed(AuditAction::SignedOut, user))
                .await
                .expect("sign out");
        }
    }
}

/// A save racing the round's close or its session's end, a few hundred times: another
/// transaction holds the report's row (on SQLite: the write lock) for a random moment, so the
/// save waits in the middle, and the close or the sign-out comes at a random moment too.
/// Whatever the order, a save reported stored was stored before the ending: once the close
/// or the sign-out has returned, every save that will be reported stored is already there.
/// A refused save stores nothing.
async fn saves_never_commit_after_the_round_closes_or_the_session_ends(store: Store, url: String) {
    use sqlx::{AnyConnection, Connection};

    let w = world(&store).await;
    let races = 200;
    let mut holder = AnyConnection::connect(&url).await.expect("connect");
    let mut jitter = Jitter::new();
    let field = Field::ContactName;
    let (mut stored_before, mut refused) = (0, 0);
    for race in 0..races {
        let ending = if race % 2 == 0 {
            Ending::RoundCloses
        } else {
            Ending::SessionEnds
        };
        sqlx::query("UPDATE rounds SET status = 'open' WHERE id = $1")
            .bind(w.round.0)
            .execute(&mut holder)
            .await
            .expect("reopen");
        let session = format!("race-{race}");
        let later = now() + jiff::SignedDuration::from_hours(1);
        store
            .insert_session(
                &session,
                w.reporter,
                "csrf",
                now(),
                later,
                &signed(AuditAction::SignedIn, w.reporter),
            )
            .await
            .expect("session");
        let base = stored_version(&store, w.district_report, &field).await;

        // Most often the save starts first and waits; sometimes the ending comes first.
        let ending_first = race % 5 == 4;
        if ending_first {
            end_now(&store, ending, w.round, &session, w.reporter).await;
        }
        // Another transaction holds the report: its row on PostgreSQL, the write lock on
        // SQLite.
        if store.backend() == Backend::Postgres {
            sqlx::raw_sql("BEGIN")
                .execute(&mut holder)
                .await
                .expect("begin");
            sqlx::query("SELECT 1 FROM reports WHERE id = $1 FOR UPDATE")
                .bind(w.district_report.0)
                .execute(&mut holder)
                .await
                .expect("lock the report");
        } else {
            sqlx::raw_sql("BEGIN IMMEDIATE")
                .execute(&mut holder)
                .await
                .expect("lock");
        }
        let save = {
            let store = store.clone();
            let by = draft(&store, w.district_report, w.reporter, Some(session.clone())).await;
            let change = [(
                field.clone(),
                FieldValue::text(format!("Namn {race}")),
                base,
            )];
            tokio::spawn(async move { store.save_fields(&by, &change, now()).await })
        };
        tokio::time::sleep(jitter.millis(4)).await;
        let end = {
            let (store, field) = (store.clone(), field.clone());
            tokio::spawn(async move {
                if !ending_first {
                    end_now(&store, ending, w.round, &session, w.reporter).await;
                }
                // What is stored the moment the ending has taken effect.
                stored_version(&store, w.district_report, &field).await
            })
        };
        tokio::time::sleep(jitter.millis(8)).await;
        sqlx::raw_sql("COMMIT")
            .execute(&mut holder)
            .await
            .expect("release");
        let version_at_end = end.await.expect("ending");
        match save.await.expect("save task").expect("save") {
            Ok(outcomes) => match outcomes[0] {
                SaveOutcome::Saved { version, .. } => {
                    assert!(
                        version <= version_at_end,
                        "race {race} ({ending:?}): v{version} was reported saved but was not \
                         stored when the ending returned (v{version_at_end} then)"
                    );
                    stored_before += 1;
                }
                ref other => panic!("race {race}: unexpected {other:?}"),
            },
            Err(refusal) => {
                let expected = match ending {
                    Ending::RoundCloses => Refusal::RoundClosed,
                    Ending::SessionEnds => Refusal::SignedOut,
                };
                assert_eq!(refusal, expected, "race {race}");
                let now_stored = stored_version(&store, w.district_report, &field).await;
                assert_eq!(now_stored, base, "race {race}: a refused save was stored");
                refused += 1;
            }
        }
    }
    println!(
        "{:?}: {races} races of a save against a close or a sign-out: {stored_before} stored \
         before the ending, {refused} refused, none stored after",
        store.backend()
    );
    assert!(stored_before > 0 && refused > 0, "both orders were tried");
}
conformance!(
    saves_racing_an_ending,
    saves_never_commit_after_the_round_closes_or_the_session_ends
);

/// Saves that share a commit (group commit) are refused one by one: twenty saves at once to
/// one report, some through a session that has ended; those are refused and stored
/// nowhere, all the others are stored.
async fn a_refused_save_in_a_batch_sinks_only_itself(store: Store, _url: String) {
    let w = world(&store).await;
    let later = now() + jiff::SignedDuration::from_hours(1);
    store
        .insert_session(
            "live",
            w.reporter,
            "csrf",
            now(),
            later,
            &signed(AuditAction::SignedIn, w.reporter),
        )
        .await
        .expect("session");
    let fields: Vec<Field> = [
        Field::ContactName,
        Field::ContactPhone,
        Field::ContactEmail,
        Field::OtherInformation,
    ]
    .into_iter()
    .chain(w.questions.iter().map(|q| Field::Answer(q.key.clone())))
    .collect();
    let mut saves = Vec::new();
    for (i, field) in fields.iter().cycle().take(20).enumerate() {
        let session = if i % 5 == 0 { "ended" } else { "live" };
        let by = draft(&store, w.district_report, w.reporter, Some(session.into())).await;
        let store = store.clone();
        let field = field.clone();
        saves.push(tokio::spawn(async move {
            let change = [(field, FieldValue::text(format!("Sparning {i}")), 0)];
            (
                i,
                store.save_fields(&by, &change, now()).await.expect("save"),
            )
        }));
    }
    let mut stored = 0;
    for save in saves {
        let (i, outcome) = save.await.expect("task");
        match outcome {
            Err(refusal) => {
                assert_eq!(i % 5, 0, "save {i} refused: {refusal:?}");
                assert_eq!(refusal, Refusal::SignedOut);
            }
            Ok(outcomes) => {
                assert_ne!(i % 5, 0, "save {i} through an ended session was stored");
                if matches!(outcomes[0], SaveOutcome::Saved { .. }) {
                    stored += 1;
                }
            }
        }
    }
    let texts: Vec<String> = store
        .stored_fields(w.district_report)
        .await
        .expect("fields")
        .into_iter()
        .map(|f| f.value.text)
        .collect();
    for i in (0..20).step_by(5) {
        assert!(
            !texts.contains(&format!("Sparning {i}")),
            "refused save {i} stored"
        );
    }
    assert!(stored > 0, "live saves were stored");
}
conformance!(
    refused_in_a_batch,
    a_refused_save_in_a_batch_sinks_only_itself
);

/// Rounds come newest first by year and then by period in the order of the year (VB after
/// T2 after T1), and the rounds page's counts come in one query.
async fn rounds_are_ordered_by_period_and_counted(store: Store, _url: String) {
    let w = world(&store).await;
    let follow_up = store
        .round(w.round)
        .await
        .expect("r")
        .expect("round")
        .follow_up_id;
    let date = jiff::civil::date(2022, 12, 1);
    for (period, year) in [(Period::Vb, 2022), (Period::T2, 2022), (Period::T1, 2023)] {
        store
            .insert_round(follow_up, period, year, date)
            .await
            .expect("round");
    }
    let order: Vec<(i32, Period)> = store
        .rounds()
        .await
        .expect("rounds")
        .iter()
        .map(|r| (r.year, r.period))
        .collect();
    assert_eq!(
        order,
        [
            (2023, Period::T1),
            (2022, Period::Vb),
            (2022, Period::T2),
            (2022, Period::T1)
        ]
    );
    let counts = store.round_counts().await.expect("counts");
    assert_eq!(counts, [(w.round, 3, 0)], "three reports, none in yet");
}
conformance!(round_order, rounds_are_ordered_by_period_and_counted);

/// A save writer that panics is replaced: the saves it held are answered with an error, never
/// acknowledged unless stored; later saves are stored, and the store reports itself ready.
async fn a_panicking_save_writer_is_replaced(store: Store, _url: String) {
    let w = world(&store).await;
    let fields: Vec<Field> = w
        .questions
        .iter()
        .map(|q| Field::Answer(q.key.clone()))
        .chain([Field::ContactName, Field::OtherInformation])
        .collect();
    let mut saves = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let (store, by, field) = (store.clone(), w.draft.clone(), field.clone());
        saves.push(tokio::spawn(async move {
            let change = [(field.clone(), FieldValue::text(format!("Före {i}")), 0)];
            (field, store.save_fields(&by, &change, now()).await)
        }));
    }
    store.panic_save_writers().await;
    for save in saves {
        let (field, outcome) = save.await.expect("task");
        let stored = stored_version(&store, w.district_report, &field).await;
        match outcome {
            Ok(Ok(outcomes)) => assert!(
                !matches!(outcomes[0], SaveOutcome::Saved { .. }) || stored > 0,
                "{field:?} acknowledged but not stored"
            ),
            Ok(Err(refusal)) => panic!("{field:?} refused: {refusal:?}"),
            Err(_) => {} // Held by the writer that panicked: told it failed.
        }
    }
    store
        .ready(std::time::Duration::from_secs(2))
        .await
        .expect("ready after the panic");
    for field in &fields {
        let base = stored_version(&store, w.district_report, field).await;
        let change = [(field.clone(), FieldValue::text("Efter"), base)];
        let outcome = store
            .save_fields(&w.draft, &change, now())
            .await
            .expect("a new writer took over")
            .expect("editable");
        assert!(
            matches!(outcome[0], SaveOutcome::Saved { .. }),
            "{outcome:?}"
        );
    }
}
conformance!(writer_panic, a_panicking_save_writer_is_replaced);

/// Both migration sets define the same tables with the same columns: a column added on one
/// backend only fails here, not in a customer's database. The full-text index itself is
/// each backend's own (FTS5 and its shadow tables; a `tsvector` table), named `search_index`.
#[tokio::test]
async fn both_backends_define_the_same_tables_and_columns() {
    let Some((postgres, url)) = fresh(Backend::Postgres).await else {
        return;
    };
    postgres.close().await;
    let (sqlite, sqlite_url) = fresh(Backend::Sqlite).await.expect("sqlite");
    sqlite.close().await;
    let sqlite_pool = AnyPool::connect(&sqlite_url).await.expect("sqlite pool");
    let mut sqlite_columns: Vec<(String, String)> = Vec::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'
         AND name NOT LIKE 'search_index%'",
    )
    .fetch_all(&sqlite_pool)
    .await
    .expect("tables");
    for table in tables {
        let columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{table}')"
        )))
        .fetch_all(&sqlite_pool)
        .await
        .expect("columns");
        sqlite_columns.extend(columns.into_iter().map(|c| (table.clone(), c)));
    }
    let pg = AnyPool::connect(&url).await.expect("postgres pool");
    let mut postgres_columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'
           AND table_name <> 'search_index'",
    )
    .fetch_all(&pg)
    .await
    .expect("columns");
    sqlite_columns.sort();
    postgres_columns.sort();
    assert!(sqlite_columns.len() > 40, "{sqlite_columns:?}");
    assert_eq!(sqlite_columns, postgres_columns);
}

/// SQLite's tables are STRICT (a value of the wrong type is refused, as on PostgreSQL), and
/// the migration that rebuilt them kept every row, the append-only triggers and the foreign
/// keys of a database made before it.
#[tokio::test]
async fn sqlite_tables_become_strict_and_keep_their_rows() {
    let url = tertial_store::testing::fresh_database_url(Backend::Sqlite)
        .await
        .expect("sqlite");
    sqlx::any::install_default_drivers();
    let options = format!("{url}?mode=rwc");
    let pool = AnyPool::connect(&options).await.expect("pool");
    let mut before = sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/migrations/sqlite"
    )))
    .await
    .expect("migrations");
    before.migrations.to_mut().retain(|m| m.version < 3);
    before.run(&pool).await.expect("the schema before STRICT");
    sqlx::raw_sql(
        "INSERT INTO users VALUES (1, 'a@example.se', 'A', 'reporter', NULL, 1, 5);
         INSERT INTO bodies VALUES (1, 'Skärholmens stadsdelsnämnd', 'Skärholmen', 'district_committee', 1);
         INSERT INTO user_bodies VALUES (1, 1);
         INSERT INTO follow_ups VALUES (1, 'Uppföljning', 'Syfte');
         INSERT INTO rounds VALUES (1, 1, 'T1', 2022, '2022-05-01', 'open');
         INSERT INTO reports VALUES (1, 1, 1, 'draft', 7, NULL);
         INSERT INTO answers VALUES (1, 'contact_name', 'Kim', 0, 2, 7, 1);
         INSERT INTO submissions VALUES (1, 1, 8, 1, 0, '{}');
         INSERT INTO audit_log VALUES (1, 9, 1, 'answer_saved', 'report:1', 'field=contact_name');
         INSERT INTO sessions VALUES ('hash', 1, 'csrf', 1, 1, 99);",
    )
    .execute(&pool)
    .await
    .expect("rows of the old schema");
    pool.close().await;

    let store = Store::connect(&url).await.expect("migrated to STRICT");
    assert!(store.integrity_problems().await.expect("check").is_empty());
    let fields = store.stored_fields(ReportId(1)).await.expect("fields");
    assert_eq!(fields[0].value.text, "Kim");
    assert_eq!(fields[0].version, 2);
    assert_eq!(
        store
            .audit_of(AuditSubject::Report(ReportId(1)))
            .await
            .expect("a")
            .len(),
        1
    );
    store.close().await;

    let pool = AnyPool::connect(&url).await.expect("pool");
    sqlx::raw_sql("PRAGMA foreign_keys = ON")
        .execute(&pool)
        .await
        .expect("fk");
    let loose: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' AND strict = 0",
    )
    .fetch_all(&pool)
    .await
    .expect("tables");
    assert!(loose.is_empty(), "not STRICT: {loose:?}");
    for (refused, why) in [
        (
            "INSERT INTO answers VALUES (1, 'contact_phone', 'x', 0, 'två', 7, 1)",
            "text in a number column",
        ),
        (
            "INSERT INTO answers VALUES (9, 'contact_phone', 'x', 0, 1, 7, 1)",
            "an answer to no report",
        ),
        ("UPDATE audit_log SET detail = ''", "a changed audit entry"),
        ("DELETE FROM submissions", "a deleted submission"),
    ] {
        assert!(
            sqlx::query(refused).execute(&pool).await.is_err(),
            "{why} was accepted"
        );
    }
    pool.close().await;
}

// ---- Review: return, approve, requests to reopen ----

/// The mail a decision queues for each of the body's reporters (its text is the app's).
fn review_notice(reporter: &tertial_store::PendingReporter) -> tertial_domain::NewMail {
    static SENT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = SENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    mail(
        &reporter.email,
        &format!("review:{}:{}:{n}", reporter.report, reporter.user),
    )
}

/// The world's district report, completed and submitted once more as the next version.
async fn submit_district(store: &Store, w: &World, answer: &str) -> i64 {
    let snapshot = store.round_snapshot(w.round).await.expect("snapshot");
    let mine: Vec<&Question> = snapshot
        .questions
        .iter()
        .filter(|q| q.applies_to.contains(&BodyKind::DistrictCommittee))
        .collect();
    let fields = store
        .stored_fields(w.district_report)
        .await
        .expect("fields");
    let version = |field: &Field| {
        fields
            .iter()
            .find(|f| &f.field == field)
            .map_or(0, |f| f.version)
    };
    let changes: Vec<(Field, FieldValue, i64)> = [
        (Field::Answer(key("samverkan")), FieldValue::text(answer)),
        (
            Field::Answer(key("vaxla-upp")),
            FieldValue::not_applicable(),
        ),
        (
            Field::ContactName,
            FieldValue::text("Kontaktperson Exempel"),
        ),
        (Field::ContactPhone, FieldValue::text("08-000 00 00")),
        (
            Field::ContactEmail,
            FieldValue::text("kontaktperson@example.se"),
        ),
    ]
    .into_iter()
    .map(|(f, v)| {
        let base = version(&f);
        (f, v, base)
    })
    .collect();
    let done = store
        .save_and_submit(
            &w.draft,
            &changes,
            now(),
            false,
            &|fields| prepare_submission(&mine, fields),
            None,
        )
        .await
        .expect("submit")
        .expect("editable");
    match done.submit {
        Some(SubmitOutcome::Submitted(s)) => s.number,
        other => panic!("expected a submission, got {other:?}"),
    }
}

fn coordinator_of(store_user: UserId) -> Actor {
    Actor {
        id: store_user,
        name: "Samordnare".into(),
        email: "samordnare@example.se".into(),
        role: Role::Coordinator,
        bodies: Vec::new(),
        session: None,
    }
}

async fn a_coordinator(store: &Store) -> UserId {
    store
        .insert_user(
            &NewUser {
                email: "samordnare@example.se".into(),
                name: "Sam Samordnare".into(),
                role: Role::Coordinator,
                password_hash: Some("$argon2id$fake".into()),
                bodies: Vec::new(),
            },
            now(),
            None,
        )
        .await
        .expect("coordinator")
}

async fn status_of(store: &Store, report: ReportId) -> ReportStatus {
    store
        .report(report)
        .await
        .expect("report")
        .expect("exists")
        .status
}

/// Return with comments, complete, resubmit as version 2, approve: every step changes the
/// status through its transition, keeps what came before, and is audited; refused steps
/// store nothing.
async fn a_report_is_returned_completed_and_approved(store: Store, url: String) {
    use tertial_domain::review::{AnswerComment, NewReview, ReviewDecision};
    let w = world(&store).await;
    let coordinator = coordinator_of(a_coordinator(&store).await);
    let report = store
        .report(w.district_report)
        .await
        .expect("r")
        .expect("exists");
    let review = coordinator.review_access(&report).expect("coordinator");
    let read = coordinator.submission_access(&report).expect("reads");
    let returned = NewReview::new(
        1,
        ReviewDecision::Return,
        "Komplettera samverkan.",
        vec![AnswerComment {
            key: key("samverkan"),
            text: "Ge ett exempel.".into(),
        }],
    )
    .expect("review");
    // Nothing submitted yet: nothing to return.
    assert_eq!(
        store
            .review(&review, &returned, now(), &review_notice)
            .await
            .expect("r"),
        Err(ReviewRefusal::NotSubmitted(ReportStatus::NotStarted))
    );
    assert_eq!(submit_district(&store, &w, "Platssamverkan.").await, 1);
    let stale = NewReview {
        submission: 2,
        ..returned.clone()
    };
    assert_eq!(
        store
            .review(&review, &stale, now(), &review_notice)
            .await
            .expect("r"),
        Err(ReviewRefusal::NotLatest { latest: 1 })
    );
    store
        .review(&review, &returned, now(), &review_notice)
        .await
        .expect("r")
        .expect("returned");
    assert_eq!(
        status_of(&store, w.district_report).await,
        ReportStatus::Returned
    );
    // The body's reporter is told, queued with the decision; refused decisions queued nothing.
    let (mails, _) = store.mails(0, 50).await.expect("outbox");
    let told: Vec<_> = mails
        .iter()
        .filter(|m| m.subject.starts_with("Ämne review:"))
        .collect();
    assert_eq!(told.len(), 1, "{mails:?}");
    assert_eq!(told[0].recipient, "skarholmen@example.se");
    // Returned once: not again, and not approved, until submitted again.
    assert_eq!(
        store
            .review(&review, &returned, now(), &review_notice)
            .await
            .expect("r"),
        Err(ReviewRefusal::NotSubmitted(ReportStatus::Returned))
    );
    assert_eq!(
        submit_district(&store, &w, "Platssamverkan med fastighetsägare.").await,
        2
    );
    let approved = NewReview::new(2, ReviewDecision::Approve, "", vec![]).expect("approve");
    store
        .review(&review, &approved, now(), &review_notice)
        .await
        .expect("r")
        .expect("approved");
    assert_eq!(
        status_of(&store, w.district_report).await,
        ReportStatus::Approved
    );
    let saved = store
        .save_fields(
            &w.draft,
            &[(Field::ContactName, FieldValue::text("Ny"), 2)],
            now(),
        )
        .await
        .expect("save");
    assert_eq!(saved, Err(Refusal::NotEditable(ReportStatus::Approved)));

    let reviews = store.reviews(&read).await.expect("reviews");
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[0].submission, 1);
    assert_eq!(reviews[0].decision, ReviewDecision::Return);
    assert_eq!(reviews[0].by_name, "Sam Samordnare");
    assert_eq!(
        reviews[0].on_answer(&key("samverkan")),
        Some("Ge ett exempel.")
    );
    assert_eq!(reviews[1].decision, ReviewDecision::Approve);
    assert!(reviews[1].answer_comments.is_empty());
    assert_eq!(
        store
            .stored_submissions(w.district_report)
            .await
            .expect("s")
            .len(),
        2
    );
    let actions: Vec<String> = store
        .audit_of(AuditSubject::Report(w.district_report))
        .await
        .expect("audit")
        .into_iter()
        .map(|a| a.action)
        .collect();
    for action in ["report_returned", "report_approved"] {
        assert_eq!(
            actions.iter().filter(|a| *a == action).count(),
            1,
            "{actions:?}"
        );
    }
    // The database itself keeps reviews and their comments.
    let pool = AnyPool::connect(&url).await.expect("connect");
    for statement in [
        "UPDATE reviews SET comment = ''",
        "DELETE FROM reviews",
        "UPDATE review_answer_comments SET text = ''",
        "DELETE FROM review_answer_comments",
    ] {
        assert!(
            sqlx::query(statement).execute(&pool).await.is_err(),
            "{statement} was allowed"
        );
    }
    pool.close().await;
}
conformance!(
    review_return_approve,
    a_report_is_returned_completed_and_approved
);

/// The body asks to reopen; one request waits at a time; a declined request leaves the
/// report submitted, a granted one returns it; answers are given once.
async fn requests_to_reopen_are_answered_once(store: Store, url: String) {
    use tertial_domain::review::ReopenOutcome;
    let w = world(&store).await;
    let coordinator = coordinator_of(a_coordinator(&store).await);
    assert_eq!(
        store
            .ask_to_reopen(&w.draft, 1, "Fel siffra.", now())
            .await
            .expect("ask"),
        Err(ReviewRefusal::NotSubmitted(ReportStatus::NotStarted))
    );
    submit_district(&store, &w, "Platssamverkan.").await;
    let report = store
        .report(w.district_report)
        .await
        .expect("r")
        .expect("exists");
    let review = coordinator.review_access(&report).expect("coordinator");
    let read = coordinator.submission_access(&report).expect("reads");
    let first = store
        .ask_to_reopen(&w.draft, 1, "Fel siffra i 1.1.", now())
        .await
        .expect("ask")
        .expect("asked");
    assert_eq!(
        store
            .ask_to_reopen(&w.draft, 1, "Igen.", now())
            .await
            .expect("ask"),
        Err(ReviewRefusal::AlreadyAsked)
    );
    store
        .decide_reopen(
            &review,
            first,
            ReopenOutcome::Declined,
            "Skicka rättelsen i ett mejl.",
            now(),
            &review_notice,
        )
        .await
        .expect("decide")
        .expect("declined");
    // The body's reporters are told of each decision, in its transaction.
    let queued = store.mails(0, 1).await.expect("mails").1;
    assert!(queued >= 1, "the decline is mailed");
    assert_eq!(
        status_of(&store, w.district_report).await,
        ReportStatus::Submitted
    );
    assert_eq!(
        store
            .decide_reopen(
                &review,
                first,
                ReopenOutcome::Granted,
                "",
                now(),
                &review_notice
            )
            .await
            .expect("decide"),
        Err(ReviewRefusal::NoOpenRequest),
        "answered once"
    );
    assert_eq!(
        store.mails(0, 1).await.expect("mails").1,
        queued,
        "a refused decision mails no one"
    );
    let second = store
        .ask_to_reopen(&w.draft, 1, "Vi har fått nya uppgifter.", now())
        .await
        .expect("ask")
        .expect("asked");
    store
        .decide_reopen(
            &review,
            second,
            ReopenOutcome::Granted,
            "",
            now(),
            &review_notice,
        )
        .await
        .expect("decide")
        .expect("granted");
    assert_eq!(
        store.mails(0, 1).await.expect("mails").1,
        2 * queued,
        "the grant is mailed"
    );
    assert_eq!(
        status_of(&store, w.district_report).await,
        ReportStatus::Returned
    );
    let requests = store.reopen_requests(&read).await.expect("requests");
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].reason, "Fel siffra i 1.1.");
    assert_eq!(requests[0].asked_by_name, "Rapportör Skärholmen");
    let declined = requests[0].decision.as_ref().expect("answered");
    assert_eq!(declined.outcome, ReopenOutcome::Declined);
    assert_eq!(declined.answer, "Skicka rättelsen i ett mejl.");
    assert_eq!(declined.by_name, "Sam Samordnare");
    assert_eq!(
        requests[1].decision.as_ref().map(|d| d.outcome),
        Some(ReopenOutcome::Granted)
    );
    let actions: Vec<String> = store
        .audit_of(AuditSubject::Report(w.district_report))
        .await
        .expect("audit")
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions.iter().filter(|a| *a == "reopen_requested").count(),
        2
    );
    assert_eq!(actions.iter().filter(|a| *a == "reopen_decided").count(), 2);
    let pool = AnyPool::connect(&url).await.expect("connect");
    for statement in [
        "UPDATE reopen_requests SET answer = 'ändrat'",
        "DELETE FROM reopen_requests",
    ] {
        assert!(
            sqlx::query(statement).execute(&pool).await.is_err(),
            "{statement} was allowed"
        );
    }
    pool.close().await;
}
conformance!(reopen_requests, requests_to_reopen_are_answered_once);

// --- Mail: the outbox and the jobs table ---

/// A receipt as the app writes one (its text is the documents crate's; here only its key).
fn receipt(submission: &tertial_domain::Submission, to: &str) -> tertial_domain::NewMail {
    mail(
        to,
        &tertial_domain::mail::dedup::receipt(submission.report_id, submission.number),
    )
}

fn mail(to: &str, key: &str) -> tertial_domain::NewMail {
    tertial_domain::NewMail {
        recipient: to.into(),
        subject: format!("Ämne {key}"),
        body: "Hej!\n\nText.".into(),
        kind: tertial_domain::MailKind::Reminder,
        dedup_key: key.into(),
    }
}

fn later(ms: i64) -> Timestamp {
    now() + jiff::SignedDuration::from_millis(ms)
}

async fn a_submission_queues_its_receipt_in_its_own_transaction(store: Store, _url: String) {
    let w = world(&store).await;
    let snapshot = store.round_snapshot(w.round).await.expect("snapshot");
    let mine: Vec<&Question> = snapshot
        .questions
        .iter()
        .filter(|q| q.applies_to.contains(&BodyKind::DistrictCommittee))
        .collect();
    // Incomplete: nothing is submitted, and no receipt queued.
    let outcome = store
        .submit(
            &w.draft,
            now(),
            false,
            &|fields| prepare_submission(&mine, fields),
            Some(&receipt),
        )
        .await
        .expect("submit");
    assert!(matches!(outcome, Ok(SubmitOutcome::Incomplete(_))));
    assert_eq!(store.mails(0, 10).await.expect("mails").1, 0);
    let outcome = store
        .submit(
            &w.draft,
            now(),
            false,
            &|_| Ok(empty_content()),
            Some(&receipt),
        )
        .await
        .expect("submit");
    assert!(matches!(outcome, Ok(SubmitOutcome::Submitted(_))));
    let (mails, total) = store.mails(0, 10).await.expect("mails");
    assert_eq!(total, 1);
    assert_eq!(mails[0].recipient, "skarholmen@example.se");
    assert_eq!(mails[0].status(), tertial_domain::MailStatus::Waiting);
    let audit = store
        .audit_of(AuditSubject::Mail(mails[0].id))
        .await
        .expect("audit");
    assert_eq!(audit[0].action, "mail_queued");
}
conformance!(
    receipt,
    a_submission_queues_its_receipt_in_its_own_transaction
);

async fn a_mail_is_queued_once_and_claimed_by_one_worker(store: Store, _url: String) {
    let queued = store
        .queue_mails(
            &[mail("a@example.se", "k1"), mail("b@example.se", "k2")],
            now(),
        )
        .await
        .expect("queue");
    assert_eq!(queued.len(), 2);
    // The same keys again (a job run twice, or on two servers): nothing new.
    let again = store
        .queue_mails(
            &[mail("a@example.se", "k1"), mail("c@example.se", "k3")],
            now(),
        )
        .await
        .expect("queue again");
    assert_eq!(again.len(), 1);
    assert_eq!(store.mails(0, 10).await.expect("mails").1, 3);

    // Three workers claim at once: each gets a different mail.
    let claims = futures_claims(&store).await;
    let mut ids: Vec<_> = claims.iter().map(|c| c.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "{claims:?}");
    assert!(claims.iter().all(|c| c.attempt == 1));
    // Nothing else is due while the leases run.
    assert_eq!(
        store
            .claim_mail("w4", now(), later(60_000))
            .await
            .expect("claim"),
        None
    );

    // One is sent, one fails and waits for its retry, one's worker vanished.
    assert!(store.mail_sent(claims[0].id, now()).await.expect("sent"));
    assert!(
        !store
            .mail_sent(claims[0].id, now())
            .await
            .expect("sent twice")
    );
    assert!(
        store
            .mail_failed(claims[1].id, "w1", "451 try later", later(60_000), now())
            .await
            .expect("failed")
            || store
                .mail_failed(claims[1].id, "w2", "451 try later", later(60_000), now())
                .await
                .expect("failed")
            || store
                .mail_failed(claims[1].id, "w3", "451 try later", later(60_000), now())
                .await
                .expect("failed")
    );
    let failed = store
        .mail(claims[1].id)
        .await
        .expect("mail")
        .expect("exists");
    assert_eq!(failed.last_error.as_deref(), Some("451 try later"));
    assert_eq!(failed.status(), tertial_domain::MailStatus::Waiting);
    // Before the retry and the vanished worker's lease end, nothing; after, both again.
    assert_eq!(
        store
            .claim_mail("w5", later(30_000), later(90_000))
            .await
            .expect("claim"),
        None
    );
    let a = store
        .claim_mail("w5", later(120_000), later(180_000))
        .await
        .expect("claim");
    let b = store
        .claim_mail("w5", later(120_000), later(180_000))
        .await
        .expect("claim");
    let mut retried: Vec<_> = [a, b]
        .into_iter()
        .flatten()
        .map(|c| (c.id, c.attempt))
        .collect();
    retried.sort();
    let mut expected = vec![(claims[1].id, 2), (claims[2].id, 2)];
    expected.sort();
    assert_eq!(retried, expected);
    let sent = store
        .mail(claims[0].id)
        .await
        .expect("mail")
        .expect("exists");
    assert_eq!(sent.status(), tertial_domain::MailStatus::Sent);
    let actions: Vec<_> = store
        .audit_of(AuditSubject::Mail(claims[0].id))
        .await
        .expect("audit")
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(actions, ["mail_queued", "mail_sent"]);
}
conformance!(outbox, a_mail_is_queued_once_and_claimed_by_one_worker);

/// Three workers claiming a mail each at the same moment.
async fn futures_claims(store: &Store) -> Vec<tertial_store::ClaimedMail> {
    let claim = |worker: &'static str| {
        let store = store.clone();
        tokio::spawn(async move { store.claim_mail(worker, now(), later(60_000)).await })
    };
    let handles = [claim("w1"), claim("w2"), claim("w3")];
    let mut claims = Vec::new();
    for handle in handles {
        claims.push(handle.await.expect("join").expect("claim").expect("a mail"));
    }
    claims
}

async fn a_mail_is_given_up_after_its_last_attempt(store: Store, _url: String) {
    store
        .queue_mails(&[mail("a@example.se", "k")], now())
        .await
        .expect("queue");
    let mut at = 0;
    for attempt in 1..=tertial_domain::mail::MAX_ATTEMPTS {
        let claimed = store
            .claim_mail("w", later(at), later(at + 1000))
            .await
            .expect("claim")
            .expect("due");
        assert_eq!(claimed.attempt, attempt);
        assert!(
            store
                .mail_failed(claimed.id, "w", "boom", later(at + 10), later(at))
                .await
                .expect("failed")
        );
        at += 20;
    }
    assert_eq!(
        store
            .claim_mail("w", later(at + 10_000), later(at + 20_000))
            .await
            .expect("claim"),
        None
    );
    let (mails, _) = store.mails(0, 1).await.expect("mails");
    assert_eq!(mails[0].status(), tertial_domain::MailStatus::Failed);
}
conformance!(given_up, a_mail_is_given_up_after_its_last_attempt);

async fn a_job_is_run_by_one_worker_until_it_is_due_again(store: Store, _url: String) {
    let (a, b) = tokio::join!(
        store.claim_job("reminders", "a", now(), later(60_000)),
        store.claim_job("reminders", "b", now(), later(60_000)),
    );
    let (a, b) = (a.expect("claim"), b.expect("claim"));
    assert!(a ^ b, "exactly one worker runs the job: {a} {b}");
    let winner = if a { "a" } else { "b" };
    store
        .job_done("reminders", winner, later(10_000), None, now())
        .await
        .expect("done");
    assert!(
        !store
            .claim_job("reminders", "c", later(5_000), later(65_000))
            .await
            .expect("claim")
    );
    assert!(
        store
            .claim_job("reminders", "c", later(10_000), later(70_000))
            .await
            .expect("claim")
    );
    // A worker that vanished mid-run: its lease ends and another takes over.
    assert!(
        !store
            .claim_job("reminders", "d", later(20_000), later(80_000))
            .await
            .expect("claim")
    );
    assert!(
        store
            .claim_job("reminders", "d", later(70_000), later(130_000))
            .await
            .expect("claim")
    );
    assert!(
        !store
            .claim_job("no-such-job", "d", now(), later(1))
            .await
            .expect("claim")
    );
}
conformance!(jobs, a_job_is_run_by_one_worker_until_it_is_due_again);

async fn reminders_go_to_the_reporters_of_bodies_that_have_not_handed_in(
    store: Store,
    _url: String,
) {
    let w = world(&store).await;
    // The world's round is due on 10 May 2022.
    let before = store
        .pending_reporters(jiff::civil::date(2022, 5, 9))
        .await
        .expect("pending");
    assert!(before.is_empty());
    let pending = store
        .pending_reporters(jiff::civil::date(2022, 5, 10))
        .await
        .expect("pending");
    assert_eq!(
        pending.len(),
        1,
        "only Skärholmen has a reporter: {pending:?}"
    );
    assert_eq!(pending[0].email, "skarholmen@example.se");
    assert_eq!(pending[0].report, w.district_report);
    assert_eq!(pending[0].body_name, "Skärholmens stadsdelsnämnd");
    assert_eq!(pending[0].follow_up, "Uppföljning");
    store
        .submit(&w.draft, now(), false, &|_| Ok(empty_content()), None)
        .await
        .expect("submit")
        .expect("submitted");
    let after = store
        .pending_reporters(jiff::civil::date(2022, 5, 20))
        .await
        .expect("pending");
    assert!(after.is_empty(), "{after:?}");
}
conformance!(
    pending_reporters,
    reminders_go_to_the_reporters_of_bodies_that_have_not_handed_in
);

fn empty_content() -> tertial_domain::SubmittedContent {
    tertial_domain::SubmittedContent {
        answers: Vec::new(),
        contact: tertial_domain::ContactPerson::default(),
        other_information: String::new(),
    }
}

// ---- Published files ----

/// A published file larger than a chunk is stored in several rows and read back byte for
/// byte; a file of no bytes too; an unknown file is none; published files cannot be changed.
async fn published_files_come_back_byte_for_byte(store: Store, url: String) {
    use std::io::Write;
    let w = world(&store).await;
    let coordinator = coordinator_of(a_coordinator(&store).await);
    let access = coordinator.compile_access(w.round).expect("compiles");
    // Two and a half chunks of bytes that differ from place to place.
    let big: Vec<u8> = (0..tertial_store::CHUNK * 5 / 2)
        .map(|i| (i % 251) as u8)
        .collect();
    let mut pdf = tempfile::tempfile().expect("temp");
    pdf.write_all(&big).expect("write");
    let mut files = vec![("pdf", pdf), ("md", tempfile::tempfile().expect("temp"))];
    for (_, file) in &mut files {
        std::io::Seek::rewind(file).expect("rewind");
    }
    let entry = |number: i64| {
        NewAuditEntry::new(
            Some(coordinator.id),
            tertial_domain::AuditAction::CompilationPublished,
            AuditSubject::Round(w.round),
        )
        .with_detail(format!("publication={number}"))
    };
    let number = store
        .publish(&access, "Näringslivsrapport", &mut files, &entry, now())
        .await
        .expect("publish");
    assert_eq!(number, 1);
    let mut read = Vec::new();
    assert!(
        store
            .publication_file(w.round, 1, "pdf", &mut read)
            .await
            .expect("read")
    );
    assert!(
        read == big,
        "the same bytes ({} of {})",
        read.len(),
        big.len()
    );
    let mut empty = Vec::new();
    assert!(
        store
            .publication_file(w.round, 1, "md", &mut empty)
            .await
            .expect("read")
    );
    assert!(empty.is_empty());
    assert!(
        !store
            .publication_file(w.round, 1, "docx", &mut Vec::new())
            .await
            .expect("read"),
        "never published in Word"
    );
    let pool = AnyPool::connect(&url).await.expect("connect");
    for statement in [
        "UPDATE publication_chunks SET bytes = bytes",
        "DELETE FROM publication_chunks",
        "DELETE FROM publication_files",
    ] {
        assert!(
            sqlx::query(statement).execute(&pool).await.is_err(),
            "{statement} was allowed"
        );
    }
    pool.close().await;
}
conformance!(publications, published_files_come_back_byte_for_byte);
