//! The forwarder against the LAPOR! mock over loopback, one response class per test, driven
//! one step at a time.

use crate::common;

use std::time::Duration;

use common::{counts, Env};
use lapor_bridge::channel::Mappers;
use lapor_bridge::domain::RecordKey;
use lapor_bridge::mapping::ReferenceIds;
use lapor_bridge::store::OutboxState;
use lapor_bridge::wire::lapor::{CreateOutcome, LaporClient};
use lapor_mocks::lapor::{Faults, LaporMockConfig};
use serde_json::json;

fn record(kategori: &str) -> serde_json::Value {
    json!({
        "judul": "Jalan berlubang di depan pasar",
        "isi": "Jalan berlubang cukup dalam di depan Pasar Besar, sudah dua minggu belum diperbaiki.",
        "kategori": kategori, "opd": "DPUPRPKP", "kecamatan": "Klojen", "kelurahan": "Kauman",
        "alamat": "Jl. Pasar Besar", "pelapor": {"nama": "Siti Aminah", "nik": "3573010101900001", "hp": "0812-3456-7890", "email": null},
        "anonim": false, "rahasia": false, "foto": [], "status": "baru"
    })
}

fn key(id: i64) -> RecordKey {
    RecordKey::parse(&format!("sambat:{id}")).unwrap()
}

async fn quiet_env() -> Env {
    Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await
}

#[tokio::test]
async fn created_201_stores_the_tracking_id() {
    let env = quiet_env().await;
    let id = env.sambat.insert(record("Jalan Rusak"));
    let p = env.pipeline(&[]);
    let polled = p.pollers[0].poll_once().await.unwrap();
    assert_eq!(polled.new, 1);
    let r = p.forwarder.step().await.unwrap();
    assert_eq!((r.claimed, r.forwarded), (1, 1));
    let d = p.store.detail(&key(id)).unwrap();
    assert_eq!(d.state, OutboxState::Forwarded);
    let complaints = env.lapor.complaints();
    assert_eq!(complaints.len(), 1);
    assert_eq!(
        d.tracking_id.as_deref(),
        Some(complaints[0].tracking_id.as_str())
    );
    assert_eq!(complaints[0].id_eksternal, format!("sambat:{id}"));
    assert_eq!(complaints[0].idempotency_key, format!("sambat:{id}"));
    assert_eq!(complaints[0].body["kanal"], "sambat");
}

/// Posts the payload the bridge would send, before the bridge does: the key is then taken.
async fn pre_create(
    env: &Env,
    id: i64,
    tweak: impl FnOnce(&mut lapor_bridge::wire::lapor::types::CreateLaporan),
) -> CreateOutcome {
    let cfg = env.config(&[]);
    let raw = env
        .sambat
        .records()
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap();
    let mut payload = Mappers::from_config(&cfg)
        .map(
            &key(id),
            &raw,
            &ReferenceIds::default(),
            jiff::Timestamp::now(),
        )
        .unwrap()
        .payload;
    tweak(&mut payload);
    let client = LaporClient::new(&cfg.lapor).unwrap();
    client
        .create(&format!("sambat:{id}"), &payload)
        .await
        .unwrap()
}

#[tokio::test]
async fn replay_200_means_it_exists_and_is_not_created_twice() {
    let env = quiet_env().await;
    let id = env.sambat.insert(record("Jalan Rusak"));
    assert!(matches!(
        pre_create(&env, id, |_| {}).await,
        CreateOutcome::Created { .. }
    ));
    let p = env.pipeline(&[]);
    p.pollers[0].poll_once().await.unwrap();
    let r = p.forwarder.step().await.unwrap();
    assert_eq!(r.forwarded, 1);
    assert_eq!(env.lapor.counters().replayed, 1);
    assert_eq!(env.lapor.complaints().len(), 1);
    let d = p.store.detail(&key(id)).unwrap();
    assert_eq!(
        d.tracking_id.as_deref(),
        Some(env.lapor.complaints()[0].tracking_id.as_str())
    );
    assert!(d.divergence.unwrap().contains("replayed"));
}

#[tokio::test]
async fn conflict_409_records_the_tracking_id_and_the_divergence() {
    let env = quiet_env().await;
    let id = env.sambat.insert(record("Jalan Rusak"));
    pre_create(&env, id, |p| {
        p.judul = "Judul yang berbeda dari SAMBAT".into()
    })
    .await;
    let p = env.pipeline(&[]);
    p.pollers[0].poll_once().await.unwrap();
    let r = p.forwarder.step().await.unwrap();
    assert_eq!(r.forwarded, 1);
    assert_eq!(env.lapor.counters().conflicts, 1);
    assert_eq!(env.lapor.complaints().len(), 1);
    let d = p.store.detail(&key(id)).unwrap();
    assert_eq!(d.state, OutboxState::Forwarded);
    assert!(d.divergence.unwrap().contains("409"));
}

