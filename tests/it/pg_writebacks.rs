//! The write-back outbox, the queue figures, replay requests, the reference cache and the
//! store's mode on a real PostgreSQL (`store::postgres::{writebacks, overview, replay,
//! reference, dry_run}`): the SQLite store's rows and events (its unit tests in
//! `src/store/updates_tests.rs`, `overview_tests.rs`, `replay.rs`, `reference.rs`,
//! `dry_run.rs`), and write-back claims by replicas at once: never one write-back twice, never
//! a record's later write-back before its earlier one is done. All but the write-backs' own
//! tests are in `rest`.

mod rest;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Barrier, Mutex};

use jiff::{SignedDuration, Timestamp};
use lapor_bridge::domain::{FieldProblem, RecordKey};
use lapor_bridge::store::{Intake, Store, StoreError, WritebackOutcome};
use lapor_bridge::time;

use crate::support::pg::{open, store, Sql};

/// What these tests read besides the shared statements.
impl Sql {
    /// A LAPOR! update of `channel:local_id` applied at `at`, as `apply_updates` stores it:
    /// the update row, the record's status (for a status effect), and with `queue` the
    /// write-back of the status after it. Returns the write-back's id.
    #[allow(clippy::too_many_arguments)]
    fn update(
        &self,
        key: &str,
        id_pembaruan: &str,
        status: &str,
        isi: Option<&str>,
        effect: &str,
        at: Timestamp,
        queue: bool,
    ) -> Option<i64> {
        let key = RecordKey::parse(key).unwrap();
        let (channel, local_id, at) = (key.channel.as_str(), key.local_id.as_str(), time::db(at));
        let oleh = isi.map(|_| "Dinas Perhubungan Kota Malang");
        let update: i64 = self.rows(
            "INSERT INTO lapor_updates (id_pembaruan, record_id, tracking_id, status,
                        tanggapan_isi, tanggapan_oleh, waktu, effective_at, content_key, effect,
                        source, received_at)
                 SELECT $3, id, coalesce(tracking_id, ''), $4, $5, $6, $7, $7, $3, $8, 'feed', $7
                 FROM records WHERE channel = $1 AND local_id = $2
                 RETURNING id",
            &[
                &channel,
                &local_id,
                &id_pembaruan,
                &status,
                &isi,
                &oleh,
                &at,
                &effect,
            ],
        )[0]
        .get(0);
        if effect.starts_with("status") {
            self.exec(
                "UPDATE records SET lapor_status = $3, lapor_status_at = $4
                 WHERE channel = $1 AND local_id = $2",
                &[&channel, &local_id, &status, &at],
            );
        }
        queue.then(|| {
            self.rows(
                "INSERT INTO writebacks (record_id, update_id, channel, state, lapor_status,
                                         next_attempt_at, created_at)
                 SELECT record_id, id, $2, 'pending', $3, $4, $4 FROM lapor_updates WHERE id = $1
                 RETURNING id",
                &[&update, &channel, &status, &at],
            )[0]
            .get(0)
        })
    }

    /// Each event of `kind`, as (record's local id, detail), in the order they were written.
    fn events(&self, kind: &str) -> Vec<(String, String)> {
        self.rows(
            "SELECT r.local_id, coalesce(e.detail, '') FROM events e
             JOIN records r ON r.id = e.record_id WHERE e.kind = $1 ORDER BY e.id",
            &[&kind],
        )
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    }
}

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(1_764_000_000 + s).unwrap()
}

fn secs(s: i64) -> SignedDuration {
    SignedDuration::from_secs(s)
}

/// Takes in `key` (mappable unless `ok` is false) at `now`, with the channel's cursor moved
/// for SAMBAT, a polled channel.
fn take(store: &Store, key: &str, ok: bool, now: Timestamp) -> RecordKey {
    let key = RecordKey::parse(key).unwrap();
    let mapping = if ok {
        Ok(vec![])
    } else {
        Err(vec![FieldProblem::new("judul", "empty")])
    };
    let cursor = (key.channel.clone(), format!("c-{}", key.local_id));
    let polled = key.channel.as_str() == "sambat";
    store
        .intake(
            &[Intake {
                key: &key,
                raw: serde_json::json!({ "k": key.to_string() }).to_string(),
                content_hash: "h".into(),
                reported_at: None,
                mapping,
            }],
            polled.then_some((&cursor.0, cursor.1.as_str())),
            now,
        )
        .unwrap();
    key
}

