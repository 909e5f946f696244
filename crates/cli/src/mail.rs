//! The mail worker of `tertial serve`: runs the reminder job and sends the outbox over SMTP
//! (lettre, tokio, rustls). Without `--smtp-host` nothing is sent: mail stays in the outbox,
//! readable under Utskick.
//!
//! Each mail is claimed with a lease, sent in its own SMTP transaction, and marked sent as
//! soon as the server accepts it, so a mail is never sent twice unless the process dies in
//! the moment between the server's acceptance and that mark. A failure is noted with its
//! error and tried again after a back-off.

use std::time::Duration;

use clap::{Args, ValueEnum};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tertial_app::{App, ClaimedMail, chain};
use tokio::sync::watch;

/// How an SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Security {
    /// Plain text (only for a relay on the same machine or a trusted network).
    None,
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Debug, Args)]
pub struct MailArgs {
    /// The SMTP server to send mail through. Without it, mail stays in the outbox (Utskick).
    #[arg(long, env = "TERTIAL_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// The SMTP server's port; by default 25, 587 or 465 after --smtp-security.
    #[arg(long, env = "TERTIAL_SMTP_PORT")]
    pub smtp_port: Option<u16>,
    /// none, starttls or tls.
    #[arg(long, env = "TERTIAL_SMTP_SECURITY", value_enum, default_value_t = Security::Starttls)]
    pub smtp_security: Security,
    /// A PEM file with the certificate of a certificate authority to trust for the SMTP
    /// server besides the public ones: for a relay whose certificate the organisation issued
    /// itself.
    #[arg(long, env = "TERTIAL_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<std::path::PathBuf>,
    /// The SMTP user name, if the server asks for one.
    #[arg(long, env = "TERTIAL_SMTP_USER")]
    pub smtp_user: Option<String>,
    /// The SMTP password (prefer the environment variable to the command line).
    #[arg(long, env = "TERTIAL_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// The sender of Tertial's mail, e.g. "Tertial <tertial@kommun.se>".
    #[arg(
        long,
        env = "TERTIAL_MAIL_FROM",
        default_value = "Tertial <tertial@localhost>"
    )]
    pub mail_from: String,
    /// Tertial's address as its users reach it, for the links in mail.
    #[arg(
        long,
        env = "TERTIAL_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,
    /// Days before a round's deadline on which reporters who have not submitted are
    /// reminded, comma-separated.
    #[arg(
        long,
        env = "TERTIAL_REMINDER_DAYS",
        default_value = "7,1",
        value_delimiter = ','
    )]
    pub reminder_days: Vec<i64>,
    /// How often the mail worker looks for due reminders and mail to send, in milliseconds.
    #[arg(long, env = "TERTIAL_MAIL_INTERVAL_MS", default_value_t = 10_000)]
    pub mail_interval_ms: u64,
    /// How long to wait after a mail's first failed attempt, in milliseconds; the wait
    /// doubles with each further failure, up to an hour.
    #[arg(long, env = "TERTIAL_MAIL_RETRY_MS", default_value_t = 30_000)]
    pub mail_retry_ms: u64,
    /// How often the reminder job runs, in milliseconds.
    #[arg(long, env = "TERTIAL_REMINDER_INTERVAL_MS", default_value_t = 15 * 60 * 1000)]
    pub reminder_interval_ms: u64,
}

impl MailArgs {
    /// Refuses settings that cannot work, at start rather than at the first mail.
    pub fn check(&self) -> Result<(), String> {
        if let Some(day) = self.reminder_days.iter().find(|d| **d < 0) {
            return Err(format!(
                "--reminder-days: {day} is before the deadline's day"
            ));
        }
        self.from()?;
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return Err(format!(
                "--public-url {:?} must start with http:// or https://",
                self.public_url
            ));
        }
        if self.smtp_host.is_some() {
            self.transport()?;
        }
        Ok(())
    }

    fn from(&self) -> Result<Mailbox, String> {
        self.mail_from
            .parse()
            .map_err(|e| format!("--mail-from {:?}: {e}", self.mail_from))
    }

    fn transport(&self) -> Result<Option<AsyncSmtpTransport<Tokio1Executor>>, String> {
        let Some(host) = &self.smtp_host else {
            return Ok(None);
        };
        let bad = |e: lettre::transport::smtp::Error| format!("--smtp-host {host:?}: {e}");
        let tls = || -> Result<TlsParameters, String> {
            let mut tls = TlsParameters::builder(host.clone());
            if let Some(path) = &self.smtp_ca_file {
                let pem = std::fs::read(path)
                    .map_err(|e| format!("--smtp-ca-file {}: {e}", path.display()))?;
                let ca = Certificate::from_pem(&pem)
                    .map_err(|e| format!("--smtp-ca-file {}: {e}", path.display()))?;
                tls = tls.add_root_certificate(ca);
            }
            tls.build_rustls().map_err(bad)
        };
        let (tls, port) = match self.smtp_security {
            Security::None => (Tls::None, 25),
            // Required: a server that does not offer STARTTLS gets no mail in plain text.
            Security::Starttls => (Tls::Required(tls()?), 587),
            Security::Tls => (Tls::Wrapper(tls()?), 465),
        };
        let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).tls(tls);
        let mut builder = builder
            .port(self.smtp_port.unwrap_or(port))
            .timeout(Some(SMTP_TIMEOUT));
        if let Some(user) = &self.smtp_user {
            let password = self.smtp_password.clone().unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(Some(builder.build()))
    }
}

