//! The write-back outbox on the PostgreSQL store (`writebacks.rs` of the SQLite store). The
//! SQLite store's claim only reads: one worker per channel in one process sends what it read.
//! Here another replica may work the same channel (around a lease takeover, or with no lease
//! at all), so a claim also moves the write-back's `next_attempt_at` a term ahead: the other
//! replicas find it not yet due while it is in flight, and take it again after the term if its
//! claimer died. The claimed head stays `pending`, so the record's later write-backs stay
//! behind it as on SQLite.

use jiff::{SignedDuration, Timestamp};
use tokio_postgres::Row;

use super::{PgError, PgStore};
use crate::domain::RecordKey;
use crate::store::{
    ClaimedWriteback, StatusRow, StoreError, WritebackCount, WritebackOutcome, WritebackRow,
};
use crate::time;

/// How long a claim keeps a write-back from the other replicas, as long as the outbox's
/// claims: a dead replica's forwards and write-backs go out again after the same wait, and a
/// step's batch of 64 is sent well within it unless the channel takes 2 s a delivery. The
/// term only matters when two replicas work one channel: a lone worker claims again only after
/// recording its whole batch, and write-backs it left unsent behind a failure wait at most
/// this long.
const CLAIM_TERM: SignedDuration = SignedDuration::from_secs(120);

