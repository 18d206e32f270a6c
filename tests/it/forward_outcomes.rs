//! The forwarder commits each outcome soon after it comes (a few at a time), not when the
//! whole batch is done: a crash mid-batch leaves only those few records in doubt.

use crate::common;

use std::time::Duration;

use common::{counts, wait_for, Env};
use lapor_mocks::lapor::{Faults, LaporMockConfig};
use serde_json::json;

fn record(i: usize) -> serde_json::Value {
    json!({
        "judul": format!("Lampu jalan mati nomor {i}"),
        "isi": "Lampu penerangan jalan di depan Pasar Besar mati sejak tiga hari, jalan gelap di malam hari.",
        "kategori": "Jalan Rusak", "opd": "DPUPRPKP", "kecamatan": "Klojen", "kelurahan": "Kauman",
        "alamat": "Jl. Pasar Besar", "pelapor": {"nama": "Siti Aminah", "nik": "3573010101900001", "hp": "0812-3456-7890", "email": null},
        "anonim": false, "rahasia": false, "foto": [], "status": "baru"
    })
}

#[tokio::test]
async fn outcomes_are_committed_while_the_batch_is_still_being_sent() {
    // One request at a time, each answered after 150 ms: the batch of 12 takes ~2 s.
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        faults: Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        },
        ..LaporMockConfig::default()
    })
    .await;
    for i in 0..12 {
        env.sambat.insert(record(i));
    }
    let p = env.pipeline(&[
        ("LAPOR_BRIDGE__FORWARDER__CONCURRENCY", "1".into()),
        ("LAPOR_BRIDGE__FORWARDER__BATCH_SIZE", "12".into()),
    ]);
    assert_eq!(p.pollers[0].poll_once().await.unwrap().new, 12);
    let store = p.store.clone();
    let step = p.forwarder.step();
    tokio::pin!(step);
    let some_recorded = wait_for(
        "outcomes committed while the step still runs",
        Duration::from_secs(60),
        || counts(&store).forwarded >= 2,
    );
    tokio::select! {
        biased;
        r = &mut step => panic!("the step ended before any of its outcomes was committed: {r:?}"),
        () = some_recorded => {}
    }
    let mid = counts(&store);
    assert!(mid.forwarded < 12, "{mid:?}");
    let r = step.await.unwrap();
    // The report still counts the whole batch, and the store holds every outcome.
    assert_eq!((r.claimed, r.forwarded), (12, 12));
    assert_eq!(counts(&store).forwarded, 12);
    assert_eq!(env.lapor.complaints().len(), 12);
}
