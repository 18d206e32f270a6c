//! A loopback social-media desk tool: the bridge asks it to reply to a citizen's post
//! with LAPOR!'s response (channels.md, section 3).
//!
//! `POST /replies` with `Authorization: Bearer <token>` and `{"platform", "post_id",
//! "text"}` → 202 `{"id": "r-<n>"}`: the desk queues the reply for its staff, so it
//! accepts any post id (it cannot know every post on four platforms).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::channel::{self, lock, ChannelCounters, ChannelFaults, ChannelMock, Endpoint};
use crate::server::loopback_any;

/// The platforms the desk tool is connected to.
pub const PLATFORMS: &[&str] = &["instagram", "x", "facebook", "tiktok"];

pub type DeskFaults = ChannelFaults;
/// `not_found` is always 0 here.
pub type DeskCounters = ChannelCounters;

#[derive(Clone, Debug)]
pub struct DeskMockConfig {
    pub token: String,
    /// Seeds the 5xx draw, so a fault run repeats.
    pub seed: u64,
}

impl Default for DeskMockConfig {
    fn default() -> Self {
        DeskMockConfig {
            token: "desk-demo-token".into(),
            seed: 62,
        }
    }
}

/// A reply request as the desk queued it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Reply {
    pub platform: String,
    pub post_id: String,
    pub text: String,
    pub idempotency_key: Option<String>,
    /// When the mock stored it (RFC 3339).
    pub received_at: String,
}

type Shared = channel::Shared<Reply>;

pub type DeskMock = ChannelMock<Reply>;

impl ChannelMock<Reply> {
    /// Starts on an ephemeral loopback port.
    pub async fn start(cfg: DeskMockConfig) -> std::io::Result<DeskMock> {
        Self::start_on(loopback_any(), cfg).await
    }

    pub async fn start_on(addr: SocketAddr, cfg: DeskMockConfig) -> std::io::Result<DeskMock> {
        let endpoint = Endpoint::new(cfg.token, cfg.seed, "r", ());
        Self::start_endpoint(addr, endpoint, router).await
    }

    /// Queued replies, in arrival order.
    pub fn replies(&self) -> Vec<Reply> {
        self.records()
    }
}

fn router(shared: Shared) -> Router {
    channel::router(shared, "/replies", post(add_reply), "/_mock/replies")
}

async fn add_reply(State(shared): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    if let Err(r) = channel::admit(&shared, &headers).await {
        return r;
    }
    let body = match channel::read_object(&shared, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let key = channel::idempotency_key(&headers);
    let mut m = lock(&shared);
    if let Some(id) = m.replay(key.as_deref()) {
        return (StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response();
    }
    let [platform, post_id, text] =
        match channel::required_strings(&body, ["platform", "post_id", "text"]) {
            Ok(v) => v,
            Err(field) => return m.bad_field(field, "must be a non-empty string"),
        };
    if !PLATFORMS.contains(&platform.as_str()) {
        return m.bad_field("platform", "must be one of instagram, x, facebook, tiktok");
    }
    let reply = Reply {
        platform,
        post_id,
        text,
        idempotency_key: key.clone(),
        received_at: crate::clock::now_rfc3339(),
    };
    let id = m.record(key.as_deref(), reply);
    (StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response()
}
