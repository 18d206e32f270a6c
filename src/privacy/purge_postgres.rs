//! The retention purge on the PostgreSQL store (`privacy::purge` and `privacy::scrub` of the
//! SQLite store): the records that qualify, and one batch of them scrubbed in one
//! transaction. Only the SQL is here: what each stored value becomes is
//! [`RecordText::scrubbed`], the same function the SQLite store's `scrub_record` uses. A batch
//! is read with one query per table and written back with one `UPDATE … FROM unnest(…)` per
//! table, so a batch of 200 records costs a score of round trips, not thousands.

use std::collections::BTreeMap;

use jiff::Timestamp;
use tokio_postgres::Transaction;

use crate::privacy::scrub::{
    OutboxText, RecordText, ScrubCounts, UpdateText, VerdictText, WritebackText, SLA_ALERT_ERROR,
};
use crate::store::postgres::{PgStore, Result};
use crate::time;

/// Every table a scrub rewrites, for `VACUUM`.
const SCRUBBED_TABLES: &str =
    "records, revisions, outbox, events, dry_run_verdicts, lapor_updates, writebacks, sla_alerts";

impl PgStore {
    /// Records not yet scrubbed whose LAPOR! status is one of `finals` since at or before
    /// `cutoff`, by id.
    pub fn purge_qualifying(
        &self,
        finals: &[&str],
        cutoff: Timestamp,
    ) -> crate::store::Result<Vec<i64>> {
        let c = self.client()?;
        self.wait(async {
            let rows = c
                .query(
                    "SELECT id FROM records
                     WHERE personal_data_removed_at IS NULL
                       AND lapor_status = ANY($1)
                       AND lapor_status_at IS NOT NULL AND lapor_status_at <= $2
                     ORDER BY id",
                    &[&finals, &time::db(cutoff)],
                )
                .await?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }

    /// Scrubs the records `ids` and gives each a `personal_data_purged` event with `detail`,
    /// in one transaction. The records are locked first, in id order; one another replica
    /// scrubbed meanwhile (a purge that outlived its lease) is left out, so it gets no
    /// second event. Returns how many were scrubbed, and the rows rewritten.
    pub fn purge_batch(
        &self,
        ids: &[i64],
        detail: &str,
        now: Timestamp,
    ) -> crate::store::Result<(usize, ScrubCounts)> {
        let mut c = self.client()?;
        self.wait(async {
            let tx = c.transaction().await?;
            let texts = read(&tx, ids).await?;
            let scrubbed: BTreeMap<i64, RecordText> =
                texts.iter().map(|(id, t)| (*id, t.scrubbed())).collect();
            let counts = write(&tx, &scrubbed, now).await?;
            let done: Vec<i64> = scrubbed.keys().copied().collect();
            tx.execute(
                "INSERT INTO events (record_id, at, kind, detail)
                 SELECT u.id, $2, 'personal_data_purged', $3
                 FROM unnest($1::bigint[]) WITH ORDINALITY AS u(id, n) ORDER BY u.n",
                &[&done, &time::db(now), &detail],
            )
            .await?;
            tx.commit().await?;
            Ok((done.len(), counts))
        })
    }

    /// After a purge: `VACUUM` of the tables a scrub rewrites, outside any transaction
    /// (`VACUUM` cannot run in one). What it guarantees: the row versions the scrub left
    /// dead (PostgreSQL writes an UPDATE as a new row version; the old one, with the personal
    /// data, stays in the table's file until vacuumed) are removed from the tables and their
    /// indexes and TOAST tables, so the space is free for new rows and no query, backup by
    /// `pg_dump` or tool reading live rows can return them. What it does not: the bytes are
    /// not overwritten, only marked reusable, so they stay in the data files until new rows
    /// take their place; they also stay in WAL segments not yet recycled, in a WAL archive,
    /// in base backups and on replicas' disks; and a row version an older transaction still
    /// sees (a long-running one on any replica) is kept until a later (auto)vacuum.
    /// `VACUUM FULL` would rewrite the tables into new files, but holds an ACCESS EXCLUSIVE
    /// lock on each while it does, stopping intake, forwarding and sync on every replica: not
    /// for a daily run (an operator may run it in a maintenance window).
    pub fn vacuum_after_purge(&self) -> crate::store::Result<()> {
        let c = self.client()?;
        self.wait(async {
            // One statement: several in one simple query would be an implicit transaction.
            c.batch_execute(&format!("VACUUM {SCRUBBED_TABLES}"))
                .await?;
            Ok(())
        })
    }
}

/// The values a scrub rewrites, of each record of `ids` not yet scrubbed (locked FOR UPDATE
/// until the transaction ends, so intake cannot write a new revision in between).
async fn read(tx: &Transaction<'_>, ids: &[i64]) -> Result<BTreeMap<i64, RecordText>> {
    let mut out: BTreeMap<i64, RecordText> = BTreeMap::new();
    for r in tx
        .query(
            "SELECT id, raw FROM records
             WHERE id = ANY($1) AND personal_data_removed_at IS NULL
             ORDER BY id FOR UPDATE",
            &[&ids],
        )
        .await?
    {
        out.insert(
            r.get(0),
            RecordText {
                raw: r.get(1),
                ..RecordText::default()
            },
        );
    }
    let ids: Vec<i64> = out.keys().copied().collect();
    let rows = |sql: &'static str| {
        let ids = &ids;
        async move { tx.query(sql, &[ids]).await }
    };
    for r in rows("SELECT record_id, id, raw FROM revisions WHERE record_id = ANY($1) ORDER BY id")
        .await?
    {
        if let Some(t) = out.get_mut(&r.get::<_, i64>(0)) {
            t.revisions.push((r.get(1), r.get(2)));
        }
    }
    for r in rows(
        "SELECT record_id, payload, problems, notes, last_error, divergence FROM outbox
         WHERE record_id = ANY($1)",
    )
    .await?
    {
        if let Some(t) = out.get_mut(&r.get::<_, i64>(0)) {
            t.outbox.push(OutboxText {
                payload: r.get(1),
                problems: r.get(2),
                notes: r.get(3),
                last_error: r.get(4),
                divergence: r.get(5),
            });
        }
    }
    for r in rows(
        "SELECT record_id, id, detail FROM events
         WHERE record_id = ANY($1) AND detail IS NOT NULL ORDER BY id",
    )
    .await?
    {
        if let Some(t) = out.get_mut(&r.get::<_, i64>(0)) {
            t.events.push((r.get(1), r.get(2)));
        }
    }
    for r in rows(
        "SELECT record_id, id, payload, reasons, notes FROM dry_run_verdicts
         WHERE record_id = ANY($1) ORDER BY id",
    )
    .await?
    {
        if let Some(t) = out.get_mut(&r.get::<_, i64>(0)) {
            t.dry_run_verdicts.push(VerdictText {
                id: r.get(1),
                payload: r.get(2),
                reasons: r.get(3),
                notes: r.get(4),
            });
        }
    }
    for r in rows(
        "SELECT record_id, id, tanggapan_isi, tanggapan_oleh FROM lapor_updates
         WHERE record_id = ANY($1) ORDER BY id",
    )
    .await?
    {
        if let Some(t) = out.get_mut(&r.get::<_, i64>(0)) {
            t.lapor_updates.push(UpdateText {
                id: r.get(1),
                tanggapan_isi: r.get(2),
                tanggapan_oleh: r.get(3),
            });
        }
    }
    for r in rows(
        "SELECT record_id, id, last_error, outcome FROM writebacks
         WHERE record_id = ANY($1) ORDER BY id",
    )
    .await?
    {
        if let Some(t) = out.get_mut(&r.get::<_, i64>(0)) {
            t.writebacks.push(WritebackText {
                id: r.get(1),
                last_error: r.get(2),
                outcome: r.get(3),
            });
        }
    }
    Ok(out)
}

/// Writes the scrubbed values back by id, one statement per table, and marks the records.
async fn write(
    tx: &Transaction<'_>,
    scrubbed: &BTreeMap<i64, RecordText>,
    now: Timestamp,
) -> Result<ScrubCounts> {
    let ids: Vec<i64> = scrubbed.keys().copied().collect();
    let all = || scrubbed.iter();
    let mut counts = ScrubCounts::default();

    let raws: Vec<&str> = all().map(|(_, t)| t.raw.as_str()).collect();
    counts.records = tx
        .execute(
            "UPDATE records r SET raw = u.raw,
                 personal_data_removed_at = coalesce(r.personal_data_removed_at, $3)
             FROM unnest($1::bigint[], $2::text[]) AS u(id, raw)
             WHERE r.id = u.id",
            &[&ids, &raws, &time::db(now)],
        )
        .await? as usize;

    let (rev_ids, rev_raws): (Vec<i64>, Vec<&str>) = all()
        .flat_map(|(_, t)| t.revisions.iter().map(|(id, raw)| (*id, raw.as_str())))
        .unzip();
    counts.revisions = tx
        .execute(
            "UPDATE revisions r SET raw = u.raw
             FROM unnest($1::bigint[], $2::text[]) AS u(id, raw)
             WHERE r.id = u.id",
            &[&rev_ids, &rev_raws],
        )
        .await? as usize;

    let outbox: Vec<(i64, &OutboxText)> = all()
        .flat_map(|(id, t)| t.outbox.iter().map(move |o| (*id, o)))
        .collect();
    let col = |f: fn(&OutboxText) -> &Option<String>| -> Vec<Option<&str>> {
        outbox.iter().map(|(_, o)| f(o).as_deref()).collect()
    };
    let ob_ids: Vec<i64> = outbox.iter().map(|(id, _)| *id).collect();
    counts.outbox = tx
        .execute(
            "UPDATE outbox o SET payload = u.payload, problems = u.problems, notes = u.notes,
                 last_error = u.last_error, divergence = u.divergence
             FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                         $6::text[])
                  AS u(record_id, payload, problems, notes, last_error, divergence)
             WHERE o.record_id = u.record_id",
            &[
                &ob_ids,
                &col(|o| &o.payload),
                &col(|o| &o.problems),
                &col(|o| &o.notes),
                &col(|o| &o.last_error),
                &col(|o| &o.divergence),
            ],
        )
        .await? as usize;

