//! The accept loop both HTTP listeners (webhooks and admin) share, in place of `axum::serve`,
//! which reads headers and bodies without a deadline and holds every connection it accepts:
//! a few hundred connections that never finish their headers used up the file descriptors
//! and every real request timed out.
//!
//! Here hyper closes a connection that does not deliver complete headers within
//! `header_timeout` (its timer starts whenever the connection waits for a request, so idle
//! keep-alive connections go too); tower-http fails a body that pauses longer than
//! `body_timeout`; at most `max_connections` are held (also bounded by RLIMIT_NOFILE). When
//! that many are held, the oldest one with no request in flight is closed to make room, since
//! it is the likeliest to be a stalled client; when all have requests in flight the new one
//! is answered 503 and closed at once, so its descriptor is freed. On shutdown no new
//! connection is accepted, idle ones are closed and requests in flight finish.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use nix::errno::Errno;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tracing::{debug, info, warn};

use crate::config::ListenerLimits;

/// Descriptors kept out of the listeners' share: the store and its WAL, the log, the
/// outgoing HTTP clients' pools, the listeners themselves.
const RESERVED_FDS: u64 = 64;
/// How long a failing `accept` (out of descriptors) waits before the next try: long enough
/// not to spin, short enough that a freed descriptor is used soon.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// How long the accept loop waits for an evicted idle connection to let go of its slot.
const EVICT_WAIT: Duration = Duration::from_millis(200);
/// At most one warning per this long about refused connections.
const REFUSAL_WARN_EVERY: Duration = Duration::from_secs(10);
/// The answer to a connection over the cap; written without waiting, the socket then closed.
const REFUSAL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\nretry-after: 1\r\n\r\n";

/// Raises the soft RLIMIT_NOFILE to the hard one (systemd's default soft limit is 1024 whatever
/// `LimitNOFILE=` allows); returns the soft limit in force.
pub fn raise_fd_limit() -> Option<u64> {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (soft, hard) = getrlimit(Resource::RLIMIT_NOFILE).ok()?;
    if soft < hard && setrlimit(Resource::RLIMIT_NOFILE, hard, hard).is_ok() {
        return Some(hard);
    }
    Some(soft)
}

/// `configured`, lowered so that this listener's `share` (a fraction) of the descriptors left
/// after [`RESERVED_FDS`] is not exceeded: past that, `accept` would fail for everyone.
pub fn effective_max_connections(configured: usize, share: f64) -> usize {
    use nix::sys::resource::{getrlimit, Resource};
    let Ok((soft, _)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return configured.max(1);
    };
    let budget = (soft.saturating_sub(RESERVED_FDS) as f64 * share) as usize;
    configured.min(budget).max(1)
}

/// One held connection, as the accept loop sees it.
struct Conn {
    /// Requests dispatched and not yet answered to the end (the response body included).
    busy: AtomicUsize,
    /// Asks the connection to close if it is still idle.
    evict: Notify,
    /// Set while an eviction is pending, so that the next round picks other connections.
    evicting: AtomicBool,
}

/// Held connections by accept order, the oldest first.
#[derive(Default)]
struct Registry(Mutex<BTreeMap<u64, Arc<Conn>>>);

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Conn>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Asks up to `n` of the oldest idle connections to close; returns how many were asked
    /// (0 when every one has a request in flight or is already closing).
    fn evict_oldest_idle(&self, n: usize) -> usize {
        let conns = self.lock();
        let mut asked = 0;
        for c in conns.values() {
            if asked == n {
                break;
            }
            if c.busy.load(Ordering::Acquire) == 0 && !c.evicting.swap(true, Ordering::AcqRel) {
                c.evict.notify_one();
                asked += 1;
            }
        }
        asked
    }
}

/// Counts a request as in flight while it lives; kept in the response body so that a
/// connection is not closed as idle while its answer is still being written.
struct Busy(Arc<Conn>);

