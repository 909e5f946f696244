//! The exports benchmark (`--exports`): issue 8's compiled report at city and national scale.
//!
//! For each scale it generates a database with `tertial generate`, starts `tertial serve`
//! on 127.0.0.1, signs in as the coordinator, finds the open round and downloads its compiled
//! report in every format (`GET /omgangar/{id}/rapport/{format}`), timing each download to
//! its last byte and watching the server's memory while it runs; then it publishes the round
//! once (`POST /omgangar/{id}/rapport/publicera`, which builds all five files). Only one
//! scale's database exists at a time. See bench/README.md.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, StatusCode};
use tokio::time::Instant;

use super::{
    Args, Conn, Result, Server, free_port, mib, ms, proc_status, process_ticks, redact,
    run_tertial, sign_in, snippet, urlencode,
};

const COORDINATOR: &str = "samordnare@example.se";
/// The formats, as the route names them; the first three have the targets.
const FORMATS: [&str; 5] = ["docx", "pdf", "xlsx", "md", "json"];
const TARGETED: [&str; 3] = ["docx", "pdf", "xlsx"];
/// What each format's file starts with.
fn magic(format: &str) -> &'static [u8] {
    match format {
        "docx" | "xlsx" => b"PK",
        "pdf" => b"%PDF",
        "json" => b"{",
        _ => b"",
    }
}
/// Clock ticks per second in /proc/PID/stat (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;
const ONE_GIB_KIB: u64 = 1024 * 1024;

/// One scale of the benchmark.
struct Scale {
    name: &'static str,
    bodies: usize,
    questions: usize,
    rounds: usize,
    answer_chars: usize,
    /// Measured downloads per format (after one that is not counted, at city scale).
    runs: usize,
    warmup: usize,
    /// The target for each targeted format.
    target: Duration,
    /// Each download and the publish must be answered within this.
    timeout: Duration,
    /// At national scale the server's memory must stay under 1 GiB.
    memory_target: bool,
}

const CITY: Scale = Scale {
    name: "city",
    bodies: 50,
    questions: 10,
    rounds: 2,
    answer_chars: 1500,
    runs: 20,
    warmup: 1,
    target: Duration::from_millis(200),
    timeout: Duration::from_secs(60),
    memory_target: false,
};

const NATIONAL: Scale = Scale {
    name: "national",
    bodies: 15_000,
    questions: 10,
    rounds: 2,
    answer_chars: 1500,
    runs: 1,
    warmup: 0,
    target: Duration::from_secs(60),
    timeout: Duration::from_secs(600),
    memory_target: true,
};

/// What the server did while one request ran.
#[derive(Default, Clone, Copy)]
struct Watch {
    /// The largest VmRSS sampled every 100 ms (and at the start and end).
    peak_rss_kib: u64,
    /// VmHWM at the end, reset just before the request when the kernel allows it.
    hwm_kib: u64,
    /// The server's CPU time (user + system) over the requests, in clock ticks.
    cpu_ticks: u64,
}

/// One format's (or the publish's) measurements at one scale.
struct Row {
    scale: &'static str,
    what: String,
    /// Sorted.
    times: Vec<Duration>,
    bytes: u64,
    watch: Watch,
    target: Option<Duration>,
    memory_target: bool,
}

impl Row {
    fn percentile(&self, p: f64) -> Duration {
        let rank = ((self.times.len() as f64 * p).ceil() as usize).clamp(1, self.times.len());
        self.times[rank - 1]
    }

    fn max(&self) -> Duration {
        self.times.last().copied().unwrap_or_default()
    }

    fn memory_kib(&self) -> u64 {
        self.watch.peak_rss_kib.max(self.watch.hwm_kib)
    }
}

pub(crate) async fn run(args: &Args) -> Result<()> {
    let scales: Vec<&Scale> = if args.national {
        vec![&CITY, &NATIONAL]
    } else {
        vec![&CITY]
    };
    println!(
        "Tertial exports benchmark on {}: {}; load average at the start {}",
        if args.label.is_empty() {
            "?"
        } else {
            &args.label
        },
        redact(&args.database_url),
        load_average()
    );
    let mut rows = Vec::new();
    for scale in scales {
        let database = Database::fresh(&args.database_url, scale.name).await?;
        let outcome = run_scale(args, scale, &database.url).await;
        database.remove().await?;
        rows.extend(outcome?);
    }
    println!();
    print_table(&rows);
    println!();
    println!("load average at the end {}", load_average());
    print_targets(&rows);
    Ok(())
}

