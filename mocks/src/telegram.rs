//! A loopback Telegram Bot API that knows `sendMessage`, as strict as Telegram:
//! `POST /bot<token>/sendMessage` with a JSON `{chat_id, text}`. A wrong token is 401
//! `{"ok":false,"error_code":401,"description":"Unauthorized"}`, a missing `chat_id` or
//! `text` is 400 with Telegram's description, an unknown chat 400 "chat not found", an unknown
//! method 404. It can be told to fail the next N calls with 500, or 429 with
//! `parameters.retry_after`, like Telegram's flood control.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};

use crate::server::{loopback_any, MockServer};

#[derive(Clone, Debug)]
pub struct TelegramMockConfig {
    pub token: String,
    /// The chats the bot is a member of; any other is "chat not found".
    pub chats: Vec<String>,
}

impl Default for TelegramMockConfig {
    fn default() -> Self {
        Self {
            token: "123456:ABC-demo-token".into(),
            chats: vec!["-1001234567890".into()],
        }
    }
}

/// A message the mock accepted.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SentMessage {
    pub message_id: u64,
    pub chat_id: String,
    pub text: String,
}

/// How the next calls fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TelegramFault {
    /// 500 Internal Server Error.
    ServerError,
    /// 429 with `parameters.retry_after` seconds.
    TooManyRequests { retry_after: u64 },
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TelegramCounters {
    /// Every request to a bot method, answered or not.
    pub calls: u64,
    pub sent: u64,
    pub unauthorized: u64,
    pub bad_requests: u64,
    pub faults: u64,
}

#[derive(Default)]
struct Inner {
    messages: Vec<SentMessage>,
    counters: TelegramCounters,
    faults: Vec<TelegramFault>,
}

#[derive(Clone)]
pub struct Shared {
    cfg: Arc<TelegramMockConfig>,
    inner: Arc<Mutex<Inner>>,
}

fn lock(s: &Shared) -> MutexGuard<'_, Inner> {
    s.inner.lock().unwrap_or_else(|p| p.into_inner())
}

pub type TelegramMock = MockServer<Shared>;

impl MockServer<Shared> {
    pub async fn start(cfg: TelegramMockConfig) -> std::io::Result<TelegramMock> {
        Self::start_on(loopback_any(), cfg).await
    }

    pub async fn start_on(
        addr: SocketAddr,
        cfg: TelegramMockConfig,
    ) -> std::io::Result<TelegramMock> {
        let shared = Shared {
            cfg: Arc::new(cfg),
            inner: Arc::default(),
        };
        MockServer::bind(addr, shared, router).await
    }

    /// Messages accepted, in arrival order.
    pub fn messages(&self) -> Vec<SentMessage> {
        lock(&self.shared).messages.clone()
    }

    pub fn counters(&self) -> TelegramCounters {
        lock(&self.shared).counters
    }

    /// The next `n` calls (with a right token) fail with `fault`.
    pub fn fail_next(&self, n: usize, fault: TelegramFault) {
        let mut m = lock(&self.shared);
        m.faults.extend(std::iter::repeat_n(fault, n));
    }
}

fn router(shared: Shared) -> Router {
    Router::new()
        .route("/{bot}/{method}", post(method))
        .with_state(shared)
}

fn error(status: StatusCode, description: &str) -> Response {
    (
        status,
        Json(json!({"ok": false, "error_code": status.as_u16(), "description": description})),
    )
        .into_response()
}

async fn method(
    State(shared): State<Shared>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut m = lock(&shared);
    m.counters.calls += 1;
    if bot.strip_prefix("bot") != Some(shared.cfg.token.as_str()) {
        m.counters.unauthorized += 1;
        return error(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    if method != "sendMessage" {
        return error(StatusCode::NOT_FOUND, "Not Found");
    }
    if !m.faults.is_empty() {
        m.counters.faults += 1;
        return match m.faults.remove(0) {
            TelegramFault::ServerError => {
                error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
            }
            TelegramFault::TooManyRequests { retry_after } => (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({
                    "ok": false, "error_code": 429,
                    "description": format!("Too Many Requests: retry after {retry_after}"),
                    "parameters": {"retry_after": retry_after}
                })),
            )
                .into_response(),
        };
    }
    let json_body = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let body: Value = match (json_body, serde_json::from_slice(&body)) {
        (true, Ok(v @ Value::Object(_))) => v,
        _ => {
            m.counters.bad_requests += 1;
            return error(
                StatusCode::BAD_REQUEST,
                "Bad Request: the mock takes a JSON object (Content-Type: application/json)",
            );
        }
    };
    let chat_id = match &body["chat_id"] {
        Value::String(s) if !s.is_empty() => s.clone(),
        Value::Number(n) if n.is_i64() => n.to_string(),
        _ => {
            m.counters.bad_requests += 1;
            return error(StatusCode::BAD_REQUEST, "Bad Request: chat_id is empty");
        }
    };
    let text = match &body["text"] {
        Value::String(s) if !s.trim().is_empty() => s.clone(),
        _ => {
            m.counters.bad_requests += 1;
            return error(
                StatusCode::BAD_REQUEST,
                "Bad Request: message text is empty",
            );
        }
    };
    if text.chars().count() > 4096 {
        m.counters.bad_requests += 1;
        return error(StatusCode::BAD_REQUEST, "Bad Request: message is too long");
    }
    if !shared.cfg.chats.contains(&chat_id) {
        m.counters.bad_requests += 1;
        return error(StatusCode::BAD_REQUEST, "Bad Request: chat not found");
    }
    m.counters.sent += 1;
    let message_id = m.counters.sent;
    m.messages.push(SentMessage {
        message_id,
        chat_id: chat_id.clone(),
        text: text.clone(),
    });
    Json(json!({
        "ok": true,
        "result": {
            "message_id": message_id,
            "chat": {"id": chat_id, "type": "supergroup"},
            "date": jiff::Timestamp::now().as_second(),
            "text": text,
        }
    }))
    .into_response()
}
