//! The retention purge on a real PostgreSQL (`privacy::purge` with `store::postgres::privacy`):
//! complaints final in LAPOR! longer than the retention lose their reporter's NIK, phone,
//! e-mail and name from every table a scrub rewrites (the SQLite store's unit tests in
//! `src/privacy/purge_tests.rs` and `scrub_tests.rs`), in batches larger than one
//! transaction's; the other complaints keep every byte; each purged one gets one
//! `personal_data_purged` event; the tables are vacuumed; a second purge finds nothing. The
//! scrubbed values are the SQLite store's, value for value.

use jiff::{SignedDuration, Timestamp};
use lapor_bridge::domain::RecordKey;
use lapor_bridge::privacy::purge::{execute, plan, BATCH};
use lapor_bridge::privacy::scrub::REMOVED;
use lapor_bridge::store::{Intake, Store};
use lapor_bridge::time;
use serde_json::{json, Value};

use crate::support::pg::{store, Sql};

const DAYS: u64 = 365;

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn nik(n: u32) -> String {
    format!("35730123456{n:05}")
}

/// As the reporter wrote it.
fn phone(n: u32) -> String {
    format!("0812-3456-{n:04}")
}

/// Every spelling of record `n`'s personal data that must go.
fn personal(n: u32) -> Vec<String> {
    vec![
        nik(n),
        phone(n),
        format!("08123456{n:04}"),
        format!("+628123456{n:04}"),
        format!("628123456{n:04}"),
        format!("8123456{n:04}"),
        format!("pelapor{n}@example.com"),
        "Budi Santoso".into(),
    ]
}

fn raw(n: u32) -> Value {
    json!({
        "id": n,
        "kategori": "Jalan Rusak",
        "opd": "DPUPR",
        "judul": "Jalan berlubang",
        "isi": format!("Depan rumah saya, hubungi {}", phone(n)),
        "pelapor": {"nama": "Budi Santoso", "nik": nik(n), "hp": phone(n),
                    "email": format!("pelapor{n}@example.com")},
        "lokasi": {"alamat": "Jl. Merdeka 1", "lat": -7.98, "lon": 112.63}
    })
}

/// Takes in `sambat:<n>` for each `n`, with a mapping note quoting the phone.
fn take(store: &Store, ns: &[u32], now: Timestamp) {
    let keys: Vec<RecordKey> = ns
        .iter()
        .map(|n| RecordKey::parse(&format!("sambat:{n}")).unwrap())
        .collect();
    let items: Vec<Intake> = keys
        .iter()
        .zip(ns)
        .map(|(key, &n)| Intake {
            key,
            raw: raw(n).to_string(),
            content_hash: format!("h{n}"),
            reported_at: None,
            mapping: Ok(vec![format!("phone {} normalised", phone(n))]),
        })
        .collect();
    store.intake(&items, None, now).unwrap();
}

fn id_of(sql: &Sql, n: u32) -> i64 {
    sql.rows(
        "SELECT id FROM records WHERE channel = 'sambat' AND local_id = $1",
        &[&n.to_string()],
    )[0]
    .get(0)
}

/// Record `n` in LAPOR! with `status` since `at`.
fn status(sql: &Sql, n: u32, status: Option<&str>, at: Option<Timestamp>) {
    sql.exec(
        "UPDATE records SET lapor_status = $2, lapor_status_at = $3
         WHERE channel = 'sambat' AND local_id = $1",
        &[&n.to_string(), &status, &at.map(time::db)],
    );
}