async fn run_scale(args: &Args, scale: &Scale, url: &str) -> Result<Vec<Row>> {
    println!();
    println!(
        "{} scale: {} bodies × {} questions × about {} characters, {} rounds",
        scale.name, scale.bodies, scale.questions, scale.answer_chars, scale.rounds
    );
    generate(args, scale, url).await?;
    if let Some(path) = url.strip_prefix("sqlite:") {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        println!("  database file {:.0} MiB", size as f64 / 1048576.0);
    }
    let args = Args {
        database_url: url.to_owned(),
        ..args.clone()
    };
    let port = free_port()?;
    let server = Server::spawn(
        &args,
        &["serve", "--bind", &format!("127.0.0.1:{port}")],
        port,
    )?;
    // On failure the server is killed when dropped (kill_on_drop).
    server.wait_ready(Duration::from_secs(120)).await?;
    let rows = measure_scale(scale, &server).await;
    let at_end = proc_status(server.pid)?;
    server.stop().await?;
    let rows = rows?;
    println!(
        "  server memory at the end: VmRSS {:.1} MiB, VmHWM (since the last reset) {:.1} MiB",
        mib(at_end.get("VmRSS").copied().unwrap_or(0)),
        mib(at_end.get("VmHWM").copied().unwrap_or(0))
    );
    Ok(rows)
}

async fn measure_scale(scale: &Scale, server: &Server) -> Result<Vec<Row>> {
    let mut conn = Conn::new(server.port);
    let session = sign_in(&mut conn, COORDINATOR).await?;
    let rounds = conn
        .get("/omgangar", Some(&session.cookie))
        .await?
        .expect_status(StatusCode::OK, "GET /omgangar")?;
    let round = open_round(rounds.text()).ok_or("no open round on /omgangar")?;
    let before = proc_status(server.pid)?;
    println!(
        "  round {round}; server VmRSS {:.1} MiB after signing in",
        mib(before.get("VmRSS").copied().unwrap_or(0))
    );
    let mut rows = Vec::new();
    for format in FORMATS {
        let path = format!("/omgangar/{round}/rapport/{format}");
        let mut times = Vec::new();
        let mut bytes = 0;
        let mut watch = Watch::default();
        for run in 0..scale.warmup + scale.runs {
            let (outcome, seen) = watched(
                server.pid,
                tokio::time::timeout(scale.timeout, download(&mut conn, &path, &session.cookie)),
            )
            .await;
            let (size, time) = outcome
                .map_err(|_| format!("GET {path}: not answered within {:?}", scale.timeout))??;
            let size = checked(format, &path, size)?;
            if run >= scale.warmup {
                times.push(time);
                bytes = size;
                watch.peak_rss_kib = watch.peak_rss_kib.max(seen.peak_rss_kib);
                watch.hwm_kib = watch.hwm_kib.max(seen.hwm_kib);
                watch.cpu_ticks += seen.cpu_ticks;
            }
        }
        times.sort_unstable();
        println!(
            "  {format:<5} {} × {:.0} ms median, {} B",
            scale.runs,
            ms(times[times.len() / 2]),
            bytes
        );
        rows.push(Row {
            scale: scale.name,
            what: format.to_owned(),
            times,
            bytes,
            watch,
            target: TARGETED.contains(&format).then_some(scale.target),
            memory_target: scale.memory_target && TARGETED.contains(&format),
        });
    }
    let csrf = session.csrf.to_str()?.to_owned();
    let (outcome, watch) = watched(server.pid, async {
        let began = Instant::now();
        let reply = tokio::time::timeout(
            scale.timeout,
            conn.send(
                Method::POST,
                &format!("/omgangar/{round}/rapport/publicera"),
                &[
                    (header::COOKIE, &session.cookie),
                    (
                        header::CONTENT_TYPE,
                        &HeaderValue::from_static("application/x-www-form-urlencoded"),
                    ),
                ],
                Bytes::from(format!("csrf={}", urlencode(&csrf))),
            ),
        )
        .await;
        (reply, began.elapsed())
    })
    .await;
    let (reply, time) = outcome;
    reply
        .map_err(|_| format!("publishing: not answered within {:?}", scale.timeout))??
        .expect_status(StatusCode::SEE_OTHER, "publishing")?;
    println!("  publish {:.0} ms", ms(time));
    rows.push(Row {
        scale: scale.name,
        what: "publish".to_owned(),
        times: vec![time],
        bytes: 0,
        watch,
        target: None,
        memory_target: false,
    });
    Ok(rows)
}

/// A file's size once its answer is checked: 200, as long as it said, starting as its
/// format does.
fn checked(format: &str, path: &str, download: Download) -> Result<u64> {
    if download.status != StatusCode::OK {
        return Err(format!(
            "GET {path}: {}: {}",
            download.status,
            snippet(&download.head)
        )
        .into());
    }
    if download.declared.is_some_and(|len| len != download.bytes) {
        return Err(format!(
            "GET {path}: {} bytes read, Content-Length said {:?}",
            download.bytes, download.declared
        )
        .into());
    }
    if !download.head.starts_with(magic(format)) {
        return Err(format!(
            "GET {path}: not a {format} file: {}",
            snippet(&download.head)
        )
        .into());
    }
    Ok(download.bytes)
}