/// Taken in and forwarded under `tracking`, as the forwarder's outcome leaves it.
fn forwarded(store: &Store, sql: &Sql, key: &str, tracking: &str, now: Timestamp) -> RecordKey {
    let k = take(store, key, true, now);
    sql.exec(
        "UPDATE records SET tracking_id = $3 WHERE channel = $1 AND local_id = $2",
        &[&k.channel.as_str(), &k.local_id, &tracking],
    );
    sql.exec(
        "UPDATE outbox SET state = 'forwarded', forwarded_at = $3, next_attempt_at = NULL
         WHERE record_id = (SELECT id FROM records WHERE channel = $1 AND local_id = $2)",
        &[&k.channel.as_str(), &k.local_id, &time::db(now)],
    );
    k
}

fn done(how: &str) -> WritebackOutcome {
    WritebackOutcome::Done { how: how.into() }
}

#[test]
fn only_each_records_head_is_claimed_and_every_outcome_is_an_event() {
    let (_pg, url, store) = store();
    let sql = Sql::connect(&url);
    let one = forwarded(&store, &sql, "sambat:1", "T1", at(0));
    forwarded(&store, &sql, "sambat:2", "T2", at(0));
    forwarded(&store, &sql, "call112:1", "T3", at(0));
    let first = sql.update(
        "sambat:1",
        "u-1",
        "terverifikasi",
        None,
        "status",
        at(1),
        true,
    );
    let second = sql.update(
        "sambat:1",
        "u-2",
        "terdisposisi",
        Some("Mohon lengkapi lokasi"),
        "status_tanggapan",
        at(2),
        true,
    );
    let other = sql.update(
        "sambat:2",
        "u-3",
        "terverifikasi",
        None,
        "status",
        at(3),
        true,
    );
    sql.update(
        "call112:1",
        "u-4",
        "terverifikasi",
        None,
        "status",
        at(3),
        true,
    );

    assert!(store
        .claim_writebacks("sambat", at(0), 10)
        .unwrap()
        .is_empty());
    let c = store.claim_writebacks("sambat", at(4), 10).unwrap();
    assert_eq!(
        c.iter().map(|w| Some(w.id)).collect::<Vec<_>>(),
        [first, other],
        "only the head of a record's queue is claimed"
    );
    assert_eq!(
        (
            c[0].key.clone(),
            c[0].tracking_id.as_str(),
            c[0].lapor_status.as_str()
        ),
        (one.clone(), "T1", "terverifikasi")
    );
    assert_eq!(
        (c[0].waktu, c[0].attempts, c[0].tanggapan.clone()),
        (at(1), 0, None)
    );
    assert_eq!(c[0].raw, serde_json::json!({ "k": "sambat:1" }).to_string());
    // Claimed: not due for anyone else until the claim's term runs out.
    assert!(store
        .claim_writebacks("sambat", at(4), 10)
        .unwrap()
        .is_empty());
    let elsewhere = store.claim_writebacks("call112", at(4), 10).unwrap();
    assert_eq!(elsewhere.len(), 1, "channels are claimed apart");
    assert!(store
        .claim_writebacks("call112", at(4), 10)
        .unwrap()
        .is_empty());
    assert_eq!(
        store.next_writeback_due("call112").unwrap(),
        Some(at(4) + secs(120))
    );

    // T1's head fails and waits; T1's second must not overtake it; T2 is unaffected.
    let retry = WritebackOutcome::Retry {
        error: "HTTP 503".into(),
        at: at(100),
    };
    store.record_writeback(&c[0], &retry, at(5)).unwrap();
    store.record_writeback(&c[1], &done("201"), at(5)).unwrap();
    // T1's second, waiting behind its head since it was queued.
    assert_eq!(store.next_writeback_due("sambat").unwrap(), Some(at(2)));
    assert!(store
        .claim_writebacks("sambat", at(50), 10)
        .unwrap()
        .is_empty());
    let again = store.claim_writebacks("sambat", at(100), 10).unwrap();
    assert_eq!(
        (again.len(), again[0].id, again[0].attempts),
        (1, first.unwrap(), 1)
    );
    let dead = WritebackOutcome::Dead {
        error: "HTTP 404".into(),
    };
    store.record_writeback(&again[0], &dead, at(101)).unwrap();
    // A dead head holds nothing up.
    let next = store.claim_writebacks("sambat", at(101), 10).unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(
        (next[0].id, next[0].lapor_status.as_str(), next[0].waktu),
        (second.unwrap(), "terdisposisi", at(2))
    );
    assert_eq!(
        next[0].tanggapan,
        Some((
            "Mohon lengkapi lokasi".into(),
            "Dinas Perhubungan Kota Malang".into()
        ))
    );
    store
        .record_writeback(&next[0], &done("HTTP 201"), at(102))
        .unwrap();
    assert_eq!(store.next_writeback_due("sambat").unwrap(), None);

    assert_eq!(
        sql.events("writeback_failed"),
        [(
            "1".into(),
            format!("terverifikasi: HTTP 503; retry at {}", time::db(at(100)))
        )]
    );
    assert_eq!(
        sql.events("writeback_dead"),
        [("1".to_string(), "terverifikasi: HTTP 404".to_string())]
    );
    assert_eq!(
        sql.events("written_back"),
        [
            ("2".to_string(), "terverifikasi → sambat (201)".to_string()),
            (
                "1".into(),
                "terdisposisi with a response → sambat (HTTP 201)".into()
            ),
        ]
    );

    let (status, rows) = store.sync_state(&one).unwrap();
    assert_eq!(status.as_deref(), Some("terdisposisi"));
    let seen: Vec<_> = rows
        .iter()
        .map(|w| {
            (
                w.state.as_str(),
                w.with_response,
                w.attempts,
                w.last_error.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("dead", false, 2, Some("HTTP 404")),
            ("done", true, 1, None)
        ]
    );
    assert_eq!(rows[1].outcome.as_deref(), Some("HTTP 201"));
    assert_eq!(rows[1].done_at, Some(time::db(at(102))));
    assert_eq!(rows[0].created_at, time::db(at(1)));
    let dead = store.dead_writebacks().unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].0.as_str(), &dead[0].1), ("sambat:1", &rows[0]));
    assert!(matches!(
        store.sync_state(&RecordKey::parse("sambat:404").unwrap()),
        Err(StoreError::NotFound(_))
    ));

    // The kept counts equal grouping every write-back; the lag is call112's alone (its
    // write-back is still claimed, never recorded).
    let counts: Vec<(String, String, u64)> = store
        .writeback_counts()
        .unwrap()
        .into_iter()
        .map(|c| (c.channel, c.state, c.count))
        .collect();
    let grouped: Vec<(String, String, u64)> = sql
        .rows(
            "SELECT channel, state, COUNT(*) FROM writebacks GROUP BY 1, 2 ORDER BY 1, 2",
            &[],
        )
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get::<_, i64>(2) as u64))
        .collect();
    assert_eq!(counts, grouped);
    assert_eq!(counts.len(), 3, "{counts:?}");
    assert_eq!(
        store.writeback_lag(at(63)).unwrap(),
        [("call112".to_string(), 60.0)]
    );
}

