//! Conformance of running rounds, on SQLite and PostgreSQL alike: a round created and opened
//! for chosen bodies in one transaction (refusals leave nothing), drafts prefilled from the
//! previous round and marked until saved, deadlines for a round and for one body.

use tertial_domain::{
    Actor, AuditAction, AuditSubject, BodyId, BodyKind, Field, FieldValue, FocusArea, FollowUpId,
    NewAuditEntry, Period, Question, QuestionKey, ReportId, Role, RoundId, SubmittedAnswer,
    SubmittedContent, Timestamp, UserId,
};
use tertial_store::{Backend, NewRound, NewUser, OpenRefusal, Opening, Store};

async fn fresh(backend: Backend) -> Option<Store> {
    let url = tertial_store::testing::fresh_database_url(backend).await?;
    Some(Store::connect(&url).await.expect("connect"))
}

macro_rules! conformance {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let store = super::fresh(tertial_store::Backend::Sqlite)
                    .await
                    .expect("sqlite");
                super::$name(store).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(store) = super::fresh(tertial_store::Backend::Postgres).await {
                    super::$name(store).await;
                }
            }
        }
    };
}

use super::{audit as entry, question as question_in};

/// A question of focus area 1.
fn question(k: &str, position: u32, kinds: &[BodyKind]) -> Question {
    question_in(k, 1, position, kinds)
}

struct World {
    follow_up: FollowUpId,
    districts: [BodyId; 2],
    board: BodyId,
    reporter: UserId,
}

/// Two district committees and a company board; a follow-up with two questions, both for
/// districts only; a reporter for the first district.
async fn world(store: &Store) -> World {
    let d1 = store
        .insert_body(
            "Skärholmens stadsdelsnämnd",
            "Skärholmen",
            BodyKind::DistrictCommittee,
        )
        .await
        .expect("body");
    let d2 = store
        .insert_body(
            "Bromma stadsdelsnämnd",
            "Bromma",
            BodyKind::DistrictCommittee,
        )
        .await
        .expect("body");
    let board = store
        .insert_body(
            "Stockholm Business Region AB",
            "SBR",
            BodyKind::CompanyBoard,
        )
        .await
        .expect("body");
    let area = FocusArea {
        number: 1,
        official_name: "Tillväxt".into(),
        label: "Tillväxt".into(),
    };
    let follow_up = store
        .insert_follow_up(
            "Uppföljning",
            "Syfte",
            &[area],
            &[
                question("samverkan", 1, &[BodyKind::DistrictCommittee]),
                question("vaxla-upp", 2, &[BodyKind::DistrictCommittee]),
            ],
        )
        .await
        .expect("follow-up");
    let reporter = store
        .insert_user(
            &NewUser {
                email: "skarholmen@example.se".into(),
                name: "Rapportör".into(),
                role: Role::Reporter,
                password_hash: None,
                bodies: vec![d1],
            },
            Timestamp::now(),
            None,
        )
        .await
        .expect("user");
    World {
        follow_up,
        districts: [d1, d2],
        board,
        reporter,
    }
}

fn new_round(w: &World, period: Period, year: i32) -> NewRound {
    NewRound {
        follow_up: w.follow_up,
        period,
        year,
        deadline: jiff::civil::date(i16::try_from(year).expect("year"), 9, 15),
    }
}

fn chosen(bodies: &[BodyId], prefill: bool) -> Opening {
    Opening {
        bodies: Some(bodies.to_vec()),
        prefill,
    }
}

async fn counts(store: &Store) -> (usize, usize) {
    let rounds = store.rounds().await.expect("rounds");
    let mut reports = 0;
    for r in &rounds {
        reports += store.round_overview(r.id).await.expect("o").len();
    }
    (rounds.len(), reports)
}

async fn create(
    store: &Store,
    new: &NewRound,
    opening: &Opening,
) -> Result<(RoundId, usize), OpenRefusal> {
    store
        .create_round(
            new,
            opening,
            Timestamp::now(),
            |id| NewAuditEntry::new(None, AuditAction::RoundOpened, AuditSubject::Round(id)),
            &invitation,
        )
        .await
        .expect("create")
}

/// An invitation as the app queues one (its text is the app's; here its key).
fn invitation(reporter: &tertial_store::PendingReporter) -> tertial_domain::NewMail {
    tertial_domain::NewMail {
        recipient: reporter.email.clone(),
        subject: "Inbjudan".into(),
        body: "Hej!".into(),
        kind: tertial_domain::MailKind::Invitation,
        dedup_key: format!("invitation:{}:{}", reporter.report, reporter.user),
    }
}

fn reporter_of(w: &World) -> Actor {
    Actor {
        id: w.reporter,
        name: "Rapportör".into(),
        email: "skarholmen@example.se".into(),
        role: Role::Reporter,
        bodies: vec![w.districts[0]],
        session: None,
    }
}

