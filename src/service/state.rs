//! What the admin listener, the watchdog and the status line read: the store, the running
//! generation of the pipeline (replaced on reload) and counters carried across generations.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::config::{ChannelKind, Config};
use crate::forward::ForwarderStats;
use crate::pipeline::Pipeline;
use crate::runtime::liveness::{Liveness, LoopState};
use crate::store::Store;
use crate::wire::lapor::ClientStats;

/// Settings key of the snapshot `lapor-bridge status` reads.
pub const SNAPSHOT_KEY: &str = "service.snapshot";
/// Settings key of the forwarder's persisted pause (see `forward`).
const PAUSE_KEY: &str = "forwarder.paused_until";

/// Process-lifetime counters of the forwarder and the LAPOR! client.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub forwarded: u64,
    pub retried: u64,
    pub dead: u64,
    pub held: u64,
    pub created: u64,
    pub existed: u64,
    pub requests: u64,
    pub limiter_waits: u64,
    pub limiter_wait_micros: u64,
    pub responses_2xx: u64,
    pub responses_401: u64,
    pub responses_429: u64,
    pub responses_4xx: u64,
    pub responses_5xx: u64,
    pub transport_errors: u64,
    pub last_ok_ms: i64,
    pub last_failure_ms: i64,
}

impl Totals {
    fn read(f: &ForwarderStats, c: &ClientStats) -> Totals {
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Totals {
            forwarded: l(&f.forwarded),
            retried: l(&f.retried),
            dead: l(&f.dead),
            held: l(&f.held),
            created: l(&f.created),
            existed: l(&f.existed),
            requests: l(&c.requests),
            limiter_waits: l(&c.limiter_waits),
            limiter_wait_micros: l(&c.limiter_wait_micros),
            responses_2xx: l(&c.responses_2xx),
            responses_401: l(&c.responses_401),
            responses_429: l(&c.responses_429),
            responses_4xx: l(&c.responses_4xx),
            responses_5xx: l(&c.responses_5xx),
            transport_errors: l(&c.transport_errors),
            last_ok_ms: c.last_ok_ms.load(Ordering::Relaxed),
            last_failure_ms: c.last_failure_ms.load(Ordering::Relaxed),
        }
    }

    fn plus(self, o: Totals) -> Totals {
        Totals {
            forwarded: self.forwarded + o.forwarded,
            retried: self.retried + o.retried,
            dead: self.dead + o.dead,
            held: self.held + o.held,
            created: self.created + o.created,
            existed: self.existed + o.existed,
            requests: self.requests + o.requests,
            limiter_waits: self.limiter_waits + o.limiter_waits,
            limiter_wait_micros: self.limiter_wait_micros + o.limiter_wait_micros,
            responses_2xx: self.responses_2xx + o.responses_2xx,
            responses_401: self.responses_401 + o.responses_401,
            responses_429: self.responses_429 + o.responses_429,
            responses_4xx: self.responses_4xx + o.responses_4xx,
            responses_5xx: self.responses_5xx + o.responses_5xx,
            transport_errors: self.transport_errors + o.transport_errors,
            last_ok_ms: self.last_ok_ms.max(o.last_ok_ms),
            last_failure_ms: self.last_failure_ms.max(o.last_failure_ms),
        }
    }

    /// Up: the last answer from LAPOR! is newer than the last 5xx or failed connection.
    /// `None` until a first call has been made.
    pub fn lapor_up(&self) -> Option<bool> {
        match (self.last_ok_ms, self.last_failure_ms) {
            (0, 0) => None,
            (ok, failed) => Some(ok >= failed),
        }
    }
}

struct Generation {
    cfg: Config,
    liveness: Liveness,
    forwarder: Arc<ForwarderStats>,
    client: Arc<ClientStats>,
}

/// Shared by the service's tasks.
pub struct Shared {
    pub store: Store,
    pub started_at: Timestamp,
    pub admin_addr: Mutex<Option<SocketAddr>>,
    generation: Mutex<Option<Generation>>,
    carried: Mutex<Totals>,
    pub reloading: AtomicBool,
    /// READY=1 has been sent: watchdog pings only follow it (systemd reads a ping before READY
    /// as a service that is already up).
    pub ready_sent: AtomicBool,
    pub reloads_ok: AtomicU64,
    pub reloads_rejected: AtomicU64,
    /// The watchdog interval systemd asked for, if any.
    pub watchdog: Option<Duration>,
    /// The report figures `/metrics` shows, computed at most once a minute.
    pub report_figures: crate::report::metrics::FigureCache,
    /// The dashboard's SLA report, at most a minute old.
    pub sla_cache: Arc<crate::report::sla_cache::SlaCache>,
}

impl Shared {
    pub fn new(store: Store, watchdog: Option<Duration>) -> Arc<Shared> {
        Arc::new(Shared {
            store,
            started_at: Timestamp::now(),
            admin_addr: Mutex::new(None),
            generation: Mutex::new(None),
            carried: Mutex::new(Totals::default()),
            reloading: AtomicBool::new(false),
            ready_sent: AtomicBool::new(false),
            reloads_ok: AtomicU64::new(0),
            reloads_rejected: AtomicU64::new(0),
            report_figures: Default::default(),
            sla_cache: Default::default(),
            watchdog,
        })
    }

