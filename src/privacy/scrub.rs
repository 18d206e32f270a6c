//! Removing one record's personal data from every table, and compacting the store so the
//! removed bytes are gone from the file and its WAL, not only from the rows.
//!
//! What goes: the reporter's identity (name, NIK, phone, e-mail), address and location, and
//! personal free text (judul, isi, attachments, LAPOR!'s tanggapan text) in `records.raw`,
//! `revisions.raw`, the outbox (payload, problems, notes, errors), events, dry-run verdicts,
//! LAPOR! updates, write-backs and SLA alerts. What stays: times, statuses, channel, local
//! id, tracking id, kategori and instansi (OPD) ids — what the reports and the SLA watch read
//! — and the content hash, so a channel re-sending the same record does not store it again.
//!
//! Values are removed twice over: by key (any JSON field whose name says name, NIK, phone,
//! address, text …) and by value (every spelling of the record's own NIK, phone, e-mail and
//! name, and any run of 10 or more digits or e-mail address, wherever it is quoted).

use rusqlite::{params, Transaction};
use serde_json::Value;

pub use super::redact::REMOVED;
use super::redact::{scrub_stored, scrub_text, Needles};
use crate::store::{Store, StoreError};

/// Rows rewritten per table for one record (or summed over many).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ScrubCounts {
    pub records: usize,
    pub revisions: usize,
    pub outbox: usize,
    pub events: usize,
    pub dry_run_verdicts: usize,
    pub lapor_updates: usize,
    pub writebacks: usize,
    pub sla_alerts: usize,
}

impl ScrubCounts {
    pub fn add(&mut self, o: &ScrubCounts) {
        self.records += o.records;
        self.revisions += o.revisions;
        self.outbox += o.outbox;
        self.events += o.events;
        self.dry_run_verdicts += o.dry_run_verdicts;
        self.lapor_updates += o.lapor_updates;
        self.writebacks += o.writebacks;
        self.sla_alerts += o.sla_alerts;
    }

    pub fn rows(&self) -> usize {
        self.records
            + self.revisions
            + self.outbox
            + self.events
            + self.dry_run_verdicts
            + self.lapor_updates
            + self.writebacks
            + self.sla_alerts
    }
}

fn scrub_opt(s: Option<String>, needles: &Needles) -> Option<String> {
    s.map(|s| scrub_stored(&s, needles))
}

