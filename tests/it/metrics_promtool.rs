//! The real daemon's `/metrics` follows the Prometheus conventions: counters for cumulative
//! counts, histograms of LAPOR! request latency and webhook handling time with observations in
//! them, the `process_*` figures, and `promtool check metrics` finds nothing to say (when
//! promtool is installed: `scripts/ensure-promtool.sh`, run by `.ci/run`).

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Env;
use lapor_bridge::wire::webhook::{sign, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use lapor_mocks::lapor::LaporMockConfig;

/// The value of the sample line starting with `series ` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(&format!("{series} ")))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

fn promtool() -> Option<&'static str> {
    let bin = "/usr/bin/promtool";
    std::path::Path::new(bin).exists().then_some(bin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemons_metrics_follow_the_prometheus_conventions() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await;
    env.sambat.add_generated(5);
    let admin = common::free_port();
    let hooks = common::free_port();
    let log_path = env.dir.path().join("bridge.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = common::bridge_run(
        &env,
        &[
            ("LAPOR_BRIDGE__ADMIN__LISTEN", format!("127.0.0.1:{admin}")),
            (
                "LAPOR_BRIDGE__WEBHOOKS__LISTEN",
                format!("127.0.0.1:{hooks}"),
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__NGOMBE__INBOX",
                env.dir.path().join("inbox").display().to_string(),
            ),
        ],
        &log,
    )
    .spawn()
    .expect("start lapor-bridge run");
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{admin}");
    let end = Instant::now() + Duration::from_secs(60);
    let scrape = |http: reqwest::Client, base: String| async move {
        match http.get(format!("{base}/metrics")).send().await {
            Ok(r) if r.status().is_success() => r.text().await.ok(),
            _ => None,
        }
    };

    // One signed 112 delivery, answered 202.
    let body = serde_json::json!({
        "ticket_id": "112-7001",
        "call_time": "2024-07-29T08:15:00+07:00",
        "caller": {"name": "Budi Santoso", "phone": "081234567001"},
        "category": "keluhan-layanan/penerangan-jalan",
        "summary": "Lampu penerangan jalan mati di Jalan Ijen",
        "notes": "Sudah tiga malam lampu di depan nomor 12 mati.",
        "location": {"address": "Jl. Ijen 12", "lat": -7.9712, "lon": 112.6205},
        "agent": "AG-7"
    })
    .to_string();
    loop {
        let ts = jiff::Timestamp::now().as_second();
        let sent = http
            .post(format!("http://127.0.0.1:{hooks}/webhooks/call112"))
            .header(TIMESTAMP_HEADER, ts.to_string())
            .header(
                SIGNATURE_HEADER,
                sign(b"call112-demo-secret", ts, body.as_bytes()),
            )
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await;
        if let Ok(r) = sent {
            assert_eq!(r.status().as_u16(), 202, "{}", r.text().await.unwrap());
            break;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "exited: {status}\n{}",
                std::fs::read_to_string(&log_path).unwrap()
            );
        }
        assert!(Instant::now() < end, "the webhook listener never answered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Every record forwarded: LAPOR! has answered requests.
    let text = loop {
        if let Some(t) = scrape(http.clone(), base.clone()).await {
            if sample(
                &t,
                "lapor_bridge_records_forwarded_total{channel=\"sambat\"}",
            ) == Some(5.0)
                && sample(
                    &t,
                    "lapor_bridge_records_forwarded_total{channel=\"call112\"}",
                ) == Some(1.0)
            {
                break t;
            }
        }
        assert!(
            Instant::now() < end,
            "not forwarded in time; log:\n{}",
            std::fs::read_to_string(&log_path).unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = child.kill();
    let _ = child.wait();

    for (family, kind) in [
        ("lapor_bridge_record_attempts_total", "counter"),
        ("lapor_bridge_lapor_request_duration_seconds", "histogram"),
        (
            "lapor_bridge_webhook_handling_duration_seconds",
            "histogram",
        ),
        ("process_cpu_seconds_total", "counter"),
        ("process_resident_memory_bytes", "gauge"),
        ("process_open_fds", "gauge"),
        ("process_max_fds", "gauge"),
        ("process_start_time_seconds", "gauge"),
    ] {
        assert!(
            text.contains(&format!("# TYPE {family} {kind}\n")),
            "{family} is not a {kind}:\n{text}"
        );
    }
    assert!(
        sample(
            &text,
            "lapor_bridge_record_attempts_total{channel=\"sambat\"}"
        )
        .unwrap()
            >= 5.0,
        "{text}"
    );
    let requests = sample(&text, "lapor_bridge_lapor_requests_total").unwrap();
    let observed = sample(&text, "lapor_bridge_lapor_request_duration_seconds_count").unwrap();
    assert!(
        observed >= 6.0 && observed <= requests,
        "{observed} of {requests}"
    );
    assert_eq!(
        sample(
            &text,
            "lapor_bridge_webhook_handling_duration_seconds_count{channel=\"call112\"}"
        ),
        Some(1.0),
        "{text}"
    );
    assert!(sample(&text, "process_resident_memory_bytes").unwrap() > 1e6);
    assert!(sample(&text, "process_open_fds").unwrap() >= 3.0);
    // A ratio is named as one.
    assert!(!text.contains("_rate "), "{text}");

    let Some(bin) = promtool() else {
        eprintln!("notice: promtool is not installed (scripts/ensure-promtool.sh); check skipped");
        return;
    };
    let mut p = Command::new(bin)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    p.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = p.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.trim().is_empty(),
        "promtool check metrics:\n{said}\n--- metrics:\n{text}"
    );
}
