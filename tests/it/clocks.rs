//! Clocks that disagree: a channel whose clock runs ahead of ours, and a LAPOR! whose clock is
//! behind. The contract allows no future `waktu_lapor`; no complaint may be lost to either.

use crate::common;
use crate::support::webhooks;

use common::Env;
use jiff::{SignedDuration, Timestamp};
use lapor_bridge::domain::RecordKey;
use lapor_bridge::pipeline::Pipeline;
use lapor_bridge::shutdown;
use lapor_bridge::store::OutboxState;
use lapor_mocks::lapor::LaporMockConfig;
use serde_json::json;
use webhooks::*;

async fn env() -> Env {
    Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await
}

/// An anonymous SAMBAT complaint in Klojen, reported at `dibuat` (WIB) by SAMBAT's clock.
fn anonymous_complaint(dibuat: &str, kelurahan: &str) -> serde_json::Value {
    json!({
        "judul": "Lampu jalan mati di Jl. Ijen",
        "isi": "Tiga lampu penerangan jalan mati sejak dua malam, jalan gelap dan rawan dilewati.",
        "kategori": "Jalan Rusak", "opd": "DPUPRPKP", "kecamatan": "Klojen", "kelurahan": kelurahan,
        "alamat": "Jl. Ijen", "pelapor": null, "anonim": true, "rahasia": false, "foto": [],
        "status": "baru", "dibuat": dibuat, "diperbarui": dibuat,
    })
}

fn wib(ts: Timestamp) -> String {
    lapor_bridge::time::format_wib(ts)
}

async fn forward_all(p: &Pipeline) {
    for _ in 0..50 {
        if p.forwarder.step().await.unwrap().claimed == 0 {
            return;
        }
    }
    panic!("the forwarder kept claiming");
}

/// Every complaint LAPOR! holds has a `waktu_lapor` no later than when LAPOR! created it.
fn assert_no_future_times(env: &Env) {
    for c in env.lapor.complaints() {
        let waktu: Timestamp = c.body["waktu_lapor"].as_str().unwrap().parse().unwrap();
        let created: Timestamp = c.dibuat_pada.parse().unwrap();
        assert!(
            waktu <= created,
            "{} sent waktu_lapor {waktu} after {created}",
            c.id_eksternal
        );
    }
}

#[tokio::test]
async fn sambat_records_up_to_ten_minutes_ahead_are_all_created_with_the_clamp_noted() {
    let env = env().await;
    let now = Timestamp::now();
    let mut ids = Vec::new();
    // From 30 s to ten minutes ahead of the bridge's clock, and one in the past. (One second
    // ahead is in the unit tests: here it could be past by the time the forwarder maps it.)
    for secs in [30, 90, 300, 599, 600, -3600] {
        let dibuat = wib(now + SignedDuration::from_secs(secs));
        let id = env
            .sambat
            .insert(anonymous_complaint(&dibuat, "Oro Oro Dowo"));
        ids.push((id, secs, dibuat));
    }
    let p = env.pipeline(&[]);
    assert_eq!(
        p.pollers[0].poll_once().await.unwrap().new as usize,
        ids.len()
    );
    forward_all(&p).await;

    assert_eq!(env.lapor.complaints().len(), ids.len());
    assert_eq!(env.lapor.counters().validation_failed, 0);
    assert_no_future_times(&env);
    for (id, secs, dibuat) in ids {
        let d = p
            .store
            .detail(&RecordKey::parse(&format!("sambat:{id}")).unwrap())
            .unwrap();
        assert_eq!(
            d.state,
            OutboxState::Forwarded,
            "sambat:{id} ({secs} s ahead)"
        );
        let clamp = d
            .notes
            .iter()
            .find(|n| n.contains("ahead of the bridge's clock"));
        if secs > 0 {
            // The channel's own time stays on the record's timeline, with the clamp.
            let note =
                clamp.unwrap_or_else(|| panic!("no clamp note on sambat:{id}: {:?}", d.notes));
            assert!(note.contains(&dibuat), "{note}");
        } else {
            assert!(clamp.is_none(), "{:?}", d.notes);
        }
        let sent = &env
            .lapor
            .complaints()
            .into_iter()
            .find(|c| c.id_eksternal == format!("sambat:{id}"))
            .unwrap()
            .body;
        // The loosely spelt kelurahan found its Kemendagri code.
        assert_eq!(sent["lokasi"]["kode_wilayah"], "35.73.02.1008");
    }
}

