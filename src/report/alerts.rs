//! The SLA alert webhook: every `check_interval`, complaints newly at risk or past a deadline
//! are posted to `report.sla_webhook.url`, once per complaint, rule and level. The store's
//! `sla_alerts` table (migration 4) remembers what was posted, so a restart does not post
//! again; a failed post stays pending and is retried at the next check while the complaint
//! is still at risk or breached (one that recovered in between is not posted).

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use secrecy::ExposeSecret;
use serde_json::json;
use tracing::{info, warn};

use super::sla::{Check, State};
use crate::config::{ReportConfig, SlaWebhookConfig};
use crate::runtime::{Heartbeat, Stage, Step};
use crate::store::{Store, StoreError};
use crate::time;

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error(transparent)]
    Report(#[from] super::ReportError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one check did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub posted: u64,
    pub failed: u64,
}

/// The report configuration in force now (a reload may change it); `None` before the first
/// one is installed.
pub type CurrentConfig = Arc<dyn Fn() -> Option<ReportConfig> + Send + Sync>;

/// The SLA watch as a stage: one check per `check_interval`; idle (looking at the
/// configuration each minute) while no webhook is set.
pub struct SlaAlerts {
    store: Store,
    current: CurrentConfig,
    client: reqwest::Client,
    pub heartbeat: Arc<Heartbeat>,
}

impl SlaAlerts {
    pub fn new(store: Store, current: CurrentConfig) -> Self {
        Self {
            store,
            current,
            client: reqwest::Client::new(),
            heartbeat: Heartbeat::new(),
        }
    }
}

impl Stage for SlaAlerts {
    fn name(&self) -> String {
        "sla-alerts".into()
    }

    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            let cfg = (self.current)();
            let wait = match cfg.as_ref().map(|c| (c, c.sla_webhook.clone())) {
                // Before the first generation is installed: look again shortly.
                None => Duration::from_millis(200),
                Some((_, None)) => Duration::from_secs(60),
                Some((cfg, Some(hook))) => {
                    match check_once(
                        &self.store,
                        cfg,
                        &hook,
                        &self.client,
                        Timestamp::now(),
                        &self.heartbeat,
                    )
                    .await
                    {
                        Ok(r) if r.posted + r.failed > 0 => {
                            info!(posted = r.posted, failed = r.failed, "SLA alerts");
                        }
                        Ok(_) => {}
                        Err(e) => warn!(error = %e, "SLA watch: cannot check"),
                    }
                    hook.check_interval
                }
            };
            // A reload may set or change the webhook: check at least every minute.
            Step::Idle(wait.min(Duration::from_secs(60)))
        })
    }
}

fn level(c: &Check) -> Option<&'static str> {
    match c.state {
        State::AtRisk => Some("at_risk"),
        State::Breached => Some("breached"),
        _ => None,
    }
}

/// One round: record what is at risk or breached now, post what was not posted yet.
pub async fn check_once(
    store: &Store,
    cfg: &ReportConfig,
    hook: &SlaWebhookConfig,
    client: &reqwest::Client,
    now: Timestamp,
    heartbeat: &Heartbeat,
) -> Result<Round, AlertError> {
    let cal = super::calendar_for(cfg)?;
    let watch = super::sla_watch(store, cfg, &cal, now)?;
    let mut round = Round::default();
    for c in &watch {
        let Some(level) = level(c) else { continue };
        let rule = c.rule.as_str();
        let posted: Option<Option<String>> = store.with_write_conn(|conn| {
            conn.execute(
                "INSERT INTO sla_alerts (record_id, rule, level, deadline, first_seen_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                params![c.record_id, rule, level, time::db(c.deadline), time::db(now)],
            )?;
            conn.query_row(
                "SELECT posted_at FROM sla_alerts WHERE record_id = ?1 AND rule = ?2 AND level = ?3",
                params![c.record_id, rule, level],
                |r| r.get(0),
            )
            .optional()
        })?;
        if matches!(posted, Some(Some(_))) {
            continue;
        }
        let body = json!({
            "event": "sla_alert",
            "rule": rule,
            "rule_description": c.rule.describe(),
            "working_days_allowed": c.rule.working_days(),
            "level": level,
            "record_id": c.record_id,
            "channel": c.channel,
            "local_id": c.local_id,
            "tracking_id": c.tracking_id,
            "instansi_id": c.instansi_id,
            "started_at": time::rfc3339_wib(c.started_at),
            "deadline": time::rfc3339_wib(c.deadline),
            "working_days_elapsed": c.working_days_elapsed,
        })
        .to_string();
        let result = post(client, hook, body, now).await;
        store.with_write_conn(|conn| match &result {
            Ok(()) => conn.execute(
                "UPDATE sla_alerts SET posted_at = ?4, attempts = attempts + 1, last_error = NULL
                 WHERE record_id = ?1 AND rule = ?2 AND level = ?3",
                params![c.record_id, rule, level, time::db(Timestamp::now())],
            ),
            Err(e) => conn.execute(
                "UPDATE sla_alerts SET attempts = attempts + 1, last_error = ?4
                 WHERE record_id = ?1 AND rule = ?2 AND level = ?3",
                params![c.record_id, rule, level, e],
            ),
        })?;
        // A round may post many alerts, each up to its timeout: each one is progress the
        // watchdog must see, or a long round would read as a wedged loop.
        heartbeat.beat();
        match result {
            Ok(()) => round.posted += 1,
            Err(e) => {
                round.failed += 1;
                warn!(record_id = c.record_id, rule, level, error = %e, "SLA alert not posted; retried at the next check");
            }
        }
    }
    tracing::debug!(
        watch = watch.len(),
        posted = round.posted,
        failed = round.failed,
        "SLA watch checked"
    );
    Ok(round)
}

async fn post(
    client: &reqwest::Client,
    hook: &SlaWebhookConfig,
    body: String,
    now: Timestamp,
) -> Result<(), String> {
    let mut req = client
        .post(hook.url.clone())
        .timeout(hook.timeout)
        .header(reqwest::header::CONTENT_TYPE, "application/json");
    if let Some(secret) = &hook.secret {
        let ts = now.as_second();
        let sig =
            crate::wire::webhook::sign(secret.expose_secret().as_bytes(), ts, body.as_bytes());
        req = req
            .header("X-Timestamp", ts.to_string())
            .header("X-Signature", sig);
    }
    match req.body(body).send().await {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => Err(format!("the webhook answered {}", r.status())),
        Err(e) => Err(format!("cannot reach the webhook: {e}")),
    }
}

/// Posted and pending alerts in the store, for the metrics (0, 0 on a store before
/// migration 4, e.g. opened read-only by an older daemon's store).
pub fn alert_counts(store: &Store) -> (u64, u64) {
    store
        .with_conn(|c| {
            c.query_row(
                "SELECT COUNT(posted_at), COUNT(*) - COUNT(posted_at) FROM sla_alerts",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
        })
        .unwrap_or((0, 0))
}
