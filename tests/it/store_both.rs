//! One store contract, run on both backends. `lapor_bridge::store::Store` is the same type
//! whether it sits on a SQLite file (`Store::open`) or on PostgreSQL (`Store::open_postgres`),
//! and the daemon's stages call it without knowing which. So each contract below is written
//! once, against the store's public methods only (no SQL beside it), and `on_both!` runs it
//! as two tests: `<contract>::sqlite` on a store in a temporary directory and
//! `<contract>::postgres` on a real PostgreSQL cluster of its own. Both must see the same
//! values. Where the backends differ by design (an unanswered claim, a lease held by another
//! process), the test states what each one promises, next to each other.
//!
//! A contract one backend breaks stays asserted as it should be, with that backend's test
//! ignored and the reason given (`postgres: #[ignore = "…"]`); none is, at present.
//!
//! Times are fixed (`t(s)`, seconds after 2026-01-01T00:00:00Z); nothing sleeps. The
//! wall-clock terms of PostgreSQL's claims and leases are far longer than a test, and a
//! claimed record is given back, by recording its outcome, before the next claim (except in
//! `an_unanswered_claim`, which is about just that).

use std::collections::BTreeSet;
use std::ops::Deref;
use std::time::Duration;

use jiff::Timestamp;
use lapor_bridge::domain::{ChannelName, FieldProblem, RecordKey};
use lapor_bridge::store::replay::ReplayDone;
use lapor_bridge::store::{
    ApplyReport, Claimed, Effect, IncomingUpdate, Intake, IntakeOutcome, OutboxState, Outcome,
    ReferenceItem, Store, WritebackOutcome,
};
use lapor_bridge::time;
use lapor_tools::postgres::TestPostgres;
use serde_json::value::RawValue;
use tempfile::TempDir;

use crate::support::updates::up;

/// Runs each contract `$body(&Backend)` as `$name::sqlite` and `$name::postgres`; an
/// attribute after `postgres:` goes on the PostgreSQL test only (an `#[ignore]` for a known
/// difference of that backend).
macro_rules! on_both {
    ($($name:ident => $body:ident $(, postgres: #[$pg:meta])?;)*) => { $(
        mod $name {
            #[test]
            fn sqlite() {
                super::$body(&super::sqlite());
            }
            #[test]
            $(#[$pg])?
            fn postgres() {
                super::$body(&super::postgres());
            }
        }
    )* };
}

on_both! {
    intake_keeps_one_record_per_key => intake_keeps_one_record_per_key;
    a_recorded_outcome_ends_the_claim => a_recorded_outcome_ends_the_claim;
    claims_come_oldest_due_first => claims_come_oldest_due_first;
    retries_wait_for_their_time => retries_wait_for_their_time;
    an_unanswered_claim => an_unanswered_claim;
    updates_apply_once_and_forward_only => updates_apply_once_and_forward_only;
    writebacks_go_head_first => writebacks_go_head_first;
    cursors_commit_with_their_page => cursors_commit_with_their_page;
    counters_and_settings => counters_and_settings;
    open_complaints => open_complaints;
    a_sweep_leaves_out_what_it_heard_of_since_it_started => a_sweep_leaves_out_what_it_heard_of_since_it_started;
    replay_requests => replay_requests;
    reference_cache => reference_cache;
    leases => leases;
}

// ---- The two backends ----------------------------------------------------------------

/// A store and what keeps its database alive. Derefs to the store.
struct Backend {
    // Dropped before the database it runs on.
    store: Store,
    db: Db,
}

enum Db {
    Sqlite(TempDir),
    Postgres { _cluster: TestPostgres, url: String },
}

fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.db")).unwrap();
    Backend {
        store,
        db: Db::Sqlite(dir),
    }
}

fn postgres() -> Backend {
    let (cluster, url, store) = crate::support::pg::store();
    Backend {
        store,
        db: Db::Postgres {
            _cluster: cluster,
            url,
        },
    }
}

impl Backend {
    /// The same database opened by another process (another daemon, another replica).
    fn another_process(&self) -> Store {
        match &self.db {
            Db::Sqlite(dir) => Store::open(&dir.path().join("s.db")).unwrap(),
            Db::Postgres { url, .. } => crate::support::pg::open(url),
        }
    }
}

impl Deref for Backend {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

// ---- Shared helpers ------------------------------------------------------------------

/// `s` seconds after 2026-01-01T00:00:00Z.
fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_767_225_600 + s).unwrap()
}

fn key(s: &str) -> RecordKey {
    RecordKey::parse(s).unwrap()
}

fn channel(s: &str) -> ChannelName {
    ChannelName::parse(s).unwrap()
}

