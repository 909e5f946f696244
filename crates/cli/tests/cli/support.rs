//! What the CLI tests share: running the binary, signing in over HTTP, a fleet of writers
//! that autosave and write down every answer they get, and the check that the database
//! holds every save the server acknowledged.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{BufRead, BufReader, Lines};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::cookie::{CookieStore, Jar};
use tertial_domain::{Field, ReportId, StoredField};
use tertial_store::Store;

pub const BIN: &str = env!("CARGO_BIN_EXE_tertial");

/// A fresh, empty folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tertial-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs `tertial` to completion, with no database or address from the environment.
pub fn tertial(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("TERTIAL_BIND")
        .output()
        .expect("run tertial")
}

/// Whether this process runs as root (mounting, `chattr` and running PostgreSQL as the
/// `postgres` account need it).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// For a test that needs what this machine may not offer: prints a notice (the test then
/// returns early), or, when the environment variable `require` is `1`, fails saying `why`.
pub fn skip(require: &str, why: &str) {
    assert!(
        std::env::var(require).as_deref() != Ok("1"),
        "{require}=1 but this test cannot run: {why}"
    );
    println!("notice: skipped ({why}); set {require}=1 to make this a failure");
}

/// A running server, the address it printed, and the rest of what it prints.
pub struct Server {
    pub child: Child,
    pub base: String,
    stdout: Lines<BufReader<ChildStdout>>,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        Server::spawn(args, Stdio::null())
    }

    /// Like [`Server::start`], with the server's log (standard error) written to `log`.
    pub fn start_logging(args: &[&str], log: &Path) -> Server {
        let file = std::fs::File::create(log).expect("server log");
        Server::spawn(args, file.into())
    }

    fn spawn(args: &[&str], stderr: Stdio) -> Server {
        let mut child = Command::new(BIN)
            .args(args)
            .args(["--bind", "127.0.0.1:0"])
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start tertial");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            let line = lines
                .next()
                .expect("tertial exited before listening")
                .expect("read");
            if let Some(url) = line.strip_prefix("Tertial is listening on ") {
                break url.to_owned();
            }
        };
        Server {
            child,
            base,
            stdout: lines,
        }
    }

    /// The address the server listens on (`127.0.0.1:PORT`).
    pub fn address(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// Kills the server without warning (SIGKILL) and reaps it.
    pub fn kill_9(&mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("wait");
    }

    /// What the server printed after it started listening, up to its exit.
    pub fn rest_of_stdout(&mut self) -> Vec<String> {
        self.stdout.by_ref().map_while(Result::ok).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn get_text(client: &reqwest::Client, url: &str) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body")
}

/// The CSRF token in a page's forms.
pub fn csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("csrf") + marker.len();
    html[start..start + 64].to_owned()
}

/// A signed-in person's browser: a cookie jar and the session's CSRF token.
pub struct Session {
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
    jar: Arc<Jar>,
}

