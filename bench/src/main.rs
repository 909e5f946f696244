//! Tertial's load benchmark: a closed-loop load generator that spawns the server itself.
//!
//! It builds the demo database (`tertial demo`), stops it, adds one reporter per district
//! with `tertial user add`, starts `tertial serve` on a free port of 127.0.0.1, signs in one
//! session per virtual user over HTTP and then runs each scenario (`healthz`, `autosave`,
//! `form page`) at each concurrency for a fixed time after a warm-up. Every virtual user
//! has its own connection (and, except for `healthz`, its own session) and sends its next
//! request when the previous one has been answered. It prints a table, the server's memory
//! and where the CPU went. It is not a test; see bench/README.md.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use bytes::Bytes;
use clap::{Parser, ValueEnum};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::time::Instant;

mod exports;
mod search;

type Error = Box<dyn std::error::Error + Send + Sync>;
type Result<T> = std::result::Result<T, Error>;

/// The demo's password; the reporters the benchmark adds get it too.
const PASSWORD: &str = "tertial-demo";
/// The open round whose reports are used.
const ROUND: &str = "Tertialrapport 2 2022";
/// The district whose report the form-page scenario shows; autosave leaves it alone.
const PAGE_DISTRICT: &str = "Skärholmen";
const DISTRICTS: [&str; 13] = [
    "Rinkeby-Kista",
    "Spånga-Tensta",
    "Hässelby-Vällingby",
    "Bromma",
    "Kungsholmen",
    "Norrmalm",
    "Östermalm",
    "Södermalm",
    "Enskede-Årsta-Vantör",
    "Skarpnäck",
    "Farsta",
    "Hägersten-Älvsjö",
    "Skärholmen",
];
/// The eight questions of a district's report.
const QUESTIONS: [&str; 8] = [
    "samverkan-lokalt-naringsliv",
    "vaxla-upp-stockholm",
    "svart-ekonomi-samverkan",
    "renodlade-verksamhetsomraden",
    "platssamverkan-platsaktivering",
    "kultur-offentliga-rummet",
    "sbr-arbetsmarknad-tillvaxt",
    "sbr-dialog-foretag",
];
/// Autosave also writes these; they take 1,000 characters too.
const OTHER_FIELDS: [&str; 4] = [
    "contact_name",
    "contact_phone",
    "contact_email",
    "other_information",
];
/// Each answer is exactly this many characters.
const ANSWER_CHARS: usize = 1000;
/// Any single setup request (not the load) must be answered within this.
const SETUP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Parser)]
#[command(
    name = "tertial-bench",
    about = "Load benchmark for Tertial (spawns the server on 127.0.0.1)"
)]
struct Args {
    /// The `tertial` binary to run (a release build).
    #[arg(long, default_value = "target/release/tertial")]
    tertial: PathBuf,
    /// Database for the server: `sqlite:PATH` or `postgres://…`. Replaced by a fresh demo.
    #[arg(long)]
    database_url: String,
    /// What to call the database in the output (e.g. SQLite, PostgreSQL).
    #[arg(long, default_value = "")]
    label: String,
    /// Measured seconds per scenario and concurrency (1–120).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=120))]
    seconds: u64,
    /// Warm-up seconds before each measurement, not counted (0–30).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(0..=30))]
    warmup: u64,
    /// Concurrent virtual users, comma-separated (each 1–144).
    #[arg(long, value_delimiter = ',', default_value = "16,64")]
    users: Vec<usize>,
    /// Scenarios to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "healthz,autosave,page")]
    scenarios: Vec<Scenario>,
    /// HTTP client of the virtual users during the load (setup always uses hyper).
    #[arg(long, value_enum, default_value_t = ClientKind::Hyper)]
    client: ClientKind,
    /// Append the server's output to this file (default: discard it).
    #[arg(long)]
    server_log: Option<PathBuf>,
    /// Instead of the load: the exports benchmark (a generated round's compiled report in
    /// every format, and its publishing) at city scale. The database URL says where: SQLite
    /// files beside its path, or databases of their own on its PostgreSQL cluster.
    #[arg(long)]
    exports: bool,
    /// With --exports: the national scale (15,000 bodies) too; it takes minutes.
    #[arg(long, requires = "exports")]
    national: bool,
    /// Instead of the load: the search benchmark (generated answers, indexing throughput,
    /// search latency beside a LIKE scan). The database URL says where, as for --exports.
    #[arg(long, conflicts_with = "exports")]
    search: bool,
    /// With --search: about how many answers to generate.
    #[arg(long, default_value_t = 1_000_000, requires = "search")]
    answers: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Healthz,
    Autosave,
    Page,
    /// The coordinator's audit log page over `AUDIT_ENTRIES` entries (the newest 50).
    Auditlog,
    /// A round's dashboard with 500 bodies, as the coordinator sees it.
    Dashboard,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Healthz => "healthz",
            Scenario::Autosave => "autosave",
            Scenario::Page => "form page",
            Scenario::Auditlog => "audit log",
            Scenario::Dashboard => "dashboard",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ClientKind {
    /// One hyper HTTP/1.1 client connection per virtual user.
    Hyper,
    /// One reqwest client per virtual user.
    Reqwest,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    // One thread: the generator shares the machine's cores with the server.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        tokio::select! {
            outcome = run(args) => outcome,
            () = interrupted() => Err("interrupted".into()),
        }
    });
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Ctrl-C or SIGTERM; dropping `run` then kills the server.
async fn interrupted() {
    let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
    else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

async fn run(args: Args) -> Result<()> {
    if args.exports {
        return exports::run(&args).await;
    }
    if args.search {
        return search::run(&args).await;
    }
    let max_users = args.users.iter().copied().max().unwrap_or(0);
    if max_users == 0 || max_users > 144 || args.users.contains(&0) {
        return Err("--users: each between 1 and 144".into());
    }
    let districts: Vec<&str> = DISTRICTS
        .iter()
        .copied()
        .filter(|d| *d != PAGE_DISTRICT)
        .collect();

    // 1. A fresh demo database, then one more reporter per district, then the server.
    let began = Instant::now();
    let port = free_port()?;
    let demo = Server::spawn(
        &args,
        &["demo", "--bind", &format!("127.0.0.1:{port}")],
        port,
    )?;
    demo.wait_ready(Duration::from_secs(180)).await?;
    demo.stop().await?;
    if args.scenarios.contains(&Scenario::Auditlog) {
        fill_audit_log(&args.database_url).await?;
    }
    for (i, district) in DISTRICTS.iter().enumerate() {
        add_reporter(&args, i + 1, district).await?;
    }
    let dashboard = args.scenarios.contains(&Scenario::Dashboard);
    if dashboard {
        add_dashboard_bodies(&args).await?;
    }
    let port = free_port()?;
    let server = Server::spawn(
        &args,
        &["serve", "--bind", &format!("127.0.0.1:{port}")],
        port,
    )?;
    server.wait_ready(Duration::from_secs(60)).await?;
    let at_start = proc_status(server.pid)?;
    let database_ready = began.elapsed();

    // 2. Sessions and data, over HTTP.
    let began = Instant::now();
    let mut setup = Conn::new(port);
    let page_path = prefill_page_report(&mut setup).await?;
    let mut autosavers = Vec::new();
    for i in 0..max_users {
        let district = districts[i % districts.len()];
        let field = field_code(i / districts.len());
        let account = reporter_email(district);
        autosavers.push(autosave_user(&mut setup, i, &account, field).await?);
    }
    let mut readers = Vec::new();
    for i in 0..max_users {
        // Several sessions per person: alternate the demo's reporter and the added one.
        let account = if i % 2 == 0 {
            "skarholmen@example.se".to_owned()
        } else {
            reporter_email(PAGE_DISTRICT)
        };
        let session = sign_in(&mut setup, &account).await?;
        readers.push(VirtualUser::new(i, session, page_path.clone()));
    }
    let mut auditors = Vec::new();
    if args.scenarios.contains(&Scenario::Auditlog) {
        for i in 0..max_users {
            let session = sign_in(&mut setup, "samordnare@example.se").await?;
            auditors.push(VirtualUser::new(i, session, "/handelselogg".to_owned()));
        }
        setup
            .get("/handelselogg", Some(&auditors[0].cookie))
            .await?
            .expect_status(StatusCode::OK, "the audit log")?;
    }
    let mut coordinators = Vec::new();
    if dashboard {
        let path = open_dashboard_round(&mut setup).await?;
        for i in 0..max_users {
            let session = sign_in(&mut setup, "samordnare@example.se").await?;
            coordinators.push(VirtualUser::new(i, session, path.clone()));
        }
        let page = setup
            .get(&path, Some(&coordinators[0].cookie))
            .await?
            .expect_status(StatusCode::OK, "the dashboard")?;
        println!(
            "dashboard {path}: {} B, {} bodies",
            page.body.len(),
            page.text().matches("<tr>").count().saturating_sub(1)
        );
    }
    let page = setup
        .get(&page_path, Some(&readers[0].cookie))
        .await?
        .expect_status(StatusCode::OK, "the form page")?;
    let page_bytes = page.body.len();
    drop(setup);
    let sessions_ready = began.elapsed();
    let before_load = proc_status(server.pid)?;

    // 3. The load.
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!();
    println!(
        "Tertial load benchmark{}: {}",
        if args.label.is_empty() {
            String::new()
        } else {
            format!(" on {}", args.label)
        },
        redact(&args.database_url)
    );
    println!(
        "{cpus} CPUs; generator: {:?} client, 1 thread, closed loop, one connection and \
         session per user; {} s measured after {} s warm-up per row",
        args.client, args.seconds, args.warmup
    );
    println!(
        "setup: database {:.1} s; {} sessions signed in and report prefilled {:.1} s; \
         autosave body {} B ({} characters), form page {} B",
        database_ready.as_secs_f64(),
        2 * max_users,
        sessions_ready.as_secs_f64(),
        autosave_body(0, 0, 1).len(),
        ANSWER_CHARS,
        page_bytes
    );
    println!();
    let mut rows: Vec<Row> = Vec::new();
    let mut healthz: HashMap<usize, f64> = HashMap::new();
    let mut peak_rss_kib = 0;
    print_header();
    for &scenario in &args.scenarios {
        for &n in &args.users {
            let users: Vec<VirtualUser> = match scenario {
                Scenario::Healthz => (0..n)
                    .map(|i| VirtualUser::anonymous(i, "/healthz"))
                    .collect(),
                Scenario::Autosave => autosavers.drain(..n).collect(),
                Scenario::Page => readers.drain(..n).collect(),
                Scenario::Auditlog => auditors.drain(..n).collect(),
                Scenario::Dashboard => coordinators.drain(..n).collect(),
            };
            let (users, row) = measure(&args, scenario, users, port, server.pid).await?;
            match scenario {
                Scenario::Healthz => {}
                Scenario::Autosave => autosavers.splice(0..0, users).for_each(drop),
                Scenario::Page => readers.splice(0..0, users).for_each(drop),
                Scenario::Auditlog => auditors.splice(0..0, users).for_each(drop),
                Scenario::Dashboard => coordinators.splice(0..0, users).for_each(drop),
            }
            if scenario == Scenario::Healthz {
                healthz.insert(n, row.rate());
            }
            peak_rss_kib = peak_rss_kib.max(row.peak_rss_kib);
            print_row(&row, healthz.get(&n).copied());
            rows.push(row);
        }
    }
    println!();
    for row in &rows {
        if let Some(error) = &row.first_error {
            println!(
                "first error, {} at {} users: {error}",
                row.scenario.name(),
                row.users
            );
        }
    }

    // 4. Memory, then the targets.
    let status = proc_status(server.pid)?;
    let rss = status.get("VmRSS").copied().unwrap_or(0);
    let kib = |status: &HashMap<String, u64>, key: &str| mib(status.get(key).copied().unwrap_or(0));
    for (when, status) in [
        ("once started  ", &at_start),
        ("after sign-ins", &before_load),
        ("after the load", &status),
    ] {
        println!(
            "server memory {when}: VmRSS {:.1} MiB (anon {:.1}, file {:.1}, shmem {:.1}), \
             VmHWM {:.1} MiB, {} threads",
            kib(status, "VmRSS"),
            kib(status, "RssAnon"),
            kib(status, "RssFile"),
            kib(status, "RssShmem"),
            kib(status, "VmHWM"),
            status.get("Threads").copied().unwrap_or(0)
        );
    }
    println!(
        "server memory during the measured load: largest VmRSS sampled {:.1} MiB \
         (VmHWM also counts the setup's sign-ins)",
        mib(peak_rss_kib)
    );
    println!();
    println!(
        "columns: latencies of successful requests; errors = failed or non-200 answers \
         (a 409 on autosave is one); /healthz = req/s over /healthz's at the same users; \
         server/bench/pg/other/idle = % of one core over the measured seconds (server = \
         tertial, bench = this generator, pg = PostgreSQL's processes, other = anything else \
         on the machine: more than a few % means the figures are disturbed); \
         rss MiB = the server's largest VmRSS sampled (every 100 ms) in the measured seconds"
    );
    let disturbed: Vec<String> = rows
        .iter()
        .filter(|r| r.cpu.other() * 10 > r.cpu.total)
        .map(|r| format!("{} at {} users", r.scenario.name(), r.users))
        .collect();
    if !disturbed.is_empty() {
        println!(
            "WARNING: other processes used over 10% of the machine's CPU during {}; run again on a quiet machine",
            disturbed.join(", ")
        );
    }
    println!();
    println!("targets:");
    // Autosave's target is at 64 users (on PostgreSQL, where every commit is a round trip to
    // another process, 4,000 saves/s); the form page's at every concurrency.
    let saves = if args.database_url.starts_with("postgres") {
        4000
    } else {
        5000
    };
    for row in &rows {
        let (met, target) = match row.scenario {
            Scenario::Autosave if row.users == 64 => (
                row.rate() >= f64::from(saves) && row.percentile(0.99) < Duration::from_millis(50),
                format!("≥ {},000 saves/s and p99 < 50 ms", saves / 1000),
            ),
            Scenario::Page => (row.rate() >= 5000.0, "≥ 5,000 pages/s".to_owned()),
            Scenario::Auditlog | Scenario::Dashboard if row.users == 16 => (
                row.rate() >= 1000.0 && row.percentile(0.99) < Duration::from_millis(50),
                "≥ 1,000 pages/s and p99 < 50 ms".to_owned(),
            ),
            _ => continue,
        };
        println!(
            "  {:<9} {:>3} users: {:>6.0}/s, p99 {:>6.2} ms  (target {target}): {}",
            row.scenario.name(),
            row.users,
            row.rate(),
            ms(row.percentile(0.99)),
            if met { "met" } else { "NOT met" }
        );
    }
    let under_load = peak_rss_kib.max(rss);
    println!(
        "  server memory under load {:.1} MiB (target < 128 MiB): {}",
        mib(under_load),
        if under_load < 128 * 1024 {
            "met"
        } else {
            "NOT met"
        }
    );
    server.stop().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The server process.

/// A `tertial` process; killed if dropped while running.
struct Server {
    child: tokio::process::Child,
    pid: u32,
    port: u16,
}

impl Server {
    fn spawn(args: &Args, command: &[&str], port: u16) -> Result<Server> {
        let (stdout, stderr) = match &args.server_log {
            Some(path) => {
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                (Stdio::from(file.try_clone()?), Stdio::from(file))
            }
            None => (Stdio::null(), Stdio::null()),
        };
        let child = tokio::process::Command::new(&args.tertial)
            .args(command)
            .args(["--database-url", &args.database_url])
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", args.tertial.display()))?;
        let pid = child.id().ok_or("the server exited at once")?;
        Ok(Server { child, pid, port })
    }

    /// Waits until /healthz answers.
    async fn wait_ready(&self, within: Duration) -> Result<()> {
        let deadline = Instant::now() + within;
        loop {
            let mut conn = Conn::new(self.port);
            if let Ok(Ok(reply)) = tokio::time::timeout(
                Duration::from_secs(2),
                conn.send(Method::GET, "/healthz", &[], Bytes::new()),
            )
            .await
                && reply.status == StatusCode::OK
            {
                return Ok(());
            }
            if !std::path::Path::new(&format!("/proc/{}", self.pid)).exists()
                || Instant::now() > deadline
            {
                return Err(format!(
                    "the server did not come up on 127.0.0.1:{} (see --server-log)",
                    self.port
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGTERM, then waits for the graceful shutdown (SIGKILL after 20 s).
    async fn stop(mut self) -> Result<()> {
        let _ = tokio::process::Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .await;
        match tokio::time::timeout(Duration::from_secs(20), self.child.wait()).await {
            Ok(status) => {
                status?;
            }
            Err(_) => {
                self.child.kill().await?;
                return Err("the server did not stop within 20 s of SIGTERM".into());
            }
        }
        Ok(())
    }
}

async fn add_reporter(args: &Args, n: usize, district: &str) -> Result<()> {
    let email = format!("r{n}@example.se");
    let name = format!("Rapportör {n}");
    let command = [
        "user",
        "add",
        "--database-url",
        &args.database_url,
        "--email",
        &email,
        "--name",
        &name,
        "--role",
        "reporter",
        "--body",
        district,
    ];
    run_tertial(args, &command, Duration::from_secs(60)).await?;
    Ok(())
}

/// Runs a `tertial` command (with the benchmark's password) to its end within `limit`;
/// returns its standard output.
async fn run_tertial(args: &Args, command: &[&str], limit: Duration) -> Result<String> {
    let output = tokio::time::timeout(
        limit,
        tokio::process::Command::new(&args.tertial)
            .args(command)
            .env("TERTIAL_PASSWORD", PASSWORD)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .map_err(|_| format!("tertial {} took over {limit:?}", command.join(" ")))??;
    if !output.status.success() {
        return Err(format!(
            "tertial {} failed: {}",
            command.first().unwrap_or(&""),
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Bodies enough for a round of 500, added through the command line.
const DASHBOARD_BODIES: usize = 500;

/// The demo's bodies: the 13 districts, three specialist committees and a company board.
const DEMO_BODIES: usize = 17;

async fn add_dashboard_bodies(args: &Args) -> Result<()> {
    let names: Vec<String> = (1..=DASHBOARD_BODIES - DEMO_BODIES)
        .map(|i| format!("Bänknämnd {i:03}"))
        .collect();
    let mut command = vec![
        "body",
        "add",
        "--database-url",
        &args.database_url,
        "--kind",
        "district_committee",
    ];
    command.extend(names.iter().map(String::as_str));
    run_tertial(args, &command, Duration::from_secs(120)).await?;
    Ok(())
}

/// Creates and opens a round for every body that gets a question (all 500) as the
/// coordinator does in the browser; returns its dashboard's path.
async fn open_dashboard_round(conn: &mut Conn) -> Result<String> {
    let session = sign_in(conn, "samordnare@example.se").await?;
    let csrf = session.csrf.to_str()?.to_owned();
    let body = format!(
        "csrf={}&follow_up=1&period=VB&year=2022&deadline=2099-12-31",
        urlencode(&csrf)
    );
    let opened = conn
        .post("/omgangar/ny", &[(header::COOKIE, &session.cookie)], body)
        .await?
        .expect_status(StatusCode::SEE_OTHER, "opening the dashboard's round")?;
    let location = opened
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or("opening the round gave no Location")?;
    let path = location.split('?').next().unwrap_or(location);
    Ok(path.to_owned())
}

fn reporter_email(district: &str) -> String {
    let n = DISTRICTS
        .iter()
        .position(|d| *d == district)
        .map_or(0, |i| i + 1);
    format!("r{n}@example.se")
}

/// How many entries the audit log scenario reads over.
const AUDIT_ENTRIES: i64 = 1_000_000;

/// Fills the audit log to `AUDIT_ENTRIES` entries, written straight into the database (the
/// server is stopped): sign-ins, saves, reads and downloads by the demo's people on its
/// reports, a second apart, ending now. One statement, so it takes seconds.
async fn fill_audit_log(database_url: &str) -> Result<()> {
    sqlx::any::install_default_drivers();
    let began = Instant::now();
    let pool = sqlx::AnyPool::connect(database_url).await?;
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis(),
    )?;
    let numbers = if database_url.starts_with("postgres") {
        "SELECT generate_series(1, $1::BIGINT) AS i"
    } else {
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) SELECT i FROM n"
    };
    let sql = format!(
        "INSERT INTO audit_log (at, actor_id, action, subject, detail)
         SELECT $2 - ($1 - i) * 1000,
                (SELECT MIN(id) FROM users) + i % (SELECT COUNT(*) FROM users),
                CASE i % 4 WHEN 0 THEN 'signed_in' WHEN 1 THEN 'answer_saved'
                           WHEN 2 THEN 'submission_read' ELSE 'submission_downloaded' END,
                'report:' || ((SELECT MIN(id) FROM reports) + i % (SELECT COUNT(*) FROM reports)),
                'field=samverkan-lokalt-naringsliv version=' || i
         FROM ({numbers}) AS numbers"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(AUDIT_ENTRIES)
        .bind(now_ms)
        .execute(&pool)
        .await?;
    pool.close().await;
    println!(
        "audit log filled with {AUDIT_ENTRIES} entries in {:.1} s",
        began.elapsed().as_secs_f64()
    );
    Ok(())
}

fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

fn redact(url: &str) -> String {
    // A throw-away cluster has no password, but do not print one if there is.
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = &url[scheme + 3..at];
            match user.split_once(':') {
                Some((name, _)) => format!("{}{name}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// HTTP.

/// One HTTP/1.1 connection to the server, reopened when it closes.
struct Conn {
    port: u16,
    host: HeaderValue,
    sender: Option<SendRequest<Full<Bytes>>>,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn expect_status(self, status: StatusCode, what: &str) -> Result<Reply> {
        if self.status == status {
            Ok(self)
        } else {
            Err(format!(
                "{what}: expected {status}, got {}: {}",
                self.status,
                snippet(&self.body)
            )
            .into())
        }
    }

    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or_default()
    }

    /// A cookie the server set.
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next()?.split_once('='))
            .find(|(n, _)| n.trim() == name)
            .map(|(_, v)| v.to_owned())
    }
}

impl Conn {
    fn new(port: u16) -> Conn {
        Conn {
            port,
            host: HeaderValue::from_str(&format!("127.0.0.1:{port}"))
                .unwrap_or(HeaderValue::from_static("127.0.0.1")),
            sender: None,
        }
    }

    async fn connect(&mut self) -> Result<()> {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        self.sender = Some(sender);
        Ok(())
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(HeaderName, &HeaderValue)],
        body: Bytes,
    ) -> Result<Reply> {
        if self.sender.as_ref().is_none_or(SendRequest::is_closed) {
            self.connect().await?;
        }
        let mut request = Request::builder().method(method).uri(path);
        if let Some(h) = request.headers_mut() {
            h.insert(header::HOST, self.host.clone());
            for (name, value) in headers {
                h.insert(name.clone(), (*value).clone());
            }
        }
        let request = request.body(Full::new(body))?;
        let Some(sender) = self.sender.as_mut() else {
            return Err("not connected".into());
        };
        let outcome = async {
            sender.ready().await?;
            let response = sender.send_request(request).await?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await?.to_bytes();
            Ok::<_, Error>(Reply {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        }
        .await;
        if outcome.is_err() {
            self.sender = None;
        }
        outcome
    }

    /// A setup GET, bounded in time.
    async fn get(&mut self, path: &str, cookie: Option<&HeaderValue>) -> Result<Reply> {
        let headers: Vec<(HeaderName, &HeaderValue)> =
            cookie.map(|c| (header::COOKIE, c)).into_iter().collect();
        tokio::time::timeout(
            SETUP_TIMEOUT,
            self.send(Method::GET, path, &headers, Bytes::new()),
        )
        .await
        .map_err(|_| format!("GET {path}: no answer within {SETUP_TIMEOUT:?}"))?
    }

    /// A setup form POST, bounded in time.
    async fn post(
        &mut self,
        path: &str,
        headers: &[(HeaderName, &HeaderValue)],
        body: String,
    ) -> Result<Reply> {
        let content_type = HeaderValue::from_static("application/x-www-form-urlencoded");
        let mut all = vec![(header::CONTENT_TYPE, &content_type)];
        all.extend(headers.iter().map(|(n, v)| (n.clone(), *v)));
        tokio::time::timeout(
            SETUP_TIMEOUT,
            self.send(Method::POST, path, &all, Bytes::from(body)),
        )
        .await
        .map_err(|_| format!("POST {path}: no answer within {SETUP_TIMEOUT:?}"))?
    }
}

/// The virtual users' client during the load.
enum Client {
    Hyper(Conn),
    Reqwest {
        client: reqwest::Client,
        base: String,
    },
}

impl Client {
    fn new(kind: ClientKind, port: u16) -> Result<Client> {
        Ok(match kind {
            ClientKind::Hyper => Client::Hyper(Conn::new(port)),
            ClientKind::Reqwest => Client::Reqwest {
                client: reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .tcp_nodelay(true)
                    .no_proxy()
                    .build()?,
                base: format!("http://127.0.0.1:{port}"),
            },
        })
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(HeaderName, &HeaderValue)],
        body: Bytes,
    ) -> Result<(StatusCode, Bytes)> {
        match self {
            Client::Hyper(conn) => {
                let reply = conn.send(method, path, headers, body).await?;
                Ok((reply.status, reply.body))
            }
            Client::Reqwest { client, base } => {
                let mut request = client.request(method, format!("{base}{path}"));
                for (name, value) in headers {
                    request = request.header(name.clone(), (*value).clone());
                }
                let response = request.body(body).send().await?;
                let status = response.status();
                Ok((status, response.bytes().await?))
            }
        }
    }
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char);
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// The value of the first `<input … name="NAME" value="…">` in a page.
fn hidden_input(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[at..tag_end];
    let value = tag.find("value=\"")? + "value=\"".len();
    let len = tag[value..].find('"')?;
    Some(tag[value..value + len].to_owned())
}

// ---------------------------------------------------------------------------------------
// Sessions and data.

/// A signed-in session: its cookie and its CSRF token.
struct Session {
    cookie: HeaderValue,
    csrf: HeaderValue,
}

async fn sign_in(conn: &mut Conn, email: &str) -> Result<Session> {
    let form = conn
        .get("/logga-in", None)
        .await?
        .expect_status(StatusCode::OK, "GET /logga-in")?;
    let login = form
        .set_cookie("tertial_login")
        .ok_or("GET /logga-in set no tertial_login cookie")?;
    let csrf = hidden_input(form.text(), "csrf").ok_or("no csrf input on /logga-in")?;
    let cookie = HeaderValue::from_str(&format!("tertial_login={login}"))?;
    let body = format!(
        "csrf={}&email={}&password={}&next=%2F",
        urlencode(&csrf),
        urlencode(email),
        urlencode(PASSWORD)
    );
    let signed = conn
        .post("/logga-in", &[(header::COOKIE, &cookie)], body)
        .await?
        .expect_status(StatusCode::SEE_OTHER, &format!("signing in as {email}"))?;
    let token = signed
        .set_cookie("tertial_session")
        .ok_or("signing in set no tertial_session cookie")?;
    let cookie = HeaderValue::from_str(&format!("tertial_session={token}"))?;
    let page = conn
        .get("/tillganglighet", Some(&cookie))
        .await?
        .expect_status(StatusCode::OK, "GET /tillganglighet")?;
    let csrf = hidden_input(page.text(), "csrf").ok_or("no session csrf on /tillganglighet")?;
    Ok(Session {
        cookie,
        csrf: HeaderValue::from_str(&csrf)?,
    })
}

/// The id of the signed-in reporter's report in the open round.
async fn report_id(conn: &mut Conn, session: &Session) -> Result<u64> {
    let list = conn
        .get("/rapporter", Some(&session.cookie))
        .await?
        .expect_status(StatusCode::OK, "GET /rapporter")?;
    let html = list.text();
    let round = html
        .find(ROUND)
        .ok_or_else(|| format!("no {ROUND:?} on /rapporter"))?;
    let link = html[..round]
        .rfind("href=\"/rapporter/")
        .ok_or("no report link on /rapporter")?
        + "href=\"/rapporter/".len();
    let digits: String = html[link..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Ok(digits.parse()?)
}

/// The version of one of a report's fields, from its form.
async fn field_version(
    conn: &mut Conn,
    session: &Session,
    report: u64,
    field: &str,
) -> Result<i64> {
    let page = conn
        .get(&format!("/rapporter/{report}"), Some(&session.cookie))
        .await?
        .expect_status(StatusCode::OK, "the report form")?;
    let version = hidden_input(page.text(), &format!("version.{field}"))
        .ok_or_else(|| format!("no version.{field} on report {report}"))?;
    Ok(version.parse()?)
}

fn field_code(index: usize) -> &'static str {
    QUESTIONS
        .iter()
        .chain(OTHER_FIELDS.iter())
        .copied()
        .nth(index)
        .unwrap_or("other_information")
}

/// Swedish prose to cut answers from (at least 1,000 characters).
fn prose() -> String {
    const TEXT: &str = "Stadsdelsförvaltningen har under tertialet fört en löpande dialog med \
        det lokala näringslivet, fastighetsägare och centrumägare inom ramen för \
        platssamverkan. Arbetet följs upp i styrgruppen och i arbetsgruppen, där också \
        trafikkontoret, exploateringskontoret och polisen deltar. Åtgärderna har prioriterats \
        utifrån en gemensam lägesbild; några är genomförda och andra planeras till hösten. ";
    TEXT.repeat(ANSWER_CHARS / TEXT.chars().count() + 1)
}

/// An autosave body: a 1,000-character text that differs at every save (its first 16
/// characters are the user and a counter), and the version it is based on.
fn autosave_body(user: usize, seq: u64, version: i64) -> String {
    thread_local! {
        static TAIL: String = urlencode(&prose().chars().take(ANSWER_CHARS - 16).collect::<String>());
    }
    // 4 + 1 + 10 + 1 = 16 characters; '+' is the encoded space.
    TAIL.with(|tail| format!("text={user:04}-{seq:010}+{tail}&version={version}"))
}

/// Fills the page district's eight answers with 1,000 characters each; returns the form's path.
async fn prefill_page_report(conn: &mut Conn) -> Result<String> {
    let session = sign_in(conn, "skarholmen@example.se").await?;
    let report = report_id(conn, &session).await?;
    let accept = HeaderValue::from_static("application/json");
    for (i, field) in QUESTIONS.iter().enumerate() {
        let version = field_version(conn, &session, report, field).await?;
        let reply = conn
            .post(
                &format!("/rapporter/{report}/falt/{field}"),
                &[
                    (header::COOKIE, &session.cookie),
                    (HeaderName::from_static("x-csrf-token"), &session.csrf),
                    (header::ACCEPT, &accept),
                ],
                autosave_body(9000 + i, 0, version),
            )
            .await?;
        reply.expect_status(StatusCode::OK, &format!("prefilling {field}"))?;
    }
    Ok(format!("/rapporter/{report}"))
}

async fn autosave_user(
    conn: &mut Conn,
    i: usize,
    account: &str,
    field: &str,
) -> Result<VirtualUser> {
    let session = sign_in(conn, account).await?;
    let report = report_id(conn, &session).await?;
    let version = field_version(conn, &session, report, field).await?;
    let mut user = VirtualUser::new(i, session, format!("/rapporter/{report}/falt/{field}"));
    user.version = version;
    Ok(user)
}

// ---------------------------------------------------------------------------------------
// The load.

/// One virtual user: its session (none for healthz) and, for autosave, its field's version.
struct VirtualUser {
    id: usize,
    cookie: HeaderValue,
    csrf: HeaderValue,
    path: String,
    version: i64,
    seq: u64,
}

impl VirtualUser {
    fn new(id: usize, session: Session, path: String) -> VirtualUser {
        VirtualUser {
            id,
            cookie: session.cookie,
            csrf: session.csrf,
            path,
            version: 0,
            seq: 0,
        }
    }

    fn anonymous(id: usize, path: &str) -> VirtualUser {
        VirtualUser {
            id,
            cookie: HeaderValue::from_static(""),
            csrf: HeaderValue::from_static(""),
            path: path.to_owned(),
            version: 0,
            seq: 0,
        }
    }
}

/// One scenario at one concurrency.
struct Row {
    scenario: Scenario,
    users: usize,
    seconds: f64,
    /// Latencies of the successful requests answered in the measured window, sorted.
    latencies: Vec<Duration>,
    errors: u64,
    first_error: Option<String>,
    cpu: CpuSplit,
    peak_rss_kib: u64,
}

impl Row {
    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.seconds
    }

    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank =
            ((self.latencies.len() as f64 * p).ceil() as usize).clamp(1, self.latencies.len());
        self.latencies[rank - 1]
    }
}

/// What one virtual user measured.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn error(&mut self, counted: bool, message: impl FnOnce() -> String) {
        if counted {
            self.errors += 1;
            if self.first_error.is_none() {
                self.first_error = Some(message());
            }
        }
    }
}

async fn measure(
    args: &Args,
    scenario: Scenario,
    users: Vec<VirtualUser>,
    port: u16,
    server_pid: u32,
) -> Result<(Vec<VirtualUser>, Row)> {
    let n = users.len();
    // Connections are opened before the start; the warm-up is not counted.
    let start = Instant::now() + Duration::from_millis(300);
    let counted_from = start + Duration::from_secs(args.warmup);
    let until = counted_from + Duration::from_secs(args.seconds);
    let mut tasks = Vec::with_capacity(n);
    for user in users {
        let client = Client::new(args.client, port)?;
        tasks.push(tokio::spawn(virtual_user(
            scenario,
            user,
            client,
            start,
            counted_from,
            until,
        )));
    }
    let sampler = tokio::spawn(sample(server_pid, counted_from, until));
    let mut users = Vec::with_capacity(n);
    let mut latencies = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for task in tasks {
        let (user, tally) = task.await?;
        users.push(user);
        latencies.extend(tally.latencies);
        errors += tally.errors;
        first_error = first_error.or(tally.first_error);
    }
    let (cpu, peak_rss_kib) = sampler.await??;
    latencies.sort_unstable();
    Ok((
        users,
        Row {
            scenario,
            users: n,
            seconds: args.seconds as f64,
            latencies,
            errors,
            first_error,
            cpu,
            peak_rss_kib,
        },
    ))
}

/// One virtual user's closed loop: the next request goes when the previous one is answered.
/// Requests answered between `counted_from` and `until` are counted.
async fn virtual_user(
    scenario: Scenario,
    mut user: VirtualUser,
    mut client: Client,
    start: Instant,
    counted_from: Instant,
    until: Instant,
) -> (VirtualUser, Tally) {
    let mut tally = Tally::default();
    let form = HeaderValue::from_static("application/x-www-form-urlencoded");
    let json = HeaderValue::from_static("application/json");
    let csrf_header = HeaderName::from_static("x-csrf-token");
    // Connect (hyper) before the clock starts.
    if let Client::Hyper(conn) = &mut client
        && let Err(e) = conn.connect().await
    {
        tally.error(true, || format!("connecting: {e}"));
    }
    tokio::time::sleep_until(start).await;
    loop {
        let sent = Instant::now();
        if sent >= until {
            break;
        }
        let outcome = match scenario {
            Scenario::Healthz => {
                client
                    .send(Method::GET, &user.path, &[], Bytes::new())
                    .await
            }
            Scenario::Page | Scenario::Auditlog | Scenario::Dashboard => {
                client
                    .send(
                        Method::GET,
                        &user.path,
                        &[(header::COOKIE, &user.cookie)],
                        Bytes::new(),
                    )
                    .await
            }
            Scenario::Autosave => {
                user.seq += 1;
                let body = autosave_body(user.id, user.seq, user.version);
                client
                    .send(
                        Method::POST,
                        &user.path,
                        &[
                            (header::COOKIE, &user.cookie),
                            (csrf_header.clone(), &user.csrf),
                            (header::ACCEPT, &json),
                            (header::CONTENT_TYPE, &form),
                        ],
                        Bytes::from(body),
                    )
                    .await
            }
        };
        let answered = Instant::now();
        let counted = answered >= counted_from && answered <= until;
        match outcome {
            Ok((status, body)) => {
                if scenario == Scenario::Autosave
                    && (status == StatusCode::OK || status == StatusCode::CONFLICT)
                {
                    // Saved: the next save builds on the new version. Conflict: resync.
                    let version = serde_json::from_slice::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v.get("version")?.as_i64());
                    if let Some(version) = version {
                        user.version = version;
                    }
                }
                if status == StatusCode::OK {
                    if counted {
                        tally.latencies.push(answered - sent);
                    }
                } else {
                    tally.error(counted, || format!("{status}: {}", snippet(&body)));
                }
            }
            Err(e) => {
                tally.error(counted, || e.to_string());
                // Do not spin on a dead server.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    (user, tally)
}

// ---------------------------------------------------------------------------------------
// CPU and memory, from /proc.

/// CPU time over the measured window (or at one moment), in clock ticks.
#[derive(Default, Clone, Copy)]
struct CpuSplit {
    server: u64,
    bench: u64,
    /// PostgreSQL's processes (none on SQLite).
    database: u64,
    /// All CPUs' busy and total ticks, from /proc/stat.
    busy: u64,
    total: u64,
}

impl CpuSplit {
    fn since(self, earlier: CpuSplit) -> CpuSplit {
        CpuSplit {
            server: self.server.saturating_sub(earlier.server),
            bench: self.bench.saturating_sub(earlier.bench),
            database: self.database.saturating_sub(earlier.database),
            busy: self.busy.saturating_sub(earlier.busy),
            total: self.total.saturating_sub(earlier.total),
        }
    }

    /// Busy time of anything else on the machine.
    fn other(&self) -> u64 {
        self.busy
            .saturating_sub(self.server + self.bench + self.database)
    }
}

fn cpu_snapshot(server_pid: u32) -> Result<CpuSplit> {
    let server = process_ticks(&format!("/proc/{server_pid}/stat"))?;
    let bench = process_ticks("/proc/self/stat")?;
    let stat = std::fs::read_to_string("/proc/stat")?;
    let line = stat.lines().next().unwrap_or_default();
    let ticks: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|t| t.parse().ok())
        .collect();
    let total: u64 = ticks.iter().sum();
    // idle + iowait
    let idle = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
    Ok(CpuSplit {
        server,
        bench,
        database: postgres_ticks(),
        busy: total - idle,
        total,
    })
}

/// utime + stime of a process.
fn process_ticks(path: &str) -> Result<u64> {
    let stat = std::fs::read_to_string(path)?;
    let after_name = stat.rfind(')').map_or("", |i| &stat[i + 1..]);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of stat(5); field 3 is the first after the name.
    let utime: u64 = fields.get(11).ok_or("short stat")?.parse()?;
    let stime: u64 = fields.get(12).ok_or("short stat")?.parse()?;
    Ok(utime + stime)
}

/// utime + stime of every process named `postgres` (the server and its backends).
fn postgres_ticks() -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter_map(|e| {
            let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
            let name = &stat[stat.find('(')? + 1..stat.rfind(')')?];
            if name == "postgres" {
                process_ticks(&e.path().join("stat").to_string_lossy()).ok()
            } else {
                None
            }
        })
        .sum()
}

/// The kB figures of /proc/PID/status (and Threads).
fn proc_status(pid: u32) -> Result<HashMap<String, u64>> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    Ok(status
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            let number = value.split_whitespace().next()?.parse().ok()?;
            Some((name.to_owned(), number))
        })
        .collect())
}

/// CPU over the window and the server's largest resident set seen in it (every 100 ms).
async fn sample(server_pid: u32, from: Instant, until: Instant) -> Result<(CpuSplit, u64)> {
    tokio::time::sleep_until(from).await;
    let first = cpu_snapshot(server_pid)?;
    let mut peak = 0;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    while Instant::now() < until {
        tokio::select! {
            _ = tick.tick() => {}
            () = tokio::time::sleep_until(until) => break,
        }
        let status = proc_status(server_pid)?;
        peak = peak.max(status.get("VmRSS").copied().unwrap_or(0));
    }
    Ok((cpu_snapshot(server_pid)?.since(first), peak))
}

// ---------------------------------------------------------------------------------------
// Output.

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn print_header() {
    println!(
        "{:<9} {:>5} {:>10} {:>8} {:>8} {:>8} {:>7} {:>8} {:>7} {:>6} {:>5} {:>6} {:>5} {:>8}",
        "scenario",
        "users",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "errors",
        "/healthz",
        "server",
        "bench",
        "pg",
        "other",
        "idle",
        "rss MiB"
    );
}

fn print_row(row: &Row, healthz: Option<f64>) {
    let ratio = match healthz {
        Some(h) if h > 0.0 => format!("{:.3}", row.rate() / h),
        _ => "-".to_owned(),
    };
    // % of one core: ticks / (all CPUs' ticks / CPUs).
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let core = row.cpu.total as f64 / cpus;
    let pct = |ticks: u64| {
        if core > 0.0 {
            format!("{:.0}%", ticks as f64 / core * 100.0)
        } else {
            "-".to_owned()
        }
    };
    let idle = row.cpu.total.saturating_sub(row.cpu.busy);
    println!(
        "{:<9} {:>5} {:>10.0} {:>8.2} {:>8.2} {:>8.2} {:>7} {:>8} {:>7} {:>6} {:>5} {:>6} {:>5} {:>8.1}",
        row.scenario.name(),
        row.users,
        row.rate(),
        ms(row.percentile(0.50)),
        ms(row.percentile(0.99)),
        ms(row.latencies.last().copied().unwrap_or_default()),
        row.errors,
        ratio,
        pct(row.cpu.server),
        pct(row.cpu.bench),
        pct(row.cpu.database),
        pct(row.cpu.other()),
        pct(idle),
        mib(row.peak_rss_kib)
    );
}