/// Takes in `k` with content `hash` at `at`, mappable, without a cursor.
fn take(s: &Store, k: &RecordKey, hash: &str, at: Timestamp) -> IntakeOutcome {
    take_mapped(s, k, hash, Ok(vec![]), at)
}

fn take_mapped(
    s: &Store,
    k: &RecordKey,
    hash: &str,
    mapping: Result<Vec<String>, Vec<FieldProblem>>,
    at: Timestamp,
) -> IntakeOutcome {
    let raw = serde_json::json!({ "k": k.to_string(), "isi": hash }).to_string();
    let out = s
        .intake(
            &[Intake {
                key: k,
                raw,
                content_hash: hash.into(),
                reported_at: None,
                mapping,
            }],
            None,
            at,
        )
        .unwrap();
    assert_eq!(out.len(), 1);
    out[0]
}

fn claim(s: &Store, now: Timestamp) -> Vec<Claimed> {
    s.claim_due(now, 100).unwrap()
}

fn keys(claimed: &[Claimed]) -> Vec<String> {
    claimed.iter().map(|c| c.key.to_string()).collect()
}

/// (key, attempts, in doubt) of each claim.
fn claims(claimed: &[Claimed]) -> Vec<(String, u32, bool)> {
    claimed
        .iter()
        .map(|c| (c.key.to_string(), c.attempts, c.in_doubt))
        .collect()
}

fn forwarded_as(tracking: &str) -> Outcome {
    Outcome::Forwarded {
        tracking_id: tracking.into(),
        payload: RawValue::from_string("{}".into()).unwrap(),
        notes: vec![],
        divergence: None,
    }
}

fn retry_at(at: Timestamp, in_doubt: bool, counted: bool) -> Outcome {
    Outcome::Retry {
        at,
        error: "HTTP 503".into(),
        in_doubt,
        payload: None,
        counted,
    }
}

fn record(s: &Store, id: i64, outcome: Outcome, now: Timestamp) {
    s.record_outcomes(&[(id, outcome)], now).unwrap();
}

/// Takes in `k` at `at` and forwards it under `tracking`, as the forwarder does. Nothing
/// else may be due then: the claim must be this record's alone.
fn forwarded(s: &Store, k: &str, tracking: &str, at: Timestamp) -> RecordKey {
    let k = key(k);
    assert_eq!(take(s, &k, "h", at), IntakeOutcome::New);
    let c = claim(s, at);
    assert_eq!(keys(&c), [k.to_string()], "only this record is due");
    record(s, c[0].id, forwarded_as(tracking), at);
    k
}

/// (channel, state, count) of the outbox.
fn states(s: &Store) -> Vec<(String, OutboxState, u64)> {
    s.state_counts()
        .unwrap()
        .into_iter()
        .map(|c| (c.channel, c.state, c.count))
        .collect()
}

fn state(channel: &str, state: OutboxState, n: u64) -> (String, OutboxState, u64) {
    (channel.into(), state, n)
}

/// (channel, state, count) of the write-backs.
fn writeback_states(s: &Store) -> Vec<(String, String, u64)> {
    s.writeback_counts()
        .unwrap()
        .into_iter()
        .map(|c| (c.channel, c.state, c.count))
        .collect()
}

fn wb_state(channel: &str, state: &str, n: u64) -> (String, String, u64) {
    (channel.into(), state.into(), n)
}

/// SAMBAT takes write-backs; call112 does not.
fn writeback_channels() -> BTreeSet<String> {
    ["sambat".to_string()].into()
}

/// Applies one page of updates; the report and each effect with its record's key.
fn apply(
    s: &Store,
    ups: &[IncomingUpdate],
    cursor: Option<&str>,
    now: Timestamp,
) -> (ApplyReport, Vec<(String, Effect)>) {
    let (report, effects) = s
        .apply_updates(ups, cursor, &writeback_channels(), now)
        .unwrap();
    let effects = effects
        .into_iter()
        .map(|(k, e)| (k.to_string(), e))
        .collect();
    (report, effects)
}

fn done(how: &str) -> WritebackOutcome {
    WritebackOutcome::Done { how: how.into() }
}

// ---- The contracts -------------------------------------------------------------------

