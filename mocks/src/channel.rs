//! What the two write-back mocks of the pushed channels ([`crate::call112`] and
//! [`crate::desk`]) have in common: bearer auth, an outage switch, injected 5xx and
//! latency, and `Idempotency-Key` bookkeeping. Each mock keeps one [`Endpoint`] behind
//! one mutex and adds only its route, its body validation and its record type.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::server::MockServer;

/// The bridge's write-back bodies are small; anything bigger is a client bug.
const MAX_BODY: usize = 64 * 1024;

/// Faults of a channel write-back API (the 112 note API, the desk's reply API).
#[derive(Clone, Debug, Default)]
pub struct ChannelFaults {
    /// An authorized request answers 500/502/503 with this probability; nothing is
    /// recorded, so a retry is the right reaction.
    pub error_5xx_probability: f64,
    /// Added before answering every request.
    pub latency: Duration,
}

/// What a channel write-back mock has seen. `not_found` stays 0 for the desk, whose
/// replies address no stored resource.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ChannelCounters {
    /// Every request, whatever its answer.
    pub requests: u64,
    /// Write-backs stored (replays not included).
    pub recorded: u64,
    /// Requests whose `Idempotency-Key` was already recorded: answered with the first
    /// id, stored nothing. A bridge that retries after a lost answer shows up here.
    pub duplicate_deliveries: u64,
    pub unauthorized: u64,
    pub not_found: u64,
    pub bad_request: u64,
    pub injected_5xx: u64,
}

pub(crate) type Shared<R, X = ()> = Arc<Mutex<Endpoint<R, X>>>;

/// A running write-back mock ([`crate::Call112Mock`], [`crate::DeskMock`]).
pub(crate) type ChannelMock<R, X = ()> = MockServer<Shared<R, X>>;

impl<R, X> ChannelMock<R, X> {
    /// Starts a write-back mock on `addr` with the given state, serving `router`.
    pub(crate) async fn start_endpoint(
        addr: SocketAddr,
        endpoint: Endpoint<R, X>,
        router: fn(Shared<R, X>) -> Router,
    ) -> std::io::Result<ChannelMock<R, X>> {
        MockServer::bind(addr, Arc::new(Mutex::new(endpoint)), router).await
    }

    pub(crate) fn records(&self) -> Vec<R>
    where
        R: Clone,
    {
        lock(&self.shared).records.clone()
    }

    pub fn counters(&self) -> ChannelCounters {
        lock(&self.shared).counters.clone()
    }

    pub fn set_faults(&self, f: ChannelFaults) {
        lock(&self.shared).faults = f;
    }

    /// An outage: every request answers 503 until cleared.
    pub fn set_down(&self, down: bool) {
        lock(&self.shared).down = down;
    }
}

pub(crate) fn lock<R, X>(s: &Mutex<Endpoint<R, X>>) -> MutexGuard<'_, Endpoint<R, X>> {
    // A panicking handler must not take the whole mock down with a poisoned lock.
    s.lock().unwrap_or_else(|e| e.into_inner())
}

/// One write-back API's state: auth, faults, the stored records and their ids, plus
/// `ext`, whatever else one mock needs under the same lock (112: its known tickets).
/// (`pub` only because the mocks' public types name it; the module is private.)
pub struct Endpoint<R, X = ()> {
    pub ext: X,
    pub token: String,
    pub faults: ChannelFaults,
    pub down: bool,
    pub counters: ChannelCounters,
    pub records: Vec<R>,
    rng: StdRng,
    /// `Idempotency-Key` → id handed out when that key's write-back was recorded.
    ids_by_key: HashMap<String, String>,
    /// Ids are `<prefix>-<n>`, n counting from 1 like a database sequence.
    id_prefix: &'static str,
    next_id: u64,
}

impl<R, X> Endpoint<R, X> {
    pub fn new(token: String, seed: u64, id_prefix: &'static str, ext: X) -> Endpoint<R, X> {
        Endpoint {
            ext,
            token,
            faults: ChannelFaults::default(),
            down: false,
            counters: ChannelCounters::default(),
            records: Vec::new(),
            rng: StdRng::seed_from_u64(seed),
            ids_by_key: HashMap::new(),
            id_prefix,
            next_id: 1,
        }
    }

    /// The id recorded for `key` earlier, if any; counts the duplicate delivery.
    pub fn replay(&mut self, key: Option<&str>) -> Option<String> {
        let id = self.ids_by_key.get(key?)?.clone();
        self.counters.duplicate_deliveries += 1;
        Some(id)
    }

