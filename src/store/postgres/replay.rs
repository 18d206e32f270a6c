//! Replay requests on the PostgreSQL store (`replay.rs` of the SQLite store). Reading a
//! request or an outcome is a settings read, which `Store::setting` already sends here.

use jiff::Timestamp;

use super::PgStore;
use crate::domain::ChannelName;
use crate::store::replay::{done_key, request_key, ReplayDone, ReplayRequest};
use crate::store::StoreError;
use crate::time;

impl PgStore {
    /// Asks for a replay of `channel` from `since`, replacing any pending request; forgets the
    /// previous outcome.
    pub fn request_replay(
        &self,
        channel: &ChannelName,
        since: Timestamp,
        by: &str,
        now: Timestamp,
    ) -> crate::store::Result<ReplayRequest> {
        let req = ReplayRequest {
            since: time::db(since),
            requested_at: time::db(now),
            by: by.to_owned(),
        };
        let value = serde_json::to_string(&req).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut c = self.client()?;
        self.wait(async {
            let tx = c.transaction().await?;
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&request_key(channel), &value],
            )
            .await?;
            tx.execute("DELETE FROM settings WHERE key = $1", &[&done_key(channel)])
                .await?;
            tx.commit().await?;
            Ok(())
        })?;
        Ok(req)
    }

    /// Records a finished replay and clears its request, unless a newer one replaced it.
    pub fn finish_replay(
        &self,
        channel: &ChannelName,
        done: &ReplayDone,
    ) -> crate::store::Result<()> {
        let req =
            serde_json::to_string(&done.request).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let value = serde_json::to_string(done).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut c = self.client()?;
        self.wait(async {
            let tx = c.transaction().await?;
            // Compared and deleted in one statement: a newer request stored meanwhile by
            // another replica's `replay` is never the one deleted.
            tx.execute(
                "DELETE FROM settings WHERE key = $1 AND value = $2",
                &[&request_key(channel), &req],
            )
            .await?;
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&done_key(channel), &value],
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