/// Every SMTP command's longest wait.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// A whole mail's longest send; the lease outlasts it, so no other worker takes the mail
/// over while it is being sent.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);
const LEASE: jiff::SignedDuration = jiff::SignedDuration::from_mins(3);
/// How long an accepted mail's "sent" is retried: well inside the lease.
const MARK_SENT_PATIENCE: Duration = Duration::from_secs(90);

/// The worker: what it needs, and the signal that stops it.
pub struct Worker {
    app: App,
    name: String,
    from: Mailbox,
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    interval: Duration,
    stop: watch::Receiver<bool>,
}

impl Worker {
    pub fn new(app: App, args: &MailArgs, stop: watch::Receiver<bool>) -> Result<Worker, String> {
        let nonce = jiff::Timestamp::now().as_nanosecond();
        Ok(Worker {
            app,
            name: format!("{}-{nonce}", std::process::id()),
            from: args.from()?,
            transport: args.transport()?,
            interval: Duration::from_millis(args.mail_interval_ms.max(10)),
            stop,
        })
    }

    fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Runs until told to stop; a mail being sent is finished first (within its timeout).
    pub async fn run(mut self) {
        if self.transport.is_none() {
            tracing::info!("no --smtp-host: mail stays in the outbox (Utskick)");
        }
        loop {
            match self.app.run_reminders(&self.name).await {
                Ok(Some(queued)) if queued > 0 => tracing::info!(queued, "reminders queued"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %chain(&e), "the reminder job failed"),
            }
            if self.transport.is_some() {
                self.send_due().await;
            }
            if self.stopping() {
                break;
            }
            tokio::select! {
                _ = tokio::time::sleep(self.interval) => {}
                _ = self.stop.changed() => {}
            }
            if self.stopping() {
                break;
            }
        }
    }

    /// Sends every mail that is due, one at a time.
    async fn send_due(&self) {
        while !self.stopping() {
            let mail = match self.app.claim_mail(&self.name, LEASE).await {
                Ok(Some(mail)) => mail,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(error = %chain(&e), "could not claim mail");
                    return;
                }
            };
            match self.send(&mail).await {
                Ok(()) => self.mark_sent(&mail).await,
                Err(error) => {
                    tracing::warn!(mail = %mail.id, attempt = mail.attempt, %error, "mail not sent");
                    if let Err(e) = self.app.mail_failed(&mail, &self.name, &error).await {
                        tracing::warn!(error = %chain(&e), "could not note a failed mail");
                    }
                }
            }
        }
    }

    /// Marks an accepted mail sent, trying again while the database is unavailable: until
    /// the lease ends no other worker takes the mail, so it is not sent twice unless the
    /// database stays away longer than that.
    async fn mark_sent(&self, mail: &ClaimedMail) {
        let started = tokio::time::Instant::now();
        loop {
            match self.app.mail_sent(mail.id).await {
                Ok(_) => return,
                Err(e) if started.elapsed() < MARK_SENT_PATIENCE => {
                    tracing::warn!(error = %chain(&e), mail = %mail.id, "mail sent; marking it sent failed, trying again");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(e) => {
                    tracing::error!(error = %chain(&e), mail = %mail.id, "mail sent but not marked sent: it may be sent again");
                    return;
                }
            }
        }
    }

    async fn send(&self, mail: &ClaimedMail) -> Result<(), String> {
        let transport = self.transport.as_ref().ok_or("no SMTP server")?;
        let to: Mailbox = mail
            .recipient
            .parse()
            .map_err(|e| format!("mottagarens adress: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(
                // Quoted-printable: Swedish text stays readable, and no server needs 8BITMIME.
                Body::new_with_encoding(
                    mail.body.clone(),
                    ContentTransferEncoding::QuotedPrintable,
                )
                .map_err(|_| "the body cannot be encoded".to_owned())?,
            )
            .map_err(|e| e.to_string())?;
        match tokio::time::timeout(SEND_TIMEOUT, transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("ingen svar inom {} s", SEND_TIMEOUT.as_secs())),
        }
    }
}
