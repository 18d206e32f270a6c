//! The rest of the store ported with the write-backs, on a real PostgreSQL: a status file's
//! rows, the queue figures and the write probe, replay requests, the reference cache, and the
//! store's mode with the dry run's requeueing.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use lapor_bridge::config::Mode;
use lapor_bridge::store::replay::{ReplayDone, ReplayRequest};
use lapor_bridge::store::{ChannelQueue, ReferenceItem};
use lapor_bridge::time;

use super::{at, forwarded, open, store, take, Sql};

#[test]
fn status_rows_carry_each_records_latest_status_and_response() {
    let (_pg, url, store) = store();
    let sql = Sql::connect(&url);
    let isi = Some("Sudah ditambal");
    forwarded(&store, &sql, "ngombe:1", "T1", at(0));
    forwarded(&store, &sql, "ngombe:2", "T2", at(0));
    take(&store, "ngombe:3", false, at(0));
    forwarded(&store, &sql, "sambat:1", "T4", at(0));
    sql.update(
        "ngombe:1",
        "u-1",
        "terverifikasi",
        Some("Diterima"),
        "status_tanggapan",
        at(1),
        true,
    );
    sql.update(
        "ngombe:1",
        "u-2",
        "tindak_lanjut",
        isi,
        "tanggapan",
        at(2),
        true,
    );
    sql.update("ngombe:1", "u-3", "selesai", None, "status", at(3), true);
    sql.update(
        "ngombe:2",
        "u-4",
        "terverifikasi",
        None,
        "status",
        at(4),
        true,
    );
    let rows = store.status_rows("ngombe").unwrap();
    let seen: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.key.to_string(),
                r.tracking_id.as_deref(),
                r.lapor_status.as_deref(),
                r.status_at,
                r.tanggapan.as_ref().map(|t| t.0.as_str()),
                r.outbox_state.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "ngombe:1".into(),
                Some("T1"),
                Some("selesai"),
                Some(at(3)),
                isi,
                "forwarded"
            ),
            (
                "ngombe:2".into(),
                Some("T2"),
                Some("terverifikasi"),
                Some(at(4)),
                None,
                "forwarded"
            ),
            ("ngombe:3".into(), None, None, None, None, "held"),
        ]
    );
    assert_eq!(
        rows[0].tanggapan.as_ref().unwrap().1,
        "Dinas Perhubungan Kota Malang"
    );
    assert_eq!(
        rows[0].raw,
        serde_json::json!({ "k": "ngombe:1" }).to_string()
    );
    assert!(store.status_rows("call112").unwrap().is_empty());
}

/// `channel_queues` as the full `records JOIN outbox` query computes it (overview_tests.rs).
fn scanned(sql: &Sql) -> Vec<ChannelQueue> {
    let ts = |s: Option<String>| s.as_deref().and_then(time::parse_db);
    let mut out: BTreeMap<String, ChannelQueue> = BTreeMap::new();
    fn queue(out: &mut BTreeMap<String, ChannelQueue>, channel: String) -> &mut ChannelQueue {
        out.entry(channel.clone()).or_insert_with(|| ChannelQueue {
            channel,
            ..Default::default()
        })
    }
    for r in sql.rows(
        "SELECT r.channel, o.state, COUNT(*), SUM(o.attempts)::bigint,
                MIN(CASE WHEN o.state = 'pending' THEN r.received_at END),
                MAX(r.received_at), MAX(o.forwarded_at)
         FROM records r JOIN outbox o ON o.record_id = r.id
         GROUP BY r.channel, o.state",
        &[],
    ) {
        let e = queue(&mut out, r.get(0));
        let n = r.get::<_, i64>(2) as u64;
        e.received += n;
        e.attempts += r.get::<_, i64>(3) as u64;
        match r.get::<_, &str>(1) {
            "pending" => e.pending += n,
            "held" => e.held += n,
            "forwarded" => e.forwarded += n,
            "dead" => e.dead += n,
            "dry_run_checked" => e.dry_run_checked += n,
            _ => e.acknowledged += n,
        }
        if let Some(t) = ts(r.get(4)) {
            e.oldest_pending_at = Some(e.oldest_pending_at.map_or(t, |o| o.min(t)));
        }
        if let Some(t) = ts(r.get(5)) {
            e.last_received_at = Some(e.last_received_at.map_or(t, |o| o.max(t)));
        }
        if let Some(t) = ts(r.get(6)) {
            e.last_forwarded_at = Some(e.last_forwarded_at.map_or(t, |o| o.max(t)));
        }
    }
    for r in sql.rows(
        "SELECT channel, updated_at FROM cursors WHERE channel NOT LIKE '@%'",
        &[],
    ) {
        queue(&mut out, r.get(0)).cursor_updated_at = ts(r.get(1));
    }
    out.into_values().collect()
}

