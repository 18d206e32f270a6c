//! SAMBAT Online poller. `diperbarui_sejak` is inclusive and several records share a second,
//! so the poller re-reads the newest second it has seen and lets the store's content hash
//! drop what it already has: nothing is missed and nothing is taken twice.

use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use futures::future::BoxFuture;
use jiff::Timestamp;
use tokio::sync::Notify;
use tracing::{debug, info, warn};

use crate::channel::{reference_ids, Mappers};
use crate::config::SambatConfig;
use crate::domain::{ChannelName, RecordKey};
use crate::mapping::content_hash_sambat;
use crate::runtime::{Heartbeat, Stage, Step};
use crate::store::{Intake, IntakeOutcome, Store, StoreError};
use crate::time;
use crate::wire::sambat::{SambatClient, SambatError};

/// Pages one poll may read; a safety stop against a server that never ends its list.
const MAX_PAGES_PER_POLL: u32 = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Sambat(#[from] SambatError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PollReport {
    pub pages: u32,
    pub new: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub edited_after_forward: u32,
    pub requeued: u32,
    pub held: u32,
    /// Records without a usable `id`: they cannot be identified, so they are logged and skipped.
    pub unidentifiable: u32,
}

pub struct SambatPoller {
    channel: ChannelName,
    cfg: SambatConfig,
    client: SambatClient,
    store: Store,
    mappers: Mappers,
    wake: Option<Arc<Notify>>,
    /// Beaten on progress, idle between polls: the systemd watchdog watches it.
    pub heartbeat: Arc<Heartbeat>,
}

impl SambatPoller {
    pub fn new(
        channel: ChannelName,
        cfg: SambatConfig,
        store: Store,
        mappers: Mappers,
    ) -> Result<Self, SambatError> {
        let client = SambatClient::new(&cfg.base_url, cfg.api_key.clone(), cfg.request_timeout)?;
        Ok(Self {
            channel,
            cfg,
            client,
            store,
            mappers,
            wake: None,
            heartbeat: Arc::default(),
        })
    }

    /// Wakes the forwarder after a page brought something to send.
    pub fn with_waker(mut self, wake: Arc<Notify>) -> Self {
        self.wake = Some(wake);
        self
    }

    pub fn channel(&self) -> &ChannelName {
        &self.channel
    }

    /// One poll: every record changed since the cursor, committed page by page together with
    /// the cursor that page justifies.
    pub async fn poll_once(&self) -> Result<PollReport, PollError> {
        let mut report = PollReport::default();
        let mut sejak = match self.store.cursor(&self.channel)? {
            Some(c) => c,
            None => self
                .cfg
                .start_from
                .strftime(crate::wire::sambat::TIME_FORMAT)
                .to_string(),
        };
        // An operator's `lapor-bridge replay`: this poll starts from the requested time
        // instead (if earlier) and reads to the end as any poll does, so the cursor ends where
        // SAMBAT's newest record is; identity and content hash keep it from taking anything
        // twice, and edits become revisions.
        let replay = self.store.replay_request(&self.channel)?;
        if let Some(since) = replay.as_ref().and_then(|r| time::parse_db(&r.since)) {
            let from = since
                .to_zoned_datetime(time::wib())
                .strftime(crate::wire::sambat::TIME_FORMAT)
                .to_string();
            info!(channel = %self.channel, since_wib = %from, cursor_wib = %sejak,
                  "replaying SAMBAT from the requested time (lapor-bridge replay)");
            if from < sejak {
                sejak = from;
            }
        }
        let mut halaman = 1;
        // A second holding more than a page of records is paged through by number; a record
        // of it edited meanwhile (SAMBAT moves it to a later second — the bridge's own
        // write-backs do that) shifts the rest, and one could be skipped. So such a second is
        // read again until a pass finds no record it had not seen, and the stored cursor stays
        // on it until then.
        let mut crowded: Option<CrowdedSecond> = None;
        // The page committing on the blocking pool while the next one is fetched: commits
        // stay in page order (each waits for the one before), so the cursor only moves on.
        let mut in_flight: Option<PageCommit> = None;
        while report.pages < MAX_PAGES_PER_POLL {
            let fetched = self.fetch(&sejak, halaman).await;
            self.settle(in_flight.take(), &mut report).await?;
            let page = fetched?;
            self.heartbeat.beat();
            report.pages += 1;
            let cap = crowded.as_ref().map(|c| c.second.clone());
            let prepared = self.prepare_page(&page.data, &sejak, cap.as_deref(), &mut report)?;
            let newest = prepared.newest.clone();
            in_flight = Some(self.spawn_commit(prepared));
            let at_end = page.data.is_empty() || halaman >= page.total_halaman;
            if newest == sejak && !at_end {
                let c = crowded.get_or_insert_with(|| CrowdedSecond::new(&sejak));
                c.saw(&page.data);
                halaman += 1;
                continue;
            }
            if let Some(c) = crowded.as_mut() {
                c.saw(&page.data);
                // Always a second pass; more while a pass still finds records it had not seen.
                if (c.passes == 1 || c.found_new) && c.passes < CROWDED_PASSES {
                    c.next_pass();
                    halaman = 1;
                    continue;
                }
                crowded = None;
                // The crowded second is complete: the cursor may move on.
                self.settle(in_flight.take(), &mut report).await?;
                let (channel, newest) = (self.channel.clone(), newest.clone());
                self.store
                    .blocking(move |s| s.intake(&[], Some((&channel, &newest)), Timestamp::now()))
                    .await?;
            }
            if at_end {
                break;
            }
            // Ordered by `diperbarui`: all records before the page's newest second are read.
            // Start again from that second, so records that moved while paging are not skipped.
            sejak = newest;
            halaman = 1;
        }
        self.settle(in_flight.take(), &mut report).await?;
        if let Some(request) = replay {
            let done = crate::store::replay::ReplayDone {
                request,
                finished_at: time::db(Timestamp::now()),
                new: report.new,
                updated: report.updated,
                unchanged: report.unchanged,
                edited_after_forward: report.edited_after_forward,
                requeued: report.requeued,
                files: 0,
            };
            self.store.finish_replay(&self.channel, &done)?;
            info!(channel = %self.channel, new = done.new, updated = done.updated,
                  edited_after_forward = done.edited_after_forward, unchanged = done.unchanged,
                  "SAMBAT replay finished");
        }
        Ok(report)
    }

