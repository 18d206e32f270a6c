//! The retention purge's reads and writes (`privacy::purge`), on either store: the SQLite
//! store's through `privacy::scrub`, the PostgreSQL store's in `purge_postgres`. Both
//! rewrite the values with the same `privacy::scrub::RecordText::scrubbed`.

use jiff::Timestamp;
use rusqlite::params;

use crate::privacy::scrub::{compact, scrub_record, ScrubCounts};
use crate::store::{Result, Store};
use crate::wire::lapor::status;

/// LAPOR!'s final statuses (`selesai`, `ditolak`, `diarsipkan`).
fn finals() -> Vec<&'static str> {
    status::ALL
        .iter()
        .copied()
        .filter(|s| status::is_final(s))
        .collect()
}

impl Store {
    /// Records whose personal data the purge removes: LAPOR! status final since at or before
    /// `cutoff`, not yet scrubbed; by id.
    pub fn purge_qualifying(&self, cutoff: Timestamp) -> Result<Vec<i64>> {
        if let Some(pg) = self.pg() {
            return pg.purge_qualifying(&finals(), cutoff);
        }
        let list = crate::store::json(&finals());
        self.with_conn(|c| {
            let mut st = c.prepare(
                "SELECT id FROM records
                 WHERE personal_data_removed_at IS NULL
                   AND lapor_status IN (SELECT value FROM json_each(?1))
                   AND lapor_status_at IS NOT NULL AND lapor_status_at <= ?2
                 ORDER BY id",
            )?;
            let rows = st.query_map(params![list, crate::time::db(cutoff)], |r| r.get(0))?;
            rows.collect()
        })
    }

    /// Scrubs the records `ids` in one transaction, each with a `personal_data_purged` event
    /// carrying `detail`. Returns how many records were scrubbed (on PostgreSQL, one another
    /// replica scrubbed meanwhile is skipped) and the rows rewritten.
    pub fn purge_batch(
        &self,
        ids: &[i64],
        detail: &str,
        now: Timestamp,
    ) -> Result<(usize, ScrubCounts)> {
        if let Some(pg) = self.pg() {
            return pg.purge_batch(ids, detail, now);
        }
        self.with_tx(|tx| {
            let mut sum = ScrubCounts::default();
            let at = crate::time::db(now);
            for &id in ids {
                sum.add(&scrub_record(tx, id)?);
                tx.execute(
                    "INSERT INTO events (record_id, at, kind, detail)
                     VALUES (?1, ?2, 'personal_data_purged', ?3)",
                    params![id, at, detail],
                )?;
            }
            Ok((ids.len(), sum))
        })
    }

    /// After a purge that scrubbed something: on SQLite, [`compact`] (the removed bytes leave
    /// the file and its WAL); on PostgreSQL, `VACUUM` of the scrubbed tables, which frees the
    /// dead row versions but does not overwrite them (`PgStore::vacuum_after_purge`).
    pub fn compact_after_purge(&self) -> Result<()> {
        if let Some(pg) = self.pg() {
            return pg.vacuum_after_purge();
        }
        compact(self)
    }
}
