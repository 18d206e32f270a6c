//! LAPOR!'s updates, applied to records: each update read is stored once (by `id_pembaruan`),
//! moves the record's status only forward, and queues one write-back to the record's channel
//! when it changed something the citizen should see.

use std::collections::BTreeSet;

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::{Result, Store};
use crate::domain::RecordKey;
use crate::time;
use crate::wire::lapor::status;

/// The cursors-table key of LAPOR!'s feed; not a valid channel name, so it cannot collide.
const FEED_CURSOR: &str = "@lapor:pembaruan";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateSource {
    /// `GET /pembaruan`.
    Feed,
    /// `GET /laporan/{tracking_id}`: cursor recovery and the reconciliation sweep.
    Lookup,
}

impl UpdateSource {
    fn as_str(self) -> &'static str {
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
    fn as_str(self) -> &'static str {
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
    fn count(&mut self, e: Effect) {
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
        Ok(self
            .lock()
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
        let mut conn = self.lock();
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
        self.lock()
            .execute("DELETE FROM cursors WHERE channel = ?1", [FEED_CURSOR])?;
        Ok(())
    }

    /// Open complaints, least recently checked first; only those not checked since
    /// `checked_before` (all of them with `None`).
    pub fn open_complaints(
        &self,
        checked_before: Option<Timestamp>,
        limit: usize,
    ) -> Result<Vec<OpenComplaint>> {
        let conn = self.lock();
        let before = checked_before.map(time::db);
        let mut stmt = conn.prepare(
            "SELECT r.id, r.channel, r.local_id, r.tracking_id, r.lapor_status
             FROM records r
             WHERE r.tracking_id IS NOT NULL
               AND (r.lapor_status IS NULL
                    OR r.lapor_status NOT IN ('selesai', 'ditolak', 'diarsipkan'))
               AND (?1 IS NULL OR r.checked_at IS NULL OR r.checked_at < ?1)
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
        self.lock().execute(
            "UPDATE records SET checked_at = ?2 WHERE id = ?1",
            params![record_id, time::db(now)],
        )?;
        Ok(())
    }

    /// Updates stored per effect, for metrics and the demo summary.
    pub fn update_effect_counts(&self) -> Result<Vec<(String, u64)>> {
        let conn = self.lock();
        let mut stmt =
            conn.prepare("SELECT effect, COUNT(*) FROM lapor_updates GROUP BY effect ORDER BY 1")?;
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

fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.len().to_le_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

/// What the store holds of an update's record, read before deciding.
#[derive(Clone, Copy, Debug)]
pub(super) struct Known<'a> {
    /// The record's LAPOR! status, if any yet.
    pub status: Option<&'a str>,
    /// Whether the record has its tracking id (else this update brings it).
    pub has_tracking_id: bool,
    /// LAPOR!'s times are counted from no earlier than this (when it was forwarded), as stored.
    pub floor: &'a str,
    /// Whether this response (by content) was applied to the record before.
    pub response_seen: bool,
    /// Whether the record's channel takes write-backs.
    pub takes_writebacks: bool,
}

/// The `lapor_updates` row an update is stored as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct UpdateRow {
    pub status: String,
    pub waktu: String,
    pub effective: String,
    pub content_key: String,
    pub effect: Effect,
}

/// What an update does to its record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Change {
    pub row: UpdateRow,
    pub set_tracking_id: bool,
    /// The status it moves forward to, and the timeline detail.
    pub status: Option<(String, String)>,
    /// The timeline detail of a new response.
    pub tanggapan: Option<String>,
    /// Why it is recorded but not applied (the timeline detail).
    pub not_applied: Option<String>,
    /// The status a queued write-back carries; `None`: no write-back.
    pub writeback: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Decision {
    /// Stored before under this `id_pembaruan`: nothing is done.
    Duplicate,
    /// No record has it: only stored.
    UnknownRecord(UpdateRow),
    Record(Change),
}

impl Decision {
    fn effect(&self) -> Effect {
        match self {
            Decision::Duplicate => Effect::Duplicate,
            Decision::UnknownRecord(row) => row.effect,
            Decision::Record(c) => c.row.effect,
        }
    }
}

/// The identity of an update's content, which tells the same response under a new
/// `id_pembaruan` from a new one.
pub(super) fn content_key(u: &IncomingUpdate) -> String {
    let waktu = time::db(u.waktu);
    match (&u.tanggapan, &u.status) {
        (Some((isi, oleh)), _) => digest(&["tanggapan", &u.tracking_id, isi, oleh, &waktu]),
        (None, Some(s)) => digest(&["status", &u.tracking_id, s, &waktu]),
        (None, None) => digest(&["empty", &u.tracking_id, &waktu]),
    }
}

/// What one update does, from what the store holds: `seen` (its `id_pembaruan` is stored)
/// and its record, `None` when no record has it. Statuses move only forward; an older one
/// is stale, and an update that brings nothing new is recorded without being applied.
pub(super) fn decide(u: &IncomingUpdate, seen: bool, record: Option<Known<'_>>) -> Decision {
    if seen {
        return Decision::Duplicate;
    }
    let waktu = time::db(u.waktu);
    let content_key = content_key(u);
    let Some(r) = record else {
        return Decision::UnknownRecord(UpdateRow {
            status: u.status.clone().unwrap_or_default(),
            effective: waktu.clone(),
            waktu,
            content_key,
            effect: Effect::UnknownRecord,
        });
    };
    let effective = waktu.clone().max(r.floor.to_owned());
    let moves = u
        .status
        .as_deref()
        .is_some_and(|s| status::moves_forward(r.status, s));
    let new_response = u.tanggapan.is_some() && !r.response_seen;
    let older = u.status.as_deref().is_some_and(|s| {
        matches!((status::rank(s), r.status.and_then(status::rank)),
                 (Some(new), Some(cur)) if new < cur)
    });
    let effect = match (moves, new_response) {
        (true, true) => Effect::StatusTanggapan,
        (true, false) => Effect::Status,
        (false, true) => Effect::Tanggapan,
        (false, false) if older => Effect::Stale,
        (false, false) => Effect::SameContent,
    };
    let stored_status = u
        .status
        .clone()
        .or_else(|| r.status.map(str::to_owned))
        .unwrap_or_default();
    let src = u.source.as_str();
    let clamp_note = if effective != waktu {
        format!("; LAPOR! time {waktu} is before forwarding, counted from {effective}")
    } else {
        String::new()
    };
    let new_status = u.status.as_deref().filter(|_| moves).map(|s| {
        let detail = format!("{s} ({src} {}{clamp_note})", u.id_pembaruan);
        (s.to_owned(), detail)
    });
    let tanggapan = u
        .tanggapan
        .as_ref()
        .filter(|_| new_response)
        .map(|(isi, oleh)| format!("{oleh}: {isi}"));
    let not_applied = (!effect.applied()).then(|| {
        let why = match effect {
            Effect::Stale => format!(
                "older status {} after {}: recorded, not applied",
                stored_status,
                r.status.unwrap_or("-")
            ),
            _ if u.status.as_deref().is_some_and(|s| !status::is_known(s)) => format!(
                "unknown LAPOR! status {stored_status:?}: recorded, not applied; upgrade \
                 lapor-bridge if LAPOR! added a status"
            ),
            _ => "nothing new (same status and response again): recorded, not applied".into(),
        };
        format!("{} ({src}): {why}", u.id_pembaruan)
    });
    let writeback = (effect.applied() && r.takes_writebacks).then(|| {
        new_status
            .as_ref()
            .map(|(s, _)| s.clone())
            .or_else(|| r.status.map(str::to_owned))
            .unwrap_or_default()
    });
    Decision::Record(Change {
        row: UpdateRow {
            status: stored_status,
            waktu,
            effective,
            content_key,
            effect,
        },
        set_tracking_id: !r.has_tracking_id,
        status: new_status,
        tanggapan,
        not_applied,
        writeback,
    })
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

#[cfg(test)]
#[path = "updates_decide_tests.rs"]
mod decide_tests;
