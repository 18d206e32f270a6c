//! Alerts where staff are: a Telegram group. Every `check_interval` the watch lists the
//! events that hold now (an SLA level of an aduan, LAPOR! unreachable for longer than
//! `lapor_down_minutes`, a new dead letter, a kanal silent for longer than it usually is),
//! records each new one in the store's `chat_alerts` (migration 6) and sends the ones not sent
//! yet, in Indonesian. An event is sent once, across restarts; a failed send stays pending and
//! is sent again at the next check while the event still holds; a limiter (`max_per_minute`)
//! keeps a burst of events under Telegram's group limit, the rest waiting for the next check.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use tracing::{info, warn};

use super::alerts::{AlertError, CurrentConfig};
use super::sla::{Rule, State};
use super::telegram::{send_message, SendError};
use crate::config::{ReportConfig, TelegramConfig};
use crate::runtime::{Heartbeat, Stage, Step};
use crate::store::Store;
use crate::time;

const SINK: &str = "telegram";
/// Records per kanal the usual gap between arrivals is measured on.
const SILENCE_SAMPLE: usize = 50;
/// Fewer records than this in a kanal: no usual gap yet, no silence alert.
const SILENCE_MIN_RECORDS: usize = 5;

/// What the process knows about LAPOR! answering (the client's last answer and last failure).
#[derive(Clone, Copy, Debug, Default)]
pub struct LaporReach {
    pub last_ok: Option<Timestamp>,
    pub last_failure: Option<Timestamp>,
    /// Since when the process has been trying (its start): a LAPOR! that never answered is
    /// down since then.
    pub since: Option<Timestamp>,
}

pub type CurrentReach = Arc<dyn Fn() -> LaporReach + Send + Sync>;

/// One alert: a stable key (what makes it "the same event") and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub key: String,
    pub text: String,
}

/// What one check did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: u64,
    pub failed: u64,
    /// Pending events left for the next check by the rate limit.
    pub deferred: u64,
    /// Telegram asked to wait (429 `retry_after`).
    pub retry_after: Option<Duration>,
}

/// The Telegram watch as a stage; idle (looking at the configuration each minute) while no
/// `[report.telegram]` is set.
pub struct ChatAlerts {
    store: Store,
    current: CurrentConfig,
    reach: CurrentReach,
    client: reqwest::Client,
    limiter: Mutex<Option<(u32, Arc<DefaultDirectRateLimiter>)>>,
    pub heartbeat: Arc<Heartbeat>,
}

impl ChatAlerts {
    pub fn new(store: Store, current: CurrentConfig, reach: CurrentReach) -> Self {
        Self {
            store,
            current,
            reach,
            client: reqwest::Client::new(),
            limiter: Mutex::new(None),
            heartbeat: Heartbeat::new(),
        }
    }

    fn limiter(&self, per_minute: u32) -> Arc<DefaultDirectRateLimiter> {
        let mut l = self.limiter.lock().unwrap_or_else(|p| p.into_inner());
        match &*l {
            Some((n, lim)) if *n == per_minute => lim.clone(),
            _ => {
                let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
                let lim = Arc::new(RateLimiter::direct(Quota::per_minute(n)));
                *l = Some((per_minute, lim.clone()));
                lim
            }
        }
    }
}

impl Stage for ChatAlerts {
    fn name(&self) -> String {
        "chat-alerts".into()
    }

    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            let cfg = (self.current)();
            let wait = match cfg.as_ref().map(|c| (c, c.telegram.clone())) {
                None => Duration::from_millis(200),
                Some((_, None)) => Duration::from_secs(60),
                Some((cfg, Some(tg))) => {
                    let limiter = self.limiter(tg.max_per_minute);
                    let reach = (self.reach)();
                    let now = Timestamp::now();
                    match check_once(
                        &self.store,
                        cfg,
                        &tg,
                        reach,
                        &self.client,
                        &limiter,
                        now,
                        &self.heartbeat,
                    )
                    .await
                    {
                        Ok(r) => {
                            if r.sent + r.failed + r.deferred > 0 {
                                info!(
                                    sent = r.sent,
                                    failed = r.failed,
                                    deferred = r.deferred,
                                    "Telegram alerts"
                                );
                            }
                            match r.retry_after {
                                Some(after) => after.max(Duration::from_millis(100)),
                                None => tg.check_interval,
                            }
                        }
                        Err(e) => {
                            warn!(error = %e, "Telegram alerts: cannot check");
                            tg.check_interval
                        }
                    }
                }
            };
            Step::Idle(wait.min(Duration::from_secs(60)))
        })
    }
}

