//! Report figures on `/metrics`: the SLA watch (open checks per rule and state), alerts
//! posted and pending, and the year's target progress. The SLA and KPI figures read the
//! store's history, so they are computed at most once per [`FIGURES_TTL`] and reused by the
//! scrapes in between ([`FigureCache`]); the alert counts are small tables, read each scrape.

use jiff::Timestamp;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::sla::RuleSummary;
use super::sla_cache::SlaCache;
use crate::config::ReportConfig;
use crate::store::Store;
use std::sync::Arc;

type Labels = Vec<(String, String)>;

/// How long computed report figures serve `/metrics`: a scrape every 15 s costs one report
/// a minute, and the figures (working-day deadlines) do not move faster than that.
pub const FIGURES_TTL: Duration = Duration::from_secs(60);

/// The figures `/metrics` shows from the reports.
#[derive(Clone)]
struct Figures {
    rules: Vec<RuleSummary>,
    /// Year to date received, the annual target, the response ratio; `None` when the KPI
    /// report failed (its families are then left out).
    year: Option<(u64, u32, f64)>,
}

/// What the figures depend on besides the store and the time.
type Key = (u32, u32, Option<PathBuf>);

fn key(cfg: &ReportConfig) -> Key {
    (
        cfg.annual_target,
        cfg.at_risk_margin_days,
        cfg.calendar_file.clone(),
    )
}

/// The last figures computed and when, per daemon (held in the service's shared state).
#[derive(Default)]
pub struct FigureCache(Mutex<Option<(Instant, Key, Figures)>>);

impl FigureCache {
    /// Fresh figures, or the cached ones if computed under `ttl` ago with the same settings.
    /// A scrape that arrives while another computes waits for it and takes its result.
    fn get(
        &self,
        store: &Store,
        cfg: &ReportConfig,
        sla: &Arc<SlaCache>,
        ttl: Duration,
    ) -> Option<Figures> {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, k, f)) = slot.as_ref() {
            if at.elapsed() < ttl && *k == key(cfg) {
                return Some(f.clone());
            }
        }
        let f = compute(store, cfg, sla)?;
        *slot = Some((Instant::now(), key(cfg), f.clone()));
        Some(f)
    }
}

/// The figures as of now; `None` (logged) when the calendar or the SLA watch cannot be read.
fn compute(store: &Store, cfg: &ReportConfig, sla_cache: &Arc<SlaCache>) -> Option<Figures> {
    let now = Timestamp::now();
    let cal = match super::calendar_for(cfg) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: cannot load the calendar");
            return None;
        }
    };
    // The dashboard's SLA report, at most a minute old (it reads the whole history).
    let sla = match sla_cache.get(store, cfg) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: cannot compute the SLA watch");
            return None;
        }
    };
    let (from, to) = super::year_to_date(now);
    let year = super::kpi_report(store, cfg, &cal, from, to, now)
        .ok()
        .map(|r| {
            (
                r.target.year_to_date,
                r.target.annual,
                r.total.response_rate.unwrap_or(0.0),
            )
        });
    Some(Figures {
        rules: sla.rules.clone(),
        year,
    })
}

/// Registers the report families in `reg`; logs and skips them when the store or the
/// calendar cannot be read (the rest of `/metrics` still answers).
pub fn register(
    reg: &mut Registry,
    store: &Store,
    cfg: &ReportConfig,
    cache: &FigureCache,
    sla: &Arc<SlaCache>,
) {
    let Some(figures) = cache.get(store, cfg, sla, FIGURES_TTL) else {
        return;
    };
    let open = Family::<Labels, Gauge>::default();
    reg.register(
        "sla_open_checks",
        "Complaints whose LAPOR! service-level rule is still running, by rule and state (ok, at_risk, breached)",
        open.clone(),
    );
    let done = Family::<Labels, Counter>::default();
    reg.register(
        "sla_completed_checks",
        "Service-level rules completed, by rule and result (met, met_late)",
        done.clone(),
    );
    for s in &figures.rules {
        let rule = s.rule.map(|r| r.as_str()).unwrap_or("");
        let l = |state: &str| {
            vec![
                ("rule".to_owned(), rule.to_owned()),
                ("state".to_owned(), state.to_owned()),
            ]
        };
        open.get_or_create(&l("ok")).set(s.ok as i64);
        open.get_or_create(&l("at_risk")).set(s.at_risk as i64);
        open.get_or_create(&l("breached")).set(s.breached as i64);
        let r = |result: &str| {
            vec![
                ("rule".to_owned(), rule.to_owned()),
                ("result".to_owned(), result.to_owned()),
            ]
        };
        done.get_or_create(&r("met")).inc_by(s.met);
        done.get_or_create(&r("met_late")).inc_by(s.met_late);
    }
    let (posted, pending) = super::alerts::alert_counts(store);
    let alerts = Family::<Labels, Gauge>::default();
    reg.register(
        "sla_alerts",
        "SLA alerts in the store: posted to report.sla_webhook, or pending (failed, retried)",
        alerts.clone(),
    );
    alerts
        .get_or_create(&vec![("state".to_owned(), "posted".to_owned())])
        .set(posted as i64);
    alerts
        .get_or_create(&vec![("state".to_owned(), "pending".to_owned())])
        .set(pending as i64);
    let (sent, waiting) = super::chat::chat_alert_counts(store);
    let chat = Family::<Labels, Gauge>::default();
    reg.register(
        "chat_alerts",
        "Telegram alerts in the store: sent (report.telegram), or pending (failed or over the rate limit)",
        chat.clone(),
    );
    for (state, n) in [("sent", sent), ("pending", waiting)] {
        chat.get_or_create(&vec![
            ("sink".to_owned(), "telegram".to_owned()),
            ("state".to_owned(), state.to_owned()),
        ])
        .set(n as i64);
    }

    if let Some((year_to_date, annual, ratio)) = figures.year {
        let ytd = Gauge::<i64>::default();
        ytd.set(year_to_date as i64);
        reg.register(
            "report_year_to_date_received",
            "Complaints reported since 1 January (WIB) of this year",
            ytd,
        );
        let target = Gauge::<i64>::default();
        target.set(i64::from(annual));
        reg.register("report_annual_target", "report.annual_target", target);
        let rate = Gauge::<f64, AtomicU64>::default();
        rate.set(ratio);
        reg.register(
            "report_year_to_date_response_ratio",
            "Share of this year's complaints with a first tanggapan (0..1)",
            rate,
        );
    }
}
