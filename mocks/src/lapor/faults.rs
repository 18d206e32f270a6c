//! The gate every API request passes before its handler: latency, outage, quota,
//! injected 5xx and bearer-token checks, in the order a real gateway would apply them.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde_json::json;

use super::state::{Quota, Shared};

pub fn error(status: StatusCode, code: &str) -> Response {
    (status, axum::Json(json!({ "error": code }))).into_response()
}

fn with_retry_after(mut r: Response, secs: u64) -> Response {
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    r
}

pub fn unavailable() -> Response {
    with_retry_after(
        error(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable"),
        1,
    )
}

pub async fn gate(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let is_auth = req.uri().path().ends_with("/auth/token");
    let latency = {
        let mut m = shared.lock();
        m.counters.requests += 1;
        m.cfg.faults.latency
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if let Some(early) = check(&shared, &req, is_auth) {
        return early;
    }
    next.run(req).await
}

/// The answer that stops a request before its handler, if any.
fn check(shared: &Shared, req: &Request, is_auth: bool) -> Option<Response> {
    let mut m = shared.lock();
    if m.down {
        return Some(unavailable());
    }
    if let Quota::Exceeded { retry_after_secs } = m.quota_admit(Instant::now()) {
        m.counters.rate_limited += 1;
        return Some(with_retry_after(
            error(StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            retry_after_secs,
        ));
    }
    if is_auth {
        return None;
    }
    let p = m.cfg.faults.error_5xx_probability;
    if m.chance(p) {
        m.counters.injected_5xx += 1;
        let r = match m.rng.random_range(0..4) {
            0 => error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
            1 => error(StatusCode::BAD_GATEWAY, "bad_gateway"),
            2 => unavailable(),
            _ => error(StatusCode::GATEWAY_TIMEOUT, "gateway_timeout"),
        };
        return Some(r);
    }
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        });
    let verdict = match token {
        None => Some("invalid_token"),
        Some(t) => match m.tokens.get(t) {
            None => Some("invalid_token"),
            Some(tok) if tok.revoked || Instant::now() >= tok.expires => Some("token_expired"),
            Some(_) => None,
        },
    };
    if let Some(code) = verdict {
        m.counters.unauthorized += 1;
        let mut r = error(StatusCode::UNAUTHORIZED, code);
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return Some(r);
    }
    None
}
