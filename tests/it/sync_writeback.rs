//! Status sync back, driven one step at a time against the LAPOR! and SAMBAT mocks over
//! loopback: updates applied in order and written back once, duplicates, cursor loss,
//! write-back failures and their recovery.

use crate::common;

use common::Env;
use lapor_bridge::domain::RecordKey;
use lapor_bridge::pipeline::Pipeline;
use lapor_bridge::writeback::WritebackWorker;
use lapor_mocks::lapor::LaporMockConfig;
use lapor_mocks::sambat::SambatFaults;
use serde_json::json;

const DISHUB: &str = "Dinas Perhubungan Kota Malang";

fn record(n: usize) -> serde_json::Value {
    json!({
        "judul": format!("Parkir liar di trotoar {n}"),
        "isi": "Kendaraan parkir di trotoar setiap sore sehingga pejalan kaki harus turun ke jalan.",
        "kategori": "Parkir Liar", "opd": "Dishub", "kecamatan": "Klojen", "kelurahan": "Kauman",
        "alamat": "Jl. Basuki Rahmat", "pelapor": {"nama": "Budi Santoso", "nik": null, "hp": "081234567890", "email": null},
        "anonim": false, "rahasia": false, "foto": [], "status": "baru"
    })
}

async fn env() -> Env {
    Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await
}

fn sambat_worker(p: &Pipeline) -> &WritebackWorker {
    p.writebacks
        .iter()
        .find(|w| w.channel().as_str() == "sambat")
        .expect("the demo config writes back to SAMBAT")
}

/// Takes `n` new SAMBAT records through intake and forwarding; returns (aduan id, tracking id).
async fn forwarded(env: &Env, p: &Pipeline, n: usize) -> Vec<(i64, String)> {
    let ids: Vec<i64> = (0..n).map(|i| env.sambat.insert(record(i))).collect();
    p.pollers[0].poll_once().await.unwrap();
    while p.forwarder.step().await.unwrap().claimed > 0 {}
    ids.into_iter()
        .map(|id| {
            let k = RecordKey::parse(&format!("sambat:{id}")).unwrap();
            let t = p.store.detail(&k).unwrap().tracking_id.expect("forwarded");
            (id, t)
        })
        .collect()
}

/// Reads the feed until it has nothing more.
async fn sync_all(p: &Pipeline) -> usize {
    let sync = p.sync.as_ref().expect("sync runs in live mode");
    let mut read = 0;
    loop {
        let r = sync.step().await.unwrap();
        read += r.read;
        if !r.more {
            return read;
        }
    }
}

async fn write_back_all(w: &WritebackWorker) {
    while w.step().await.unwrap().claimed > 0 {}
}

/// (status, isi) SAMBAT recorded for one aduan, in arrival order.
fn written(env: &Env, aduan: i64) -> Vec<(String, String)> {
    env.sambat
        .writebacks()
        .into_iter()
        .filter(|w| w.aduan_id == aduan)
        .map(|w| (w.status, w.isi))
        .collect()
}

#[tokio::test]
async fn each_status_and_response_reaches_sambat_once_and_in_order() {
    let env = env().await;
    let p = env.pipeline(&[]);
    let recs = forwarded(&env, &p, 2).await;
    let (aduan, tracking) = &recs[0];
    assert!(env.lapor.advance(tracking, "terverifikasi", None));
    assert!(env.lapor.advance(tracking, "terdisposisi", None));
    assert!(env.lapor.advance(
        tracking,
        "ditindaklanjuti",
        Some(("Juru parkir liar sudah ditertibkan.", DISHUB))
    ));
    assert!(env.lapor.advance(tracking, "selesai", None));
    sync_all(&p).await;
    write_back_all(sambat_worker(&p)).await;

    let got = written(&env, *aduan);
    let statuses: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        statuses,
        ["baru", "diverifikasi", "didisposisi", "diproses", "selesai"]
    );
    assert!(got[3].1.contains("Juru parkir liar sudah ditertibkan.") && got[3].1.contains(DISHUB));
    assert!(
        got[0].1.contains(tracking.as_str()),
        "the first note gives the tracking id: {}",
        got[0].1
    );
    // The other record got only its own first status.
    assert_eq!(written(&env, recs[1].0).len(), 1);

    // Reading again changes nothing: nothing is written twice.
    sync_all(&p).await;
    write_back_all(sambat_worker(&p)).await;
    assert_eq!(written(&env, *aduan).len(), 5);
    assert_eq!(env.sambat.counters().writeback_duplicates, 0);

    // The timeline shows all of it.
    let shown = lapor_bridge::cli::show::render(
        &p.store,
        &RecordKey::parse(&format!("sambat:{aduan}")).unwrap(),
        lapor_bridge::cli::show::Format::Json,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let kinds: Vec<&str> = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "received",
        "forwarded",
        "lapor_status",
        "tanggapan",
        "written_back",
    ] {
        assert!(kinds.contains(&k), "timeline lacks {k}: {kinds:?}");
    }
    assert_eq!(kinds.iter().filter(|k| **k == "written_back").count(), 5);
    assert_eq!(v["lapor_status"], "selesai");
}