    let (ev_ids, ev_details): (Vec<i64>, Vec<&str>) = all()
        .flat_map(|(_, t)| t.events.iter().map(|(id, d)| (*id, d.as_str())))
        .unzip();
    counts.events = tx
        .execute(
            "UPDATE events e SET detail = u.detail
             FROM unnest($1::bigint[], $2::text[]) AS u(id, detail)
             WHERE e.id = u.id",
            &[&ev_ids, &ev_details],
        )
        .await? as usize;

    let verdicts: Vec<&VerdictText> = all().flat_map(|(_, t)| &t.dry_run_verdicts).collect();
    counts.dry_run_verdicts = tx
        .execute(
            "UPDATE dry_run_verdicts v SET payload = u.payload, reasons = u.reasons,
                 notes = u.notes
             FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])
                  AS u(id, payload, reasons, notes)
             WHERE v.id = u.id",
            &[
                &verdicts.iter().map(|v| v.id).collect::<Vec<i64>>(),
                &verdicts
                    .iter()
                    .map(|v| v.payload.as_deref())
                    .collect::<Vec<_>>(),
                &verdicts
                    .iter()
                    .map(|v| v.reasons.as_str())
                    .collect::<Vec<_>>(),
                &verdicts
                    .iter()
                    .map(|v| v.notes.as_str())
                    .collect::<Vec<_>>(),
            ],
        )
        .await? as usize;

    let updates: Vec<&UpdateText> = all().flat_map(|(_, t)| &t.lapor_updates).collect();
    counts.lapor_updates = tx
        .execute(
            "UPDATE lapor_updates l SET tanggapan_isi = u.isi, tanggapan_oleh = u.oleh
             FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, isi, oleh)
             WHERE l.id = u.id",
            &[
                &updates.iter().map(|u| u.id).collect::<Vec<i64>>(),
                &updates
                    .iter()
                    .map(|u| u.tanggapan_isi.as_deref())
                    .collect::<Vec<_>>(),
                &updates
                    .iter()
                    .map(|u| u.tanggapan_oleh.as_deref())
                    .collect::<Vec<_>>(),
            ],
        )
        .await? as usize;

    let wbs: Vec<&WritebackText> = all().flat_map(|(_, t)| &t.writebacks).collect();
    counts.writebacks = tx
        .execute(
            "UPDATE writebacks w SET last_error = u.last_error, outcome = u.outcome
             FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, last_error, outcome)
             WHERE w.id = u.id",
            &[
                &wbs.iter().map(|w| w.id).collect::<Vec<i64>>(),
                &wbs.iter()
                    .map(|w| w.last_error.as_deref())
                    .collect::<Vec<_>>(),
                &wbs.iter().map(|w| w.outcome.as_deref()).collect::<Vec<_>>(),
            ],
        )
        .await? as usize;

    counts.sla_alerts = tx
        .execute(
            "UPDATE sla_alerts SET last_error = $2
             WHERE record_id = ANY($1) AND last_error IS NOT NULL",
            &[&ids, &SLA_ALERT_ERROR],
        )
        .await? as usize;
    Ok(counts)
}
