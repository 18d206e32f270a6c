//! The webhook receiver: one HTTP listener, one route per webhook channel. A delivery is
//! answered 202 only after it is committed to the store; every refusal has a JSON body with a
//! stable `error` code and a `message` a sender's developer can act on.
//!
//! Order of checks: size (413) → timestamp and signature (401) → JSON body and id (400) →
//! filters (202, ignored and counted) → mapping verdict and commit (202).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use jiff::Timestamp;
use secrecy::ExposeSecret;
use serde_json::json;
use tokio::sync::Notify;
use tracing::{debug, info, warn};

use crate::channel::{reference_ids, Mappers};
use crate::config::{ChannelKind, Config, WebhookConfig};
use crate::domain::{ChannelName, RecordKey};
use crate::mapping::declarative::{content_hash_decl, failed_filter};
use crate::shutdown::Shutdown;
use crate::store::{Intake, IntakeOutcome, Store};
use crate::wire::webhook::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// Per-channel counts of this process (the ignored count is also kept in the store).
#[derive(Debug, Default)]
pub struct WebhookStats {
    pub new: AtomicU64,
    pub duplicate: AtomicU64,
    pub updated: AtomicU64,
    pub edited_after_forward: AtomicU64,
    pub held: AtomicU64,
    pub ignored: AtomicU64,
    pub unauthorized: AtomicU64,
    pub too_large: AtomicU64,
    pub bad_request: AtomicU64,
}

/// Store counter name of a channel's ignored deliveries.
pub fn ignored_counter(channel: &ChannelName) -> String {
    format!("{channel}.ignored")
}

struct Route {
    channel: ChannelName,
    cfg: WebhookConfig,
    stats: Arc<WebhookStats>,
}

struct Shared {
    store: Store,
    wake: Option<Arc<Notify>>,
    commits: std::sync::mpsc::Sender<Job>,
}

/// A delivery waiting for its commit.
struct Job {
    key: RecordKey,
    raw: serde_json::Value,
    content_hash: String,
    reply: tokio::sync::oneshot::Sender<Result<(IntakeOutcome, bool), String>>,
}

/// Deliveries waiting at the same moment are committed in one transaction (group commit): one
/// fsync for all of them instead of one each, which keeps the tail latency low under load.
/// Each is answered only after that transaction committed.
const MAX_BATCH: usize = 128;

/// How long the cached LAPOR! reference ids are used before being read from the store again.
const REFERENCE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

fn committer(store: Store, mappers: Mappers, jobs: std::sync::mpsc::Receiver<Job>) {
    let mut reference: Option<(std::time::Instant, crate::mapping::ReferenceIds)> = None;
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let now = Timestamp::now();
        if reference
            .as_ref()
            .is_none_or(|(at, _)| at.elapsed() > REFERENCE_TTL)
        {
            match reference_ids(&store) {
                Ok(r) => reference = Some((std::time::Instant::now(), r)),
                Err(e) => warn!(error = %e, "LAPOR! reference ids not read; mapping without them"),
            }
        }
        let empty = crate::mapping::ReferenceIds::default();
        let refs = reference.as_ref().map_or(&empty, |(_, r)| r);
        let items: Vec<Intake<'_>> = batch
            .iter()
            .map(|j| {
                let mapped = mappers.map(&j.key, &j.raw, refs, now);
                let reported_at = mapped
                    .as_ref()
                    .ok()
                    .and_then(|m| crate::mapping::validate::parse_rfc3339(&m.payload.waktu_lapor))
                    .map(|(t, _)| t);
                Intake {
                    key: &j.key,
                    raw: j.raw.to_string(),
                    content_hash: j.content_hash.clone(),
                    reported_at,
                    mapping: mapped.map(|m| m.notes),
                }
            })
            .collect();
        let held: Vec<bool> = items.iter().map(|i| i.mapping.is_err()).collect();
        let result = store.intake(&items, None, now);
        drop(items);
        match result {
            Ok(outcomes) => {
                for ((job, outcome), held) in batch.into_iter().zip(outcomes).zip(held) {
                    let _ = job.reply.send(Ok((outcome, held)));
                }
            }
            Err(e) => {
                let msg = e.to_string();
                for job in batch {
                    let _ = job.reply.send(Err(msg.clone()));
                }
            }
        }
    }
}

