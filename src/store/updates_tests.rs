//! Applying LAPOR! updates and ordering write-backs, on a real store.

use std::collections::BTreeSet;

use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::domain::RecordKey;
use crate::store::testing::{intake_one, temp_store};
use crate::store::{Outcome, WritebackOutcome};

fn forwarded(store: &Store, id: &str, tracking: &str, at: Timestamp) -> RecordKey {
    let k = RecordKey::parse(&format!("sambat:{id}")).unwrap();
    intake_one(store, &k, &serde_json::json!({"id": id}), at);
    let c = store.claim_due(at, 10).unwrap();
    let rid = c.iter().find(|c| c.key == k).unwrap().id;
    store
        .record_outcomes(
            &[(
                rid,
                Outcome::Forwarded {
                    tracking_id: tracking.into(),
                    payload: serde_json::value::RawValue::from_string("{}".into()).unwrap(),
                    notes: vec![],
                    divergence: None,
                },
            )],
            at,
        )
        .unwrap();
    k
}

fn up(id: &str, tracking: &str, status: &str, resp: Option<&str>, at: Timestamp) -> IncomingUpdate {
    IncomingUpdate {
        id_pembaruan: id.into(),
        tracking_id: tracking.into(),
        id_eksternal: None,
        status: Some(status.into()),
        tanggapan: resp.map(|r| (r.to_string(), "Dinas Perhubungan Kota Malang".to_string())),
        waktu: at,
        source: UpdateSource::Feed,
    }
}

fn sambat() -> BTreeSet<String> {
    ["sambat".to_string()].into()
}

fn effects(store: &Store, ups: &[IncomingUpdate], now: Timestamp) -> Vec<Effect> {
    store
        .apply_updates(ups, None, &sambat(), now)
        .unwrap()
        .1
        .into_iter()
        .map(|(_, e)| e)
        .collect()
}

#[test]
fn duplicates_by_id_and_by_content_are_not_applied_twice() {
    let (_d, store) = temp_store();
    let t0 = Timestamp::now();
    forwarded(&store, "1", "T1", t0);
    let t1 = t0 + SignedDuration::from_secs(60);
    let first = up(
        "u-1",
        "T1",
        "terverifikasi",
        Some("Sedang diverifikasi"),
        t1,
    );
    let (report, _) = store
        .apply_updates(std::slice::from_ref(&first), Some("c1"), &sambat(), t1)
        .unwrap();
    assert_eq!((report.applied, report.writebacks_queued), (1, 1));
    assert_eq!(store.feed_cursor().unwrap().as_deref(), Some("c1"));
    // The same id again (at-least-once delivery): nothing stored.
    let (report, _) = store
        .apply_updates(std::slice::from_ref(&first), Some("c2"), &sambat(), t1)
        .unwrap();
    assert_eq!(
        (report.duplicates, report.applied, report.writebacks_queued),
        (1, 0, 0)
    );
    // The same update under a new id: recorded, not applied, no write-back.
    let mut reissued = first.clone();
    reissued.id_pembaruan = "u-9".into();
    assert_eq!(effects(&store, &[reissued], t1), vec![Effect::SameContent]);
    assert_eq!(store.writeback_counts().unwrap()[0].count, 1);
}

#[test]
fn an_older_status_is_recorded_not_applied_but_its_new_response_is() {
    let (_d, store) = temp_store();
    let t0 = Timestamp::now();
    let k = forwarded(&store, "1", "T1", t0);
    let t = |s| t0 + SignedDuration::from_secs(s);
    let e = effects(
        &store,
        &[
            up("u-2", "T1", "terdisposisi", None, t(20)),
            up("u-1", "T1", "terverifikasi", None, t(10)),
            up(
                "u-3",
                "T1",
                "terverifikasi",
                Some("Mohon lengkapi lokasi"),
                t(15),
            ),
        ],
        t(30),
    );
    assert_eq!(e, vec![Effect::Status, Effect::Stale, Effect::Tanggapan]);
    let d = store.detail(&k).unwrap();
    assert!(d.events.iter().any(|e| e.kind == "update_not_applied"
        && e.detail
            .as_deref()
            .unwrap_or("")
            .contains("older status terverifikasi after terdisposisi")));
    // Two write-backs, both carrying the newest status.
    let claimed = store.claim_writebacks("sambat", t(30), 10).unwrap();
    assert_eq!(
        claimed.len(),
        1,
        "only the head of a record's queue is claimed"
    );
    assert_eq!(claimed[0].lapor_status, "terdisposisi");
    store
        .record_writeback(
            &claimed[0],
            &WritebackOutcome::Done { how: "201".into() },
            t(31),
        )
        .unwrap();
    let next = store.claim_writebacks("sambat", t(31), 10).unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].lapor_status, "terdisposisi");
    assert_eq!(
        next[0].tanggapan.as_ref().unwrap().0,
        "Mohon lengkapi lokasi"
    );
}

