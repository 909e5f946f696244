//! `tertial import`: a folder of historic forms into the demo's closed round T1 2022. Each
//! file finds its body (by its "Nämnd" field, or a body's name in the file's name); the
//! summary says what was imported, skipped and failed; `--dry-run` changes nothing; the
//! versions are marked imported and the audit log names no person (the command line).

use std::path::Path;
use std::process::Output;

use tertial_app::demo;
use tertial_domain::{AuditSubject, ReportId};
use tertial_store::{Backend, Store};

use crate::support::{BIN, temp_dir};

const DEMO: &str = include_str!("../../demo/naringsliv-2022.toml");
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/uppfoljning-naringsliv-sdn-2022.txt"
);

fn import(url: &str, dir: &Path, extra: &[&str]) -> Output {
    std::process::Command::new(BIN)
        .args([
            "import",
            "--database-url",
            url,
            "--round",
            "Tertialrapport 1 2022",
        ])
        .arg(dir)
        .args(extra)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run tertial import")
}

/// The report of the body with this short name in T1 2022, and how many versions it has.
async fn versions(store: &Store, body: &str) -> (ReportId, usize) {
    let round = store
        .rounds()
        .await
        .expect("rounds")
        .into_iter()
        .find(|r| r.year == 2022 && r.period.code() == "T1")
        .expect("T1 2022");
    let report = store
        .round_overview(round.id)
        .await
        .expect("overview")
        .into_iter()
        .find(|o| o.body.short_name == body)
        .expect("the body's report")
        .report
        .id;
    let n = store
        .stored_submissions(report)
        .await
        .expect("versions")
        .len();
    (report, n)
}

async fn imports_a_folder(backend: Backend) {
    let Some(url) = tertial_store::testing::fresh_database_url(backend).await else {
        return;
    };
    let store = Store::connect(&url).await.expect("connect");
    demo::load(&store, &demo::DemoData::parse(DEMO).expect("demo"))
        .await
        .expect("demo");
    let dir = temp_dir(&format!("import-{backend:?}"));
    let fixture = std::fs::read_to_string(FIXTURE).expect("fixture");
    // Bromma's by its file's name (the template's "Nämnd" names no single body); Farsta's
    // by its "Nämnd"; a note that is no form; an empty "Word file".
    std::fs::write(dir.join("bromma-t1-2022.txt"), &fixture).expect("write");
    let farsta = fixture.replace("Stadsdelsnämnderna", "Farsta stadsdelsnämnd");
    std::fs::write(dir.join("svar-2022.txt"), farsta).expect("write");
    std::fs::write(dir.join("LASMIG.md"), "Svaren från 2022.").expect("write");
    std::fs::write(dir.join("tom.docx"), "").expect("write");

    let dry = import(&url, &dir, &["--dry-run", "--json"]);
    assert!(
        !dry.status.success(),
        "a file failed: {}{}",
        String::from_utf8_lossy(&dry.stdout),
        String::from_utf8_lossy(&dry.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&dry.stdout).expect("JSON");
    assert_eq!(summary["dry_run"], true);
    assert_eq!(
        (
            &summary["imported"],
            &summary["skipped"],
            &summary["failed"]
        ),
        (&2.into(), &1.into(), &1.into()),
        "{summary}"
    );
    let files = summary["files"].as_array().expect("files");
    let status_of = |name: &str| {
        files
            .iter()
            .find(|f| f["file"] == name)
            .unwrap_or_else(|| panic!("{name} in {summary}"))
    };
    assert_eq!(status_of("bromma-t1-2022.txt")["status"], "would_import");
    assert_eq!(
        status_of("bromma-t1-2022.txt")["body"],
        "Bromma stadsdelsnämnd"
    );
    assert_eq!(status_of("bromma-t1-2022.txt")["answers"], 8);
    assert_eq!(status_of("svar-2022.txt")["body"], "Farsta stadsdelsnämnd");
    assert_eq!(status_of("LASMIG.md")["status"], "skipped");
    assert_eq!(status_of("tom.docx")["status"], "failed");
    assert_eq!(status_of("tom.docx")["message"], "Filen är tom.");
    for body in ["Bromma", "Farsta"] {
        assert_eq!(
            versions(&store, body).await.1,
            0,
            "a dry run changes nothing"
        );
    }

    std::fs::remove_file(dir.join("tom.docx")).expect("remove");
    let done = import(&url, &dir, &[]);
    let stdout = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        stdout
            .contains("imported  bromma-t1-2022.txt: Bromma stadsdelsnämnd, version 1 (8 answers)"),
        "{stdout}"
    );
    assert!(stdout.contains("skipped  LASMIG.md"), "{stdout}");
    assert!(
        stdout.contains("2 imported, 1 skipped, 0 failed"),
        "{stdout}"
    );
    for body in ["Bromma", "Farsta"] {
        let (report, n) = versions(&store, body).await;
        assert_eq!(n, 1, "{body}");
        let audit = store
            .audit_of(AuditSubject::Report(report))
            .await
            .expect("audit");
        let imported: Vec<_> = audit
            .iter()
            .filter(|e| e.action == "version_imported")
            .collect();
        assert_eq!(imported.len(), 1);
        assert_eq!(imported[0].actor, None, "the command line, no person");
        assert!(imported[0].detail.contains("sha256="));
    }
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn imports_a_folder_on_sqlite() {
    imports_a_folder(Backend::Sqlite).await;
}

#[tokio::test]
async fn imports_a_folder_on_postgresql() {
    imports_a_folder(Backend::Postgres).await;
}
