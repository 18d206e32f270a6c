//! The SLA report for the dashboard, kept for a minute. Its met / met-late counts cover every
//! forwarded complaint, so computing it reads the store's whole history (seconds on a store of
//! 300k complaints); the dashboard serves the last one computed and, once it is older than
//! [`SLA_TTL`], computes the next in the background (stale while revalidating), so no
//! request waits for it but the very first. Nothing is computed while nobody asks.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use super::sla::SlaReport;
use super::ReportError;
use crate::config::ReportConfig;
use crate::store::Store;

/// How old the dashboard's SLA report may be: deadlines are in working days, and the watch
/// list that alerts act on is computed afresh by the alert stages.
pub const SLA_TTL: Duration = Duration::from_secs(60);

/// What the report depends on besides the store and the time.
type Key = (u32, Option<PathBuf>);

fn key(cfg: &ReportConfig) -> Key {
    (cfg.at_risk_margin_days, cfg.calendar_file.clone())
}

struct Entry {
    at: Instant,
    key: Key,
    report: Arc<SlaReport>,
}

#[derive(Default)]
pub struct SlaCache {
    slot: Mutex<Option<Entry>>,
    refreshing: AtomicBool,
}

/// Whether a report computed `age` ago with `cached` settings serves a request with `wanted`:
/// fresh, stale (serve it and refresh), or unusable (compute now).
#[derive(Debug, PartialEq, Eq)]
enum Use {
    Fresh,
    Stale,
    Compute,
}

fn decide(age: Option<Duration>, same_settings: bool, ttl: Duration) -> Use {
    match age {
        Some(a) if same_settings && a < ttl => Use::Fresh,
        Some(_) if same_settings => Use::Stale,
        _ => Use::Compute,
    }
}

impl SlaCache {
    /// The SLA report as of about now (at most [`SLA_TTL`] plus one computation old).
    pub fn get(
        self: &Arc<Self>,
        store: &Store,
        cfg: &ReportConfig,
    ) -> Result<Arc<SlaReport>, ReportError> {
        let (use_, cached) = {
            let slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
            match slot.as_ref() {
                Some(e) => (
                    decide(Some(e.at.elapsed()), e.key == key(cfg), SLA_TTL),
                    Some(e.report.clone()),
                ),
                None => (Use::Compute, None),
            }
        };
        match (use_, cached) {
            (Use::Fresh, Some(r)) => Ok(r),
            (Use::Stale, Some(r)) => {
                self.refresh_in_background(store, cfg);
                Ok(r)
            }
            _ => self.compute(store, cfg),
        }
    }

    /// Computes the report now and keeps it.
    pub fn compute(
        &self,
        store: &Store,
        cfg: &ReportConfig,
    ) -> Result<Arc<SlaReport>, ReportError> {
        let cal = super::calendar_for(cfg)?;
        let report = Arc::new(super::sla_report(store, cfg, &cal, Timestamp::now())?);
        *self.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(Entry {
            at: Instant::now(),
            key: key(cfg),
            report: report.clone(),
        });
        Ok(report)
    }

    /// One refresh at a time, on the blocking pool (outside a runtime: not at all).
    pub fn refresh_in_background(self: &Arc<Self>, store: &Store, cfg: &ReportConfig) {
        // Its queries are SQLite's; on PostgreSQL the dashboard says so when asked.
        if store.is_postgres() || self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            self.refreshing.store(false, Ordering::Release);
            return;
        };
        let (this, store, cfg) = (self.clone(), store.clone(), cfg.clone());
        rt.spawn_blocking(move || {
            if let Err(e) = this.compute(&store, &cfg) {
                tracing::warn!(error = %e, "dashboard: cannot refresh the SLA report");
            }
            this.refreshing.store(false, Ordering::Release);
        });
    }

    /// When the kept report was computed, if any.
    pub fn computed_ago(&self) -> Option<Duration> {
        let slot = self.slot.lock().unwrap_or_else(|e| e.into_inner());
        slot.as_ref().map(|e| e.at.elapsed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_within_the_ttl_stale_after_it_and_computed_when_settings_change() {
        let ttl = Duration::from_secs(60);
        assert_eq!(decide(Some(Duration::from_secs(5)), true, ttl), Use::Fresh);
        assert_eq!(decide(Some(Duration::from_secs(61)), true, ttl), Use::Stale);
        assert_eq!(
            decide(Some(Duration::from_secs(5)), false, ttl),
            Use::Compute
        );
        assert_eq!(decide(None, true, ttl), Use::Compute);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stale_report_is_served_while_the_next_is_computed() {
        let (_dir, store) = crate::store::testing::temp_store();
        let cfg = ReportConfig::default();
        let cache = Arc::new(SlaCache::default());
        let first = cache.get(&store, &cfg).unwrap();
        assert!(cache.computed_ago().is_some());
        // Within the TTL the same report comes back without computing.
        let again = cache.get(&store, &cfg).unwrap();
        assert!(Arc::ptr_eq(&first, &again));
        // Age it past the TTL: the stale one is served and a refresh replaces it.
        cache.slot.lock().unwrap().as_mut().unwrap().at -= SLA_TTL * 2;
        let stale = cache.get(&store, &cfg).unwrap();
        assert!(Arc::ptr_eq(&first, &stale));
        let deadline = Instant::now() + Duration::from_secs(30);
        while cache.computed_ago().unwrap() >= SLA_TTL {
            assert!(
                Instant::now() < deadline,
                "the background refresh never finished"
            );
            tokio::task::yield_now().await;
        }
        let fresh = cache.get(&store, &cfg).unwrap();
        assert!(!Arc::ptr_eq(&first, &fresh));
    }
}
