//! Per-channel queue figures and the write probe on the PostgreSQL store (`overview.rs` of the
//! SQLite store), from the same counts, which the schema's triggers keep.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::PgStore;
use crate::store::overview::queue;
use crate::store::{ChannelQueue, StoreError};
use crate::time;

impl PgStore {
    /// Queue figures of every channel that has records or a cursor, sorted by channel.
    pub fn channel_queues(&self) -> crate::store::Result<Vec<ChannelQueue>> {
        let c = self.client()?;
        self.wait(async {
            let mut by: BTreeMap<String, ChannelQueue> = BTreeMap::new();
            let ts = |s: Option<String>| s.as_deref().and_then(time::parse_db);
            for r in c
                .query(
                    "SELECT channel, state, records, attempts FROM queue_counts WHERE records > 0",
                    &[],
                )
                .await?
            {
                let q = queue(&mut by, r.get(0));
                let state: &str = r.get(1);
                let n = r.get::<_, i64>(2) as u64;
                q.received += n;
                q.attempts += r.get::<_, i64>(3) as u64;
                match state {
                    "pending" => q.pending += n,
                    "held" => q.held += n,
                    "forwarded" => q.forwarded += n,
                    "dead" => q.dead += n,
                    "dry_run_checked" => q.dry_run_checked += n,
                    _ => q.acknowledged += n,
                }
            }
            for r in c
                .query(
                    "SELECT channel, last_received_at, last_forwarded_at FROM channel_times",
                    &[],
                )
                .await?
            {
                // Only channels that hold records have figures.
                if let Some(q) = by.get_mut(r.get::<_, &str>(0)) {
                    q.last_received_at = ts(r.get(1));
                    q.last_forwarded_at = ts(r.get(2));
                }
            }
            for r in c
                .query(
                    "SELECT r.channel, MIN(r.received_at)
                     FROM outbox o JOIN records r ON r.id = o.record_id
                     WHERE o.state = 'pending' GROUP BY r.channel",
                    &[],
                )
                .await?
            {
                queue(&mut by, r.get(0)).oldest_pending_at = ts(r.get(1));
            }
            // '@…' keys are the bridge's own cursors (LAPOR!'s feed), not channels.
            for r in c
                .query(
                    "SELECT channel, updated_at FROM cursors WHERE channel NOT LIKE '@%'",
                    &[],
                )
                .await?
            {
                queue(&mut by, r.get(0)).cursor_updated_at = ts(r.get(1));
            }
            Ok(by.into_values().collect())
        })
    }

    /// Writes and reads back a probe row: is the store writable right now?
    pub fn probe_writable(&self, now: Timestamp) -> crate::store::Result<()> {
        let value = time::db(now);
        self.set_setting("service.write_probe", &value)?;
        match self.setting("service.write_probe")? {
            Some(v) if v == value => Ok(()),
            _ => Err(StoreError::Invalid(
                "the write probe did not read back".into(),
            )),
        }
    }
}