pub struct WebhookReceiver {
    listener: Mutex<Option<std::net::TcpListener>>,
    addr: SocketAddr,
    router: Router,
    limits: crate::config::ListenerLimits,
    stats: BTreeMap<ChannelName, Arc<WebhookStats>>,
}

impl WebhookReceiver {
    /// Binds the configured listener when the configuration has webhook channels; `None`
    /// when it has none.
    pub fn bind(
        cfg: &Config,
        store: Store,
        mappers: Mappers,
        wake: Option<Arc<Notify>>,
    ) -> std::io::Result<Option<Self>> {
        let routes: Vec<Route> = cfg
            .channels
            .iter()
            .filter_map(|c| match &c.kind {
                ChannelKind::Webhook(w) => Some(Route {
                    channel: c.name.clone(),
                    cfg: w.clone(),
                    stats: Arc::default(),
                }),
                _ => None,
            })
            .collect();
        if routes.is_empty() {
            return Ok(None);
        }
        let listener = std::net::TcpListener::bind(cfg.webhooks.listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (commits, jobs) = std::sync::mpsc::channel();
        {
            let store = store.clone();
            std::thread::Builder::new()
                .name("webhook-commit".into())
                .spawn(move || committer(store, mappers, jobs))?;
        }
        let shared = Arc::new(Shared {
            store,
            wake,
            commits,
        });
        let mut router = Router::new();
        let mut stats = BTreeMap::new();
        for r in routes {
            stats.insert(r.channel.clone(), r.stats.clone());
            let path = r.cfg.route.clone();
            let route = Arc::new(r);
            let shared = shared.clone();
            router = router.route(
                &path,
                post(move |headers: HeaderMap, body: Body| {
                    let route = route.clone();
                    let shared = shared.clone();
                    async move {
                        let start = std::time::Instant::now();
                        let answer = handle(&shared, &route, headers, body).await;
                        crate::telemetry::observe_webhook(
                            route.channel.as_str(),
                            start.elapsed().as_secs_f64(),
                        );
                        answer
                    }
                }),
            );
        }
        let router = router
            .fallback(|| async {
                error(
                StatusCode::NOT_FOUND,
                "unknown_route",
                "no webhook channel is configured at this path; check the URL given to the sender"
                    .into(),
            )
            })
            .method_not_allowed_fallback(|| async {
                error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    "deliveries are POSTed to this route".into(),
                )
            });
        Ok(Some(Self {
            listener: Mutex::new(Some(listener)),
            addr,
            router,
            limits: cfg.webhooks.limits.clone(),
            stats,
        }))
    }

    /// The bound address (useful when the configuration asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn stats(&self, channel: &ChannelName) -> Option<Arc<WebhookStats>> {
        self.stats.get(channel).cloned()
    }

    /// Serves until shutdown; deliveries in flight are finished first.
    pub async fn run(&self, mut shutdown: Shutdown) {
        let Some(std_listener) = self
            .listener
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        else {
            warn!("webhook receiver already running");
            return;
        };
        let listener = match tokio::net::TcpListener::from_std(std_listener) {
            Ok(l) => l,
            Err(e) => {
                warn!(error = %e, "webhook listener unusable");
                return;
            }
        };
        info!(addr = %self.addr, "webhook receiver listening");
        // The public listener gets most of the descriptors; the admin one the rest.
        crate::runtime::listener::serve(
            "webhooks",
            listener,
            self.router.clone(),
            &self.limits,
            0.75,
            async move {
                shutdown.recv().await;
            },
        )
        .await;
    }
}

/// Whether reading the body failed because the sender paused too long (the listener's body
/// timeout) rather than because it was too large.
fn is_body_timeout(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        source = s.source();
    }
    false
}

fn error(status: StatusCode, code: &str, message: String) -> Response {
    (status, Json(json!({"error": code, "message": message}))).into_response()
}

