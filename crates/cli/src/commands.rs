//! What each command does: wiring the store, the use cases and the router.

use std::io::BufRead;
use std::time::Duration;

use tertial_app::{App, Settings, chain, demo};
use tertial_domain::Role;
use tertial_store::Store;
use tertial_web::{Brand, Logo, ServeLimits, WebSettings};

use crate::mail::Worker;
use crate::{
    BodyAddArgs, BodyCommand, Command, DatabaseArgs, GenerateArgs, ServerArgs, UserAddArgs,
    UserCommand,
};

/// The demo's data: a file, not code.
const DEMO_DATA: &str = include_str!("../demo/naringsliv-2022.toml");

pub async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Serve(args) => {
            args.server.mail.check()?;
            let store = connect(&args.database).await?;
            serve(store, &args.server).await
        }
        Command::Demo(mut args) => {
            args.server.mail.check()?;
            // The demo belongs to no real organisation.
            args.server
                .organisation
                .get_or_insert_with(|| "Exempelstad".into());
            let database = DatabaseArgs {
                database_url: args.database_url,
                database_wait_seconds: args.database_wait_seconds,
            };
            let store = build_demo(&database).await?;
            serve(store, &args.server).await
        }
        Command::User(UserCommand::Add(args)) => add_user(args).await,
        Command::Body(BodyCommand::Add(args)) => add_bodies(args).await,
        Command::Generate(args) => generate(args).await,
        Command::Import(args) => crate::import::import(args).await,
        Command::Reindex(args) => reindex(&connect(&args).await?).await,
        Command::Check(args) => {
            let store = connect(&args).await?;
            let problems = store
                .integrity_problems()
                .await
                .map_err(|e| e.to_string())?;
            if problems.is_empty() {
                println!("ok");
                Ok(())
            } else {
                Err(format!("integrity check failed:\n{}", problems.join("\n")))
            }
        }
    }
}

pub(crate) async fn connect(args: &DatabaseArgs) -> Result<Store, String> {
    let url = &args.database_url;
    let wait = Duration::from_secs(args.database_wait_seconds);
    Store::connect_waiting(url, wait)
        .await
        .map_err(|e| format!("cannot open the database {url}: {}", chain(&e)))
}

/// Builds the demo fresh at the URL: an empty database is filled, an earlier demo is
/// replaced, anything else is refused.
async fn build_demo(args: &DatabaseArgs) -> Result<Store, String> {
    let url = &args.database_url;
    let store = connect(args).await?;
    let is_demo = store.is_demo().await.map_err(|e| e.to_string())?;
    let is_empty = store.is_empty().await.map_err(|e| e.to_string())?;
    let store = if is_demo {
        store.drop_everything().await.map_err(|e| e.to_string())?;
        connect(args).await?
    } else if is_empty {
        store
    } else {
        return Err(format!(
            "{url} holds data that is not a demo; refusing to replace it. \
             Give another --database-url."
        ));
    };
    let data = demo::DemoData::parse(DEMO_DATA).map_err(|e| e.to_string())?;
    let users = demo::load(&store, &data).await.map_err(|e| chain(&e))?;
    println!("Demo database built at {url}.");
    println!("Demo accounts (password: {}):", data.password);
    for user in users {
        let bodies = if user.bodies.is_empty() {
            String::new()
        } else {
            format!(" for {}", user.bodies.join(", "))
        };
        println!("  {:<26} {}{bodies}", user.email, user.role.code());
    }
    Ok(store)
}

