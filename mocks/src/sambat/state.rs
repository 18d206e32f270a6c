//! What the SAMBAT mock remembers, behind one mutex.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Mutex, MutexGuard};

use jiff::civil::DateTime;
use jiff::ToSpan;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value};

use super::generate;
use super::{SambatCounters, SambatMockConfig, WriteBack};
use crate::clock::{fmt_wib, now_wib, parse_wib};

/// SAMBAT ids are plain integers; start where a city's database plausibly is.
const FIRST_ID: i64 = 12_001;

pub struct Shared {
    pub(crate) inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub(crate) struct Inner {
    pub cfg: SambatMockConfig,
    pub rng: StdRng,
    /// Private: every change goes through `put` or `update`, which keep `index` in step.
    records: BTreeMap<i64, Map<String, Value>>,
    pub next_id: i64,
    writebacks: Vec<WriteBack>,
    /// `(aduan_id, status, isi, tracking_id)` of every accepted write-back: the duplicate
    /// check is a look-up, not a scan of all write-backs.
    writeback_keys: HashSet<(i64, String, String, String)>,
    pub counters: SambatCounters,
    /// Fixed WIB wall clock for deterministic tests; `None` = the real clock.
    pub clock: Option<DateTime>,
    /// `(diperbarui, id)` of every record whose `diperbarui` parses, updated per record as
    /// it changes: listing is a range query, and a write-back costs O(log n), not a rebuild
    /// of the whole index (which was most of the throughput bench's CPU).
    index: BTreeSet<(DateTime, i64)>,
}

/// Where a record sits in the listing order; `None` (never listed) when its `diperbarui` is
/// missing or does not parse, as a hand-inserted record's may.
fn index_key(id: i64, rec: &Map<String, Value>) -> Option<(DateTime, i64)> {
    let d = rec.get("diperbarui")?.as_str()?;
    parse_wib(d).map(|t| (t, id))
}

/// Why a write-back was not recorded.
#[derive(Debug, PartialEq)]
pub(crate) enum WriteBackRefused {
    NotFound,
    Duplicate,
}

impl Inner {
    pub fn new(cfg: SambatMockConfig) -> Inner {
        let mut inner = Inner {
            rng: StdRng::seed_from_u64(cfg.seed),
            cfg,
            records: BTreeMap::new(),
            next_id: FIRST_ID,
            writebacks: Vec::new(),
            writeback_keys: HashSet::new(),
            counters: SambatCounters::default(),
            clock: None,
            index: BTreeSet::new(),
        };
        inner.seed_history();
        inner
    }

    pub fn now(&self) -> DateTime {
        self.clock.unwrap_or_else(now_wib)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.rng.random_bool(p.min(1.0))
    }

    /// `initial_records` spread over the last few hours, as if SAMBAT had been running.
    fn seed_history(&mut self) {
        let n = self.cfg.initial_records;
        if n == 0 {
            return;
        }
        let now = self.now();
        let groups = generate::group_sizes(&mut self.rng, n);
        let mut stamp = now - 6.hours();
        for g in groups {
            stamp = (stamp + self.rng.random_range(1..=600).seconds()).min(now);
            for _ in 0..g {
                self.push_generated(stamp);
            }
        }
    }

    fn push_generated(&mut self, stamp: DateTime) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let rec = generate::record(&mut self.rng, id, stamp);
        self.put(id, rec);
        id
    }

    fn latest_diperbarui(&self) -> Option<DateTime> {
        self.index.last().map(|(d, _)| *d)
    }

    /// New records up to "now", 1..=7 per second-stamp. Stamps never go before the
    /// newest existing `diperbarui`: a real SAMBAT does not backdate, and a correct
    /// inclusive poller must see every new record.
    pub fn add_generated(&mut self, n: usize) -> Vec<i64> {
        let now = self.now();
        let groups = generate::group_sizes(&mut self.rng, n);
        let back = i64::try_from(groups.len().saturating_sub(1)).unwrap_or(0);
        let mut start = now - back.seconds();
        if let Some(latest) = self.latest_diperbarui() {
            start = start.max(latest);
        }
        let end = now.max(start);
        let mut ids = Vec::with_capacity(n);
        for (i, g) in groups.into_iter().enumerate() {
            let stamp = (start + (i as i64).seconds()).min(end);
            for _ in 0..g {
                ids.push(self.push_generated(stamp));
            }
        }
        ids
    }

