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

fn scrub_opt(s: &Option<String>, needles: &Needles) -> Option<String> {
    s.as_deref().map(|s| scrub_stored(s, needles))
}

/// One record's stored values that may hold personal data, as either store reads them (each
/// row with its id): what [`RecordText::scrubbed`] rewrites. The SQL that reads and writes
/// them is the store's (here for SQLite, `store::postgres::privacy` for PostgreSQL); what a
/// value becomes is decided here only, so both stores remove the same.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordText {
    pub raw: String,
    /// `(id, raw)`.
    pub revisions: Vec<(i64, String)>,
    /// The record's outbox row (at most one).
    pub outbox: Vec<OutboxText>,
    /// `(id, detail)`, events with a detail only.
    pub events: Vec<(i64, String)>,
    pub dry_run_verdicts: Vec<VerdictText>,
    pub lapor_updates: Vec<UpdateText>,
    pub writebacks: Vec<WritebackText>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxText {
    pub payload: Option<String>,
    pub problems: Option<String>,
    pub notes: Option<String>,
    pub last_error: Option<String>,
    pub divergence: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerdictText {
    pub id: i64,
    pub payload: Option<String>,
    pub reasons: String,
    pub notes: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateText {
    pub id: i64,
    pub tanggapan_isi: Option<String>,
    pub tanggapan_oleh: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WritebackText {
    pub id: i64,
    pub last_error: Option<String>,
    pub outcome: Option<String>,
}

impl RecordText {
    /// The record's own identity values, from everything that may hold them: the raw
    /// payload, its revisions, and the mapped payloads of the outbox and the dry-run verdicts.
    fn needles(&self) -> Needles {
        let mut needles = Needles::default();
        let sources = std::iter::once(&self.raw)
            .chain(self.revisions.iter().map(|(_, raw)| raw))
            .chain(self.outbox.iter().filter_map(|o| o.payload.as_ref()))
            .chain(
                self.dry_run_verdicts
                    .iter()
                    .filter_map(|v| v.payload.as_ref()),
            );
        for s in sources {
            if let Ok(v) = serde_json::from_str::<Value>(s) {
                needles.collect(&v);
            }
        }
        needles.sorted()
    }

    /// The same rows with the personal data removed, for the store to write back by id.
    pub fn scrubbed(&self) -> RecordText {
        let n = &self.needles();
        RecordText {
            raw: scrub_stored(&self.raw, n),
            revisions: self
                .revisions
                .iter()
                .map(|(id, raw)| (*id, scrub_stored(raw, n)))
                .collect(),
            outbox: self
                .outbox
                .iter()
                .map(|o| OutboxText {
                    payload: scrub_opt(&o.payload, n),
                    problems: scrub_opt(&o.problems, n),
                    notes: scrub_opt(&o.notes, n),
                    last_error: scrub_opt(&o.last_error, n),
                    divergence: scrub_opt(&o.divergence, n),
                })
                .collect(),
            events: self
                .events
                .iter()
                .map(|(id, detail)| (*id, scrub_stored(detail, n)))
                .collect(),
            dry_run_verdicts: self
                .dry_run_verdicts
                .iter()
                .map(|v| VerdictText {
                    id: v.id,
                    payload: scrub_opt(&v.payload, n),
                    reasons: scrub_stored(&v.reasons, n),
                    notes: scrub_stored(&v.notes, n),
                })
                .collect(),
            // LAPOR!'s updates: the tanggapan text may quote the reporter; whether there was
            // one (the response-rate figures) is in `effect`, which stays.
            lapor_updates: self
                .lapor_updates
                .iter()
                .map(|u| UpdateText {
                    id: u.id,
                    tanggapan_isi: u.tanggapan_isi.as_ref().map(|_| REMOVED.to_owned()),
                    tanggapan_oleh: u.tanggapan_oleh.as_deref().map(|o| scrub_text(o, n)),
                })
                .collect(),
            // Write-backs (their outcome and errors may quote the channel's answer).
            writebacks: self
                .writebacks
                .iter()
                .map(|w| WritebackText {
                    id: w.id,
                    last_error: scrub_opt(&w.last_error, n),
                    outcome: scrub_opt(&w.outcome, n),
                })
                .collect(),
        }
    }
}

/// What an SLA alert's `last_error` becomes (it may quote the chat's answer): the rows are
/// not read, every error goes.
pub const SLA_ALERT_ERROR: &str = REMOVED;

/// Record `record_id`'s values that a scrub rewrites, from the SQLite store; `None` for an
/// unknown id.
fn read(tx: &Transaction, record_id: i64) -> Result<Option<RecordText>, StoreError> {
    let raw: Option<String> = {
        use rusqlite::OptionalExtension;
        tx.prepare_cached("SELECT raw FROM records WHERE id = ?1")?
            .query_row([record_id], |r| r.get(0))
            .optional()?
    };
    let Some(raw) = raw else {
        return Ok(None);
    };
    Ok(Some(RecordText {
        raw,
        revisions: collect(
            tx,
            "SELECT id, raw FROM revisions WHERE record_id = ?1",
            record_id,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?,
        outbox: collect(
            tx,
            "SELECT payload, problems, notes, last_error, divergence FROM outbox
             WHERE record_id = ?1",
            record_id,
            |r| {
                Ok(OutboxText {
                    payload: r.get(0)?,
                    problems: r.get(1)?,
                    notes: r.get(2)?,
                    last_error: r.get(3)?,
                    divergence: r.get(4)?,
                })
            },
        )?,
        events: collect(
            tx,
            "SELECT id, detail FROM events WHERE record_id = ?1 AND detail IS NOT NULL",
            record_id,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?,
        dry_run_verdicts: collect(
            tx,
            "SELECT id, payload, reasons, notes FROM dry_run_verdicts WHERE record_id = ?1",
            record_id,
            |r| {
                Ok(VerdictText {
                    id: r.get(0)?,
                    payload: r.get(1)?,
                    reasons: r.get(2)?,
                    notes: r.get(3)?,
                })
            },
        )?,
        lapor_updates: collect(
            tx,
            "SELECT id, tanggapan_isi, tanggapan_oleh FROM lapor_updates WHERE record_id = ?1",
            record_id,
            |r| {
                Ok(UpdateText {
                    id: r.get(0)?,
                    tanggapan_isi: r.get(1)?,
                    tanggapan_oleh: r.get(2)?,
                })
            },
        )?,
        writebacks: collect(
            tx,
            "SELECT id, last_error, outcome FROM writebacks WHERE record_id = ?1",
            record_id,
            |r| {
                Ok(WritebackText {
                    id: r.get(0)?,
                    last_error: r.get(1)?,
                    outcome: r.get(2)?,
                })
            },
        )?,
    }))
}

/// Removes record `record_id`'s personal data from every table of the SQLite store and marks
/// it (`records.personal_data_removed_at`). Idempotent; `NotFound` for an unknown id. The
/// PostgreSQL store's is `PgStore::scrub_record` (`store::postgres::privacy`).
pub fn scrub_record(tx: &Transaction, record_id: i64) -> Result<ScrubCounts, StoreError> {
    let Some(text) = read(tx, record_id)? else {
        return Err(StoreError::NotFound(format!("id {record_id}")));
    };
    let s = text.scrubbed();
    let mut counts = ScrubCounts::default();
    let now = crate::time::db(jiff::Timestamp::now());
    counts.records = exec(
        tx,
        "UPDATE records SET raw = ?2,
             personal_data_removed_at = COALESCE(personal_data_removed_at, ?3)
         WHERE id = ?1",
        params![record_id, s.raw, now],
    )?;
    for (id, raw) in &s.revisions {
        counts.revisions += exec(
            tx,
            "UPDATE revisions SET raw = ?2 WHERE id = ?1",
            params![id, raw],
        )?;
    }
    for o in &s.outbox {
        counts.outbox += exec(
            tx,
            "UPDATE outbox SET payload = ?2, problems = ?3, notes = ?4, last_error = ?5,
                 divergence = ?6
             WHERE record_id = ?1",
            params![
                record_id,
                o.payload,
                o.problems,
                o.notes,
                o.last_error,
                o.divergence
            ],
        )?;
    }
    for (id, detail) in &s.events {
        counts.events += exec(
            tx,
            "UPDATE events SET detail = ?2 WHERE id = ?1",
            params![id, detail],
        )?;
    }
    for v in &s.dry_run_verdicts {
        counts.dry_run_verdicts += exec(
            tx,
            "UPDATE dry_run_verdicts SET payload = ?2, reasons = ?3, notes = ?4 WHERE id = ?1",
            params![v.id, v.payload, v.reasons, v.notes],
        )?;
    }
    for u in &s.lapor_updates {
        counts.lapor_updates += exec(
            tx,
            "UPDATE lapor_updates SET tanggapan_isi = ?2, tanggapan_oleh = ?3 WHERE id = ?1",
            params![u.id, u.tanggapan_isi, u.tanggapan_oleh],
        )?;
    }
    for w in &s.writebacks {
        counts.writebacks += exec(
            tx,
            "UPDATE writebacks SET last_error = ?2, outcome = ?3 WHERE id = ?1",
            params![w.id, w.last_error, w.outcome],
        )?;
    }
    counts.sla_alerts += exec(
        tx,
        "UPDATE sla_alerts SET last_error = ?2 WHERE record_id = ?1 AND last_error IS NOT NULL",
        params![record_id, SLA_ALERT_ERROR],
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