// ---------------------------------------------------------------------------------------
// The database of one scale.

/// An empty database for one scale: a file beside the one given (SQLite), or a database
/// of its own on the given cluster (PostgreSQL), dropped afterwards.
pub(crate) struct Database {
    pub(crate) url: String,
    /// The cluster's URL to drop it from (PostgreSQL).
    admin: Option<String>,
}

impl Database {
    pub(crate) async fn fresh(given: &str, scale: &str) -> Result<Database> {
        if let Some(path) = given.strip_prefix("sqlite:") {
            let database = Database {
                url: format!("sqlite:{path}.{scale}"),
                admin: None,
            };
            database.remove().await?;
            return Ok(database);
        }
        let (cluster, _) = given
            .rsplit_once('/')
            .ok_or("--database-url: expected sqlite:PATH or postgres://…/DATABASE")?;
        let database = Database {
            url: format!("{cluster}/tertial_exports_{scale}"),
            admin: Some(given.to_owned()),
        };
        database.remove().await?;
        database
            .postgres(&format!("CREATE DATABASE tertial_exports_{scale}"))
            .await?;
        Ok(database)
    }

    pub(crate) async fn remove(&self) -> Result<()> {
        match (&self.admin, self.url.strip_prefix("sqlite:")) {
            (None, Some(path)) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    match std::fs::remove_file(format!("{path}{suffix}")) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(format!("removing {path}{suffix}: {e}").into()),
                    }
                }
                Ok(())
            }
            _ => {
                let name = self.url.rsplit('/').next().unwrap_or_default();
                self.postgres(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
            }
        }
    }

    async fn postgres(&self, sql: &str) -> Result<()> {
        let admin = self.admin.as_deref().ok_or("not PostgreSQL")?;
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(admin).await?;
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&pool)
            .await?;
        pool.close().await;
        Ok(())
    }
}

/// `tertial generate` into the empty database, bounded in time.
async fn generate(args: &Args, scale: &Scale, url: &str) -> Result<()> {
    let began = Instant::now();
    let shape = [
        scale.bodies,
        scale.questions,
        scale.rounds,
        scale.answer_chars,
    ];
    let output = run_generate(args, url, shape, &[], Duration::from_secs(900)).await?;
    println!(
        "  generated in {:.1} s; the open round: {}",
        began.elapsed().as_secs_f64(),
        output
            .lines()
            .rfind(|l| l.starts_with("Round "))
            .unwrap_or("?")
    );
    Ok(())
}

/// `tertial generate --seed 1` of `[bodies, questions, rounds, answer characters]` into
/// `url`, with `extra` arguments, bounded by `limit`; its output.
pub(crate) async fn run_generate(
    args: &Args,
    url: &str,
    shape: [usize; 4],
    extra: &[&str],
    limit: Duration,
) -> Result<String> {
    let numbers = shape.map(|n| n.to_string());
    let mut command = vec![
        "generate",
        "--database-url",
        url,
        "--bodies",
        &numbers[0],
        "--questions",
        &numbers[1],
        "--rounds",
        &numbers[2],
        "--answer-chars",
        &numbers[3],
        "--seed",
        "1",
    ];
    command.extend_from_slice(extra);
    run_tertial(args, &command, limit).await
}

