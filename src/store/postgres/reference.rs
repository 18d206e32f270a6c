//! The LAPOR! reference cache on the PostgreSQL store (`reference.rs` of the SQLite store).

use std::collections::BTreeSet;

use jiff::Timestamp;

use super::PgStore;
use crate::store::ReferenceItem;
use crate::time;

impl PgStore {
    /// Stores one fetch of `kind`; returns the ids forgotten now.
    pub fn store_reference(
        &self,
        kind: &str,
        items: &[ReferenceItem],
        grace: u32,
        now: Timestamp,
    ) -> crate::store::Result<Vec<i64>> {
        let grace = i64::from(grace.max(1));
        let now_s = time::db(now);
        let mut c = self.client()?;
        self.wait(async {
            let tx = c.transaction().await?;
            // Two replicas' fetches one after the other, as SQLite's writer has them: else an
            // id one fetch inserts misses the other's count of fetches it was absent from.
            // Readers are not held up.
            tx.batch_execute("LOCK TABLE reference IN SHARE ROW EXCLUSIVE MODE")
                .await?;
            tx.execute(
                "UPDATE reference SET missing_fetches = missing_fetches + 1 WHERE kind = $1",
                &[&kind],
            )
            .await?;
            let upsert = tx
                .prepare(
                    "INSERT INTO reference (kind, id, nama, induk_id, missing_fetches, fetched_at)
                     VALUES ($1, $2, $3, $4, 0, $5)
                     ON CONFLICT (kind, id) DO UPDATE SET nama = excluded.nama,
                       induk_id = excluded.induk_id, missing_fetches = 0,
                       fetched_at = excluded.fetched_at",
                )
                .await?;
            for it in items {
                tx.execute(&upsert, &[&kind, &it.id, &it.nama, &it.induk_id, &now_s])
                    .await?;
            }
            let forgotten = tx
                .query(
                    "DELETE FROM reference WHERE kind = $1 AND missing_fetches >= $2 RETURNING id",
                    &[&kind, &grace],
                )
                .await?;
            let mut forgotten: Vec<i64> = forgotten.iter().map(|r| r.get(0)).collect();
            forgotten.sort_unstable();
            tx.commit().await?;
            Ok(forgotten)
        })
    }

    pub fn reference_ids(&self, kind: &str) -> crate::store::Result<BTreeSet<i64>> {
        let c = self.client()?;
        self.wait(async {
            let rows = c
                .query("SELECT id FROM reference WHERE kind = $1", &[&kind])
                .await?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }

    pub fn reference_items(&self, kind: &str) -> crate::store::Result<Vec<ReferenceItem>> {
        let c = self.client()?;
        self.wait(async {
            let rows = c
                .query(
                    "SELECT id, nama, induk_id FROM reference WHERE kind = $1 ORDER BY id",
                    &[&kind],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| ReferenceItem {
                    id: r.get(0),
                    nama: r.get(1),
                    induk_id: r.get(2),
                })
                .collect())
        })
    }
}