#[test]
fn queue_figures_equal_the_full_query_and_the_store_is_writable() {
    let (_pg, url, store) = store();
    let sql = Sql::connect(&url);
    assert!(store.channel_queues().unwrap().is_empty());
    store.probe_writable(Timestamp::now()).unwrap();
    let channels = ["sambat", "call112", "ngombe"];
    for i in 0..30 {
        take(
            &store,
            &format!("{}:{i}", channels[i % 3]),
            i % 7 != 0,
            at(i as i64),
        );
    }
    // Every state, with attempts spent, as the forwarder's outcomes would leave them.
    let states = [
        "forwarded",
        "dead",
        "acknowledged",
        "dry_run_checked",
        "pending",
    ];
    for (i, state) in states.iter().cycle().take(24).enumerate() {
        let i = i as i64 + 1;
        sql.exec(
            "UPDATE outbox SET state = $2, attempts = $3,
                    forwarded_at = CASE WHEN $2 = 'forwarded' THEN $4 ELSE forwarded_at END
             WHERE record_id = $1 AND state <> 'held'",
            &[&i, state, &(i % 4), &time::db(at(100 + i))],
        );
    }
    // LAPOR!'s feed cursor is the bridge's own, not a channel's.
    sql.exec(
        "INSERT INTO cursors (channel, value, updated_at) VALUES ('@lapor', 'c', $1)",
        &[&time::db(at(500))],
    );
    let expected = scanned(&sql);
    let sum = |f: fn(&ChannelQueue) -> u64| expected.iter().map(f).sum::<u64>();
    for (name, n) in [
        ("pending", sum(|q| q.pending)),
        ("held", sum(|q| q.held)),
        ("forwarded", sum(|q| q.forwarded)),
        ("dead", sum(|q| q.dead)),
        ("acknowledged", sum(|q| q.acknowledged)),
        ("dry_run_checked", sum(|q| q.dry_run_checked)),
    ] {
        assert!(n > 0, "no record {name}: {expected:?}");
    }
    assert_eq!(expected.len(), 3);
    let polled = expected.iter().find(|q| q.channel == "sambat").unwrap();
    assert!(polled.cursor_updated_at.is_some(), "{expected:?}");
    assert_eq!(store.channel_queues().unwrap(), expected);
    store.probe_writable(at(600)).unwrap();
    assert_eq!(
        store.setting("service.write_probe").unwrap(),
        Some(time::db(at(600)))
    );
}

#[test]
fn a_replay_request_is_cleared_by_its_own_pass_only() {
    let (_pg, _url, store) = store();
    let ch = lapor_bridge::domain::ChannelName::parse("sambat").unwrap();
    let since: Timestamp = "2024-07-29T01:00:00Z".parse().unwrap();
    assert_eq!(store.replay_request(&ch).unwrap(), None);
    let first = store.request_replay(&ch, since, "budi", at(0)).unwrap();
    assert_eq!(store.replay_request(&ch).unwrap(), Some(first.clone()));
    let second = store.request_replay(&ch, since, "siti", at(1)).unwrap();
    let done = |request: ReplayRequest| ReplayDone {
        request,
        finished_at: time::db(at(2)),
        new: 1,
        updated: 0,
        unchanged: 2,
        edited_after_forward: 1,
        requeued: 0,
        files: 0,
    };
    // The pass that honoured the first request finishes after the second was made.
    store.finish_replay(&ch, &done(first.clone())).unwrap();
    assert_eq!(store.replay_request(&ch).unwrap(), Some(second.clone()));
    assert_eq!(store.replay_done(&ch).unwrap(), Some(done(first)));
    store.finish_replay(&ch, &done(second.clone())).unwrap();
    assert_eq!(store.replay_request(&ch).unwrap(), None);
    assert_eq!(store.replay_done(&ch).unwrap().unwrap().request, second);
    // A new request forgets the last outcome, so its caller waits for its own.
    store.request_replay(&ch, since, "budi", at(3)).unwrap();
    assert_eq!(store.replay_done(&ch).unwrap(), None);
}

