//! LAPOR!'s updates applied on a real PostgreSQL (`store::postgres::updates`): the same
//! effects, rows and timeline as the SQLite store's unit tests (`src/store/updates_tests.rs`),
//! and one effect when two replicas apply the same update at the same moment.

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use lapor_bridge::domain::RecordKey;
use lapor_bridge::store::{Effect, IncomingUpdate, Intake, Store};

use crate::support::pg::{open, store, Sql};
use crate::support::updates::up;

fn taken_in(store: &Store, id: &str, at: Timestamp) -> RecordKey {
    let k = RecordKey::parse(&format!("sambat:{id}")).unwrap();
    store
        .intake(
            &[Intake {
                key: &k,
                raw: serde_json::json!({ "id": id }).to_string(),
                content_hash: "h".into(),
                reported_at: None,
                mapping: Ok(vec![]),
            }],
            None,
            at,
        )
        .unwrap();
    k
}

/// A record taken in and forwarded at `at` under `tracking`, as the forwarder's outcome
/// leaves it (tracking id, `forwarded` state, the time updates are counted from).
fn forwarded(store: &Store, sql: &Sql, id: &str, tracking: &str, at: Timestamp) -> RecordKey {
    let k = taken_in(store, id, at);
    let at = lapor_bridge::time::db(at);
    sql.exec(
        "UPDATE records SET tracking_id = $2 WHERE channel = 'sambat' AND local_id = $1",
        &[&id, &tracking],
    );
    sql.exec(
        "UPDATE outbox SET state = 'forwarded', forwarded_at = $2, next_attempt_at = NULL,
                           payload = '{}'
         WHERE record_id = (SELECT id FROM records WHERE channel = 'sambat' AND local_id = $1)",
        &[&id, &at],
    );
    k
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

/// A record's timeline: (kind, at, detail), oldest first.
fn events(sql: &Sql, local_id: &str) -> Vec<(String, String, Option<String>)> {
    sql.rows(
        "SELECT e.kind, e.at, e.detail FROM events e JOIN records r ON r.id = e.record_id
         WHERE r.channel = 'sambat' AND r.local_id = $1 ORDER BY e.id",
        &[&local_id],
    )
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect()
}

/// The statuses the record's queued write-backs carry, oldest first.
fn writebacks(sql: &Sql, local_id: &str) -> Vec<String> {
    sql.rows(
        "SELECT w.lapor_status FROM writebacks w JOIN records r ON r.id = w.record_id
         WHERE r.channel = 'sambat' AND r.local_id = $1 ORDER BY w.id",
        &[&local_id],
    )
    .iter()
    .map(|r| r.get(0))
    .collect()
}

#[test]
fn duplicates_by_id_and_by_content_are_not_applied_twice() {
    let (_pg, url, store) = store();
    let sql = Sql::connect(&url);
    let t0 = Timestamp::now();
    forwarded(&store, &sql, "1", "T1", t0);
    let t1 = t0 + SignedDuration::from_secs(60);
    let first = up(
        "u-1",
        "T1",
        "terverifikasi",
        Some("Sedang diverifikasi"),
        t1,
    );
    let (report, effects_1) = store
        .apply_updates(std::slice::from_ref(&first), Some("c1"), &sambat(), t1)
        .unwrap();
    assert_eq!((report.applied, report.writebacks_queued), (1, 1));
    assert_eq!(effects_1[0].1, Effect::StatusTanggapan);
    assert_eq!(store.feed_cursor().unwrap().as_deref(), Some("c1"));
    // The same id again (at-least-once delivery): nothing stored; the cursor moves on.
    let (report, effects_2) = store
        .apply_updates(std::slice::from_ref(&first), Some("c2"), &sambat(), t1)
        .unwrap();
    assert_eq!(
        (report.duplicates, report.applied, report.writebacks_queued),
        (1, 0, 0)
    );
    assert!(effects_2.is_empty(), "{effects_2:?}");
    assert_eq!(store.feed_cursor().unwrap().as_deref(), Some("c2"));
    // The same update under a new id: recorded, not applied, no write-back.
    let mut reissued = first.clone();
    reissued.id_pembaruan = "u-9".into();
    assert_eq!(effects(&store, &[reissued], t1), vec![Effect::SameContent]);
    assert_eq!(writebacks(&sql, "1"), ["terverifikasi"]);
    assert_eq!(
        sql.count(
            "SELECT n FROM writeback_counts WHERE channel = 'sambat' AND state = 'pending'",
            &[]
        ),
        1
    );
    assert_eq!(
        store.update_effect_counts().unwrap(),
        [
            ("same_content".to_string(), 1),
            ("status_tanggapan".to_string(), 1)
        ]
    );
    let kinds: Vec<String> = events(&sql, "1").into_iter().map(|e| e.0).collect();
    assert_eq!(
        kinds,
        [
            "received",
            "lapor_status",
            "tanggapan",
            "update_not_applied"
        ]
    );
    store.clear_feed_cursor().unwrap();
    assert_eq!(store.feed_cursor().unwrap(), None);
}

#[test]
fn an_older_status_is_recorded_not_applied_but_its_new_response_is() {
    let (_pg, url, store) = store();
    let sql = Sql::connect(&url);
    let t0 = Timestamp::now();
    forwarded(&store, &sql, "1", "T1", t0);
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
    assert!(events(&sql, "1")
        .iter()
        .any(|(kind, _, detail)| kind == "update_not_applied"
            && detail
                .as_deref()
                .unwrap_or("")
                .contains("older status terverifikasi after terdisposisi")));
    // Two write-backs, both carrying the newest status.
    assert_eq!(writebacks(&sql, "1"), ["terdisposisi", "terdisposisi"]);
    let status: String = sql.rows(
        "SELECT lapor_status FROM records WHERE channel = 'sambat' AND local_id = '1'",
        &[],
    )[0]
    .get(0);
    assert_eq!(status, "terdisposisi");
}

#[test]
fn update_times_before_forwarding_are_clamped_and_unknown_records_recorded() {
    let (_pg, url, store) = store();
    let sql = Sql::connect(&url);
    let t0 = Timestamp::now();
    forwarded(&store, &sql, "1", "T1", t0);
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
    let ev = events(&sql, "1");
    let (_, at, detail) = ev.iter().find(|e| e.0 == "lapor_status").unwrap();
    assert_eq!(at, &lapor_bridge::time::db(t0));
    assert!(detail.as_deref().unwrap().contains("before forwarding"));
    assert_eq!(
        sql.count(
            "SELECT count(*) FROM lapor_updates
             WHERE id_pembaruan = 'u-2' AND record_id IS NULL AND effect = 'unknown_record'",
            &[]
        ),
        1
    );
}

#[test]
fn an_update_finds_its_record_by_id_eksternal_before_the_tracking_id_is_known() {
    let (_pg, _url, store) = store();
    let t0 = Timestamp::now();
    taken_in(&store, "7", t0);
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
    let (_pg, url, store) = store();
    let sql = Sql::connect(&url);
    let t0 = Timestamp::now();
    forwarded(&store, &sql, "1", "T1", t0);
    forwarded(&store, &sql, "2", "T2", t0);
    effects(&store, &[up("u-1", "T2", "selesai", None, t0)], t0);
    let open = store.open_complaints(None, 10).unwrap();
    assert_eq!(
        open.iter()
            .map(|o| o.tracking_id.as_str())
            .collect::<Vec<_>>(),
        ["T1"]
    );
    assert_eq!(open[0].key, RecordKey::parse("sambat:1").unwrap());
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

/// Two replicas read the same update past its `seen` check, then wait on the record's row
/// (held here): once it is let go, one stores and applies it and the other finds it stored.
#[test]
fn the_same_update_applied_by_two_replicas_at_once_has_one_effect() {
    let (_pg, url, store) = store();
    let sql = Sql::connect(&url);
    let t0 = Timestamp::now();
    forwarded(&store, &sql, "1", "T1", t0);
    let replicas = [open(&url), open(&url)];
    let t1 = t0 + SignedDuration::from_secs(60);
    let update = up(
        "u-1",
        "T1",
        "terverifikasi",
        Some("Sedang diverifikasi"),
        t1,
    );

    sql.exec("BEGIN", &[]);
    sql.exec(
        "SELECT id FROM records WHERE tracking_id = 'T1' FOR UPDATE",
        &[],
    );
    let start = Arc::new(Barrier::new(replicas.len()));
    let runs: Vec<_> = replicas
        .into_iter()
        .map(|replica| {
            let (start, update) = (start.clone(), update.clone());
            std::thread::spawn(move || {
                start.wait();
                replica
                    .apply_updates(&[update], None, &sambat(), t1)
                    .unwrap()
                    .0
            })
        })
        .collect();
    // Both are inside apply_updates, waiting for the row, before it is let go.
    let deadline = Instant::now() + Duration::from_secs(30);
    while sql.count(
        "SELECT count(*) FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
        &[],
    ) < 2
    {
        assert!(
            Instant::now() < deadline,
            "the replicas never met at the row"
        );
    }
    sql.exec("COMMIT", &[]);
    let reports: Vec<_> = runs.into_iter().map(|r| r.join().unwrap()).collect();

    let applied: usize = reports.iter().map(|r| r.applied).sum();
    let duplicates: usize = reports.iter().map(|r| r.duplicates).sum();
    let queued: usize = reports.iter().map(|r| r.writebacks_queued).sum();
    assert_eq!((applied, duplicates, queued), (1, 1, 1), "{reports:?}");
    assert_eq!(
        sql.count(
            "SELECT count(*) FROM lapor_updates WHERE id_pembaruan = 'u-1'",
            &[]
        ),
        1
    );
    assert_eq!(writebacks(&sql, "1"), ["terverifikasi"]);
    let kinds: Vec<String> = events(&sql, "1").into_iter().map(|e| e.0).collect();
    assert_eq!(kinds, ["received", "lapor_status", "tanggapan"]);
    assert_eq!(
        store.update_effect_counts().unwrap(),
        [("status_tanggapan".to_string(), 1)]
    );
}