    pub fn insert(&mut self, aduan: Value) -> i64 {
        let mut rec = match aduan {
            Value::Object(m) => m,
            other => {
                let mut m = Map::new();
                m.insert("isi".into(), other);
                m
            }
        };
        let id = match rec.get("id").and_then(Value::as_i64) {
            Some(id) => id,
            None => {
                let id = self.next_id;
                rec.insert("id".into(), Value::from(id));
                id
            }
        };
        self.next_id = self.next_id.max(id + 1);
        let now = fmt_wib(self.now());
        for key in ["dibuat", "diperbarui"] {
            if !rec.contains_key(key) {
                rec.insert(key.into(), Value::String(now.clone()));
            }
        }
        rec.entry("status").or_insert_with(|| Value::from("baru"));
        self.put(id, rec);
        id
    }

    /// Every record, by id (read only: changes go through `put` and `update`).
    pub fn records(&self) -> &BTreeMap<i64, Map<String, Value>> {
        &self.records
    }

    pub fn writebacks(&self) -> &[WriteBack] {
        &self.writebacks
    }

    /// Inserts or replaces record `id`, moving its index entry.
    fn put(&mut self, id: i64, rec: Map<String, Value>) {
        if let Some(old) = self.records.get(&id).and_then(|r| index_key(id, r)) {
            self.index.remove(&old);
        }
        if let Some(new) = index_key(id, &rec) {
            self.index.insert(new);
        }
        self.records.insert(id, rec);
    }

    /// Applies `f` to record `id` and moves its index entry to wherever `f` left its
    /// `diperbarui`. `None` if there is no such record.
    pub fn update<R>(
        &mut self,
        id: i64,
        f: impl FnOnce(&mut Map<String, Value>) -> R,
    ) -> Option<R> {
        let rec = self.records.get_mut(&id)?;
        let old = index_key(id, rec);
        let out = f(rec);
        let new = index_key(id, rec);
        if old != new {
            if let Some(old) = old {
                self.index.remove(&old);
            }
            if let Some(new) = new {
                self.index.insert(new);
            }
        }
        Some(out)
    }

    pub fn touch(&mut self, id: i64) {
        let now = fmt_wib(self.now());
        self.update(id, |r| r.insert("diperbarui".into(), Value::String(now)));
    }

    /// Records a write-back on record `aduan_id` (its status set, `diperbarui` bumped, as
    /// SAMBAT does); the same tanggapan twice is refused. Returns the tanggapan id.
    pub fn write_back(
        &mut self,
        aduan_id: i64,
        wb: WriteBack,
        now: DateTime,
    ) -> Result<usize, WriteBackRefused> {
        if !self.records.contains_key(&aduan_id) {
            self.counters.writeback_not_found += 1;
            return Err(WriteBackRefused::NotFound);
        }
        let key = (
            aduan_id,
            wb.status.clone(),
            wb.isi.clone(),
            wb.tracking_id.clone(),
        );
        if !self.writeback_keys.insert(key) {
            self.counters.writeback_duplicates += 1;
            return Err(WriteBackRefused::Duplicate);
        }
        let now = fmt_wib(now);
        let status = wb.status.clone();
        self.writebacks.push(wb);
        self.counters.writebacks += 1;
        self.update(aduan_id, |r| {
            r.insert("status".into(), Value::String(status));
            r.insert("diperbarui".into(), Value::String(now));
        });
        Ok(self.writebacks.len())
    }

