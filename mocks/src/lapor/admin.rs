//! `/_mock/...`: the test hooks of [`super::LaporMock`] over HTTP, for tests that run
//! the mock as a separate process. Not part of the LAPOR! contract; no auth, no quota.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::state::Shared;
use super::Faults;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_mock/counters", get(counters))
        .route("/_mock/laporan", get(laporan))
        .route("/_mock/faults", post(faults))
        .route("/_mock/down", post(down))
        .route("/_mock/quota", post(quota))
        .route("/_mock/expire_tokens", post(expire_tokens))
        .route("/_mock/forget_cursors", post(forget_cursors))
        .route("/_mock/step", post(step))
        .route("/_mock/advance", post(advance))
        .with_state(shared)
}

async fn counters(State(s): State<Arc<Shared>>) -> Response {
    Json(s.lock().counters.clone()).into_response()
}

async fn laporan(State(s): State<Arc<Shared>>) -> Response {
    Json(s.lock().complaints()).into_response()
}

#[derive(Deserialize)]
struct FaultsBody {
    #[serde(default)]
    error_5xx_probability: f64,
    #[serde(default)]
    reset_after_create_probability: f64,
    #[serde(default)]
    latency_ms: u64,
}

async fn faults(State(s): State<Arc<Shared>>, Json(b): Json<FaultsBody>) -> Response {
    s.lock().cfg.faults = Faults {
        error_5xx_probability: b.error_5xx_probability.clamp(0.0, 1.0),
        reset_after_create_probability: b.reset_after_create_probability.clamp(0.0, 1.0),
        latency: Duration::from_millis(b.latency_ms),
    };
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct DownBody {
    down: bool,
}

async fn down(State(s): State<Arc<Shared>>, Json(b): Json<DownBody>) -> Response {
    s.lock().down = b.down;
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct QuotaBody {
    quota_per_minute: Option<u32>,
}

async fn quota(State(s): State<Arc<Shared>>, Json(b): Json<QuotaBody>) -> Response {
    s.lock().cfg.quota_per_minute = b.quota_per_minute;
    StatusCode::NO_CONTENT.into_response()
}

async fn expire_tokens(State(s): State<Arc<Shared>>) -> Response {
    s.lock().expire_tokens();
    StatusCode::NO_CONTENT.into_response()
}

async fn forget_cursors(State(s): State<Arc<Shared>>) -> Response {
    s.lock().forget_cursors();
    StatusCode::NO_CONTENT.into_response()
}

async fn step(State(s): State<Arc<Shared>>) -> Response {
    s.lock().lifecycle_tick();
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct Tanggapan {
    isi: String,
    oleh: String,
}

#[derive(Deserialize)]
struct AdvanceBody {
    tracking_id: String,
    status: String,
    tanggapan: Option<Tanggapan>,
}

async fn advance(State(s): State<Arc<Shared>>, Json(b): Json<AdvanceBody>) -> Response {
    let t = b.tanggapan.map(|t| (t.isi, t.oleh));
    let ok = s.lock().advance(&b.tracking_id, &b.status, t);
    Json(json!({ "advanced": ok })).into_response()
}