/// Record `n`'s personal data in every other table a scrub rewrites: the forwarded payload
/// and LAPOR!'s error in the outbox, a second revision, a note event, a dry-run verdict, a
/// LAPOR! update quoting the reporter, its write-back, and an SLA alert's error.
fn spread(sql: &Sql, n: u32) {
    let id = id_of(sql, n);
    let payload = json!({
        "id_eksternal": format!("sambat:{n}"), "kanal": "sambat", "judul": "Jalan berlubang",
        "isi": format!("hubungi {}", phone(n)), "kategori_id": 101, "instansi_id": 7,
        "pelapor": {"nama": "Budi Santoso", "nik": nik(n),
                    "telepon": format!("+628123456{n:04}"),
                    "email": format!("pelapor{n}@example.com")},
        "waktu_lapor": "2024-03-04T02:10:11Z"
    })
    .to_string();
    sql.exec(
        "UPDATE outbox SET state = 'forwarded', payload = $2,
             last_error = 'LAPOR! said: telepon ' || $3 || ' tidak valid',
             divergence = '{\"pelapor\":{\"nik\":\"' || $4 || '\"}}'
         WHERE record_id = $1",
        &[&id, &payload, &format!("628123456{n:04}"), &nik(n)],
    );
    sql.exec(
        "INSERT INTO events (record_id, at, kind, detail)
         VALUES ($1, '2024-03-04T02:10:11.000Z', 'note', $2)",
        &[&id, &format!("from Budi Santoso, 812 3456 {n:04}")],
    );
    sql.exec(
        "INSERT INTO revisions (record_id, revision, raw, content_hash, received_at, sent)
         VALUES ($1, 2, $2, 'h2', '2024-03-05T00:00:00.000Z', 0)",
        &[&id, &raw(n).to_string()],
    );
    sql.exec(
        "INSERT INTO dry_run_verdicts (record_id, revision, verdict, payload, reasons, notes,
             checked_at)
         VALUES ($1, 1, 'invalid', $2, $3, $4, '2024-03-04T02:10:11.000Z')",
        &[
            &id,
            &payload,
            &json!([{"field": "pelapor.nik", "message": format!("{} is not 16", nik(n))}])
                .to_string(),
            &json!([format!("phone {} normalised", phone(n))]).to_string(),
        ],
    );
    let update: i64 = sql.rows(
        "INSERT INTO lapor_updates (id_pembaruan, record_id, tracking_id, status, tanggapan_isi,
             tanggapan_oleh, waktu, effective_at, content_key, effect, source, received_at)
         VALUES ($2, $1, 'LAPOR-1', 'selesai', $3, 'Dinas PU', '2024-03-06T00:00:00.000Z',
             '2024-03-06T00:00:00.000Z', $2, 'status_tanggapan', 'feed',
             '2024-03-06T00:00:00.000Z')
         RETURNING id",
        &[
            &id,
            &format!("u{n}"),
            &format!("Bapak Budi Santoso (08123456{n:04}), jalan sudah diperbaiki"),
        ],
    )[0]
    .get(0);
    sql.exec(
        "INSERT INTO writebacks (record_id, update_id, channel, state, lapor_status,
             next_attempt_at, last_error, outcome, created_at)
         VALUES ($1, $2, 'sambat', 'done', 'selesai', '2024-03-06T00:00:00.000Z', $3,
             '{\"pesan\":\"ok, Budi Santoso\"}', '2024-03-06T00:00:00.000Z')",
        &[&id, &update, &format!("HTTP 400: hp {} unknown", phone(n))],
    );
    sql.exec(
        "INSERT INTO sla_alerts (record_id, rule, level, deadline, first_seen_at, attempts,
             last_error)
         VALUES ($1, 'penutupan', 'breached', '2024-04-01T00:00:00.000Z',
             '2024-04-01T00:00:00.000Z', 1, $2)",
        &[&id, &format!("telegram: chat of {} refused", phone(n))],
    );
}

/// Every stored text of record `id` that a scrub may rewrite, table by table, row by row
/// (the purge's own events left out).
fn texts(sql: &Sql, id: i64) -> Vec<String> {
    let mut out = Vec::new();
    for q in [
        "SELECT raw FROM records WHERE id = $1",
        "SELECT raw FROM revisions WHERE record_id = $1 ORDER BY id",
        "SELECT concat_ws(' | ', payload, problems, notes, last_error, divergence) FROM outbox
         WHERE record_id = $1",
        "SELECT coalesce(detail, '') FROM events
         WHERE record_id = $1 AND kind <> 'personal_data_purged' ORDER BY id",
        "SELECT concat_ws(' | ', payload, reasons, notes) FROM dry_run_verdicts
         WHERE record_id = $1 ORDER BY id",
        "SELECT concat_ws(' | ', tanggapan_isi, tanggapan_oleh) FROM lapor_updates
         WHERE record_id = $1 ORDER BY id",
        "SELECT concat_ws(' | ', last_error, outcome) FROM writebacks
         WHERE record_id = $1 ORDER BY id",
        "SELECT coalesce(last_error, '') FROM sla_alerts WHERE record_id = $1",
    ] {
        out.push(format!("-- {}", q.split_whitespace().nth(3).unwrap_or(q)));
        for r in sql.rows(q, &[&id]) {
            out.push(r.get(0));
        }
    }
    out
}