    /// Stores a write-back under a fresh id (and its key, so a retry is a replay).
    pub fn record(&mut self, key: Option<&str>, record: R) -> String {
        let id = format!("{}-{}", self.id_prefix, self.next_id);
        self.next_id += 1;
        if let Some(k) = key {
            self.ids_by_key.insert(k.to_string(), id.clone());
        }
        self.records.push(record);
        self.counters.recorded += 1;
        id
    }

    /// 400 naming the offending field, counted.
    pub fn bad_field(&mut self, field: &str, message: &str) -> Response {
        self.counters.bad_request += 1;
        let body = json!({"error": "bad_request", "field": field, "message": message});
        (StatusCode::BAD_REQUEST, Json(body)).into_response()
    }

    fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.rng.random_bool(p.min(1.0))
    }
}

pub(crate) fn error(status: StatusCode, code: &str) -> Response {
    (status, Json(json!({ "error": code }))).into_response()
}

fn unavailable() -> Response {
    let mut r = error(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable");
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(1));
    r
}

/// The checks before a handler looks at the body, in a gateway's order: latency,
/// outage, bearer token, injected 5xx. `Err` is the answer to send instead.
pub(crate) async fn admit<R, X>(
    shared: &Shared<R, X>,
    headers: &HeaderMap,
) -> Result<(), Response> {
    let latency = {
        let mut m = lock(shared);
        m.counters.requests += 1;
        m.faults.latency
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let mut m = lock(shared);
    if m.down {
        return Err(unavailable());
    }
    if bearer(headers) != Some(m.token.as_str()) {
        m.counters.unauthorized += 1;
        let mut r = error(StatusCode::UNAUTHORIZED, "unauthorized");
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return Err(r);
    }
    let p = m.faults.error_5xx_probability;
    if m.chance(p) {
        m.counters.injected_5xx += 1;
        return Err(match m.rng.random_range(0..3) {
            0 => error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
            1 => error(StatusCode::BAD_GATEWAY, "bad_gateway"),
            _ => unavailable(),
        });
    }
    Ok(())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    let k = headers.get("idempotency-key")?.to_str().ok()?.trim();
    (!k.is_empty()).then(|| k.to_string())
}

/// The body as a JSON object; `Err` is a counted 400 (field `body`).
pub(crate) async fn read_object<R, X>(
    shared: &Shared<R, X>,
    body: Body,
) -> Result<Map<String, Value>, Response> {
    let parsed = match axum::body::to_bytes(body, MAX_BODY).await {
        Err(_) => return Err(error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")),
        Ok(bytes) => serde_json::from_slice::<Value>(&bytes),
    };
    match parsed {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(lock(shared).bad_field("body", "must be a JSON object")),
    }
}

/// The first of `fields` that is not a non-empty string, with the strings in order.
pub(crate) fn required_strings<const N: usize>(
    body: &Map<String, Value>,
    fields: [&'static str; N],
) -> Result<[String; N], &'static str> {
    let mut out: [String; N] = std::array::from_fn(|_| String::new());
    for (slot, name) in out.iter_mut().zip(fields) {
        match body.get(name).and_then(Value::as_str) {
            Some(s) if !s.trim().is_empty() => *slot = s.to_string(),
            _ => return Err(name),
        }
    }
    Ok(out)
}

/// A write-back mock's whole router: its one `route` (`handler`, over the shared state), the
/// admin routes with its records under `records_path`, and a JSON 404 for anything else.
pub(crate) fn router<R, X>(
    shared: Shared<R, X>,
    route: &str,
    handler: MethodRouter<Shared<R, X>>,
    records_path: &str,
) -> Router
where
    R: Clone + Serialize + Send + 'static,
    X: Send + 'static,
{
    Router::new()
        .route(route, handler)
        .with_state(shared.clone())
        .merge(admin_router(shared, records_path))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found") })
}

/// `/_mock/counters` and `/_mock/<records>`: what the mock saw, for an operator running
/// it as a process. Not part of any channel contract; no auth.
pub(crate) fn admin_router<R, X>(shared: Shared<R, X>, records_path: &str) -> Router
where
    R: Clone + Serialize + Send + 'static,
    X: Send + 'static,
{
    Router::new()
        .route(
            "/_mock/counters",
            get(|State(s): State<Shared<R, X>>| async move { Json(lock(&s).counters.clone()) }),
        )
        .route(
            records_path,
            get(|State(s): State<Shared<R, X>>| async move { Json(lock(&s).records.clone()) }),
        )
        .with_state(shared)
}
