//! A loopback SP4N-LAPOR! integration API (contract: lapor-api.md of the project),
//! with quota, injectable faults and a complaint lifecycle simulator.
//!
//! API paths live under `/api/v1`; `/_mock/...` are admin endpoints for tests that run
//! the mock out of process.

mod admin;
mod faults;
mod handlers;
mod lifecycle;
mod state;
mod validate;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

use crate::server::Server;
use state::{Inner, Shared};

/// Path prefix of the API, part of [`LaporMock::base_url`].
pub const API_PREFIX: &str = "/api/v1";

#[derive(Clone, Debug)]
pub struct LaporMockConfig {
    pub client_id: String,
    pub client_secret: String,
    pub token_ttl: Duration,
    /// Sliding 60-second window over all API requests (auth included); `None` = off.
    pub quota_per_minute: Option<u32>,
    pub faults: Faults,
    pub kategori: Vec<Kategori>,
    pub instansi: Vec<Instansi>,
    /// Instansi that exist in `GET /instansi`'s world but are not this client's:
    /// creating a complaint for one answers 403 forbidden.
    pub forbidden_instansi: Vec<i64>,
    /// `None`: complaints stay `belum_terverifikasi` unless a test steps them.
    pub lifecycle: Option<LifecycleConfig>,
    pub seed: u64,
}