/// A record is its key: delivered again with the same content it is the same record and
/// one claim; edited before it was forwarded, the edit is what gets sent; held when it
/// cannot be mapped, and released by a fixing edit.
fn intake_keeps_one_record_per_key(s: &Backend) {
    let one = key("sambat:1");
    assert_eq!(take(s, &one, "h1", t(0)), IntakeOutcome::New);
    assert_eq!(take(s, &one, "h1", t(1)), IntakeOutcome::Unchanged);
    assert_eq!(take(s, &one, "h2", t(2)), IntakeOutcome::Updated);
    assert_eq!(s.count_records().unwrap(), 1);
    assert_eq!(states(s), [state("sambat", OutboxState::Pending, 1)]);

    let two = key("sambat:2");
    let unmapped = Err(vec![FieldProblem::new("kategori", "unmapped")]);
    assert_eq!(
        take_mapped(s, &two, "g1", unmapped, t(3)),
        IntakeOutcome::New
    );
    assert_eq!(s.count_in_state(OutboxState::Held).unwrap(), 1);
    assert_eq!(
        states(s),
        [
            state("sambat", OutboxState::Held, 1),
            state("sambat", OutboxState::Pending, 1)
        ]
    );
    // Held records are never claimed.
    let c = claim(s, t(3));
    assert_eq!(keys(&c), ["sambat:1"]);
    record(s, c[0].id, retry_at(t(10), false, true), t(3));
    // Edited while pending, it keeps its retry time; the fixing edit makes the held one
    // due from the edit's time.
    assert_eq!(take(s, &one, "h3", t(4)), IntakeOutcome::Updated);
    assert_eq!(take(s, &two, "g2", t(4)), IntakeOutcome::Updated);
    assert_eq!(s.count_in_state(OutboxState::Held).unwrap(), 0);
    assert_eq!(s.count_records().unwrap(), 2);
    assert_eq!(states(s), [state("sambat", OutboxState::Pending, 2)]);

    let c = claim(s, t(9));
    assert_eq!(keys(&c), ["sambat:2"]);
    assert_eq!(c[0].raw["isi"], "g2");
    record(s, c[0].id, retry_at(t(100), false, true), t(9));
    let c = claim(s, t(10));
    assert_eq!(keys(&c), ["sambat:1"]);
    assert_eq!(c[0].raw["isi"], "h3", "the latest edit is what gets sent");
}

/// Due records are claimed oldest first; once an outcome is recorded the record is done
/// with: a forwarded one is listed as forwarded and never due again, an edit after
/// forwarding is kept but not sent, and a held outcome gives its attempt back.
fn a_recorded_outcome_ends_the_claim(s: &Backend) {
    for i in 1..=3 {
        take(s, &key(&format!("sambat:{i}")), "h", t(i - 1));
    }
    assert_eq!(s.next_due().unwrap(), Some(t(0)));
    let c = claim(s, t(1));
    assert_eq!(
        claims(&c),
        [("sambat:1".into(), 1, false), ("sambat:2".into(), 1, false)],
        "sambat:3 is not due before t(2)"
    );
    assert_eq!(c[0].raw["k"], "sambat:1");
    s.record_outcomes(
        &[
            (c[0].id, forwarded_as("T1")),
            (
                c[1].id,
                Outcome::Held {
                    problems: vec![FieldProblem::new("judul", "empty")],
                },
            ),
        ],
        t(3),
    )
    .unwrap();
    let c = claim(s, t(10));
    assert_eq!(
        keys(&c),
        ["sambat:3"],
        "the held one gave its claim back and waits"
    );
    record(s, c[0].id, forwarded_as("T3"), t(11));

    assert_eq!(
        states(s),
        [
            state("sambat", OutboxState::Forwarded, 2),
            state("sambat", OutboxState::Held, 1)
        ]
    );
    assert_eq!(s.count_in_state(OutboxState::Forwarded).unwrap(), 2);
    assert_eq!(s.count_in_state(OutboxState::Pending).unwrap(), 0);
    assert_eq!(
        s.forwarded_keys(10).unwrap(),
        [key("sambat:1"), key("sambat:3")]
    );
    assert_eq!(s.forwarded_keys(1).unwrap(), [key("sambat:1")]);
    assert_eq!(s.next_due().unwrap(), None);
    assert!(claim(s, t(100_000)).is_empty());

    // Edited after forwarding: recorded, the same complaint, not sent again.
    assert_eq!(
        take(s, &key("sambat:1"), "h-edit", t(20)),
        IntakeOutcome::EditedAfterForward
    );
    assert_eq!(s.count_records().unwrap(), 3);
    assert_eq!(s.next_due().unwrap(), None);
    assert!(claim(s, t(100_000)).is_empty());

    // The held outcome gave its attempt back and cleared the doubt: fixed by an edit, the
    // record's next claim is its first attempt again.
    assert_eq!(
        take(s, &key("sambat:2"), "h-fixed", t(21)),
        IntakeOutcome::Updated
    );
    assert_eq!(claims(&claim(s, t(21))), [("sambat:2".into(), 1, false)]);
}