    async fn fetch(
        &self,
        sejak: &str,
        halaman: u32,
    ) -> Result<crate::wire::sambat::AduanPage, SambatError> {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(200))
            .with_max_delay(Duration::from_secs(5))
            .with_max_times(self.cfg.max_retries as usize)
            .with_jitter();
        (|| self.client.list(sejak, halaman, self.cfg.per_page))
            .retry(backoff)
            .when(SambatError::is_transient)
            .notify(|e, after| debug!(channel = %self.channel, error = %e, ?after, "retrying SAMBAT page"))
            .await
    }

    /// A page's records made ready to commit (minimised, hashed, mapped), with the cursor the
    /// page justifies (never beyond `cap`) and its newest second; counts what cannot be
    /// identified or mapped.
    fn prepare_page(
        &self,
        data: &[serde_json::Value],
        sejak: &str,
        cap: Option<&str>,
        report: &mut PollReport,
    ) -> Result<PreparedPage, StoreError> {
        let now = Timestamp::now();
        let reference = reference_ids(&self.store)?;
        let mut newest = sejak.to_owned();
        let mut page = PreparedPage {
            records: Vec::with_capacity(data.len()),
            newest: String::new(),
            cursor: String::new(),
            now,
        };
        for (i, raw) in data.iter().enumerate() {
            let Some(local_id) = local_id(raw) else {
                report.unidentifiable += 1;
                warn!(channel = %self.channel, position = i, "SAMBAT record without a usable id skipped");
                continue;
            };
            if let Some(d) = raw.get("diperbarui").and_then(|v| v.as_str()) {
                // Only well-formed times move the cursor; text order is time order for them.
                if time::parse_wib(d).is_some() && d > newest.as_str() {
                    newest = d.to_owned();
                }
            }
            let key = RecordKey::new(self.channel.clone(), local_id);
            // An anonymous record keeps no identity at rest; the hash is of what is stored.
            let mut raw = raw.clone();
            crate::mapping::minimise::sambat(&mut raw);
            let mapping = self
                .mappers
                .map(&key, &raw, &reference, now)
                .map(|m| m.notes);
            if mapping.is_err() {
                report.held += 1;
            }
            page.records.push(PreparedRecord {
                content_hash: content_hash_sambat(&raw),
                reported_at: raw
                    .get("dibuat")
                    .and_then(|v| v.as_str())
                    .and_then(time::parse_wib),
                key,
                raw: raw.to_string(),
                mapping,
            });
        }
        page.cursor = match cap {
            Some(c) if c < newest.as_str() => c.to_owned(),
            _ => newest.clone(),
        };
        page.newest = newest;
        Ok(page)
    }

    /// Starts the page's commit on the blocking pool (its fsync must not hold an async
    /// worker); [`Self::settle`] waits for it.
    fn spawn_commit(&self, page: PreparedPage) -> PageCommit {
        let store = self.store.clone();
        let channel = self.channel.clone();
        tokio::task::spawn_blocking(move || {
            let (keys, owned): (Vec<_>, Vec<_>) = page
                .records
                .into_iter()
                .map(|r| (r.key, (r.raw, r.content_hash, r.reported_at, r.mapping)))
                .unzip();
            let items: Vec<Intake<'_>> = keys
                .iter()
                .zip(owned)
                .map(|(key, (raw, content_hash, reported_at, mapping))| Intake {
                    key,
                    raw,
                    content_hash,
                    reported_at,
                    mapping,
                })
                .collect();
            store.intake(&items, Some((&channel, &page.cursor)), page.now)
        })
    }

    /// Waits for a page's commit and counts its outcomes.
    async fn settle(
        &self,
        commit: Option<PageCommit>,
        report: &mut PollReport,
    ) -> Result<(), StoreError> {
        let Some(commit) = commit else {
            return Ok(());
        };
        let outcomes = match commit.await {
            Ok(r) => r?,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => {
                return Err(StoreError::Invalid(format!(
                    "a page's commit was cancelled: {e}"
                )))
            }
        };
        for o in outcomes {
            if matches!(
                o,
                IntakeOutcome::New | IntakeOutcome::Updated | IntakeOutcome::Requeued
            ) {
                if let Some(w) = &self.wake {
                    w.notify_one();
                }
            }
            match o {
                IntakeOutcome::New => report.new += 1,
                IntakeOutcome::Updated => report.updated += 1,
                IntakeOutcome::Unchanged => report.unchanged += 1,
                IntakeOutcome::EditedAfterForward => report.edited_after_forward += 1,
                IntakeOutcome::Requeued => report.requeued += 1,
            }
        }
        Ok(())
    }
}

