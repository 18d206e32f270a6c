//! Settings, durable counters and channel cursors on the PostgreSQL store (`settings.rs`,
//! `counters.rs` and `cursors.rs` of the SQLite store).

use jiff::Timestamp;
use tokio_postgres::GenericClient;

use super::{PgStore, Result};
use crate::domain::ChannelName;
use crate::time;

impl PgStore {
    pub fn setting(&self, key: &str) -> crate::store::Result<Option<String>> {
        let c = self.client()?;
        self.wait(async {
            Ok(
                c.query_opt("SELECT value FROM settings WHERE key = $1", &[&key])
                    .await?
                    .map(|r| r.get(0)),
            )
        })
    }

    pub fn set_setting(&self, key: &str, value: &str) -> crate::store::Result<()> {
        let c = self.client()?;
        self.wait(async {
            c.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )
            .await?;
            Ok(())
        })
    }

    /// Adds `by` to the counter `name` and returns the new value, in one statement (two
    /// replicas bumping at once both count).
    pub fn bump_counter(&self, name: &str, by: u64) -> crate::store::Result<u64> {
        let key = format!("counter.{name}");
        let c = self.client()?;
        self.wait(async {
            let v: String = c
                .query_one(
                    "INSERT INTO settings (key, value) VALUES ($1, $2::bigint::text)
                     ON CONFLICT (key) DO UPDATE
                         SET value = (settings.value::bigint + $2::bigint)::text
                     RETURNING value",
                    &[&key, &(by as i64)],
                )
                .await?
                .get(0);
            Ok(v.parse().unwrap_or(0))
        })
    }

    pub fn cursor(&self, channel: &ChannelName) -> crate::store::Result<Option<String>> {
        let c = self.client()?;
        self.wait(async {
            Ok(c.query_opt(
                "SELECT value FROM cursors WHERE channel = $1",
                &[&channel.as_str()],
            )
            .await?
            .map(|r| r.get(0)))
        })
    }
}

/// Sets a channel's cursor inside the caller's transaction.
pub(super) async fn set_cursor(
    tx: &impl GenericClient,
    channel: &ChannelName,
    value: &str,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        "INSERT INTO cursors (channel, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (channel) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        &[&channel.as_str(), &value, &time::db(now)],
    )
    .await?;
    Ok(())
}