/// `claim_due` takes the records longest due first, up to its limit, and hands them over
/// in that order (the forwarder attempts them so).
fn claims_come_oldest_due_first(s: &Backend) {
    for i in 1..=3 {
        take(s, &key(&format!("sambat:{i}")), "h", t(i));
    }
    let c = claim(s, t(3));
    assert_eq!(keys(&c), ["sambat:1", "sambat:2", "sambat:3"]);
    // Due again in the reverse order of their ids.
    s.record_outcomes(
        &[
            (c[0].id, retry_at(t(30), false, true)),
            (c[1].id, retry_at(t(20), false, true)),
            (c[2].id, retry_at(t(10), false, true)),
        ],
        t(4),
    )
    .unwrap();
    assert_eq!(s.next_due().unwrap(), Some(t(10)));
    let c = s.claim_due(t(30), 2).unwrap();
    let mut taken = keys(&c);
    taken.sort();
    assert_eq!(taken, ["sambat:2", "sambat:3"], "the two longest due");
    assert_eq!(keys(&c), ["sambat:3", "sambat:2"], "oldest due first");
}

/// A retry makes the record due again at its time and not before; an uncounted retry and a
/// deferral give the attempt back; a dead record is never due, until an edit requeues it
/// with its attempts reset.
fn retries_wait_for_their_time(s: &Backend) {
    let k = key("sambat:1");
    take(s, &k, "h1", t(0));
    let c = claim(s, t(0));
    assert_eq!(claims(&c), [("sambat:1".into(), 1, false)]);
    let id = c[0].id;
    record(s, id, retry_at(t(60), false, true), t(1));
    assert_eq!(s.next_due().unwrap(), Some(t(60)));
    assert!(claim(s, t(59)).is_empty(), "not before its time");
    assert_eq!(claims(&claim(s, t(60))), [("sambat:1".into(), 2, false)]);

    // LAPOR! down: the attempt is given back, and the record may have been created.
    record(s, id, retry_at(t(120), true, false), t(61));
    assert!(claim(s, t(119)).is_empty());
    assert_eq!(claims(&claim(s, t(120))), [("sambat:1".into(), 2, true)]);
    record(
        s,
        id,
        Outcome::Deferred {
            at: t(180),
            in_doubt: true,
        },
        t(121),
    );
    assert_eq!(s.next_due().unwrap(), Some(t(180)));
    assert_eq!(claims(&claim(s, t(180))), [("sambat:1".into(), 2, true)]);

    record(
        s,
        id,
        Outcome::Dead {
            error: "HTTP 422".into(),
            problems: vec![FieldProblem::new("judul", "too short")],
            payload: None,
            in_doubt: false,
        },
        t(181),
    );
    assert_eq!(states(s), [state("sambat", OutboxState::Dead, 1)]);
    assert_eq!(s.next_due().unwrap(), None);
    assert!(claim(s, t(100_000)).is_empty());

    // An edit of a dead record may hold the fix: queued again, from its first attempt.
    assert_eq!(take(s, &k, "h2", t(200)), IntakeOutcome::Requeued);
    assert_eq!(s.next_due().unwrap(), Some(t(200)));
    let c = claim(s, t(200));
    assert_eq!(claims(&c), [("sambat:1".into(), 1, false)]);
    assert_eq!(c[0].raw["isi"], "h2");
    assert_eq!(s.count_records().unwrap(), 1);
}

/// A claim with no outcome recorded (the process died mid-request). Here the backends
/// differ by design: SQLite has one daemon, so a record it claimed and never answered is
/// still due, now in doubt (looked up before any resend: `store/outbox.rs`); PostgreSQL's
/// claim keeps it from every replica, itself included, for `CLAIM_TERM`
/// (`store/postgres/outbox.rs`). On both, a recorded outcome gives the claim back.
fn an_unanswered_claim(s: &Backend) {
    take(s, &key("sambat:1"), "h", t(0));
    let first = claim(s, t(0));
    assert_eq!(claims(&first), [("sambat:1".into(), 1, false)]);
    let again = claim(s, t(0));
    if s.is_postgres() {
        assert!(
            again.is_empty(),
            "claimed for its term: {:?}",
            claims(&again)
        );
    } else {
        assert_eq!(claims(&again), [("sambat:1".into(), 2, true)]);
    }
    // Either way, still pending and counted so.
    assert_eq!(states(s), [state("sambat", OutboxState::Pending, 1)]);

    record(s, first[0].id, retry_at(t(30), false, true), t(1));
    let attempts = if s.is_postgres() { 2 } else { 3 };
    assert_eq!(
        claims(&claim(s, t(30))),
        [("sambat:1".into(), attempts, false)],
        "the outcome gave the claim back"
    );
}

