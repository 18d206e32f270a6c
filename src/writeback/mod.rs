//! Write-back stage: claims a channel's due write-backs from the store, delivers each to the
//! channel (in order per record), and records what happened. One worker per channel, so a
//! channel that is down pauses only itself.

pub mod render;
pub mod status_file;
pub use crate::template;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use jiff::Timestamp;
use tokio::sync::Notify;
use tracing::{error, info, warn, Instrument};

use crate::config::{ChannelConfig, ChannelKind, WritebackConfig, WritebackTarget};
use crate::domain::ChannelName;
use crate::runtime::backoff::{ceiling, full_jitter};
use crate::runtime::{Heartbeat, Stage, Step};
use crate::store::{ClaimedWriteback, Store, StoreError, WritebackOutcome};
use crate::wire::channel_api::{ChannelApiClient, ChannelApiError};
use crate::wire::sambat::{SambatClient, SambatError, TanggapanBody, WriteBackOutcome};
use render::Vars;

/// Write-backs claimed per step.
const BATCH: usize = 64;
/// Longest wait between steps when nothing is due (new work also wakes the worker).
const IDLE: Duration = Duration::from_secs(5);

pub use crate::store::delimiter_setting;

#[derive(Debug, thiserror::Error)]
pub enum WritebackError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot set up the write-back of channel {channel}: {why}")]
    Setup { channel: String, why: String },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WritebackReport {
    pub claimed: usize,
    pub done: usize,
    pub retried: usize,
    pub dead: usize,
    /// The channel failed transiently: the rest waits this long.
    pub paused: Option<Duration>,
}

#[derive(Debug, Default)]
pub struct WritebackStats {
    pub done: AtomicU64,
    pub retried: AtomicU64,
    pub dead: AtomicU64,
}

enum Sink {
    Sambat(SambatClient),
    Http(ChannelApiClient),
    StatusFile,
}

/// How a failed delivery counts.
#[derive(Clone)]
enum Failure {
    Transient(String),
    Permanent(String),
}

pub struct WritebackWorker {
    channel: ChannelName,
    store: Store,
    cfg: WritebackConfig,
    sink: Sink,
    wake: Arc<Notify>,
    pub stats: Arc<WritebackStats>,
    pub heartbeat: Arc<Heartbeat>,
    /// Consecutive transient failures of the channel: its pause grows with them.
    failures: std::sync::atomic::AtomicU32,
}

impl WritebackWorker {
    /// `None` for a channel without write-back.
    pub fn for_channel(ch: &ChannelConfig, store: Store) -> Result<Option<Self>, WritebackError> {
        let Some(cfg) = ch.writeback.clone() else {
            return Ok(None);
        };
        let setup = |why: String| WritebackError::Setup {
            channel: ch.name.to_string(),
            why,
        };
        let sink = match (&cfg.target, &ch.kind) {
            (WritebackTarget::Sambat, ChannelKind::Sambat(s)) => Sink::Sambat(
                SambatClient::new(&s.base_url, s.api_key.clone(), s.request_timeout)
                    .map_err(|e| setup(e.to_string()))?,
            ),
            (WritebackTarget::Http(h), _) => Sink::Http(
                ChannelApiClient::new(h.token.clone(), h.request_timeout).map_err(setup)?,
            ),
            (WritebackTarget::StatusFile(_), _) => Sink::StatusFile,
            (WritebackTarget::Sambat, _) => {
                return Err(setup(
                    "SAMBAT write-back on a channel that is not SAMBAT".into(),
                ))
            }
        };
        Ok(Some(WritebackWorker {
            channel: ch.name.clone(),
            store,
            cfg,
            sink,
            wake: Arc::new(Notify::new()),
            stats: Arc::default(),
            heartbeat: Arc::default(),
            failures: Default::default(),
        }))
    }

    pub fn channel(&self) -> &ChannelName {
        &self.channel
    }

