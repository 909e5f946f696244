//! The search benchmark (`--search`): issue 11's search over a million generated answers.
//!
//! It generates a database with `tertial generate --no-index` (about `--answers` answers in
//! submitted versions: ten questions, three rounds), then times `tertial reindex`, which
//! indexes every submitted version as submissions do (the same code, 200 versions per
//! transaction): the indexing throughput in answers per second. Then, in this process,
//! through the store: a fixed set of Swedish queries, each run `RUNS` times after a warm-up,
//! as a coordinator searches (every body, the first page of hits), and the same words with a
//! plain `LIKE '%…%'` scan over the same answers (the submitted versions' content), newest
//! first, the same page size. It prints p50/p95/p99 of each and the target (search p95 under
//! 50 ms). See bench/README.md.

use std::time::Duration;

use tertial_domain::analysis::parse_query;
use tertial_domain::{Actor, BodyKind, Role, UserId};
use tertial_store::{SearchFilters, Store};
use tokio::time::Instant;

use super::exports::{Database, run_generate};
use super::{Args, Result, ms, run_tertial};

const QUESTIONS: usize = 10;
const ROUNDS: usize = 3;
const ANSWER_CHARS: usize = 800;
/// Submitted versions per body and round, about (most bodies submit, a tenth twice).
const VERSIONS_PER_REPORT: f64 = 0.95;
/// Measured runs per query (after one warm-up run).
const RUNS: usize = 20;
/// Measured runs per query of the LIKE scan, which reads everything each time.
const LIKE_RUNS: usize = 3;
/// Hits per page, as the search page asks (20 and one to know there is a next page).
const PAGE: u32 = 21;

/// The queries: inflected forms, compounds, phrases, rare and common words, and filters.
fn queries() -> Vec<(&'static str, SearchFilters)> {
    let none = SearchFilters::default;
    vec![
        ("samverkan", none()),
        ("samverkar", none()),
        ("företagsklimatet", none()),
        ("polisen", none()),
        ("\"svarta ekonomin\"", none()),
        ("feriejobben", none()),
        ("platsaktivering", none()),
        ("Skatteverket trafikkontoret", none()),
        ("torghandeln", none()),
        ("\"Växla upp Stockholm\"", none()),
        ("näringslivsfrukost Hagsätra", none()),
        ("trygghetsvandringar", none()),
        ("kompetensförsörjning arbetsmarknaden", none()),
        (
            "serveringstillstånd",
            SearchFilters {
                body_kind: Some(BodyKind::CompanyBoard),
                ..none()
            },
        ),
        (
            "belysning",
            SearchFilters {
                focus_area: Some(3),
                ..none()
            },
        ),
        (
            "workshoppar upphandling",
            SearchFilters {
                body: Some(tertial_domain::BodyId(7)),
                ..none()
            },
        ),
    ]
}

pub(crate) async fn run(args: &Args) -> Result<()> {
    let bodies = (args.answers as f64 / (QUESTIONS * ROUNDS) as f64 / VERSIONS_PER_REPORT)
        .ceil()
        .max(1.0) as usize;
    println!(
        "Search benchmark on {}: about {} answers ({bodies} bodies, {QUESTIONS} questions, \
         {ROUNDS} rounds, about {ANSWER_CHARS} characters each)",
        args.label, args.answers
    );
    let database = Database::fresh(&args.database_url, "search").await?;
    let outcome = measure(args, &database.url, bodies).await;
    database.remove().await?;
    outcome
}

async fn measure(args: &Args, url: &str, bodies: usize) -> Result<()> {
    let began = Instant::now();
    let shape = [bodies, QUESTIONS, ROUNDS, ANSWER_CHARS];
    let limit = Duration::from_secs(3600);
    run_generate(args, url, shape, &["--no-index"], limit).await?;
    println!("  generated in {:.1} s", began.elapsed().as_secs_f64());
    let began = Instant::now();
    let output = run_tertial(
        args,
        &["reindex", "--database-url", url],
        Duration::from_secs(3600),
    )
    .await?;
    let seconds = began.elapsed().as_secs_f64();
    println!(
        "  {} (the command's whole run: {seconds:.1} s)",
        output.trim()
    );

    let store = Store::connect(url).await?;
    if url.starts_with("postgres") {
        // As autovacuum would after a load this size: the planner's statistics.
        store.analyze().await?;
    }
    let coordinator = Actor {
        id: UserId(1),
        name: "Bänk".into(),
        email: "samordnare@example.se".into(),
        role: Role::Coordinator,
        bodies: Vec::new(),
        session: None,
    }
    .search_access();
    println!();
    println!(
        "{:<40} {:>6} {:>8} {:>8} {:>8} {:>10} {:>10}",
        "query", "hits", "p50 ms", "p95 ms", "max ms", "LIKE p50", "LIKE max"
    );
    let (mut all, mut like_all) = (Vec::new(), Vec::new());
    for (text, filters) in queries() {
        let query = parse_query(text).map_err(|e| format!("{text}: {e}"))?;
        let mut times = Vec::with_capacity(RUNS);
        let mut hits = 0;
        for run in 0..=RUNS {
            let began = Instant::now();
            let found = store
                .search(&coordinator, &query, &filters, None, PAGE)
                .await?;
            if run > 0 {
                times.push(began.elapsed());
            }
            hits = found.len();
        }
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut like = Vec::with_capacity(LIKE_RUNS);
        for _ in 0..LIKE_RUNS {
            let began = Instant::now();
            store.like_scan(&words, PAGE).await?;
            like.push(began.elapsed());
        }
        times.sort();
        like.sort();
        let label = if filters == SearchFilters::default() {
            text.to_owned()
        } else {
            format!("{text} (filtered)")
        };
        println!(
            "{label:<40} {hits:>6} {:>8.1} {:>8.1} {:>8.1} {:>10.1} {:>10.1}",
            ms(percentile(&times, 50)),
            ms(percentile(&times, 95)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            ms(percentile(&like, 50)),
            ms(*like.last().unwrap_or(&Duration::ZERO)),
        );
        all.extend(times);
        like_all.extend(like);
    }
    all.sort();
    like_all.sort();
    println!();
    for (what, times) in [("search", &all), ("LIKE scan", &like_all)] {
        println!(
            "{what:<10} over every query: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms ({} runs)",
            ms(percentile(times, 50)),
            ms(percentile(times, 95)),
            ms(percentile(times, 99)),
            times.len()
        );
    }
    let p95 = percentile(&all, 95);
    println!(
        "target: search p95 < 50 ms: {}",
        if p95 < Duration::from_millis(50) {
            "met"
        } else {
            "NOT met"
        }
    );
    store.close().await;
    Ok(())
}

/// The `p`th percentile of sorted durations (nearest rank).
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank - 1]
}
