//! Sync stage: reads LAPOR!'s updates feed into the store, page by page, and looks open
//! complaints up one by one when the feed cannot be trusted (a cursor LAPOR! forgot) and
//! periodically (the reconciliation sweep). Applying and queueing write-backs is the store's.

mod lookup;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use jiff::Timestamp;
use tokio::sync::Notify;
use tracing::{debug, info, warn};

use crate::config::SyncConfig;
use crate::domain::RecordKey;
use crate::runtime::backoff::ceiling;
use crate::runtime::{Heartbeat, Stage, Step};
use crate::store::{ApplyReport, Effect, IncomingUpdate, Store, StoreError, UpdateSource};
use crate::wire::lapor::types::Pembaruan;
use crate::wire::lapor::{CallClass, LaporClient, LaporError};

pub use lookup::updates_from_lookup;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("LAPOR! updates feed: {0}")]
    Lapor(#[from] LaporError),
}

/// What one step did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub read: usize,
    pub applied: ApplyReport,
    /// The feed said there is more to read now.
    pub more: bool,
    /// The cursor was refused and open complaints were looked up instead.
    pub recovered: bool,
    pub looked_up: usize,
}

#[derive(Debug, Default)]
pub struct SyncStats {
    pub pages: AtomicU64,
    pub updates_read: AtomicU64,
    pub applied: AtomicU64,
    pub duplicates: AtomicU64,
    pub not_applied: AtomicU64,
    pub lookups: AtomicU64,
    pub cursor_resets: AtomicU64,
    pub failures: AtomicU64,
    /// Unix seconds of the last page read without error.
    pub last_success: AtomicU64,
}

pub struct Sync {
    store: Store,
    client: Arc<LaporClient>,
    cfg: SyncConfig,
    /// Channel → its write-back worker's waker; the channels that take write-backs.
    writeback_wakers: BTreeMap<String, Arc<Notify>>,
    writeback_channels: BTreeSet<String>,
    sweep: Mutex<SweepState>,
    /// No sweep has finished since the start: its look-ups are paced to the background share
    /// even when no creates wait, so a restart does not open with a burst of look-ups.
    first_sweep: std::sync::atomic::AtomicBool,
    /// Consecutive failed reads of the feed: the wait before the next grows with them.
    failures: AtomicU32,
    /// The feed's last read said more pages wait (or none was read yet since the start): the
    /// sweep holds off, since a complaint looked up ahead of its feed updates would skip the
    /// statuses between (the look-up only tells the latest). A failing feed is not behind:
    /// then the look-ups are the only way to hear from LAPOR!.
    feed_behind: AtomicBool,
    pub stats: Arc<SyncStats>,
    pub heartbeat: Arc<Heartbeat>,
    /// The reconciliation sweep's own: it runs beside the feed loop.
    pub sweep_heartbeat: Arc<Heartbeat>,
}

impl Sync {
    pub fn new(
        store: Store,
        client: Arc<LaporClient>,
        cfg: SyncConfig,
        writeback_wakers: BTreeMap<String, Arc<Notify>>,
    ) -> Self {
        let writeback_channels = writeback_wakers.keys().cloned().collect();
        let first_sweep = Timestamp::now() + jiff::SignedDuration::from_secs(60);
        Sync {
            store,
            client,
            cfg,
            writeback_wakers,
            writeback_channels,
            sweep: Mutex::new(SweepState {
                next: first_sweep,
                ..SweepState::default()
            }),
            first_sweep: std::sync::atomic::AtomicBool::new(true),
            failures: AtomicU32::new(0),
            feed_behind: AtomicBool::new(true),
            stats: Arc::default(),
            heartbeat: Arc::default(),
            sweep_heartbeat: Arc::default(),
        }
    }

    /// Reads one page of the feed and commits it with the next cursor. On `invalid_cursor`
    /// every open complaint is looked up, then the feed is read again from its start
    /// (deduplicated), so nothing between the last good cursor and now is missed.
    pub async fn step(&self) -> Result<SyncReport, SyncError> {
        let r = self.read_page().await;
        let behind = r.as_ref().is_ok_and(|r| r.more);
        self.feed_behind.store(behind, Ordering::Relaxed);
        r
    }

