//! The SAMBAT poller against the SAMBAT mock over loopback: its quirks, one poll at a time.

use crate::common;

use common::Env;
use lapor_bridge::domain::RecordKey;
use lapor_bridge::intake::sambat::PollError;
use lapor_bridge::store::OutboxState;
use lapor_bridge::wire::sambat::{SambatClient, SambatError, TanggapanBody};
use lapor_mocks::lapor::LaporMockConfig;
use lapor_mocks::sambat::SambatFaults;
use serde_json::json;

fn record(isi: &str) -> serde_json::Value {
    json!({
        "judul": "", "isi": isi, "kategori": "Penerangan Jalan", "opd": "DPUPRPKP",
        "kecamatan": "Blimbing", "kelurahan": "Polowijen", "alamat": "Jl. Raden Intan",
        "pelapor": null, "anonim": true, "rahasia": false, "foto": [], "status": "baru"
    })
}

async fn env() -> Env {
    Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await
}

#[tokio::test]
async fn many_records_in_one_second_across_pages_are_each_taken_once() {
    let env = env().await;
    env.sambat.set_clock("2024-07-29 08:15:00");
    for i in 0..25 {
        env.sambat.insert(record(&format!(
            "Lampu PJU nomor {i} di Jl. Raden Intan mati sejak kemarin malam."
        )));
    }
    let p = env.pipeline(&[("LAPOR_BRIDGE__CHANNELS__SAMBAT__PER_PAGE", "10".into())]);
    let first = p.pollers[0].poll_once().await.unwrap();
    assert_eq!(first.new, 25, "{first:?}");
    // Inclusive `diperbarui_sejak`: the same second is read again (twice, being more than a
    // page), and nothing is taken twice.
    let again = p.pollers[0].poll_once().await.unwrap();
    assert_eq!((again.new, again.unchanged), (0, 50), "{again:?}");
    // More records in that same second after the poll: a `>` poller would lose them.
    for i in 0..3 {
        env.sambat.insert(record(&format!(
            "Lampu PJU tambahan {i} di Jl. Raden Intan juga mati malam ini."
        )));
    }
    let late = p.pollers[0].poll_once().await.unwrap();
    assert_eq!(late.new, 3, "{late:?}");
    assert_eq!(common::counts(&p.store).received, 28);
    assert_eq!(
        p.store
            .cursor(&lapor_bridge::domain::ChannelName::parse("sambat").unwrap())
            .unwrap()
            .as_deref(),
        Some("2024-07-29 08:15:00")
    );
}

#[tokio::test]
async fn an_edit_after_forwarding_is_recorded_and_not_sent_again() {
    let env = env().await;
    let id = env.sambat.insert(record(
        "Lampu PJU di depan SDN Polowijen 2 mati sudah tiga malam.",
    ));
    let p = env.pipeline(&[]);
    p.pollers[0].poll_once().await.unwrap();
    assert_eq!(p.forwarder.step().await.unwrap().forwarded, 1);
    env.sambat.edit(id, |r| {
        r.insert(
            "isi".into(),
            json!("Lampu PJU di depan SDN Polowijen 2 mati sudah empat malam, mohon segera."),
        );
    });
    let polled = p.pollers[0].poll_once().await.unwrap();
    assert_eq!(polled.edited_after_forward, 1, "{polled:?}");
    assert_eq!(p.forwarder.step().await.unwrap().claimed, 0);
    assert_eq!(env.lapor.counters().create_requests, 1);
    let d = p
        .store
        .detail(&RecordKey::parse(&format!("sambat:{id}")).unwrap())
        .unwrap();
    assert_eq!((d.state, d.revision), (OutboxState::Forwarded, 2));
    assert!(d.events.iter().any(|e| e.kind == "edited_after_forward"));
}

#[tokio::test]
async fn the_bridges_own_write_back_is_not_an_edit() {
    let env = env().await;
    let id = env.sambat.insert(record(
        "Lampu PJU di perempatan Jl. Raden Intan mati total sejak Senin.",
    ));
    let p = env.pipeline(&[]);
    p.pollers[0].poll_once().await.unwrap();
    p.forwarder.step().await.unwrap();
    let cfg = env.config(&[]);
    let lapor_bridge::config::ChannelKind::Sambat(s) = &cfg
        .channels
        .iter()
        .find(|x| x.kind.kind_name() == "sambat")
        .unwrap()
        .kind
    else {
        unreachable!()
    };
    let client = SambatClient::new(&s.base_url, s.api_key.clone(), s.request_timeout).unwrap();
    let body = TanggapanBody {
        status: "diverifikasi".into(),
        isi: "Laporan Anda telah diverifikasi.".into(),
        sumber: "SP4N-LAPOR!".into(),
        tracking_id: "5010001".into(),
        waktu: "2024-07-29T09:00:00+07:00".into(),
    };
    client.post_tanggapan(&id.to_string(), &body).await.unwrap();
    let bumped = env
        .sambat
        .records()
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap();
    assert_eq!(bumped["status"], "diverifikasi");
    let polled = p.pollers[0].poll_once().await.unwrap();
    assert_eq!(
        (
            polled.unchanged,
            polled.updated,
            polled.edited_after_forward
        ),
        (1, 0, 0),
        "{polled:?}"
    );
}

