//! What the SAMBAT mock remembers, behind one mutex.

use std::collections::BTreeMap;
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
    pub records: BTreeMap<i64, Map<String, Value>>,
    pub next_id: i64,
    pub writebacks: Vec<WriteBack>,
    pub counters: SambatCounters,
    /// Fixed WIB wall clock for deterministic tests; `None` = the real clock.
    pub clock: Option<DateTime>,
    /// `(diperbarui, id)` sorted, rebuilt after any change: listing is a range query, so
    /// paging through tens of thousands of records stays cheap.
    index: Option<Vec<(String, i64)>>,
}

impl Inner {
    pub fn new(cfg: SambatMockConfig) -> Inner {
        let mut inner = Inner {
            rng: StdRng::seed_from_u64(cfg.seed),
            cfg,
            records: BTreeMap::new(),
            next_id: FIRST_ID,
            writebacks: Vec::new(),
            counters: SambatCounters::default(),
            clock: None,
            index: None,
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
        self.records_mut().insert(id, rec);
        id
    }

    fn latest_diperbarui(&self) -> Option<DateTime> {
        self.records
            .values()
            .filter_map(|r| r.get("diperbarui")?.as_str().and_then(parse_wib))
            .max()
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
        self.records_mut().insert(id, rec);
        id
    }

    pub fn touch(&mut self, id: i64) {
        let now = fmt_wib(self.now());
        if let Some(r) = self.records_mut().get_mut(&id) {
            r.insert("diperbarui".into(), Value::String(now));
        }
    }

    /// The records for changing; the listing index is rebuilt on the next read.
    pub fn records_mut(&mut self) -> &mut BTreeMap<i64, Map<String, Value>> {
        self.index = None;
        &mut self.records
    }

    /// One page of the records with `diperbarui >= sejak` (inclusive), by diperbarui then id,
    /// and how many match in all.
    pub fn changed_since(
        &mut self,
        sejak: Option<DateTime>,
        skip: usize,
        take: usize,
    ) -> (usize, Vec<Value>) {
        let records = &self.records;
        let index = self.index.get_or_insert_with(|| {
            // A hand-inserted `diperbarui` that does not parse is never listed.
            let mut ix: Vec<(String, i64)> = records
                .iter()
                .filter_map(|(id, r)| {
                    let d = r.get("diperbarui")?.as_str()?;
                    parse_wib(d).map(|t| (fmt_wib(t), *id))
                })
                .collect();
            ix.sort_unstable();
            ix
        });
        let from = match sejak {
            Some(s) => {
                let s = fmt_wib(s);
                index.partition_point(|(d, _)| *d < s)
            }
            None => 0,
        };
        let page = index[from..]
            .iter()
            .skip(skip)
            .take(take)
            .filter_map(|(_, id)| records.get(id).cloned().map(Value::Object))
            .collect();
        (index.len() - from, page)
    }
}
