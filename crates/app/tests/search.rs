//! Search conformance: a fixed set of Swedish queries (inflected forms, compounds' parts,
//! phrases, filters) finds the same entries, in the same order, on SQLite and PostgreSQL,
//! over the demo and over generated data; and on each backend exactly the entries that the
//! Rust analyzer says hold the query (the index neither misses nor invents a hit).
//!
//! PostgreSQL needs `TEST_DATABASE_URL` (see `tertial_store::testing`); without it, only
//! SQLite is checked against the analyzer.

use tertial_app::generate::{Scale, generate};
use tertial_app::{SearchFilters, demo};
use tertial_domain::analysis::parse_query;
use tertial_domain::{Actor, BodyKind, Field, QuestionKey, Role, RoundId, SearchAccess, UserId};
use tertial_store::{Backend, Store};

const DEMO: &str = include_str!("../../cli/demo/naringsliv-2022.toml");

/// (query, filters) pairs; the filters name a round by its place in `Store::rounds`.
fn cases() -> Vec<(&'static str, SearchFilters)> {
    let none = SearchFilters::default;
    let key = |k: &str| QuestionKey::parse(k).ok();
    vec![
        ("samverkan", none()),
        ("samverkade", none()),
        ("platsaktiveringen", none()),
        ("företaget", none()),
        ("klimat", none()),
        ("polis Skatteverket", none()),
        ("\"svarta ekonomin\"", none()),
        ("\"Växla upp Stockholm\"", none()),
        ("\"ekonomin svarta\"", none()),
        (
            "feriejobben",
            SearchFilters {
                body_kind: Some(BodyKind::DistrictCommittee),
                ..none()
            },
        ),
        (
            "trygghet",
            SearchFilters {
                focus_area: Some(3),
                ..none()
            },
        ),
        (
            "näringslivet",
            SearchFilters {
                round: Some(RoundId(2)),
                ..none()
            },
        ),
        (
            "arbete",
            SearchFilters {
                question: key("samverkan-lokalt-naringsliv"),
                ..none()
            },
        ),
        (
            "kompetensförsörjningen",
            SearchFilters {
                body: Some(tertial_domain::BodyId(3)),
                ..none()
            },
        ),
    ]
}

fn actor(role: Role) -> Actor {
    Actor {
        id: UserId(1),
        name: "Test".into(),
        email: "test@example.se".into(),
        role,
        bodies: Vec::new(),
        session: None,
    }
}

/// Every hit of `query` for `access`, page after page: (report, version, field) in order.
async fn every_hit(
    store: &Store,
    access: &SearchAccess,
    query: &str,
    filters: &SearchFilters,
) -> Vec<(i64, i64, String)> {
    let query = parse_query(query).expect("query");
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .search(access, &query, filters, after, 50)
            .await
            .expect("search");
        let last = page.last().and_then(|h| h.entry);
        all.extend(
            page.into_iter()
                .map(|h| (h.report.0, h.number.expect("submitted"), h.field)),
        );
        if last.is_none() || all.len() % 50 != 0 {
            return all;
        }
        after = last;
    }
}

/// What the analyzer finds, by brute force: every latest submitted answer (and "Övriga
/// upplysningar") that holds the query and passes the filters, newest report first.
async fn expected(store: &Store, query: &str, filters: &SearchFilters) -> Vec<(i64, i64, String)> {
    let query = parse_query(query).expect("query");
    let mut found = Vec::new();
    for round in store.rounds().await.expect("rounds") {
        if filters.round.is_some_and(|r| r != round.id) {
            continue;
        }
        let snapshot = store.round_snapshot(round.id).await.expect("snapshot");
        for report in store.round_overview(round.id).await.expect("overview") {
            let body = &report.body;
            if filters.body.is_some_and(|b| b != body.id)
                || filters.body_kind.is_some_and(|k| k != body.kind)
            {
                continue;
            }
            let versions = store
                .stored_submissions(report.report.id)
                .await
                .expect("versions");
            let Some(latest) = versions.iter().max_by_key(|s| s.number) else {
                continue;
            };
            let other = Field::OtherInformation;
            let fields = latest
                .content
                .answers
                .iter()
                .map(|a| (a.key.as_str(), a.text.as_str()))
                .chain([(other.code(), latest.content.other_information.as_str())]);
            for (field, text) in fields {
                let area = snapshot
                    .questions
                    .iter()
                    .find(|q| q.key.as_str() == field)
                    .map(|q| q.focus_area);
                if filters
                    .question
                    .as_ref()
                    .is_some_and(|q| q.as_str() != field)
                    || filters.focus_area.is_some_and(|a| Some(a) != area)
                {
                    continue;
                }
                if query.matches(text) {
                    found.push((report.report.id.0, latest.number, field.to_owned()));
                }
            }
        }
    }
    found.sort();
    found
}

