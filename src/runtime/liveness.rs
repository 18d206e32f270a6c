//! Liveness of the working loops, for the systemd watchdog and `/healthz`.
//!
//! Each loop holds a [`Heartbeat`]: it calls [`Heartbeat::beat`] whenever it makes progress
//! (top of an iteration, a page committed, a request answered) and [`Heartbeat::idle`] just
//! before it waits for its next round. A loop is *alive* while it is idle-waiting or beat less
//! than the stall limit ago; one busy for longer without progress is *wedged*, and the
//! watchdog stops pinging systemd.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;

#[derive(Debug)]
pub struct Heartbeat {
    /// Milliseconds since the Unix epoch of the last beat.
    last: AtomicI64,
    idle: AtomicBool,
    /// Milliseconds since the epoch of the last successful round (poll, refresh); 0: none yet.
    last_success: AtomicI64,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Self {
            last: AtomicI64::new(now_ms()),
            idle: AtomicBool::new(false),
            last_success: AtomicI64::new(0),
        }
    }
}

fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

impl Heartbeat {
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// Progress: the loop is working and not stuck.
    pub fn beat(&self) {
        self.last.store(now_ms(), Ordering::Relaxed);
        self.idle.store(false, Ordering::Relaxed);
    }

    /// The loop is about to wait for its next round; waiting is not being wedged.
    pub fn idle(&self) {
        self.last.store(now_ms(), Ordering::Relaxed);
        self.idle.store(true, Ordering::Relaxed);
    }

    /// A round succeeded (e.g. a poll of the channel).
    pub fn success(&self) {
        self.last_success.store(now_ms(), Ordering::Relaxed);
        self.beat();
    }

    pub fn last_success(&self) -> Option<Timestamp> {
        match self.last_success.load(Ordering::Relaxed) {
            0 => None,
            ms => Timestamp::from_millisecond(ms).ok(),
        }
    }

    pub fn is_idle(&self) -> bool {
        self.idle.load(Ordering::Relaxed)
    }

    /// How long the loop has been busy without progress (zero while idle).
    pub fn stalled_for(&self, now: Timestamp) -> Duration {
        if self.is_idle() {
            return Duration::ZERO;
        }
        let ms = now.as_millisecond() - self.last.load(Ordering::Relaxed);
        Duration::from_millis(ms.max(0) as u64)
    }
}

/// The heartbeats of one running pipeline, by loop name (`forwarder`, `reference`,
/// `poller:sambat`, …).
#[derive(Clone, Debug, Default)]
pub struct Liveness {
    loops: Arc<Mutex<Vec<Named>>>,
}

type Named = (String, Arc<Heartbeat>);

/// One loop's state as the watchdog sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct LoopState {
    pub name: String,
    pub stalled_for: Duration,
    pub wedged: bool,
    pub last_success: Option<Timestamp>,
}

impl Liveness {
    pub fn register(&self, name: impl Into<String>, hb: Arc<Heartbeat>) {
        self.loops
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((name.into(), hb));
    }

    pub fn heartbeat(&self, name: &str) -> Option<Arc<Heartbeat>> {
        self.loops
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, h)| h.clone())
    }

    pub fn states(&self, stall_limit: Duration) -> Vec<LoopState> {
        let now = Timestamp::now();
        self.loops
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(name, hb)| {
                let stalled_for = hb.stalled_for(now);
                LoopState {
                    name: name.clone(),
                    stalled_for,
                    wedged: stalled_for > stall_limit,
                    last_success: hb.last_success(),
                }
            })
            .collect()
    }

    /// Names of the wedged loops; empty when everything is alive.
    pub fn wedged(&self, stall_limit: Duration) -> Vec<String> {
        self.states(stall_limit)
            .into_iter()
            .filter(|s| s.wedged)
            .map(|s| s.name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_loops_are_alive_and_busy_ones_wedge() {
        let live = Liveness::default();
        let hb = Heartbeat::new();
        live.register("forwarder", hb.clone());
        hb.idle();
        let later = Timestamp::now() + jiff::SignedDuration::from_secs(3600);
        assert_eq!(hb.stalled_for(later), Duration::ZERO);
        hb.beat();
        assert!(hb.stalled_for(later) > Duration::from_secs(3000));
        assert!(live.wedged(Duration::from_secs(60)).is_empty());
        assert!(hb.last_success().is_none());
        hb.success();
        assert!(hb.last_success().is_some());
    }
}
