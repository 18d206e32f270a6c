//! `/metrics` output, rendered from a real pipeline against the mocks, parses as Prometheus
//! text and carries the figures the store and the forwarder hold.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{counts, wait_for, Env};
use lapor_bridge::service::{admin, metrics, state::Shared};
use lapor_mocks::lapor::LaporMockConfig;
use prometheus_parse::{LineInfo, Scrape, Value};

/// Every line must be a HELP, a TYPE, or a sample; the whole text must parse.
fn parse_strict(text: &str) -> Scrape {
    assert!(text.ends_with('\n'), "the exposition ends with a newline");
    for line in text.lines() {
        match LineInfo::parse(line) {
            LineInfo::Doc { .. } | LineInfo::Type { .. } | LineInfo::Sample { .. } => {}
            other => panic!("not Prometheus text: {line:?} ({other:?})"),
        }
        if !line.starts_with('#') {
            let value = line.rsplit(' ').next().unwrap();
            assert!(
                value.parse::<f64>().is_ok(),
                "sample value of {line:?} is a number"
            );
        }
    }
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("parses as Prometheus text")
}

fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => v,
            _ => f64::NAN,
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_parse_as_prometheus_text_and_count_what_the_store_holds() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await;
    env.sambat.add_generated(25);
    let pipeline = env.pipeline(&[]);
    let shared = Shared::new(pipeline.store.clone(), None);
    shared.install(&pipeline);

    // Before anything ran: every family is there, LAPOR! not contacted yet.
    let text = metrics::render(&shared).unwrap();
    let scrape = parse_strict(&text);
    for family in [
        "lapor_bridge_queue_depth",
        "lapor_bridge_oldest_pending_age_seconds",
        "lapor_bridge_records_received_total",
        "lapor_bridge_records_forwarded_total",
        "lapor_bridge_records_held",
        "lapor_bridge_records_dead_lettered",
        "lapor_bridge_lapor_responses_total",
        "lapor_bridge_rate_limiter_waits_total",
        "lapor_bridge_writebacks_total",
        "lapor_bridge_forward_outcomes_total",
    ] {
        assert!(
            text.contains(&format!("# TYPE {family} ")),
            "family {family} missing from:\n{text}"
        );
    }
    assert_eq!(value(&scrape, "lapor_bridge_lapor_up", &[]), Some(0.0));
    assert_eq!(
        value(
            &scrape,
            "lapor_bridge_writebacks_total",
            &[("channel", "sambat")]
        ),
        Some(0.0)
    );
    assert_eq!(
        value(
            &scrape,
            "lapor_bridge_sync_lag_seconds",
            &[("channel", "sambat")]
        ),
        Some(0.0)
    );

    // One poll and forwarding until done.
    pipeline.pollers[0].poll_once().await.unwrap();
    let text = metrics::render(&shared).unwrap();
    let scrape = parse_strict(&text);
    assert_eq!(
        value(
            &scrape,
            "lapor_bridge_queue_depth",
            &[("channel", "sambat")]
        ),
        Some(25.0)
    );
    assert!(
        value(
            &scrape,
            "lapor_bridge_oldest_pending_age_seconds",
            &[("channel", "sambat")]
        )
        .unwrap()
            >= 0.0
    );
    for _ in 0..50 {
        if counts(&pipeline.store).forwarded == 25 {
            break;
        }
        pipeline.forwarder.step().await.unwrap();
    }
    wait_for("25 forwarded", Duration::from_secs(10), || {
        counts(&pipeline.store).forwarded == 25
    })
    .await;

    let text = metrics::render(&shared).unwrap();
    let scrape = parse_strict(&text);
    let sambat = [("channel", "sambat")];
    assert_eq!(
        value(&scrape, "lapor_bridge_records_received_total", &sambat),
        Some(25.0)
    );
    assert_eq!(
        value(&scrape, "lapor_bridge_records_forwarded_total", &sambat),
        Some(25.0)
    );
    assert_eq!(
        value(&scrape, "lapor_bridge_queue_depth", &sambat),
        Some(0.0)
    );
    assert_eq!(
        value(&scrape, "lapor_bridge_oldest_pending_age_seconds", &sambat),
        Some(0.0)
    );
    assert_eq!(
        value(
            &scrape,
            "lapor_bridge_forward_outcomes_total",
            &[("outcome", "forwarded")]
        ),
        Some(25.0)
    );
    let created = value(
        &scrape,
        "lapor_bridge_lapor_responses_total",
        &[("class", "2xx")],
    )
    .unwrap();
    assert!(
        created >= 25.0,
        "at least the 25 creates answered 2xx: {created}"
    );
    assert_eq!(value(&scrape, "lapor_bridge_lapor_up", &[]), Some(1.0));
    let requests = value(&scrape, "lapor_bridge_lapor_requests_total", &[]).unwrap();
    assert_eq!(
        requests,
        env.lapor.counters().requests as f64,
        "every request is counted"
    );

    // The sync reads LAPOR!'s first status of each complaint: 25 write-backs wait, then go.
    let sync = pipeline.sync.as_ref().unwrap();
    while sync.step().await.unwrap().more {}
    let scrape = parse_strict(&metrics::render(&shared).unwrap());
    assert_eq!(
        value(&scrape, "lapor_bridge_writebacks_pending", &sambat),
        Some(25.0)
    );
    assert_eq!(
        value(
            &scrape,
            "lapor_bridge_lapor_updates_total",
            &[("effect", "status")]
        ),
        Some(25.0)
    );
    let wb = pipeline
        .writebacks
        .iter()
        .find(|w| w.channel().as_str() == "sambat")
        .unwrap();
    while wb.step().await.unwrap().claimed > 0 {}
    let scrape = parse_strict(&metrics::render(&shared).unwrap());
    assert_eq!(
        value(&scrape, "lapor_bridge_writebacks_total", &sambat),
        Some(25.0)
    );
    assert_eq!(
        value(&scrape, "lapor_bridge_writebacks_pending", &sambat),
        Some(0.0)
    );
    assert_eq!(
        value(&scrape, "lapor_bridge_sync_lag_seconds", &sambat),
        Some(0.0)
    );
    assert_eq!(env.sambat.writebacks().len(), 25);

    // Counters survive a generation change (a reload).
    shared.retire();
    let again = parse_strict(&metrics::render(&shared).unwrap());
    assert_eq!(
        value(
            &again,
            "lapor_bridge_forward_outcomes_total",
            &[("outcome", "forwarded")]
        ),
        Some(25.0)
    );

    // Readiness: store writable, LAPOR! up; the poller never ran as a loop, so not ready.
    shared.install(&pipeline);
    let (report, ready) = admin::readiness(&shared, jiff::Timestamp::now());
    assert_eq!(report["store"]["ok"], true, "{report}");
    assert_eq!(report["lapor"]["state"], "up", "{report}");
    assert!(
        !ready,
        "a polled channel without a successful poll is not ready: {report}"
    );
    let by_name: BTreeMap<String, bool> = report["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["channel"].as_str().unwrap().to_owned(),
                c["ok"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(by_name.get("sambat"), Some(&false), "{report}");
    pipeline.pollers[0].heartbeat.success();
    let (report, ready) = admin::readiness(&shared, jiff::Timestamp::now());
    assert!(ready, "{report}");
}