#[tokio::test]
async fn a_webhook_ticket_ten_minutes_ahead_is_created_with_the_clamp_noted() {
    let env = env().await;
    let p = env.pipeline(&[]);
    let w = p
        .webhooks
        .clone()
        .expect("demo config has webhook channels");
    let url = format!("http://{}/webhooks/call112", w.local_addr());
    let (_trigger, sd) = shutdown::channel();
    tokio::spawn(async move { w.run(sd).await });

    let ahead = Timestamp::now() + SignedDuration::from_mins(10);
    let mut t = ticket(
        "112-CLOCK-1",
        "Tiga lampu penerangan jalan mati sejak dua malam, jalan gelap dan rawan.",
    );
    t["call_time"] = json!(lapor_bridge::time::rfc3339_wib(ahead));
    let (status, body) = send(&reqwest::Client::new(), &url, CALL112_SECRET, &t).await;
    assert_eq!(status, 202, "{body}");
    forward_all(&p).await;

    assert_eq!(env.lapor.complaints().len(), 1);
    assert_no_future_times(&env);
    let d = p
        .store
        .detail(&RecordKey::parse("call112:112-CLOCK-1").unwrap())
        .unwrap();
    assert_eq!(d.state, OutboxState::Forwarded);
    // `lapor-bridge show` prints the channel's time and the clamp.
    let shown = lapor_bridge::cli::show::render_in(
        &p.store,
        &RecordKey::parse("call112:112-CLOCK-1").unwrap(),
        lapor_bridge::cli::show::Format::Text,
        lapor_bridge::i18n::Lang::English,
    )
    .unwrap();
    assert!(
        shown.contains("mapping notes:") && shown.contains(&wib(ahead)),
        "{shown}"
    );
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("ahead of the bridge's clock") && n.contains(&wib(ahead))),
        "{:?}",
        d.notes
    );
}

#[tokio::test]
async fn lapor_refusing_a_time_as_future_is_retried_not_dead_lettered() {
    let env = env().await;
    let now = Timestamp::now();
    let dibuat = wib(now);
    let id = env.sambat.insert(anonymous_complaint(&dibuat, "Kauman"));
    // LAPOR!'s clock an hour behind ours: every time the bridge sends is "in the future" there.
    env.lapor.set_clock_offset_secs(-3600);
    let p = env.pipeline(&[]);
    p.pollers[0].poll_once().await.unwrap();
    let key = RecordKey::parse(&format!("sambat:{id}")).unwrap();
    for _ in 0..3 {
        let before = env.lapor.counters().validation_failed;
        p.forwarder.step().await.unwrap();
        let d = p.store.detail(&key).unwrap();
        assert_eq!(d.state, OutboxState::Pending, "{:?}", d.last_error);
        // The attempt is given back: a clock behind costs no budget.
        assert_eq!(d.attempts, 0);
        assert_eq!(env.lapor.counters().validation_failed, before + 1);
        // Due again within the (test) backoff ceiling of 1 s.
        let due = lapor_bridge::time::parse_db(d.next_attempt_at.as_deref().unwrap()).unwrap();
        assert!(
            due <= Timestamp::now() + SignedDuration::from_secs(2),
            "{due}"
        );
        common::wait_for(
            "the retry to be due",
            std::time::Duration::from_secs(5),
            || Timestamp::now() >= due,
        )
        .await;
    }
    env.lapor.set_clock_offset_secs(0);
    let due = lapor_bridge::time::parse_db(
        p.store
            .detail(&key)
            .unwrap()
            .next_attempt_at
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    common::wait_for(
        "the retry to be due",
        std::time::Duration::from_secs(5),
        || Timestamp::now() >= due,
    )
    .await;
    forward_all(&p).await;
    let d = p.store.detail(&key).unwrap();
    assert_eq!(d.state, OutboxState::Forwarded, "{:?}", d.last_error);
    assert_eq!(env.lapor.complaints().len(), 1);
    assert_no_future_times(&env);
}
