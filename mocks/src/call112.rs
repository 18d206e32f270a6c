//! A loopback Call Center 112 note API: where the bridge writes LAPOR!'s responses back
//! as notes on the 112 ticket the complaint came from (channels.md, section 2).
//!
//! `POST /tickets/{ticket_id}/notes` with `Authorization: Bearer <token>` and
//! `{"text", "status", "tracking_id"}` → 201 `{"id": "n-<n>"}`. The 112 system only
//! knows the tickets it sent, so an unknown ticket is a permanent 404 unless the mock
//! is told to accept any (handy when the bridge is tried by hand).

use std::collections::HashSet;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::channel::{self, lock, ChannelCounters, ChannelFaults, ChannelMock, Endpoint};
use crate::server::loopback_any;

/// Faults of the note API (shared shape with the desk's).
pub type NotesFaults = ChannelFaults;
pub type Call112Counters = ChannelCounters;

#[derive(Clone, Debug)]
pub struct Call112MockConfig {
    pub token: String,
    /// Seeds the 5xx draw, so a fault run repeats.
    pub seed: u64,
    /// Record notes for any ticket id instead of answering 404 for ones not added.
    pub accept_unknown_tickets: bool,
}

impl Default for Call112MockConfig {
    fn default() -> Self {
        Call112MockConfig {
            token: "call112-demo-token".into(),
            seed: 112,
            accept_unknown_tickets: false,
        }
    }
}

/// A note as the 112 system stored it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Note {
    pub ticket_id: String,
    pub text: String,
    pub status: String,
    pub tracking_id: String,
    pub idempotency_key: Option<String>,
    /// When the mock stored it (RFC 3339).
    pub received_at: String,
}

/// The tickets the 112 system knows, under the endpoint's lock.
pub struct Tickets {
    known: HashSet<String>,
    accept_unknown: bool,
}

type Shared = channel::Shared<Note, Tickets>;

pub type Call112Mock = ChannelMock<Note, Tickets>;

impl ChannelMock<Note, Tickets> {
    /// Starts on an ephemeral loopback port.
    pub async fn start(cfg: Call112MockConfig) -> std::io::Result<Call112Mock> {
        Self::start_on(loopback_any(), cfg).await
    }

    pub async fn start_on(
        addr: SocketAddr,
        cfg: Call112MockConfig,
    ) -> std::io::Result<Call112Mock> {
        let tickets = Tickets {
            known: HashSet::new(),
            accept_unknown: cfg.accept_unknown_tickets,
        };
        let endpoint = Endpoint::new(cfg.token, cfg.seed, "n", tickets);
        Self::start_endpoint(addr, endpoint, router).await
    }

    /// Makes a ticket known, as if the 112 system had sent it to the bridge.
    pub fn add_ticket(&self, ticket_id: &str) {
        lock(&self.shared).ext.known.insert(ticket_id.to_string());
    }

    /// Stored notes, in arrival order.
    pub fn notes(&self) -> Vec<Note> {
        self.records()
    }
}

fn router(shared: Shared) -> Router {
    channel::router(
        shared,
        "/tickets/{ticket_id}/notes",
        post(add_note),
        "/_mock/notes",
    )
}

async fn add_note(
    State(shared): State<Shared>,
    Path(ticket_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
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
        return (StatusCode::CREATED, Json(json!({ "id": id }))).into_response();
    }
    if !m.ext.accept_unknown && !m.ext.known.contains(&ticket_id) {
        m.counters.not_found += 1;
        return channel::error(StatusCode::NOT_FOUND, "ticket_not_found");
    }
    let [text, status, tracking_id] =
        match channel::required_strings(&body, ["text", "status", "tracking_id"]) {
            Ok(v) => v,
            Err(field) => return m.bad_field(field, "must be a non-empty string"),
        };
    let note = Note {
        ticket_id,
        text,
        status,
        tracking_id,
        idempotency_key: key.clone(),
        received_at: crate::clock::now_rfc3339(),
    };
    let id = m.record(key.as_deref(), note);
    (StatusCode::CREATED, Json(json!({ "id": id }))).into_response()
}
