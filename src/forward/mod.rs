//! Forwarding stage: claims due records from the store, sends each to LAPOR! once, and
//! records what happened. `step` is one claim-send-record round, so a test can drive it; the
//! [`Stage`] impl is what the runtime loops over.

pub mod delivery;
pub mod reference;
pub mod retry;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use futures::StreamExt;
use jiff::Timestamp;
use tokio::sync::Notify;
use tracing::{debug, error, info, warn, Instrument};

use crate::channel::{reference_ids, Mappers};
use crate::config::ForwarderConfig;
use crate::domain::FieldProblem;
use crate::mapping::ReferenceIds;
use crate::runtime::{Heartbeat, Stage, Step};
use crate::store::{Claimed, Outcome, Store, StoreError};
use crate::wire::lapor::{CreateOutcome, LaporClient, LaporError};
pub use delivery::Delivery;
use retry::{counts_against_budget, health_of, retry_at, Outage};
use serde_json::value::RawValue;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StepReport {
    pub claimed: usize,
    pub forwarded: usize,
    pub retried: usize,
    pub dead: usize,
    pub held: usize,
    pub deferred: usize,
    /// Set when the forwarder is pausing (LAPOR! down, or over quota).
    pub paused_until: Option<Timestamp>,
    /// Dry run: records validated instead of sent.
    pub dry_run_checked: usize,
}

#[derive(Debug, Default)]
pub struct ForwarderStats {
    pub forwarded: AtomicU64,
    pub created: AtomicU64,
    pub existed: AtomicU64,
    pub retried: AtomicU64,
    pub dead: AtomicU64,
    pub held: AtomicU64,
    pub steps: AtomicU64,
}

pub struct Forwarder {
    store: Store,
    client: Arc<LaporClient>,
    cfg: ForwarderConfig,
    mappers: Mappers,
    outage: Mutex<Outage>,
    wake: Arc<Notify>,
    pub stats: Arc<ForwarderStats>,
    /// Beaten on progress, idle while waiting: the systemd watchdog watches it.
    pub heartbeat: Arc<Heartbeat>,
    delivery: Delivery,
    /// LAPOR!'s answer count when the current step began: one after it ends an outage pause.
    answers_seen: AtomicU64,
}

const PAUSE_SETTING: &str = "forwarder.paused_until";

/// Outcomes are committed once this many are ready, or [`FLUSH_AFTER`] after the first of them
/// came: a crash loses the outcomes of at most a few records (which are then in doubt and
/// looked up), and a large batch does not wait for its slowest record.
const FLUSH_AT: usize = 8;
const FLUSH_AFTER: Duration = Duration::from_millis(50);

impl Forwarder {
    pub fn new(
        store: Store,
        client: Arc<LaporClient>,
        cfg: ForwarderConfig,
        mappers: Mappers,
    ) -> Self {
        // A pause survives a restart: restarting during an outage must not stampede.
        let mut outage = Outage::default();
        outage.paused_until = store
            .setting(PAUSE_SETTING)
            .ok()
            .flatten()
            .and_then(|s| crate::time::parse_db(&s))
            .filter(|t| *t > Timestamp::now());
        Self {
            store,
            client,
            cfg,
            mappers,
            outage: Mutex::new(outage),
            wake: Arc::new(Notify::new()),
            stats: Arc::default(),
            heartbeat: Arc::default(),
            delivery: Delivery::Live,
            answers_seen: AtomicU64::new(0),
        }
    }

    /// In [`Mode::DryRun`](crate::config::Mode) every claimed record is mapped and validated
    /// and its verdict recorded; nothing is sent.
    pub fn with_mode(mut self, mode: crate::config::Mode) -> Self {
        self.delivery = Delivery::of(mode);
        self
    }

    pub fn is_dry_run(&self) -> bool {
        self.delivery == Delivery::DryRun
    }

