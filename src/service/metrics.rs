//! `/metrics`: the Prometheus text format (0.0.4), encoded by `prometheus-client`.
//!
//! Queue figures come from the store at each scrape (the store is the source of truth, so
//! they survive restarts); request and outcome counters are this process's, carried across
//! reloads. Write-backs, their backlog and the sync lag are read from the store too.

use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use super::state::Shared;

type Labels = Vec<(String, String)>;
type FloatGauge = Gauge<f64, AtomicU64>;
type FloatCounter = Counter<f64, AtomicU64>;

fn label(k: &str, v: &str) -> Labels {
    vec![(k.to_owned(), v.to_owned())]
}

fn secs(t: Timestamp) -> f64 {
    t.as_millisecond() as f64 / 1000.0
}

/// Renders every metric; `Err` only when the store cannot be read.
pub fn render(shared: &Shared) -> Result<String, String> {
    let now = Timestamp::now();
    let queues = shared.store.channel_queues().map_err(|e| e.to_string())?;
    let mut channels: Vec<String> = shared.channels().into_iter().map(|c| c.name).collect();
    for q in &queues {
        if !channels.contains(&q.channel) {
            channels.push(q.channel.clone());
        }
    }
    let mut reg = Registry::with_prefix("lapor_bridge");

    macro_rules! family {
        ($name:expr, $help:expr, $ty:ty) => {{
            let f = Family::<Labels, $ty>::default();
            reg.register($name, $help, f.clone());
            f
        }};
        ($name:expr, $help:expr, $ty:ty, $unit:expr) => {{
            let f = Family::<Labels, $ty>::default();
            reg.register_with_unit($name, $help, $unit, f.clone());
            f
        }};
    }

    let received = family!(
        "records_received",
        "Records committed from each channel (store)",
        Counter
    );
    let forwarded = family!(
        "records_forwarded",
        "Records whose complaint exists in LAPOR! (store)",
        Counter
    );
    let held = family!(
        "records_held",
        "Records held because they cannot be mapped",
        Gauge
    );
    let dead = family!(
        "records_dead_lettered",
        "Dead letters not yet acknowledged",
        Gauge
    );
    let acked = family!(
        "records_acknowledged",
        "Dead or held records an operator acknowledged",
        Gauge
    );
    let dry_checked = family!(
        "records_dry_run_checked",
        "Records a dry-run daemon validated (never sent, not acknowledged)",
        Gauge
    );
    let depth = family!("queue_depth", "Records pending forwarding", Gauge);
    let oldest = family!(
        "oldest_pending_age",
        "Age of the oldest pending record since it was received (0 when none)",
        FloatGauge,
        Unit::Seconds
    );
    let attempts = family!(
        "record_attempts",
        "Forwarding attempts spent on the channel's records (store)",
        Counter
    );
    let writebacks = family!(
        "writebacks",
        "LAPOR! statuses and responses the channel has taken (store)",
        Counter
    );
    let writebacks_dead = family!(
        "writebacks_dead_lettered",
        "Write-backs the channel refused for good (e.g. 404 unknown record)",
        Gauge
    );
    let writebacks_pending = family!(
        "writebacks_pending",
        "Write-backs waiting to be delivered to the channel",
        Gauge
    );
    let sync_lag = family!(
        "sync_lag",
        "Age of the oldest write-back still waiting for the channel (0 when none)",
        FloatGauge,
        Unit::Seconds
    );
    let updates = family!(
        "lapor_updates",
        "LAPOR! updates read, by what they did (status, tanggapan, stale, same_content, …)",
        Counter
    );
    let wb_counts = shared.store.writeback_counts().map_err(|e| e.to_string())?;
    let lag = shared.store.writeback_lag(now).map_err(|e| e.to_string())?;
    for (effect, n) in shared
        .store
        .update_effect_counts()
        .map_err(|e| e.to_string())?
    {
        updates.get_or_create(&label("effect", &effect)).inc_by(n);
    }
    let last_success = family!(
        "channel_last_success_timestamp",
        "Unix time of the channel's last successful poll (polled channels)",
        FloatGauge,
        Unit::Seconds
    );
    for ch in &channels {
        let l = label("channel", ch);
        let wb = |state: &str| {
            wb_counts
                .iter()
                .filter(|c| &c.channel == ch && c.state == state)
                .map(|c| c.count)
                .sum::<u64>()
        };
        writebacks.get_or_create(&l).inc_by(wb("done"));
        writebacks_dead.get_or_create(&l).set(wb("dead") as i64);
        writebacks_pending
            .get_or_create(&l)
            .set(wb("pending") as i64);
        let lag_secs = lag
            .iter()
            .find(|(c, _)| c == ch)
            .map(|(_, s)| *s)
            .unwrap_or(0.0);
        sync_lag.get_or_create(&l).set(lag_secs.max(0.0));
        let q = queues
            .iter()
            .find(|q| &q.channel == ch)
            .cloned()
            .unwrap_or_default();
        received.get_or_create(&l).inc_by(q.received);
        forwarded.get_or_create(&l).inc_by(q.forwarded);
        held.get_or_create(&l).set(q.held as i64);
        dead.get_or_create(&l).set(q.dead as i64);
        acked.get_or_create(&l).set(q.acknowledged as i64);
        dry_checked.get_or_create(&l).set(q.dry_run_checked as i64);
        depth.get_or_create(&l).set(q.pending as i64);
        attempts.get_or_create(&l).inc_by(q.attempts);
        let age = q
            .oldest_pending_at
            .map(|t| (now.as_millisecond() - t.as_millisecond()).max(0) as f64 / 1000.0)
            .unwrap_or(0.0);
        oldest.get_or_create(&l).set(age);
    }
    for c in shared.channels() {
        if let Some(t) = c.last_success {
            last_success
                .get_or_create(&label("channel", &c.name))
                .set(secs(t));
        }
    }

    let t = shared.totals();
    let outcomes = family!(
        "forward_outcomes",
        "Outcomes of forwarding attempts by this process",
        Counter
    );
    for (k, v) in [
        ("forwarded", t.forwarded),
        ("retry", t.retried),
        ("dead", t.dead),
        ("held", t.held),
    ] {
        outcomes.get_or_create(&label("outcome", k)).inc_by(v);
    }
    let responses = family!(
        "lapor_responses",
        "LAPOR! answers by class (transport: no answer)",
        Counter
    );
    for (k, v) in [
        ("2xx", t.responses_2xx),
        ("401", t.responses_401),
        ("429", t.responses_429),
        ("4xx", t.responses_4xx),
        ("5xx", t.responses_5xx),
        ("transport", t.transport_errors),
    ] {
        responses.get_or_create(&label("class", k)).inc_by(v);
    }
    let requests = Counter::<u64>::default();
    requests.inc_by(t.requests);
    reg.register(
        "lapor_requests",
        "Requests sent to LAPOR! through the rate limiter",
        requests,
    );
    let waits = Counter::<u64>::default();
    waits.inc_by(t.limiter_waits);
    reg.register(
        "rate_limiter_waits",
        "LAPOR! requests that had to wait for the rate limiter",
        waits,
    );
    let waited = FloatCounter::default();
    waited.inc_by(t.limiter_wait_micros as f64 / 1e6);
    reg.register_with_unit(
        "rate_limiter_wait",
        "Time spent waiting for the rate limiter",
        Unit::Seconds,
        waited,
    );
    let up = Gauge::<i64>::default();
    up.set(i64::from(t.lapor_up() == Some(true)));
    reg.register(
        "lapor_up",
        "1 when LAPOR!'s last answer is newer than its last failure",
        up,
    );
    let paused = Gauge::<i64>::default();
    paused.set(i64::from(shared.paused_until(now).is_some()));
    reg.register(
        "forwarder_paused",
        "1 while the forwarder pauses for a LAPOR! outage",
        paused,
    );
    let stalled = family!(
        "loop_stalled",
        "How long each working loop has been busy without progress",
        FloatGauge,
        Unit::Seconds
    );
    for l in shared.loops() {
        stalled
            .get_or_create(&label("loop", &l.name))
            .set(l.stalled_for.as_secs_f64());
    }
    let reloads = family!(
        "reloads",
        "Configuration reloads (SIGHUP) by result",
        Counter
    );
    reloads
        .get_or_create(&label("result", "applied"))
        .inc_by(shared.reloads_ok.load(Ordering::Relaxed));
    reloads
        .get_or_create(&label("result", "rejected"))
        .inc_by(shared.reloads_rejected.load(Ordering::Relaxed));
    let info = family!("build_info", "Always 1; the version is a label", Gauge);
    info.get_or_create(&label("version", env!("CARGO_PKG_VERSION")))
        .set(1);

    // SLA watch, alerts and target progress: src/report/metrics.rs.
    let report_cfg = shared.config().map(|c| c.report).unwrap_or_default();
    crate::report::metrics::register(
        &mut reg,
        &shared.store,
        &report_cfg,
        &shared.report_figures,
        &shared.sla_cache,
    );

    reg.register_with_unit(
        "lapor_request_duration",
        "Time from sending a LAPOR! request to its answer (or transport error), this process",
        Unit::Seconds,
        crate::telemetry::lapor_request_seconds().clone(),
    );
    reg.register_with_unit(
        "webhook_handling_duration",
        "Time from a webhook delivery's arrival to its answer, this process",
        Unit::Seconds,
        crate::telemetry::webhook_handling_seconds().clone(),
    );

    let mut out = String::new();
    prometheus_text::encode(&mut out, &reg).map_err(|e| e.to_string())?;
    prometheus_text::encode(&mut out, &process_registry()).map_err(|e| e.to_string())?;
    Ok(out)
}

