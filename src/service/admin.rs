//! The admin listener: `/healthz` (the loops are alive), `/readyz` (store writable, LAPOR!
//! reachable, each polled channel's last success recent) and `/metrics` (Prometheus text).
//! Loopback by default; with `admin.token` every request needs `Authorization: Bearer …`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jiff::Timestamp;
use secrecy::ExposeSecret;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::state::Shared;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .merge(super::dashboard::routes())
        .layer(middleware::from_fn_with_state(shared.clone(), auth))
        .with_state(shared)
}

/// Compares digests, so the comparison takes the same time whatever the token's prefix.
fn token_matches(given: &str, expected: &str) -> bool {
    Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes())
}

async fn auth(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let expected = shared.config().and_then(|c| c.admin.token);
    if let Some(expected) = expected {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !token_matches(given.trim(), expected.expose_secret()) {
            let mut r = (StatusCode::UNAUTHORIZED, "a bearer token is required\n").into_response();
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return r;
        }
    }
    next.run(req).await
}

async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    let wedged = shared.wedged();
    if wedged.is_empty() {
        (StatusCode::OK, "ok\n").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("wedged: {}\n", wedged.join(", ")),
        )
            .into_response()
    }
}

async fn readyz(State(shared): State<Arc<Shared>>) -> Response {
    let now = Timestamp::now();
    let (body, ready) = readiness(&shared, now);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// The readiness report and whether every check passed.
pub fn readiness(shared: &Shared, now: Timestamp) -> (serde_json::Value, bool) {
    let store = shared.store.probe_writable(now);
    let totals = shared.totals();
    let lapor_up = totals.lapor_up();
    let ms = |v: i64| {
        (v != 0)
            .then(|| Timestamp::from_millisecond(v).ok())
            .flatten()
    };
    // On a shared store, work another replica holds the lease for is that replica's to
    // report: this one is ready to take webhooks without it.
    let elsewhere = |lease: &str| shared.store.lease_elsewhere(lease).ok().flatten();
    let lapor_elsewhere = elsewhere(&crate::runtime::lease::lease_name("forwarder"));
    let lapor_ok = lapor_up == Some(true) || lapor_elsewhere.is_some();
    let mut ready = store.is_ok() && lapor_ok;
    let reloading = shared.reloading.load(std::sync::atomic::Ordering::Relaxed);
    ready &= !reloading;
    let mut channels = Vec::new();
    for c in shared.channels() {
        let held_by = c.stale_after.and_then(|_| {
            elsewhere(&crate::runtime::lease::lease_name(&format!(
                "poller:{}",
                c.name
            )))
        });
        let ok = match (c.stale_after, c.last_success) {
            (None, _) => true,
            _ if held_by.is_some() => true,
            (Some(_), None) => false,
            (Some(limit), Some(t)) => {
                let age = now.as_millisecond() - t.as_millisecond();
                age <= limit.as_millis() as i64
            }
        };
        ready &= ok;
        channels.push(json!({
            "channel": c.name,
            "kind": c.kind,
            "ok": ok,
            "polled": c.stale_after.is_some(),
            "last_success": c.last_success.map(|t| t.to_string()),
            "held_by": held_by,
        }));
    }
    let body = json!({
        "ready": ready,
        "reloading": reloading,
        "store": {
            "ok": store.is_ok(),
            "error": store.err().map(|e| e.to_string()),
        },
        "lapor": {
            "ok": lapor_ok,
            "state": match lapor_up { Some(true) => "up", Some(false) => "down", None => "unknown" },
            "held_by": lapor_elsewhere,
            "last_ok": ms(totals.last_ok_ms).map(|t| t.to_string()),
            "last_failure": ms(totals.last_failure_ms).map(|t| t.to_string()),
            "forwarder_paused_until": shared.paused_until(now).map(|t| t.to_string()),
        },
        "channels": channels,
    });
    (body, ready)
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    // Off the workers: the report figures read the store once a minute.
    let rendered = tokio::task::spawn_blocking(move || super::metrics::render(&shared))
        .await
        .unwrap_or_else(|e| Err(e.to_string()));
    match rendered {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            )],
            text,
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot read the store: {e}\n"),
        )
            .into_response(),
    }
}