/// LAPOR!'s updates: each `id_pembaruan` is applied once, statuses only move forward (an
/// older one is recorded as stale), a new response on the same status applies, the same
/// content under a new id is recorded not applied, an unknown tracking id is only recorded;
/// write-backs are queued for channels that take them, each with the status after it.
fn updates_apply_once_and_forward_only(s: &Backend) {
    let one = forwarded(s, "sambat:1", "T1", t(0));
    let other = forwarded(s, "call112:1", "T2", t(0));
    let page = [
        up("u-1", "T1", "terverifikasi", None, t(10)),
        up(
            "u-2",
            "T1",
            "terverifikasi",
            Some("Mohon lengkapi lokasi"),
            t(20),
        ),
        up("u-3", "T1", "terdisposisi", None, t(30)),
        up("u-4", "T1", "terverifikasi", None, t(25)),
        up("u-5", "T2", "terverifikasi", None, t(30)),
        up("u-6", "T-unknown", "terverifikasi", None, t(30)),
    ];
    let (report, effects) = apply(s, &page, Some("c1"), t(40));
    assert_eq!(
        effects,
        [
            ("sambat:1".into(), Effect::Status),
            ("sambat:1".into(), Effect::Tanggapan),
            ("sambat:1".into(), Effect::Status),
            ("sambat:1".into(), Effect::Stale),
            ("call112:1".into(), Effect::Status),
        ]
    );
    assert_eq!(
        report,
        ApplyReport {
            applied: 4,
            duplicates: 0,
            stale: 1,
            same_content: 0,
            unknown: 1,
            writebacks_queued: 3,
        }
    );

    // The page read again (at-least-once delivery): every update a duplicate, nothing new.
    let (report, effects) = apply(s, &page, Some("c2"), t(41));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        report,
        ApplyReport {
            duplicates: 6,
            ..ApplyReport::default()
        }
    );
    // u-3's content under a new id: recorded, not applied, no write-back.
    let mut reissued = page[2].clone();
    reissued.id_pembaruan = "u-7".into();
    let (report, effects) = apply(s, &[reissued], None, t(42));
    assert_eq!(effects, [("sambat:1".into(), Effect::SameContent)]);
    assert_eq!(report.writebacks_queued, 0);

    assert_eq!(
        s.update_effect_counts().unwrap(),
        [
            ("same_content".to_string(), 1),
            ("stale".to_string(), 1),
            ("status".to_string(), 3),
            ("tanggapan".to_string(), 1),
            ("unknown_record".to_string(), 1),
        ]
    );
    assert_eq!(writeback_states(s), [wb_state("sambat", "pending", 3)]);
    let (status, rows) = s.sync_state(&one).unwrap();
    assert_eq!(status.as_deref(), Some("terdisposisi"));
    assert_eq!(
        rows.iter()
            .map(|w| (w.lapor_status.as_str(), w.with_response, w.state.as_str()))
            .collect::<Vec<_>>(),
        [
            ("terverifikasi", false, "pending"),
            ("terverifikasi", true, "pending"),
            ("terdisposisi", false, "pending"),
        ]
    );
    let (status, rows) = s.sync_state(&other).unwrap();
    assert_eq!(status.as_deref(), Some("terverifikasi"));
    assert!(rows.is_empty(), "call112 takes no write-backs: {rows:?}");
    assert!(s
        .claim_writebacks("call112", t(100), 10)
        .unwrap()
        .is_empty());
}

