//! Channel cursors (e.g. SAMBAT's last `diperbarui` covered, LAPOR!'s feed cursor).

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Transaction};

use super::{Result, Store};
use crate::domain::ChannelName;
use crate::time;

impl Store {
    pub fn cursor(&self, channel: &ChannelName) -> Result<Option<String>> {
        if let Some(pg) = self.pg() {
            return pg.cursor(channel);
        }
        Ok(self
            .read()?
            .query_row(
                "SELECT value FROM cursors WHERE channel = ?1",
                [channel.as_str()],
                |r| r.get(0),
            )
            .optional()?)
    }
}

pub(super) fn set_in(
    tx: &Transaction<'_>,
    channel: &ChannelName,
    value: &str,
    now: Timestamp,
) -> Result<()> {
    tx.execute(
        "INSERT INTO cursors (channel, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (channel) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        params![channel.as_str(), value, time::db(now)],
    )?;
    Ok(())
}
