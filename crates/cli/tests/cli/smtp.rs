//! A small SMTP server for the tests, on 127.0.0.1: speaks enough SMTP for a client
//! (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), records every message it accepts, and
//! fails on demand: answers DATA with 451, or drops a connection as soon as it is made. It
//! can also speak TLS from the first byte or after STARTTLS, with a certificate issued by a
//! certificate authority of its own ([`TestCa`]).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

/// How the server secures its connections.
#[derive(Clone)]
pub enum Security {
    Plain,
    /// Offers STARTTLS and accepts mail only after it.
    Starttls(TlsAcceptor),
    /// TLS from the first byte.
    Tls(TlsAcceptor),
}

/// A certificate authority made for one test, and a certificate for 127.0.0.1 it issued.
pub struct TestCa {
    /// The authority's certificate, PEM: what a client must trust.
    pub ca_pem: String,
    acceptor: TlsAcceptor,
}

impl TestCa {
    pub fn new() -> TestCa {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().expect("CA key"))
            .expect("CA certificate");
        let key = KeyPair::generate().expect("server key");
        let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
            .expect("server params")
            .signed_by(&key, &ca)
            .expect("server certificate");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![server.der().clone(), ca.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .expect("TLS configuration");
        TestCa {
            ca_pem: ca.pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        }
    }

    pub fn starttls(&self) -> Security {
        Security::Starttls(self.acceptor.clone())
    }

    pub fn tls(&self) -> Security {
        Security::Tls(self.acceptor.clone())
    }
}

/// A message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body as sent (quoted-printable decoded by [`Received::text`]).
    pub data: String,
}

impl Received {
    /// The message decoded from quoted-printable, soft line breaks joined.
    pub fn text(&self) -> String {
        let joined = self.data.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
            {
                out.push(b);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[derive(Debug, Default)]
struct State {
    received: Vec<Received>,
    /// How many more DATA commands to refuse with 451.
    fail_data: usize,
    /// How many more connections to drop at once.
    drop_connections: usize,
    /// DATA commands refused and connections dropped so far.
    failures: usize,
}

#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        SmtpServer::start_secured(Security::Plain).await
    }

    pub async fn start_secured(security: Security) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let state = shared.clone();
                let security = security.clone();
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(
                        Duration::from_secs(30),
                        connection(socket, security, state),
                    )
                    .await;
                });
            }
        });
        SmtpServer { port, state }
    }

    /// The next `n` DATA commands are answered 451 (try again later).
    pub fn fail_data(&self, n: usize) {
        self.lock().fail_data = n;
    }

    /// The next `n` connections are closed as soon as they are made.
    pub fn drop_connections(&self, n: usize) {
        self.lock().drop_connections = n;
    }

    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    pub fn failures(&self) -> usize {
        self.lock().failures
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until the server has accepted `count` messages, or `within` has passed.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count || tokio::time::Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn connection(
    mut socket: TcpStream,
    security: Security,
    state: Arc<Mutex<State>>,
) -> std::io::Result<()> {
    {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        if s.drop_connections > 0 {
            s.drop_connections -= 1;
            s.failures += 1;
            return Ok(());
        }
    }
    match security {
        Security::Plain => {
            socket.write_all(GREETING).await?;
            session(socket, state).await
        }
        Security::Tls(acceptor) => {
            let mut socket = acceptor.accept(socket).await?;
            socket.write_all(GREETING).await?;
            socket.flush().await?;
            session(socket, state).await
        }
        Security::Starttls(acceptor) => {
            socket.write_all(GREETING).await?;
            // Until STARTTLS, nothing but EHLO, HELO and NOOP is accepted.
            let mut lines = BufReader::new(&mut socket);
            let mut line = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                let upper = line.trim_end().to_ascii_uppercase();
                let reply: &[u8] = if upper.starts_with("EHLO") {
                    b"250-test.local\r\n250 STARTTLS\r\n"
                } else if upper == "STARTTLS" {
                    b"220 Ready to start TLS\r\n"
                } else if upper == "QUIT" {
                    b"221 Bye\r\n"
                } else {
                    b"530 5.7.0 Must issue a STARTTLS command first\r\n"
                };
                lines.get_mut().write_all(reply).await?;
                match upper.as_str() {
                    "STARTTLS" => break,
                    "QUIT" => return Ok(()),
                    _ => {}
                }
            }
            drop(lines);
            session(acceptor.accept(socket).await?, state).await
        }
    }
}

const GREETING: &[u8] = b"220 test.local ESMTP\r\n";

/// The SMTP conversation after the greeting (and after TLS, if any).
async fn session(
    socket: impl AsyncRead + AsyncWrite + Unpin,
    state: Arc<Mutex<State>>,
) -> std::io::Result<()> {
    let (read, mut write) = tokio::io::split(socket);
    let mut lines = BufReader::new(read);
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-test.local\r\n250 HELP\r\n"
        } else if upper.starts_with("HELO") {
            b"250 test.local\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = command[10..].to_owned();
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(command[8..].trim_matches(['<', '>', ' ']).to_owned());
            b"250 OK\r\n"
        } else if upper == "DATA" {
            write.write_all(b"354 Go ahead\r\n").await?;
            write.flush().await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
            if s.fail_data > 0 {
                s.fail_data -= 1;
                s.failures += 1;
                b"451 4.3.0 Try again later\r\n"
            } else {
                s.received.push(Received {
                    from: from.clone(),
                    to: to.clone(),
                    data,
                });
                b"250 OK queued\r\n"
            }
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            b"250 OK\r\n"
        };
        write.write_all(reply).await?;
        write.flush().await?;
    }
}