/// A record's write-backs go out one at a time, oldest first: only the head is claimed,
/// the next only once the head is done; a head waiting to retry holds its record's later
/// ones back and nobody else's.
fn writebacks_go_head_first(s: &Backend) {
    let one = forwarded(s, "sambat:1", "T1", t(0));
    forwarded(s, "sambat:2", "T2", t(0));
    let (report, _) = apply(
        s,
        &[
            up("u-1", "T1", "terverifikasi", None, t(1)),
            up(
                "u-2",
                "T1",
                "terdisposisi",
                Some("Mohon lengkapi lokasi"),
                t(2),
            ),
            up("u-3", "T2", "terverifikasi", None, t(3)),
        ],
        None,
        t(10),
    );
    assert_eq!(report.writebacks_queued, 3);
    assert!(
        s.claim_writebacks("sambat", t(9), 10).unwrap().is_empty(),
        "queued at t(10), not due before"
    );

    let heads = s.claim_writebacks("sambat", t(10), 10).unwrap();
    assert_eq!(
        heads
            .iter()
            .map(|w| (
                w.key.to_string(),
                w.tracking_id.as_str(),
                w.lapor_status.as_str()
            ))
            .collect::<Vec<_>>(),
        [
            ("sambat:1".to_string(), "T1", "terverifikasi"),
            ("sambat:2".to_string(), "T2", "terverifikasi"),
        ],
        "one head per record"
    );
    assert_eq!(heads[0].waktu, t(1));
    assert_eq!((heads[0].attempts, heads[0].tanggapan.as_ref()), (0, None));
    let retry = WritebackOutcome::Retry {
        error: "HTTP 503".into(),
        at: t(100),
    };
    s.record_writeback(&heads[0], &retry, t(11)).unwrap();
    s.record_writeback(&heads[1], &done("201"), t(11)).unwrap();
    assert!(
        s.claim_writebacks("sambat", t(50), 10).unwrap().is_empty(),
        "sambat:1's head waits, and its second stays behind it"
    );

    let head = s.claim_writebacks("sambat", t(100), 10).unwrap();
    assert_eq!(head.len(), 1);
    assert_eq!(
        (head[0].id, head[0].lapor_status.as_str(), head[0].attempts),
        (heads[0].id, "terverifikasi", 1)
    );
    s.record_writeback(&head[0], &done("201"), t(100)).unwrap();
    let second = s.claim_writebacks("sambat", t(100), 10).unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].key, one);
    assert_eq!(second[0].lapor_status, "terdisposisi");
    assert_eq!(
        second[0].tanggapan,
        Some((
            "Mohon lengkapi lokasi".to_string(),
            "Dinas Perhubungan Kota Malang".to_string()
        ))
    );
    let refused = WritebackOutcome::Dead {
        error: "HTTP 422".into(),
    };
    s.record_writeback(&second[0], &refused, t(101)).unwrap();
    assert!(s
        .claim_writebacks("sambat", t(100_000), 10)
        .unwrap()
        .is_empty());

    assert_eq!(
        writeback_states(s),
        [wb_state("sambat", "dead", 1), wb_state("sambat", "done", 2)]
    );
    let (_, rows) = s.sync_state(&one).unwrap();
    assert_eq!(
        rows.iter()
            .map(|w| (w.state.as_str(), w.attempts, w.outcome.as_deref()))
            .collect::<Vec<_>>(),
        [("done", 2, Some("201")), ("dead", 1, None)]
    );
    let dead = s.dead_writebacks().unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].0, "sambat:1");
    assert_eq!(dead[0].1.last_error.as_deref(), Some("HTTP 422"));
}

/// The feed cursor is stored with the page of updates it follows, kept when a page brings
/// none, and cleared; a channel's cursor is stored with its page of records. Neither
/// touches the other.
fn cursors_commit_with_their_page(s: &Backend) {
    let sambat = channel("sambat");
    assert_eq!(s.feed_cursor().unwrap(), None);
    assert_eq!(s.cursor(&sambat).unwrap(), None);

    let page = [up("u-1", "T-unknown", "terverifikasi", None, t(0))];
    let (report, _) = apply(s, &page, Some("c1"), t(1));
    assert_eq!(report.unknown, 1);
    assert_eq!(s.feed_cursor().unwrap().as_deref(), Some("c1"));
    let (report, _) = apply(s, &page, Some("c2"), t(2));
    assert_eq!(report.duplicates, 1);
    assert_eq!(s.feed_cursor().unwrap().as_deref(), Some("c2"));
    apply(s, &[], None, t(3));
    assert_eq!(s.feed_cursor().unwrap().as_deref(), Some("c2"));

    let k = key("sambat:1");
    let item = |hash: &str| Intake {
        key: &k,
        raw: serde_json::json!({ "isi": hash }).to_string(),
        content_hash: hash.into(),
        reported_at: None,
        mapping: Ok(vec![]),
    };
    s.intake(&[item("h1")], Some((&sambat, "2026-01-01 08:15:00")), t(4))
        .unwrap();
    assert_eq!(
        s.cursor(&sambat).unwrap().as_deref(),
        Some("2026-01-01 08:15:00")
    );
    s.intake(&[item("h1")], Some((&sambat, "2026-01-01 09:00:00")), t(5))
        .unwrap();
    assert_eq!(
        s.cursor(&sambat).unwrap().as_deref(),
        Some("2026-01-01 09:00:00")
    );
    assert_eq!(s.cursor(&channel("ngombe")).unwrap(), None);
    assert_eq!(s.count_records().unwrap(), 1);

    s.clear_feed_cursor().unwrap();
    assert_eq!(s.feed_cursor().unwrap(), None);
    assert_eq!(
        s.cursor(&sambat).unwrap().as_deref(),
        Some("2026-01-01 09:00:00")
    );
}

