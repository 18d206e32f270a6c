//! A tiny HTTP/1 accept loop shared by both mocks.
//!
//! axum::serve would do for the happy path, but the LAPOR! mock must be able to drop a
//! connection in the middle of a request with no response at all (the "created, then
//! the connection reset" fault). So each connection gets a kill switch that handlers can
//! reach through a request extension.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

/// A running mock: its shared state `S` and the server answering over it. The SAMBAT,
/// 112 and desk mocks are this type with their own state (`SambatMock`, `Call112Mock`,
/// `DeskMock`); each adds its own `start` and accessors in an `impl` for its `S`.
pub struct MockServer<S> {
    pub(crate) shared: S,
    server: Option<Server>,
}

impl<S: Clone> MockServer<S> {
    /// Serves `router(shared)` on `addr` (port 0: an ephemeral one).
    pub(crate) async fn bind(
        addr: SocketAddr,
        shared: S,
        router: impl FnOnce(S) -> Router,
    ) -> std::io::Result<MockServer<S>> {
        let server = Server::bind(addr, router(shared.clone())).await?;
        Ok(MockServer {
            shared,
            server: Some(server),
        })
    }
}

impl<S> MockServer<S> {
    pub fn addr(&self) -> SocketAddr {
        self.server.as_ref().expect("running").addr()
    }

    /// "http://127.0.0.1:PORT": SAMBAT's paths start with /api, 112's with /tickets,
    /// the desk's endpoint is /replies.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr())
    }

    pub async fn shutdown(mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
    }
}

/// An ephemeral loopback port, where a mock's `start` binds.
pub(crate) fn loopback_any() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// Request extension: pulling it closes the current connection without answering.
#[derive(Clone)]
pub(crate) struct ConnKill(Arc<Notify>);

impl ConnKill {
    /// Drops the connection this request came in on. The caller should then never
    /// complete (await `std::future::pending()`), so no response bytes are written.
    pub(crate) fn kill(&self) {
        // notify_one keeps a permit if the connection task is not waiting yet.
        self.0.notify_one();
    }
}

/// A running server: stop it with [`Server::stop`]; dropping it stops it too.
pub(crate) struct Server {
    addr: SocketAddr,
    stop_tx: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    pub(crate) async fn bind(addr: SocketAddr, router: Router) -> std::io::Result<Server> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop_tx, stop_rx) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, router, stop_rx));
        Ok(Server {
            addr,
            stop_tx,
            task: Some(task),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub(crate) async fn stop(mut self) {
        let _ = self.stop_tx.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop_tx.send(true);
    }
}

async fn accept_loop(listener: TcpListener, router: Router, mut stop_rx: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop_rx.changed() => break,
            // Reap finished connection tasks so the set does not grow forever.
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                conns.spawn(serve_conn(stream, router.clone()));
            }
        }
    }
    // A mock that is shut down should look dead to its clients at once.
    conns.abort_all();
    while conns.join_next().await.is_some() {}
}

async fn serve_conn(stream: tokio::net::TcpStream, router: Router) {
    let kill = Arc::new(Notify::new());
    let conn_kill = ConnKill(kill.clone());
    let svc = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(conn_kill.clone());
        let router = router.clone();
        async move { Ok::<_, Infallible>(router.oneshot(req).await.unwrap_or_else(|e| match e {})) }
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
    tokio::select! {
        _ = conn => {}
        // Dropping the connection future closes the socket with nothing written.
        _ = kill.notified() => {}
    }
}