async fn report_of(store: &Store, round: RoundId, body: BodyId) -> tertial_domain::Report {
    store
        .round_overview(round)
        .await
        .expect("overview")
        .into_iter()
        .find(|o| o.body.id == body)
        .expect("report")
        .report
}

/// A round is created and opened for exactly the chosen bodies, in one transaction with its
/// audit entry; each refusal leaves no round, no report and no entry behind.
async fn a_round_opens_for_the_chosen_bodies_or_not_at_all(store: Store) {
    let w = world(&store).await;
    let t1 = new_round(&w, Period::T1, 2027);
    let before = counts(&store).await;
    for (opening, refusal) in [
        (chosen(&[], true), OpenRefusal::NoBodies),
        (
            chosen(&[w.districts[0], w.board], true),
            OpenRefusal::NoQuestions(w.board),
        ),
        (
            chosen(&[BodyId(999)], true),
            OpenRefusal::UnknownBody(BodyId(999)),
        ),
    ] {
        assert_eq!(create(&store, &t1, &opening).await, Err(refusal.clone()));
        assert_eq!(counts(&store).await, before, "{refusal:?} left nothing");
    }
    let (id, created) = create(&store, &t1, &chosen(&[w.districts[1]], true))
        .await
        .expect("created");
    assert_eq!(created, 1);
    let reports = store.round_overview(id).await.expect("overview");
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].body.id, w.districts[1]);
    assert_eq!(
        store.round_snapshot(id).await.expect("s").questions.len(),
        2
    );
    assert_eq!(
        store
            .audit_of(AuditSubject::Round(id))
            .await
            .expect("a")
            .len(),
        1
    );
    // The same period and year again: refused, nothing more.
    let after = counts(&store).await;
    assert_eq!(
        create(&store, &t1, &chosen(&[w.districts[0]], true)).await,
        Err(OpenRefusal::Exists)
    );
    assert_eq!(counts(&store).await, after);
    // The default: every active body that gets a question (the board gets none).
    let t2 = store
        .insert_round(
            w.follow_up,
            Period::T2,
            2027,
            jiff::civil::date(2027, 9, 15),
        )
        .await
        .expect("planned");
    assert_eq!(
        store
            .open_round_for(
                t2,
                &Opening::default(),
                Timestamp::now(),
                &entry(AuditAction::RoundOpened)
            )
            .await
            .expect("open"),
        Ok(2)
    );
    assert_eq!(
        store
            .open_round_for(
                t2,
                &Opening::default(),
                Timestamp::now(),
                &entry(AuditAction::RoundOpened)
            )
            .await
            .expect("open again"),
        Err(OpenRefusal::NotPlanned)
    );
    assert_eq!(
        store
            .follow_up_questions(w.follow_up)
            .await
            .expect("q")
            .len(),
        2
    );
}
conformance!(a_round_opens_for_the_chosen_bodies_or_not_at_all);