#[tokio::test]
async fn redelivered_updates_are_applied_once() {
    let env = env().await;
    let p = env.pipeline(&[("LAPOR_BRIDGE__SYNC__PAGE_SIZE", "3".into())]);
    let recs = forwarded(&env, &p, 4).await;
    env.lapor.inject_duplicate_updates(1.0);
    for (_, t) in &recs {
        env.lapor.advance(t, "terverifikasi", None);
        env.lapor.advance(
            t,
            "diarsipkan",
            Some((
                "Laporan diarsipkan karena duplikasi.",
                "Pemerintah Kota Malang",
            )),
        );
    }
    let read = sync_all(&p).await;
    let emitted = env.lapor.counters().updates_emitted as usize;
    assert!(
        read > emitted,
        "the feed re-delivered updates ({read} read, {emitted} emitted)"
    );
    let stats = &p.sync.as_ref().unwrap().stats;
    assert_eq!(
        stats.duplicates.load(std::sync::atomic::Ordering::Relaxed) as usize,
        read - emitted
    );
    write_back_all(sambat_worker(&p)).await;
    for (aduan, _) in &recs {
        let s: Vec<String> = written(&env, *aduan).into_iter().map(|w| w.0).collect();
        assert_eq!(s, ["baru", "diverifikasi", "selesai"]);
    }
}

#[tokio::test]
async fn a_forgotten_cursor_is_recovered_by_looking_up_open_complaints() {
    let env = env().await;
    let p = env.pipeline(&[]);
    let recs = forwarded(&env, &p, 3).await;
    sync_all(&p).await;
    env.lapor.forget_cursors();
    let (a0, t0) = &recs[0];
    env.lapor.advance(t0, "terverifikasi", None);
    env.lapor
        .advance(t0, "ditindaklanjuti", Some(("Sudah ditertibkan.", DISHUB)));
    let sync = p.sync.as_ref().unwrap();
    let r = sync.step().await.unwrap();
    assert!(r.recovered, "invalid_cursor leads to look-ups");
    assert_eq!(r.looked_up, 3, "every open complaint is looked up");
    // The feed is then read from its start: everything there is already known.
    sync_all(&p).await;
    write_back_all(sambat_worker(&p)).await;
    let s: Vec<String> = written(&env, *a0).into_iter().map(|w| w.0).collect();
    // The look-up saw the response and the current status; the feed's older statuses are
    // stale by then and not written back.
    assert_eq!(s.first().map(String::as_str), Some("baru"));
    assert_eq!(s.last().map(String::as_str), Some("diproses"));
    assert!(written(&env, *a0)
        .iter()
        .any(|w| w.1.contains("Sudah ditertibkan.")));
    assert_eq!(
        written(&env, *a0)
            .iter()
            .filter(|w| w.1.contains("Sudah ditertibkan."))
            .count(),
        1,
        "the response is written back once although look-up and feed both delivered it"
    );
    assert_eq!(env.sambat.counters().writeback_duplicates, 0);
    assert!(env.lapor.counters().lookups >= 3);
}

#[tokio::test]
async fn sambat_failures_are_retried_and_an_unknown_aduan_is_a_dead_letter() {
    let env = env().await;
    let p = env.pipeline(&[
        (
            "LAPOR_BRIDGE__CHANNELS__SAMBAT__WRITEBACK__BACKOFF_INITIAL_MS",
            "1".into(),
        ),
        (
            "LAPOR_BRIDGE__CHANNELS__SAMBAT__WRITEBACK__BACKOFF_MAX_SECS",
            "1".into(),
        ),
    ]);
    let recs = forwarded(&env, &p, 2).await;
    sync_all(&p).await;
    env.sambat.set_faults(SambatFaults {
        writeback_5xx_probability: 1.0,
        ..Default::default()
    });
    let w = sambat_worker(&p);
    let r = w.step().await.unwrap();
    assert_eq!((r.done, r.retried), (0, 1));
    assert!(
        r.paused.is_some(),
        "a failing channel pauses instead of spending every attempt"
    );
    assert!(env.sambat.writebacks().is_empty());
    env.sambat.set_faults(SambatFaults::default());
    // The retry falls due after its (short) backoff.
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while env.sambat.writebacks().len() < 2 {
        assert!(
            std::time::Instant::now() < end,
            "write-backs did not resume after SAMBAT recovered"
        );
        w.step().await.unwrap();
        tokio::task::yield_now().await;
    }

    // A record SAMBAT does not know (here: made up in the store) answers 404: dead letter.
    let ghost = RecordKey::parse("sambat:999999").unwrap();
    let mut raw = record(9);
    raw["id"] = json!(999_999);
    raw["dibuat"] = json!("2024-07-29 08:15:00");
    raw["diperbarui"] = json!("2024-07-29 08:15:00");
    p.store
        .intake(
            &[lapor_bridge::store::Intake {
                key: &ghost,
                raw: raw.to_string(),
                content_hash: "ghost".into(),
                reported_at: None,
                mapping: Ok(vec![]),
            }],
            None,
            jiff::Timestamp::now(),
        )
        .unwrap();
    while p.forwarder.step().await.unwrap().claimed > 0 {}
    sync_all(&p).await;
    write_back_all(w).await;
    let dead = p.store.dead_writebacks().unwrap();
    assert_eq!(
        dead.len(),
        1,
        "{:?}\n{:#?}",
        p.store.writeback_counts().unwrap(),
        p.store.detail(&ghost).unwrap().events
    );
    assert_eq!(dead[0].0, "sambat:999999");
    assert!(dead[0].1.last_error.as_deref().unwrap().contains("999999"));
    assert_eq!(recs.len(), 2);
}
