//! The `tertial` binary as an administrator uses it: help, the demo's guard, accounts, and
//! the crash test — kill -9 during a burst of saves loses nothing that was acknowledged.
//! The modules break things under autosave on purpose: the disk (`faults`), the database
//! server (`postgres_restart`), and the process itself with SIGTERM (`shutdown`); `startup`
//! shows what start-up says about a database it cannot open.

mod faults;
mod postgres_restart;
mod shutdown;
mod startup;
mod support;

use std::process::Command;
use std::time::Duration;

use support::{BIN, Fleet, Server, report_line, restart_clean, targets, temp_dir, tertial, verify};
use tertial_store::Store;

#[test]
fn help_documents_every_command_and_option() {
    let help = String::from_utf8(tertial(&["--help"]).stdout).expect("utf-8");
    for command in ["serve", "demo", "user", "check"] {
        assert!(help.contains(command), "{command} missing from:\n{help}");
    }
    for command in ["serve", "demo"] {
        let out = tertial(&[command, "--help"]);
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).expect("utf-8");
        for option in [
            "--bind",
            "--database-url",
            "DATABASE_URL",
            "TERTIAL_BIND",
            "127.0.0.1:8080",
        ] {
            assert!(
                help.contains(option),
                "{option} missing from `{command} --help`:\n{help}"
            );
        }
    }
    let out = tertial(&["serve", "--database-url", "tertial.db"]);
    assert!(!out.status.success(), "a URL without a scheme is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

#[test]
fn the_demo_replaces_a_demo_but_never_other_data() {
    let dir = temp_dir("guard");
    let url = format!("sqlite:{}", dir.join("real.db").display());
    let add = Command::new(BIN)
        .args([
            "user",
            "add",
            "--database-url",
            &url,
            "--email",
            "Admin@Example.se",
        ])
        .args(["--name", "Ada Admin", "--role", "admin"])
        .env("TERTIAL_PASSWORD", "ett långt lösenord")
        .output()
        .expect("user add");
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    assert!(String::from_utf8_lossy(&add.stdout).contains("admin@example.se"));
    let short = Command::new(BIN)
        .args([
            "user",
            "add",
            "--database-url",
            &url,
            "--email",
            "b@example.se",
        ])
        .args(["--name", "B", "--role", "reader"])
        .env("TERTIAL_PASSWORD", "kort")
        .output()
        .expect("user add");
    assert!(!short.status.success(), "short passwords are refused");

    let out = tertial(&["demo", "--database-url", &url, "--bind", "127.0.0.1:0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a demo"));

    // A demo is built, then built afresh over itself.
    let demo_url = format!("sqlite:{}", dir.join("demo.db").display());
    for _ in 0..2 {
        let server = Server::start(&["demo", "--database-url", &demo_url]);
        let health = reqwest::blocking_get(&format!("{}/healthz", server.base));
        assert_eq!(health, "ok");
    }
    let check = tertial(&["check", "--database-url", &demo_url]);
    assert!(check.status.success());
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "ok");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Minimal blocking GET, so the guard test needs no runtime.
mod reqwest {
    pub fn blocking_get(url: &str) -> String {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            ::reqwest::get(url)
                .await
                .expect("GET")
                .text()
                .await
                .expect("body")
        })
    }
}

/// kill -9 in the middle of a burst of saves (eight writers, each on its own field, as fast
/// as the server acknowledges) loses nothing: restarted on the same file, the database opens,
/// checks clean, and holds every acknowledged save.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_saves_survive_kill_9() {
    let dir = temp_dir("crash");
    let url = format!("sqlite:{}", dir.join("demo.db").display());
    let mut server = Server::start(&["demo", "--database-url", &url]);
    let fleet = Fleet::start(targets(&server.base, &url, 8).await);
    fleet
        .wait_until("400 acknowledged saves", Duration::from_secs(60), |log| {
            log.acked.len() >= 400
        })
        .await;
    server.kill_9();
    let (targets, log) = fleet.stop().await;

    let restarted = restart_clean(&url, &dir.join("restarted.log")).await;
    let store = Store::connect(&url).await.expect("store");
    let verified = verify(&store, &targets, &log).await;
    println!("{}", report_line("kill -9, 8 writers", &log, &verified));
    store.close().await;
    drop(restarted);
    let _ = std::fs::remove_dir_all(&dir);
}