/// The events that hold at `now`.
pub fn current_events(
    store: &Store,
    cfg: &ReportConfig,
    tg: &TelegramConfig,
    reach: LaporReach,
    now: Timestamp,
) -> Result<Vec<Event>, AlertError> {
    let mut events = Vec::new();
    let cal = super::calendar_for(cfg)?;
    let watch = super::sla_watch(store, cfg, &cal, now)?;
    for c in &watch {
        let (level, what) = match c.state {
            State::AtRisk => ("at_risk", "hampir lewat tenggat"),
            State::Breached => ("breached", "lewat tenggat"),
            _ => continue,
        };
        let lapor = c
            .tracking_id
            .as_deref()
            .map(|t| format!(" (laporan LAPOR! {t})"))
            .unwrap_or_default();
        let instansi = c
            .instansi_id
            .map(|i| format!(", instansi {i}"))
            .unwrap_or_default();
        events.push(Event {
            key: format!("sla:{}:{}:{level}", c.record_id, c.rule.as_str()),
            text: format!(
                "⚠️ Aduan {}:{}{lapor} {what} {}{instansi}: tenggat {} ({} hari kerja).",
                c.channel,
                c.local_id,
                rule_id(c.rule),
                prose_wib(c.deadline),
                c.rule.working_days(),
            ),
        });
    }
    if let Some(since) = lapor_down_since(reach) {
        let down = now.duration_since(since);
        if down.as_secs() >= 0 && down.unsigned_abs() >= tg.lapor_down_after {
            events.push(Event {
                key: format!("lapor_down:{}", since.as_millisecond()),
                text: format!(
                    "🔴 SP4N-LAPOR! tidak terjangkau sejak {} ({} menit). Aduan yang diterima \
                     disimpan dan diteruskan ke SP4N-LAPOR! otomatis setelah layanan aktif \
                     kembali.",
                    prose_wib(since),
                    down.as_secs() / 60
                ),
            });
        }
    }
    // One event per death: a record retried and dead again is news again (the key is its
    // latest `dead` timeline event).
    let dead: Vec<(String, u32, Option<String>, Option<i64>)> = store.with_conn(|c| {
        let mut s = c.prepare(
            "SELECT r.channel || ':' || r.local_id, o.attempts, o.last_error,
                    (SELECT MAX(e.id) FROM events e WHERE e.record_id = r.id AND e.kind = 'dead')
             FROM outbox o JOIN records r ON r.id = o.record_id
             WHERE o.state = 'dead' ORDER BY r.id",
        )?;
        let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        rows.collect()
    })?;
    for (key, attempts, last_error, death) in dead {
        let why: String = last_error
            .as_deref()
            .unwrap_or("tanpa keterangan")
            .chars()
            .take(160)
            .collect();
        events.push(Event {
            key: format!("dead:{key}:{}", death.unwrap_or(0)),
            text: format!(
                "❗ Aduan {key} gagal terkirim ke SP4N-LAPOR! setelah {attempts} percobaan, perlu \
                 tindakan: {why}. Lihat: lapor-bridge dead-letters show {key}"
            ),
        });
    }
    events.extend(silent_channels(store, tg, now)?);
    Ok(events)
}

fn rule_id(r: Rule) -> &'static str {
    match r {
        Rule::Verifikasi => "verifikasi (3 hari kerja)",
        Rule::TindakLanjut => "tindak lanjut instansi",
        Rule::Penutupan => "penutupan",
    }
}

/// `01/12/2026 14.30 WIB`.
pub fn prose_wib(ts: Timestamp) -> String {
    let z = ts.to_zoned_datetime(time::wib());
    format!("{} WIB", z.strftime("%d/%m/%Y %H.%M"))
}

/// Since when LAPOR! has not answered, if its last call failed.
pub fn lapor_down_since(r: LaporReach) -> Option<Timestamp> {
    let failed = r.last_failure?;
    match r.last_ok {
        Some(ok) if ok >= failed => None,
        Some(ok) => Some(ok),
        None => Some(r.since.unwrap_or(failed).min(failed)),
    }
}

