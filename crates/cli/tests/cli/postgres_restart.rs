//! PostgreSQL restarts (immediate: a crash, as far as its clients can tell) under sixteen
//! autosaving writers, and no acknowledged save is lost.
//!
//! The test runs a throw-away PostgreSQL cluster of its own (never the shared one other tests
//! use), since it restarts it. Without PostgreSQL's server binaries it prints a notice and
//! passes, unless `TERTIAL_REQUIRE_POSTGRES=1`, when it fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use tertial_store::Store;

use crate::support::{
    Fleet, Server, is_root, report_line, skip, summary, targets, temp_dir, verify,
};

const REQUIRE: &str = "TERTIAL_REQUIRE_POSTGRES";

/// Sixteen writers over two bodies save while PostgreSQL is restarted with `-m immediate`:
/// saves during the outage are refused, saves succeed again afterwards without restarting
/// Tertial, and the database holds every save that was acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_under_sixteen_writers_loses_no_acknowledged_save() {
    let Some(bin) = postgres_bin() else {
        skip(REQUIRE, "PostgreSQL's server binaries are not installed");
        return;
    };
    let dir = temp_dir("postgres-restart");
    let cluster = Cluster::start(&bin, &dir);
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
        .wait_until(
            "ten saves each after the restart",
            Duration::from_secs(20),
            |log| {
                (0..16).all(|w| {
                    log.acked
                        .iter()
                        .filter(|a| a.writer == w && a.at > restarted)
                        .count()
                        >= 10
                })
            },
        )
        .await;
    let (targets, log) = fleet.stop().await;
    server.kill_9();

    let during: Vec<_> = log.unacked.iter().filter(|u| u.at >= restarting).collect();
    assert!(
        !during.is_empty(),
        "no save was refused while PostgreSQL restarted; the test did not exercise the fault"
    );
    // Refusals answer 503 with a message; any other status is a defect (a 401 would sign the
    // person out of a session that is still valid).
    assert_eq!(
        log.refusals.keys().copied().collect::<Vec<_>>(),
        vec![503],
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

/// The newest PostgreSQL server binaries Debian installed, if any.
fn postgres_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// A throw-away PostgreSQL cluster in a folder of its own, stopped when dropped.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    /// `initdb` and start, as `scripts/lib/postgres.sh` does: as the `postgres` account
    /// when run as root, since PostgreSQL refuses to run as root.
    fn start(bin: &Path, dir: &Path) -> Cluster {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        if is_root() {
            let chown = Command::new("chown")
                .arg("postgres")
                .arg(dir)
                .status()
                .expect("chown");
            assert!(chown.success(), "chown postgres {}", dir.display());
        }
        let cluster = Cluster {
            bin: bin.to_owned(),
            dir: dir.to_owned(),
            port,
        };
        let data = cluster.data();
        let initdb = cluster.run(
            "initdb",
            &[
                "-D",
                path(&data),
                "-A",
                "trust",
                "-U",
                "tertial",
                "--no-sync",
            ],
        );
        assert!(initdb.status.success(), "initdb: {}", stderr(&initdb));
        let started = cluster.pg_ctl("start");
        assert!(
            started.status.success(),
            "pg_ctl start: {}",
            stderr(&started)
        );
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn url(&self) -> String {
        format!("postgres://tertial@127.0.0.1:{}/postgres", self.port)
    }

    /// Runs one of PostgreSQL's programs, as `postgres` when root.
    fn run(&self, program: &str, args: &[&str]) -> Output {
        let program = self.bin.join(program);
        let mut command = if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        };
        command
            .args(args)
            .output()
            .expect("run a PostgreSQL program")
    }

    /// `pg_ctl start` or `restart`, waiting until the server accepts connections.
    fn pg_ctl(&self, action: &str) -> Output {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=100",
            self.port,
            self.dir.display()
        );
        let data = self.data();
        let log = self.dir.join("postgres.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                path(&data),
                "-l",
                path(&log),
                "-w",
                "-m",
                "immediate",
                "-o",
                &options,
                action,
            ],
        )
    }

    /// `pg_ctl restart -m immediate`: every connection is cut, transactions under way are
    /// lost, and the server recovers from its log, as after a crash.
    async fn restart_immediately(&self) {
        let restarted = tokio::task::block_in_place(|| self.pg_ctl("restart"));
        assert!(
            restarted.status.success(),
            "pg_ctl restart: {}",
            stderr(&restarted)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self.run("pg_ctl", &["-D", path(&data), "-m", "immediate", "stop"]);
    }
}

fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