    /// The sync stage calls `notify_one` on this after committing updates for the channel.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// One claim-deliver-record round.
    pub async fn step(&self) -> Result<WritebackReport, WritebackError> {
        let now = Timestamp::now();
        // On the blocking pool: on PostgreSQL the claim may wait behind this replica's
        // other calls on its one connection.
        let channel = self.channel.to_string();
        let claimed = self
            .store
            .blocking(move |s| s.claim_writebacks(&channel, now, BATCH))
            .await?;
        let mut report = WritebackReport {
            claimed: claimed.len(),
            ..Default::default()
        };
        if claimed.is_empty() {
            return Ok(report);
        }
        if matches!(self.sink, Sink::StatusFile) {
            let outcome = match self.rewrite_status_file() {
                Ok(()) => Ok("status file rewritten".to_owned()),
                Err(e) => Err(Failure::Transient(e)),
            };
            for wb in &claimed {
                self.record(wb, outcome.clone(), &mut report).await?;
            }
            return Ok(report);
        }
        for wb in &claimed {
            let span = tracing::info_span!("writeback", record = %wb.key, id = wb.id);
            let outcome = self.deliver(wb).instrument(span).await;
            let transient = matches!(outcome, Err(Failure::Transient(_)));
            self.record(wb, outcome, &mut report).await?;
            if transient {
                // The channel is failing: leave the rest for later instead of spending their
                // attempts now.
                let n = self.failures.fetch_add(1, Ordering::Relaxed) + 1;
                let pause = ceiling(self.cfg.backoff_initial, self.cfg.backoff_max, n);
                report.paused = Some(pause);
                break;
            }
            self.failures.store(0, Ordering::Relaxed);
        }
        Ok(report)
    }

    /// Records one delivery's result, off the async workers (the commit's fsync).
    async fn record(
        &self,
        wb: &ClaimedWriteback,
        outcome: Result<String, Failure>,
        report: &mut WritebackReport,
    ) -> Result<(), WritebackError> {
        let (outcome, now) = self.judge(wb, outcome, report);
        let wb = wb.clone();
        self.store
            .blocking(move |s| s.record_writeback(&wb, &outcome, now))
            .await?;
        Ok(())
    }

    /// What to record for one delivery's result, counted in `report` and the stats.
    fn judge(
        &self,
        wb: &ClaimedWriteback,
        outcome: Result<String, Failure>,
        report: &mut WritebackReport,
    ) -> (WritebackOutcome, Timestamp) {
        let now = Timestamp::now();
        let attempt = wb.attempts + 1;
        let outcome = match outcome {
            Ok(how) => {
                report.done += 1;
                self.stats.done.fetch_add(1, Ordering::Relaxed);
                WritebackOutcome::Done { how }
            }
            Err(Failure::Permanent(error)) => {
                report.dead += 1;
                self.stats.dead.fetch_add(1, Ordering::Relaxed);
                warn!(record = %wb.key, %error, "write-back is a dead letter");
                WritebackOutcome::Dead { error }
            }
            Err(Failure::Transient(error)) if attempt >= self.cfg.max_attempts => {
                report.dead += 1;
                self.stats.dead.fetch_add(1, Ordering::Relaxed);
                let error = format!("gave up after {attempt} attempts; last: {error}");
                warn!(record = %wb.key, %error, "write-back is a dead letter");
                WritebackOutcome::Dead { error }
            }
            Err(Failure::Transient(error)) => {
                report.retried += 1;
                self.stats.retried.fetch_add(1, Ordering::Relaxed);
                let top = ceiling(self.cfg.backoff_initial, self.cfg.backoff_max, attempt);
                let delay = top / 2 + full_jitter(top / 2);
                let at = now + jiff::SignedDuration::try_from(delay).unwrap_or_default();
                info!(record = %wb.key, %error, attempt, "write-back failed; will retry");
                WritebackOutcome::Retry { error, at }
            }
        };
        (outcome, now)
    }