/// The demo and a generated follow-up, each on a fresh database of `backend`.
async fn databases(backend: Backend) -> Option<Vec<Store>> {
    let demo_url = tertial_store::testing::fresh_database_url(backend).await?;
    let demo_store = Store::connect(&demo_url).await.expect("connect");
    let data = demo::DemoData::parse(DEMO).expect("demo data");
    demo::load(&demo_store, &data).await.expect("demo");
    let url = tertial_store::testing::fresh_database_url(backend).await?;
    let generated = Store::connect(&url).await.expect("connect");
    let scale = Scale {
        bodies: 40,
        questions: 8,
        rounds: 3,
        answer_chars: 400,
        seed: 11,
        accounts: false,
    };
    generate(&generated, &scale, "tertial-demo")
        .await
        .expect("generate")
        .expect("generated");
    generated.index_pending(100).await.expect("index");
    Some(vec![demo_store, generated])
}

#[tokio::test]
async fn both_backends_find_what_the_analyzer_finds_in_the_same_order() {
    let coordinator = actor(Role::Coordinator).search_access();
    let sqlite = databases(Backend::Sqlite).await.expect("sqlite");
    let postgres = databases(Backend::Postgres).await;
    let mut found_any = 0;
    for (i, store) in sqlite.iter().enumerate() {
        for (query, filters) in cases() {
            let hits = every_hit(store, &coordinator, query, &filters).await;
            let mut sorted = hits.clone();
            sorted.sort();
            assert_eq!(
                sorted,
                expected(store, query, &filters).await,
                "{query} {filters:?}"
            );
            found_any += usize::from(!hits.is_empty());
            if let Some(postgres) = &postgres {
                let theirs = every_hit(&postgres[i], &coordinator, query, &filters).await;
                assert_eq!(hits, theirs, "database {i}: {query} {filters:?}");
            }
        }
    }
    // The cases are not vacuous: most find something (the demo has no feriejobb, …).
    assert!(found_any >= 18, "only {found_any} cases found anything");
}

#[tokio::test]
async fn inflected_forms_and_a_compounds_parts_find_the_same_answers() {
    let coordinator = actor(Role::Coordinator).search_access();
    let stores = databases(Backend::Sqlite).await.expect("sqlite");
    let generated = &stores[1];
    let none = SearchFilters::default();
    let samverkan = every_hit(generated, &coordinator, "samverkan", &none).await;
    assert!(!samverkan.is_empty());
    for form in ["samverkar", "samverkat", "samverka"] {
        assert_eq!(
            every_hit(generated, &coordinator, form, &none).await,
            samverkan,
            "{form}"
        );
    }
    // "företagsbesök" and "företagsklimatet" are found by "företag".
    let parts = every_hit(generated, &coordinator, "besök", &none).await;
    let whole = every_hit(generated, &coordinator, "företagsbesök", &none).await;
    assert!(!whole.is_empty() && whole.iter().all(|h| parts.contains(h)));
    // The reader finds nothing: no round of the generated follow-up is published.
    let reader = actor(Role::Reader).search_access();
    assert!(
        every_hit(generated, &reader, "samverkan", &none)
            .await
            .is_empty()
    );
}