async fn serve(store: Store, args: &ServerArgs) -> Result<(), String> {
    let settings = Settings {
        max_answer_chars: args.max_answer_chars,
        session_idle: jiff::SignedDuration::from_mins(args.session_minutes),
        session_lifetime: args.session_max_minutes.map_or(
            jiff::SignedDuration::from_hours(args.session_max_hours),
            jiff::SignedDuration::from_mins,
        ),
        public_url: args.mail.public_url.trim_end_matches('/').to_owned(),
        reminder_days: args.mail.reminder_days.clone(),
        reminder_interval: jiff::SignedDuration::from_millis(
            i64::try_from(args.mail.reminder_interval_ms).unwrap_or(i64::MAX),
        ),
        mail_retry_base: jiff::SignedDuration::from_millis(
            i64::try_from(args.mail.mail_retry_ms).unwrap_or(i64::MAX),
        ),
        organisation: args.organisation.clone(),
        local_passwords: args.sso.local_passwords.clone(),
    };
    let brand = Brand {
        organisation: args.organisation.clone(),
        logo: args.logo.as_deref().map(Logo::read).transpose()?,
        accent: args.accent_colour.clone().unwrap_or_default(),
        accessibility_contact: args.accessibility_contact.clone(),
        statement_reviewed: args.accessibility_reviewed,
        privacy: args.privacy.privacy(),
    };
    let public_url = settings.public_url.clone();
    let app = App::new(store.clone(), settings);
    let app = args
        .sso
        .apply(app, &public_url, args.organisation.as_deref())?;
    // A database from before the search index, or restored, catches up in the background.
    let indexer = app.clone();
    tokio::spawn(async move {
        match indexer.index_pending().await {
            Ok((0, _)) => {}
            Ok((versions, _)) => tracing::info!(versions, "search index caught up"),
            Err(e) => tracing::error!(error = %chain(&e), "indexing for search failed"),
        }
    });
    let (stop_mail, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(Worker::new(app.clone(), &args.mail, stopped)?.run());
    let router = tertial_web::router(
        app,
        WebSettings {
            max_request_bytes: args.max_request_bytes,
            secure_cookies: args.secure_cookies,
            behind_proxy: args.behind_proxy,
            brand: std::sync::Arc::new(brand),
            ..WebSettings::default()
        },
    );
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let shutdown = shutdown_signal()?;
    println!("Tertial is listening on http://{address}");
    tokio::spawn(sweep_sessions(store.clone()));
    let limits = ServeLimits {
        drain: Duration::from_secs(args.drain_seconds),
        max_connections: args.max_connections,
    };
    let drained = tertial_web::serve(listener, router, shutdown, limits).await;
    // The mail worker finishes the mail it is sending (each has a timeout), then stops.
    let _ = stop_mail.send(true);
    if tokio::time::timeout(Duration::from_secs(args.drain_seconds.max(1)), worker)
        .await
        .is_err()
    {
        tracing::warn!("the mail worker was still busy at exit");
    }
    // Requests still running past the deadline hold database connections; closing waits
    // for them, so it is bounded too.
    if drained {
        store.close().await;
    } else if tokio::time::timeout(Duration::from_secs(1), store.close())
        .await
        .is_err()
    {
        tracing::warn!("database connections still busy at exit");
    }
    println!("Tertial has stopped.");
    Ok(())
}

/// Removes expired sessions, once an hour.
async fn sweep_sessions(store: Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) = store.delete_expired_sessions(jiff::Timestamp::now()).await {
            tracing::warn!(error = %e, "could not remove expired sessions");
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C. The handlers are installed when this is called, not when
/// the future is first polled, so a signal right after start-up is not missed.
#[cfg(unix)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    use tokio::signal::unix::{SignalKind, signal};
    let handler = |kind| signal(kind).map_err(|e| format!("cannot handle signals: {e}"));
    let mut term = handler(SignalKind::terminate())?;
    let mut interrupt = handler(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

async fn add_user(args: UserAddArgs) -> Result<(), String> {
    let role = Role::from_code(&args.role).map_err(|_| {
        format!(
            "unknown role {:?}: use admin, coordinator, reporter or reader",
            args.role
        )
    })?;
    let store = connect(&args.database).await?;
    let all = store.bodies().await.map_err(|e| e.to_string())?;
    let mut bodies = Vec::new();
    for wanted in &args.bodies {
        let body = all
            .iter()
            .find(|b| b.name == *wanted || b.short_name == *wanted)
            .ok_or_else(|| format!("no body named {wanted:?}"))?;
        bodies.push(body.id);
    }
    let password = match std::env::var("TERTIAL_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            eprintln!("Password (one line):");
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let id = tertial_app::users::add_user(&store, &args.email, &args.name, role, bodies, &password)
        .await
        .map_err(|e| chain(&e))?;
    println!("Added user {id}: {}", args.email.trim().to_lowercase());
    Ok(())
}

/// Indexes for search every submitted version the index lacks, and says how fast.
async fn reindex(store: &Store) -> Result<(), String> {
    let started = std::time::Instant::now();
    let (versions, answers) = store
        .index_pending(tertial_app::search::INDEX_BATCH)
        .await
        .map_err(|e| chain(&e))?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Indexed {versions} submitted versions ({answers} answers) for search in {seconds:.1} s \
         ({:.0} answers/s).",
        answers as f64 / seconds.max(0.001)
    );
    Ok(())
}

/// The password of generated accounts when TERTIAL_PASSWORD gives none.
const GENERATED_PASSWORD: &str = "tertial-demo";

async fn generate(args: GenerateArgs) -> Result<(), String> {
    use tertial_app::generate::{self, COORDINATOR, READER, Scale};
    let scale = Scale {
        bodies: args.bodies,
        questions: args.questions,
        rounds: args.rounds,
        answer_chars: args.answer_chars,
        seed: args.seed,
        accounts: args.accounts,
    };
    let password =
        std::env::var("TERTIAL_PASSWORD").unwrap_or_else(|_| GENERATED_PASSWORD.to_owned());
    let store = connect(&args.database).await?;
    let started = std::time::Instant::now();
    let generated = generate::generate(&store, &scale, &password)
        .await
        .map_err(|e| chain(&e))?
        .map_err(|refused| refused.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Generated {:?} at {} in {seconds:.1} s (seed {}).",
        generated.title, args.database.database_url, scale.seed
    );
    if !args.no_index {
        reindex(&store).await?;
    }
    store.close().await;
    let kinds: Vec<String> = generated
        .bodies
        .iter()
        .map(|(kind, n)| format!("{n} {}", kind.code()))
        .collect();
    println!(
        "{} bodies ({}), {} questions in 4 focus areas, answers of about {} characters.",
        scale.bodies,
        kinds.join(", "),
        scale.questions,
        scale.answer_chars
    );
    for round in &generated.rounds {
        println!(
            "Round {} {} ({}): {} reports, {} handed in, {} versions ({} second versions), \
             {} approved, {} returned, {} missing ({} not started, {} drafts), \
             {} not applicable answers, {} late.",
            round.period.code(),
            round.year,
            round.status.code(),
            round.reports,
            round.handed_in,
            round.versions,
            round.second_versions,
            round.approved,
            round.returned,
            round.missing(),
            round.not_started,
            round.drafts,
            round.not_applicable,
            round.late
        );
    }
    let password_source = if std::env::var("TERTIAL_PASSWORD").is_ok() {
        "from TERTIAL_PASSWORD".to_owned()
    } else {
        format!("{GENERATED_PASSWORD:?}")
    };
    println!(
        "Sign in as {COORDINATOR} (coordinator) or {READER} (reader), password {password_source}."
    );
    if scale.accounts {
        println!(
            "Reporters {} … {} sign in with the same password.",
            generate::reporter_email(0),
            generate::reporter_email(scale.bodies - 1)
        );
    }
    Ok(())
}

async fn add_bodies(args: BodyAddArgs) -> Result<(), String> {
    let kind = tertial_domain::BodyKind::from_code(&args.kind).map_err(|_| {
        format!(
            "unknown kind {:?}: use district_committee, specialist_committee or company_board",
            args.kind
        )
    })?;
    let store = connect(&args.database).await?;
    for name in &args.names {
        let name = name.trim();
        if name.is_empty() {
            return Err("a body needs a name".into());
        }
        store
            .insert_body(name, name, kind)
            .await
            .map_err(|e| format!("{name}: {}", chain(&e)))?;
    }
    println!("Added {} bodies", args.names.len());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo reads as a web form, not as the Word template it came from: its
    /// introduction is there, and no text tells anyone to click to enter text.
    #[test]
    fn the_demo_reads_as_a_web_form() {
        let data = demo::DemoData::parse(DEMO_DATA).expect("demo data");
        assert!(data.follow_up.purpose.starts_with("För att nå resultat"));
        let mut texts = vec![&data.follow_up.title, &data.follow_up.purpose];
        for question in &data.questions {
            texts.push(&question.text);
            texts.extend(question.help.as_ref());
        }
        for round in &data.rounds {
            for submission in &round.submissions {
                texts.extend(submission.answers.values());
                texts.push(&submission.other_information);
            }
        }
        for text in texts {
            let lower = text.to_lowercase();
            assert!(
                !lower.contains("klicka här") && !lower.contains("ange text"),
                "{text}"
            );
            assert!(
                !text.contains("skatteverket") && !text.contains(" ABs "),
                "{text}"
            );
        }
    }
}