/// The id of the open round in the coordinator's list of rounds.
fn open_round(html: &str) -> Option<u64> {
    let row = html.split("<tr>").find(|row| row.contains(">Öppen<"))?;
    let at = row.find("href=\"/omgangar/")? + "href=\"/omgangar/".len();
    let digits: String = row[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

// ---------------------------------------------------------------------------------------
// Downloads and the server's memory.

/// An answer read to its end without keeping it: its size and its first bytes.
struct Download {
    status: StatusCode,
    bytes: u64,
    declared: Option<u64>,
    head: Vec<u8>,
}

/// GETs a file, counting its bytes as they come; returns it and the time to its last byte.
async fn download(
    conn: &mut Conn,
    path: &str,
    cookie: &HeaderValue,
) -> Result<(Download, Duration)> {
    if conn.sender.as_ref().is_none_or(SendRequest::is_closed) {
        conn.connect().await?;
    }
    let request = Request::builder()
        .method(Method::GET)
        .uri(path)
        .header(header::HOST, conn.host.clone())
        .header(header::COOKIE, cookie.clone())
        .body(Full::new(Bytes::new()))?;
    let sender = conn.sender.as_mut().ok_or("not connected")?;
    let began = Instant::now();
    let outcome = async {
        sender.ready().await?;
        let response = sender.send_request(request).await?;
        let (parts, mut body) = response.into_parts();
        let mut download = Download {
            status: parts.status,
            bytes: 0,
            declared: parts
                .headers
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse().ok()),
            head: Vec::new(),
        };
        while let Some(frame) = body.frame().await {
            if let Some(data) = frame?.data_ref() {
                download.bytes += data.len() as u64;
                let room = 200usize.saturating_sub(download.head.len());
                download
                    .head
                    .extend_from_slice(&data[..room.min(data.len())]);
            }
        }
        Ok::<_, super::Error>(download)
    }
    .await;
    let elapsed = began.elapsed();
    if outcome.is_err() {
        conn.sender = None;
    }
    Ok((outcome?, elapsed))
}

/// Runs `work` while sampling the server's VmRSS every 100 ms; VmHWM is reset first
/// (`/proc/PID/clear_refs`, 5) so that it is this request's peak.
async fn watched<T>(pid: u32, work: impl Future<Output = T>) -> (T, Watch) {
    let rss = || {
        proc_status(pid)
            .ok()
            .and_then(|s| s.get("VmRSS").copied())
            .unwrap_or(0)
    };
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let stat = format!("/proc/{pid}/stat");
    let ticks_before = process_ticks(&stat).unwrap_or(0);
    let mut peak = rss();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tokio::pin!(work);
    let out = loop {
        tokio::select! {
            out = &mut work => break out,
            _ = tick.tick() => peak = peak.max(rss()),
        }
    };
    let status = proc_status(pid).unwrap_or_default();
    let watch = Watch {
        peak_rss_kib: peak.max(status.get("VmRSS").copied().unwrap_or(0)),
        hwm_kib: status.get("VmHWM").copied().unwrap_or(0),
        cpu_ticks: process_ticks(&stat)
            .unwrap_or(0)
            .saturating_sub(ticks_before),
    };
    (out, watch)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".to_owned())
}

// ---------------------------------------------------------------------------------------
// Output.

fn print_table(rows: &[Row]) {
    println!(
        "{:<9} {:<8} {:>4} {:>10} {:>10} {:>10} {:>12} {:>9} {:>9} {:>9}",
        "scale",
        "export",
        "runs",
        "median ms",
        "p90 ms",
        "max ms",
        "size B",
        "cpu ms",
        "rss MiB",
        "hwm MiB"
    );
    for row in rows {
        println!(
            "{:<9} {:<8} {:>4} {:>10.1} {:>10.1} {:>10.1} {:>12} {:>9.0} {:>9.1} {:>9.1}",
            row.scale,
            row.what,
            row.times.len(),
            ms(row.percentile(0.5)),
            ms(row.percentile(0.9)),
            ms(row.max()),
            if row.bytes > 0 {
                row.bytes.to_string()
            } else {
                "-".to_owned()
            },
            // Per request.
            row.watch.cpu_ticks as f64 / TICKS_PER_SECOND * 1000.0 / row.times.len() as f64,
            mib(row.watch.peak_rss_kib),
            mib(row.watch.hwm_kib)
        );
    }
    println!();
    println!(
        "columns: time from sending the request to the file's last byte read; size of the \
         file; cpu = the server's CPU time per request (user + system, 10 ms ticks); rss = \
         the server's largest VmRSS sampled every 100 ms during the requests; hwm = its VmHWM \
         at the end of a request, reset before each (0 if the kernel refused the reset)"
    );
}

fn print_targets(rows: &[Row]) {
    println!("targets:");
    for row in rows {
        let Some(target) = row.target else {
            if row.what == "publish" {
                // No target in the issue; its memory is shown against the exports' bound.
                println!(
                    "  {:<8} publish {:.1} ms, server memory {:.0} MiB (no target{})",
                    row.scale,
                    ms(row.max()),
                    mib(row.memory_kib()),
                    if row.memory_kib() >= ONE_GIB_KIB {
                        "; over the exports' 1 GiB"
                    } else {
                        ""
                    }
                );
            }
            continue;
        };
        let time_met = row.percentile(0.5) < target;
        let memory_met = !row.memory_target || row.memory_kib() < ONE_GIB_KIB;
        println!(
            "  {:<8} {:<5} median {:>9.1} ms (max {:.1}){} (target < {} ms{}): {}",
            row.scale,
            row.what,
            ms(row.percentile(0.5)),
            ms(row.max()),
            if row.memory_target {
                format!(", server memory {:.0} MiB", mib(row.memory_kib()))
            } else {
                String::new()
            },
            target.as_millis(),
            if row.memory_target {
                ", memory < 1,024 MiB"
            } else {
                ""
            },
            if time_met && memory_met {
                "met"
            } else {
                "NOT met"
            }
        );
    }
}
