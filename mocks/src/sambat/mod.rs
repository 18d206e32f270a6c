//! A loopback SAMBAT Online (the city's own complaint system, polled over HTTP), with
//! its real quirks: WIB wall-clock times without offset, an inclusive `diperbarui_sejak`,
//! many records per second, empty titles of SMS complaints, write-backs that bump
//! `diperbarui`.

mod data;
mod generate;
mod handlers;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::server::{loopback_any, MockServer};
pub use data::{KATEGORI, KECAMATAN, OPD};
use state::{Inner, Shared};

/// SAMBAT statuses, in lifecycle order.
pub const STATUS: &[&str] = &[
    "baru",
    "diverifikasi",
    "didisposisi",
    "diproses",
    "selesai",
    "ditolak",
];

#[derive(Clone, Debug)]
pub struct SambatMockConfig {
    pub api_key: String,
    pub seed: u64,
    /// Records generated at start, spread over the preceding hours.
    pub initial_records: usize,
    pub faults: SambatFaults,
}

impl Default for SambatMockConfig {
    fn default() -> Self {
        SambatMockConfig {
            api_key: "sambat-demo-key".into(),
            seed: 35_73,
            initial_records: 20,
            faults: SambatFaults::default(),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct SambatFaults {
    /// `GET /api/aduan` answers 500/502/503 with this probability.
    pub error_5xx_probability: f64,
    pub latency: Duration,
    /// A write-back answers 500/503 with this probability (nothing is recorded).
    pub writeback_5xx_probability: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct WriteBack {
    pub aduan_id: i64,
    pub status: String,
    pub isi: String,
    pub sumber: String,
    pub tracking_id: String,
    pub waktu: String,
    /// When the mock accepted it (RFC 3339, WIB offset; follows `set_clock`).
    pub received_at: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SambatCounters {
    pub list_requests: u64,
    pub unauthorized: u64,
    pub injected_5xx: u64,
    pub writebacks: u64,
    pub writeback_duplicates: u64,
    pub writeback_not_found: u64,
}

pub type SambatMock = MockServer<Arc<Shared>>;

impl MockServer<Arc<Shared>> {
    /// Starts on an ephemeral loopback port.
    pub async fn start(cfg: SambatMockConfig) -> std::io::Result<SambatMock> {
        Self::start_on(loopback_any(), cfg).await
    }

    pub async fn start_on(addr: SocketAddr, cfg: SambatMockConfig) -> std::io::Result<SambatMock> {
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner::new(cfg)),
        });
        MockServer::bind(addr, shared, handlers::router).await
    }

    /// `n` new records stamped "now", several per second; returns their ids.
    pub fn add_generated(&self, n: usize) -> Vec<i64> {
        self.shared.lock().add_generated(n)
    }

    /// A hand-made record; fills `id`, `dibuat`, `diperbarui` and `status` if missing.
    pub fn insert(&self, aduan: serde_json::Value) -> i64 {
        self.shared.lock().insert(aduan)
    }

    /// An admin edit: applies `f`, then bumps `diperbarui` to now. False if unknown.
    pub fn edit(
        &self,
        id: i64,
        f: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
    ) -> bool {
        let mut m = self.shared.lock();
        if m.update(id, f).is_none() {
            return false;
        }
        m.touch(id);
        true
    }

    /// All records, by id.
    pub fn records(&self) -> Vec<serde_json::Value> {
        let m = self.shared.lock();
        m.records()
            .values()
            .cloned()
            .map(serde_json::Value::Object)
            .collect()
    }

    pub fn writebacks(&self) -> Vec<WriteBack> {
        self.shared.lock().writebacks().to_vec()
    }

    pub fn counters(&self) -> SambatCounters {
        self.shared.lock().counters.clone()
    }

    pub fn set_faults(&self, f: SambatFaults) {
        self.shared.lock().cfg.faults = f;
    }

    /// Fixes the WIB wall clock at "YYYY-MM-DD HH:MM:SS". Panics on another format.
    pub fn set_clock(&self, wib: &str) {
        let dt = crate::clock::parse_wib(wib).expect("set_clock expects \"YYYY-MM-DD HH:MM:SS\"");
        self.shared.lock().clock = Some(dt);
    }

    pub fn clear_clock(&self) {
        self.shared.lock().clock = None;
    }
}

impl MockServer<Arc<Shared>> {
    /// New records get ids from `id` on (a bench on a copy of a big store must not reuse the
    /// store's ids, or a new record would look like an edit of an old one).
    pub fn set_next_id(&self, id: i64) {
        let mut m = self.shared.lock();
        m.next_id = m.next_id.max(id);
    }
}
