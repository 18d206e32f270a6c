//! Forwarding stage: claims due records from the store, sends each to LAPOR! once, and
//! records what happened. `step` is one claim-send-record round, so a test can drive it.

pub mod reference;
pub mod retry;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use jiff::Timestamp;
use tokio::sync::Notify;
use tracing::{debug, error, info, warn, Instrument};

use crate::channel::{reference_ids, Mappers};
use crate::config::ForwarderConfig;
use crate::domain::FieldProblem;
use crate::mapping::ReferenceIds;
use crate::shutdown::Shutdown;
use crate::store::{Claimed, Outcome, Store, StoreError};
use crate::wire::lapor::types::CreateLaporan;
use crate::wire::lapor::{CreateOutcome, LaporClient, LaporError};
use retry::{counts_against_budget, health_of, retry_at, Outage};

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
    pub heartbeat: Arc<crate::service::liveness::Heartbeat>,
    /// Dry run: validate and record a verdict instead of sending; no LAPOR! create, ever.
    dry_run: bool,
}

const PAUSE_SETTING: &str = "forwarder.paused_until";

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
            dry_run: false,
        }
    }

    /// In [`Mode::DryRun`](crate::config::Mode) every claimed record is mapped and validated
    /// and its verdict recorded; nothing is sent.
    pub fn with_mode(mut self, mode: crate::config::Mode) -> Self {
        self.dry_run = mode == crate::config::Mode::DryRun;
        self
    }

    pub fn is_dry_run(&self) -> bool {
        self.dry_run
    }

    /// Intake calls `notify_one` on this after committing, so new records go out at once.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    pub fn client(&self) -> &Arc<LaporClient> {
        &self.client
    }

    /// Runs steps until shutdown; the step in flight when shutdown comes is finished and
    /// recorded first.
    pub async fn run(&self, mut shutdown: Shutdown) {
        loop {
            if shutdown.is_shutdown() {
                return;
            }
            self.heartbeat.beat();
            // Answers counted before the step: one that comes after (from this step's other
            // records, the sync, a reference refresh) ends an outage pause at once.
            let health = self.client.health().clone();
            let seen = health.answered();
            let wait = match self.step().await {
                Ok(r) if r.claimed > 0 && r.paused_until.is_none() => continue,
                Ok(r) => self.idle_wait(r.paused_until),
                Err(e) => {
                    error!(error = %e, "forwarder step failed; the store is the problem, retrying");
                    self.cfg.idle_poll
                }
            };
            self.heartbeat.idle();
            let in_outage = self.lock_outage().in_outage();
            tokio::select! {
                _ = shutdown.recv() => return,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = health.answered_since(seen), if in_outage => {
                    if let Err(e) = self.end_outage() {
                        error!(error = %e, "could not release the records waiting for the pause");
                    }
                }
            }
        }
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

    fn idle_wait(&self, paused_until: Option<Timestamp>) -> Duration {
        let now = Timestamp::now();
        let until = paused_until.or_else(|| self.store.next_due().ok().flatten());
        let d = until
            .map(|t| Duration::try_from(t.duration_since(now)).unwrap_or(Duration::ZERO))
            .unwrap_or(self.cfg.idle_poll);
        // Paused: wait it out. Idle: look again at least every idle_poll.
        if paused_until.is_some() {
            d
        } else {
            d.min(self.cfg.idle_poll)
        }
    }

    fn paused_until(&self, now: Timestamp) -> Option<Timestamp> {
        self.outage
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .paused_until
            .filter(|t| *t > now)
    }

    /// One round: claim due records, send them, record every outcome in one transaction.
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
        if self.dry_run {
            // Unmappable records get their verdict (and reasons) too.
            self.store.dry_run_release_held(now)?;
        }
        let claimed = self.store.claim_due(now, limit)?;
        let mut report = StepReport {
            claimed: claimed.len(),
            ..Default::default()
        };
        if claimed.is_empty() {
            return Ok(report);
        }
        let reference = reference_ids(&self.store)?;
        let outcomes: Vec<(i64, Outcome)> = futures::stream::iter(claimed)
            .map(|c| self.attempt(c, &reference))
            .buffer_unordered(self.cfg.concurrency)
            .collect()
            .await;
        for (_, o) in &outcomes {
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
                    continue;
                }
                Outcome::DryRun(_) => {
                    report.dry_run_checked += 1;
                    continue;
                }
            };
            counter.fetch_add(1, Ordering::Relaxed);
        }
        self.store.record_outcomes(&outcomes, Timestamp::now())?;
        report.paused_until = self.paused_until(Timestamp::now());
        if let Some(until) = report.paused_until {
            self.store
                .set_setting(PAUSE_SETTING, &crate::time::db(until))?;
        }
        Ok(report)
    }

    async fn attempt(&self, c: Claimed, reference: &ReferenceIds) -> (i64, Outcome) {
        let span = tracing::info_span!(
            "forward", record = %c.key, channel = %c.key.channel, local_id = %c.key.local_id, attempt = c.attempts
        );
        let id = c.id;
        let outcome = async {
            let now = Timestamp::now();
            if self.dry_run {
                let mapped = self.mappers.map(&c.key, &c.raw, reference, now);
                let verdict = crate::dryrun::verdict::judge_mapped(mapped, reference, now);
                if verdict.valid {
                    info!("dry run: valid, not sent");
                } else {
                    let fields: Vec<&str> = verdict.reasons.iter().map(|r| r.field.as_str()).collect();
                    warn!(fields = %fields.join(", "), "dry run: would be refused");
                }
                return Outcome::DryRun(verdict);
            }
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
            let payload = serde_json::to_value(&mapped.payload).unwrap_or_default();
            crate::dryrun::schema::debug_assert_valid(&payload);
            match self.send(&c, &mapped.payload).await {
                Ok((tracking_id, divergence)) => {
                    self.outage.lock().unwrap_or_else(|p| p.into_inner()).record_success();
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
                Err((err, in_doubt)) => self.failure(&c, err, in_doubt, payload),
            }
        }
        .instrument(span)
        .await;
        self.heartbeat.beat();
        (id, outcome)
    }

    /// Looks the complaint up first when an earlier attempt may have created it, then creates
    /// it. On error, also says whether the record is (still) in doubt.
    async fn send(
        &self,
        c: &Claimed,
        payload: &CreateLaporan,
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
        payload: serde_json::Value,
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
