//! LAPOR!'s updates, applied to records: each update read is stored once (by `id_pembaruan`),
//! moves the record's status only forward, and queues one write-back to the record's channel
//! when it changed something the citizen should see.

use std::collections::BTreeSet;

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Transaction};

use super::{Result, Store};
use crate::domain::RecordKey;
use crate::time;
use decide::{content_key, decide, Decision, Known, UpdateRow};

#[path = "updates_decide.rs"]
pub(super) mod decide;

/// The cursors-table key of LAPOR!'s feed; not a valid channel name, so it cannot collide.
pub(super) const FEED_CURSOR: &str = "@lapor:pembaruan";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateSource {
    /// `GET /pembaruan`.
    Feed,
    /// `GET /laporan/{tracking_id}`: cursor recovery and the reconciliation sweep.
    Lookup,
}

impl UpdateSource {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            UpdateSource::Feed => "feed",
            UpdateSource::Lookup => "lookup",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct IncomingUpdate {
    pub id_pembaruan: String,
    pub tracking_id: String,
    /// The record key LAPOR! echoes back; finds the record even before its create answer
    /// (and so its tracking id) was recorded.
    pub id_eksternal: Option<String>,
    /// `None`: a response read by look-up, which says nothing of the status at its time.
    pub status: Option<String>,
    /// `(isi, oleh)`.
    pub tanggapan: Option<(String, String)>,
    pub waktu: Timestamp,
    pub source: UpdateSource,
}

/// What one update did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// This `id_pembaruan` was stored before; nothing recorded again.
    Duplicate,
    Status,
    Tanggapan,
    StatusTanggapan,
    /// An older status after a newer one: recorded, not applied.
    Stale,
    /// Nothing new (the same update again under a new id): recorded, not applied.
    SameContent,
    /// No record of this store has the tracking id.
    UnknownRecord,
}

impl Effect {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Effect::Duplicate => "duplicate",
            Effect::Status => "status",
            Effect::Tanggapan => "tanggapan",
            Effect::StatusTanggapan => "status_tanggapan",
            Effect::Stale => "stale",
            Effect::SameContent => "same_content",
            Effect::UnknownRecord => "unknown_record",
        }
    }

    pub fn applied(self) -> bool {
        matches!(
            self,
            Effect::Status | Effect::Tanggapan | Effect::StatusTanggapan
        )
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub applied: usize,
    pub duplicates: usize,
    pub stale: usize,
    pub same_content: usize,
    pub unknown: usize,
    pub writebacks_queued: usize,
}

impl ApplyReport {
    pub(super) fn count(&mut self, e: Effect) {
        match e {
            Effect::Duplicate => self.duplicates += 1,
            Effect::Stale => self.stale += 1,
            Effect::SameContent => self.same_content += 1,
            Effect::UnknownRecord => self.unknown += 1,
            _ => self.applied += 1,
        }
    }
}

/// A forwarded complaint LAPOR! has not finished with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenComplaint {
    pub record_id: i64,
    pub key: RecordKey,
    pub tracking_id: String,
    pub lapor_status: Option<String>,
}

