//! `channel_queues` reads counts that triggers keep: these tests compare it with the full
//! `records JOIN outbox` query it replaced, on stores that went through every kind of change.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};

use super::ChannelQueue;
use crate::domain::{FieldProblem, RecordKey};
use crate::store::dry_run::Verdict;
use crate::store::testing::temp_store;
use crate::store::{Intake, OutboxState, Outcome, Store};
use crate::time;

/// The query `channel_queues` ran before migration 7, every record read.
fn scanned(store: &Store) -> Vec<ChannelQueue> {
    let conn = store.read().unwrap();
    let mut by: BTreeMap<String, ChannelQueue> = BTreeMap::new();
    let ts = |s: Option<String>| s.as_deref().and_then(time::parse_db);
    let mut stmt = conn
        .prepare(
            "SELECT r.channel, o.state, COUNT(*), SUM(o.attempts),
                    MIN(CASE WHEN o.state = 'pending' THEN r.received_at END),
                    MAX(r.received_at), MAX(o.forwarded_at)
             FROM records r JOIN outbox o ON o.record_id = r.id
             GROUP BY r.channel, o.state",
        )
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let q = super::queue(&mut by, r.get(0).unwrap());
        let state: String = r.get(1).unwrap();
        let n = r.get::<_, i64>(2).unwrap() as u64;
        q.received += n;
        q.attempts += r.get::<_, Option<i64>>(3).unwrap().unwrap_or(0) as u64;
        match state.as_str() {
            "pending" => q.pending += n,
            "held" => q.held += n,
            "forwarded" => q.forwarded += n,
            "dead" => q.dead += n,
            "dry_run_checked" => q.dry_run_checked += n,
            _ => q.acknowledged += n,
        }
        if let Some(t) = ts(r.get(4).unwrap()) {
            q.oldest_pending_at = Some(q.oldest_pending_at.map_or(t, |o| o.min(t)));
        }
        if let Some(t) = ts(r.get(5).unwrap()) {
            q.last_received_at = Some(q.last_received_at.map_or(t, |o| o.max(t)));
        }
        if let Some(t) = ts(r.get(6).unwrap()) {
            q.last_forwarded_at = Some(q.last_forwarded_at.map_or(t, |o| o.max(t)));
        }
    }
    drop(rows);
    drop(stmt);
    let mut stmt = conn
        .prepare("SELECT channel, updated_at FROM cursors WHERE channel NOT LIKE '@%'")
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let q = super::queue(&mut by, r.get(0).unwrap());
        q.cursor_updated_at = ts(r.get(1).unwrap());
    }
    by.into_values().collect()
}

fn at(s: i64) -> Timestamp {
    Timestamp::from_second(1_764_000_000 + s).unwrap()
}

fn take(store: &Store, key: &str, hash: &str, ok: bool, now: Timestamp) {
    let key = RecordKey::parse(key).unwrap();
    let raw = serde_json::json!({ "k": key.to_string(), "h": hash });
    let mapping = if ok {
        Ok(vec![])
    } else {
        Err(vec![FieldProblem::new("judul", "empty")])
    };
    let cursor = (key.channel.clone(), format!("c-{hash}"));
    let polled = key.channel.as_str() == "sambat";
    store
        .intake(
            &[Intake {
                key: &key,
                raw: raw.to_string(),
                content_hash: hash.into(),
                reported_at: None,
                mapping,
            }],
            polled.then(|| (&cursor.0, cursor.1.as_str())),
            now,
        )
        .unwrap();
}

/// Claims whatever is due at `now` and gives each claimed record the next outcome of `plan`
/// (cycled), one outcome per record.
fn step(store: &Store, now: Timestamp, plan: &[fn(Timestamp) -> Outcome]) {
    let claimed = store.claim_due(now, 100).unwrap();
    let outcomes: Vec<(i64, Outcome)> = claimed
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, plan[i % plan.len()](now)))
        .collect();
    store.record_outcomes(&outcomes, now).unwrap();
}

fn forwarded(_: Timestamp) -> Outcome {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Outcome::Forwarded {
        tracking_id: format!("LAP-{n}"),
        payload: serde_json::value::RawValue::from_string("{}".into()).unwrap(),
        notes: vec![],
        divergence: None,
    }
}
fn retry(now: Timestamp) -> Outcome {
    Outcome::Retry {
        at: now + SignedDuration::from_secs(30),
        error: "HTTP 503".into(),
        in_doubt: true,
        payload: None,
        counted: true,
    }
}
fn given_back(now: Timestamp) -> Outcome {
    Outcome::Retry {
        at: now + SignedDuration::from_secs(10),
        error: "LAPOR! down".into(),
        in_doubt: false,
        payload: None,
        counted: false,
    }
}
fn deferred(now: Timestamp) -> Outcome {
    Outcome::Deferred {
        at: now + SignedDuration::from_secs(5),
        in_doubt: false,
    }
}
fn dead(_: Timestamp) -> Outcome {
    Outcome::Dead {
        error: "HTTP 422".into(),
        problems: vec![FieldProblem::new("judul", "short")],
        payload: None,
        in_doubt: false,
    }
}
fn held(_: Timestamp) -> Outcome {
    Outcome::Held {
        problems: vec![FieldProblem::new("lokasi", "unknown")],
    }
}
fn dry_run(_: Timestamp) -> Outcome {
    Outcome::DryRun(Verdict {
        valid: true,
        payload: Some(serde_json::json!({})),
        reasons: vec![],
        notes: vec![],
    })
}