#[test]
fn replicas_claiming_at_once_never_share_a_write_back_nor_reorder_a_record() {
    const RECORDS: usize = 30;
    const STATUSES: [&str; 4] = ["terverifikasi", "terdisposisi", "tindak_lanjut", "selesai"];
    let (_pg, url, store) = store();
    let sql = Sql::connect(&url);
    for i in 0..RECORDS {
        take(&store, &format!("sambat:{i}"), true, at(0));
    }
    // Record by record: a claim that took more than each record's head would take a record's
    // later write-backs along with its first.
    for i in 0..RECORDS {
        for (n, status) in STATUSES.iter().enumerate() {
            let (key, id) = (format!("sambat:{i}"), format!("u-{i}-{n}"));
            sql.update(&key, &id, status, None, "status", at(1 + n as i64), true);
        }
    }
    let mut of_record: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for r in sql.rows("SELECT record_id, id FROM writebacks ORDER BY id", &[]) {
        of_record.entry(r.get(0)).or_default().push(r.get(1));
    }
    let replicas: Vec<Store> = (0..3).map(|_| open(&url)).collect();
    let start = Barrier::new(replicas.len());
    // Added before the outcome is recorded, so a successor claimed after that commit always
    // finds its predecessor here.
    let finished = Mutex::new(BTreeSet::new());
    let claims = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for replica in &replicas {
            let (start, finished, claims, of_record) = (&start, &finished, &claims, &of_record);
            s.spawn(move || {
                start.wait();
                loop {
                    let got = replica.claim_writebacks("sambat", at(10), 4).unwrap();
                    if got.is_empty() {
                        return;
                    }
                    {
                        let finished = finished.lock().unwrap();
                        for wb in &got {
                            let earlier = of_record[&wb.record_id].iter().filter(|&&id| id < wb.id);
                            for id in earlier {
                                assert!(
                                    finished.contains(id),
                                    "write-back {} claimed before {id} of its record was done",
                                    wb.id
                                );
                            }
                        }
                    }
                    claims.lock().unwrap().extend(got.iter().map(|wb| wb.id));
                    for wb in got {
                        finished.lock().unwrap().insert(wb.id);
                        replica.record_writeback(&wb, &done("201"), at(10)).unwrap();
                    }
                }
            });
        }
    });
    let claims = claims.into_inner().unwrap();
    let total = RECORDS * STATUSES.len();
    assert_eq!(claims.len(), total, "claimed {} times", claims.len());
    assert_eq!(claims.iter().collect::<BTreeSet<_>>().len(), total);
    assert_eq!(
        sql.count(
            "SELECT COUNT(*) FROM writebacks WHERE state = 'done' AND attempts = 1",
            &[]
        ),
        total as i64
    );
    // Each record's statuses went out once each, in LAPOR!'s order.
    let mut sent: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (record, detail) in sql.events("written_back") {
        sent.entry(record).or_default().push(detail);
    }
    let expected: Vec<String> = STATUSES
        .iter()
        .map(|s| format!("{s} → sambat (201)"))
        .collect();
    assert_eq!(sent.len(), RECORDS);
    assert!(sent.values().all(|v| *v == expected), "{sent:?}");
}

