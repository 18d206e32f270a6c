//! Snapshots of `status`, `show` and `dead-letters list` in both languages, rendered
//! in-process from fixed facts and a fixed clock, and the 100-column limit on a big store with
//! long channel names.

use std::path::Path;

use jiff::Timestamp;

use super::fit;
use super::status_render::{screen, Facts};
use crate::domain::FieldProblem;
use crate::i18n::Lang;
use crate::service::state::{Snapshot, SnapshotChannel};
use crate::store::{
    ChannelQueue, DeadLetter, Event, OutboxState, RecordDetail, WritebackCount, WritebackRow,
};

/// 1 December 2026, 14:30 WIB.
fn now() -> Timestamp {
    "2026-12-01T07:30:00Z".parse().unwrap()
}

fn at(secs_before: i64) -> Timestamp {
    now() - jiff::SignedDuration::from_secs(secs_before)
}

fn assert_fits(text: &str) {
    for line in text.lines() {
        assert!(
            fit::width(line) <= fit::WIDTH,
            "{} columns: {line:?}\n{text}",
            fit::width(line)
        );
    }
}

fn queue(channel: &str, received: u64, pending: u64, held: u64, dead: u64) -> ChannelQueue {
    ChannelQueue {
        channel: channel.into(),
        received,
        pending,
        held,
        dead,
        forwarded: received - pending - held - dead,
        acknowledged: 1,
        oldest_pending_at: (pending > 0).then(|| at(420)),
        last_received_at: Some(at(65)),
        ..Default::default()
    }
}

fn snapshot(pid: u32, stopped: bool) -> Snapshot {
    Snapshot {
        pid,
        version: "0.1.0".into(),
        at: at(4),
        started_at: at(3 * 3600 + 60),
        stopped,
        admin: Some("127.0.0.1:9184".into()),
        lapor_up: Some(false),
        lapor_last_ok: Some(at(600)),
        lapor_last_failure: Some(at(90)),
        paused_until: Some(now() + jiff::SignedDuration::from_secs(30)),
        channels: vec![SnapshotChannel {
            name: "sambat".into(),
            kind: "sambat".into(),
            last_success: Some(at(12)),
        }],
        wedged: vec![],
        status_interval_secs: 5,
    }
}

fn facts(snapshot: Option<Snapshot>) -> Facts {
    Facts {
        queues: vec![
            queue("sambat", 1367, 12, 2, 3),
            queue("call112", 245, 0, 0, 0),
            queue("ngombe", 88, 0, 1, 0),
        ],
        snapshot,
        writeback_counts: vec![
            WritebackCount {
                channel: "sambat".into(),
                state: "done".into(),
                count: 2210,
            },
            WritebackCount {
                channel: "sambat".into(),
                state: "pending".into(),
                count: 4,
            },
        ],
        writeback_lag: vec![("sambat".into(), 95.4)],
    }
}

#[test]
fn status_in_both_languages() {
    let path = Path::new("/var/lib/lapor-bridge/lapor-bridge.db");
    // A stopped daemon: nothing on the screen depends on this process.
    let mut f = facts(Some(snapshot(1, true)));
    f.queues[0].dry_run_checked = 3;
    for lang in Lang::ALL {
        let text = screen(lang, &f, path, now());
        assert_fits(&text);
        insta::assert_snapshot!(format!("status_{lang}"), text);
    }
    let id = screen(Lang::Id, &f, path, now());
    assert!(id.contains("1.367") && id.contains("7 mnt") && id.contains("01/12/2026 14:30 WIB"));
    let en = screen(Lang::English, &f, path, now());
    assert!(en.contains("1,367") && en.contains("7m") && en.contains("2026-12-01 14:30 WIB"));
}

#[test]
fn status_of_a_big_store_with_long_names_fits_100_columns() {
    let long = |i: usize| format!("kanal-pengaduan-kelurahan-oro-oro-dowo-nomor-{i}");
    let mut f = facts(Some(Snapshot {
        // This process: the daemon shows as running.
        pid: std::process::id(),
        stopped: false,
        admin: Some("[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:91840".into()),
        wedged: vec!["forward".into(), "sync".into(), long(1)],
        at: at(1),
        ..snapshot(1, false)
    }));
    for i in 0..3 {
        let mut q = queue(&long(i), 98_765_432, 1_234_567, 2_345_678, 3_456_789);
        q.dry_run_checked = 12_345_678;
        f.queues.push(q);
        f.writeback_counts.push(WritebackCount {
            channel: long(i),
            state: "dead".into(),
            count: 123_456_789,
        });
    }
    let path = format!("/srv/{}/lapor-bridge.db", "data-dinas-komunikasi".repeat(8));
    for lang in Lang::ALL {
        let text = screen(lang, &f, Path::new(&path), now());
        assert_fits(&text);
        assert!(text.contains("98"), "{text}");
        assert!(text.contains('…'), "long names are cut: {text}");
    }
    let en = screen(Lang::English, &f, Path::new(&path), now());
    assert!(en.contains("daemon     running"), "{en}");
}