fn purged_events(sql: &Sql, id: i64) -> Vec<String> {
    sql.rows(
        "SELECT coalesce(detail, '') FROM events
         WHERE record_id = $1 AND kind = 'personal_data_purged' ORDER BY id",
        &[&id],
    )
    .iter()
    .map(|r| r.get(0))
    .collect()
}

#[test]
fn the_retention_purge_removes_personal_data_of_old_final_complaints_only() {
    let (_pg, url, store) = store();
    let sql = Sql::connect(&url);
    let now: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
    let received = now - days(800);

    // Spread over every table: 1 selesai long ago, 2 ditolak a day past the retention, 3
    // diarsipkan exactly at the cutoff (qualifies); 4 selesai a day short of it, 5 open long
    // ago, 6 never forwarded (stay).
    let full: Vec<u32> = (1..=6).collect();
    take(&store, &full, received);
    for &n in &full {
        spread(&sql, n);
    }
    status(&sql, 1, Some("selesai"), Some(now - days(400)));
    status(&sql, 2, Some("ditolak"), Some(now - days(366)));
    status(&sql, 3, Some("diarsipkan"), Some(now - days(365)));
    status(&sql, 4, Some("selesai"), Some(now - days(364)));
    status(&sql, 5, Some("ditindaklanjuti"), Some(now - days(400)));
    status(&sql, 6, None, None);
    // More than one transaction's worth, raw payload and outbox notes only: all qualify.
    let bulk: Vec<u32> = (100..100 + BATCH as u32 + 3).collect();
    take(&store, &bulk, received);
    for &n in &bulk {
        status(&sql, n, Some("selesai"), Some(now - days(500)));
    }

    let old: Vec<u32> = [1, 2, 3].into_iter().chain(bulk.iter().copied()).collect();
    let kept: Vec<u32> = vec![4, 5, 6];
    let old_ids: Vec<i64> = old.iter().map(|&n| id_of(&sql, n)).collect();
    let kept_before: Vec<Vec<String>> = kept.iter().map(|&n| texts(&sql, id_of(&sql, n))).collect();
    // The fixture does hold what must go, in every table of the spread records.
    for n in [1, 2, 3] {
        let t = texts(&sql, id_of(&sql, n)).join("\n");
        for p in personal(n) {
            assert!(
                t.contains(&p),
                "record {n} lacks {p} before the purge:\n{t}"
            );
        }
        assert!(t.contains("diperbaiki") && t.contains("chat of"), "{t}");
    }

    let p = plan(&store, &[], DAYS, now).unwrap();
    assert_eq!(p.cutoff, time::db(now - days(365)));
    assert_eq!(p.records, old_ids, "the old final complaints, by id");
    let out = execute(&store, &p).unwrap();
    assert_eq!(out.records, old.len());
    assert!(out.compacted);
    assert_eq!(out.rows.records, old.len());
    // Intake's revision 1 of each, and the second one of the spread records.
    assert_eq!(out.rows.revisions, old.len() + 3);
    assert_eq!(out.rows.outbox, old.len());
    assert_eq!(
        (
            out.rows.dry_run_verdicts,
            out.rows.lapor_updates,
            out.rows.writebacks,
            out.rows.sla_alerts
        ),
        (3, 3, 3, 3)
    );
    assert!(out.rows.events >= 3, "{:?}", out.rows);

    for (&n, &id) in old.iter().zip(&old_ids) {
        let t = texts(&sql, id).join("\n");
        for p in personal(n) {
            assert!(!t.contains(&p), "record {n} still holds {p}:\n{t}");
        }
        for gone in ["Merdeka", "berlubang", "112.63"] {
            assert!(!t.contains(gone), "record {n} still holds {gone}:\n{t}");
        }
        let events = purged_events(&sql, id);
        assert_eq!(events.len(), 1, "record {n}: {events:?}");
        assert!(events[0].contains("365 days"), "{events:?}");
        let r = &sql.rows(
            "SELECT r.raw, r.personal_data_removed_at, o.state, r.local_id
             FROM records r JOIN outbox o ON o.record_id = r.id WHERE r.id = $1",
            &[&id],
        )[0];
        let raw: Value = serde_json::from_str(r.get(0)).unwrap();
        assert_eq!(
            raw["kategori"], "Jalan Rusak",
            "what the reports read stays"
        );
        assert_eq!(raw["opd"], "DPUPR");
        assert_eq!(raw["pelapor"]["nik"], REMOVED);
        assert!(r.get::<_, Option<String>>(1).is_some(), "record {n} marked");
        assert_eq!(r.get::<_, String>(3), n.to_string());
    }
    for n in [1, 2, 3] {
        let id = id_of(&sql, n);
        let u = &sql.rows(
            "SELECT tanggapan_isi, tanggapan_oleh, effect FROM lapor_updates WHERE record_id = $1",
            &[&id],
        )[0];
        assert_eq!(u.get::<_, String>(0), REMOVED, "the tanggapan text goes");
        assert_eq!(
            u.get::<_, String>(1),
            "Dinas PU",
            "the responding office stays"
        );
        assert_eq!(u.get::<_, String>(2), "status_tanggapan");
        let sla: String = sql.rows(
            "SELECT last_error FROM sla_alerts WHERE record_id = $1",
            &[&id],
        )[0]
        .get(0);
        assert_eq!(sla, REMOVED);
        let payload: String =
            sql.rows("SELECT payload FROM outbox WHERE record_id = $1", &[&id])[0].get(0);
        let payload: Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(
            (
                payload["instansi_id"].clone(),
                payload["kategori_id"].clone()
            ),
            (json!(7), json!(101))
        );
    }
    // The others: every byte as it was, no event, not marked.
    for (&n, before) in kept.iter().zip(&kept_before) {
        let id = id_of(&sql, n);
        assert_eq!(&texts(&sql, id), before, "record {n} was changed");
        assert!(purged_events(&sql, id).is_empty(), "record {n}");
        let marked: Option<String> = sql.rows(
            "SELECT personal_data_removed_at FROM records WHERE id = $1",
            &[&id],
        )[0]
        .get(0);
        assert_eq!(marked, None, "record {n}");
    }
    // The scrubbed tables were vacuumed.
    let vacuumed = || {
        sql.count(
            "SELECT count(*) FROM pg_stat_user_tables
             WHERE relname IN ('records', 'revisions', 'outbox', 'events', 'lapor_updates',
                               'writebacks', 'dry_run_verdicts', 'sla_alerts')
               AND last_vacuum IS NOT NULL",
            &[],
        )
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while vacuumed() < 8 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(vacuumed(), 8, "every scrubbed table vacuumed");

    // Nothing is left to purge; a purge of it changes nothing.
    let events = sql.count("SELECT count(*) FROM events", &[]);
    let again = plan(&store, &[], DAYS, now).unwrap();
    assert!(again.records.is_empty(), "{:?}", again.records);
    let out = execute(&store, &again).unwrap();
    assert_eq!((out.records, out.rows.rows(), out.compacted), (0, 0, false));
    assert_eq!(sql.count("SELECT count(*) FROM events", &[]), events);
    // A day later, record 4 is past the retention too, and only it.
    let later = plan(&store, &[], DAYS, now + days(1)).unwrap();
    assert_eq!(later.records, vec![id_of(&sql, 4)]);
}

/// A scrub on PostgreSQL writes what one on SQLite writes: the same function computes both.
#[test]
fn postgresql_scrubs_to_the_same_values_as_sqlite() {
    let now: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
    let at = time::db(now - days(400));
    let (_pg, url, pg) = store();
    let sql = Sql::connect(&url);
    let dir = tempfile::tempdir().unwrap();
    let lite = Store::open(&dir.path().join("s.db")).unwrap();
    for s in [&pg, &lite] {
        take(s, &[7], now - days(800));
    }
    sql.exec(
        "UPDATE records SET lapor_status = 'selesai', lapor_status_at = $1",
        &[&at],
    );
    let conn = rusqlite::Connection::open(dir.path().join("s.db")).unwrap();
    conn.execute(
        "UPDATE records SET lapor_status = 'selesai', lapor_status_at = ?1",
        [&at],
    )
    .unwrap();
    for s in [&pg, &lite] {
        let p = plan(s, &[], DAYS, now).unwrap();
        assert_eq!(p.records.len(), 1);
        assert_eq!(execute(s, &p).unwrap().records, 1);
    }
    let pg_rows: Vec<String> = sql
        .rows(
            "SELECT raw FROM records UNION ALL SELECT raw FROM revisions
             UNION ALL SELECT coalesce(notes, '') FROM outbox",
            &[],
        )
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut st = conn
        .prepare(
            "SELECT raw FROM records UNION ALL SELECT raw FROM revisions
             UNION ALL SELECT coalesce(notes, '') FROM outbox",
        )
        .unwrap();
    let lite_rows: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(pg_rows, lite_rows);
    assert!(!pg_rows.concat().contains(&nik(7)), "{pg_rows:?}");
    assert!(!pg_rows.concat().contains("0812"), "{pg_rows:?}");
}