/// The standard `process_*` metrics (no prefix, as Prometheus' client libraries name them),
/// from `/proc/self`; a figure that cannot be read is left out.
fn process_registry() -> Registry {
    let mut reg = Registry::default();
    let f = crate::telemetry::process_figures();
    if let Some(v) = f.cpu_seconds {
        let c = FloatCounter::default();
        c.inc_by(v);
        reg.register_with_unit(
            "process_cpu",
            "Total user and system CPU time spent",
            Unit::Seconds,
            c,
        );
    }
    let mut gauge = |name: &str, help: &str, unit: Option<Unit>, v: f64| {
        let g = FloatGauge::default();
        g.set(v);
        match unit {
            Some(u) => reg.register_with_unit(name, help, u, g),
            None => reg.register(name, help, g),
        }
    };
    if let Some(v) = f.resident_bytes {
        gauge(
            "process_resident_memory",
            "Resident memory size",
            Some(Unit::Bytes),
            v as f64,
        );
    }
    if let Some(v) = f.virtual_bytes {
        gauge(
            "process_virtual_memory",
            "Virtual memory size",
            Some(Unit::Bytes),
            v as f64,
        );
    }
    if let Some(v) = f.open_fds {
        gauge("process_open_fds", "Open file descriptors", None, v as f64);
    }
    if let Some(v) = f.max_fds {
        gauge(
            "process_max_fds",
            "Limit of open file descriptors",
            None,
            v as f64,
        );
    }
    if let Some(v) = f.start_time_seconds {
        gauge(
            "process_start_time",
            "Start time of the process since the Unix epoch",
            Some(Unit::Seconds),
            v,
        );
    }
    reg
}