/// Counters start at 0 and add up, each on its own, kept as the setting `counter.<name>`;
/// settings are read back and overwritten.
fn counters_and_settings(s: &Backend) {
    assert_eq!(s.counter("ignored.sambat").unwrap(), 0);
    assert_eq!(s.bump_counter("ignored.sambat", 1).unwrap(), 1);
    assert_eq!(s.bump_counter("ignored.sambat", 2).unwrap(), 3);
    assert_eq!(s.bump_counter("ignored.sambat", 0).unwrap(), 3);
    assert_eq!(s.bump_counter("ignored.ngombe", 5).unwrap(), 5);
    assert_eq!(s.counter("ignored.sambat").unwrap(), 3);
    assert_eq!(s.counter("ignored.ngombe").unwrap(), 5);
    assert_eq!(
        s.setting("counter.ignored.sambat").unwrap().as_deref(),
        Some("3")
    );

    assert_eq!(s.setting("csv.ngombe.delimiter").unwrap(), None);
    s.set_setting("csv.ngombe.delimiter", ";").unwrap();
    assert_eq!(
        s.setting("csv.ngombe.delimiter").unwrap().as_deref(),
        Some(";")
    );
    s.set_setting("csv.ngombe.delimiter", ",").unwrap();
    assert_eq!(
        s.setting("csv.ngombe.delimiter").unwrap().as_deref(),
        Some(",")
    );
    assert_eq!(s.setting("csv.sambat.delimiter").unwrap(), None);
}

/// Open complaints: forwarded ones LAPOR! has not finished with (not final, not never
/// forwarded), least recently checked first, and only those not checked since the given
/// time.
/// A sweep started at `before` leaves out complaints forwarded or updated since then (the
/// feed is still telling about them); `None` (LAPOR! forgot the cursor) takes every one.
fn a_sweep_leaves_out_what_it_heard_of_since_it_started(s: &Backend) {
    forwarded(s, "sambat:1", "T1", t(0));
    forwarded(s, "sambat:2", "T2", t(10));
    apply(
        s,
        &[up("u-1", "T1", "terverifikasi", None, t(20))],
        None,
        t(20),
    );
    let swept = |before| -> Vec<String> {
        s.open_complaints(Some(before), 10)
            .unwrap()
            .into_iter()
            .map(|o| o.tracking_id)
            .collect()
    };
    assert_eq!(swept(t(5)), Vec::<String>::new());
    assert_eq!(swept(t(15)), ["T2"]);
    assert_eq!(swept(t(21)), ["T1", "T2"]);
    assert_eq!(s.open_complaints(None, 10).unwrap().len(), 2);
}

fn open_complaints(s: &Backend) {
    forwarded(s, "sambat:1", "T1", t(0));
    forwarded(s, "sambat:2", "T2", t(0));
    forwarded(s, "sambat:3", "T3", t(0));
    take(s, &key("sambat:4"), "h", t(0));
    apply(
        s,
        &[
            up("u-1", "T2", "selesai", None, t(1)),
            up("u-2", "T3", "terverifikasi", None, t(1)),
        ],
        None,
        t(2),
    );
    let tracking = |before: Option<Timestamp>, limit: usize| -> Vec<String> {
        s.open_complaints(before, limit)
            .unwrap()
            .into_iter()
            .map(|o| o.tracking_id)
            .collect()
    };
    let open = s.open_complaints(None, 10).unwrap();
    assert_eq!(
        open.iter()
            .map(|o| (
                o.key.to_string(),
                o.tracking_id.as_str(),
                o.lapor_status.as_deref()
            ))
            .collect::<Vec<_>>(),
        [
            ("sambat:1".to_string(), "T1", None),
            ("sambat:3".to_string(), "T3", Some("terverifikasi")),
        ]
    );

    s.mark_checked(open[0].record_id, t(10)).unwrap();
    assert_eq!(tracking(None, 10), ["T3", "T1"], "unchecked first");
    assert_eq!(tracking(None, 1), ["T3"]);
    assert_eq!(tracking(Some(t(10)), 10), ["T3"]);
    assert_eq!(tracking(Some(t(11)), 10), ["T3", "T1"]);
    s.mark_checked(open[1].record_id, t(5)).unwrap();
    assert_eq!(
        tracking(None, 10),
        ["T3", "T1"],
        "checked longest ago first"
    );
    assert_eq!(tracking(Some(t(10)), 10), ["T3"]);
    assert!(tracking(Some(t(5)), 10).is_empty());
}

