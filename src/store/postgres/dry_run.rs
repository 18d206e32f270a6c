//! The store's mode and the dry run's requeueing on the PostgreSQL store (`dry_run.rs` of the
//! SQLite store): what a daemon does at start and its forwarder before each claim. The
//! dry-run report stays on SQLite for now.

use jiff::Timestamp;

use super::PgStore;
use crate::config::Mode;
use crate::store::dry_run::{mode_claimed, mode_name, MODE_SETTING};
use crate::time;

impl PgStore {
    /// Records `mode` on first use; returns the mode the store already has when it differs.
    /// Replicas starting together: the first insert wins, the others read its mode.
    pub fn claim_mode(&self, mode: Mode) -> crate::store::Result<Result<(), Mode>> {
        let c = self.client()?;
        self.wait(async {
            c.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                &[&MODE_SETTING, &mode_name(mode)],
            )
            .await?;
            let found: String = c
                .query_one(
                    "SELECT value FROM settings WHERE key = $1",
                    &[&MODE_SETTING],
                )
                .await?
                .get(0);
            Ok(mode_claimed(&found, mode))
        })
    }

    /// Dry run only: every checked or held record is queued to be checked again.
    pub fn dry_run_requeue_all(&self, now: Timestamp) -> crate::store::Result<usize> {
        let c = self.client()?;
        self.wait(async {
            Ok(c.execute(
                "UPDATE outbox SET state = 'pending', next_attempt_at = $1, in_doubt = 0
                 WHERE state IN ('dry_run_checked', 'held')",
                &[&time::db(now)],
            )
            .await? as usize)
        })
    }

    /// Dry run only: records intake held go to the checker too.
    pub fn dry_run_release_held(&self, now: Timestamp) -> crate::store::Result<usize> {
        let c = self.client()?;
        self.wait(async {
            Ok(c.execute(
                "UPDATE outbox SET state = 'pending', next_attempt_at = $1 WHERE state = 'held'",
                &[&time::db(now)],
            )
            .await? as usize)
        })
    }
}