    /// One page of the records with `diperbarui >= sejak` (inclusive), by diperbarui then id,
    /// and how many match in all.
    pub fn changed_since(
        &self,
        sejak: Option<DateTime>,
        skip: usize,
        take: usize,
    ) -> (usize, Vec<Value>) {
        let from = match sejak {
            Some(s) => (s, i64::MIN),
            None => (DateTime::MIN, i64::MIN),
        };
        let matching = self.index.range(from..);
        // Counting walks the matching entries: the poller asks from its newest second, so
        // that is the few records changed since, not the store.
        let total = matching.clone().count();
        let page = matching
            .skip(skip)
            .take(take)
            .filter_map(|(_, id)| self.records.get(id).cloned().map(Value::Object))
            .collect();
        (total, page)
    }

    /// The index as a full rebuild from the records would make it (for the tests).
    #[cfg(test)]
    fn rebuilt_index(&self) -> BTreeSet<(DateTime, i64)> {
        self.records
            .iter()
            .filter_map(|(id, r)| index_key(*id, r))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wb(aduan_id: i64, status: &str) -> WriteBack {
        WriteBack {
            aduan_id,
            status: status.into(),
            isi: "Sudah ditindaklanjuti".into(),
            sumber: "SP4N-LAPOR!".into(),
            tracking_id: "LAP-1".into(),
            waktu: "2024-07-29T08:15:00+07:00".into(),
            received_at: String::new(),
        }
    }

    fn ids(page: &[Value]) -> Vec<i64> {
        page.iter().map(|r| r["id"].as_i64().unwrap()).collect()
    }

    #[test]
    fn edits_and_write_backs_keep_the_index_as_a_rebuild_would() {
        let mut m = Inner::new(SambatMockConfig {
            initial_records: 200,
            ..SambatMockConfig::default()
        });
        m.clock = Some(parse_wib("2030-01-01 10:00:00").unwrap());
        assert_eq!(m.index, m.rebuilt_index());
        let first = *m.records().keys().next().unwrap();
        let second = first + 1;
        // A write-back moves the record to now, to the end of the listing.
        let now = m.now();
        assert_eq!(m.write_back(first, wb(first, "diproses"), now), Ok(1));
        assert_eq!(m.index, m.rebuilt_index());
        // An admin edit that changes diperbarui by hand, then one that makes it unparsable.
        m.update(second, |r| {
            r.insert("diperbarui".into(), "2030-01-01 11:00:00".into())
        });
        assert_eq!(m.index, m.rebuilt_index());
        let hidden = first + 2;
        m.update(hidden, |r| r.insert("diperbarui".into(), "kemarin".into()));
        assert_eq!(m.index, m.rebuilt_index());
        m.touch(hidden);
        assert_eq!(m.index, m.rebuilt_index());
        // A replaced record, new records, and a refused duplicate change nothing else.
        m.insert(serde_json::json!({"id": first + 3, "isi": "ganti", "diperbarui": "2029-12-31 00:00:00"}));
        m.add_generated(50);
        assert_eq!(
            m.write_back(first, wb(first, "diproses"), now),
            Err(WriteBackRefused::Duplicate)
        );
        assert_eq!(
            m.write_back(999_999, wb(999_999, "diproses"), now),
            Err(WriteBackRefused::NotFound)
        );
        assert_eq!(m.index, m.rebuilt_index());
        assert_eq!(m.index.len(), m.records().len());

        // Listing from the write-back's second: the touched record, in (diperbarui, id) order.
        let (total, page) = m.changed_since(Some(now), 0, 100);
        assert_eq!(total, page.len());
        let listed = ids(&page);
        assert!(listed.contains(&first) && listed.contains(&hidden) && listed.contains(&second));
        let (_, all) = m.changed_since(None, 0, usize::MAX);
        let order: Vec<(DateTime, i64)> = all
            .iter()
            .map(|r| {
                (
                    parse_wib(r["diperbarui"].as_str().unwrap()).unwrap(),
                    r["id"].as_i64().unwrap(),
                )
            })
            .collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted);
        assert_eq!(order.len(), m.records().len());
    }
}
