//! The `/api/v1` endpoints of the LAPOR! contract.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::faults::{error, gate};
use super::state::Shared;
use super::validate::validate;
use super::API_PREFIX;
use crate::server::ConnKill;

/// Bodies over this many bytes answer 413.
pub const MAX_BODY: usize = 1 << 20;

pub fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/auth/token", post(auth_token))
        .route("/laporan", post(create).get(find_by_id_eksternal))
        .route("/laporan/{tracking_id}", get(lookup))
        .route("/pembaruan", get(feed))
        .route("/kategori", get(kategori))
        .route("/instansi", get(instansi))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found") })
        .layer(from_fn_with_state(shared.clone(), gate))
        .with_state(shared.clone());
    Router::new()
        .nest(API_PREFIX, api)
        .merge(super::admin::router(shared))
}

async fn read_json(body: Body) -> Result<Value, Response> {
    let bytes: Bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"))?;
    serde_json::from_slice(&bytes).map_err(|_| error(StatusCode::BAD_REQUEST, "malformed_json"))
}

async fn auth_token(State(shared): State<Arc<Shared>>, body: Body) -> Response {
    let v = match read_json(body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut m = shared.lock();
    let ok = v["client_id"].as_str() == Some(m.cfg.client_id.as_str())
        && v["client_secret"].as_str() == Some(m.cfg.client_secret.as_str());
    if !ok {
        m.counters.unauthorized += 1;
        return error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let token = m.issue_token();
    Json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": m.cfg.token_ttl.as_secs(),
    }))
    .into_response()
}

/// Key-sorted JSON, so that two bodies that differ only in key order are the same body
/// (serde_json may be built with `preserve_order` by another crate in the workspace).
fn canonical(v: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(o) => {
                let mut keys: Vec<&String> = o.keys().collect();
                keys.sort();
                let mut out = serde_json::Map::new();
                for k in keys {
                    out.insert(k.clone(), sorted(&o[k]));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(v).to_string()
}

async fn create(
    State(shared): State<Arc<Shared>>,
    kill: Option<Extension<ConnKill>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    shared.lock().counters.create_requests += 1;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| (1..=200).contains(&k.chars().count()))
        .map(str::to_string);
    let Some(key) = key else {
        return error(StatusCode::BAD_REQUEST, "invalid_idempotency_key");
    };
    let body = match read_json(body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let canon = canonical(&body);
    let (response, reset) = decide(&shared, &key, body, canon);
    if reset {
        if let Some(Extension(kill)) = kill {
            kill.kill();
            // Never answer: the connection task drops this future with the socket.
            std::future::pending::<()>().await;
        }
    }
    response
}

/// The synchronous part of a create; the bool asks for the connection to be dropped.
fn decide(shared: &Shared, key: &str, body: Value, canon: String) -> (Response, bool) {
    let mut guard = shared.lock();
    // Reborrow so that disjoint fields can be borrowed at once.
    let m = &mut *guard;
    if let Some(&idx) = m.by_key.get(key) {
        let stored = &m.complaints[idx];
        if stored.canonical == canon {
            let mut r = Json(stored.created_response.clone()).into_response();
            r.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            m.counters.replayed += 1;
            return (r, false);
        }
        let tracking_id = stored.c.tracking_id.clone();
        m.counters.conflicts += 1;
        return (conflict(&tracking_id), false);
    }
    let now = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(m.clock_offset_secs);
    if let Err(detail) = validate(&body, &m.cfg.kategori, &m.cfg.instansi, now) {
        m.counters.validation_failed += 1;
        let r = Json(json!({"error": "validation_failed", "detail": detail}));
        return ((StatusCode::UNPROCESSABLE_ENTITY, r).into_response(), false);
    }
    let instansi_id = body["instansi_id"].as_i64().unwrap_or_default();
    if m.cfg.forbidden_instansi.contains(&instansi_id) {
        return (error(StatusCode::FORBIDDEN, "forbidden"), false);
    }
    let ext = body["id_eksternal"].as_str().unwrap_or_default();
    if let Some(&idx) = m.by_ext.get(ext) {
        let tracking_id = m.complaints[idx].c.tracking_id.clone();
        m.counters.conflicts += 1;
        return (conflict(&tracking_id), false);
    }
    let created = m.create(key, body, canon);
    let p = m.cfg.faults.reset_after_create_probability;
    let reset = m.chance(p);
    if reset {
        m.counters.injected_resets += 1;
    }
    ((StatusCode::CREATED, Json(created)).into_response(), reset)
}

fn conflict(tracking_id: &str) -> Response {
    let body = json!({"error": "idempotency_conflict", "tracking_id": tracking_id});
    (StatusCode::CONFLICT, Json(body)).into_response()
}

async fn lookup(State(shared): State<Arc<Shared>>, Path(tracking_id): Path<String>) -> Response {
    let mut m = shared.lock();
    m.counters.lookups += 1;
    match m.by_tracking.get(&tracking_id).copied() {
        Some(idx) => Json(m.lookup_json(idx)).into_response(),
        None => error(StatusCode::NOT_FOUND, "not_found"),
    }
}

async fn find_by_id_eksternal(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut m = shared.lock();
    m.counters.lookups += 1;
    let Some(ext) = q.get("id_eksternal") else {
        return error(StatusCode::BAD_REQUEST, "missing_id_eksternal");
    };
    let data: Vec<Value> = m
        .by_ext
        .get(ext)
        .map(|&idx| vec![m.lookup_json(idx)])
        .unwrap_or_default();
    Json(json!({ "data": data })).into_response()
}

async fn feed(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut m = shared.lock();
    m.counters.feed_requests += 1;
    let batas = match q.get("batas").map(|b| b.parse::<usize>()) {
        None => 100,
        Some(Ok(b)) if (1..=500).contains(&b) => b,
        Some(_) => return error(StatusCode::BAD_REQUEST, "invalid_batas"),
    };
    match m.feed_page(q.get("kursor").map(String::as_str), batas) {
        Some(page) => Json(page).into_response(),
        None => error(StatusCode::BAD_REQUEST, "invalid_cursor"),
    }
}

async fn kategori(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.lock().cfg.kategori.clone()).into_response()
}

async fn instansi(State(shared): State<Arc<Shared>>) -> Response {
    let m = shared.lock();
    // Only the instansi this client may send to.
    let own: Vec<_> = m
        .cfg
        .instansi
        .iter()
        .filter(|i| !m.cfg.forbidden_instansi.contains(&i.id))
        .cloned()
        .collect();
    Json(own).into_response()
}
