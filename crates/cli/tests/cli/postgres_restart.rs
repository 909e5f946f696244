//! PostgreSQL restarts (immediate: a crash, as far as its clients can tell) under sixteen
//! autosaving writers, and no acknowledged save is lost.
//!
//! The test runs a throw-away PostgreSQL cluster of its own (never the shared one other tests
//! use), since it restarts it. Without PostgreSQL's server binaries it prints a notice and
//! passes, unless `TERTIAL_REQUIRE_POSTGRES=1`, when it fails.

use std::time::{Duration, Instant};

use tertial_store::Store;

use crate::support::{
    Cluster, Fleet, REQUIRE_POSTGRES, Server, postgres_bin, report_line, skip, summary, targets,
    temp_dir, verify,
};

/// Sixteen writers over two bodies save while PostgreSQL is restarted with `-m immediate`:
/// saves during the outage are refused, saves succeed again afterwards without restarting
/// Tertial, and the database holds every save that was acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_under_sixteen_writers_loses_no_acknowledged_save() {
    let Some(bin) = postgres_bin() else {
        skip(
            REQUIRE_POSTGRES,
            "PostgreSQL's server binaries are not installed",
        );
        return;
    };
    let dir = temp_dir("postgres-restart");
    let cluster = Cluster::init(&bin, &dir);
    cluster.start();
    let url = cluster.url();
    let mut server =
        Server::start_logging(&["demo", "--database-url", &url], &dir.join("server.log"));
    let probe = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");

    let fleet = Fleet::start(targets(&server.base, &url, 16).await);
    fleet.wait_for_acks(10, Duration::from_secs(30)).await;

    // Restart PostgreSQL under the writers: `pg_ctl restart -m immediate -w` returns once
    // it accepts connections again.
    let acked_before = fleet.log(|log| log.acked.len());
    let restarting = Instant::now();
    cluster.restart_immediately().await;
    let restarted = Instant::now();

    // Saves succeed again, every writer's, without restarting Tertial.
    let recovered = fleet
        .wait_until(
            "every writer saves again after the restart",
            Duration::from_secs(20),
            |log| (0..16).all(|w| log.acked_since(w, restarted)),
        )
        .await;
    let ready = probe
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .expect("GET /readyz");
    assert_eq!(ready.status(), 200, "ready again after the restart");
    fleet
        .wait_for_acks_since(10, restarted, Duration::from_secs(20))
        .await;
    let (targets, log) = fleet.stop().await;
    server.kill_9();

    // Saves under way when the server went down were refused, or waited for it and were
    // then saved (a batch that failed is retried alone, on a new connection).
    let during: Vec<_> = log.unacked.iter().filter(|u| u.at >= restarting).collect();
    let outage = restarted.duration_since(restarting);
    assert!(
        !during.is_empty() || log.slowest >= outage / 2,
        "no save was refused or held up while PostgreSQL restarted ({outage:?}); the test \
         did not exercise the fault"
    );
    // Refusals answer 503 with a message; any other status is a defect (a 401 would sign the
    // person out of a session that is still valid).
    assert!(
        log.refusals.keys().all(|status| *status == 503),
        "saves during the outage are refused with 503 only; first answers: {:?}",
        log.samples
    );
    assert!(
        log.no_answer.is_empty(),
        "every save was answered: {:?}",
        log.no_answer
    );

    let store = Store::connect(&url).await.expect("store");
    let verified = verify(&store, &targets, &log).await;
    store.close().await;

    println!(
        "{}",
        report_line("PostgreSQL restart, 16 writers", &log, &verified)
    );
    println!(
        "  PostgreSQL restart: {acked_before} acknowledged before; pg_ctl restart took {:?}; \
         every writer saving again {:?} after it returned; {}",
        restarted.duration_since(restarting),
        recovered.duration_since(restarted),
        summary(&log)
    );
    println!("  what a refused save is told: {:?}", log.samples);
    drop(cluster);
    let _ = std::fs::remove_dir_all(&dir);
}