/// Kanals whose last record is older than `silence_factor` × their median gap (and at least
/// `min_silence`).
fn silent_channels(
    store: &Store,
    tg: &TelegramConfig,
    now: Timestamp,
) -> Result<Vec<Event>, AlertError> {
    let channels: Vec<String> = store.with_conn(|c| {
        let mut s = c.prepare("SELECT DISTINCT channel FROM records ORDER BY channel")?;
        let rows = s.query_map([], |r| r.get(0))?;
        rows.collect()
    })?;
    let mut out = Vec::new();
    for ch in channels {
        let times: Vec<String> = store.with_conn(|c| {
            let mut s = c.prepare(
                "SELECT received_at FROM records WHERE channel = ?1
                 ORDER BY received_at DESC LIMIT ?2",
            )?;
            let rows = s.query_map(params![ch, SILENCE_SAMPLE as i64], |r| r.get(0))?;
            rows.collect()
        })?;
        let ts: Vec<Timestamp> = times.iter().filter_map(|t| time::parse_db(t)).collect();
        if ts.len() < SILENCE_MIN_RECORDS {
            continue;
        }
        let mut gaps: Vec<i64> = ts
            .windows(2)
            .map(|w| w[0].as_second() - w[1].as_second())
            .collect();
        gaps.sort_unstable();
        let usual = gaps[gaps.len() / 2].max(1);
        let threshold = (usual * tg.silence_factor as i64).max(tg.min_silence.as_secs() as i64);
        let last = ts[0];
        let quiet = now.as_second() - last.as_second();
        if quiet > threshold {
            out.push(Event {
                key: format!("silent:{ch}:{}", times[0]),
                text: format!(
                    "🔕 Kanal {ch} sepi: tidak ada aduan diterima sejak {} ({} menit), \
                     biasanya ada aduan setiap ±{} menit. Periksa koneksi kanal {ch}.",
                    prose_wib(last),
                    quiet / 60,
                    (usual / 60).max(1)
                ),
            });
        }
    }
    Ok(out)
}

/// One round: record the events that hold now, send the ones not sent yet.
#[allow(clippy::too_many_arguments)]
pub async fn check_once(
    store: &Store,
    cfg: &ReportConfig,
    tg: &TelegramConfig,
    reach: LaporReach,
    client: &reqwest::Client,
    limiter: &DefaultDirectRateLimiter,
    now: Timestamp,
    heartbeat: &Heartbeat,
) -> Result<Round, AlertError> {
    let events = current_events(store, cfg, tg, reach, now)?;
    let mut round = Round::default();
    let mut pending = Vec::new();
    for e in &events {
        let sent: Option<Option<String>> = store.with_write_conn(|conn| {
            conn.execute(
                "INSERT INTO chat_alerts (sink, event_key, text, first_seen_at)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                params![SINK, e.key, e.text, time::db(now)],
            )?;
            conn.query_row(
                "SELECT sent_at FROM chat_alerts WHERE sink = ?1 AND event_key = ?2",
                params![SINK, e.key],
                |r| r.get(0),
            )
            .optional()
        })?;
        if !matches!(sent, Some(Some(_))) {
            pending.push(e);
        }
    }
    for (i, e) in pending.iter().enumerate() {
        if limiter.check().is_err() {
            round.deferred = (pending.len() - i) as u64;
            break;
        }
        let result = send_message(client, tg, &e.text).await;
        store.with_write_conn(|conn| match &result {
            Ok(()) => conn.execute(
                "UPDATE chat_alerts SET sent_at = ?3, attempts = attempts + 1, last_error = NULL
                 WHERE sink = ?1 AND event_key = ?2",
                params![SINK, e.key, time::db(Timestamp::now())],
            ),
            Err(err) => conn.execute(
                "UPDATE chat_alerts SET attempts = attempts + 1, last_error = ?3
                 WHERE sink = ?1 AND event_key = ?2",
                params![SINK, e.key, err.to_string()],
            ),
        })?;
        heartbeat.beat();
        match result {
            Ok(()) => round.sent += 1,
            Err(err) => {
                round.failed += 1;
                warn!(event = %e.key, error = %err, "Telegram alert not sent; sent again at the next check");
                // Telegram (or the network) is struggling, or refuses the token or chat (the
                // same for every message): leave the rest for the next check.
                if let SendError::Later { retry_after, .. } = err {
                    round.retry_after = retry_after;
                }
                round.deferred = (pending.len() - i - 1) as u64;
                break;
            }
        }
    }
    tracing::debug!(
        events = events.len(),
        sent = round.sent,
        failed = round.failed,
        deferred = round.deferred,
        "Telegram watch checked"
    );
    Ok(round)
}

