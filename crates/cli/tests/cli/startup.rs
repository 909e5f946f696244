//! Start-up says why it cannot open the database, and waits for a PostgreSQL server that is
//! still starting.

use std::time::{Duration, Instant};

use crate::support::{
    Cluster, REQUIRE_POSTGRES, Server, is_root, postgres_bin, skip, stderr, temp_dir, tertial,
};

/// A database that cannot be opened is reported with its cause, at once: a missing folder,
/// a file that cannot be written, a PostgreSQL server that is not there (after the wait).
#[test]
fn a_database_that_cannot_be_opened_is_reported_with_its_cause() {
    let dir = temp_dir("startup");

    let missing = format!("sqlite:{}", dir.join("no-such-folder/tertial.db").display());
    let out = tertial(&["serve", "--database-url", &missing, "--bind", "127.0.0.1:0"]);
    assert!(!out.status.success());
    let said = stderr(&out);
    assert!(said.contains("does its folder exist"), "{said}");
    assert!(said.contains("unable to open database file"), "{said}");

    // A file Tertial may not write: immutable for root (whom permissions do not stop),
    // read-only for anyone else.
    let path = dir.join("read-only.db");
    let url = format!("sqlite:{}", path.display());
    let made = tertial(&["check", "--database-url", &url]);
    assert!(made.status.success(), "{}", stderr(&made));
    let protect = |on: bool| {
        if is_root() {
            let flag = if on { "+i" } else { "-i" };
            std::process::Command::new("chattr")
                .arg(flag)
                .arg(&path)
                .status()
                .is_ok_and(|s| s.success())
        } else {
            let mode = if on { 0o444 } else { 0o644 };
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).is_ok()
        }
    };
    if protect(true) {
        let out = tertial(&["serve", "--database-url", &url, "--bind", "127.0.0.1:0"]);
        protect(false);
        assert!(!out.status.success());
        let said = stderr(&out);
        assert!(said.contains("the database cannot be written"), "{said}");
        assert!(said.contains("readonly"), "{said}");
    } else {
        println!("notice: could not make {} read-only here", path.display());
    }

    // Nothing listens on the port: after the wait, the real cause.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let nowhere = format!("postgres://tertial@127.0.0.1:{port}/tertial");
    let started = Instant::now();
    let out = tertial(&[
        "serve",
        "--database-url",
        &nowhere,
        "--database-wait-seconds",
        "1",
        "--bind",
        "127.0.0.1:0",
    ]);
    let took = started.elapsed();
    assert!(!out.status.success());
    let said = stderr(&out);
    assert!(said.contains("is the server running"), "{said}");
    assert!(said.contains("Connection refused"), "{said}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(8),
        "gave up after {took:?}, with a wait of 1 s"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `tertial serve` started before its PostgreSQL server waits for it, and serves once it is
/// up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_waits_for_a_postgresql_server_that_is_still_starting() {
    let Some(bin) = postgres_bin() else {
        skip(
            REQUIRE_POSTGRES,
            "PostgreSQL's server binaries are not installed",
        );
        return;
    };
    let dir = temp_dir("startup-wait");
    let cluster = Cluster::init(&bin, &dir);
    let url = cluster.url();
    let started = Instant::now();
    let server = tokio::task::spawn_blocking(move || {
        Server::start(&[
            "serve",
            "--database-url",
            &url,
            "--database-wait-seconds",
            "30",
        ])
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!server.is_finished(), "tertial did not wait for PostgreSQL");
    tokio::task::block_in_place(|| cluster.start());
    let server = tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("tertial started within 20 s of PostgreSQL")
        .expect("server");
    let ready = reqwest::get(format!("{}/readyz", server.base))
        .await
        .expect("GET /readyz");
    assert_eq!(ready.status(), 200);
    println!(
        "start-up waited for PostgreSQL (started 1.5 s after tertial): listening after {:?}",
        started.elapsed()
    );
    drop(server);
    drop(cluster);
    let _ = std::fs::remove_dir_all(&dir);
}