impl Busy {
    fn enter(conn: &Arc<Conn>) -> Self {
        conn.busy.fetch_add(1, Ordering::AcqRel);
        Busy(conn.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

struct GuardedBody {
    inner: Body,
    _busy: Busy,
}

impl http_body::Body for GuardedBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Serves `router` on `listener` under `limits` until `shutdown` completes, then waits for
/// the requests in flight. `name` names the listener in the log; `share` is its fraction of
/// the process's descriptors (see [`effective_max_connections`]).
pub async fn serve(
    name: &'static str,
    listener: TcpListener,
    router: Router,
    limits: &ListenerLimits,
    share: f64,
    shutdown: impl Future<Output = ()>,
) {
    let max = effective_max_connections(limits.max_connections, share);
    if max < limits.max_connections {
        warn!(
            listener = name,
            configured = limits.max_connections,
            max_connections = max,
            "max_connections lowered to fit the open-file limit (RLIMIT_NOFILE); raise LimitNOFILE= to hold more"
        );
    } else {
        debug!(listener = name, max_connections = max, "connection cap");
    }
    let app = router.layer(RequestBodyTimeoutLayer::new(limits.body_timeout));
    let slots = Arc::new(Semaphore::new(max));
    let registry = Arc::new(Registry::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut refused: u64 = 0;
    let mut last_warning: Option<Instant> = None;
    let mut next_id: u64 = 0;
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(e) => {
                    accept_failed(name, &e, &registry, eviction_batch(max)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let permit = match slots.clone().try_acquire_owned() {
            Ok(p) => Some(p),
            Err(_) => make_room(&registry, &slots, eviction_batch(max)).await,
        };
        let Some(permit) = permit else {
            refuse(stream);
            refused += 1;
            if last_warning.is_none_or(|t| t.elapsed() >= REFUSAL_WARN_EVERY) {
                last_warning = Some(Instant::now());
                warn!(
                    listener = name,
                    max_connections = max,
                    refused,
                    "connection refused: every connection slot has a request in flight"
                );
            }
            continue;
        };
        next_id += 1;
        spawn_connection(
            next_id,
            stream,
            permit,
            app.clone(),
            limits,
            registry.clone(),
            stop_rx.clone(),
        );
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection task holds a slot until it ends: all slots back means all finished.
    let _ = slots.acquire_many(max as u32).await;
    info!(listener = name, "listener stopped");
}

/// How many idle connections one eviction round closes: several at once, so that under a
/// flood of stalled connections the following accepts find a free slot without waiting.
fn eviction_batch(max: usize) -> usize {
    (max / 16).max(1)
}

/// Out of descriptors (or memory): close idle connections and wait a moment rather than
/// retrying at once in a tight loop. Other errors concern one connection only.
async fn accept_failed(name: &str, e: &std::io::Error, registry: &Registry, batch: usize) {
    let errno = e.raw_os_error().map(Errno::from_raw);
    if matches!(
        errno,
        Some(Errno::EMFILE | Errno::ENFILE | Errno::ENOBUFS | Errno::ENOMEM)
    ) {
        warn!(listener = name, error = %e, "accept error; closing an idle connection and backing off");
        registry.evict_oldest_idle(batch);
        tokio::time::sleep(ACCEPT_BACKOFF).await;
    } else {
        debug!(listener = name, error = %e, "accept error");
    }
}

/// All slots are taken: asks the oldest idle connections to close and waits for a slot.
/// Earlier evictions may still be under way: their slots count too.
async fn make_room(
    registry: &Registry,
    slots: &Arc<Semaphore>,
    batch: usize,
) -> Option<OwnedSemaphorePermit> {
    let closing = registry
        .lock()
        .values()
        .any(|c| c.evicting.load(Ordering::Acquire));
    if registry.evict_oldest_idle(batch) == 0 && !closing {
        return None;
    }
    match tokio::time::timeout(EVICT_WAIT, slots.clone().acquire_owned()).await {
        Ok(Ok(p)) => Some(p),
        _ => None,
    }
}

fn refuse(stream: TcpStream) {
    // Best effort and without waiting: the point is to free the descriptor now.
    let _ = stream.try_write(REFUSAL);
    drop(stream);
}

fn spawn_connection(
    id: u64,
    stream: TcpStream,
    permit: OwnedSemaphorePermit,
    app: Router,
    limits: &ListenerLimits,
    registry: Arc<Registry>,
    mut stop: watch::Receiver<bool>,
) {
    let conn = Arc::new(Conn {
        busy: AtomicUsize::new(0),
        evict: Notify::new(),
        evicting: AtomicBool::new(false),
    });
    registry.lock().insert(id, conn.clone());
    let service = {
        let conn = conn.clone();
        hyper::service::service_fn(move |req: Request<Incoming>| {
            let busy = Busy::enter(&conn);
            let answer = app.clone().oneshot(req.map(Body::new));
            async move {
                let response = answer.await.unwrap_or_else(|e: Infallible| match e {});
                Ok::<_, Infallible>(
                    response.map(|inner| Body::new(GuardedBody { inner, _busy: busy })),
                )
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let served = builder.serve_connection(TokioIo::new(stream), service);
    tokio::spawn(async move {
        let _permit = permit;
        let mut served = std::pin::pin!(served);
        let mut stopping = false;
        loop {
            tokio::select! {
                result = served.as_mut() => {
                    if let Err(e) = result {
                        debug!(error = %e, "connection ended with an error");
                    }
                    break;
                }
                _ = stop.changed(), if !stopping => {
                    stopping = true;
                    if conn.busy.load(Ordering::Acquire) == 0 {
                        break;
                    }
                    served.as_mut().graceful_shutdown();
                }
                _ = conn.evict.notified() => {
                    // Checked here, where the connection is not being polled: no request can
                    // start between the check and the close.
                    if conn.busy.load(Ordering::Acquire) == 0 {
                        debug!("idle connection closed to make room for a new one");
                        break;
                    }
                    conn.evicting.store(false, Ordering::Release);
                }
            }
        }
        registry.lock().remove(&id);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_descriptors_for_the_rest_of_the_process() {
        use nix::sys::resource::{getrlimit, Resource};
        let (soft, _) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
        let budget = soft.saturating_sub(RESERVED_FDS) as usize;
        assert!(effective_max_connections(usize::MAX, 0.75) <= budget.max(1));
        assert_eq!(
            effective_max_connections(2, 0.25),
            2.min((budget / 4).max(1))
        );
        assert!(effective_max_connections(0, 0.25) >= 1);
    }
}