/// Sent and pending chat alerts, for the metrics (0, 0 before migration 6).
pub fn chat_alert_counts(store: &Store) -> (u64, u64) {
    store
        .with_conn(|c| {
            c.query_row(
                "SELECT COUNT(sent_at), COUNT(*) - COUNT(sent_at) FROM chat_alerts",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
        })
        .unwrap_or((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: i64) -> Timestamp {
        Timestamp::from_second(1_764_000_000 + s).unwrap()
    }

    #[test]
    fn lapor_is_down_since_its_last_answer() {
        let r = |ok: Option<i64>, failed: Option<i64>| LaporReach {
            last_ok: ok.map(ts),
            last_failure: failed.map(ts),
            since: Some(ts(0)),
        };
        assert_eq!(lapor_down_since(r(None, None)), None);
        assert_eq!(lapor_down_since(r(Some(100), Some(50))), None);
        assert_eq!(lapor_down_since(r(Some(100), Some(100))), None);
        assert_eq!(lapor_down_since(r(Some(100), Some(200))), Some(ts(100)));
        // Never answered: down since the process started trying.
        assert_eq!(lapor_down_since(r(None, Some(200))), Some(ts(0)));
    }

    #[test]
    fn a_lapor_outage_is_an_event_after_the_configured_minutes_once_per_outage() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let cfg = ReportConfig::default();
        let tg = TelegramConfig {
            api_base: reqwest::Url::parse("http://127.0.0.1:9/").unwrap(),
            bot_token: None,
            chat_id: "-1".into(),
            check_interval: Duration::from_secs(60),
            timeout: Duration::from_secs(1),
            max_per_minute: 20,
            lapor_down_after: Duration::from_secs(15 * 60),
            silence_factor: 4,
            min_silence: Duration::from_secs(7200),
        };
        let reach = LaporReach {
            last_ok: Some(ts(0)),
            last_failure: Some(ts(600)),
            since: Some(ts(-60)),
        };
        let at = |s| current_events(&store, &cfg, &tg, reach, ts(s)).unwrap();
        assert!(at(14 * 60).is_empty(), "14 minutes: not yet");
        let e = at(16 * 60);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].text.contains("tidak terjangkau") && e[0].text.contains("16 menit"),
            "{e:?}"
        );
        // Later in the same outage: the same event (key), so it is sent once.
        assert_eq!(at(60 * 60)[0].key, e[0].key);

        // A dead letter is one event per death: dead, retried, dead again: a second key.
        let no_outage = LaporReach::default();
        let dead_keys = || -> Vec<String> {
            current_events(&store, &cfg, &tg, no_outage, ts(0))
                .unwrap()
                .into_iter()
                .filter(|e| e.key.starts_with("dead:"))
                .map(|e| e.key)
                .collect()
        };
        let die = || {
            store
                .with_write_conn(|c| {
                    c.execute(
                        "INSERT INTO events (record_id, at, kind, detail)
                         VALUES (1, '2026-01-01T00:00:00Z', 'dead', 'x')",
                        [],
                    )
                })
                .unwrap()
        };
        store
            .with_write_conn(|c| {
                c.execute_batch(
                    "INSERT INTO records (id, channel, local_id, raw, content_hash, received_at, updated_at)
                     VALUES (1, 'sambat', '9', '{}', 'h', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
                     INSERT INTO outbox (record_id, state, attempts, last_error) VALUES (1, 'dead', 8, 'LAPOR! answered 422');",
                )
            })
            .unwrap();
        die();
        let first = dead_keys();
        assert_eq!(first.len(), 1, "{first:?}");
        assert_eq!(dead_keys(), first, "the same death is the same event");
        die();
        let second = dead_keys();
        assert_eq!(second.len(), 1);
        assert_ne!(second, first, "dead again: a new event");
    }
}
