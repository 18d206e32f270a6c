//! Reference data fetched, cached and checked against the mapping tables; the retry schedule
//! and the global pause survive a restart.

use crate::common;

use std::time::Duration;

use common::Env;
use lapor_bridge::forward::reference;
use lapor_bridge::pipeline::Pipeline;
use lapor_mocks::lapor::{Faults, LaporMockConfig};
use serde_json::json;

fn record() -> serde_json::Value {
    json!({
        "judul": "Parkir liar di Kayutangan", "isi": "Banyak juru parkir liar di kawasan Kayutangan Heritage setiap malam.",
        "kategori": "Parkir Liar", "opd": "Dishub", "kecamatan": "Klojen", "kelurahan": "Kauman",
        "alamat": "Jl. Basuki Rahmat", "pelapor": null, "anonim": true, "rahasia": false, "foto": [], "status": "baru"
    })
}

#[tokio::test]
async fn mapping_tables_are_checked_against_lapors_reference_data() {
    let env = Env::start(LaporMockConfig::default()).await;
    let cfg = env.config(&[(
        "LAPOR_BRIDGE__CHANNELS__SAMBAT__MAPPING__KATEGORI__SAMPAH",
        "999999".into(),
    )]);
    let p = Pipeline::build(cfg.clone()).unwrap();
    assert!(
        reference::check_mappings(&cfg, &p.store)
            .unwrap()
            .is_empty(),
        "nothing fetched yet: nothing to check"
    );
    reference::refresh(p.forwarder.client(), &p.store, 3)
        .await
        .unwrap();
    let bad = reference::check_mappings(&cfg, &p.store).unwrap();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].0, "channels.sambat.mapping.kategori.sampah");
    assert!(bad[0].1.contains("999999"));
}

#[tokio::test]
async fn a_category_dropped_from_one_fetch_is_kept_for_the_grace_period() {
    let env = Env::start(LaporMockConfig::default()).await;
    let p = env.pipeline(&[]);
    reference::refresh(p.forwarder.client(), &p.store, 3)
        .await
        .unwrap();
    let full = lapor_mocks::reference::default_kategori();
    let dropped = full[0].id;
    env.lapor.set_kategori(full[1..].to_vec());
    for _ in 0..2 {
        reference::refresh(p.forwarder.client(), &p.store, 3)
            .await
            .unwrap();
        assert!(p
            .store
            .reference_ids("kategori")
            .unwrap()
            .contains(&dropped));
    }
    reference::refresh(p.forwarder.client(), &p.store, 3)
        .await
        .unwrap();
    assert!(!p
        .store
        .reference_ids("kategori")
        .unwrap()
        .contains(&dropped));
}

#[tokio::test]
async fn the_retry_schedule_and_the_pause_survive_a_restart() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        faults: Faults {
            error_5xx_probability: 1.0,
            ..Faults::default()
        },
        ..LaporMockConfig::default()
    })
    .await;
    env.sambat.insert(record());
    let overrides = [
        (
            "LAPOR_BRIDGE__FORWARDER__BACKOFF_INITIAL_MS",
            "60000".into(),
        ),
        ("LAPOR_BRIDGE__FORWARDER__BACKOFF_MAX_SECS", "120".into()),
        ("LAPOR_BRIDGE__FORWARDER__OUTAGE_THRESHOLD", "1".into()),
        (
            "LAPOR_BRIDGE__FORWARDER__OUTAGE_BACKOFF_MAX_SECS",
            "120".into(),
        ),
    ];
    let p = env.pipeline(&overrides);
    p.pollers[0].poll_once().await.unwrap();
    let r = p.forwarder.step().await.unwrap();
    assert_eq!(r.retried, 1);
    let paused = r
        .paused_until
        .expect("one failure past a threshold of 1 pauses");
    let due = p.store.next_due().unwrap().unwrap();
    drop(p);

    env.lapor.set_faults(Faults::default());
    let restarted = env.pipeline(&overrides);
    let r = restarted.forwarder.step().await.unwrap();
    assert_eq!(
        r.claimed, 0,
        "the restart keeps the pause instead of sending at once"
    );
    assert_eq!(
        r.paused_until.map(lapor_bridge::time::db),
        Some(lapor_bridge::time::db(paused))
    );
    assert_eq!(restarted.store.next_due().unwrap(), Some(due));
    assert!(
        due > jiff::Timestamp::now() + Duration::from_secs(20),
        "the record's own schedule is kept too"
    );
    let c = env.lapor.counters();
    assert_eq!(
        (c.injected_5xx, c.created),
        (1, 0),
        "one attempt before the restart, none after"
    );
}