async fn handle(shared: &Shared, route: &Route, headers: HeaderMap, body: Body) -> Response {
    let limit = route.cfg.max_body_bytes;
    let too_large = || {
        route.stats.too_large.fetch_add(1, Ordering::Relaxed);
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the body is over {limit} bytes; send one ticket or post per delivery, with media as URLs"),
        )
    };
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large();
    }
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(e) if is_body_timeout(&e) => {
            route.stats.bad_request.fetch_add(1, Ordering::Relaxed);
            return error(
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                "the body stopped arriving (webhooks.body_timeout_secs); send it again".into(),
            );
        }
        Err(_) => return too_large(),
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let now = Timestamp::now().as_second();
    if let Err(e) = webhook::verify(
        route.cfg.secret.expose_secret().as_bytes(),
        header(TIMESTAMP_HEADER),
        header(SIGNATURE_HEADER),
        &bytes,
        now,
        route.cfg.max_skew.as_secs(),
    ) {
        route.stats.unauthorized.fetch_add(1, Ordering::Relaxed);
        debug!(channel = %route.channel, reason = e.reason(), "webhook delivery refused");
        return error(StatusCode::UNAUTHORIZED, e.reason(), e.to_string());
    }
    let (raw, local_id) = match webhook::parse_body(&bytes, &route.cfg.id) {
        Ok(v) => v,
        Err(e) => {
            route.stats.bad_request.fetch_add(1, Ordering::Relaxed);
            return error(StatusCode::BAD_REQUEST, e.reason, e.message);
        }
    };
    if let Some(f) = failed_filter(&raw, &route.cfg.filters) {
        route.stats.ignored.fetch_add(1, Ordering::Relaxed);
        let store = shared.store.clone();
        let name = ignored_counter(&route.channel);
        let counted = tokio::task::spawn_blocking(move || store.bump_counter(&name, 1)).await;
        if !matches!(counted, Ok(Ok(_))) {
            warn!(channel = %route.channel, "could not count an ignored delivery");
        }
        return (
            StatusCode::ACCEPTED,
            Json(json!({
                "status": "ignored",
                "message": format!("{} does not start with {:?}: not a complaint for SP4N-LAPOR!, not forwarded", f.path, f.prefix),
            })),
        )
            .into_response();
    }

    let mut raw = raw;
    crate::mapping::minimise::declarative(&route.cfg.mapping, &mut raw);
    let key = RecordKey::new(route.channel.clone(), local_id);
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job = Job {
        key: key.clone(),
        content_hash: content_hash_decl(&route.cfg.mapping, &raw),
        raw,
        reply,
    };
    let committed = match shared.commits.send(job) {
        Ok(()) => answer.await,
        Err(_) => Ok(Err("the commit thread has stopped".to_owned())),
    };
    let (outcome, held) = match committed {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            warn!(channel = %route.channel, error = %e, "webhook delivery not committed");
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_stored",
                "the delivery could not be stored; send it again later (it is not accepted)".into(),
            );
        }
        Err(_) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "not_stored",
                "the delivery could not be stored; send it again later (it is not accepted)".into(),
            )
        }
    };
    let s = &route.stats;
    let word = match outcome {
        IntakeOutcome::New => {
            s.new.fetch_add(1, Ordering::Relaxed);
            "new"
        }
        IntakeOutcome::Unchanged => {
            s.duplicate.fetch_add(1, Ordering::Relaxed);
            "duplicate"
        }
        IntakeOutcome::Updated => {
            s.updated.fetch_add(1, Ordering::Relaxed);
            "updated"
        }
        IntakeOutcome::EditedAfterForward => {
            s.edited_after_forward.fetch_add(1, Ordering::Relaxed);
            "edit_recorded"
        }
        IntakeOutcome::Requeued => "requeued",
    };
    if held && matches!(outcome, IntakeOutcome::New | IntakeOutcome::Updated) {
        s.held.fetch_add(1, Ordering::Relaxed);
    }
    if matches!(
        outcome,
        IntakeOutcome::New | IntakeOutcome::Updated | IntakeOutcome::Requeued
    ) {
        if let Some(w) = &shared.wake {
            w.notify_one();
        }
    }
    (
        StatusCode::ACCEPTED,
        Json(json!({"status": "accepted", "id": key.to_string(), "outcome": word})),
    )
        .into_response()
}
