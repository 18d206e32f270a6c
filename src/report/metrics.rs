//! Report figures on `/metrics`: the SLA watch (open checks per rule and state), alerts
//! posted and pending, and the year's target progress. Computed from the store at each
//! scrape, like the queue figures.

use jiff::Timestamp;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

use crate::config::ReportConfig;
use crate::store::Store;

type Labels = Vec<(String, String)>;

/// Registers the report families in `reg`; logs and skips them when the store or the
/// calendar cannot be read (the rest of `/metrics` still answers).
pub fn register(reg: &mut Registry, store: &Store, cfg: &ReportConfig) {
    let now = Timestamp::now();
    let cal = match super::calendar_for(cfg) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: cannot load the calendar");
            return;
        }
    };
    let sla = match super::sla_report(store, cfg, &cal, now) {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: cannot compute the SLA watch");
            return;
        }
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
    for s in &sla.rules {
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

    let (from, to) = super::year_to_date(now);
    if let Ok(r) = super::kpi_report(store, cfg, &cal, from, to, now) {
        let ytd = Gauge::<i64>::default();
        ytd.set(r.target.year_to_date as i64);
        reg.register(
            "report_year_to_date_received",
            "Complaints reported since 1 January (WIB) of this year",
            ytd,
        );
        let target = Gauge::<i64>::default();
        target.set(i64::from(r.target.annual));
        reg.register("report_annual_target", "report.annual_target", target);
        let rate = Gauge::<f64, AtomicU64>::default();
        rate.set(r.total.response_rate.unwrap_or(0.0));
        reg.register(
            "report_year_to_date_response_ratio",
            "Share of this year's complaints with a first tanggapan (0..1)",
            rate,
        );
    }
}
