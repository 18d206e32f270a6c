//! PROVISIONAL: replaced by PURGE's at merge
//!
//! A minimal stand-in for PURGE's scrub primitive, with the agreed signatures, so that
//! `erase` compiles and its tests run in the ACCESS tree: it keeps only the non-personal
//! fields of the raw payloads and clears the sent/checked payloads and response texts.

use rusqlite::{params, Transaction};

use crate::store::{Store, StoreError};

/// What one scrub changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScrubCounts {
    pub rows: usize,
}

/// The raw fields that are not personal data (SAMBAT's non-personal fields).
const KEEP: [&str; 10] = [
    "id",
    "kategori",
    "opd",
    "kecamatan",
    "kelurahan",
    "anonim",
    "rahasia",
    "dibuat",
    "diperbarui",
    "status",
];

fn keep_only(raw: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(raw).unwrap_or(serde_json::Value::Null);
    let mut out = serde_json::Map::new();
    if let Some(obj) = v.as_object() {
        for k in KEEP {
            if let Some(x) = obj.get(k) {
                out.insert(k.to_owned(), x.clone());
            }
        }
    }
    serde_json::Value::Object(out).to_string()
}

/// Removes the record's personal data from every table.
pub fn scrub_record(tx: &Transaction<'_>, record_id: i64) -> Result<ScrubCounts, StoreError> {
    let mut rows = 0;
    let raw: String = tx.query_row("SELECT raw FROM records WHERE id = ?1", [record_id], |r| {
        r.get(0)
    })?;
    rows += tx.execute(
        "UPDATE records SET raw = ?2 WHERE id = ?1",
        params![record_id, keep_only(&raw)],
    )?;
    let revs: Vec<(i64, String)> = tx
        .prepare("SELECT id, raw FROM revisions WHERE record_id = ?1")?
        .query_map([record_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, raw) in revs {
        rows += tx.execute(
            "UPDATE revisions SET raw = ?2 WHERE id = ?1",
            params![id, keep_only(&raw)],
        )?;
    }
    rows += tx.execute(
        "UPDATE outbox SET payload = NULL WHERE record_id = ?1",
        [record_id],
    )?;
    rows += tx.execute(
        "UPDATE dry_run_verdicts SET payload = NULL WHERE record_id = ?1",
        [record_id],
    )?;
    rows += tx.execute(
        "UPDATE lapor_updates SET tanggapan_isi = NULL WHERE record_id = ?1",
        [record_id],
    )?;
    Ok(ScrubCounts { rows })
}

/// WAL checkpoint (TRUNCATE) and VACUUM: the removed bytes leave the file and the WAL.
pub fn compact(store: &Store) -> Result<(), StoreError> {
    store.with_conn(|c| {
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
    })
}
