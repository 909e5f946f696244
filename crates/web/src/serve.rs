//! Serving the router over HTTP/1.1 with every wait a client controls bounded.
//!
//! axum's own `serve` sets no timer, so a client that sends its headers slowly, or stops
//! halfway through a request, holds its connection forever, and with it a graceful
//! shutdown. Here headers must arrive within [`HEADER_TIMEOUT`] (request bodies have their
//! own deadline, see `form`), kept-alive connections close after the same time idle, at most
//! [`ServeLimits::max_connections`] are open at once, and shutdown stops accepting, lets
//! requests under way finish, and gives up on whatever is still open after the drain
//! deadline.

use std::future::Future;
use std::net::IpAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower_service::Service;

/// How long a client may take to send a request's headers (and how long a kept-alive
/// connection may stay idle).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// The address a request came from: the peer of its connection (a proxy's, behind one).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub IpAddr);

/// How the server treats its connections.
#[derive(Debug, Clone, Copy)]
pub struct ServeLimits {
    /// After the shutdown signal, how long requests under way may take to finish.
    pub drain: Duration,
    /// Connections open at once; further clients wait in the listen queue. Keep it well
    /// under the process's file-descriptor limit (`ulimit -n`).
    pub max_connections: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            drain: Duration::from_secs(10),
            max_connections: 1000,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then drains for at most
/// `limits.drain`. Returns whether every connection finished in time.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()>,
    limits: ServeLimits,
) -> bool {
    let ServeLimits {
        drain,
        max_connections,
    } = limits;
    let open = std::sync::Arc::new(tokio::sync::Semaphore::new(max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // At the cap, stop accepting until a connection closes (clients wait in the
        // listen queue) rather than run out of file descriptors.
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(Peer(peer.ip()));
            router.clone().call(request)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!(?drain, "shutting down: finishing requests under way");
    if tokio::time::timeout(drain, graceful.shutdown())
        .await
        .is_ok()
    {
        true
    } else {
        tracing::warn!(
            ?drain,
            "connections still open after the drain deadline; stopping anyway"
        );
        false
    }
}
