//! `tertial import`: historic forms (Word files or their text) into a closed round, each as
//! a submitted version of its body's report marked imported, as a coordinator's historic
//! import does in the browser. The audit log names no person: the command line did it.

use std::path::{Path, PathBuf};

use tertial_app::{App, FileOutcome, ImportProblem, MAX_IMPORT_BYTES, Settings, chain};

use crate::ImportArgs;

pub async fn import(args: ImportArgs) -> Result<(), String> {
    let store = crate::commands::connect(&args.database).await?;
    let app = App::new(store.clone(), Settings::default());
    let round = app
        .round_named(&args.round)
        .await
        .map_err(|e| chain(&e))??;
    let body = match &args.body {
        None => None,
        Some(name) => Some(
            app.body_named(name)
                .await
                .map_err(|e| chain(&e))?
                .ok_or_else(|| format!("no body named {name:?}"))?
                .id,
        ),
    };
    let files = files_of(&args.path)?;
    let mut summary = Summary::default();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let outcome = match read(&path) {
            Ok(bytes) => app
                .import_from_command_line(round.id, body, &name, bytes, args.dry_run)
                .await
                .map_err(|e| chain(&e))?,
            Err(outcome) => outcome,
        };
        summary.add(name, outcome);
    }
    store.close().await;
    if args.json {
        println!("{}", summary.json(args.dry_run));
    } else {
        print!("{}", summary.text(args.dry_run));
    }
    if summary.failed > 0 {
        return Err(format!("{} file(s) could not be imported", summary.failed));
    }
    Ok(())
}

/// The file given, or the files directly in the folder given, in name order.
fn files_of(path: &Path) -> Result<Vec<PathBuf>, String> {
    if !path.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// A form file's bytes; anything else is skipped (another kind of file) or failed (too
/// large, unreadable) with its reason.
fn read(path: &Path) -> Result<Vec<u8>, FileOutcome> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if !matches!(extension.as_str(), "docx" | "txt" | "docm" | "doc") {
        return Err(FileOutcome::Skipped(
            "inte en Word-fil (.docx) eller textfil (.txt)".into(),
        ));
    }
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_IMPORT_BYTES as u64 {
        return Err(FileOutcome::Failed(ImportProblem::File(
            tertial_app::ImportError::TooLarge,
        )));
    }
    std::fs::read(path).map_err(|e| FileOutcome::Skipped(format!("kan inte läsas: {e}")))
}

/// What became of every file, and the counts.
#[derive(Default)]
struct Summary {
    files: Vec<(String, FileOutcome)>,
    imported: usize,
    skipped: usize,
    failed: usize,
}

impl Summary {
    fn add(&mut self, file: String, outcome: FileOutcome) {
        match outcome {
            FileOutcome::Imported { .. } => self.imported += 1,
            FileOutcome::Skipped(_) => self.skipped += 1,
            FileOutcome::Failed(_) => self.failed += 1,
        }
        self.files.push((file, outcome));
    }

    /// One line a file, then the counts.
    fn text(&self, dry_run: bool) -> String {
        let mut out = String::new();
        for (file, outcome) in &self.files {
            let line = match outcome {
                FileOutcome::Imported {
                    body,
                    version,
                    answers,
                } => match version {
                    Some(n) => format!("imported  {file}: {body}, version {n} ({answers} answers)"),
                    None => format!("would import  {file}: {body} ({answers} answers)"),
                },
                FileOutcome::Skipped(reason) => format!("skipped  {file}: {reason}"),
                FileOutcome::Failed(problem) => {
                    format!(
                        "failed  {file}: {}",
                        tertial_web::import_problem_message(problem)
                    )
                }
            };
            out.push_str(&line);
            out.push('\n');
        }
        let verb = if dry_run {
            "would be imported"
        } else {
            "imported"
        };
        out.push_str(&format!(
            "{} {verb}, {} skipped, {} failed{}\n",
            self.imported,
            self.skipped,
            self.failed,
            if dry_run {
                " (dry run: nothing was changed)"
            } else {
                ""
            }
        ));
        out
    }

    /// The same as JSON: `{"dry_run", "imported", "skipped", "failed", "files": [...]}`.
    fn json(&self, dry_run: bool) -> String {
        let files: Vec<serde_json::Value> = self
            .files
            .iter()
            .map(|(file, outcome)| match outcome {
                FileOutcome::Imported {
                    body,
                    version,
                    answers,
                } => serde_json::json!({
                    "file": file,
                    "status": if version.is_some() { "imported" } else { "would_import" },
                    "body": body,
                    "version": version,
                    "answers": answers,
                }),
                FileOutcome::Skipped(reason) => {
                    serde_json::json!({"file": file, "status": "skipped", "reason": reason})
                }
                FileOutcome::Failed(problem) => serde_json::json!({
                    "file": file,
                    "status": "failed",
                    "message": tertial_web::import_problem_message(problem),
                }),
            })
            .collect();
        serde_json::json!({
            "dry_run": dry_run,
            "imported": self.imported,
            "skipped": self.skipped,
            "failed": self.failed,
            "files": files,
        })
        .to_string()
    }
}
