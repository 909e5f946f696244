//! SIGTERM: the server stops taking connections, finishes the requests under way, and exits
//! by the drain deadline even when a client stalls halfway through a request.

use std::time::{Duration, Instant};

use tertial_domain::Field;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{Server, Session, open_reports, temp_dir};

const DRAIN: Duration = Duration::from_secs(2);
/// How long after the drain deadline the process may take to exit.
const MARGIN: Duration = Duration::from_secs(3);

/// With `--drain-seconds 2`: a save whose body is still arriving when SIGTERM comes is
/// finished, answered and stored; a save whose client stalls mid-body and a client that sent
/// half a request line cannot hold the server past the deadline; the server exits with
/// success, saying so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_under_way_and_does_not_wait_for_stalled_clients() {
    let dir = temp_dir("sigterm");
    let url = format!("sqlite:{}", dir.join("demo.db").display());
    let mut server = Server::start(&["demo", "--database-url", &url, "--drain-seconds", "2"]);
    let session = Session::sign_in(&server.base, "skarholmen@example.se").await;
    let [(report, before)] =
        <[_; 1]>::try_from(open_reports(&url, &["Skärholmen"]).await).expect("one report");
    let version_of = |field: &str| {
        let code = Field::parse(field).expect("field");
        before
            .iter()
            .find(|s| s.field == code)
            .map_or(0, |s| s.version)
    };
    let path = |field: &str| format!("/rapporter/{}/falt/{field}", report.0);

    // A save under way: its handler has started reading the body (the server asked for it
    // with 100 Continue) when the signal comes, and the body follows later.
    let finishing_field = "vaxla-upp-stockholm";
    let finishing_text = "Sparat medan servern stängdes";
    let finishing_body = format!(
        "text={}&version={}",
        form_encode(finishing_text),
        version_of(finishing_field)
    );
    let mut finishing = TcpStream::connect(server.address()).await.expect("connect");
    finishing
        .write_all(
            save_head(
                &server,
                &session,
                &path(finishing_field),
                finishing_body.len(),
            )
            .as_bytes(),
        )
        .await
        .expect("send headers");
    expect_continue(&mut finishing).await;

    // A save that stalls: headers, 100 Continue, then 10 of its 1000 bytes, then nothing.
    let stalled_field = "svart-ekonomi-samverkan";
    let mut stalled = TcpStream::connect(server.address()).await.expect("connect");
    stalled
        .write_all(save_head(&server, &session, &path(stalled_field), 1000).as_bytes())
        .await
        .expect("send headers");
    expect_continue(&mut stalled).await;
    stalled.write_all(b"text=stall").await.expect("send");

    // A client that sends half a request line.
    let mut half = TcpStream::connect(server.address()).await.expect("connect");
    half.write_all(b"GET /heal").await.expect("send");
    tokio::time::sleep(Duration::from_millis(100)).await;

    let signalled = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(kill.success());

    // New connections are refused soon after the signal.
    let refused = loop {
        if TcpStream::connect(server.address()).await.is_err() {
            break true;
        }
        if signalled.elapsed() > DRAIN / 2 {
            break false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(
        refused,
        "the server still accepts connections after SIGTERM"
    );

    // The save under way gets its body, and its answer.
    tokio::time::sleep(Duration::from_millis(200)).await;
    finishing
        .write_all(finishing_body.as_bytes())
        .await
        .expect("send the body after SIGTERM");
    let answer = read_to_end(&mut finishing, DRAIN).await;
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the save under way was not answered:\n{answer}"
    );
    assert!(answer.contains("\"status\":\"saved\""), "{answer}");
    let answered = signalled.elapsed();

    // The stalled client does not hold the server past the deadline.
    let exit = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            signalled.elapsed() < DRAIN + MARGIN,
            "still running {:?} after SIGTERM with --drain-seconds 2",
            signalled.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let stopped = signalled.elapsed();
    assert!(exit.success(), "exit status {exit}");
    assert!(
        stopped >= DRAIN - Duration::from_millis(100),
        "exited after {stopped:?}: it did not wait for the requests under way"
    );
    let printed = server.rest_of_stdout();
    assert!(
        printed.iter().any(|line| line == "Tertial has stopped."),
        "printed after listening: {printed:?}"
    );
    let stalled_got = read_to_end(&mut stalled, Duration::from_secs(1)).await;
    assert!(
        !stalled_got.contains("HTTP/1.1 200"),
        "the stalled save was answered as saved: {stalled_got}"
    );
    let half_got = read_to_end(&mut half, Duration::from_secs(1)).await;
    assert!(
        !half_got.contains("HTTP/1.1 200"),
        "the half request was answered: {half_got}"
    );

    // The finished save is stored; the stalled one is not.
    let [(_, after)] =
        <[_; 1]>::try_from(open_reports(&url, &["Skärholmen"]).await).expect("one report");
    let stored = |field: &str| {
        let code = Field::parse(field).expect("field");
        after.iter().find(|s| s.field == code).cloned()
    };
    let finished = stored(finishing_field).expect("the finished save is stored");
    assert_eq!(finished.value.text, finishing_text);
    assert_eq!(finished.version, version_of(finishing_field) + 1);
    assert_eq!(
        stored(stalled_field).map_or(0, |s| s.version),
        version_of(stalled_field),
        "the stalled save changed nothing"
    );
    let first_line = |got: &str| match got.lines().next() {
        Some(line) => format!("{line:?}"),
        None => "nothing".to_owned(),
    };
    println!(
        "SIGTERM with --drain-seconds 2: save under way answered after {answered:?}, \
         exited with success after {stopped:?}; the stalled save got {}, the half request \
         line {}",
        first_line(&stalled_got),
        first_line(&half_got),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The head of an autosave request written by hand, asking to be told before the body.
fn save_head(server: &Server, session: &Session, path: &str, length: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\n\
         Host: {host}\r\n\
         Cookie: {cookie}\r\n\
         x-csrf-token: {token}\r\n\
         Accept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {length}\r\n\
         Expect: 100-continue\r\n\
         \r\n",
        host = server.address(),
        cookie = session.cookie_header(),
        token = session.token,
    )
}

/// Percent-encodes a form value.
fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Waits for `HTTP/1.1 100 Continue`: the handler has started reading the body.
async fn expect_continue(stream: &mut TcpStream) {
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    let deadline = Instant::now() + Duration::from_secs(10);
    while !got.ends_with(b"\r\n\r\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        let n = tokio::time::timeout(left, stream.read(&mut buf))
            .await
            .expect("100 Continue in time")
            .expect("read");
        assert!(n > 0, "connection closed before 100 Continue");
        got.extend_from_slice(&buf[..n]);
    }
    let got = String::from_utf8_lossy(&got);
    assert!(got.starts_with("HTTP/1.1 100 Continue"), "{got}");
}

/// Reads until the server closes the connection (or it fails, or `within` passes).
async fn read_to_end(stream: &mut TcpStream, within: Duration) -> String {
    let mut got = Vec::new();
    let _ = tokio::time::timeout(within, stream.read_to_end(&mut got)).await;
    String::from_utf8_lossy(&got).into_owned()
}

/// Clients that trickle their headers cannot take every connection: at
/// `--max-connections 4`, four of them hold all four, a fifth client waits (it is not
/// dropped), and is answered as soon as one of the four goes away. The server stays up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_cannot_exhaust_the_server() {
    let dir = temp_dir("connections");
    let url = format!("sqlite:{}", dir.join("demo.db").display());
    let server = Server::start(&["demo", "--database-url", &url, "--max-connections", "4"]);
    let mut trickling = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(server.address()).await.expect("connect");
        stream.write_all(b"GET /healthz HT").await.expect("send");
        trickling.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let fifth = reqwest::Client::new().get(format!("{}/healthz", server.base));
    let waiting = tokio::spawn(async move { fifth.send().await.map(|r| r.status()) });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !waiting.is_finished(),
        "a fifth connection was served past the cap"
    );
    drop(trickling.pop());
    let status = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("answered once a connection closed")
        .expect("task")
        .expect("GET /healthz");
    assert_eq!(status, 200);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