#[tokio::test]
async fn validation_422_is_a_dead_letter_carrying_the_field_errors() {
    // The mapping table points at a kategori id LAPOR! does not have; the reference cache is
    // empty (never fetched), so only LAPOR! can say so.
    let env = quiet_env().await;
    let id = env.sambat.insert(record("Drainase"));
    let p = env.pipeline(&[(
        "LAPOR_BRIDGE__CHANNELS__SAMBAT__MAPPING__KATEGORI__DRAINASE",
        "999999".into(),
    )]);
    p.pollers[0].poll_once().await.unwrap();
    let r = p.forwarder.step().await.unwrap();
    assert_eq!(r.dead, 1);
    let d = p.store.detail(&key(id)).unwrap();
    assert_eq!(d.state, OutboxState::Dead);
    assert!(
        d.problems.iter().any(|f| f.field == "kategori_id"),
        "{:?}",
        d.problems
    );
    assert!(d.last_error.unwrap().contains("422"));
    assert_eq!(env.lapor.complaints().len(), 0);
    // A dead letter is not retried by later steps.
    assert_eq!(p.forwarder.step().await.unwrap().claimed, 0);
}

#[tokio::test]
async fn unmappable_record_is_held_with_its_reason_and_nothing_is_sent() {
    let env = quiet_env().await;
    let id = env.sambat.insert(record("Kategori Tak Dikenal"));
    let p = env.pipeline(&[]);
    let polled = p.pollers[0].poll_once().await.unwrap();
    assert_eq!(polled.held, 1);
    assert_eq!(p.forwarder.step().await.unwrap().claimed, 0);
    let d = p.store.detail(&key(id)).unwrap();
    assert_eq!(d.state, OutboxState::Held);
    assert!(d
        .problems
        .iter()
        .any(|f| f.field == "kategori" && f.message.contains("Kategori Tak Dikenal")));
    assert_eq!(env.lapor.counters().create_requests, 0);
    // Fixing it on SAMBAT releases it.
    env.sambat.edit(id, |r| {
        r.insert("kategori".into(), json!("Jalan Rusak"));
    });
    assert_eq!(p.pollers[0].poll_once().await.unwrap().updated, 1);
    assert_eq!(p.forwarder.step().await.unwrap().forwarded, 1);
}

#[tokio::test]
async fn server_errors_are_retried_on_schedule_and_exhaustion_dead_letters() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        faults: Faults {
            error_5xx_probability: 1.0,
            ..Faults::default()
        },
        ..LaporMockConfig::default()
    })
    .await;
    let id = env.sambat.insert(record("Jalan Rusak"));
    let p = env.pipeline(&[
        ("LAPOR_BRIDGE__FORWARDER__MAX_ATTEMPTS", "3".into()),
        ("LAPOR_BRIDGE__FORWARDER__BACKOFF_INITIAL_MS", "1".into()),
    ]);
    p.pollers[0].poll_once().await.unwrap();
    let mut attempts = 0;
    while p.store.detail(&key(id)).unwrap().state == OutboxState::Pending {
        let r = p.forwarder.step().await.unwrap();
        attempts += r.claimed;
        if r.claimed == 0 {
            // Not due yet: wait for its persisted next attempt time, with a deadline.
            let due = p.store.next_due().unwrap().unwrap();
            common::wait_for("next attempt due", Duration::from_secs(5), || {
                jiff::Timestamp::now() >= due
            })
            .await;
        }
    }
    let d = p.store.detail(&key(id)).unwrap();
    assert_eq!(attempts, 3);
    assert_eq!((d.state, d.attempts), (OutboxState::Dead, 3));
    assert!(
        d.last_error
            .as_deref()
            .unwrap()
            .contains("gave up after 3 attempts"),
        "{:?}",
        d.last_error
    );
    assert_eq!(
        d.events
            .iter()
            .filter(|e| e.kind == "attempt_failed")
            .count(),
        2
    );
}

#[tokio::test]
async fn reset_after_create_is_resolved_by_lookup_not_by_a_second_create() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        faults: Faults {
            reset_after_create_probability: 1.0,
            ..Faults::default()
        },
        ..LaporMockConfig::default()
    })
    .await;
    let id = env.sambat.insert(record("Jalan Rusak"));
    let p = env.pipeline(&[("LAPOR_BRIDGE__FORWARDER__BACKOFF_INITIAL_MS", "1".into())]);
    p.pollers[0].poll_once().await.unwrap();
    let r = p.forwarder.step().await.unwrap();
    assert_eq!(r.retried, 1);
    let d = p.store.detail(&key(id)).unwrap();
    assert!(
        d.in_doubt,
        "a reset after sending leaves the record in doubt"
    );
    assert_eq!(
        env.lapor.complaints().len(),
        1,
        "the mock created it before resetting"
    );
    let due = p.store.next_due().unwrap().unwrap();
    common::wait_for("retry due", Duration::from_secs(5), || {
        jiff::Timestamp::now() >= due
    })
    .await;
    let r = p.forwarder.step().await.unwrap();
    assert_eq!(r.forwarded, 1);
    let c = env.lapor.counters();
    assert_eq!(c.create_requests, 1, "found by lookup, not sent again");
    assert!(c.lookups >= 1);
    let d = p.store.detail(&key(id)).unwrap();
    assert_eq!(
        d.tracking_id.as_deref(),
        Some(env.lapor.complaints()[0].tracking_id.as_str())
    );
}