fn detail() -> RecordDetail {
    let db = |secs: i64| crate::time::db(at(secs));
    RecordDetail {
        key: "sambat:12345".into(),
        state: OutboxState::Forwarded,
        attempts: 2,
        next_attempt_at: None,
        in_doubt: false,
        last_error: None,
        problems: vec![],
        notes: vec![format!(
            "waktu_lapor {} was ahead of the bridge's clock; sent the time of mapping",
            db(7300)
        )],
        tracking_id: Some("LPR-2026-000123".into()),
        divergence: None,
        revision: 1,
        reported_at: Some(db(7400)),
        received_at: db(7300),
        forwarded_at: Some(db(7000)),
        raw: serde_json::Value::Null,
        payload: None,
        events: vec![
            Event {
                at: db(7300),
                kind: "received".into(),
                detail: None,
            },
            Event {
                at: db(7100),
                kind: "attempt_failed".into(),
                detail: Some("LAPOR! answered 503 Service Unavailable; retry in 4 s".into()),
            },
            Event {
                at: db(7000),
                kind: "forwarded".into(),
                detail: Some("tracking id LPR-2026-000123".into()),
            },
            Event {
                at: db(3600),
                kind: "lapor_status".into(),
                detail: Some("terverifikasi (feed 991)".into()),
            },
            Event {
                at: db(1800),
                kind: "tanggapan".into(),
                detail: Some(format!(
                    "Dinas Pekerjaan Umum: {}",
                    "Saluran sudah dibersihkan oleh petugas kebersihan kecamatan. ".repeat(3)
                )),
            },
            Event {
                at: db(1700),
                kind: "written_back".into(),
                detail: Some("terverifikasi → sambat (200)".into()),
            },
        ],
    }
}

fn writebacks() -> Vec<WritebackRow> {
    vec![
        WritebackRow {
            id: 41,
            channel: "sambat".into(),
            state: "done".into(),
            lapor_status: "terverifikasi".into(),
            with_response: false,
            attempts: 1,
            last_error: None,
            outcome: Some("200".into()),
            created_at: crate::time::db(at(3600)),
            done_at: Some(crate::time::db(at(1700))),
        },
        WritebackRow {
            id: 57,
            channel: "sambat".into(),
            state: "pending".into(),
            lapor_status: "ditindaklanjuti".into(),
            with_response: true,
            attempts: 3,
            last_error: Some("SAMBAT answered 502 Bad Gateway".into()),
            outcome: None,
            created_at: crate::time::db(at(1800)),
            done_at: None,
        },
    ]
}

#[test]
fn show_in_both_languages() {
    for lang in Lang::ALL {
        let text = super::show::text(lang, &detail(), Some("ditindaklanjuti"), &writebacks());
        assert_fits(&text);
        insta::assert_snapshot!(format!("show_{lang}"), text);
    }
    let id = super::show::text(Lang::Id, &detail(), Some("ditindaklanjuti"), &writebacks());
    assert!(
        id.contains("Ditindaklanjuti") && id.contains("01/12/2026 12:26 WIB"),
        "{id}"
    );
    // The long response wraps: its last words are shown, not cut.
    assert_eq!(id.matches("kecamatan.").count(), 3, "{id}");
}

fn dead_letters() -> Vec<DeadLetter> {
    vec![
        DeadLetter {
            key: "sambat:12346".into(),
            state: OutboxState::Dead,
            attempts: 8,
            last_error: Some("LAPOR! answered 422".into()),
            problems: vec![
                FieldProblem::new(
                    "kategori_id",
                    "912 is not a LAPOR! kategori id (cached 2026-11-30)",
                ),
                FieldProblem::new(
                    "lokasi.kode_wilayah",
                    "35.73.09 is not a kelurahan of Kota Malang",
                ),
            ],
            updated_at: crate::time::db(at(86_400)),
        },
        DeadLetter {
            key: "sosmed:instagram:C8xQm2LrT9a-very-long-post-identifier-from-the-desk".into(),
            state: OutboxState::Held,
            attempts: 0,
            last_error: None,
            problems: vec![FieldProblem::new("isi", "empty after removing the handle")],
            updated_at: crate::time::db(at(3600)),
        },
    ]
}

#[test]
fn dead_letters_list_in_both_languages() {
    let refused = vec![("sambat:12001".to_string(), writebacks().remove(1))];
    for lang in Lang::ALL {
        let text = super::dead_letters_render::list(lang, &dead_letters(), &refused);
        assert_fits(&text);
        insta::assert_snapshot!(format!("dead_letters_list_{lang}"), text);
        // Reasons wrap, never cut.
        assert!(text.contains("Kota Malang"), "{text}");
    }
    let empty = super::dead_letters_render::list(Lang::Id, &[], &[]);
    assert_eq!(empty, "Tidak ada aduan yang perlu tindakan\n");
}

#[test]
fn dead_letters_show_fits_and_keeps_seconds() {
    let mut d = detail();
    d.state = OutboxState::Dead;
    d.in_doubt = true;
    d.last_error = Some("LAPOR! answered 422: ".to_string() + &"kategori_id invalid ".repeat(10));
    for lang in Lang::ALL {
        let text = super::dead_letters_render::detail(lang, &d);
        assert_fits(&text);
        assert!(text.contains(":00 WIB"), "{text}");
        insta::assert_snapshot!(format!("dead_letters_show_{lang}"), text);
    }
    let id = super::dead_letters_render::detail(Lang::Id, &d);
    assert!(
        id.contains("gagal terkirim") && id.contains("01/12/2026 12:28:20 WIB"),
        "{id}"
    );
}
