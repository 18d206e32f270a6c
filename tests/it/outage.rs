//! A LAPOR! outage over real HTTP: connections refused for long enough to probe far past
//! every record's budget, then half the calls failing with 5xx, then healthy. Nothing may
//! be dead-lettered, every record is created once, and with the default outage settings
//! the backlog starts draining within 5 s of LAPOR! answering again.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{counts, Env};
use lapor_bridge::shutdown;
use lapor_mocks::lapor::{Faults, LaporMockConfig};
use serde_json::json;

const RECORDS: usize = 6;

fn record(n: usize) -> serde_json::Value {
    json!({
        "judul": format!("Lampu jalan mati nomor {n}"),
        "isi": "Lampu penerangan jalan di depan rumah mati sejak seminggu, jalan gelap di malam hari.",
        "kategori": "Jalan Rusak", "opd": "DPUPRPKP", "kecamatan": "Klojen", "kelurahan": "Kauman",
        "alamat": "Jl. Pasar Besar", "pelapor": {"nama": "Siti Aminah", "nik": "3573010101900001", "hp": "0812-3456-7890", "email": null},
        "anonim": false, "rahasia": false, "foto": [], "status": "baru"
    })
}

async fn start() -> Env {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await;
    for n in 0..RECORDS {
        env.sambat.insert(record(n));
    }
    env
}

fn assert_all_created_once(env: &Env, store: &lapor_bridge::store::Store) {
    let t = counts(store);
    assert_eq!(t.dead, 0, "{t:?}");
    assert_eq!(t.forwarded, RECORDS as u64, "{t:?}");
    let complaints = env.lapor.complaints();
    let ids: BTreeSet<&str> = complaints.iter().map(|c| c.id_eksternal.as_str()).collect();
    assert_eq!(complaints.len(), RECORDS, "created exactly once each");
    assert_eq!(ids.len(), RECORDS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_then_flaky_lapor_dead_letters_nothing() {
    let mut env = start().await;
    env.lapor.refuse_connections().await;
    // Short probes and a small budget: the outage is probed many times past it.
    let p = Arc::new(env.pipeline(&[
        ("LAPOR_BRIDGE__FORWARDER__MAX_ATTEMPTS", "10".into()),
        ("LAPOR_BRIDGE__FORWARDER__OUTAGE_THRESHOLD", "3".into()),
        (
            "LAPOR_BRIDGE__FORWARDER__OUTAGE_BACKOFF_MAX_SECS",
            "1".into(),
        ),
    ]));
    let (trigger, s) = shutdown::channel();
    let run = tokio::spawn({
        let p = p.clone();
        async move { p.run(s).await }
    });
    common::wait_for("records taken in", Duration::from_secs(10), || {
        counts(&p.store).pending == RECORDS as u64
    })
    .await;
    let probes_before = p
        .forwarder
        .client()
        .stats
        .transport_errors
        .load(std::sync::atomic::Ordering::Relaxed);
    common::wait_for(
        "probes well past the budget",
        Duration::from_secs(60),
        || {
            p.forwarder
                .client()
                .stats
                .transport_errors
                .load(std::sync::atomic::Ordering::Relaxed)
                >= probes_before + 25
        },
    )
    .await;
    assert_eq!(counts(&p.store).dead, 0);
    env.lapor.set_faults(Faults {
        error_5xx_probability: 0.5,
        ..Faults::default()
    });
    env.lapor.accept_connections().await.unwrap();
    common::wait_for(
        "5xx phase served some calls",
        Duration::from_secs(30),
        || env.lapor.counters().injected_5xx >= 10,
    )
    .await;
    env.lapor.set_faults(Faults::default());
    common::wait_for("all forwarded", Duration::from_secs(60), || {
        let t = counts(&p.store);
        t.forwarded + t.dead == RECORDS as u64
    })
    .await;
    assert_all_created_once(&env, &p.store);
    trigger.trigger();
    run.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_default_outage_settings_draining_starts_within_5s_of_lapor_answering() {
    let mut env = start().await;
    env.lapor.refuse_connections().await;
    // The defaults, not the fast test overrides: threshold 3, backoff from 1 s, cap 4 s.
    let p = Arc::new(env.pipeline(&[
        ("LAPOR_BRIDGE__FORWARDER__MAX_ATTEMPTS", "12".into()),
        ("LAPOR_BRIDGE__FORWARDER__OUTAGE_THRESHOLD", "3".into()),
        ("LAPOR_BRIDGE__FORWARDER__BACKOFF_INITIAL_MS", "1000".into()),
        ("LAPOR_BRIDGE__FORWARDER__BACKOFF_MAX_SECS", "900".into()),
        (
            "LAPOR_BRIDGE__FORWARDER__OUTAGE_BACKOFF_MAX_SECS",
            lapor_bridge::config::DEFAULT_OUTAGE_BACKOFF_MAX_SECS.to_string(),
        ),
    ]));
    assert_eq!(p.cfg.forwarder.outage_backoff_max, Duration::from_secs(4));
    let (trigger, s) = shutdown::channel();
    let run = tokio::spawn({
        let p = p.clone();
        async move { p.run(s).await }
    });
    // Long enough for the pause to reach its cap.
    let errors = || {
        p.forwarder
            .client()
            .stats
            .transport_errors
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    common::wait_for("outage probed a while", Duration::from_secs(60), || {
        errors() >= 12
    })
    .await;
    env.lapor.accept_connections().await.unwrap();
    let back = Instant::now();
    common::wait_for("first complaint created", Duration::from_secs(10), || {
        !env.lapor.complaints().is_empty()
    })
    .await;
    let first = back.elapsed();
    eprintln!("LAPOR! back -> first create: {first:?}");
    assert!(first < Duration::from_secs(5), "{first:?}");
    common::wait_for("all forwarded", Duration::from_secs(30), || {
        counts(&p.store).forwarded == RECORDS as u64
    })
    .await;
    eprintln!(
        "LAPOR! back -> all {RECORDS} forwarded: {:?}",
        back.elapsed()
    );
    assert_all_created_once(&env, &p.store);
    trigger.trigger();
    run.await.unwrap();
}