impl Store {
    pub fn feed_cursor(&self) -> Result<Option<String>> {
        if let Some(pg) = self.pg() {
            return pg.feed_cursor();
        }
        Ok(self
            .read()?
            .query_row(
                "SELECT value FROM cursors WHERE channel = ?1",
                [FEED_CURSOR],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Stores a page of updates and then the cursor after it, in one transaction: a crash
    /// before the commit reads the page again (deduplicated), never skips it.
    /// `writeback_channels`: channels that take write-backs; others get none queued.
    pub fn apply_updates(
        &self,
        updates: &[IncomingUpdate],
        next_cursor: Option<&str>,
        writeback_channels: &BTreeSet<String>,
        now: Timestamp,
    ) -> Result<(ApplyReport, Vec<(RecordKey, Effect)>)> {
        if let Some(pg) = self.pg() {
            return pg.apply_updates(updates, next_cursor, writeback_channels, now);
        }
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        let mut report = ApplyReport::default();
        let mut effects = Vec::with_capacity(updates.len());
        for u in updates {
            let (effect, key, queued) = apply_one(&tx, u, writeback_channels, now)?;
            report.count(effect);
            report.writebacks_queued += usize::from(queued);
            if let Some(key) = key {
                effects.push((key, effect));
            }
        }
        if let Some(c) = next_cursor {
            super::exec(
                &tx,
                "INSERT INTO cursors (channel, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (channel) DO UPDATE SET value = excluded.value,
                                                     updated_at = excluded.updated_at",
                params![FEED_CURSOR, c, time::db(now)],
            )?;
        }
        tx.commit()?;
        Ok((report, effects))
    }

    /// Forgets the feed cursor (LAPOR! no longer knows it): the next read starts from the
    /// beginning, deduplicated.
    pub fn clear_feed_cursor(&self) -> Result<()> {
        if let Some(pg) = self.pg() {
            return pg.clear_feed_cursor();
        }
        self.lock()?
            .execute("DELETE FROM cursors WHERE channel = ?1", [FEED_CURSOR])?;
        Ok(())
    }

    /// Open complaints, least recently checked first; with `checked_before`, only those the
    /// bridge has heard nothing of since then: not looked up, not forwarded, no update read.
    /// (All of them with `None`.) A sweep looks for what the feed missed, so it leaves a
    /// complaint the feed is still telling about to the feed: looked up before the feed's
    /// page is read, a complaint's responses would reach the citizen out of LAPOR!'s order.
    pub fn open_complaints(
        &self,
        checked_before: Option<Timestamp>,
        limit: usize,
    ) -> Result<Vec<OpenComplaint>> {
        if let Some(pg) = self.pg() {
            return pg.open_complaints(checked_before, limit);
        }
        let conn = self.read()?;
        let before = checked_before.map(time::db);
        let mut stmt = conn.prepare(
            "SELECT r.id, r.channel, r.local_id, r.tracking_id, r.lapor_status
             FROM records r
             WHERE r.tracking_id IS NOT NULL
               AND (r.lapor_status IS NULL
                    OR r.lapor_status NOT IN ('selesai', 'ditolak', 'diarsipkan'))
               AND (?1 IS NULL OR ((r.checked_at IS NULL OR r.checked_at < ?1)
                    AND NOT EXISTS (SELECT 1 FROM outbox o
                                    WHERE o.record_id = r.id AND o.forwarded_at >= ?1)
                    AND NOT EXISTS (SELECT 1 FROM lapor_updates u
                                    WHERE u.record_id = r.id AND u.received_at >= ?1)))
             ORDER BY r.checked_at IS NOT NULL, r.checked_at, r.id
             LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![before, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (record_id, channel, local_id, tracking_id, lapor_status) = row?;
            let Ok(key) = RecordKey::parse(&format!("{channel}:{local_id}")) else {
                continue;
            };
            out.push(OpenComplaint {
                record_id,
                key,
                tracking_id,
                lapor_status,
            });
        }
        Ok(out)
    }

    pub fn mark_checked(&self, record_id: i64, now: Timestamp) -> Result<()> {
        if let Some(pg) = self.pg() {
            return pg.mark_checked(record_id, now);
        }
        self.lock()?.execute(
            "UPDATE records SET checked_at = ?2 WHERE id = ?1",
            params![record_id, time::db(now)],
        )?;
        Ok(())
    }

    /// Updates stored per effect, for metrics and the demo summary.
    pub fn update_effect_counts(&self) -> Result<Vec<(String, u64)>> {
        if let Some(pg) = self.pg() {
            return pg.update_effect_counts();
        }
        let conn = self.read()?;
        // Kept by migration 7's trigger: the same as grouping every stored update.
        let mut stmt = conn
            .prepare_cached("SELECT effect, n FROM update_effect_counts WHERE n > 0 ORDER BY 1")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

struct Target {
    id: i64,
    key: RecordKey,
    tracking_id: Option<String>,
    status: Option<String>,
    floor: String,
}

fn find_record(tx: &Transaction<'_>, u: &IncomingUpdate) -> Result<Option<Target>> {
    const SELECT: &str = "SELECT r.id, r.channel, r.local_id, r.tracking_id, r.lapor_status,
                                 COALESCE(o.forwarded_at, r.received_at)
                          FROM records r JOIN outbox o ON o.record_id = r.id";
    let map = |r: &rusqlite::Row<'_>| -> rusqlite::Result<_> {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
        ))
    };
    let mut found = tx
        .prepare_cached(&format!("{SELECT} WHERE r.tracking_id = ?1"))?
        .query_row([&u.tracking_id], map)
        .optional()?;
    if found.is_none() {
        if let Some(key) = u
            .id_eksternal
            .as_deref()
            .and_then(|k| RecordKey::parse(k).ok())
        {
            // Only a record without a tracking id yet: one with another tracking id is
            // another complaint.
            found = tx
                .prepare_cached(&format!(
                    "{SELECT} WHERE r.channel = ?1 AND r.local_id = ?2 AND r.tracking_id IS NULL"
                ))?
                .query_row(params![key.channel.as_str(), key.local_id], map)
                .optional()?;
        }
    }
    Ok(
        found.and_then(|(id, channel, local_id, tracking_id, status, floor)| {
            let key = RecordKey::parse(&format!("{channel}:{local_id}")).ok()?;
            Some(Target {
                id,
                key,
                tracking_id,
                status,
                floor,
            })
        }),
    )
}

/// Applies one update; returns its effect, the record it belongs to, and whether a
/// write-back was queued.
fn apply_one(
    tx: &Transaction<'_>,
    u: &IncomingUpdate,
    writeback_channels: &BTreeSet<String>,
    now: Timestamp,
) -> Result<(Effect, Option<RecordKey>, bool)> {
    let seen = tx
        .prepare_cached("SELECT 1 FROM lapor_updates WHERE id_pembaruan = ?1")?
        .query_row([&u.id_pembaruan], |r| r.get::<_, i64>(0))
        .optional()?
        .is_some();
    let target = if seen { None } else { find_record(tx, u)? };
    let response_seen = match (&target, &u.tanggapan) {
        (Some(t), Some(_)) => tx
            .prepare_cached(
                "SELECT 1 FROM lapor_updates WHERE record_id = ?1 AND content_key = ?2
                   AND effect IN ('tanggapan', 'status_tanggapan')",
            )?
            .query_row(params![t.id, content_key(u)], |r| r.get::<_, i64>(0))
            .optional()?
            .is_some(),
        _ => false,
    };
    let known = target.as_ref().map(|t| Known {
        status: t.status.as_deref(),
        has_tracking_id: t.tracking_id.is_some(),
        floor: &t.floor,
        response_seen,
        takes_writebacks: writeback_channels.contains(t.key.channel.as_str()),
    });
    let decision = decide(u, seen, known);
    let effect = decision.effect();
    let record = target.as_ref().map(|t| (t.id, t.key.channel.as_str()));
    let queued = run(tx, u, record, &decision, now)?;
    Ok((effect, target.map(|t| t.key), queued))
}

/// Runs the statements of a decision; whether a write-back was queued.
fn run(
    tx: &Transaction<'_>,
    u: &IncomingUpdate,
    record: Option<(i64, &str)>,
    decision: &Decision,
    now: Timestamp,
) -> Result<bool> {
    let (c, (id, channel)) = match (decision, record) {
        (Decision::Duplicate, _) => return Ok(false),
        (Decision::UnknownRecord(row), _) => {
            insert_update(tx, u, None, row, now)?;
            return Ok(false);
        }
        (Decision::Record(c), Some(id)) => (c, id),
        (Decision::Record(_), None) => unreachable!("a record decision is made for a record"),
    };
    if c.set_tracking_id {
        super::exec(
            tx,
            "UPDATE records SET tracking_id = ?2 WHERE id = ?1",
            params![id, u.tracking_id],
        )?;
    }
    let update_id = insert_update(tx, u, Some(id), &c.row, now)?;
    let effective = &c.row.effective;
    if let Some((s, detail)) = &c.status {
        super::exec(
            tx,
            "UPDATE records SET lapor_status = ?2, lapor_status_at = ?3 WHERE id = ?1",
            params![id, s, effective],
        )?;
        event_at(tx, id, effective, "lapor_status", detail)?;
    }
    if let Some(detail) = &c.tanggapan {
        event_at(tx, id, effective, "tanggapan", detail)?;
    }
    if let Some(why) = &c.not_applied {
        super::outbox::event(tx, id, now, "update_not_applied", Some(why))?;
    }
    let Some(status_after) = &c.writeback else {
        return Ok(false);
    };
    super::exec(
        tx,
        "INSERT INTO writebacks (record_id, update_id, channel, state, lapor_status,
                                 next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?5)",
        params![id, update_id, channel, status_after, time::db(now)],
    )?;
    Ok(true)
}

fn insert_update(
    tx: &Transaction<'_>,
    u: &IncomingUpdate,
    record_id: Option<i64>,
    row: &UpdateRow,
    now: Timestamp,
) -> Result<i64> {
    let (isi, oleh) = match &u.tanggapan {
        Some((i, o)) => (Some(i.as_str()), Some(o.as_str())),
        None => (None, None),
    };
    super::exec(
        tx,
        "INSERT INTO lapor_updates (id_pembaruan, record_id, tracking_id, status, tanggapan_isi,
                                    tanggapan_oleh, waktu, effective_at, content_key, effect,
                                    source, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            u.id_pembaruan,
            record_id,
            u.tracking_id,
            row.status,
            isi,
            oleh,
            row.waktu,
            row.effective,
            row.content_key,
            row.effect.as_str(),
            u.source.as_str(),
            time::db(now)
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// A timeline event at LAPOR!'s (clamped) time rather than the time it was read.
fn event_at(
    tx: &Transaction<'_>,
    record_id: i64,
    at: &str,
    kind: &str,
    detail: &str,
) -> Result<()> {
    super::exec(
        tx,
        "INSERT INTO events (record_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4)",
        params![record_id, at, kind, detail],
    )?;
    Ok(())
}

#[cfg(test)]
#[path = "updates_tests.rs"]
mod tests;
