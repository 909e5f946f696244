//! `tertial`: the command line. Runs the server, builds the demo, manages accounts.

mod commands;
mod import;
mod mail;
mod privacy;
mod sso;

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// mimalloc returns freed memory to the system promptly; glibc's allocator keeps the 19 MiB
/// buffers of argon2 password checks, which after a burst of sign-ins held most of the
/// server's memory (see bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tertial: follow up municipal policies with the committees and company boards that carry
/// them out.
#[derive(Debug, Parser)]
#[command(name = "tertial", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web application.
    Serve(ServeArgs),
    /// Build a fresh demo database (business-policy follow-up 2022, Stockholm's 13
    /// district committees, demo accounts) and run the web application on it.
    Demo(DemoArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage reporting bodies (committees, company boards).
    #[command(subcommand)]
    Body(BodyCommand),
    /// Fill an empty database with a synthetic follow-up at a given scale (bodies,
    /// questions, rounds, answer lengths), for benchmarks and for trying Tertial at scale.
    /// The coordinator samordnare@example.se and the reader lasare@example.se sign in with
    /// the password in TERTIAL_PASSWORD (default: tertial-demo).
    Generate(GenerateArgs),
    /// Check the database's integrity (SQLite's integrity_check) and exit non-zero on
    /// problems.
    Check(DatabaseArgs),
    /// Import historic forms (Word .docx files, or their text) into a closed round, each as
    /// a submitted version of its body's report marked imported. PATH is a file or a folder
    /// of files; a folder's files find their body by the form's identity, its "Nämnd"
    /// field or a body's name in the file's name. Exits non-zero if a file failed.
    Import(ImportArgs),
    /// Bring the search index up to date: index every submitted version it lacks (after an
    /// upgrade or a restore). `serve` also does this in the background at start.
    Reindex(DatabaseArgs),
}

#[derive(Debug, Args)]
struct ImportArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// A form file, or a folder of them.
    path: std::path::PathBuf,
    /// The round, by id or name ("Tertialrapport 1 2022" or "T1 2022").
    #[arg(long)]
    round: String,
    /// The body, by id, name or short name (otherwise found from each file).
    #[arg(long)]
    body: Option<String>,
    /// Read and check every file, change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct DatabaseArgs {
    /// Database URL: `sqlite:PATH` (embedded, created if missing) or
    /// `postgres://USER@HOST:PORT/NAME`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite:tertial.db")]
    database_url: String,
    /// How long to wait at start for a PostgreSQL server that is not answering yet
    /// (starting, restarting), in seconds.
    #[arg(long, env = "TERTIAL_DATABASE_WAIT_SECONDS", default_value_t = 30)]
    database_wait_seconds: u64,
}

