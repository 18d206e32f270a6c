use jiff::Timestamp;
use rusqlite::params;
use serde_json::json;

use super::*;
use crate::domain::RecordKey;
use crate::privacy::redact::is_personal_key;
use crate::store::testing::{intake_one, temp_store};

const NIK: &str = "3573012345670001";

fn raw() -> Value {
    json!({
        "id": 41,
        "kategori": "Jalan Rusak",
        "opd": "DPUPR",
        "tanggal": "2024-03-04T09:10:11+07:00",
        "judul": "Jalan berlubang",
        "isi": "Depan rumah saya, hubungi 0812-3456-7890",
        "pelapor": {"nama": "Budi Santoso", "nik": NIK, "hp": "0812-3456-7890",
                    "email": "budi@example.com"},
        "lokasi": {"alamat": "Jl. Merdeka 1", "lat": -7.98, "lon": 112.63},
        "lampiran": [{"url": "https://x/1.jpg"}]
    })
}

fn store_with_one() -> (tempfile::TempDir, Store, i64) {
    let (dir, store) = temp_store();
    let key = RecordKey::parse("sambat:41").unwrap();
    intake_one(&store, &key, &raw(), Timestamp::now());
    let id: i64 = store
        .with_conn(|c| c.query_row("SELECT id FROM records", [], |r| r.get(0)))
        .unwrap();
    let payload = json!({
        "id_eksternal": "sambat:41", "kanal": "sambat", "judul": "Jalan berlubang",
        "isi": "hubungi 0812-3456-7890", "kategori_id": 101, "instansi_id": 7,
        "anonim": false, "rahasia": false, "lampiran": [],
        "pelapor": {"nama": "Budi Santoso", "nik": NIK, "telepon": "+6281234567890",
                    "email": "budi@example.com"},
        "waktu_lapor": "2024-03-04T02:10:11Z"
    });
    store
        .with_conn(|c| {
            c.execute(
                "UPDATE outbox SET state = 'forwarded', payload = ?2,
                     last_error = 'LAPOR! said: telepon 6281234567890 tidak valid'
                 WHERE record_id = ?1",
                params![id, payload.to_string()],
            )?;
            c.execute(
                "INSERT INTO events (record_id, at, kind, detail)
                 VALUES (?1, '2024-03-04T02:10:11.000Z', 'note', 'from Budi Santoso, 812 3456 7890')",
                params![id],
            )?;
            c.execute(
                "INSERT INTO revisions (record_id, revision, raw, content_hash, received_at, sent)
                 VALUES (?1, 2, ?2, 'h2', '2024-03-05T00:00:00.000Z', 0)",
                params![id, raw().to_string()],
            )?;
            c.execute(
                "INSERT INTO dry_run_verdicts (record_id, revision, verdict, payload, reasons,
                     notes, checked_at)
                 VALUES (?1, 1, 'invalid', ?2,
                     '[{\"field\":\"pelapor.nik\",\"message\":\"3573012345670001 is not 16\"}]',
                     '[\"phone 0812-3456-7890 normalised\"]', '2024-03-04T02:10:11.000Z')",
                params![id, payload.to_string()],
            )?;
            c.execute(
                "INSERT INTO lapor_updates (id_pembaruan, record_id, tracking_id, status,
                     tanggapan_isi, tanggapan_oleh, waktu, effective_at, content_key, effect,
                     source, received_at)
                 VALUES ('u1', ?1, 'LAPOR-1', 'selesai', 'Bapak Budi Santoso (081234567890), jalan sudah diperbaiki',
                     'Dinas PU', '2024-03-06T00:00:00.000Z', '2024-03-06T00:00:00.000Z', 'k',
                     'status_tanggapan', 'feed', '2024-03-06T00:00:00.000Z')",
                params![id],
            )?;
            let update: i64 = c.last_insert_rowid();
            c.execute(
                "INSERT INTO writebacks (record_id, update_id, channel, state, lapor_status,
                     next_attempt_at, last_error, outcome, created_at)
                 VALUES (?1, ?2, 'sambat', 'done', 'selesai', '2024-03-06T00:00:00.000Z',
                     'HTTP 400: hp 0812-3456-7890 unknown', '{\"pesan\":\"ok, Budi Santoso\"}',
                     '2024-03-06T00:00:00.000Z')",
                params![id, update],
            )
        })
        .unwrap();
    (dir, store, id)
}

fn all_text(store: &Store) -> String {
    store
        .with_conn(|c| {
            let mut s = String::new();
            for sql in [
                "SELECT raw FROM records",
                "SELECT raw FROM revisions",
                "SELECT COALESCE(payload,'') || COALESCE(last_error,'') FROM outbox",
                "SELECT COALESCE(detail,'') FROM events",
                "SELECT COALESCE(payload,'') || reasons || notes FROM dry_run_verdicts",
                "SELECT COALESCE(tanggapan_isi,'') || COALESCE(tanggapan_oleh,'') FROM lapor_updates",
                "SELECT COALESCE(last_error,'') || COALESCE(outcome,'') FROM writebacks",
            ] {
                let mut st = c.prepare(sql)?;
                let rows = st.query_map([], |r| r.get::<_, String>(0))?;
                for r in rows {
                    s.push_str(&r?);
                    s.push('\n');
                }
            }
            Ok(s)
        })
        .unwrap()
}