/// Opening with prefill copies each body's latest submission in the previous round (by
/// period order, not by code or id) into its draft, question by question; the copies are
/// marked until saved; a new question and a body that submitted nothing start empty.
async fn drafts_are_prefilled_from_the_previous_round(store: Store) {
    let w = world(&store).await;
    let (t1, _) = create(
        &store,
        &new_round(&w, Period::T1, 2027),
        &chosen(&w.districts, true),
    )
    .await
    .expect("T1");
    let report = report_of(&store, t1, w.districts[0]).await;
    let actor = reporter_of(&w);
    let draft = actor.draft_access(&report).expect("draft");
    let content = |text: &str| SubmittedContent {
        answers: vec![
            SubmittedAnswer {
                key: QuestionKey::parse("samverkan").expect("k"),
                text: text.into(),
                not_applicable: false,
            },
            SubmittedAnswer {
                key: QuestionKey::parse("vaxla-upp").expect("k"),
                text: String::new(),
                not_applicable: true,
            },
        ],
        contact: Default::default(),
        other_information: String::new(),
    };
    let first = content("Första versionen");
    let submitted = store
        .submit(
            &draft,
            Timestamp::now(),
            false,
            &|_| Ok(first.clone()),
            None,
        )
        .await
        .expect("submit");
    assert!(submitted.is_ok());
    store
        .insert_question(
            w.follow_up,
            &question("ny-fraga", 3, &[BodyKind::DistrictCommittee]),
        )
        .await
        .expect("question");
    // A VB of the year before, created later, is not "previous" to T2 2027.
    create(
        &store,
        &new_round(&w, Period::Vb, 2026),
        &chosen(&w.districts, false),
    )
    .await
    .expect("VB 2026");
    let (t2, _) = create(
        &store,
        &new_round(&w, Period::T2, 2027),
        &chosen(&w.districts, true),
    )
    .await
    .expect("T2");
    let report = report_of(&store, t2, w.districts[0]).await;
    assert_eq!(report.status, tertial_domain::ReportStatus::NotStarted);
    let draft = actor.draft_access(&report).expect("draft");
    let mut fields = store.fields(&draft).await.expect("fields");
    fields.sort_by(|a, b| a.field.code().cmp(b.field.code()));
    let summary: Vec<(&str, &str, bool, i64)> = fields
        .iter()
        .map(|f| {
            (
                f.field.code(),
                f.value.text.as_str(),
                f.value.not_applicable,
                f.version,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("samverkan", "Första versionen", false, 1),
            ("vaxla-upp", "", true, 1)
        ]
    );
    let mut marked = store.prefilled(&draft).await.expect("prefilled");
    marked.sort_by(|a, b| a.0.code().cmp(b.0.code()));
    assert_eq!(marked.len(), 2);
    assert!(marked.iter().all(|(_, from)| *from == t1));
    // Bromma submitted nothing: empty.
    let bromma = report_of(&store, t2, w.districts[1]).await;
    assert!(store.stored_fields(bromma.id).await.expect("f").is_empty());

    // A save moves the answer past the copy: no longer marked. Another stays marked.
    let samverkan = Field::Answer(QuestionKey::parse("samverkan").expect("k"));
    let saved = store
        .save_fields(
            &draft,
            &[(samverkan.clone(), FieldValue::text(""), 1)],
            Timestamp::now(),
        )
        .await
        .expect("save");
    assert!(saved.is_ok());
    let marked = store.prefilled(&draft).await.expect("prefilled");
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0].0.code(), "vaxla-upp");
}
conformance!(drafts_are_prefilled_from_the_previous_round);

/// A round's deadline moves while it is open; a body's own deadline overrides it for that
/// body's report (its context, hence its lateness); neither moves once the round closed.
async fn deadlines_move_for_a_round_and_a_body(store: Store) {
    let w = world(&store).await;
    let (round, _) = create(
        &store,
        &new_round(&w, Period::T1, 2027),
        &chosen(&w.districts, false),
    )
    .await
    .expect("round");
    let later = jiff::civil::date(2027, 10, 1);
    assert!(
        store
            .set_round_deadline(
                round,
                later,
                Timestamp::now(),
                &entry(AuditAction::DeadlineChanged)
            )
            .await
            .expect("move")
    );
    assert_eq!(
        store.round(round).await.expect("r").expect("r").deadline,
        later
    );
    let report = report_of(&store, round, w.districts[0]).await;
    let own = jiff::civil::date(2027, 11, 1);
    assert!(
        store
            .set_report_deadline(
                round,
                report.id,
                own,
                Timestamp::now(),
                &entry(AuditAction::DeadlineChanged)
            )
            .await
            .expect("move one")
    );
    // Not a report of that round: nothing.
    assert!(
        !store
            .set_report_deadline(
                RoundId(round.0 + 99),
                report.id,
                own,
                Timestamp::now(),
                &entry(AuditAction::DeadlineChanged)
            )
            .await
            .expect("other round")
    );
    let (_, in_context, _, _) = store
        .report_in_context(report.id)
        .await
        .expect("context")
        .expect("exists");
    assert_eq!(in_context.deadline, own);
    let other = report_of(&store, round, w.districts[1]).await;
    let (_, other_context, _, _) = store
        .report_in_context(other.id)
        .await
        .expect("context")
        .expect("exists");
    assert_eq!(other_context.deadline, later);
    let overview = store.round_overview(round).await.expect("overview");
    let deadlines: Vec<_> = overview.iter().map(|o| (o.report.id, o.deadline)).collect();
    assert!(deadlines.contains(&(report.id, Some(own))));
    assert!(deadlines.contains(&(other.id, None)));
    assert!(
        store
            .close_round(round, Timestamp::now(), &entry(AuditAction::RoundClosed))
            .await
            .expect("close")
    );
    assert!(
        !store
            .set_round_deadline(
                round,
                own,
                Timestamp::now(),
                &entry(AuditAction::DeadlineChanged)
            )
            .await
            .expect("closed")
    );
    assert!(
        !store
            .set_report_deadline(
                round,
                ReportId(other.id.0),
                own,
                Timestamp::now(),
                &entry(AuditAction::DeadlineChanged)
            )
            .await
            .expect("closed")
    );
    let audit = store.audit_of(AuditSubject::Rounds).await.expect("audit");
    let changes = audit
        .iter()
        .filter(|a| a.action == "deadline_changed")
        .count();
    assert_eq!(changes, 2, "only the moves that happened are audited");
}
conformance!(deadlines_move_for_a_round_and_a_body);