    async fn deliver(&self, wb: &ClaimedWriteback) -> Result<String, Failure> {
        let vars = Vars::new(&self.cfg, wb);
        match (&self.sink, &self.cfg.target) {
            (Sink::Sambat(client), _) => {
                let body = TanggapanBody {
                    status: vars.status(),
                    isi: vars.text(),
                    sumber: "SP4N-LAPOR!".into(),
                    tracking_id: wb.tracking_id.clone(),
                    waktu: crate::time::rfc3339_wib(wb.waktu),
                };
                match client.post_tanggapan(&wb.key.local_id, &body).await {
                    Ok(WriteBackOutcome::Recorded) => Ok("HTTP 201".into()),
                    Ok(WriteBackOutcome::AlreadyRecorded) => Ok("HTTP 409 already recorded".into()),
                    Err(e @ SambatError::NotFound(_)) => Err(Failure::Permanent(e.to_string())),
                    Err(e @ SambatError::Protocol(_)) => Err(Failure::Permanent(e.to_string())),
                    Err(e) => Err(Failure::Transient(e.to_string())),
                }
            }
            (Sink::Http(client), WritebackTarget::Http(t)) => {
                let url = t.url.render(|n| vars.get(n));
                let body: serde_json::Map<String, serde_json::Value> = t
                    .body
                    .iter()
                    .map(|(k, tpl)| {
                        (
                            k.clone(),
                            serde_json::Value::String(tpl.render(|n| vars.get(n))),
                        )
                    })
                    .collect();
                let key = format!("{}:wb{}", wb.key, wb.id);
                client
                    .post(&url, &serde_json::Value::Object(body), &key)
                    .await
                    .map_err(|e| match e {
                        ChannelApiError::Transient(_) | ChannelApiError::Auth(_) => {
                            Failure::Transient(e.to_string())
                        }
                        ChannelApiError::NotFound | ChannelApiError::Rejected { .. } => {
                            Failure::Permanent(e.to_string())
                        }
                    })
            }
            _ => Err(Failure::Permanent(
                "write-back target does not match the channel".into(),
            )),
        }
    }

    fn rewrite_status_file(&self) -> Result<(), String> {
        let WritebackTarget::StatusFile(target) = &self.cfg.target else {
            return Err("not a status-file channel".into());
        };
        let records = self
            .store
            .status_rows(self.channel.as_str())
            .map_err(|e| e.to_string())?;
        let delimiter = target.delimiter.unwrap_or_else(|| {
            self.store
                .setting(&delimiter_setting(&self.channel))
                .ok()
                .flatten()
                .and_then(|s| s.bytes().next())
                .unwrap_or(b';')
        });
        let rows = status_file::rows(target, &self.cfg, &records);
        let bytes = crate::wire::csv::write(delimiter, &rows);
        status_file::write_atomically(&target.path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", target.path.display()))
    }

    fn until_next_due(&self) -> Duration {
        match self.store.next_writeback_due(self.channel.as_str()) {
            Ok(Some(at)) => {
                let d = at.duration_since(Timestamp::now());
                Duration::try_from(d).unwrap_or(Duration::ZERO).min(IDLE)
            }
            _ => IDLE,
        }
    }
}

impl Stage for WritebackWorker {
    fn name(&self) -> String {
        format!("writeback:{}", self.channel)
    }

    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            match WritebackWorker::step(self).await {
                Ok(r) if r.paused.is_none() && r.claimed > 0 => Step::More,
                // The channel's pause is a wait like any other: new work still wakes it.
                Ok(r) => Step::Idle(r.paused.unwrap_or_else(|| self.until_next_due())),
                Err(e) => {
                    error!(channel = %self.channel, error = %e, "write-back step failed; the store is the problem, retrying");
                    Step::Idle(IDLE)
                }
            }
        })
    }
}