#[tokio::test]
async fn page_server_errors_are_retried_within_the_poll() {
    let env = env().await;
    for i in 0..30 {
        env.sambat.insert(record(&format!(
            "Saluran air tersumbat nomor {i} di Jl. Raden Intan, mohon dibersihkan."
        )));
    }
    env.sambat.set_faults(SambatFaults {
        error_5xx_probability: 0.4,
        ..SambatFaults::default()
    });
    let p = env.pipeline(&[
        ("LAPOR_BRIDGE__CHANNELS__SAMBAT__PER_PAGE", "5".into()),
        ("LAPOR_BRIDGE__CHANNELS__SAMBAT__MAX_RETRIES", "12".into()),
    ]);
    let r = p.pollers[0].poll_once().await.unwrap();
    assert_eq!(r.new, 30);
    assert!(
        env.sambat.counters().injected_5xx > 0,
        "the poll must have met server errors"
    );
}

#[tokio::test]
async fn a_refused_api_key_fails_the_poll_and_leaves_the_cursor() {
    let env = env().await;
    env.sambat.insert(record(
        "Lampu PJU di Jl. Raden Intan mati, mohon diperbaiki secepatnya.",
    ));
    let p = env.pipeline(&[(
        "LAPOR_BRIDGE__CHANNELS__SAMBAT__API_KEY__VALUE",
        "kunci-salah".into(),
    )]);
    let err = p.pollers[0].poll_once().await.unwrap_err();
    assert!(
        matches!(err, PollError::Sambat(SambatError::Auth(401))),
        "{err:?}"
    );
    assert!(err.to_string().contains("api_key"));
    assert!(!err.to_string().contains("kunci-salah"));
    let ch = lapor_bridge::domain::ChannelName::parse("sambat").unwrap();
    assert_eq!(p.store.cursor(&ch).unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_while_a_crowded_second_is_paged_does_not_make_a_record_skipped() {
    let env = env().await;
    env.sambat.set_clock("2024-07-29 08:15:00");
    let ids: Vec<i64> = (0..25)
        .map(|i| {
            env.sambat.insert(record(&format!(
                "Lampu PJU nomor {i} di Jl. Raden Intan mati."
            )))
        })
        .collect();
    // Every page answer takes 500 ms, computed after the wait: the edit below lands between
    // page 1 and page 2 of the first pass over the crowded second.
    env.sambat.set_faults(lapor_mocks::sambat::SambatFaults {
        latency: std::time::Duration::from_millis(500),
        ..Default::default()
    });
    // The poll starts at that second, so its first page is already page 1 of the crowded second.
    let p = env.pipeline(&[
        ("LAPOR_BRIDGE__CHANNELS__SAMBAT__PER_PAGE", "10".into()),
        (
            "LAPOR_BRIDGE__CHANNELS__SAMBAT__START_FROM",
            "2024-07-29 08:15:00".into(),
        ),
    ]);
    let poller = p.pollers[0].clone();
    let poll = tokio::spawn(async move { poller.poll_once().await });
    common::wait_for(
        "page 1 committed",
        std::time::Duration::from_secs(10),
        || common::counts(&p.store).received == 10,
    )
    .await;
    // An admin edits a record of page 1: SAMBAT moves it to a later second, and the rest of
    // the second shifts one place towards the front.
    env.sambat.set_clock("2024-07-29 08:15:01");
    assert!(env.sambat.edit(ids[0], |r| {
        r.insert(
            "alamat".into(),
            serde_json::json!("Jl. Raden Intan No. 5 (dikoreksi)"),
        );
    }));
    let report = poll.await.unwrap().unwrap();
    assert_eq!(report.new, 25, "{report:?}");
    assert_eq!(common::counts(&p.store).received, 25);
    assert_eq!(
        p.store
            .cursor(&lapor_bridge::domain::ChannelName::parse("sambat").unwrap())
            .unwrap()
            .as_deref(),
        Some("2024-07-29 08:15:01")
    );
}
