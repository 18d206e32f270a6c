//! Cache of LAPOR! reference data. An id missing from one fetch is kept until it has been
//! missing from `grace` fetches in a row, so one bad answer does not hold every record.

use std::collections::BTreeSet;

use jiff::Timestamp;
use rusqlite::params;
use serde::Serialize;

use super::{Result, Store};
use crate::time;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReferenceItem {
    pub id: i64,
    pub nama: String,
    pub induk_id: Option<i64>,
}

impl Store {
    /// Stores one fetch of `kind` (`kategori` or `instansi`); returns the ids forgotten now.
    pub fn store_reference(
        &self,
        kind: &str,
        items: &[ReferenceItem],
        grace: u32,
        now: Timestamp,
    ) -> Result<Vec<i64>> {
        if let Some(pg) = self.pg() {
            return pg.store_reference(kind, items, grace, now);
        }
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE reference SET missing_fetches = missing_fetches + 1 WHERE kind = ?1",
            [kind],
        )?;
        for it in items {
            tx.execute(
                "INSERT INTO reference (kind, id, nama, induk_id, missing_fetches, fetched_at)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5)
                 ON CONFLICT (kind, id) DO UPDATE SET nama = excluded.nama,
                   induk_id = excluded.induk_id, missing_fetches = 0, fetched_at = excluded.fetched_at",
                params![kind, it.id, it.nama, it.induk_id, time::db(now)],
            )?;
        }
        let forgotten = {
            let mut stmt = tx.prepare(
                "SELECT id FROM reference WHERE kind = ?1 AND missing_fetches >= ?2 ORDER BY id",
            )?;
            let ids = stmt.query_map(params![kind, grace.max(1)], |r| r.get(0))?;
            ids.collect::<rusqlite::Result<Vec<i64>>>()?
        };
        tx.execute(
            "DELETE FROM reference WHERE kind = ?1 AND missing_fetches >= ?2",
            params![kind, grace.max(1)],
        )?;
        tx.commit()?;
        Ok(forgotten)
    }

    pub fn reference_ids(&self, kind: &str) -> Result<BTreeSet<i64>> {
        if let Some(pg) = self.pg() {
            return pg.reference_ids(kind);
        }
        let conn = self.read()?;
        let mut stmt = conn.prepare_cached("SELECT id FROM reference WHERE kind = ?1")?;
        let ids = stmt.query_map([kind], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    pub fn reference_items(&self, kind: &str) -> Result<Vec<ReferenceItem>> {
        if let Some(pg) = self.pg() {
            return pg.reference_items(kind);
        }
        let conn = self.read()?;
        let mut stmt =
            conn.prepare("SELECT id, nama, induk_id FROM reference WHERE kind = ?1 ORDER BY id")?;
        let rows = stmt.query_map([kind], |r| {
            Ok(ReferenceItem {
                id: r.get(0)?,
                nama: r.get(1)?,
                induk_id: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    fn item(id: i64) -> ReferenceItem {
        ReferenceItem {
            id,
            nama: format!("k{id}"),
            induk_id: Some(0),
        }
    }

    #[test]
    fn a_category_missing_from_one_fetch_is_not_forgotten_at_once() {
        let (_d, store) = temp_store();
        let now = Timestamp::now();
        store
            .store_reference("kategori", &[item(1), item(2)], 3, now)
            .unwrap();
        for _ in 0..2 {
            let gone = store
                .store_reference("kategori", &[item(1)], 3, now)
                .unwrap();
            assert!(gone.is_empty());
            assert!(store.reference_ids("kategori").unwrap().contains(&2));
        }
        let gone = store
            .store_reference("kategori", &[item(1)], 3, now)
            .unwrap();
        assert_eq!(gone, vec![2]);
        assert_eq!(
            store.reference_ids("kategori").unwrap(),
            BTreeSet::from([1])
        );
        // Back in a later fetch: known again.
        store
            .store_reference("kategori", &[item(1), item(2)], 3, now)
            .unwrap();
        assert!(store.reference_ids("kategori").unwrap().contains(&2));
        assert!(store.reference_ids("instansi").unwrap().is_empty());
    }
}
