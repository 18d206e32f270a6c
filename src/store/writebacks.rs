//! The write-back outbox: one row per applied LAPOR! update, sent to the record's channel in
//! order. Only the oldest pending write-back of a record is ever claimed, so a newer status
//! never overtakes an older one; channels are claimed separately, so one channel's outage
//! holds up nobody else.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::{Result, Store, StoreError};
use crate::domain::RecordKey;
use crate::time;

#[derive(Clone, Debug, PartialEq)]
pub struct ClaimedWriteback {
    pub id: i64,
    pub record_id: i64,
    pub key: RecordKey,
    /// The record's payload as the channel sent it (JSON).
    pub raw: String,
    pub tracking_id: String,
    /// The record's LAPOR! status once this update applied.
    pub lapor_status: String,
    /// `(isi, oleh)` when the update carried a response.
    pub tanggapan: Option<(String, String)>,
    /// LAPOR!'s time of the update (clamped to not before forwarding).
    pub waktu: Timestamp,
    pub attempts: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WritebackOutcome {
    /// The channel has it; `how` is kept for audit (e.g. "201", "409 already recorded").
    Done {
        how: String,
    },
    Retry {
        error: String,
        at: Timestamp,
    },
    Dead {
        error: String,
    },
}

/// A forum complaint's row in a status file.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusRow {
    pub key: RecordKey,
    pub raw: String,
    pub tracking_id: Option<String>,
    pub lapor_status: Option<String>,
    pub status_at: Option<Timestamp>,
    /// The latest response, `(isi, oleh)`.
    pub tanggapan: Option<(String, String)>,
    /// The bridge's forwarding state (`pending`, `held`, `forwarded`, …).
    pub outbox_state: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WritebackCount {
    pub channel: String,
    pub state: String,
    pub count: u64,
}

impl Store {
    /// The due head write-back of each record of `channel`, oldest first.
    pub fn claim_writebacks(
        &self,
        channel: &str,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<ClaimedWriteback>> {
        if let Some(pg) = self.pg() {
            return pg.claim_writebacks(channel, now, limit);
        }
        let conn = self.lock()?;
        let mut stmt = conn.prepare_cached(
            "SELECT w.id, w.record_id, r.channel, r.local_id, r.raw, r.tracking_id,
                    w.lapor_status, u.tanggapan_isi, u.tanggapan_oleh, u.effective_at, w.attempts
             FROM writebacks w
             JOIN records r ON r.id = w.record_id
             JOIN lapor_updates u ON u.id = w.update_id
             WHERE w.channel = ?1 AND w.state = 'pending' AND w.next_attempt_at <= ?2
               AND NOT EXISTS (SELECT 1 FROM writebacks e
                               WHERE e.record_id = w.record_id AND e.state = 'pending'
                                 AND e.id < w.id)
             ORDER BY w.id
             LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![channel, time::db(now), limit as i64], |r| {
            let isi: Option<String> = r.get(7)?;
            let oleh: Option<String> = r.get(8)?;
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                format!("{}:{}", r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                isi.map(|i| (i, oleh.unwrap_or_default())),
                r.get::<_, String>(9)?,
                r.get::<_, u32>(10)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, record_id, key, raw, tracking_id, lapor_status, tanggapan, waktu, attempts) =
                row?;
            let key = RecordKey::parse(&key).map_err(StoreError::Invalid)?;
            out.push(ClaimedWriteback {
                id,
                record_id,
                key,
                raw,
                tracking_id: tracking_id.unwrap_or_default(),
                lapor_status,
                tanggapan,
                waktu: time::parse_db(&waktu).unwrap_or(now),
                attempts,
            });
        }
        Ok(out)
    }

    /// Records what the channel said; each outcome is also a timeline event of the record.
    pub fn record_writeback(
        &self,
        wb: &ClaimedWriteback,
        outcome: &WritebackOutcome,
        now: Timestamp,
    ) -> Result<()> {
        if let Some(pg) = self.pg() {
            return pg.record_writeback(wb, outcome, now);
        }
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        let what = match &wb.tanggapan {
            Some(_) => format!("{} with a response", wb.lapor_status),
            None => wb.lapor_status.clone(),
        };
        match outcome {
            WritebackOutcome::Done { how } => {
                super::exec(
                    &tx,
                    "UPDATE writebacks SET state = 'done', attempts = attempts + 1, outcome = ?2,
                            done_at = ?3, last_error = NULL WHERE id = ?1",
                    params![wb.id, how, time::db(now)],
                )?;
                super::outbox::event(
                    &tx,
                    wb.record_id,
                    now,
                    "written_back",
                    Some(&format!("{what} → {} ({how})", wb.key.channel)),
                )?;
            }
            WritebackOutcome::Retry { error, at } => {
                super::exec(
                    &tx,
                    "UPDATE writebacks SET attempts = attempts + 1, last_error = ?2,
                            next_attempt_at = ?3 WHERE id = ?1",
                    params![wb.id, error, time::db(*at)],
                )?;
                super::outbox::event(
                    &tx,
                    wb.record_id,
                    now,
                    "writeback_failed",
                    Some(&format!("{what}: {error}; retry at {}", time::db(*at))),
                )?;
            }
            WritebackOutcome::Dead { error } => {
                super::exec(
                    &tx,
                    "UPDATE writebacks SET state = 'dead', attempts = attempts + 1,
                            last_error = ?2 WHERE id = ?1",
                    params![wb.id, error],
                )?;
                super::outbox::event(
                    &tx,
                    wb.record_id,
                    now,
                    "writeback_dead",
                    Some(&format!("{what}: {error}")),
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// When the next pending write-back of `channel` falls due.
    pub fn next_writeback_due(&self, channel: &str) -> Result<Option<Timestamp>> {
        if let Some(pg) = self.pg() {
            return pg.next_writeback_due(channel);
        }
        let at: Option<String> = self
            .read()?
            .query_row(
                "SELECT MIN(next_attempt_at) FROM writebacks WHERE channel = ?1 AND state = 'pending'",
                [channel],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok(at.and_then(|s| time::parse_db(&s)))
    }

    pub fn writeback_counts(&self) -> Result<Vec<WritebackCount>> {
        if let Some(pg) = self.pg() {
            return pg.writeback_counts();
        }
        let conn = self.read()?;
        // Kept by migration 7's triggers: the same as grouping every write-back.
        let mut stmt = conn.prepare_cached(
            "SELECT channel, state, n FROM writeback_counts WHERE n > 0 ORDER BY 1, 2",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(WritebackCount {
                channel: r.get(0)?,
                state: r.get(1)?,
                count: r.get::<_, i64>(2)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Seconds the oldest pending write-back has waited, per channel: the sync lag.
    pub fn writeback_lag(&self, now: Timestamp) -> Result<Vec<(String, f64)>> {
        if let Some(pg) = self.pg() {
            return pg.writeback_lag(now);
        }
        let conn = self.read()?;
        // Channel by channel, each a search of the pending rows in `writebacks_due`; one
        // GROUP BY over the table would read every write-back ever made.
        let mut stmt = conn.prepare_cached(
            "SELECT c.channel,
                    (SELECT MIN(w.created_at) FROM writebacks w
                     WHERE w.channel = c.channel AND w.state = 'pending')
             FROM writeback_counts c WHERE c.state = 'pending' AND c.n > 0 ORDER BY 1",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (channel, created) = row?;
            if let Some(t) = created.as_deref().and_then(time::parse_db) {
                out.push((channel, now.duration_since(t).as_secs_f64()));
            }
        }
        Ok(out)
    }

    /// Every record of `channel` with its latest LAPOR! status and response, for a status
    /// file that is rewritten whole.
    pub fn status_rows(&self, channel: &str) -> Result<Vec<StatusRow>> {
        if let Some(pg) = self.pg() {
            return pg.status_rows(channel);
        }
        let conn = self.read()?;
        let mut stmt = conn.prepare(
            "SELECT r.channel, r.local_id, r.raw, r.tracking_id, r.lapor_status, r.lapor_status_at,
                    (SELECT u.tanggapan_isi FROM lapor_updates u
                      WHERE u.record_id = r.id AND u.effect IN ('tanggapan', 'status_tanggapan')
                      ORDER BY u.id DESC LIMIT 1),
                    (SELECT u.tanggapan_oleh FROM lapor_updates u
                      WHERE u.record_id = r.id AND u.effect IN ('tanggapan', 'status_tanggapan')
                      ORDER BY u.id DESC LIMIT 1),
                    o.state
             FROM records r JOIN outbox o ON o.record_id = r.id
             WHERE r.channel = ?1
             ORDER BY r.id",
        )?;
        let rows = stmt.query_map([channel], |r| {
            let isi: Option<String> = r.get(6)?;
            let oleh: Option<String> = r.get(7)?;
            Ok((
                format!("{}:{}", r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                isi.map(|i| (i, oleh.unwrap_or_default())),
                r.get::<_, String>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, raw, tracking_id, lapor_status, at, tanggapan, outbox_state) = row?;
            out.push(StatusRow {
                key: RecordKey::parse(&key).map_err(StoreError::Invalid)?,
                raw,
                tracking_id,
                lapor_status,
                status_at: at.and_then(|s| time::parse_db(&s)),
                tanggapan,
                outbox_state,
            });
        }
        Ok(out)
    }
}

/// One write-back of a record, for `lapor-bridge show`.
#[derive(Clone, Debug, serde::Serialize, PartialEq, Eq)]
pub struct WritebackRow {
    pub id: i64,
    pub channel: String,
    pub state: String,
    pub lapor_status: String,
    pub with_response: bool,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub outcome: Option<String>,
    pub created_at: String,
    pub done_at: Option<String>,
}

impl Store {
    /// The record's LAPOR! status and its write-backs, oldest first.
    pub fn sync_state(&self, key: &RecordKey) -> Result<(Option<String>, Vec<WritebackRow>)> {
        if let Some(pg) = self.pg() {
            return pg.sync_state(key);
        }
        let conn = self.read()?;
        let (id, status): (i64, Option<String>) = conn
            .query_row(
                "SELECT id, lapor_status FROM records WHERE channel = ?1 AND local_id = ?2",
                params![key.channel.as_str(), key.local_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(key.to_string()))?;
        let mut stmt = conn.prepare(
            "SELECT w.id, w.channel, w.state, w.lapor_status, u.tanggapan_isi IS NOT NULL,
                    w.attempts, w.last_error, w.outcome, w.created_at, w.done_at
             FROM writebacks w JOIN lapor_updates u ON u.id = w.update_id
             WHERE w.record_id = ?1 ORDER BY w.id",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(WritebackRow {
                id: r.get(0)?,
                channel: r.get(1)?,
                state: r.get(2)?,
                lapor_status: r.get(3)?,
                with_response: r.get(4)?,
                attempts: r.get(5)?,
                last_error: r.get(6)?,
                outcome: r.get(7)?,
                created_at: r.get(8)?,
                done_at: r.get(9)?,
            })
        })?;
        Ok((status, rows.collect::<rusqlite::Result<_>>()?))
    }

    /// Write-backs that will not be retried by themselves (the channel refused them).
    pub fn dead_writebacks(&self) -> Result<Vec<(String, WritebackRow)>> {
        if let Some(pg) = self.pg() {
            return pg.dead_writebacks();
        }
        let conn = self.read()?;
        let mut stmt = conn.prepare(
            "SELECT r.channel || ':' || r.local_id, w.id, w.channel, w.state, w.lapor_status,
                    u.tanggapan_isi IS NOT NULL, w.attempts, w.last_error, w.outcome,
                    w.created_at, w.done_at
             FROM writebacks w JOIN records r ON r.id = w.record_id
                               JOIN lapor_updates u ON u.id = w.update_id
             WHERE w.state = 'dead' ORDER BY w.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                WritebackRow {
                    id: r.get(1)?,
                    channel: r.get(2)?,
                    state: r.get(3)?,
                    lapor_status: r.get(4)?,
                    with_response: r.get(5)?,
                    attempts: r.get(6)?,
                    last_error: r.get(7)?,
                    outcome: r.get(8)?,
                    created_at: r.get(9)?,
                    done_at: r.get(10)?,
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
