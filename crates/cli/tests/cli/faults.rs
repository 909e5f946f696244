//! The disk fails under autosave, and no acknowledged save is lost.
//!
//! Each test runs the real binary on a real file system and breaks the disk under writers
//! that autosave their own field as fast as they are answered: a full disk (a small tmpfs,
//! filled with a file until ENOSPC), or a write I/O error (the database's files made
//! immutable with `chattr +i`, so that writes to the open files fail with EPERM). While the
//! disk fails, saves must be refused with 503 and a Swedish message, and `/readyz` must turn
//! red; once the disk works again, saves must succeed without restarting the server, and
//! `/readyz` turn green. Then the server is killed (-9) and restarted, and the database must
//! pass its integrity check and hold every save that was acknowledged.
//!
//! Mounting and `chattr` need root. Without it the tests print a notice and pass, unless
//! `TERTIAL_REQUIRE_FAULT_TESTS=1` (as `scripts/test` and CI set), when they fail.

use std::fs::File;
use std::io::{ErrorKind, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tertial_store::Store;

use crate::support::{
    Fleet, Server, is_root, report_line, restart_clean, skip, summary, targets, temp_dir, verify,
};

const REQUIRE: &str = "TERTIAL_REQUIRE_FAULT_TESTS";

/// A full disk under a single writer: its saves are refused while the disk is full, and it
/// saves again once space is back; every save acknowledged is on disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_disk_with_one_writer_loses_no_acknowledged_save() {
    run(Fault::FullDisk, 1).await;
}

/// A full disk under sixteen writers, whose saves SQLite commits in groups: a failed group is
/// never acknowledged, and recovery needs no restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_disk_with_sixteen_writers_loses_no_acknowledged_save() {
    run(Fault::FullDisk, 16).await;
}

/// Write I/O errors under a single writer: refused while the files cannot be written,
/// saving again once they can.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_errors_with_one_writer_lose_no_acknowledged_save() {
    run(Fault::WriteError, 1).await;
}

/// Write I/O errors under sixteen writers, whose saves SQLite commits in groups.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_errors_with_sixteen_writers_lose_no_acknowledged_save() {
    run(Fault::WriteError, 16).await;
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    FullDisk,
    WriteError,
}

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::FullDisk => "full disk",
            Fault::WriteError => "write I/O error",
        }
    }
}

/// A fault in force, undone by [`Broken::heal`] or, if the test fails first, when dropped.
enum Broken {
    Filler(PathBuf),
    Immutable(Immutable),
}

impl Broken {
    fn heal(self) {
        match self {
            Broken::Filler(filler) => std::fs::remove_file(filler).expect("remove the filler"),
            Broken::Immutable(files) => drop(files),
        }
    }
}

/// How long the writers may take to see the fault (and, generally, to make progress).
const NOTICE: Duration = Duration::from_secs(20);
/// How soon after the fault ends every writer must save again, and `/readyz` be green.
const RECOVERY: Duration = Duration::from_secs(5);
/// How long the fault lasts once the writers have seen it.
const HOLD: Duration = Duration::from_secs(1);
/// `/readyz` must turn red this soon after the first refused save.
const READY_RED: Duration = Duration::from_secs(2);