#[derive(Debug, Args)]
struct ServerArgs {
    /// Address and port to listen on.
    #[arg(long, env = "TERTIAL_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// The longest answer accepted, in characters.
    #[arg(long, env = "TERTIAL_MAX_ANSWER_CHARS", default_value_t = tertial_domain::validate::DEFAULT_MAX_ANSWER_CHARS)]
    max_answer_chars: usize,
    /// The largest request accepted, in bytes.
    #[arg(long, env = "TERTIAL_MAX_REQUEST_BYTES", default_value_t = 4 * 1024 * 1024)]
    max_request_bytes: usize,
    /// Mark cookies Secure; set this when Tertial is served over HTTPS.
    #[arg(long, env = "TERTIAL_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Tertial is served behind a proxy (for TLS) that adds each client's address to
    /// X-Forwarded-For: failed sign-ins are then counted per that address.
    #[arg(long, env = "TERTIAL_BEHIND_PROXY")]
    behind_proxy: bool,
    /// Sign people out after this many minutes without activity.
    #[arg(long, env = "TERTIAL_SESSION_MINUTES", default_value_t = 480)]
    session_minutes: i64,
    /// Sign people out this many hours after they signed in, however active.
    #[arg(long, env = "TERTIAL_SESSION_MAX_HOURS", default_value_t = 12)]
    session_max_hours: i64,
    /// Sign people out this many minutes after they signed in instead (for tests of the
    /// warning before it).
    #[arg(long, env = "TERTIAL_SESSION_MAX_MINUTES")]
    session_max_minutes: Option<i64>,
    /// On SIGTERM or Ctrl-C, how long requests under way may take to finish before the
    /// server stops anyway, in seconds.
    #[arg(long, env = "TERTIAL_DRAIN_SECONDS", default_value_t = 10)]
    drain_seconds: u64,
    /// Connections open at once; more clients wait until one closes. Keep it well under
    /// the process's file-descriptor limit (ulimit -n).
    #[arg(long, env = "TERTIAL_MAX_CONNECTIONS", default_value_t = 1000)]
    max_connections: usize,
    /// The organisation's name, in every page's header and in the accessibility statement.
    #[arg(long, env = "TERTIAL_ORGANISATION")]
    organisation: Option<String>,
    /// The organisation's logo beside its name: a .png, .svg, .jpg or .webp file.
    #[arg(long, env = "TERTIAL_LOGO")]
    logo: Option<std::path::PathBuf>,
    /// The colour of links, buttons and the header's stripe, as #rrggbb; it must have a
    /// contrast of at least 4.5:1 against white.
    #[arg(long, env = "TERTIAL_ACCENT_COLOUR")]
    accent_colour: Option<tertial_web::Accent>,
    /// Where to report an accessibility problem, in the accessibility statement: an e-mail
    /// address or a web address.
    #[arg(long, env = "TERTIAL_ACCESSIBILITY_CONTACT")]
    accessibility_contact: Option<tertial_web::Contact>,
    /// When the accessibility statement was last reviewed (YYYY-MM-DD); by default, when the
    /// statement in this version of Tertial was written.
    #[arg(long, env = "TERTIAL_ACCESSIBILITY_REVIEWED")]
    accessibility_reviewed: Option<jiff::civil::Date>,
    #[command(flatten)]
    privacy: privacy::PrivacyArgs,
    #[command(flatten)]
    mail: mail::MailArgs,
    #[command(flatten)]
    sso: sso::SsoArgs,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(flatten)]
    server: ServerArgs,
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// Where to build the demo. An existing demo there is replaced; any other database is
    /// left alone and the command refuses.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite:tertial-demo.db")]
    database_url: String,
    /// How long to wait at start for a PostgreSQL server that is not answering yet, in
    /// seconds.
    #[arg(long, env = "TERTIAL_DATABASE_WAIT_SECONDS", default_value_t = 30)]
    database_wait_seconds: u64,
    #[command(flatten)]
    server: ServerArgs,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// How many bodies answer (seven in ten district committees, two specialist
    /// committees, one company board).
    #[arg(long, default_value_t = 50)]
    bodies: usize,
    /// How many questions, spread over the four focus areas.
    #[arg(long, default_value_t = 10)]
    questions: usize,
    /// How many rounds (T1, T2, VB of consecutive years from 2024): all closed but the last.
    #[arg(long, default_value_t = 2)]
    rounds: usize,
    /// About how long an answer is, in characters (each varies by ±30 %).
    #[arg(long, default_value_t = 1500)]
    answer_chars: usize,
    /// The same seed and numbers give the same database.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Let every body's reporter (rapportor-00001@example.se, …) sign in with the password
    /// too; otherwise they exist only as the ones who submitted.
    #[arg(long)]
    accounts: bool,
    /// Leave the search index for `tertial reindex` (or `serve`, which catches up at start);
    /// the search benchmark times indexing on its own this way.
    #[arg(long)]
    no_index: bool,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a local account. The password is read from TERTIAL_PASSWORD or, if unset, from
    /// the first line of standard input.
    Add(UserAddArgs),
}

#[derive(Debug, Args)]
struct UserAddArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// E-mail address; also the sign-in name.
    #[arg(long)]
    email: String,
    /// The person's name as shown in the application.
    #[arg(long)]
    name: String,
    /// admin, coordinator (samordnare), reporter (rapportör) or reader (läsare).
    #[arg(long)]
    role: String,
    /// A body the reporter reports for, by name or short name; repeat for several.
    #[arg(long = "body")]
    bodies: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum BodyCommand {
    /// Add active bodies of one kind, each named as given (its short name the same).
    Add(BodyAddArgs),
}

#[derive(Debug, Args)]
struct BodyAddArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// district_committee (stadsdelsnämnd), specialist_committee (facknämnd) or
    /// company_board (bolagsstyrelse).
    #[arg(long)]
    kind: String,
    /// The bodies' names.
    #[arg(required = true)]
    names: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
