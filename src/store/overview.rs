//! Per-channel queue figures for the service's metrics, readiness and `lapor-bridge status`,
//! and a read-only way to open the store from an operator's shell while the daemon runs.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use super::{migrations, Result, Store, StoreError};
use crate::time;

/// One channel's records as the store holds them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChannelQueue {
    pub channel: String,
    /// Every record ever committed for this channel.
    pub received: u64,
    pub pending: u64,
    pub held: u64,
    pub forwarded: u64,
    pub dead: u64,
    /// Dead or held records an operator acknowledged.
    pub acknowledged: u64,
    /// Records a dry-run daemon validated (never sent, never acknowledged by anyone).
    pub dry_run_checked: u64,
    /// Attempts spent on the channel's records (as the store counts them).
    pub attempts: u64,
    /// When the oldest still-pending record was received.
    pub oldest_pending_at: Option<Timestamp>,
    /// The newest record's first commit.
    pub last_received_at: Option<Timestamp>,
    /// When the channel's cursor last moved or was confirmed (polled channels).
    pub cursor_updated_at: Option<Timestamp>,
    /// The last forward to LAPOR! of this channel's records.
    pub last_forwarded_at: Option<Timestamp>,
}

impl Store {
    /// Opens an existing store read-only (no migrations, no writes): for `status` while the
    /// daemon runs. SQLite's WAL lets it read alongside the daemon's writes.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::Invalid(format!(
                "no store at {}; has lapor-bridge run yet?",
                path.display()
            )));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        super::plan_once(&conn)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > migrations::LATEST {
            return Err(StoreError::TooNew {
                found: version,
                known: migrations::LATEST,
            });
        }
        Ok(Store::single(conn))
    }

    /// Queue figures of every channel that has records or a cursor, sorted by channel. Reads
    /// the counts the triggers of migration 7 keep and the pending rows only (through the
    /// outbox's state index), never every record: it runs at every status interval.
    pub fn channel_queues(&self) -> Result<Vec<ChannelQueue>> {
        if let Some(pg) = self.pg() {
            return pg.channel_queues();
        }
        let conn = self.read()?;
        let mut by: BTreeMap<String, ChannelQueue> = BTreeMap::new();
        let ts = |s: Option<String>| s.as_deref().and_then(time::parse_db);
        {
            let mut stmt = conn.prepare_cached(
                "SELECT channel, state, records, attempts FROM queue_counts WHERE records > 0",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let q = queue(&mut by, r.get(0)?);
                let state: String = r.get(1)?;
                let n = r.get::<_, i64>(2)? as u64;
                q.received += n;
                q.attempts += r.get::<_, i64>(3)? as u64;
                match state.as_str() {
                    "pending" => q.pending += n,
                    "held" => q.held += n,
                    "forwarded" => q.forwarded += n,
                    "dead" => q.dead += n,
                    "dry_run_checked" => q.dry_run_checked += n,
                    _ => q.acknowledged += n,
                }
            }
        }
        {
            let mut stmt = conn.prepare_cached(
                "SELECT channel, last_received_at, last_forwarded_at FROM channel_times",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let channel: String = r.get(0)?;
                // Only channels that hold records have figures (no row is ever deleted, so
                // this is every channel with a row here).
                if let Some(q) = by.get_mut(&channel) {
                    q.last_received_at = ts(r.get(1)?);
                    q.last_forwarded_at = ts(r.get(2)?);
                }
            }
        }
        {
            let mut stmt = conn.prepare_cached(
                "SELECT r.channel, MIN(r.received_at)
                 FROM outbox o JOIN records r ON r.id = o.record_id
                 WHERE o.state = 'pending' GROUP BY r.channel",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let q = queue(&mut by, r.get(0)?);
                q.oldest_pending_at = ts(r.get(1)?);
            }
        }
        // '@…' keys are the bridge's own cursors (LAPOR!'s feed), not channels.
        let mut stmt = conn.prepare_cached(
            "SELECT channel, updated_at FROM cursors WHERE channel NOT LIKE '@%'",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let q = queue(&mut by, r.get(0)?);
            q.cursor_updated_at = ts(r.get(1)?);
        }
        Ok(by.into_values().collect())
    }

    /// Writes and reads back a probe row: is the store writable right now?
    pub fn probe_writable(&self, now: Timestamp) -> Result<()> {
        if let Some(pg) = self.pg() {
            return pg.probe_writable(now);
        }
        let value = time::db(now);
        self.set_setting("service.write_probe", &value)?;
        let back: Option<String> = self
            .lock()?
            .query_row(
                "SELECT value FROM settings WHERE key = 'service.write_probe'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        match back {
            Some(v) if v == value => Ok(()),
            _ => Err(StoreError::Invalid(
                "the write probe did not read back".into(),
            )),
        }
    }
}

pub(super) fn queue(by: &mut BTreeMap<String, ChannelQueue>, channel: String) -> &mut ChannelQueue {
    by.entry(channel.clone()).or_insert_with(|| ChannelQueue {
        channel,
        ..Default::default()
    })
}

#[cfg(test)]
#[path = "overview_tests.rs"]
mod overview_tests;

#[cfg(test)]
mod tests {
    use crate::store::testing::temp_store;

    #[test]
    fn empty_store_has_no_queues_and_is_writable() {
        let (dir, store) = temp_store();
        assert!(store.channel_queues().unwrap().is_empty());
        store.probe_writable(jiff::Timestamp::now()).unwrap();
        let ro = super::Store::open_read_only(&dir.path().join("test.db")).unwrap();
        assert!(ro.channel_queues().unwrap().is_empty());
        assert!(ro.probe_writable(jiff::Timestamp::now()).is_err());
    }
}