impl PgStore {
    /// The due head write-back of each record of `channel`, oldest first; each is claimed
    /// for [`CLAIM_TERM`].
    pub fn claim_writebacks(
        &self,
        channel: &str,
        now: Timestamp,
        limit: usize,
    ) -> crate::store::Result<Vec<ClaimedWriteback>> {
        let c = self.client()?;
        self.wait(async {
            // SKIP LOCKED: a head another replica is claiming right now is left to it. The
            // NOT EXISTS sees claimed heads as pending, so no later write-back of their
            // records is claimed meanwhile, by anyone.
            let rows = c
                .query(
                    "WITH due AS (
                         SELECT w.id FROM writebacks w
                         WHERE w.channel = $1 AND w.state = 'pending' AND w.next_attempt_at <= $2
                           AND NOT EXISTS (SELECT 1 FROM writebacks e
                                           WHERE e.record_id = w.record_id AND e.state = 'pending'
                                             AND e.id < w.id)
                         ORDER BY w.id
                         LIMIT $3
                         FOR UPDATE SKIP LOCKED
                     )
                     UPDATE writebacks w SET next_attempt_at = $4
                     FROM due, records r, lapor_updates u
                     WHERE w.id = due.id AND r.id = w.record_id AND u.id = w.update_id
                     RETURNING w.id, w.record_id, r.channel, r.local_id, r.raw, r.tracking_id,
                               w.lapor_status, u.tanggapan_isi, u.tanggapan_oleh,
                               u.effective_at, w.attempts",
                    &[
                        &channel,
                        &time::db(now),
                        &super::limit(limit),
                        &time::db(now + CLAIM_TERM),
                    ],
                )
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let isi: Option<String> = r.get(7);
                let oleh: Option<String> = r.get(8);
                let waktu: String = r.get(9);
                out.push(ClaimedWriteback {
                    id: r.get(0),
                    record_id: r.get(1),
                    key: record_key(r.get(2), r.get(3))?,
                    raw: r.get(4),
                    tracking_id: r.get::<_, Option<String>>(5).unwrap_or_default(),
                    lapor_status: r.get(6),
                    tanggapan: isi.map(|i| (i, oleh.unwrap_or_default())),
                    waktu: time::parse_db(&waktu).unwrap_or(now),
                    attempts: r.get::<_, i64>(10) as u32,
                });
            }
            // RETURNING keeps no order.
            out.sort_by_key(|w| w.id);
            Ok(out)
        })
    }

    /// Records what the channel said, with its timeline event. Only a write-back still
    /// pending is changed: a replica whose claim ran out may report after another replica
    /// has already recorded the same write-back, and that late report changes nothing.
    pub fn record_writeback(
        &self,
        wb: &ClaimedWriteback,
        outcome: &WritebackOutcome,
        now: Timestamp,
    ) -> crate::store::Result<()> {
        let mut c = self.client()?;
        let what = match &wb.tanggapan {
            Some(_) => format!("{} with a response", wb.lapor_status),
            None => wb.lapor_status.clone(),
        };
        self.wait(async {
            let tx = c.transaction().await?;
            let (changed, kind, detail) = match outcome {
                WritebackOutcome::Done { how } => (
                    tx.execute(
                        "UPDATE writebacks SET state = 'done', attempts = attempts + 1,
                                outcome = $2, done_at = $3, last_error = NULL
                         WHERE id = $1 AND state = 'pending'",
                        &[&wb.id, how, &time::db(now)],
                    )
                    .await?,
                    "written_back",
                    format!("{what} → {} ({how})", wb.key.channel),
                ),
                WritebackOutcome::Retry { error, at } => (
                    tx.execute(
                        "UPDATE writebacks SET attempts = attempts + 1, last_error = $2,
                                next_attempt_at = $3
                         WHERE id = $1 AND state = 'pending'",
                        &[&wb.id, error, &time::db(*at)],
                    )
                    .await?,
                    "writeback_failed",
                    format!("{what}: {error}; retry at {}", time::db(*at)),
                ),
                WritebackOutcome::Dead { error } => (
                    tx.execute(
                        "UPDATE writebacks SET state = 'dead', attempts = attempts + 1,
                                last_error = $2
                         WHERE id = $1 AND state = 'pending'",
                        &[&wb.id, error],
                    )
                    .await?,
                    "writeback_dead",
                    format!("{what}: {error}"),
                ),
            };
            if changed > 0 {
                super::outbox::event(&tx, wb.record_id, now, kind, Some(&detail)).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// When the next pending write-back of `channel` falls due (a claimed one: when its
    /// claim runs out).
    pub fn next_writeback_due(&self, channel: &str) -> crate::store::Result<Option<Timestamp>> {
        let c = self.client()?;
        self.wait(async {
            let at: Option<String> = c
                .query_one(
                    "SELECT MIN(next_attempt_at) FROM writebacks
                     WHERE channel = $1 AND state = 'pending'",
                    &[&channel],
                )
                .await?
                .get(0);
            Ok(at.as_deref().and_then(time::parse_db))
        })
    }

    pub fn writeback_counts(&self) -> crate::store::Result<Vec<WritebackCount>> {
        let c = self.client()?;
        self.wait(async {
            let rows = c
                .query(
                    "SELECT channel, state, n FROM writeback_counts WHERE n > 0 ORDER BY 1, 2",
                    &[],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| WritebackCount {
                    channel: r.get(0),
                    state: r.get(1),
                    count: r.get::<_, i64>(2) as u64,
                })
                .collect())
        })
    }

    /// Seconds the oldest pending write-back has waited, per channel: the sync lag.
    pub fn writeback_lag(&self, now: Timestamp) -> crate::store::Result<Vec<(String, f64)>> {
        let c = self.client()?;
        self.wait(async {
            // Channel by channel through `writebacks_due`, as on SQLite.
            let rows = c
                .query(
                    "SELECT c.channel,
                            (SELECT MIN(w.created_at) FROM writebacks w
                             WHERE w.channel = c.channel AND w.state = 'pending')
                     FROM writeback_counts c WHERE c.state = 'pending' AND c.n > 0 ORDER BY 1",
                    &[],
                )
                .await?;
            let mut out = Vec::new();
            for r in rows {
                let created: Option<String> = r.get(1);
                if let Some(t) = created.as_deref().and_then(time::parse_db) {
                    out.push((r.get(0), now.duration_since(t).as_secs_f64()));
                }
            }
            Ok(out)
        })
    }

    /// Every record of `channel` with its latest LAPOR! status and response.
    pub fn status_rows(&self, channel: &str) -> crate::store::Result<Vec<StatusRow>> {
        let c = self.client()?;
        self.wait(async {
            let rows = c
                .query(
                    "SELECT r.channel, r.local_id, r.raw, r.tracking_id, r.lapor_status,
                            r.lapor_status_at,
                            (SELECT u.tanggapan_isi FROM lapor_updates u
                              WHERE u.record_id = r.id
                                AND u.effect IN ('tanggapan', 'status_tanggapan')
                              ORDER BY u.id DESC LIMIT 1),
                            (SELECT u.tanggapan_oleh FROM lapor_updates u
                              WHERE u.record_id = r.id
                                AND u.effect IN ('tanggapan', 'status_tanggapan')
                              ORDER BY u.id DESC LIMIT 1),
                            o.state
                     FROM records r JOIN outbox o ON o.record_id = r.id
                     WHERE r.channel = $1
                     ORDER BY r.id",
                    &[&channel],
                )
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let isi: Option<String> = r.get(6);
                let oleh: Option<String> = r.get(7);
                let at: Option<String> = r.get(5);
                out.push(StatusRow {
                    key: record_key(r.get(0), r.get(1))?,
                    raw: r.get(2),
                    tracking_id: r.get(3),
                    lapor_status: r.get(4),
                    status_at: at.as_deref().and_then(time::parse_db),
                    tanggapan: isi.map(|i| (i, oleh.unwrap_or_default())),
                    outbox_state: r.get(8),
                });
            }
            Ok(out)
        })
    }

    /// The record's LAPOR! status and its write-backs, oldest first.
    pub fn sync_state(
        &self,
        key: &RecordKey,
    ) -> crate::store::Result<(Option<String>, Vec<WritebackRow>)> {
        let c = self.client()?;
        self.wait(async {
            let (id, status): (i64, Option<String>) = c
                .query_opt(
                    "SELECT id, lapor_status FROM records WHERE channel = $1 AND local_id = $2",
                    &[&key.channel.as_str(), &key.local_id],
                )
                .await?
                .map(|r| (r.get(0), r.get(1)))
                .ok_or_else(|| StoreError::NotFound(key.to_string()))?;
            let rows = c
                .query(
                    "SELECT w.id, w.channel, w.state, w.lapor_status, u.tanggapan_isi IS NOT NULL,
                            w.attempts, w.last_error, w.outcome, w.created_at, w.done_at
                     FROM writebacks w JOIN lapor_updates u ON u.id = w.update_id
                     WHERE w.record_id = $1 ORDER BY w.id",
                    &[&id],
                )
                .await?;
            Ok((status, rows.iter().map(|r| writeback_row(r, 0)).collect()))
        })
    }

    /// Write-backs that will not be retried by themselves (the channel refused them).
    pub fn dead_writebacks(&self) -> crate::store::Result<Vec<(String, WritebackRow)>> {
        let c = self.client()?;
        self.wait(async {
            let rows = c
                .query(
                    "SELECT r.channel || ':' || r.local_id, w.id, w.channel, w.state,
                            w.lapor_status, u.tanggapan_isi IS NOT NULL, w.attempts, w.last_error,
                            w.outcome, w.created_at, w.done_at
                     FROM writebacks w JOIN records r ON r.id = w.record_id
                                       JOIN lapor_updates u ON u.id = w.update_id
                     WHERE w.state = 'dead' ORDER BY w.id",
                    &[],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| (r.get(0), writeback_row(r, 1)))
                .collect())
        })
    }
}

fn record_key(channel: &str, local_id: &str) -> Result<RecordKey, PgError> {
    RecordKey::parse(&format!("{channel}:{local_id}")).map_err(PgError::Refused)
}

/// A write-back's columns from `from` on: id, channel, state, status, with a response,
/// attempts, last error, outcome, created, done.
fn writeback_row(r: &Row, from: usize) -> WritebackRow {
    WritebackRow {
        id: r.get(from),
        channel: r.get(from + 1),
        state: r.get(from + 2),
        lapor_status: r.get(from + 3),
        with_response: r.get(from + 4),
        attempts: r.get::<_, i64>(from + 5) as u32,
        last_error: r.get(from + 6),
        outcome: r.get(from + 7),
        created_at: r.get(from + 8),
        done_at: r.get(from + 9),
    }
}
