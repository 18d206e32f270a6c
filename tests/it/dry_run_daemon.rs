//! Acceptance: the real `lapor-bridge run --dry-run` process against the mocks, with SAMBAT
//! records arriving in batches during the run. LAPOR! receives zero create requests, SAMBAT
//! zero write-backs, and `dry-run report` lists every record received with its verdict.

use crate::common;

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::Env;
use lapor_mocks::lapor::LaporMockConfig;

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");
/// Batches of SAMBAT records added while the daemon runs, after the first records.
const BATCHES: usize = 5;
/// How long the daemon may take to poll and check one batch.
const BATCH_DEADLINE: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_daemon_fed_during_its_run_sends_nothing_and_reports_every_record() {
    let env = Env::start(LaporMockConfig::default()).await;
    let mut ids: BTreeSet<i64> = env.sambat.add_generated(40).into_iter().collect();
    // One record the mapping tables do not cover: it must be listed, invalid, with reasons.
    let unmapped = env.sambat.insert(serde_json::json!({
        "judul": "Banjir di perumahan setiap hujan",
        "isi": "Banjir setinggi lutut di perumahan setiap hujan deras, saluran tersumbat sampah.",
        "kategori": "Banjir Rob",
        "opd": "DLH",
        "kecamatan": "Sukun",
        "kelurahan": "",
        "alamat": "Perum Sukun Indah",
        "pelapor": {"nama": "Andi", "nik": null, "hp": null, "email": null},
        "anonim": false,
        "rahasia": false,
        "foto": [],
    }));
    ids.insert(unmapped);

    let log_path = env.dir.path().join("bridge.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = tokio::process::Command::new(BIN)
        .args(["run", "--dry-run", "--config", common::DEMO_TOML])
        .envs(env.child_env(&[]))
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("start lapor-bridge run --dry-run");

    // Records keep arriving during the run: a batch each time the daemon has checked all it
    // was given, so every batch is one it polls after starting (a deadline per batch, not a
    // fixed minute).
    let store = common::open_store(&env.store_path());
    for batch in 0..=BATCHES {
        let end = Instant::now() + BATCH_DEADLINE;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "exited early: {status}; log:\n{}",
                    std::fs::read_to_string(&log_path).unwrap()
                );
            }
            // Everything received has been checked.
            let rows = store.dry_run_report().unwrap();
            if rows.len() == ids.len() && rows.iter().all(|r| r.verdict.is_some()) {
                break;
            }
            assert!(
                Instant::now() < end,
                "timed out waiting for: every record checked (batch {batch})"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if batch < BATCHES {
            ids.extend(env.sambat.add_generated(15));
        }
    }
    drop(store);

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id().unwrap() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("stops on SIGTERM")
        .unwrap();
    assert!(status.success(), "{status}");

    assert_eq!(
        env.lapor.counters().create_requests,
        0,
        "dry run sent a create"
    );
    assert_eq!(
        env.lapor.counters().lookups,
        0,
        "dry run looked a complaint up"
    );
    assert_eq!(
        env.sambat.counters().writebacks,
        0,
        "dry run wrote back to SAMBAT"
    );
    assert!(
        env.sambat.counters().list_requests > 0,
        "intake did not run"
    );

    let out = tokio::process::Command::new(BIN)
        .args(["dry-run", "report", "--format", "json", "--store"])
        .arg(env.store_path())
        .output()
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let records = report["records"].as_array().unwrap();
    let listed: BTreeSet<i64> = records
        .iter()
        .map(|r| {
            r["key"]
                .as_str()
                .unwrap()
                .strip_prefix("sambat:")
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(listed, ids, "the report lists every record received");
    for r in records {
        let verdict = r["verdict"].as_str().unwrap_or("none");
        assert!(verdict == "valid" || verdict == "invalid", "{r}");
        assert_eq!(r["state"], "dry_run_checked", "{r}");
        if verdict == "valid" {
            assert!(
                r["payload"].is_object() && r["reasons"].as_array().unwrap().is_empty(),
                "{r}"
            );
        } else {
            assert!(!r["reasons"].as_array().unwrap().is_empty(), "{r}");
        }
    }
    let bad = records
        .iter()
        .find(|r| r["key"] == format!("sambat:{unmapped}"))
        .unwrap();
    assert_eq!(bad["verdict"], "invalid");
    assert_eq!(bad["reasons"][0]["field"], "kategori");
    assert_eq!(report["summary"]["records"], ids.len());
}