    /// Intake calls `notify_one` on this after committing, so new records go out at once.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    pub fn client(&self) -> &Arc<LaporClient> {
        &self.client
    }

    fn lock_outage(&self) -> std::sync::MutexGuard<'_, Outage> {
        self.outage.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// LAPOR! answered another call during an outage pause: the pause ends now, and the
    /// records waiting for its end are due now.
    fn end_outage(&self) -> Result<(), StoreError> {
        let now = Timestamp::now();
        let Some(until) = self.lock_outage().end_on_answer() else {
            return Ok(());
        };
        let released = if until > now {
            self.store.release_paused(until, now)?
        } else {
            0
        };
        self.store
            .set_setting(PAUSE_SETTING, &crate::time::db(now))?;
        info!(released, "LAPOR! answered again; ending the outage pause");
        Ok(())
    }

    /// Until the next record is due, but looking again at least every idle_poll.
    fn idle_wait(&self) -> Duration {
        let now = Timestamp::now();
        self.store
            .next_due()
            .ok()
            .flatten()
            .map(|t| Duration::try_from(t.duration_since(now)).unwrap_or(Duration::ZERO))
            .unwrap_or(self.cfg.idle_poll)
            .min(self.cfg.idle_poll)
    }

    fn paused_until(&self, now: Timestamp) -> Option<Timestamp> {
        self.outage
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .paused_until
            .filter(|t| *t > now)
    }

    /// One round: claim due records, send them, and record the outcomes as they come, a few
    /// at a time (see [`FLUSH_AT`]), so a crash mid-round leaves only those few in doubt.
    pub async fn step(&self) -> Result<StepReport, StoreError> {
        let now = Timestamp::now();
        self.stats.steps.fetch_add(1, Ordering::Relaxed);
        if let Some(until) = self.paused_until(now) {
            return Ok(StepReport {
                paused_until: Some(until),
                ..Default::default()
            });
        }
        // During an outage one record probes; the rest keep their attempts.
        let in_outage = self
            .outage
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .in_outage();
        let limit = if in_outage { 1 } else { self.cfg.batch_size };
        self.delivery.before_claim(&self.store, now)?;
        let claimed = self
            .store
            .blocking(move |s| s.claim_due(now, limit))
            .await?;
        // Creates first: while records are claimed, background calls keep to their share.
        self.client
            .quota()
            .set_creates_waiting(!claimed.is_empty() && !self.is_dry_run());
        let mut report = StepReport {
            claimed: claimed.len(),
            ..Default::default()
        };
        if claimed.is_empty() {
            return Ok(report);
        }
        let reference = reference_ids(&self.store)?;
        let mut outcomes = futures::stream::iter(claimed)
            .map(|c| self.attempt(c, &reference))
            .buffer_unordered(self.cfg.concurrency);
        let mut ready: Vec<(i64, Outcome)> = Vec::new();
        let mut first_ready: Option<tokio::time::Instant> = None;
        let mut flushing: Option<tokio::task::JoinHandle<Result<(), StoreError>>> = None;
        let mut done = false;
        while !done || flushing.is_some() || !ready.is_empty() {
            // One flush at a time, and the deliveries go on while it commits.
            if flushing.is_none()
                && !ready.is_empty()
                && (done
                    || ready.len() >= FLUSH_AT
                    || first_ready.is_some_and(|t| t.elapsed() >= FLUSH_AFTER))
            {
                flushing = Some(self.flush(std::mem::take(&mut ready)));
                first_ready = None;
            }
            let deadline = first_ready
                .filter(|_| flushing.is_none())
                .map(|t| t + FLUSH_AFTER);
            tokio::select! {
                next = outcomes.next(), if !done => match next {
                    Some(o) => {
                        self.tally(&o.1, &mut report);
                        ready.push(o);
                        first_ready.get_or_insert_with(tokio::time::Instant::now);
                    }
                    None => done = true,
                },
                joined = async { flushing.as_mut().expect("guarded").await },
                    if flushing.is_some() =>
                {
                    flushing = None;
                    joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?;
                }
                () = tokio::time::sleep_until(deadline.unwrap_or_else(tokio::time::Instant::now)),
                    if deadline.is_some() => {}
            }
        }
        report.paused_until = self.paused_until(Timestamp::now());
        if let Some(until) = report.paused_until {
            self.store
                .set_setting(PAUSE_SETTING, &crate::time::db(until))?;
        }
        Ok(report)
    }

    /// Commits `outcomes` in one transaction on the blocking pool.
    fn flush(
        &self,
        outcomes: Vec<(i64, Outcome)>,
    ) -> tokio::task::JoinHandle<Result<(), StoreError>> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.record_outcomes(&outcomes, Timestamp::now()))
    }

    fn tally(&self, o: &Outcome, report: &mut StepReport) {
        let counter = match o {
            Outcome::Forwarded { .. } => {
                report.forwarded += 1;
                &self.stats.forwarded
            }
            Outcome::Retry { .. } => {
                report.retried += 1;
                &self.stats.retried
            }
            Outcome::Dead { .. } => {
                report.dead += 1;
                &self.stats.dead
            }
            Outcome::Held { .. } => {
                report.held += 1;
                &self.stats.held
            }
            Outcome::Deferred { .. } => {
                report.deferred += 1;
                return;
            }
            Outcome::DryRun(_) => {
                report.dry_run_checked += 1;
                return;
            }
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    async fn attempt(&self, c: Claimed, reference: &ReferenceIds) -> (i64, Outcome) {
        let span = tracing::info_span!(
            "forward", record = %c.key, channel = %c.key.channel, local_id = %c.key.local_id, attempt = c.attempts
        );
        let id = c.id;
        let outcome = async {
            match self.delivery {
                Delivery::Live => self.deliver(&c, reference).await,
                Delivery::DryRun => delivery::judge(&self.mappers, &c, reference, Timestamp::now()),
            }
        }
        .instrument(span)
        .await;
        self.heartbeat.beat();
        (id, outcome)
    }

    /// Live delivery: map, send (looking it up first when in doubt), and say what happened.
    async fn deliver(&self, c: &Claimed, reference: &ReferenceIds) -> Outcome {
        let now = Timestamp::now();
        if let Some(until) = self.paused_until(now) {
            return Outcome::Deferred {
                at: until,
                in_doubt: c.in_doubt,
            };
        }
        let mapped = match self.mappers.map(&c.key, &c.raw, reference, now) {
            Ok(m) => m,
            Err(problems) => {
                warn!(problems = %join(&problems), "held: cannot be mapped");
                return Outcome::Held { problems };
            }
        };
        // Serialised once: the same text is sent and, with the outcome, stored.
        let payload = serde_json::value::to_raw_value(&mapped.payload)
            .expect("serialising plain data cannot fail");
        if cfg!(debug_assertions) {
            crate::dryrun::schema::debug_assert_valid(
                &serde_json::from_str(payload.get()).unwrap_or_default(),
            );
        }
        match self.send(c, &payload).await {
            Ok((tracking_id, divergence)) => {
                self.outage
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .record_success();
                match &divergence {
                    Some(d) => {
                        self.stats.existed.fetch_add(1, Ordering::Relaxed);
                        warn!(%tracking_id, divergence = %d, "forwarded: the complaint already existed")
                    }
                    None => {
                        self.stats.created.fetch_add(1, Ordering::Relaxed);
                        info!(%tracking_id, "forwarded")
                    }
                }
                Outcome::Forwarded {
                    tracking_id,
                    payload,
                    notes: mapped.notes,
                    divergence,
                }
            }
            Err((err, in_doubt)) => self.failure(c, err, in_doubt, payload),
        }
    }

    /// Looks the complaint up first when an earlier attempt may have created it, then creates
    /// it. On error, also says whether the record is (still) in doubt.
    async fn send(
        &self,
        c: &Claimed,
        payload: &RawValue,
    ) -> Result<(String, Option<String>), (LaporError, bool)> {
        let key = c.key.id_eksternal();
        if c.in_doubt {
            match self.client.find_by_id_eksternal(&key).await {
                Ok(Some(found)) => {
                    return Ok((
                        found.tracking_id,
                        Some("found by id_eksternal after an interrupted attempt".into()),
                    ))
                }
                Ok(None) => debug!("not in LAPOR! after an interrupted attempt; sending"),
                Err(e) => return Err((e, true)),
            }
        }
        match self.client.create(&key, payload).await {
            Ok(CreateOutcome::Created { tracking_id }) => Ok((tracking_id, None)),
            Ok(CreateOutcome::Replayed { tracking_id }) => Ok((
                tracking_id,
                Some("LAPOR! replayed an earlier create of this same body".into()),
            )),
            Ok(CreateOutcome::Conflict { tracking_id }) => Ok((
                tracking_id,
                Some("LAPOR! already holds this complaint with a different body (409); this version was not sent".into()),
            )),
            Err(e) => {
                let ambiguous = e.is_ambiguous();
                Err((e, ambiguous))
            }
        }
    }

    fn failure(
        &self,
        c: &Claimed,
        err: LaporError,
        in_doubt: bool,
        payload: Box<RawValue>,
    ) -> Outcome {
        let now = Timestamp::now();
        let (pause, was_in_outage, in_outage) = {
            let mut o = self.lock_outage();
            let was = o.in_outage();
            let pause = o.record_failure(&self.cfg, health_of(&err), err.retry_after(), now);
            (pause, was, o.in_outage())
        };
        let counted = counts_against_budget(&err, was_in_outage);
        if let Some(p) = pause {
            warn!(pause_secs = p.as_secs_f64(), error = %err, "pausing every LAPOR! send");
        }
        if crate::wire::lapor::is_lapor_clock_behind(&err) {
            // Mapped again on the next attempt, with a fresh clamp to our clock; the attempt is
            // given back, so a clock that stays behind for a while costs no budget. Soon (a
            // clock is seconds or minutes behind), but never faster than the backoff ceiling.
            let delay = self.cfg.backoff_max.min(Duration::from_secs(30));
            let at =
                now + jiff::SignedDuration::try_from(delay).unwrap_or(jiff::SignedDuration::MAX);
            warn!(error = %err, retry_in_secs = delay.as_secs_f64(), "LAPOR!'s clock is behind ours: waktu_lapor refused as future; will retry");
            return Outcome::Deferred { at, in_doubt };
        }
        if let LaporError::Permanent { fields, .. } = &err {
            let problems = fields
                .iter()
                .map(|f| FieldProblem::new(&f.field, &f.message))
                .collect();
            error!(error = %err, "dead letter: LAPOR! refused it");
            return Outcome::Dead {
                error: err.to_string(),
                problems,
                payload: Some(payload),
                in_doubt: false,
            };
        }
        // An outage is not this record's fault: it does not exhaust its budget.
        if counted && c.attempts >= self.cfg.max_attempts && !in_outage {
            error!(attempts = c.attempts, error = %err, "dead letter: out of attempts");
            let doubt = if in_doubt {
                "; the last attempt may have reached LAPOR!, retry looks it up first"
            } else {
                ""
            };
            return Outcome::Dead {
                error: format!(
                    "gave up after {} attempts; last error: {err}{doubt}",
                    c.attempts
                ),
                problems: Vec::new(),
                payload: Some(payload),
                in_doubt,
            };
        }
        let at = retry_at(
            &self.cfg,
            c.attempts,
            counted,
            err.retry_after(),
            self.paused_until(now),
            now,
        );
        let retry_in_secs = at.duration_since(now).as_secs_f64();
        warn!(error = %err, retry_in_secs, in_doubt, counted, "attempt failed; will retry");
        Outcome::Retry {
            at,
            error: err.to_string(),
            in_doubt,
            payload: Some(payload),
            counted,
        }
    }
}

fn join(problems: &[FieldProblem]) -> String {
    problems
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

impl Stage for Forwarder {
    fn name(&self) -> String {
        "forwarder".into()
    }

    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            // Answers counted before the step: one that comes after (from this step's other
            // records, the sync, a reference refresh) ends an outage pause at once.
            self.answers_seen
                .store(self.client.health().answered(), Ordering::Relaxed);
            match Forwarder::step(self).await {
                Ok(r) if r.claimed > 0 && r.paused_until.is_none() => Step::More,
                Ok(StepReport {
                    paused_until: Some(until),
                    ..
                }) => Step::Paused(until),
                Ok(_) => Step::Idle(self.idle_wait()),
                Err(e) => {
                    error!(error = %e, "forwarder step failed; the store is the problem, retrying");
                    Step::Idle(self.cfg.idle_poll)
                }
            }
        })
    }

    fn woken(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let in_outage = self.lock_outage().in_outage();
            if !in_outage {
                return std::future::pending().await;
            }
            let seen = self.answers_seen.load(Ordering::Relaxed);
            self.client.health().answered_since(seen).await;
            if let Err(e) = self.end_outage() {
                error!(error = %e, "could not release the records waiting for the pause");
            }
        })
    }
}
