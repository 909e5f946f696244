//! A quick check of the writers' speed and memory at a given scale (not a benchmark):
//!
//!     cargo run --release -p tertial-documents --example scale -- BODIES QUESTIONS CHARS [FORMAT] [OUT_DIR]
//!
//! e.g. `50 10 1500` (city) or `15000 10 1500 pdf` (national). It builds a synthetic
//! compiled report, writes it in each format (or the one named) to a file in OUT_DIR (the
//! temporary directory by default), and prints the time each took, the file's size and the
//! process's peak memory (VmHWM) after it. KEEP=1 keeps the files.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::time::Instant;

use tertial_domain::compiled::{
    CompiledAnswer, CompiledBody, CompiledContact, CompiledFocusArea, CompiledQuestion,
    CompiledReport, NotApplicable,
};

const WORDS: [&str; 16] = [
    "näringslivet",
    "företagen",
    "stadsdelen",
    "samverkan",
    "dialog",
    "arbetsmarknaden",
    "åtgärder",
    "under",
    "perioden",
    "har",
    "nämnden",
    "genomfört",
    "lokala",
    "möten",
    "och",
    "utvecklingen",
];

fn text(seed: usize, chars: usize) -> String {
    let mut out = String::with_capacity(chars + 40);
    let mut i = seed;
    let mut sentence = 0;
    while out.chars().count() < chars {
        if sentence > 0 && sentence % 9 == 0 {
            out.push_str(".\n\n- punkt om ");
        } else if sentence > 0 {
            out.push(' ');
        }
        out.push_str(WORDS[i % WORDS.len()]);
        i = i.wrapping_mul(31).wrapping_add(7);
        sentence += 1;
    }
    out.push('.');
    out
}

fn report(bodies: usize, questions: usize, chars: usize) -> CompiledReport {
    let per_area = 3;
    let focus_areas = (0..questions.div_ceil(per_area))
        .map(|a| CompiledFocusArea {
            number: (a + 1).to_string(),
            name: format!("Fokusområde {} för näringslivet", a + 1),
            summary: text(a, 600),
            questions: (a * per_area..questions.min((a + 1) * per_area))
                .map(|q| CompiledQuestion {
                    number: format!("{}.{}", a + 1, q % per_area + 1),
                    text: format!("Beskriv hur nämnden har arbetat med fråga {}?", q + 1),
                    answers: (0..bodies)
                        .filter(|b| (b + q) % 10 < 8)
                        .map(|b| CompiledAnswer {
                            body: b,
                            text: text(b * 7 + q, chars),
                            version: 1,
                            approved: b % 3 != 0,
                        })
                        .collect(),
                    not_applicable: (0..bodies)
                        .filter(|b| (b + q) % 10 == 8)
                        .map(|b| NotApplicable {
                            body: b,
                            justification: "Nämnden har ingen sådan verksamhet.".into(),
                        })
                        .collect(),
                    not_received: (0..bodies).filter(|b| (b + q) % 10 == 9).collect(),
                })
                .collect(),
        })
        .collect();
    CompiledReport {
        title: "Näringslivsrapport".into(),
        organisation: "Exempelstad".into(),
        follow_up: "Uppföljning av näringslivspolicyn".into(),
        round: "Tertialrapport 1 2022".into(),
        date: "20 maj 2022".into(),
        created: jiff::Timestamp::UNIX_EPOCH,
        introduction: text(1, 1200),
        marks_unapproved: true,
        includes_contacts: true,
        focus_areas,
        bodies: (0..bodies)
            .map(|b| CompiledBody {
                name: format!("Nämnd nummer {b} i Åre-Älvdalen"),
                kind: "Stadsdelsnämnd".into(),
                status: "Godkänd".into(),
                version: Some(1),
                submitted_at: "11 maj 2022 kl. 14.02".into(),
                contact: Some(CompiledContact {
                    name: "Eva Ek".into(),
                    phone: "08-000 00 00".into(),
                    email: "eva.ek@example.se".into(),
                }),
            })
            .collect(),
        appendices: Vec::new(),
    }
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number =
        |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (bodies, questions, chars) = (number(0, 50), number(1, 10), number(2, 1500));
    let only = args.get(3).map(String::as_str).unwrap_or("all");
    let dir = args.get(4).map_or_else(std::env::temp_dir, PathBuf::from);
    let report = report(bodies, questions, chars);
    println!(
        "{bodies} bodies × {questions} questions × {chars} characters; model built, {}",
        peak_memory()
    );
    let formats: [(&str, &str); 5] = [
        ("docx", "docx"),
        ("xlsx", "xlsx"),
        ("pdf", "pdf"),
        ("md", "md"),
        ("json", "json"),
    ];
    for (name, extension) in formats {
        if only != "all" && only != name {
            continue;
        }
        let path = dir.join(format!("tertial-scale.{extension}"));
        let file = File::create(&path)?;
        let start = Instant::now();
        match name {
            "docx" => drop(tertial_documents::docx::write(&report, file)?),
            "xlsx" => tertial_documents::xlsx::write(&report, BufWriter::new(file))?,
            "pdf" => drop(tertial_documents::pdf::write(&report, file)?),
            "md" => drop(tertial_documents::markdown::compiled(&report, file)?),
            _ => drop(tertial_documents::json(&report, file)?),
        }
        let elapsed = start.elapsed();
        let size = std::fs::metadata(&path)?.len();
        println!(
            "{name:>5}: {:>8.1} ms, {:>7.1} MB, {}",
            elapsed.as_secs_f64() * 1000.0,
            size as f64 / 1e6,
            peak_memory()
        );
        if std::env::var_os("KEEP").is_none() {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}