#[test]
fn a_dead_replicas_claims_go_to_another_after_their_term_and_a_late_report_changes_nothing() {
    let (_pg, url, dead) = store();
    let live = open(&url);
    let sql = Sql::connect(&url);
    take(&dead, "sambat:1", true, at(0));
    take(&dead, "sambat:2", true, at(0));
    let first = sql.update(
        "sambat:1",
        "u-1",
        "terverifikasi",
        None,
        "status",
        at(1),
        true,
    );
    let later = sql.update("sambat:1", "u-2", "selesai", None, "status", at(2), true);
    sql.update(
        "sambat:2",
        "u-3",
        "terverifikasi",
        None,
        "status",
        at(3),
        true,
    );
    let now = at(10);
    let lost = dead.claim_writebacks("sambat", now, 10).unwrap();
    assert_eq!(lost.len(), 2);
    assert_eq!(lost[0].id, first.unwrap());
    assert!(live.claim_writebacks("sambat", now, 10).unwrap().is_empty());
    let just_before = now + secs(120) - SignedDuration::from_millis(1);
    assert!(live
        .claim_writebacks("sambat", just_before, 10)
        .unwrap()
        .is_empty());
    let taken = live
        .claim_writebacks("sambat", now + secs(120), 10)
        .unwrap();
    assert_eq!(taken, lost, "the same heads, not yet attempted");
    for wb in &taken {
        live.record_writeback(wb, &done("201"), now + secs(121))
            .unwrap();
    }
    // The dead replica comes back and reports what it had claimed: already recorded.
    let retry = WritebackOutcome::Retry {
        error: "timeout".into(),
        at: now + secs(200),
    };
    dead.record_writeback(&lost[0], &retry, now + secs(122))
        .unwrap();
    dead.record_writeback(&lost[1], &done("201"), now + secs(122))
        .unwrap();
    assert_eq!(sql.events("written_back").len(), 2);
    assert!(sql.events("writeback_failed").is_empty());
    assert_eq!(
        sql.count(
            "SELECT COUNT(*) FROM writebacks WHERE state = 'done' AND attempts = 1",
            &[]
        ),
        2
    );
    let next = live
        .claim_writebacks("sambat", now + secs(122), 10)
        .unwrap();
    assert_eq!(next.iter().map(|w| Some(w.id)).collect::<Vec<_>>(), [later]);
}
