//! LAPOR!'s updates on the PostgreSQL store (`updates.rs` of the SQLite store), decided by the
//! same pure functions (`updates_decide.rs`). Replicas may apply updates at once (one reads
//! the feed while another's reconciliation sweep looks complaints up, or a page is read again
//! after a takeover): each update locks its record's row before reading what it decides from,
//! so two updates of one record are decided one after the other, and the unique
//! `id_pembaruan` settles the same update stored by two at once: the later one finds it
//! stored and does nothing, as a duplicate.

use std::collections::BTreeSet;

use jiff::Timestamp;
use tokio_postgres::GenericClient;

use super::{PgStore, Result};
use crate::domain::RecordKey;
use crate::store::updates::decide::{content_key, decide, Decision, Known, UpdateRow};
use crate::store::updates::FEED_CURSOR;
use crate::store::{ApplyReport, Effect, IncomingUpdate, OpenComplaint};
use crate::time;

impl PgStore {
    pub fn feed_cursor(&self) -> crate::store::Result<Option<String>> {
        let c = self.client()?;
        self.wait(async {
            Ok(c.query_opt(
                "SELECT value FROM cursors WHERE channel = $1",
                &[&FEED_CURSOR],
            )
            .await?
            .map(|r| r.get(0)))
        })
    }

    /// Stores a page of updates and then the cursor after it, in one transaction: a crash
    /// before the commit reads the page again (deduplicated), never skips it.
    pub fn apply_updates(
        &self,
        updates: &[IncomingUpdate],
        next_cursor: Option<&str>,
        writeback_channels: &BTreeSet<String>,
        now: Timestamp,
    ) -> crate::store::Result<(ApplyReport, Vec<(RecordKey, Effect)>)> {
        let mut c = self.client()?;
        self.wait(async {
            let tx = c.transaction().await?;
            let mut report = ApplyReport::default();
            let mut effects = Vec::with_capacity(updates.len());
            for u in updates {
                let (effect, key, queued) = apply_one(&tx, u, writeback_channels, now).await?;
                report.count(effect);
                report.writebacks_queued += usize::from(queued);
                if let Some(key) = key {
                    effects.push((key, effect));
                }
            }
            if let Some(cursor) = next_cursor {
                tx.execute(
                    "INSERT INTO cursors (channel, value, updated_at) VALUES ($1, $2, $3)
                     ON CONFLICT (channel) DO UPDATE SET value = excluded.value,
                                                         updated_at = excluded.updated_at",
                    &[&FEED_CURSOR, &cursor, &time::db(now)],
                )
                .await?;
            }
            tx.commit().await?;
            Ok((report, effects))
        })
    }

    /// Forgets the feed cursor (LAPOR! no longer knows it): the next read starts from the
    /// beginning, deduplicated.
    pub fn clear_feed_cursor(&self) -> crate::store::Result<()> {
        let c = self.client()?;
        self.wait(async {
            c.execute("DELETE FROM cursors WHERE channel = $1", &[&FEED_CURSOR])
                .await?;
            Ok(())
        })
    }

