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
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::{BIN, Server, get_text, temp_dir, tertial};
use tertial_domain::{Field, ReportId};
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

/// What the server acknowledged: per field, the last version and text it confirmed.
type Acknowledged = Arc<Mutex<Vec<(String, i64, String)>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_saves_survive_kill_9() {
    let dir = temp_dir("crash");
    let url = format!("sqlite:{}", dir.join("demo.db").display());
    let mut server = Server::start(&["demo", "--database-url", &url]);
    let base = server.base.clone();

    let client = ::reqwest::Client::builder()
        .cookie_store(true)
        .redirect(::reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let login = get_text(&client, &format!("{base}/logga-in")).await;
    let csrf = |html: &str| {
        let marker = "name=\"csrf\" value=\"";
        let start = html.find(marker).expect("csrf") + marker.len();
        html[start..start + 64].to_owned()
    };
    let signed_in = client
        .post(format!("{base}/logga-in"))
        .form(&[
            ("csrf", csrf(&login).as_str()),
            ("email", "skarholmen@example.se"),
            ("password", "tertial-demo"),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed_in.status(), 303);
    let page = get_text(&client, &format!("{base}/tillganglighet")).await;
    let token = csrf(&page);
    let store = Store::connect(&url).await.expect("store");
    let report = {
        let rounds = store.rounds().await.expect("rounds");
        let open = rounds
            .iter()
            .find(|r| r.year == 2022 && r.period.code() == "T2")
            .expect("T2");
        store
            .round_overview(open.id)
            .await
            .expect("overview")
            .into_iter()
            .find(|o| o.body.short_name == "Skärholmen")
            .expect("report")
            .report
            .id
    };
    store.close().await;

    // Eight writers, each saving its own field as fast as the server acknowledges.
    let fields = [
        "samverkan-lokalt-naringsliv",
        "vaxla-upp-stockholm",
        "svart-ekonomi-samverkan",
        "platssamverkan-platsaktivering",
        "kultur-offentliga-rummet",
        "sbr-arbetsmarknad-tillvaxt",
        "sbr-dialog-foretag",
        "other_information",
    ];
    let acknowledged: Acknowledged = Arc::default();
    let writers: Vec<_> = fields
        .iter()
        .map(|field| {
            let (client, base, token, acknowledged) = (
                client.clone(),
                base.clone(),
                token.clone(),
                acknowledged.clone(),
            );
            let field = (*field).to_owned();
            tokio::spawn(async move {
                let mut version = 0i64;
                for i in 0.. {
                    let text = format!("{field} sparning {i} {}", "x".repeat(i % 500));
                    let reply = client
                        .post(format!("{base}/rapporter/{report}/falt/{field}"))
                        .header("x-csrf-token", &token)
                        .header("accept", "application/json")
                        .form(&[("text", text.as_str()), ("version", &version.to_string())])
                        .send()
                        .await;
                    let Ok(reply) = reply else { break };
                    let Ok(json) = reply.json::<serde_json::Value>().await else {
                        break;
                    };
                    version = json["version"].as_i64().expect("version");
                    acknowledged
                        .lock()
                        .expect("lock")
                        .push((field.clone(), version, text));
                }
            })
        })
        .collect();
    // Let the burst run, then kill the server without warning.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().expect("lock").len() < 400 {
        assert!(
            std::time::Instant::now() < deadline,
            "the burst stalled before 400 saves"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.kill_9();
    for writer in writers {
        writer.await.expect("writer");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(acknowledged.len() >= 400);

    // Restart on the same database: it opens, checks clean, and holds every acknowledged save.
    let restarted = Server::start(&["serve", "--database-url", &url]);
    let health = ::reqwest::get(format!("{}/healthz", restarted.base))
        .await
        .expect("GET");
    assert_eq!(health.status(), 200);
    let check = tertial(&["check", "--database-url", &url]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let store = Store::connect(&url).await.expect("store");
    let stored = store.fields(ReportId(report.0)).await.expect("fields");
    for field in fields {
        let last = acknowledged
            .iter()
            .filter(|(f, _, _)| f == field)
            .max_by_key(|(_, v, _)| *v)
            .expect("each writer was acknowledged at least once");
        let code = Field::parse(field).expect("field");
        let now = stored.iter().find(|s| s.field == code).expect("stored");
        assert!(
            now.version >= last.1,
            "{field}: acknowledged v{} but found v{}",
            last.1,
            now.version
        );
        if now.version == last.1 {
            assert_eq!(now.value.text, last.2, "{field}");
        }
    }
    println!(
        "crash test: {} acknowledged saves before kill -9, all present after restart",
        acknowledged.len()
    );
    store.close().await;
    drop(restarted);
    let _ = std::fs::remove_dir_all(&dir);
}