    async fn read_page(&self) -> Result<SyncReport, SyncError> {
        let cursor = self.store.feed_cursor()?;
        let page = match self
            .client
            .pembaruan(cursor.as_deref(), self.cfg.page_size)
            .await
        {
            Ok(p) => p,
            Err(LaporError::InvalidCursor) => {
                warn!("LAPOR! no longer knows the feed cursor; looking up every open complaint, then reading the feed from its start");
                self.stats.cursor_resets.fetch_add(1, Ordering::Relaxed);
                let mut report = self
                    .reconcile(None, usize::MAX, CallClass::Background, &self.heartbeat)
                    .await?;
                self.store.clear_feed_cursor()?;
                report.recovered = true;
                report.more = true;
                return Ok(report);
            }
            Err(e) => {
                self.stats.failures.fetch_add(1, Ordering::Relaxed);
                return Err(e.into());
            }
        };
        let now = Timestamp::now();
        let updates: Vec<IncomingUpdate> = page.data.iter().map(|p| from_feed(p, now)).collect();
        // A page without a next cursor keeps the current one: never step back to the start.
        let next = page.kursor_berikut.as_deref().filter(|c| !c.is_empty());
        let next = next.map(str::to_owned);
        let has_next = next.is_some();
        let channels = self.writeback_channels.clone();
        let (updates, (applied, effects)) = self
            .store
            .blocking(move |s| {
                let r = s.apply_updates(&updates, next.as_deref(), &channels, now)?;
                Ok((updates, r))
            })
            .await?;
        self.stats.pages.fetch_add(1, Ordering::Relaxed);
        self.stats
            .last_success
            .store(now.as_second().max(0) as u64, Ordering::Relaxed);
        self.count(&applied, updates.len());
        self.log_and_wake(&effects);
        Ok(SyncReport {
            read: updates.len(),
            applied,
            more: page.ada_lagi && has_next,
            recovered: false,
            looked_up: 0,
        })
    }

    /// Looks up open complaints not checked since `checked_before` (all with `None`), at most
    /// `limit`, and applies what LAPOR! holds for each. `class`: the look-ups' place under the
    /// quota (background, or paced for the first sweep after a start).
    pub async fn reconcile(
        &self,
        checked_before: Option<Timestamp>,
        limit: usize,
        class: CallClass,
        heartbeat: &Heartbeat,
    ) -> Result<SyncReport, SyncError> {
        let open = self.store.open_complaints(checked_before, limit)?;
        let mut report = SyncReport::default();
        for c in open {
            heartbeat.beat();
            let laporan = self.client.get(&c.tracking_id, class).await?;
            self.stats.lookups.fetch_add(1, Ordering::Relaxed);
            report.looked_up += 1;
            let now = Timestamp::now();
            match laporan {
                None => warn!(record = %c.key, tracking_id = %c.tracking_id,
                              "LAPOR! does not know this tracking id any more; left as it is"),
                Some(l) => {
                    let updates = updates_from_lookup(&l, now);
                    let read = updates.len();
                    let channels = self.writeback_channels.clone();
                    let (applied, effects) = self
                        .store
                        .blocking(move |s| s.apply_updates(&updates, None, &channels, now))
                        .await?;
                    self.count(&applied, read);
                    self.log_and_wake(&effects);
                    report.read += read;
                    add(&mut report.applied, &applied);
                }
            }
            let id = c.record_id;
            self.store
                .blocking(move |s| s.mark_checked(id, now))
                .await?;
        }
        Ok(report)
    }

    /// One look-up of the sweep in progress, starting a sweep when one is due. Returns
    /// whether the sweep has more to look up. One look-up a step, because shutdown is only
    /// looked at between steps: a sweep held to the background share (3 a minute at the
    /// default quota) must not hold a stop for the whole batch.
    async fn sweep_step(&self) -> Result<bool, SyncError> {
        if self.feed_behind.load(Ordering::Relaxed) {
            return Ok(false);
        }
        let now = Timestamp::now();
        let before = {
            let mut s = self.sweep.lock().expect("sweep lock");
            if s.remaining == 0 {
                if now < s.next {
                    return Ok(false);
                }
                let every = jiff::SignedDuration::try_from(self.cfg.reconcile_interval)
                    .unwrap_or(jiff::SignedDuration::from_hours(1));
                *s = SweepState {
                    next: now + every,
                    before: now - every,
                    remaining: self.cfg.reconcile_batch,
                    looked_up: 0,
                    applied: 0,
                };
            }
            s.before
        };
        let class = if self.first_sweep.load(Ordering::Relaxed) {
            CallClass::Paced
        } else {
            CallClass::Background
        };
        let r = self
            .reconcile(Some(before), 1, class, &self.sweep_heartbeat)
            .await;
        let mut s = self.sweep.lock().expect("sweep lock");
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                // The sweep ends here; the next one starts with the least recently checked.
                s.remaining = 0;
                return Err(e);
            }
        };
        s.looked_up += r.looked_up;
        s.applied += r.applied.applied;
        s.remaining = if r.looked_up == 0 { 0 } else { s.remaining - 1 };
        if s.remaining > 0 {
            return Ok(true);
        }
        self.first_sweep.store(false, Ordering::Relaxed);
        if s.looked_up > 0 {
            info!(
                looked_up = s.looked_up,
                applied = s.applied,
                "reconciliation sweep"
            );
        }
        Ok(false)
    }

    fn count(&self, a: &ApplyReport, read: usize) {
        self.stats
            .updates_read
            .fetch_add(read as u64, Ordering::Relaxed);
        self.stats
            .applied
            .fetch_add(a.applied as u64, Ordering::Relaxed);
        self.stats
            .duplicates
            .fetch_add(a.duplicates as u64, Ordering::Relaxed);
        self.stats.not_applied.fetch_add(
            (a.stale + a.same_content + a.unknown) as u64,
            Ordering::Relaxed,
        );
    }

    fn log_and_wake(&self, effects: &[(RecordKey, Effect)]) {
        let mut woken = BTreeSet::new();
        for (key, effect) in effects {
            match effect {
                Effect::Stale => {
                    info!(record = %key, "older LAPOR! status after a newer one: recorded, not applied")
                }
                e if e.applied() => debug!(record = %key, effect = ?e, "LAPOR! update applied"),
                _ => {}
            }
            if effect.applied() && woken.insert(key.channel.as_str().to_owned()) {
                if let Some(w) = self.writeback_wakers.get(key.channel.as_str()) {
                    w.notify_one();
                }
            }
        }
    }
}

