//! Replay requests: `lapor-bridge replay` asks the running daemon to re-read a channel from
//! a time. The request is a settings row the channel's own intake stage honours on its next
//! step, so the daemon stays the only writer of the channel's cursor and the only holder of
//! its credentials; the stage records what the pass found and clears the request (only the
//! one it honoured: a newer request made meanwhile stays for the next step).

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{Result, Store, StoreError};
use crate::domain::ChannelName;
use crate::time;

/// A pending replay of one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayRequest {
    /// From when to re-read (UTC, store format).
    pub since: String,
    pub requested_at: String,
    pub by: String,
}

/// What a replay pass found, recorded when it finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayDone {
    pub request: ReplayRequest,
    pub finished_at: String,
    /// Records read, by outcome: new, updated, unchanged, edited_after_forward, requeued.
    pub new: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub edited_after_forward: u32,
    pub requeued: u32,
    /// CSV folders: files read again.
    pub files: u32,
}

pub(super) fn request_key(channel: &ChannelName) -> String {
    format!("replay.{channel}.request")
}

pub(super) fn done_key(channel: &ChannelName) -> String {
    format!("replay.{channel}.done")
}

impl Store {
    /// Asks for a replay of `channel` from `since`, replacing any pending request; forgets the
    /// previous outcome, so a caller can wait for this one's.
    pub fn request_replay(
        &self,
        channel: &ChannelName,
        since: Timestamp,
        by: &str,
        now: Timestamp,
    ) -> Result<ReplayRequest> {
        if let Some(pg) = self.pg() {
            return pg.request_replay(channel, since, by, now);
        }
        let req = ReplayRequest {
            since: time::db(since),
            requested_at: time::db(now),
            by: by.to_owned(),
        };
        let value = serde_json::to_string(&req).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.with_tx(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![request_key(channel), value],
            )?;
            tx.execute("DELETE FROM settings WHERE key = ?1", [done_key(channel)])?;
            Ok(())
        })?;
        Ok(req)
    }

    /// The pending replay of `channel`, if any (an unreadable row is dropped with a `None`).
    pub fn replay_request(&self, channel: &ChannelName) -> Result<Option<ReplayRequest>> {
        Ok(self
            .setting(&request_key(channel))?
            .and_then(|v| serde_json::from_str(&v).ok()))
    }

    /// Records a finished replay and clears its request, unless a newer one replaced it.
    pub fn finish_replay(&self, channel: &ChannelName, done: &ReplayDone) -> Result<()> {
        if let Some(pg) = self.pg() {
            return pg.finish_replay(channel, done);
        }
        let req =
            serde_json::to_string(&done.request).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let value = serde_json::to_string(done).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.with_tx(|tx| {
            let current: Option<String> = tx
                .query_row(
                    "SELECT value FROM settings WHERE key = ?1",
                    [request_key(channel)],
                    |r| r.get(0),
                )
                .optional()?;
            if current.as_deref() == Some(req.as_str()) {
                tx.execute(
                    "DELETE FROM settings WHERE key = ?1",
                    [request_key(channel)],
                )?;
            }
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![done_key(channel), value],
            )?;
            Ok(())
        })
    }

    /// The outcome of the last finished replay of `channel`.
    pub fn replay_done(&self, channel: &ChannelName) -> Result<Option<ReplayDone>> {
        Ok(self
            .setting(&done_key(channel))?
            .and_then(|v| serde_json::from_str(&v).ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_cleared_by_its_own_pass_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let ch = ChannelName::parse("sambat").unwrap();
        let since: Timestamp = "2024-07-29T01:00:00Z".parse().unwrap();
        let first = store
            .request_replay(&ch, since, "budi", Timestamp::now())
            .unwrap();
        assert_eq!(store.replay_request(&ch).unwrap(), Some(first.clone()));
        let second = store
            .request_replay(&ch, since, "siti", Timestamp::now())
            .unwrap();
        let done = |request: ReplayRequest| ReplayDone {
            request,
            finished_at: time::db(Timestamp::now()),
            new: 1,
            updated: 0,
            unchanged: 2,
            edited_after_forward: 1,
            requeued: 0,
            files: 0,
        };
        // The pass that honoured the first request finishes after the second was made.
        store.finish_replay(&ch, &done(first)).unwrap();
        assert_eq!(store.replay_request(&ch).unwrap(), Some(second.clone()));
        store.finish_replay(&ch, &done(second.clone())).unwrap();
        assert_eq!(store.replay_request(&ch).unwrap(), None);
        assert_eq!(store.replay_done(&ch).unwrap().unwrap().request, second);
    }
}