/// A store whose records went through intake, edits, retries, holds, dead letters, operator
/// retries and acknowledgements, a dry run's verdicts and an erasure's raw SQL.
fn busy_store() -> (tempfile::TempDir, Store) {
    let (dir, store) = temp_store();
    let channels = ["sambat", "call112", "ngombe"];
    for i in 0..60 {
        let ch = channels[i % 3];
        take(&store, &format!("{ch}:{i}"), "a", i % 7 != 0, at(i as i64));
    }
    let plan: &[fn(Timestamp) -> Outcome] = &[forwarded, retry, given_back, deferred, dead, held];
    step(&store, at(100), plan);
    step(&store, at(200), &[forwarded, retry, dry_run, dead]);
    // Edits: a held record fixed, a dead one requeued, a forwarded one edited after.
    for i in [0, 4, 7, 8, 14, 21] {
        let ch = channels[i % 3];
        take(&store, &format!("{ch}:{i}"), "b", true, at(300 + i as i64));
    }
    step(&store, at(400), &[forwarded]);
    for d in store.dead_letters(false).unwrap().iter().take(6) {
        let key = RecordKey::parse(&d.key).unwrap();
        if d.key.ends_with('1') || d.key.ends_with('3') {
            store.retry(&key, at(500)).unwrap();
        } else {
            store.acknowledge(&key, at(500)).unwrap();
        }
    }
    step(&store, at(600), &[retry, forwarded]);
    // As privacy's erasure closes an unsent record, in raw SQL.
    store
        .with_tx(|tx| {
            Ok(tx.execute(
                "UPDATE outbox SET state = 'acknowledged', next_attempt_at = NULL, in_doubt = 0
                 WHERE record_id IN (SELECT id FROM records WHERE local_id IN ('5', '9'))",
                [],
            )?)
        })
        .unwrap();
    (dir, store)
}