    /// A new pipeline is running: its loops and counters are the ones to watch.
    pub fn install(&self, p: &Pipeline) {
        *lock(&self.generation) = Some(Generation {
            cfg: p.cfg.clone(),
            liveness: p.liveness.clone(),
            forwarder: p.forwarder.stats.clone(),
            client: p.forwarder.client().stats.clone(),
        });
    }

    /// The running pipeline has stopped: keep its counters, forget its loops.
    pub fn retire(&self) {
        if let Some(g) = lock(&self.generation).take() {
            let t = Totals::read(&g.forwarder, &g.client);
            let mut c = lock(&self.carried);
            *c = c.plus(t);
        }
    }

    pub fn totals(&self) -> Totals {
        let carried = *lock(&self.carried);
        match &*lock(&self.generation) {
            Some(g) => carried.plus(Totals::read(&g.forwarder, &g.client)),
            None => carried,
        }
    }

    pub fn has_generation(&self) -> bool {
        lock(&self.generation).is_some()
    }

    pub fn config(&self) -> Option<Config> {
        lock(&self.generation).as_ref().map(|g| g.cfg.clone())
    }

    /// How long a loop may be busy without progress before it counts as wedged.
    pub fn stall_limit(&self) -> Duration {
        let configured = lock(&self.generation)
            .as_ref()
            .and_then(|g| g.cfg.service.stall_limit);
        configured.unwrap_or_else(|| {
            self.watchdog
                .map(|w| w / 2)
                .unwrap_or(Duration::ZERO)
                .max(Duration::from_secs(60))
        })
    }

    pub fn loops(&self) -> Vec<LoopState> {
        let limit = self.stall_limit();
        lock(&self.generation)
            .as_ref()
            .map(|g| g.liveness.states(limit))
            .unwrap_or_default()
    }

    pub fn wedged(&self) -> Vec<String> {
        self.loops()
            .into_iter()
            .filter(|l| l.wedged)
            .map(|l| l.name)
            .collect()
    }

    pub fn paused_until(&self, now: Timestamp) -> Option<Timestamp> {
        self.store
            .setting(PAUSE_KEY)
            .ok()
            .flatten()
            .and_then(|s| crate::time::parse_db(&s))
            .filter(|t| *t > now)
    }

    /// Channels of the running configuration with their kind and, for polled channels,
    /// the last successful poll and how stale that may get before readiness fails.
    pub fn channels(&self) -> Vec<ChannelHealth> {
        let guard = lock(&self.generation);
        let Some(g) = guard.as_ref() else {
            return Vec::new();
        };
        let limit = g.cfg.service.stall_limit.unwrap_or(Duration::from_secs(60));
        let states = g.liveness.states(limit);
        g.cfg
            .channels
            .iter()
            .map(|c| {
                let (last_success, stale_after) = match &c.kind {
                    ChannelKind::Sambat(s) => (
                        states
                            .iter()
                            .find(|l| l.name == format!("poller:{}", c.name))
                            .and_then(|l| l.last_success),
                        Some((s.poll_interval * 3).max(Duration::from_secs(60))),
                    ),
                    _ => (None, None),
                };
                ChannelHealth {
                    name: c.name.to_string(),
                    kind: c.kind.kind_name(),
                    last_success,
                    stale_after,
                }
            })
            .collect()
    }

    pub fn snapshot(&self, stopped: bool) -> Snapshot {
        let now = Timestamp::now();
        let t = self.totals();
        let ms = |v: i64| {
            (v != 0)
                .then(|| Timestamp::from_millisecond(v).ok())
                .flatten()
        };
        Snapshot {
            pid: std::process::id(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            at: now,
            started_at: self.started_at,
            stopped,
            admin: lock(&self.admin_addr).map(|a| a.to_string()),
            lapor_up: t.lapor_up(),
            lapor_last_ok: ms(t.last_ok_ms),
            lapor_last_failure: ms(t.last_failure_ms),
            paused_until: self.paused_until(now),
            channels: self
                .channels()
                .into_iter()
                .map(|c| SnapshotChannel {
                    name: c.name,
                    kind: c.kind.to_owned(),
                    last_success: c.last_success,
                })
                .collect(),
            wedged: self.wedged(),
            status_interval_secs: self
                .config()
                .map(|c| c.service.status_interval.as_secs())
                .unwrap_or(5),
        }
    }
}

pub struct ChannelHealth {
    pub name: String,
    pub kind: &'static str,
    pub last_success: Option<Timestamp>,
    /// `None` for channels that are not polled (webhooks, folders).
    pub stale_after: Option<Duration>,
}

/// What the daemon last said about itself, kept in the store for `lapor-bridge status`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Snapshot {
    pub pid: u32,
    pub version: String,
    pub at: Timestamp,
    pub started_at: Timestamp,
    pub stopped: bool,
    pub admin: Option<String>,
    pub lapor_up: Option<bool>,
    pub lapor_last_ok: Option<Timestamp>,
    pub lapor_last_failure: Option<Timestamp>,
    pub paused_until: Option<Timestamp>,
    pub channels: Vec<SnapshotChannel>,
    pub wedged: Vec<String>,
    pub status_interval_secs: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SnapshotChannel {
    pub name: String,
    pub kind: String,
    pub last_success: Option<Timestamp>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