impl Session {
    /// Signs in with the demo's password.
    pub async fn sign_in(base: &str, email: &str) -> Session {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client");
        let login = get_text(&client, &format!("{base}/logga-in")).await;
        let signed_in = client
            .post(format!("{base}/logga-in"))
            .form(&[
                ("csrf", csrf(&login).as_str()),
                ("email", email),
                ("password", "tertial-demo"),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(signed_in.status(), 303, "{email} signs in");
        let token = csrf(&get_text(&client, &format!("{base}/tillganglighet")).await);
        Session {
            client,
            base: base.to_owned(),
            token,
            jar,
        }
    }

    /// The `Cookie` header this browser sends, for requests written by hand.
    pub fn cookie_header(&self) -> String {
        let url = reqwest::Url::parse(&self.base).expect("base URL");
        let cookies = self.jar.cookies(&url).expect("session cookie");
        cookies.to_str().expect("cookie text").to_owned()
    }
}

/// The report of each named body in the open round (T2 2022), with what its fields hold.
pub async fn open_reports(url: &str, bodies: &[&str]) -> Vec<(ReportId, Vec<StoredField>)> {
    let store = Store::connect(url).await.expect("store");
    let rounds = store.rounds().await.expect("rounds");
    let open = rounds
        .iter()
        .find(|r| r.year == 2022 && r.period.code() == "T2")
        .expect("T2");
    let overview = store.round_overview(open.id).await.expect("overview");
    let mut reports = Vec::new();
    for body in bodies {
        let report = overview
            .iter()
            .find(|o| o.body.short_name == *body)
            .expect("report")
            .report
            .id;
        let report = ReportId(report.0);
        reports.push((report, store.stored_fields(report).await.expect("fields")));
    }
    store.close().await;
    reports
}

/// The report fields a writer may save (the focus-area answers and "other information").
pub const FIELDS: [&str; 8] = [
    "samverkan-lokalt-naringsliv",
    "vaxla-upp-stockholm",
    "svart-ekonomi-samverkan",
    "platssamverkan-platsaktivering",
    "kultur-offentliga-rummet",
    "sbr-arbetsmarknad-tillvaxt",
    "sbr-dialog-foretag",
    "other_information",
];

/// Signs in Skärholmen's and Bromma's reporters and gives `count` writers (at most 16) a field
/// each: Skärholmen's first, then Bromma's.
pub async fn targets(base: &str, url: &str, count: usize) -> Vec<Target> {
    assert!(count <= 2 * FIELDS.len(), "at most 16 writers");
    let reports = open_reports(url, &["Skärholmen", "Bromma"]).await;
    let mut targets = Vec::new();
    for ((report, stored), email) in reports
        .into_iter()
        .zip(["skarholmen@example.se", "bromma@example.se"])
    {
        let wanted = count.saturating_sub(targets.len()).min(FIELDS.len());
        if wanted == 0 {
            break;
        }
        let session = Arc::new(Session::sign_in(base, email).await);
        for field in &FIELDS[..wanted] {
            let code = Field::parse(field).expect("field");
            let version = stored
                .iter()
                .find(|s| s.field == code)
                .map_or(0, |s| s.version);
            targets.push(Target {
                session: session.clone(),
                report,
                field,
                start_version: version,
            });
        }
    }
    targets
}

/// What one writer saves: one field of one report, which no one else writes.
#[derive(Clone)]
pub struct Target {
    pub session: Arc<Session>,
    pub report: ReportId,
    pub field: &'static str,
    /// The version stored when the writer starts.
    pub start_version: i64,
}

/// A save the server acknowledged (200, "saved").
#[derive(Debug, Clone)]
pub struct Ack {
    pub writer: usize,
    pub version: i64,
    pub text: String,
    pub at: Instant,
}

/// A save sent but not acknowledged: refused (`status`) or never answered (`None`).
#[derive(Debug, Clone)]
pub struct Unacked {
    pub writer: usize,
    pub text: String,
    pub status: Option<u16>,
    pub at: Instant,
}

/// Everything the writers were told.
#[derive(Debug, Default, Clone)]
pub struct Log {
    pub acked: Vec<Ack>,
    pub unacked: Vec<Unacked>,
    /// Answers other than 200 and 409, by status.
    pub refusals: BTreeMap<u16, usize>,
    /// The first body of each status in `refusals`.
    pub samples: BTreeMap<u16, String>,
    /// 409s: a save refused earlier had been stored after all (the writer learns it when its
    /// next save meets that version).
    pub stored_after_refusal: usize,
    /// Requests that got no HTTP answer, and why.
    pub no_answer: Vec<String>,
    /// The longest a save waited for its answer.
    pub slowest: Duration,
    /// Answers that break the contract (a 409 for a text this writer never sent, a 503
    /// without a message, a version that skips).
    pub anomalies: Vec<String>,
}

impl Log {
    /// Saves refused with an HTTP status.
    pub fn refused(&self) -> usize {
        self.refusals.values().sum()
    }

    /// When the first save was refused.
    pub fn first_refusal(&self) -> Option<Instant> {
        self.unacked
            .iter()
            .filter(|u| u.status.is_some())
            .map(|u| u.at)
            .min()
    }

    /// Whether `writer` has had a save acknowledged after `since`.
    pub fn acked_since(&self, writer: usize, since: Instant) -> bool {
        self.acked_count_since(writer, since) > 0
    }

    /// How many of `writer`'s saves were acknowledged after `since`.
    pub fn acked_count_since(&self, writer: usize, since: Instant) -> usize {
        self.acked
            .iter()
            .filter(|a| a.writer == writer && a.at > since)
            .count()
    }

    /// How many saves `writer` has had acknowledged.
    pub fn acked_by(&self, writer: usize) -> usize {
        self.acked.iter().filter(|a| a.writer == writer).count()
    }
}

/// Writers saving their own field in a loop, as fast as they are answered.
pub struct Fleet {
    pub targets: Vec<Target>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    log: Arc<Mutex<Log>>,
}

impl Fleet {
    pub fn start(targets: Vec<Target>) -> Fleet {
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Log::default()));
        let tasks = targets
            .iter()
            .enumerate()
            .map(|(writer, target)| {
                tokio::spawn(write(writer, target.clone(), stop.clone(), log.clone()))
            })
            .collect();
        Fleet {
            targets,
            stop,
            tasks,
            log,
        }
    }