async fn run(fault: Fault, writers: usize) {
    let scenario = format!(
        "{}, {writers} writer{}",
        fault.name(),
        if writers == 1 { "" } else { "s" }
    );
    if !is_root() {
        skip(REQUIRE, &format!("{scenario} needs root"));
        return;
    }
    let dir = temp_dir(&format!(
        "{}-{writers}",
        fault.name().replace([' ', '/'], "-")
    ));
    // The database lives on a small tmpfs (full disk) or on the temporary folder's own file
    // system, which must be one where immutable files refuse writes (ext4, say).
    let (tmpfs, db_dir) = match fault {
        Fault::FullDisk => {
            let disk = dir.join("disk");
            std::fs::create_dir_all(&disk).expect("mount point");
            match Tmpfs::mount(&disk, "16m") {
                Ok(tmpfs) => (Some(tmpfs), disk),
                Err(e) => {
                    skip(REQUIRE, &format!("cannot mount a tmpfs: {e}"));
                    let _ = std::fs::remove_dir_all(&dir);
                    return;
                }
            }
        }
        Fault::WriteError => {
            if let Err(e) = immutable_files_refuse_writes(&dir) {
                skip(
                    REQUIRE,
                    &format!(
                        "immutable files do not fail writes in {}: {e}",
                        dir.display()
                    ),
                );
                let _ = std::fs::remove_dir_all(&dir);
                return;
            }
            (None, dir.clone())
        }
    };
    let db = db_dir.join("demo.db");
    let url = format!("sqlite:{}", db.display());
    let mut server =
        Server::start_logging(&["demo", "--database-url", &url], &dir.join("server.log"));
    let probe = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");

    // The writers get going on a healthy disk.
    let fleet = Fleet::start(targets(&server.base, &url, writers).await);
    fleet.wait_for_acks(20, Duration::from_secs(20)).await;
    assert_eq!(readyz(&probe, &server.base).await.0, 200, "ready before");

    // The disk fails: saves are refused, and readiness turns red.
    let broke = Instant::now();
    let broken = match fault {
        Fault::FullDisk => {
            let filler = db_dir.join("filler");
            fill(&filler);
            Broken::Filler(filler)
        }
        Fault::WriteError => {
            Broken::Immutable(Immutable::set(&[db.clone(), db_dir.join("demo.db-wal")]))
        }
    };
    fleet
        .wait_until("a save is refused", NOTICE, |log| log.refused() > 0)
        .await;
    let first_refusal = fleet
        .log(|log| log.first_refusal())
        .expect("a refusal has a time");
    let red = wait_for_readyz(&probe, &server.base, 503, first_refusal + READY_RED).await;
    assert!(
        red.is_some(),
        "/readyz did not answer 503 within {READY_RED:?} of the first refused save"
    );
    // The fault holds for a while: saves keep being refused, readiness stays red.
    let refused = fleet.log(|log| log.refused());
    tokio::time::sleep(HOLD).await;
    fleet
        .wait_until("more saves are refused", NOTICE, |log| {
            log.refused() >= refused + writers
        })
        .await;
    assert_eq!(
        readyz(&probe, &server.base).await.0,
        503,
        "red while broken"
    );

    // The disk works again: every writer saves again without a restart, readiness is green.
    let healed = Instant::now();
    broken.heal();
    let recovered = fleet
        .wait_until("every writer saves again", RECOVERY, |log| {
            (0..writers).all(|w| log.acked_since(w, healed))
        })
        .await;
    let green = wait_for_readyz(&probe, &server.base, 200, Instant::now() + RECOVERY).await;
    assert!(green.is_some(), "/readyz did not turn green again");
    fleet.wait_for_acks_since(20, healed, NOTICE).await;
    let (targets, log) = fleet.stop().await;

    assert!(log.refused() > 0, "the fault refused no save");
    assert_eq!(
        log.refusals.keys().copied().collect::<Vec<_>>(),
        vec![503],
        "saves are refused with 503 only; first answers: {:?}",
        log.samples
    );
    assert!(
        log.no_answer.is_empty(),
        "every save was answered: {:?}",
        log.no_answer
    );

    // Killed without warning and restarted on the same file: clean and complete.
    server.kill_9();
    let restarted = restart_clean(&url, &dir.join("restarted.log")).await;
    let store = Store::connect(&url).await.expect("store");
    let verified = verify(&store, &targets, &log).await;
    store.close().await;
    drop(restarted);

    println!("{}", report_line(&scenario, &log, &verified));
    println!(
        "  {scenario}: first refusal {:?} after the fault, /readyz red {:?} after it; \
         {} saves acknowledged while it held; saving again {:?} after the fault ended; {}",
        first_refusal.saturating_duration_since(broke),
        red.map(|at| at.saturating_duration_since(first_refusal)),
        log.acked
            .iter()
            .filter(|a| a.at > first_refusal && a.at < healed)
            .count(),
        recovered.duration_since(healed),
        summary(&log)
    );
    println!("  what a refused save is told: {:?}", log.samples);
    drop(tmpfs);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Asks `/readyz`; returns its status and how long the answer took, which must be under
/// 2 s (the server answers within 1.5 s whatever the database does).
async fn readyz(client: &reqwest::Client, base: &str) -> (u16, Duration) {
    let asked = Instant::now();
    let reply = client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("GET /readyz");
    let took = asked.elapsed();
    assert!(took < READY_RED, "/readyz took {took:?}");
    (reply.status().as_u16(), took)
}

/// Asks `/readyz` until it answers `status` or `deadline` passes; returns when it answered so.
async fn wait_for_readyz(
    client: &reqwest::Client,
    base: &str,
    status: u16,
    deadline: Instant,
) -> Option<Instant> {
    loop {
        if readyz(client, base).await.0 == status {
            return Some(Instant::now());
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Writes `path` until the file system is full.
fn fill(path: &Path) {
    let mut file = File::create(path).expect("filler");
    let chunk = vec![0u8; 256 * 1024];
    loop {
        match file.write(&chunk) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::StorageFull => break,
            Err(e) => panic!("filling the disk: {e}"),
        }
    }
}

/// A tmpfs mounted on a folder, unmounted when dropped, also when the test fails.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(Tmpfs {
                dir: dir.to_owned(),
            })
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = Command::new("umount")
            .arg(&self.dir)
            .status()
            .is_ok_and(|s| s.success());
        if !unmounted {
            // Something still holds a file there: detach it now, free it when let go.
            let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        }
    }
}

/// Files made immutable (`chattr +i`), writable again when dropped, also when the test fails.
struct Immutable {
    files: Vec<PathBuf>,
}

impl Immutable {
    fn set(files: &[PathBuf]) -> Immutable {
        let guard = Immutable {
            files: files.to_vec(),
        };
        let status = Command::new("chattr")
            .arg("+i")
            .args(files)
            .status()
            .expect("chattr");
        assert!(status.success(), "chattr +i {files:?}");
        guard
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let status = Command::new("chattr").arg("-i").args(&self.files).status();
        if !status.is_ok_and(|s| s.success()) && !std::thread::panicking() {
            panic!("chattr -i {:?} failed", self.files);
        }
    }
}

/// Whether a write to an open file fails once the file is immutable here (it does on ext4;
/// tmpfs lets it through), so the write-error tests break what they mean to.
fn immutable_files_refuse_writes(dir: &Path) -> Result<(), String> {
    let path = dir.join("immutable-probe");
    let file = File::create(&path).map_err(|e| e.to_string())?;
    let refused = {
        let status = Command::new("chattr")
            .arg("+i")
            .arg(&path)
            .output()
            .map_err(|e| e.to_string())?;
        if !status.status.success() {
            let _ = std::fs::remove_file(&path);
            return Err(String::from_utf8_lossy(&status.stderr).trim().to_owned());
        }
        let _guard = Immutable {
            files: vec![path.clone()],
        };
        file.write_at(b"probe", 0).is_err()
    };
    let _ = std::fs::remove_file(&path);
    if refused {
        Ok(())
    } else {
        Err("a write to an immutable file succeeded".to_owned())
    }
}