#[tokio::test]
async fn quota_429_honours_retry_after_and_pauses_every_send() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: Some(4),
        ..LaporMockConfig::default()
    })
    .await;
    for _ in 0..6 {
        env.sambat.insert(record("Jalan Rusak"));
    }
    let p = env.pipeline(&[("LAPOR_BRIDGE__FORWARDER__CONCURRENCY", "1".into())]);
    p.pollers[0].poll_once().await.unwrap();
    let before = jiff::Timestamp::now();
    let r = p.forwarder.step().await.unwrap();
    // token + 3 creates fit in 4/min; the 4th create gets 429 and everything pauses.
    assert!(env.lapor.counters().rate_limited >= 1);
    let until = r.paused_until.expect("a 429 pauses the forwarder");
    assert!(until >= before + jiff::SignedDuration::from_secs(1));
    let next = p.forwarder.step().await.unwrap();
    assert_eq!(next.claimed, 0, "nothing is sent while paused");
    assert_eq!(next.paused_until, Some(until));
    let c = counts(&p.store);
    assert_eq!(c.forwarded, 3);
    assert_eq!(c.pending, 3);
}

#[tokio::test]
async fn expired_token_is_refreshed_once_and_the_call_repeated() {
    let env = quiet_env().await;
    env.sambat.insert(record("Jalan Rusak"));
    env.sambat.insert(record("Jalan Rusak"));
    let p = env.pipeline(&[("LAPOR_BRIDGE__FORWARDER__BATCH_SIZE", "1".into())]);
    p.pollers[0].poll_once().await.unwrap();
    assert_eq!(p.forwarder.step().await.unwrap().forwarded, 1);
    env.lapor.expire_tokens();
    assert_eq!(p.forwarder.step().await.unwrap().forwarded, 1);
    let c = env.lapor.counters();
    assert_eq!(c.tokens_issued, 2);
    assert!(c.unauthorized >= 1);
}

#[tokio::test]
async fn outage_pauses_globally_instead_of_spending_every_records_attempts() {
    let env = quiet_env().await;
    let ids: Vec<i64> = (0..10)
        .map(|_| env.sambat.insert(record("Jalan Rusak")))
        .collect();
    let p = env.pipeline(&[
        ("LAPOR_BRIDGE__FORWARDER__OUTAGE_THRESHOLD", "2".into()),
        ("LAPOR_BRIDGE__FORWARDER__CONCURRENCY", "1".into()),
        ("LAPOR_BRIDGE__FORWARDER__BACKOFF_INITIAL_MS", "50".into()),
        (
            "LAPOR_BRIDGE__FORWARDER__OUTAGE_BACKOFF_MAX_SECS",
            "1".into(),
        ),
    ]);
    p.pollers[0].poll_once().await.unwrap();
    env.lapor.set_down(true);
    let r = p.forwarder.step().await.unwrap();
    assert!(r.paused_until.is_some(), "{r:?}");
    assert_eq!(r.claimed, 10);
    // Two failures declared the outage; the rest of the batch was handed back unattempted.
    assert_eq!((r.retried, r.deferred), (2, 8), "{r:?}");
    let spent: u32 = ids
        .iter()
        .map(|i| p.store.detail(&key(*i)).unwrap().attempts)
        .sum();
    assert_eq!(
        spent, 2,
        "only the two records actually tried spent an attempt"
    );
    // While paused nothing is claimed.
    assert_eq!(p.forwarder.step().await.unwrap().claimed, 0);
    env.lapor.set_down(false);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while counts(&p.store).forwarded < 10 {
        assert!(
            std::time::Instant::now() < deadline,
            "outage over, but not all forwarded"
        );
        let r = p.forwarder.step().await.unwrap();
        if r.claimed == 0 {
            let until = r.paused_until.or(p.store.next_due().unwrap()).unwrap();
            common::wait_for("pause or retry due", Duration::from_secs(10), || {
                jiff::Timestamp::now() >= until
            })
            .await;
        }
    }
    assert_eq!(env.lapor.complaints().len(), 10);
}