#[test]
fn a_category_missing_from_one_fetch_is_not_forgotten_at_once() {
    let (_pg, _url, store) = store();
    let item = |id: i64| ReferenceItem {
        id,
        nama: format!("k{id}"),
        induk_id: (id > 1).then_some(1),
    };
    let now = at(0);
    assert!(store
        .store_reference("kategori", &[item(1), item(2), item(3)], 3, now)
        .unwrap()
        .is_empty());
    for _ in 0..2 {
        let gone = store
            .store_reference("kategori", &[item(1)], 3, now)
            .unwrap();
        assert!(gone.is_empty());
        assert!(store.reference_ids("kategori").unwrap().contains(&2));
    }
    let gone = store
        .store_reference("kategori", &[item(1)], 3, now)
        .unwrap();
    assert_eq!(gone, vec![2, 3]);
    assert_eq!(
        store.reference_ids("kategori").unwrap(),
        BTreeSet::from([1])
    );
    // Back in a later fetch: known again, renamed.
    let mut renamed = item(2);
    renamed.nama = "Jalan rusak".into();
    store
        .store_reference("kategori", &[item(1), renamed.clone()], 3, now)
        .unwrap();
    assert_eq!(
        store.reference_items("kategori").unwrap(),
        [item(1), renamed]
    );
    assert!(store.reference_ids("instansi").unwrap().is_empty());
    // A grace of 0 counts as 1: gone at the first fetch without it.
    assert_eq!(
        store
            .store_reference("kategori", &[item(1)], 0, now)
            .unwrap(),
        [2]
    );
}

#[test]
fn the_first_mode_sticks_and_a_dry_run_requeues_checked_and_held_records() {
    let (_pg, url, store) = store();
    let sql = Sql::connect(&url);
    assert_eq!(store.mode().unwrap(), None);
    assert_eq!(store.claim_mode(Mode::DryRun).unwrap(), Ok(()));
    assert_eq!(open(&url).claim_mode(Mode::DryRun).unwrap(), Ok(()));
    assert_eq!(store.claim_mode(Mode::Live).unwrap(), Err(Mode::DryRun));
    assert_eq!(store.mode().unwrap(), Some(Mode::DryRun));

    take(&store, "sambat:1", false, at(0));
    take(&store, "sambat:2", true, at(0));
    take(&store, "sambat:3", true, at(0));
    sql.exec(
        "UPDATE outbox SET state = 'dry_run_checked', next_attempt_at = NULL, in_doubt = 1
         WHERE record_id = 2",
        &[],
    );
    let state = |id: i64| -> (String, Option<String>, i64) {
        let r = &sql.rows(
            "SELECT state, next_attempt_at, in_doubt FROM outbox WHERE record_id = $1",
            &[&id],
        )[0];
        (r.get(0), r.get(1), r.get(2))
    };
    assert_eq!(store.dry_run_release_held(at(5)).unwrap(), 1);
    assert_eq!(state(1), ("pending".into(), Some(time::db(at(5))), 0));
    assert_eq!(state(2).0, "dry_run_checked");
    assert_eq!(store.dry_run_release_held(at(6)).unwrap(), 0);
    assert_eq!(store.dry_run_requeue_all(at(7)).unwrap(), 1);
    assert_eq!(state(2), ("pending".into(), Some(time::db(at(7))), 0));
    assert_eq!(state(3), ("pending".into(), Some(time::db(at(0))), 0));
    let pending = sql.count(
        "SELECT records FROM queue_counts WHERE channel = 'sambat' AND state = 'pending'",
        &[],
    );
    assert_eq!(pending, 3);
}