#[test]
fn scrub_removes_identity_everywhere_and_keeps_what_reports_read() {
    let (_dir, store, id) = store_with_one();
    let before = all_text(&store);
    assert!(before.contains(NIK) && before.contains("Budi"));
    let counts = store.with_tx(|tx| scrub_record(tx, id)).unwrap();
    assert_eq!(counts.records, 1);
    assert_eq!(counts.revisions, 2, "intake's revision 1 and the one added");
    assert_eq!(counts.outbox, 1);
    assert!(counts.events >= 1);
    assert_eq!(
        (
            counts.dry_run_verdicts,
            counts.lapor_updates,
            counts.writebacks
        ),
        (1, 1, 1)
    );
    let after = all_text(&store);
    for gone in [
        NIK,
        "Budi",
        "3456",
        "budi@example.com",
        "Merdeka",
        "berlubang",
        "1.jpg",
        "112.63",
    ] {
        assert!(!after.contains(gone), "{gone} still stored:\n{after}");
    }
    let (raw, payload, removed_at): (String, String, Option<String>) = store
        .with_conn(|c| {
            c.query_row(
                "SELECT r.raw, o.payload, r.personal_data_removed_at
                 FROM records r JOIN outbox o ON o.record_id = r.id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
        })
        .unwrap();
    assert!(removed_at.is_some());
    assert!(
        after.contains("Dinas PU"),
        "the responding office stays:\n{after}"
    );
    assert!(!after.contains("diperbaiki"), "the tanggapan text goes");
    let raw: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(raw["kategori"], "Jalan Rusak");
    assert_eq!(raw["opd"], "DPUPR");
    assert_eq!(raw["tanggal"], "2024-03-04T09:10:11+07:00");
    assert_eq!(raw["id"], 41);
    assert_eq!(raw["pelapor"]["nik"], REMOVED);
    let payload: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["instansi_id"], 7);
    assert_eq!(payload["kategori_id"], 101);
    assert_eq!(payload["kanal"], "sambat");
    assert_eq!(payload["waktu_lapor"], "2024-03-04T02:10:11Z");
    // Scrubbing again changes nothing more and keeps the first time.
    let again = store.with_tx(|tx| scrub_record(tx, id)).unwrap();
    assert_eq!(again.records, 1);
    assert_eq!(all_text(&store), after);
}

#[test]
fn an_unknown_record_is_not_found() {
    let (_dir, store) = temp_store();
    let err = store.with_tx(|tx| scrub_record(tx, 99)).unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
}

#[test]
fn text_scrub_takes_numbers_and_addresses_but_not_dates_or_ids() {
    let n = Needles::default();
    assert_eq!(
        scrub_text("call +62 812-3456-7890 now", &n),
        format!("call {REMOVED} now")
    );
    assert_eq!(scrub_text(NIK, &n), REMOVED);
    assert_eq!(
        scrub_text("mail a.b@kota.go.id.", &n),
        format!("mail {REMOVED}")
    );
    let kept = "2024-03-04T02:10:11.000Z LAPOR-000123 sambat:41 HTTP 422";
    assert_eq!(scrub_text(kept, &n), kept);
    let mut n = Needles::default();
    n.add("Siti Aminah");
    n.add("0341-123456");
    let n = n.sorted();
    assert_eq!(
        scrub_text("SITI AMINAH, +62341123456", &n),
        format!("{REMOVED}, {REMOVED}")
    );
}

#[test]
fn personal_keys_by_word() {
    for k in [
        "nama",
        "namaPelapor",
        "no_hp",
        "nomor-telepon",
        "NIK",
        "email",
        "isi_laporan",
    ] {
        assert!(is_personal_key(k), "{k}");
    }
    for k in [
        "kategori",
        "instansi_id",
        "opd",
        "tanggal",
        "status",
        "waktu_lapor",
        "id",
    ] {
        assert!(!is_personal_key(k), "{k}");
    }
}

/// The store's files after a compaction: an empty WAL, and none of the record's identity.
fn assert_gone_from_the_files(dir: &tempfile::TempDir) {
    let db = std::fs::read(dir.path().join("test.db")).unwrap();
    let wal = std::fs::read(dir.path().join("test.db-wal")).unwrap_or_default();
    assert!(wal.is_empty(), "WAL holds {} bytes", wal.len());
    let hay = String::from_utf8_lossy(&db);
    assert!(!hay.contains(NIK), "the NIK is still in the file");
    assert!(!hay.contains("Budi Santoso"));
    assert!(!hay.contains("0812-3456-7890"));
}

#[test]
fn compact_leaves_an_empty_wal_and_no_removed_bytes_in_the_file() {
    let (dir, store, id) = store_with_one();
    store.with_tx(|tx| scrub_record(tx, id)).unwrap();
    compact(&store).unwrap();
    assert_gone_from_the_files(&dir);
}

#[test]
fn after_the_first_rebuild_a_compaction_without_vacuum_still_leaves_no_removed_bytes() {
    let (dir, store, id) = store_with_one();
    compact(&store).unwrap();
    assert!(store.setting(VACUUMED_KEY).unwrap().is_some());
    store.with_tx(|tx| scrub_record(tx, id)).unwrap();
    compact(&store).unwrap();
    assert_gone_from_the_files(&dir);
}
