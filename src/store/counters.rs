//! Durable named counters (e.g. deliveries a channel's filter ignored), kept in `settings`
//! under `counter.<name>`, so they survive restarts without a schema change.

use super::{Result, Store};

impl Store {
    /// Adds `by` to the counter `name` and returns the new value.
    pub fn bump_counter(&self, name: &str, by: u64) -> Result<u64> {
        if let Some(pg) = self.pg() {
            return pg.bump_counter(name, by);
        }
        let key = format!("counter.{name}");
        let conn = self.lock()?;
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, CAST(?2 AS TEXT))
             ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + ?2 AS TEXT)",
            rusqlite::params![key, by as i64],
        )?;
        let v: String =
            conn.query_row("SELECT value FROM settings WHERE key = ?1", [&key], |r| {
                r.get(0)
            })?;
        Ok(v.parse().unwrap_or(0))
    }

    /// The counter `name`, 0 when never bumped.
    pub fn counter(&self, name: &str) -> Result<u64> {
        Ok(self
            .setting(&format!("counter.{name}"))?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use crate::store::testing::temp_store;

    #[test]
    fn counters_add_up() {
        let (_d, store) = temp_store();
        assert_eq!(store.counter("x").unwrap(), 0);
        assert_eq!(store.bump_counter("x", 1).unwrap(), 1);
        assert_eq!(store.bump_counter("x", 2).unwrap(), 3);
        assert_eq!(store.counter("x").unwrap(), 3);
    }
}
