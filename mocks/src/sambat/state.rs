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

pub(crate) struct Shared {
    pub inner: Mutex<Inner>,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
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
        self.records.insert(id, rec);
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
        self.records.insert(id, rec);
        id
    }

    pub fn touch(&mut self, id: i64) {
        let now = fmt_wib(self.now());
        if let Some(r) = self.records.get_mut(&id) {
            r.insert("diperbarui".into(), Value::String(now));
        }
    }

    /// Records with `diperbarui >= sejak` (inclusive), by diperbarui then id.
    pub fn changed_since(&self, sejak: Option<DateTime>) -> Vec<Value> {
        let mut hits: Vec<(Option<DateTime>, i64, &Map<String, Value>)> = self
            .records
            .iter()
            .map(|(id, r)| {
                let d = r
                    .get("diperbarui")
                    .and_then(Value::as_str)
                    .and_then(parse_wib);
                (d, *id, r)
            })
            .filter(|(d, _, _)| match sejak {
                None => true,
                Some(s) => d.is_some_and(|d| d >= s),
            })
            .collect();
        hits.sort_by_key(|h| (h.0, h.1));
        hits.into_iter()
            .map(|(_, _, r)| Value::Object(r.clone()))
            .collect()
    }
}