    /// Looks at the log as it stands.
    pub fn log<T>(&self, look: impl FnOnce(&Log) -> T) -> T {
        look(&self.log.lock().expect("log"))
    }

    /// Waits until `done` holds, at most `within`; fails the test saying `what` otherwise.
    /// Returns when it held.
    pub async fn wait_until(
        &self,
        what: &str,
        within: Duration,
        done: impl Fn(&Log) -> bool,
    ) -> Instant {
        let deadline = Instant::now() + within;
        loop {
            if self.log(&done) {
                return Instant::now();
            }
            assert!(
                Instant::now() < deadline,
                "not within {within:?}: {what}; so far {}",
                self.log(summary)
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until every writer has had `count` saves acknowledged.
    pub async fn wait_for_acks(&self, count: usize, within: Duration) {
        let writers = self.targets.len();
        self.wait_until(
            &format!("{count} acknowledged saves per writer"),
            within,
            |log| (0..writers).all(|w| log.acked_by(w) >= count),
        )
        .await;
    }

    /// Waits until every writer has had `count` saves acknowledged after `since`.
    pub async fn wait_for_acks_since(&self, count: usize, since: Instant, within: Duration) {
        let writers = self.targets.len();
        self.wait_until(
            &format!("{count} acknowledged saves per writer since {since:?}"),
            within,
            |log| (0..writers).all(|w| log.acked_count_since(w, since) >= count),
        )
        .await;
    }

    /// Stops the writers (each finishes the save it is making) and returns the log.
    pub async fn stop(self) -> (Vec<Target>, Log) {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.expect("writer");
        }
        let log = self.log.lock().expect("log").clone();
        (self.targets, log)
    }
}

/// Starts `tertial serve` again on the database a killed server left, and checks that it
/// answers and that `tertial check` finds the database clean.
pub async fn restart_clean(url: &str, log: &Path) -> Server {
    let restarted = Server::start_logging(&["serve", "--database-url", url], log);
    let health = reqwest::get(format!("{}/healthz", restarted.base))
        .await
        .expect("GET /healthz");
    assert_eq!(health.status(), 200);
    let check = tertial(&["check", "--database-url", url]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "ok");
    restarted
}

/// A short account of a log, for failure messages.
pub fn summary(log: &Log) -> String {
    format!(
        "{} acknowledged, refused {:?}, {} no answer, slowest answer {:?}, {} anomalies {:?}",
        log.acked.len(),
        log.refusals,
        log.no_answer.len(),
        log.slowest,
        log.anomalies.len(),
        log.anomalies.iter().take(3).collect::<Vec<_>>()
    )
}

/// A text of 1 to 5 KB that names its writer and attempt, so that no two saves are alike.
fn answer_text(writer: usize, field: &str, attempt: usize) -> String {
    const WORDS: [&str; 6] = [
        "samverkan ",
        "näringsliv ",
        "företagsdialog ",
        "platsaktivering ",
        "Skärholmen ",
        "arbetsmarknad ",
    ];
    let len = 1000 + (attempt * 7919 + writer * 104_729) % 4000;
    let mut text = format!("Skrivare {writer}, {field}, sparning {attempt}: ");
    let mut word = attempt;
    while text.len() < len {
        text.push_str(WORDS[word % WORDS.len()]);
        word += 1;
    }
    text
}

/// One writer: saves its field again and again, each time from the version it last knows
/// of, and writes down what it was told. After a refusal it pauses a little, as the page's
/// script does, rather than hammer a database that is down.
async fn write(writer: usize, target: Target, stop: Arc<AtomicBool>, log: Arc<Mutex<Log>>) {
    let Target {
        session,
        report,
        field,
        start_version,
    } = target;
    let url = format!("{}/rapporter/{}/falt/{field}", session.base, report.0);
    let mut version = start_version;
    let mut attempt = 0;
    while !stop.load(Ordering::Relaxed) {
        attempt += 1;
        let text = answer_text(writer, field, attempt);
        let asked = Instant::now();
        let sent = session
            .client
            .post(&url)
            .header("x-csrf-token", &session.token)
            .header("accept", "application/json")
            .form(&[("text", text.as_str()), ("version", &version.to_string())])
            .send()
            .await;
        let answer = match sent {
            Ok(reply) => {
                let status = reply.status().as_u16();
                reply.text().await.map(|body| (status, body))
            }
            Err(e) => Err(e),
        };
        let at = Instant::now();
        let pause = {
            let mut log = log.lock().expect("log");
            log.slowest = log.slowest.max(at - asked);
            record(&mut log, writer, &mut version, text, answer, at)
        };
        if let Some(pause) = pause {
            tokio::time::sleep(pause).await;
        }
    }
}

/// Writes down one answer, moves the writer's `version` on, and says whether to pause.
fn record(
    log: &mut Log,
    writer: usize,
    version: &mut i64,
    text: String,
    answer: reqwest::Result<(u16, String)>,
    at: Instant,
) -> Option<Duration> {
    let (status, body) = match answer {
        Ok(answer) => answer,
        Err(e) => {
            log.no_answer.push(format!("writer {writer}: {e}"));
            log.unacked.push(Unacked {
                writer,
                text,
                status: None,
                at,
            });
            return Some(Duration::from_millis(50));
        }
    };
    let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    match status {
        200 => {
            let saved = json["version"].as_i64();
            if json["status"] != "saved" || saved != Some(*version + 1) {
                log.anomalies.push(format!(
                    "writer {writer}: saved from v{version} but answered {body}"
                ));
            }
            *version = saved.unwrap_or(*version);
            log.acked.push(Ack {
                writer,
                version: *version,
                text,
                at,
            });
            None
        }
        409 => {
            // Only this writer writes this field, so the newer version must be one of its
            // own saves that was refused yet stored.
            let theirs = json["text"].as_str().unwrap_or_default();
            let mine = log
                .unacked
                .iter()
                .any(|u| u.writer == writer && u.text == theirs);
            if mine {
                log.stored_after_refusal += 1;
            } else {
                log.anomalies.push(format!(
                    "writer {writer}: conflict with a text it never sent: {body:.200}"
                ));
            }
            *version = json["version"].as_i64().unwrap_or(*version);
            log.unacked.push(Unacked {
                writer,
                text,
                status: Some(status),
                at,
            });
            None
        }
        _ => {
            let message = json["error"].as_str().unwrap_or_default();
            if status == 503 && message.trim().is_empty() {
                log.anomalies.push(format!(
                    "writer {writer}: 503 without a message: {body:.200}"
                ));
            }
            *log.refusals.entry(status).or_default() += 1;
            log.samples.entry(status).or_insert(body);
            log.unacked.push(Unacked {
                writer,
                text,
                status: Some(status),
                at,
            });
            Some(Duration::from_millis(20))
        }
    }
}

/// Checks the database against what the writers were told: every acknowledged save's
/// transaction is there (its audit entry, written in the same transaction), and every field
/// holds its writer's last acknowledged save, or a later save of that writer that was sent
/// but not acknowledged (a commit whose answer was lost).
pub async fn verify(store: &Store, targets: &[Target], log: &Log) -> Verified {
    assert!(
        log.anomalies.is_empty(),
        "the server broke the autosave contract: {:#?}",
        log.anomalies
    );
    // Each save is written with its audit entry in one transaction: the entries show which
    // saves' transactions are in the database, not only the last one of each field.
    let mut audited: HashSet<(i64, String, i64)> = HashSet::new();
    let reports: BTreeSet<i64> = targets.iter().map(|t| t.report.0).collect();
    for report in reports {
        let entries = store
            .audit_of(tertial_domain::AuditSubject::Report(
                tertial_domain::ReportId(report),
            ))
            .await
            .expect("audit");
        audited.extend(
            entries
                .iter()
                .filter(|e| e.action == "answer_saved")
                .filter_map(|e| {
                    let mut words = e.detail.split_whitespace();
                    let field = words.next()?.strip_prefix("field=")?;
                    let version = words.next()?.strip_prefix("version=")?.parse().ok()?;
                    Some((report, field.to_owned(), version))
                }),
        );
    }
    let mut verified = Verified {
        fields: targets.len(),
        ..Verified::default()
    };
    for (writer, target) in targets.iter().enumerate() {
        let field = target.field;
        let report = target.report;
        let acks: Vec<&Ack> = log.acked.iter().filter(|a| a.writer == writer).collect();
        let last = acks
            .iter()
            .max_by_key(|a| a.version)
            .unwrap_or_else(|| panic!("writer {writer} ({field}) had no save acknowledged"));

        let code = Field::parse(field).expect("field");
        let stored = store.stored_fields(report).await.expect("fields");
        let now = stored
            .iter()
            .find(|s| s.field == code)
            .unwrap_or_else(|| panic!("{field} of report {} is not stored", report.0));
        assert!(
            now.version >= last.version,
            "{field}: v{} was acknowledged, but v{} is stored",
            last.version,
            now.version
        );
        if now.version == last.version {
            assert!(
                now.value.text == last.text,
                "{field} v{}: the stored text is not the acknowledged one",
                last.version
            );
            verified.exact += 1;
        } else {
            let sent_later = log
                .unacked
                .iter()
                .any(|u| u.writer == writer && u.at > last.at && u.text == now.value.text);
            assert!(
                sent_later,
                "{field}: v{} is stored, newer than the last acknowledged v{}, and is no \
                 save its writer sent after that",
                now.version, last.version
            );
            verified.later += 1;
        }

        let missing: Vec<i64> = acks
            .iter()
            .filter(|a| !audited.contains(&(report.0, field.to_owned(), a.version)))
            .map(|a| a.version)
            .collect();
        assert!(
            missing.is_empty(),
            "{field}: acknowledged saves missing from the database: versions {missing:?}"
        );
    }
    verified
}

/// What [`verify`] found, field by field.
#[derive(Debug, Default)]
pub struct Verified {
    /// Fields checked, one a writer.
    pub fields: usize,
    /// Fields that hold exactly their last acknowledged save.
    pub exact: usize,
    /// Fields that hold a later save, sent but not acknowledged.
    pub later: usize,
}

/// The one-line account of a scenario that each fault test prints.
pub fn report_line(scenario: &str, log: &Log, verified: &Verified) -> String {
    let refused: Vec<String> = log
        .refusals
        .iter()
        .map(|(status, count)| format!("{count} refused ({status})"))
        .collect();
    let refused = if refused.is_empty() {
        "0 refused".to_owned()
    } else {
        refused.join(", ")
    };
    let holding = verified.exact + verified.later;
    let fields = verified.fields;
    let later = match verified.later {
        0 => String::new(),
        n => format!(" ({n} a later save whose answer was lost)"),
    };
    format!(
        "{scenario}: {} acknowledged, {refused}, {} no answer; {holding}/{fields} fields hold \
         their last acknowledged save{later}; every acknowledged save is in the database \
         ({} refused saves turned out stored)",
        log.acked.len(),
        log.no_answer.len(),
        log.stored_after_refusal,
    )
}

/// Set to `1` (as `scripts/test` does) to make a test that needs PostgreSQL's server fail
/// rather than skip without it.
pub const REQUIRE_POSTGRES: &str = "TERTIAL_REQUIRE_POSTGRES";

/// The newest PostgreSQL server binaries Debian installed, if any.
pub fn postgres_bin() -> Option<PathBuf> {
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
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    /// `initdb`, as `scripts/lib/postgres.sh` does: as the `postgres` account when run as
    /// root, since PostgreSQL refuses to run as root. Not started yet.
    pub fn init(bin: &Path, dir: &Path) -> Cluster {
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
        cluster
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) {
        let started = self.pg_ctl("start");
        assert!(
            started.status.success(),
            "pg_ctl start: {}",
            stderr(&started)
        );
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    pub fn url(&self) -> String {
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
    pub async fn restart_immediately(&self) {
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

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