impl Default for LaporMockConfig {
    fn default() -> Self {
        LaporMockConfig {
            client_id: "pemkot-malang".into(),
            client_secret: "rahasia-demo".into(),
            token_ttl: Duration::from_secs(3600),
            quota_per_minute: Some(60),
            faults: Faults::default(),
            kategori: crate::reference::default_kategori(),
            instansi: crate::reference::default_instansi(),
            forbidden_instansi: Vec::new(),
            lifecycle: None,
            seed: 3573,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Each API request except `/auth/token` answers 500/502/503/504 with this probability.
    pub error_5xx_probability: f64,
    /// A `POST /laporan` that creates a complaint stores it, then drops the connection.
    pub reset_after_create_probability: f64,
    /// Added before answering every API request.
    pub latency: Duration,
}

#[derive(Clone, Debug)]
pub struct LifecycleConfig {
    /// Period of the background simulator; `Duration::ZERO` = no background task (tests
    /// call [`LaporMock::step_lifecycle`] instead).
    pub tick: Duration,
    /// Chance that an open complaint takes its next step on a tick.
    pub advance_probability: f64,
    /// Each complaint takes a random number of steps in `steps_min..=steps_max` (at
    /// least 1) until it reaches a final status.
    pub steps_min: u32,
    pub steps_max: u32,
}

impl Default for LifecycleConfig {
    fn default() -> Self {
        LifecycleConfig {
            tick: Duration::from_secs(2),
            advance_probability: 0.3,
            steps_min: 3,
            steps_max: 6,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Kategori {
    pub id: i64,
    pub induk_id: i64,
    pub nama: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Instansi {
    pub id: i64,
    pub nama: String,
}

/// A complaint as the mock stored it.
#[derive(Clone, Debug, Serialize)]
pub struct MockComplaint {
    pub tracking_id: String,
    pub id_eksternal: String,
    pub idempotency_key: String,
    /// The accepted create body.
    pub body: serde_json::Value,
    pub status: String,
    pub dibuat_pada: String,
    /// `{"id", "isi", "oleh", "waktu"}` entries, oldest first.
    pub tindak_lanjut: Vec<serde_json::Value>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct LaporCounters {
    pub requests: u64,
    pub tokens_issued: u64,
    pub unauthorized: u64,
    pub create_requests: u64,
    pub created: u64,
    pub replayed: u64,
    pub conflicts: u64,
    pub validation_failed: u64,
    pub rate_limited: u64,
    pub injected_5xx: u64,
    pub injected_resets: u64,
    pub lookups: u64,
    pub feed_requests: u64,
    /// Updates the complaints' lifecycle produced (re-issued copies not included).
    pub updates_emitted: u64,
    /// Extra copies appended by [`LaporMock::reissue_updates`].
    pub updates_reissued: u64,
}

/// One entry of the updates feed (`GET /pembaruan`), as the mock emitted it: what a
/// test compares with what the bridge wrote back to the channels.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedUpdate {
    pub id_pembaruan: String,
    pub tracking_id: String,
    pub id_eksternal: String,
    pub status: String,
    /// `(isi, oleh)`: the response text and the instansi that gave it.
    pub tanggapan: Option<(String, String)>,
    pub waktu: String,
}

pub struct LaporMock {
    shared: Arc<Shared>,
    /// Kept while refusing connections, so the same port is bound again after.
    addr: SocketAddr,
    server: Option<Server>,
    ticker: Option<JoinHandle<()>>,
}

impl LaporMock {
    /// Starts on an ephemeral loopback port.
    pub async fn start(cfg: LaporMockConfig) -> std::io::Result<LaporMock> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), cfg).await
    }

    pub async fn start_on(addr: SocketAddr, cfg: LaporMockConfig) -> std::io::Result<LaporMock> {
        let ticker_period = cfg.lifecycle.as_ref().map(|l| l.tick);
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner::new(cfg)),
        });
        let server = Server::bind(addr, handlers::router(shared.clone())).await?;
        let ticker = match ticker_period {
            Some(period) if !period.is_zero() => Some(tokio::spawn(lifecycle::run(
                Arc::downgrade(&shared),
                period,
            ))),
            _ => None,
        };
        Ok(LaporMock {
            shared,
            addr: server.addr(),
            server: Some(server),
            ticker,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A harder outage than [`LaporMock::set_down`]: nothing listens on the port, so every
    /// connection is refused, and open connections are dropped. State is kept.
    pub async fn refuse_connections(&mut self) {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
    }

    /// Listens again on the same port after [`LaporMock::refuse_connections`].
    pub async fn accept_connections(&mut self) -> std::io::Result<()> {
        if self.server.is_none() {
            let router = handlers::router(self.shared.clone());
            self.server = Some(Server::bind(self.addr, router).await?);
        }
        Ok(())
    }

    /// "http://127.0.0.1:PORT/api/v1"
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr(), API_PREFIX)
    }

    /// Stored complaints, in creation order.
    pub fn complaints(&self) -> Vec<MockComplaint> {
        self.shared.lock().complaints()
    }

    pub fn counters(&self) -> LaporCounters {
        self.shared.lock().counters.clone()
    }

    pub fn set_faults(&self, f: Faults) {
        self.shared.lock().cfg.faults = f;
    }

    pub fn set_quota_per_minute(&self, q: Option<u32>) {
        self.shared.lock().cfg.quota_per_minute = q;
    }

    pub fn set_kategori(&self, k: Vec<Kategori>) {
        self.shared.lock().cfg.kategori = k;
    }

    pub fn set_instansi(&self, i: Vec<Instansi>) {
        self.shared.lock().cfg.instansi = i;
    }

    /// Every token issued so far answers 401 token_expired from now on.
    pub fn expire_tokens(&self) {
        self.shared.lock().expire_tokens();
    }

    /// Sets this LAPOR!'s clock `secs` from the machine's (negative: behind). A create whose
    /// `waktu_lapor` is later than that clock is refused, as the contract says.
    pub fn set_clock_offset_secs(&self, secs: i64) {
        self.shared.lock().clock_offset_secs = secs;
    }

    /// An outage: every API request (auth included) answers 503 until cleared.
    pub fn set_down(&self, down: bool) {
        self.shared.lock().down = down;
    }

    /// Moves a complaint as LAPOR! would and appends an update to the feed.
    ///
    /// `status` equal to the current status with a `tanggapan` is a response without a
    /// status change (allowed by the contract). A move to `ditindaklanjuti` without a
    /// tanggapan gets a generated one, since that status always carries one.
    /// Returns false for an unknown tracking id or a move that is not forward.
    pub fn advance(
        &self,
        tracking_id: &str,
        status: &str,
        tanggapan: Option<(&str, &str)>,
    ) -> bool {
        let t = tanggapan.map(|(isi, oleh)| (isi.to_string(), oleh.to_string()));
        self.shared.lock().advance(tracking_id, status, t)
    }

    /// One simulator tick, synchronously. Uses the configured [`LifecycleConfig`], or
    /// the default one with `advance_probability` 1 when none is configured.
    pub fn step_lifecycle(&self) {
        self.shared.lock().lifecycle_tick();
    }

    /// From now on a feed page's `kursor_berikut` sometimes points a few updates back,
    /// so later pages re-deliver already-delivered updates (same `id_pembaruan`).
    pub fn inject_duplicate_updates(&self, probability: f64) {
        self.shared.lock().duplicate_probability = probability.clamp(0.0, 1.0);
    }

    /// From now on, each update the mock emits is, with this probability, followed by a
    /// second copy under a new `id_pembaruan` with identical content (tracking_id,
    /// id_eksternal, status, tanggapan, waktu): LAPOR! re-issuing an update. Deduping by
    /// `id_pembaruan` does not catch it, so a bridge must not write it back twice. The
    /// copy adds no tindak_lanjut entry; it is counted in `updates_reissued`.
    pub fn reissue_updates(&self, probability: f64) {
        self.shared.lock().reissue_probability = probability.clamp(0.0, 1.0);
    }

    /// Every update in the feed so far, in feed order, re-issued copies included.
    pub fn feed_updates(&self) -> Vec<FeedUpdate> {
        self.shared
            .lock()
            .updates
            .iter()
            .map(|u| u.public())
            .collect()
    }

    /// Every cursor issued so far answers 400 invalid_cursor.
    pub fn forget_cursors(&self) {
        self.shared.lock().forget_cursors();
    }

    /// Stops the server and the simulator; open connections are dropped.
    pub async fn shutdown(mut self) {
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
    }
}

impl Drop for LaporMock {
    fn drop(&mut self) {
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        // Server's own Drop signals its accept loop.
    }
}