/// The feed: read while it has more, then wait a poll interval (longer after failures).
impl Stage for Sync {
    fn name(&self) -> String {
        "sync".into()
    }

    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            match Sync::step(self).await {
                Ok(r) => {
                    self.failures.store(0, Ordering::Relaxed);
                    self.heartbeat.success();
                    if r.more {
                        Step::More
                    } else {
                        Step::Idle(self.cfg.poll_interval)
                    }
                }
                Err(e) => {
                    let failures = self.failures.fetch_add(1, Ordering::Relaxed) + 1;
                    warn!(error = %e, "reading LAPOR!'s updates failed; trying again");
                    Step::Idle(ceiling(
                        self.cfg.poll_interval,
                        Duration::from_secs(300),
                        failures,
                    ))
                }
            }
        })
    }
}

/// The reconciliation sweep, a stage beside the feed so that its look-ups (one request
/// each, under the shared rate limit) never hold up the feed. It looks every few seconds
/// whether a sweep is due.
pub struct Sweep(pub Arc<Sync>);

impl Stage for Sweep {
    fn name(&self) -> String {
        "sync-sweep".into()
    }

    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            match self.0.sweep_step().await {
                Ok(true) => Step::More,
                Ok(false) => Step::Idle(Duration::from_secs(5)),
                Err(e) => {
                    warn!(error = %e, "reconciliation sweep stopped early; it resumes next time");
                    Step::Idle(Duration::from_secs(5))
                }
            }
        })
    }
}

/// The reconciliation sweep in progress: `remaining` look-ups of complaints not checked
/// since `before`; `next`: when the next sweep is due.
#[derive(Clone, Copy, Debug)]
struct SweepState {
    next: Timestamp,
    before: Timestamp,
    remaining: usize,
    looked_up: usize,
    applied: usize,
}

impl Default for SweepState {
    fn default() -> Self {
        SweepState {
            next: Timestamp::UNIX_EPOCH,
            before: Timestamp::UNIX_EPOCH,
            remaining: 0,
            looked_up: 0,
            applied: 0,
        }
    }
}

fn add(into: &mut ApplyReport, a: &ApplyReport) {
    into.applied += a.applied;
    into.duplicates += a.duplicates;
    into.stale += a.stale;
    into.same_content += a.same_content;
    into.unknown += a.unknown;
    into.writebacks_queued += a.writebacks_queued;
}

/// LAPOR!'s times are RFC 3339; one that is not is taken as the time it was read, and said.
pub(crate) fn parse_waktu(s: &str, now: Timestamp) -> Timestamp {
    s.parse::<Timestamp>().unwrap_or_else(|_| {
        warn!(
            waktu = s,
            "LAPOR! sent a time that is not RFC 3339; using the time it was read"
        );
        now
    })
}

fn from_feed(p: &Pembaruan, now: Timestamp) -> IncomingUpdate {
    IncomingUpdate {
        id_pembaruan: p.id_pembaruan.clone(),
        tracking_id: p.tracking_id.clone(),
        id_eksternal: Some(p.id_eksternal.clone()),
        status: Some(p.status.clone()),
        tanggapan: p
            .tanggapan
            .as_ref()
            .map(|t| (t.isi.clone(), t.oleh.clone())),
        waktu: parse_waktu(&p.waktu, now),
        source: UpdateSource::Feed,
    }
}