/// Removes record `record_id`'s personal data from every table and marks it
/// (`records.personal_data_removed_at`). Idempotent; `NotFound` for an unknown id.
pub fn scrub_record(tx: &Transaction, record_id: i64) -> Result<ScrubCounts, StoreError> {
    let mut counts = ScrubCounts::default();
    let raw: Option<String> = {
        use rusqlite::OptionalExtension;
        tx.prepare_cached("SELECT raw FROM records WHERE id = ?1")?
            .query_row([record_id], |r| r.get(0))
            .optional()?
    };
    let Some(raw) = raw else {
        return Err(StoreError::NotFound(format!("id {record_id}")));
    };

    // The identity values first, from everything that may hold them.
    let mut needles = Needles::default();
    let mut sources = vec![raw.clone()];
    for sql in [
        "SELECT raw FROM revisions WHERE record_id = ?1",
        "SELECT payload FROM outbox WHERE record_id = ?1 AND payload IS NOT NULL",
        "SELECT payload FROM dry_run_verdicts WHERE record_id = ?1 AND payload IS NOT NULL",
    ] {
        let mut st = tx.prepare_cached(sql)?;
        let rows = st.query_map([record_id], |r| r.get::<_, String>(0))?;
        for row in rows {
            sources.push(row?);
        }
    }
    for s in &sources {
        if let Ok(v) = serde_json::from_str::<Value>(s) {
            needles.collect(&v);
        }
    }
    let needles = needles.sorted();

    let now = crate::time::db(jiff::Timestamp::now());
    counts.records = exec(
        tx,
        "UPDATE records SET raw = ?2,
             personal_data_removed_at = COALESCE(personal_data_removed_at, ?3)
         WHERE id = ?1",
        params![record_id, scrub_stored(&raw, &needles), now],
    )?;

    // Revisions.
    let revs: Vec<(i64, String)> = collect(
        tx,
        "SELECT id, raw FROM revisions WHERE record_id = ?1",
        record_id,
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (id, raw) in revs {
        counts.revisions += exec(
            tx,
            "UPDATE revisions SET raw = ?2 WHERE id = ?1",
            params![id, scrub_stored(&raw, &needles)],
        )?;
    }

    // The outbox row.
    type OutboxRow = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let outbox: Vec<OutboxRow> = collect(
        tx,
        "SELECT payload, problems, notes, last_error, divergence FROM outbox
         WHERE record_id = ?1",
        record_id,
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    for (payload, problems, notes, last_error, divergence) in outbox {
        counts.outbox += exec(
            tx,
            "UPDATE outbox SET payload = ?2, problems = ?3, notes = ?4, last_error = ?5,
                 divergence = ?6
             WHERE record_id = ?1",
            params![
                record_id,
                scrub_opt(payload, &needles),
                scrub_opt(problems, &needles),
                scrub_opt(notes, &needles),
                scrub_opt(last_error, &needles),
                scrub_opt(divergence, &needles)
            ],
        )?;
    }

    // Events.
    let events: Vec<(i64, Option<String>)> = collect(
        tx,
        "SELECT id, detail FROM events WHERE record_id = ?1 AND detail IS NOT NULL",
        record_id,
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (id, detail) in events {
        counts.events += exec(
            tx,
            "UPDATE events SET detail = ?2 WHERE id = ?1",
            params![id, scrub_opt(detail, &needles)],
        )?;
    }

    // Dry-run verdicts.
    let verdicts: Vec<(i64, Option<String>, String, String)> = collect(
        tx,
        "SELECT id, payload, reasons, notes FROM dry_run_verdicts WHERE record_id = ?1",
        record_id,
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    for (id, payload, reasons, notes) in verdicts {
        counts.dry_run_verdicts += exec(
            tx,
            "UPDATE dry_run_verdicts SET payload = ?2, reasons = ?3, notes = ?4 WHERE id = ?1",
            params![
                id,
                scrub_opt(payload, &needles),
                scrub_stored(&reasons, &needles),
                scrub_stored(&notes, &needles)
            ],
        )?;
    }

    // LAPOR!'s updates: the tanggapan text may quote the reporter; whether there was one
    // (the response-rate figures) is in `effect`, which stays.
    let updates: Vec<(i64, Option<String>, Option<String>)> = collect(
        tx,
        "SELECT id, tanggapan_isi, tanggapan_oleh FROM lapor_updates WHERE record_id = ?1",
        record_id,
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    for (id, isi, oleh) in updates {
        counts.lapor_updates += exec(
            tx,
            "UPDATE lapor_updates SET tanggapan_isi = ?2, tanggapan_oleh = ?3 WHERE id = ?1",
            params![
                id,
                isi.map(|_| REMOVED.to_owned()),
                oleh.map(|o| scrub_text(&o, &needles))
            ],
        )?;
    }

    // Write-backs (their outcome and errors may quote the channel's answer).
    let wbs: Vec<(i64, Option<String>, Option<String>)> = collect(
        tx,
        "SELECT id, last_error, outcome FROM writebacks WHERE record_id = ?1",
        record_id,
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    for (id, last_error, outcome) in wbs {
        counts.writebacks += exec(
            tx,
            "UPDATE writebacks SET last_error = ?2, outcome = ?3 WHERE id = ?1",
            params![
                id,
                scrub_opt(last_error, &needles),
                scrub_opt(outcome, &needles)
            ],
        )?;
    }

    counts.sla_alerts += exec(
        tx,
        "UPDATE sla_alerts SET last_error = ?2 WHERE record_id = ?1 AND last_error IS NOT NULL",
        params![record_id, REMOVED],
    )?;
    Ok(counts)
}

fn collect<T>(
    tx: &Transaction,
    sql: &str,
    record_id: i64,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut st = tx.prepare_cached(sql)?;
    let rows = st.query_map([record_id], f)?;
    Ok(rows.collect::<rusqlite::Result<Vec<T>>>()?)
}

/// Through the statement cache: a purge runs these for every record of a batch.
fn exec(tx: &Transaction, sql: &str, p: impl rusqlite::Params) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql)?.execute(p)
}

/// Set once the store has been rebuilt by `VACUUM` with secure delete on.
pub const VACUUMED_KEY: &str = "privacy.vacuumed_with_secure_delete";

/// Makes removed data unrecoverable from the files. Every connection of the store has secure
/// delete on (`Store::open`), so what a scrub removes is zeroed in its pages as it is written;
/// checkpointing the WAL into the database and truncating it leaves it nowhere else. Content
/// removed before secure delete was on (a store from an older version) may still sit in free
/// space, so the first compaction also rebuilds the file with `VACUUM`, once: a daily one
/// would rewrite a store of 300k complaints (1 GB, as much again in WAL) to drop one day's.
/// Fails if another connection's read keeps the WAL from being truncated (then run it again
/// once that reader is done).
pub fn compact(store: &Store) -> Result<(), StoreError> {
    let busy = store.with_write_conn(|c| {
        c.pragma_update(None, "secure_delete", true)?;
        checkpoint(c)?;
        let vacuumed = c
            .prepare_cached("SELECT 1 FROM settings WHERE key = ?1")?
            .exists([VACUUMED_KEY])?;
        if !vacuumed {
            c.execute_batch("VACUUM")?;
            c.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                [VACUUMED_KEY, &crate::time::db(jiff::Timestamp::now())],
            )?;
        }
        checkpoint(c)
    })?;
    if busy {
        return Err(StoreError::Invalid(
            "the store's WAL could not be truncated: another process is reading the store; \
             the removed data is gone from the rows and will leave the WAL at the next \
             checkpoint; run `lapor-bridge privacy purge` again to compact now"
                .into(),
        ));
    }
    Ok(())
}

/// `PRAGMA wal_checkpoint(TRUNCATE)`; true when a reader kept it from completing.
fn checkpoint(c: &rusqlite::Connection) -> rusqlite::Result<bool> {
    let busy: i64 = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    Ok(busy != 0)
}

#[cfg(test)]
#[path = "scrub_tests.rs"]
mod tests;