type PageCommit = tokio::task::JoinHandle<Result<Vec<IntakeOutcome>, StoreError>>;

/// A page's records, owned, so its commit can run while the next page is fetched.
struct PreparedPage {
    records: Vec<PreparedRecord>,
    /// The newest `diperbarui` of the page (the next poll's `sejak`).
    newest: String,
    /// What the commit stores as the cursor: `newest`, or a crowded second's start.
    cursor: String,
    now: Timestamp,
}

struct PreparedRecord {
    key: RecordKey,
    /// As stored: JSON text (minimised).
    raw: String,
    content_hash: String,
    reported_at: Option<Timestamp>,
    mapping: Result<Vec<String>, Vec<crate::domain::FieldProblem>>,
}

/// One poll per interval.
impl Stage for SambatPoller {
    fn name(&self) -> String {
        format!("poller:{}", self.channel)
    }

    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            match self.poll_once().await {
                Ok(r) => {
                    self.heartbeat.success();
                    if r.new + r.updated + r.requeued > 0 {
                        info!(
                            channel = %self.channel, new = r.new, updated = r.updated, held = r.held,
                            edited_after_forward = r.edited_after_forward, "SAMBAT poll committed records"
                        );
                    } else {
                        debug!(channel = %self.channel, pages = r.pages, "SAMBAT poll: nothing new");
                    }
                }
                Err(e) => {
                    warn!(channel = %self.channel, error = %e, "SAMBAT poll failed; next poll retries")
                }
            }
            Step::Idle(self.cfg.poll_interval)
        })
    }
}

/// Passes over one crowded second before the poll moves on regardless (the next poll starts
/// from a cursor no later than that second's successor, so little is at stake).
const CROWDED_PASSES: u32 = 4;

/// The ids seen in a second that needed more than one page, pass by pass.
struct CrowdedSecond {
    second: String,
    ids: std::collections::BTreeSet<String>,
    found_new: bool,
    passes: u32,
}

impl CrowdedSecond {
    fn new(second: &str) -> Self {
        CrowdedSecond {
            second: second.to_owned(),
            ids: Default::default(),
            found_new: false,
            passes: 1,
        }
    }

    /// Notes the records of the page that are in this second.
    fn saw(&mut self, data: &[serde_json::Value]) {
        for raw in data {
            if raw.get("diperbarui").and_then(|v| v.as_str()) == Some(self.second.as_str()) {
                if let Some(id) = local_id(raw) {
                    // In the first pass everything is new; only later passes count.
                    if self.ids.insert(id) && self.passes > 1 {
                        self.found_new = true;
                    }
                }
            }
        }
    }

    fn next_pass(&mut self) {
        self.passes += 1;
        self.found_new = false;
    }
}

pub use crate::wire::sambat::local_id;