#[test]
fn a_pending_head_blocks_its_records_later_write_backs_only() {
    let (_d, store) = temp_store();
    let t0 = Timestamp::now();
    forwarded(&store, "1", "T1", t0);
    forwarded(&store, "2", "T2", t0);
    let t = |s| t0 + SignedDuration::from_secs(s);
    effects(
        &store,
        &[
            up("u-1", "T1", "terverifikasi", None, t(1)),
            up("u-2", "T1", "terdisposisi", None, t(2)),
            up("u-3", "T2", "terverifikasi", None, t(3)),
        ],
        t(4),
    );
    let c = store.claim_writebacks("sambat", t(4), 10).unwrap();
    assert_eq!(
        c.iter().map(|w| w.tracking_id.as_str()).collect::<Vec<_>>(),
        ["T1", "T2"]
    );
    // T1's head fails and waits; T1's second must not overtake it; T2 is unaffected.
    store
        .record_writeback(
            &c[0],
            &WritebackOutcome::Retry {
                error: "HTTP 503".into(),
                at: t(100),
            },
            t(5),
        )
        .unwrap();
    store
        .record_writeback(&c[1], &WritebackOutcome::Done { how: "201".into() }, t(5))
        .unwrap();
    assert!(store
        .claim_writebacks("sambat", t(50), 10)
        .unwrap()
        .is_empty());
    let later = store.claim_writebacks("sambat", t(100), 10).unwrap();
    assert_eq!(
        (later.len(), later[0].lapor_status.as_str()),
        (1, "terverifikasi")
    );
}

#[test]
fn update_times_before_forwarding_are_clamped_and_unknown_records_recorded() {
    let (_d, store) = temp_store();
    let t0 = Timestamp::now();
    let k = forwarded(&store, "1", "T1", t0);
    let early = t0 - SignedDuration::from_hours(2);
    let (report, _) = store
        .apply_updates(
            &[
                up("u-1", "T1", "terverifikasi", None, early),
                up("u-2", "T-unknown", "terverifikasi", None, t0),
            ],
            None,
            &sambat(),
            t0,
        )
        .unwrap();
    assert_eq!((report.applied, report.unknown), (1, 1));
    let d = store.detail(&k).unwrap();
    let ev = d.events.iter().find(|e| e.kind == "lapor_status").unwrap();
    assert_eq!(
        crate::time::parse_db(&ev.at),
        Some(t0).map(|t| crate::time::parse_db(&crate::time::db(t)).unwrap())
    );
    assert!(ev.detail.as_deref().unwrap().contains("before forwarding"));
}

#[test]
fn an_update_finds_its_record_by_id_eksternal_before_the_tracking_id_is_known() {
    let (_d, store) = temp_store();
    let t0 = Timestamp::now();
    let k = RecordKey::parse("sambat:7").unwrap();
    intake_one(&store, &k, &serde_json::json!({"id": 7}), t0);
    let mut u = up("u-1", "T7", "belum_terverifikasi", None, t0);
    u.id_eksternal = Some("sambat:7".into());
    assert_eq!(effects(&store, &[u], t0), vec![Effect::Status]);
    assert_eq!(
        store.open_complaints(None, 10).unwrap()[0].tracking_id,
        "T7"
    );
}

#[test]
fn open_complaints_leave_out_final_ones_and_recently_checked_ones() {
    let (_d, store) = temp_store();
    let t0 = Timestamp::now();
    forwarded(&store, "1", "T1", t0);
    forwarded(&store, "2", "T2", t0);
    effects(&store, &[up("u-1", "T2", "selesai", None, t0)], t0);
    let open = store.open_complaints(None, 10).unwrap();
    assert_eq!(
        open.iter()
            .map(|o| o.tracking_id.as_str())
            .collect::<Vec<_>>(),
        ["T1"]
    );
    store.mark_checked(open[0].record_id, t0).unwrap();
    assert!(store.open_complaints(Some(t0), 10).unwrap().is_empty());
    assert_eq!(
        store
            .open_complaints(Some(t0 + SignedDuration::from_secs(1)), 10)
            .unwrap()
            .len(),
        1
    );
}
