//! The `tertial` binary as an administrator uses it: help, the demo's guard, accounts, and
//! the crash test — kill -9 during a burst of saves loses nothing that was acknowledged.
//! The modules break things under autosave on purpose: the disk (`faults`), the database
//! server (`postgres_restart`), and the process itself with SIGTERM (`shutdown`); `startup`
//! shows what start-up says about a database it cannot open.

mod faults;
mod generate;
mod import;
mod mail;
mod postgres_restart;
mod shutdown;
mod sign_in_link;
mod smtp;
mod startup;
mod support;

use std::process::Command;
use std::time::Duration;

use support::{BIN, Fleet, Server, report_line, restart_clean, targets, temp_dir, tertial, verify};
use tertial_store::Store;

#[test]
fn help_documents_every_command_and_option() {
    let help = String::from_utf8(tertial(&["--help"]).stdout).expect("utf-8");
    for command in ["serve", "demo", "user", "check", "generate", "import"] {
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

/// A demo load killed at any point (kill -9 at 0, 10, 20 … ms after it starts) leaves a
/// database that the next `tertial demo` rebuilds whole, never one it refuses as "not a
/// demo". At least one kill must land half-way (data written, the load not finished).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_load_killed_half_way_is_rebuilt() {
    let dir = temp_dir("demo-killed");
    let mut half_way = 0;
    for step in 0..25u64 {
        let path = dir.join(format!("demo-{step}.db"));
        let url = format!("sqlite:{}", path.display());
        let mut child = Command::new(BIN)
            .args(["demo", "--database-url", &url, "--bind", "127.0.0.1:0"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start tertial");
        std::thread::sleep(Duration::from_millis(step * 10));
        child.kill().expect("kill -9");
        child.wait().expect("wait");

        let store = Store::connect(&url).await.expect("open what was left");
        let loaded = store
            .audit_of(tertial_domain::AuditSubject::Demo)
            .await
            .expect("audit")
            .iter()
            .any(|e| e.action == "demo_loaded");
        if !loaded && !store.is_empty().await.expect("empty?") {
            half_way += 1;
        }
        store.close().await;
        let server = Server::start(&["demo", "--database-url", &url]);
        let health = ::reqwest::get(format!("{}/healthz", server.base))
            .await
            .expect("GET")
            .text()
            .await
            .expect("body");
        assert_eq!(health, "ok", "rebuilding after a kill at {} ms", step * 10);
        drop(server);
        let store = Store::connect(&url).await.expect("store");
        assert_eq!(
            store.bodies().await.expect("bodies").len(),
            17,
            "step {step}"
        );
        assert_eq!(store.users().await.expect("users").len(), 8, "step {step}");
        store.close().await;
    }
    assert!(half_way > 0, "no kill landed half-way through a load");
    println!("{half_way} of 25 kills landed half-way through the demo's load");
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