    /// Open complaints, least recently checked first; only those not checked since
    /// `checked_before` (all of them with `None`).
    pub fn open_complaints(
        &self,
        checked_before: Option<Timestamp>,
        limit: usize,
    ) -> crate::store::Result<Vec<OpenComplaint>> {
        let before = checked_before.map(time::db);
        let c = self.client()?;
        self.wait(async {
            let rows = c
                .query(
                    "SELECT r.id, r.channel, r.local_id, r.tracking_id, r.lapor_status
                     FROM records r
                     WHERE r.tracking_id IS NOT NULL
                       AND (r.lapor_status IS NULL
                            OR r.lapor_status NOT IN ('selesai', 'ditolak', 'diarsipkan'))
                       AND ($1::text IS NULL OR ((r.checked_at IS NULL OR r.checked_at < $1)
                            AND NOT EXISTS (SELECT 1 FROM outbox o
                                            WHERE o.record_id = r.id AND o.forwarded_at >= $1)
                            AND NOT EXISTS (SELECT 1 FROM lapor_updates u
                                            WHERE u.record_id = r.id AND u.received_at >= $1)))
                     ORDER BY r.checked_at IS NOT NULL, r.checked_at, r.id
                     LIMIT $2",
                    &[&before, &super::limit(limit)],
                )
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let (channel, local_id): (String, String) = (r.get(1), r.get(2));
                let Ok(key) = RecordKey::parse(&format!("{channel}:{local_id}")) else {
                    continue;
                };
                out.push(OpenComplaint {
                    record_id: r.get(0),
                    key,
                    tracking_id: r.get(3),
                    lapor_status: r.get(4),
                });
            }
            Ok(out)
        })
    }

    pub fn mark_checked(&self, record_id: i64, now: Timestamp) -> crate::store::Result<()> {
        let c = self.client()?;
        self.wait(async {
            c.execute(
                "UPDATE records SET checked_at = $2 WHERE id = $1",
                &[&record_id, &time::db(now)],
            )
            .await?;
            Ok(())
        })
    }

    /// Updates stored per effect, for metrics and the demo summary.
    pub fn update_effect_counts(&self) -> crate::store::Result<Vec<(String, u64)>> {
        let c = self.client()?;
        self.wait(async {
            // Kept by v1.sql's trigger, in the transactions that store the updates.
            let rows = c
                .query(
                    "SELECT effect, n FROM update_effect_counts WHERE n > 0 ORDER BY 1",
                    &[],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
                .collect())
        })
    }
}

struct Target {
    id: i64,
    key: RecordKey,
    tracking_id: Option<String>,
    status: Option<String>,
    floor: String,
}

/// The update's record, its row locked until the commit: what is decided from it stays true
/// until the decision is stored.
async fn find_record(tx: &impl GenericClient, u: &IncomingUpdate) -> Result<Option<Target>> {
    const SELECT: &str = "SELECT r.id, r.channel, r.local_id, r.tracking_id, r.lapor_status,
                                 coalesce(o.forwarded_at, r.received_at)
                          FROM records r JOIN outbox o ON o.record_id = r.id";
    // Tracking ids are not unique in the schema: the oldest record, as SQLite's index order.
    let mut found = tx
        .query_opt(
            &format!("{SELECT} WHERE r.tracking_id = $1 ORDER BY r.id LIMIT 1 FOR UPDATE OF r"),
            &[&u.tracking_id],
        )
        .await?;
    if found.is_none() {
        if let Some(key) = u
            .id_eksternal
            .as_deref()
            .and_then(|k| RecordKey::parse(k).ok())
        {
            // Only a record without a tracking id yet: one with another tracking id is
            // another complaint. Or one that got this very tracking id while this waited
            // for its row (the create answer, recorded by another replica): SQLite's single
            // writer would have found it by the tracking id above.
            found = tx
                .query_opt(
                    &format!(
                        "{SELECT} WHERE r.channel = $1 AND r.local_id = $2
                           AND (r.tracking_id IS NULL OR r.tracking_id = $3)
                         FOR UPDATE OF r"
                    ),
                    &[&key.channel.as_str(), &key.local_id, &u.tracking_id],
                )
                .await?;
        }
    }
    Ok(found.and_then(|r| {
        let (channel, local_id): (String, String) = (r.get(1), r.get(2));
        let key = RecordKey::parse(&format!("{channel}:{local_id}")).ok()?;
        Some(Target {
            id: r.get(0),
            key,
            tracking_id: r.get(3),
            status: r.get(4),
            floor: r.get(5),
        })
    }))
}

