//! SAMBAT's HTTP surface: the list and write-back endpoints, plus `/_mock/...` hooks.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::Rng;
use serde::Deserialize;
use serde_json::{json, Value};

use super::state::{Shared, WriteBackRefused};
use super::{SambatFaults, WriteBack, STATUS};
use crate::clock::{parse_wib, wib_to_rfc3339};

const MAX_BODY: usize = 256 * 1024;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/aduan", get(list))
        .route("/api/aduan/{id}/tanggapan", post(write_back))
        .route("/_mock/counters", get(counters))
        .route("/_mock/records", get(records))
        .route("/_mock/writebacks", get(writebacks))
        .route("/_mock/generate", post(generate))
        .route("/_mock/faults", post(faults))
        .route("/_mock/clock", post(clock))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found") })
        .with_state(shared)
}

fn error(status: StatusCode, code: &str) -> Response {
    (status, Json(json!({ "error": code }))).into_response()
}

fn bad_request(message: &'static str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": "bad_request", "message": message})),
    )
        .into_response()
}

fn injected(m: &mut super::state::Inner) -> Response {
    m.counters.injected_5xx += 1;
    match m.rng.random_range(0..3) {
        0 => error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        1 => error(StatusCode::BAD_GATEWAY, "bad_gateway"),
        _ => {
            let mut r = error(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable");
            r.headers_mut().insert("retry-after", HeaderValue::from(1));
            r
        }
    }
}

async fn delay(shared: &Shared) {
    let latency = shared.lock().cfg.faults.latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

fn authorized(m: &mut super::state::Inner, headers: &HeaderMap) -> bool {
    let ok = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|k| k == m.cfg.api_key);
    if !ok {
        m.counters.unauthorized += 1;
    }
    ok
}

async fn list(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    delay(&shared).await;
    let mut m = shared.lock();
    m.counters.list_requests += 1;
    if !authorized(&mut m, &headers) {
        return error(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    let p = m.cfg.faults.error_5xx_probability;
    if m.chance(p) {
        return injected(&mut m);
    }
    let sejak = match q.get("diperbarui_sejak") {
        None => None,
        Some(s) => match parse_wib(s) {
            Some(d) => Some(d),
            None => return bad_request("diperbarui_sejak must be YYYY-MM-DD HH:MM:SS"),
        },
    };
    let halaman = match q.get("halaman").map(|h| h.parse::<usize>()) {
        None => 1,
        Some(Ok(h)) if h >= 1 => h,
        Some(_) => return bad_request("halaman must be a positive integer"),
    };
    let per_halaman = match q.get("per_halaman").map(|h| h.parse::<usize>()) {
        None => 20,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(_) => return bad_request("per_halaman must be 1..100"),
    };
    let (total, data) = m.changed_since(
        sejak,
        (halaman - 1).saturating_mul(per_halaman),
        per_halaman,
    );
    // Like the Laravel paginator SAMBAT runs on: an empty result still has one page.
    let total_halaman = total.div_ceil(per_halaman).max(1);
    Json(json!({"data": data, "halaman": halaman, "total_halaman": total_halaman})).into_response()
}

async fn write_back(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    delay(&shared).await;
    {
        let mut m = shared.lock();
        if !authorized(&mut m, &headers) {
            return error(StatusCode::UNAUTHORIZED, "unauthorized");
        }
        let p = m.cfg.faults.writeback_5xx_probability;
        if m.chance(p) {
            return injected(&mut m);
        }
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    };
    let Ok(v) = serde_json::from_slice::<Value>(&bytes) else {
        return error(StatusCode::BAD_REQUEST, "malformed_json");
    };
    let field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let (status, isi, sumber, tracking_id, waktu) = (
        field("status"),
        field("isi"),
        field("sumber"),
        field("tracking_id"),
        field("waktu"),
    );
    let mut bad = Vec::new();
    if !status.as_deref().is_some_and(|s| STATUS.contains(&s)) {
        bad.push(json!({"field": "status", "message": "must be a SAMBAT status"}));
    }
    for (name, val) in [
        ("isi", &isi),
        ("sumber", &sumber),
        ("tracking_id", &tracking_id),
    ] {
        if val.as_deref().is_none_or(|s| s.trim().is_empty()) {
            bad.push(json!({"field": name, "message": "must be a non-empty string"}));
        }
    }
    if waktu
        .as_deref()
        .is_none_or(|w| w.parse::<jiff::Timestamp>().is_err())
    {
        bad.push(json!({"field": "waktu", "message": "must be an RFC 3339 date-time"}));
    }
    if !bad.is_empty() {
        let r = Json(json!({"error": "validation_failed", "detail": bad}));
        return (StatusCode::UNPROCESSABLE_ENTITY, r).into_response();
    }
    let (status, isi, sumber, tracking_id, waktu) = (
        status.unwrap_or_default(),
        isi.unwrap_or_default(),
        sumber.unwrap_or_default(),
        tracking_id.unwrap_or_default(),
        waktu.unwrap_or_default(),
    );

    let mut m = shared.lock();
    let Some(aduan_id) = id.parse::<i64>().ok() else {
        m.counters.writeback_not_found += 1;
        return error(StatusCode::NOT_FOUND, "not_found");
    };
    let now = m.now();
    let wb = WriteBack {
        aduan_id,
        status: status.clone(),
        isi,
        sumber,
        tracking_id,
        waktu,
        received_at: wib_to_rfc3339(now),
    };
    let tanggapan_id = match m.write_back(aduan_id, wb, now) {
        Ok(n) => n,
        Err(WriteBackRefused::NotFound) => return error(StatusCode::NOT_FOUND, "not_found"),
        Err(WriteBackRefused::Duplicate) => {
            return error(StatusCode::CONFLICT, "duplicate_tanggapan")
        }
    };
    let body = json!({"id": tanggapan_id, "aduan_id": aduan_id, "status": status});
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn counters(State(s): State<Arc<Shared>>) -> Response {
    Json(s.lock().counters.clone()).into_response()
}

async fn records(State(s): State<Arc<Shared>>) -> Response {
    let m = s.lock();
    let all: Vec<Value> = m.records().values().cloned().map(Value::Object).collect();
    Json(all).into_response()
}

async fn writebacks(State(s): State<Arc<Shared>>) -> Response {
    Json(s.lock().writebacks().to_vec()).into_response()
}

#[derive(Deserialize)]
struct GenerateBody {
    n: usize,
}

async fn generate(State(s): State<Arc<Shared>>, Json(b): Json<GenerateBody>) -> Response {
    let ids = s.lock().add_generated(b.n.min(10_000));
    Json(json!({ "ids": ids })).into_response()
}

#[derive(Deserialize)]
struct FaultsBody {
    #[serde(default)]
    error_5xx_probability: f64,
    #[serde(default)]
    latency_ms: u64,
    #[serde(default)]
    writeback_5xx_probability: f64,
}

async fn faults(State(s): State<Arc<Shared>>, Json(b): Json<FaultsBody>) -> Response {
    s.lock().cfg.faults = SambatFaults {
        error_5xx_probability: b.error_5xx_probability.clamp(0.0, 1.0),
        latency: Duration::from_millis(b.latency_ms),
        writeback_5xx_probability: b.writeback_5xx_probability.clamp(0.0, 1.0),
    };
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct ClockBody {
    wib: Option<String>,
}

async fn clock(State(s): State<Arc<Shared>>, Json(b): Json<ClockBody>) -> Response {
    let dt = match b.wib.as_deref().map(parse_wib) {
        None => None,
        Some(Some(dt)) => Some(dt),
        Some(None) => return bad_request("wib must be YYYY-MM-DD HH:MM:SS"),
    };
    s.lock().clock = dt;
    StatusCode::NO_CONTENT.into_response()
}