#[test]
fn incremental_figures_equal_the_full_query_through_every_kind_of_change() {
    let (_d, store) = busy_store();
    let expected = scanned(&store);
    let states: std::collections::BTreeSet<(u64, u64, u64, u64, u64, u64)> = expected
        .iter()
        .map(|q| {
            (
                q.pending,
                q.held,
                q.forwarded,
                q.dead,
                q.acknowledged,
                q.dry_run_checked,
            )
        })
        .collect();
    // The store really is in every state, or the comparison proves little.
    let sum = |f: fn(&ChannelQueue) -> u64| expected.iter().map(f).sum::<u64>();
    for (name, n) in [
        ("pending", sum(|q| q.pending)),
        ("held", sum(|q| q.held)),
        ("forwarded", sum(|q| q.forwarded)),
        ("dead", sum(|q| q.dead)),
        ("acknowledged", sum(|q| q.acknowledged)),
        ("dry_run_checked", sum(|q| q.dry_run_checked)),
    ] {
        assert!(n > 0, "no record {name}: {states:?}");
    }
    assert!(expected
        .iter()
        .all(|q| q.attempts > 0 && q.last_forwarded_at.is_some()));
    assert_eq!(store.channel_queues().unwrap(), expected);
    let grouped: Vec<(String, String, u64)> = store
        .read()
        .unwrap()
        .prepare(
            "SELECT r.channel, o.state, COUNT(*) FROM outbox o JOIN records r ON r.id = o.record_id
             GROUP BY r.channel, o.state ORDER BY r.channel, o.state",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let counts: Vec<(String, String, u64)> = store
        .state_counts()
        .unwrap()
        .into_iter()
        .map(|c| (c.channel, c.state.as_str().to_owned(), c.count))
        .collect();
    assert_eq!(counts, grouped);
    let pending: u64 = grouped
        .iter()
        .filter(|g| g.1 == "pending")
        .map(|g| g.2)
        .sum();
    assert_eq!(store.count_in_state(OutboxState::Pending).unwrap(), pending);
}

#[test]
fn migration_7_back_fills_a_store_that_predates_it() {
    let (dir, store) = busy_store();
    synced(&store);
    let expected = scanned(&store);
    let expected_sync = scanned_sync(&store);
    store
        .with_write_conn(|c| {
            c.execute_batch(
                "DROP TRIGGER queue_counts_insert; DROP TRIGGER queue_counts_update;
                 DROP TRIGGER channel_times_forwarded; DROP TRIGGER writeback_counts_insert;
                 DROP TRIGGER writeback_counts_update; DROP TRIGGER update_effect_counts_insert;
                 DROP TABLE queue_counts; DROP TABLE channel_times;
                 DROP TABLE writeback_counts; DROP TABLE update_effect_counts;
                 PRAGMA user_version = 6;",
            )
        })
        .unwrap();
    drop(store);
    let store = Store::open(&dir.path().join("test.db")).unwrap();
    assert_eq!(store.channel_queues().unwrap(), expected);
    assert_eq!(sync_figures(&store), expected_sync);
    // And the triggers keep it from there.
    take(&store, "call112:new", "a", true, at(700));
    step(&store, at(800), &[forwarded]);
    assert_eq!(store.channel_queues().unwrap(), scanned(&store));
}

#[test]
fn oldest_pending_reads_the_pending_rows_through_the_state_index() {
    let (_d, store) = temp_store();
    let plan: Vec<String> = store
        .read()
        .unwrap()
        .prepare(
            "EXPLAIN QUERY PLAN SELECT r.channel, MIN(r.received_at)
             FROM outbox o JOIN records r ON r.id = o.record_id
             WHERE o.state = 'pending' GROUP BY r.channel",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let plan = plan.join(" | ");
    assert!(
        plan.contains("SEARCH o USING COVERING INDEX outbox_due (state=?)"),
        "{plan}"
    );
    assert!(!plan.contains("SCAN r"), "{plan}");
}

type SyncFigures = (Vec<(String, String, u64)>, Vec<(String, u64)>, Vec<String>);

/// Write-backs per channel and state, updates per effect, channels with a lag, as kept.
fn sync_figures(store: &Store) -> SyncFigures {
    let wb = store
        .writeback_counts()
        .unwrap()
        .into_iter()
        .map(|c| (c.channel, c.state, c.count))
        .collect();
    let lag = store.writeback_lag(at(10_000)).unwrap();
    (
        wb,
        store.update_effect_counts().unwrap(),
        lag.into_iter().map(|(c, _)| c).collect(),
    )
}

/// The same by the queries they replaced.
fn scanned_sync(store: &Store) -> SyncFigures {
    let conn = store.read().unwrap();
    let wb = conn
        .prepare(
            "SELECT channel, state, COUNT(*) FROM writebacks GROUP BY channel, state ORDER BY 1, 2",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u64))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let effects = conn
        .prepare("SELECT effect, COUNT(*) FROM lapor_updates GROUP BY effect ORDER BY 1")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let lag = conn
        .prepare("SELECT channel FROM writebacks WHERE state = 'pending' GROUP BY channel")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    (wb, effects, lag)
}

/// LAPOR! updates for every forwarded record (one repeated, one for an unknown complaint),
/// and write-backs done, retried and dead.
fn synced(store: &Store) {
    use crate::store::{IncomingUpdate, UpdateSource, WritebackOutcome};
    let tracking: Vec<String> = store
        .read()
        .unwrap()
        .prepare("SELECT tracking_id FROM records WHERE tracking_id IS NOT NULL ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(tracking.len() > 4, "{tracking:?}");
    let up = |id: String, t: &str, status: &str| IncomingUpdate {
        id_pembaruan: id,
        tracking_id: t.into(),
        id_eksternal: None,
        status: Some(status.into()),
        tanggapan: None,
        waktu: at(5_000),
        source: UpdateSource::Feed,
    };
    let mut ups: Vec<IncomingUpdate> = tracking
        .iter()
        .map(|t| up(format!("u-{t}"), t, "terverifikasi"))
        .collect();
    ups.push(up("u-again".into(), &tracking[0], "terverifikasi"));
    ups.push(up("u-unknown".into(), "LAP-none", "terverifikasi"));
    let channels = ["sambat", "call112", "ngombe"].map(String::from).into();
    store
        .apply_updates(&ups, None, &channels, at(5_000))
        .unwrap();
    for ch in ["sambat", "call112"] {
        let claimed = store.claim_writebacks(ch, at(6_000), 100).unwrap();
        for (i, wb) in claimed.iter().enumerate() {
            let outcome = match i % 3 {
                0 => WritebackOutcome::Done { how: "ok".into() },
                1 => WritebackOutcome::Retry {
                    error: "503".into(),
                    at: at(7_000),
                },
                _ => WritebackOutcome::Dead {
                    error: "404".into(),
                },
            };
            store.record_writeback(wb, &outcome, at(6_000)).unwrap();
        }
    }
}

#[test]
fn kept_sync_figures_equal_the_full_queries() {
    let (_d, store) = busy_store();
    synced(&store);
    let expected = scanned_sync(&store);
    assert!(expected.0.iter().any(|w| w.1 == "done"), "{expected:?}");
    assert!(expected.0.iter().any(|w| w.1 == "dead"), "{expected:?}");
    assert!(expected.1.len() > 1, "{expected:?}");
    assert!(!expected.2.is_empty(), "{expected:?}");
    assert_eq!(sync_figures(&store), expected);
}