/// A replay request is read back as made, replaced by a newer one, cleared only by the pass
/// that honoured it; its outcome is read back.
fn replay_requests(s: &Backend) {
    let sambat = channel("sambat");
    assert_eq!(s.replay_request(&sambat).unwrap(), None);
    let first = s.request_replay(&sambat, t(-3600), "budi", t(0)).unwrap();
    assert_eq!(first.since, time::db(t(-3600)));
    assert_eq!(first.requested_at, time::db(t(0)));
    assert_eq!(first.by, "budi");
    assert_eq!(s.replay_request(&sambat).unwrap(), Some(first.clone()));
    assert_eq!(s.replay_request(&channel("ngombe")).unwrap(), None);

    let second = s.request_replay(&sambat, t(-7200), "siti", t(1)).unwrap();
    assert_eq!(s.replay_request(&sambat).unwrap(), Some(second.clone()));
    let finished = |request| ReplayDone {
        request,
        finished_at: time::db(t(2)),
        new: 1,
        updated: 0,
        unchanged: 2,
        edited_after_forward: 1,
        requeued: 0,
        files: 0,
    };
    // The pass that honoured the first request ends after the second was made.
    s.finish_replay(&sambat, &finished(first.clone())).unwrap();
    assert_eq!(s.replay_request(&sambat).unwrap(), Some(second.clone()));
    assert_eq!(
        s.replay_done(&sambat).unwrap(),
        Some(finished(first.clone()))
    );
    s.finish_replay(&sambat, &finished(second.clone())).unwrap();
    assert_eq!(s.replay_request(&sambat).unwrap(), None);
    assert_eq!(s.replay_done(&sambat).unwrap(), Some(finished(second)));
    // A new request forgets the last outcome.
    s.request_replay(&sambat, t(0), "budi", t(3)).unwrap();
    assert_eq!(s.replay_done(&sambat).unwrap(), None);
}

/// Reference ids stored are read back per kind; an id missing from a fetch is kept until it
/// has been missing `grace` fetches in a row, then forgotten, and known again when it comes
/// back.
fn reference_cache(s: &Backend) {
    let item = |id: i64, nama: &str| ReferenceItem {
        id,
        nama: nama.into(),
        induk_id: (id > 10).then_some(1),
    };
    assert!(s.reference_ids("kategori").unwrap().is_empty());
    let forgotten = s
        .store_reference(
            "kategori",
            &[item(1, "Jalan"), item(2, "Banjir"), item(11, "Jalan rusak")],
            2,
            t(0),
        )
        .unwrap();
    assert!(forgotten.is_empty());
    assert_eq!(
        s.reference_ids("kategori").unwrap(),
        BTreeSet::from([1, 2, 11])
    );
    assert!(s.reference_ids("instansi").unwrap().is_empty());

    let fetch = [item(1, "Jalan dan trotoar"), item(11, "Jalan rusak")];
    assert!(s
        .store_reference("kategori", &fetch, 2, t(1))
        .unwrap()
        .is_empty());
    assert!(
        s.reference_ids("kategori").unwrap().contains(&2),
        "one miss"
    );
    assert_eq!(s.store_reference("kategori", &fetch, 2, t(2)).unwrap(), [2]);
    assert_eq!(
        s.reference_ids("kategori").unwrap(),
        BTreeSet::from([1, 11])
    );
    assert_eq!(
        s.reference_items("kategori").unwrap(),
        [item(1, "Jalan dan trotoar"), item(11, "Jalan rusak")]
    );
    s.store_reference("kategori", &[item(1, "Jalan"), item(2, "Banjir")], 2, t(3))
        .unwrap();
    assert_eq!(
        s.reference_ids("kategori").unwrap(),
        BTreeSet::from([1, 2, 11])
    );
}

/// Leases (`store/lease.rs`): the first holder takes a lease and renews it, and holds
/// other leases too. What another process gets differs by design: a SQLite store has one
/// daemon, which holds every lease, so another process "holds" it as well and releasing
/// gives up nothing; on PostgreSQL the lease is the holder's until it is released (or its
/// term ends), and then another replica takes it at once.
fn leases(s: &Backend) {
    let term = Duration::from_secs(60);
    assert!(s.hold_lease("poll.sambat", term).unwrap(), "a free lease");
    assert!(s.hold_lease("poll.sambat", term).unwrap(), "renewed");
    assert!(s.hold_lease("csv.ngombe", term).unwrap(), "another lease");

    let other = s.another_process();
    let pg = s.is_postgres();
    assert_eq!(
        other.hold_lease("poll.sambat", term).unwrap(),
        !pg,
        "another process while the first holds it"
    );
    assert!(
        other.hold_lease("feed.updates", term).unwrap(),
        "a free one"
    );
    assert_eq!(
        s.hold_lease("feed.updates", term).unwrap(),
        !pg,
        "the first process, on the other's lease"
    );

    assert_eq!(s.release_leases().unwrap(), if pg { 2 } else { 0 });
    assert!(other.hold_lease("poll.sambat", term).unwrap(), "released");
    assert!(other.hold_lease("csv.ngombe", term).unwrap(), "released");
    assert_eq!(s.hold_lease("poll.sambat", term).unwrap(), !pg);
}