/// Applies one update; returns its effect, the record it belongs to, and whether a
/// write-back was queued.
async fn apply_one(
    tx: &impl GenericClient,
    u: &IncomingUpdate,
    writeback_channels: &BTreeSet<String>,
    now: Timestamp,
) -> Result<(Effect, Option<RecordKey>, bool)> {
    let seen = tx
        .query_opt(
            "SELECT 1 FROM lapor_updates WHERE id_pembaruan = $1",
            &[&u.id_pembaruan],
        )
        .await?
        .is_some();
    let target = if seen {
        None
    } else {
        find_record(tx, u).await?
    };
    let response_seen = match (&target, &u.tanggapan) {
        (Some(t), Some(_)) => tx
            .query_opt(
                "SELECT 1 FROM lapor_updates WHERE record_id = $1 AND content_key = $2
                   AND effect IN ('tanggapan', 'status_tanggapan')
                 LIMIT 1",
                &[&t.id, &content_key(u)],
            )
            .await?
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
    let record = target.as_ref().map(|t| (t.id, t.key.channel.as_str()));
    match run(tx, u, record, &decision, now).await? {
        Some(queued) => Ok((decision.effect(), target.map(|t| t.key), queued)),
        // Another replica stored it after `seen` was read: a duplicate, as SQLite would
        // have found it had the two come one after the other.
        None => Ok((Effect::Duplicate, None, false)),
    }
}

/// Runs the statements of a decision; whether a write-back was queued, `None` when the
/// update turned out to be stored already (then nothing was done).
async fn run(
    tx: &impl GenericClient,
    u: &IncomingUpdate,
    record: Option<(i64, &str)>,
    decision: &Decision,
    now: Timestamp,
) -> Result<Option<bool>> {
    let (c, (id, channel)) = match (decision, record) {
        (Decision::Duplicate, _) => return Ok(Some(false)),
        (Decision::UnknownRecord(row), _) => {
            return Ok(insert_update(tx, u, None, row, now).await?.map(|_| false));
        }
        (Decision::Record(c), Some(r)) => (c, r),
        (Decision::Record(_), None) => unreachable!("a record decision is made for a record"),
    };
    // First, so that a lost race leaves the record as the winner made it.
    let Some(update_id) = insert_update(tx, u, Some(id), &c.row, now).await? else {
        return Ok(None);
    };
    if c.set_tracking_id {
        tx.execute(
            "UPDATE records SET tracking_id = $2 WHERE id = $1",
            &[&id, &u.tracking_id],
        )
        .await?;
    }
    let effective = &c.row.effective;
    if let Some((s, detail)) = &c.status {
        tx.execute(
            "UPDATE records SET lapor_status = $2, lapor_status_at = $3 WHERE id = $1",
            &[&id, s, effective],
        )
        .await?;
        event_at(tx, id, effective, "lapor_status", detail).await?;
    }
    if let Some(detail) = &c.tanggapan {
        event_at(tx, id, effective, "tanggapan", detail).await?;
    }
    if let Some(why) = &c.not_applied {
        super::outbox::event(tx, id, now, "update_not_applied", Some(why)).await?;
    }
    let Some(status_after) = &c.writeback else {
        return Ok(Some(false));
    };
    tx.execute(
        "INSERT INTO writebacks (record_id, update_id, channel, state, lapor_status,
                                 next_attempt_at, created_at)
         VALUES ($1, $2, $3, 'pending', $4, $5, $5)",
        &[&id, &update_id, &channel, status_after, &time::db(now)],
    )
    .await?;
    Ok(Some(true))
}

/// The update's row and its id; `None` when its `id_pembaruan` is stored already (by another
/// replica since it was looked for).
async fn insert_update(
    tx: &impl GenericClient,
    u: &IncomingUpdate,
    record_id: Option<i64>,
    row: &UpdateRow,
    now: Timestamp,
) -> Result<Option<i64>> {
    let (isi, oleh) = match &u.tanggapan {
        Some((i, o)) => (Some(i.as_str()), Some(o.as_str())),
        None => (None, None),
    };
    Ok(tx
        .query_opt(
            "INSERT INTO lapor_updates (id_pembaruan, record_id, tracking_id, status,
                                        tanggapan_isi, tanggapan_oleh, waktu, effective_at,
                                        content_key, effect, source, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (id_pembaruan) DO NOTHING
             RETURNING id",
            &[
                &u.id_pembaruan,
                &record_id,
                &u.tracking_id,
                &row.status,
                &isi,
                &oleh,
                &row.waktu,
                &row.effective,
                &row.content_key,
                &row.effect.as_str(),
                &u.source.as_str(),
                &time::db(now),
            ],
        )
        .await?
        .map(|r| r.get(0)))
}

/// A timeline event at LAPOR!'s (clamped) time rather than the time it was read.
async fn event_at(
    tx: &impl GenericClient,
    record_id: i64,
    at: &str,
    kind: &str,
    detail: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO events (record_id, at, kind, detail) VALUES ($1, $2, $3, $4)",
        &[&record_id, &at, &kind, &detail],
    )
    .await?;
    Ok(())
}
