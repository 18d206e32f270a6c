//! Everything the LAPOR! mock remembers. One mutex around it all: the mock serves a
//! handful of clients, and a single lock makes counters and stores agree at any moment.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{json, Value};

use super::lifecycle::{self, Step};
use super::{FeedUpdate, LaporCounters, LaporMockConfig, MockComplaint};
use crate::clock;

/// First tracking id handed out; real LAPOR! ids look like "5010653".
pub(crate) const FIRST_TRACKING_ID: u64 = 5_010_001;

pub(crate) struct Shared {
    pub inner: Mutex<Inner>,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking handler must not take the whole mock down with a poisoned lock.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub(crate) struct Token {
    pub expires: Instant,
    pub revoked: bool,
}

pub(crate) struct Stored {
    pub c: MockComplaint,
    /// Canonical JSON of the body, to tell a replay from a conflicting reuse of a key.
    pub canonical: String,
    /// The 201 body, repeated verbatim on a replay.
    pub created_response: Value,
    pub kanal: String,
    pub diperbarui_pada: String,
    /// Remaining simulator steps; `None` until the simulator first looks at it.
    pub plan: Option<VecDeque<Step>>,
}

#[derive(Clone, Serialize)]
pub(crate) struct Update {
    pub id_pembaruan: String,
    pub tracking_id: String,
    pub id_eksternal: String,
    pub status: String,
    pub tanggapan: Option<Value>,
    pub waktu: String,
}

impl Update {
    pub fn public(&self) -> FeedUpdate {
        let text = |t: &Value, k: &str| t[k].as_str().unwrap_or_default().to_string();
        FeedUpdate {
            id_pembaruan: self.id_pembaruan.clone(),
            tracking_id: self.tracking_id.clone(),
            id_eksternal: self.id_eksternal.clone(),
            status: self.status.clone(),
            tanggapan: self
                .tanggapan
                .as_ref()
                .map(|t| (text(t, "isi"), text(t, "oleh"))),
            waktu: self.waktu.clone(),
        }
    }
}

pub(crate) struct Inner {
    pub cfg: LaporMockConfig,
    pub rng: StdRng,
    pub counters: LaporCounters,
    pub down: bool,
    pub tokens: HashMap<String, Token>,
    /// Instants of the requests that counted against the quota in the last minute.
    pub quota_log: VecDeque<Instant>,
    pub complaints: Vec<Stored>,
    pub by_key: HashMap<String, usize>,
    pub by_ext: HashMap<String, usize>,
    pub by_tracking: HashMap<String, usize>,
    pub updates: Vec<Update>,
    pub next_tracking: u64,
    pub next_update: u64,
    pub next_tindak_lanjut: u64,
    pub cursor_epoch: u64,
    pub cursors: HashSet<String>,
    pub duplicate_probability: f64,
    pub reissue_probability: f64,
    /// How far this LAPOR!'s clock is from the machine's (negative: behind), as a real
    /// server's clock can be; `waktu_lapor` is judged against it.
    pub clock_offset_secs: i64,
}

pub(crate) enum Quota {
    Ok,
    Exceeded { retry_after_secs: u64 },
}

impl Inner {
    pub fn new(cfg: LaporMockConfig) -> Inner {
        let rng = StdRng::seed_from_u64(cfg.seed);
        Inner {
            cfg,
            rng,
            counters: LaporCounters::default(),
            down: false,
            tokens: HashMap::new(),
            quota_log: VecDeque::new(),
            complaints: Vec::new(),
            by_key: HashMap::new(),
            by_ext: HashMap::new(),
            by_tracking: HashMap::new(),
            updates: Vec::new(),
            next_tracking: FIRST_TRACKING_ID,
            next_update: 1,
            next_tindak_lanjut: 1,
            cursor_epoch: 1,
            cursors: HashSet::new(),
            duplicate_probability: 0.0,
            reissue_probability: 0.0,
            clock_offset_secs: 0,
        }
    }

    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.rng.random_bool(p.min(1.0))
    }

    /// Sliding one-minute window. Only admitted requests are logged, so a client that
    /// keeps hammering while throttled does not extend its own penalty.
    pub fn quota_admit(&mut self, now: Instant) -> Quota {
        let Some(limit) = self.cfg.quota_per_minute else {
            return Quota::Ok;
        };
        let window = Duration::from_secs(60);
        while let Some(&t) = self.quota_log.front() {
            if now.duration_since(t) >= window {
                self.quota_log.pop_front();
            } else {
                break;
            }
        }
        if self.quota_log.len() >= limit as usize {
            // The slot frees when the oldest admitted request leaves the window.
            let oldest = self.quota_log.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return Quota::Exceeded {
                retry_after_secs: secs.max(1),
            };
        }
        self.quota_log.push_back(now);
        Quota::Ok
    }

    pub fn issue_token(&mut self) -> String {
        let token: String = (0..32)
            .map(|_| char::from_digit(self.rng.random_range(0..16), 16).unwrap())
            .collect();
        let expires = Instant::now() + self.cfg.token_ttl;
        self.tokens.insert(
            token.clone(),
            Token {
                expires,
                revoked: false,
            },
        );
        self.counters.tokens_issued += 1;
        token
    }

    pub fn expire_tokens(&mut self) {
        for t in self.tokens.values_mut() {
            t.revoked = true;
        }
    }

    pub fn complaints(&self) -> Vec<MockComplaint> {
        self.complaints.iter().map(|s| s.c.clone()).collect()
    }

    /// Stores a validated complaint and emits its first update. Returns the 201 body.
    pub fn create(&mut self, key: &str, body: Value, canonical: String) -> Value {
        let tracking_id = self.next_tracking.to_string();
        self.next_tracking += 1;
        let now = clock::now_rfc3339();
        let id_eksternal = body["id_eksternal"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let kanal = body["kanal"].as_str().unwrap_or_default().to_string();
        let response = json!({
            "tracking_id": tracking_id,
            "status": lifecycle::BELUM_TERVERIFIKASI,
            "dibuat_pada": now,
        });
        let idx = self.complaints.len();
        self.complaints.push(Stored {
            c: MockComplaint {
                tracking_id: tracking_id.clone(),
                id_eksternal: id_eksternal.clone(),
                idempotency_key: key.to_string(),
                body,
                status: lifecycle::BELUM_TERVERIFIKASI.to_string(),
                dibuat_pada: now.clone(),
                tindak_lanjut: Vec::new(),
            },
            canonical,
            created_response: response.clone(),
            kanal,
            diperbarui_pada: now,
            plan: None,
        });
        self.by_key.insert(key.to_string(), idx);
        self.by_ext.insert(id_eksternal, idx);
        self.by_tracking.insert(tracking_id, idx);
        self.counters.created += 1;
        self.push_update(idx, None);
        response
    }

    /// Appends a feed update carrying the complaint's current status, and the response
    /// (if any) to its tindak_lanjut.
    pub fn push_update(&mut self, idx: usize, tanggapan: Option<(String, String)>) {
        let waktu = clock::now_rfc3339();
        let tanggapan_json = tanggapan.map(|(isi, oleh)| {
            let id = format!("t-{}", self.next_tindak_lanjut);
            self.next_tindak_lanjut += 1;
            self.complaints[idx].c.tindak_lanjut.push(json!({
                "id": id, "isi": isi, "oleh": oleh, "waktu": waktu,
            }));
            json!({"isi": isi, "oleh": oleh})
        });
        let s = &mut self.complaints[idx];
        s.diperbarui_pada = waktu.clone();
        let update = Update {
            id_pembaruan: format!("u-{}", self.next_update),
            tracking_id: s.c.tracking_id.clone(),
            id_eksternal: s.c.id_eksternal.clone(),
            status: s.c.status.clone(),
            tanggapan: tanggapan_json,
            waktu,
        };
        self.next_update += 1;
        self.counters.updates_emitted += 1;
        if self.chance(self.reissue_probability) {
            let copy = Update {
                id_pembaruan: format!("u-{}", self.next_update),
                ..update.clone()
            };
            self.next_update += 1;
            self.updates.push(update);
            self.updates.push(copy);
            self.counters.updates_reissued += 1;
        } else {
            self.updates.push(update);
        }
    }

    pub fn advance(
        &mut self,
        tracking_id: &str,
        status: &str,
        tanggapan: Option<(String, String)>,
    ) -> bool {
        let Some(&idx) = self.by_tracking.get(tracking_id) else {
            return false;
        };
        let current = self.complaints[idx].c.status.clone();
        let response_only =
            current == status && tanggapan.is_some() && !lifecycle::is_final(&current);
        if !response_only && !lifecycle::is_forward(&current, status) {
            return false;
        }
        let tanggapan = match tanggapan {
            Some(t) => Some(t),
            None if status == lifecycle::DITINDAKLANJUTI => {
                Some(self.generated_tanggapan(idx, status))
            }
            None => None,
        };
        self.complaints[idx].c.status = status.to_string();
        self.push_update(idx, tanggapan);
        true
    }

    /// The JSON of `GET /laporan/{tracking_id}`.
    pub fn lookup_json(&self, idx: usize) -> Value {
        let s = &self.complaints[idx];
        json!({
            "tracking_id": s.c.tracking_id,
            "id_eksternal": s.c.id_eksternal,
            "kanal": s.kanal,
            "status": s.c.status,
            "dibuat_pada": s.c.dibuat_pada,
            "diperbarui_pada": s.diperbarui_pada,
            "tindak_lanjut": s.c.tindak_lanjut,
        })
    }

    fn cursor_for(&mut self, pos: usize) -> String {
        let c = format!("c{}.{}", self.cursor_epoch, pos);
        self.cursors.insert(c.clone());
        c
    }

    pub fn forget_cursors(&mut self) {
        self.cursors.clear();
        self.cursor_epoch += 1;
    }

    /// One page of the feed, or None for a cursor this server never issued (or forgot).
    pub fn feed_page(&mut self, kursor: Option<&str>, batas: usize) -> Option<Value> {
        let start = match kursor {
            None | Some("") => 0,
            Some(c) if self.cursors.contains(c) => c.rsplit('.').next()?.parse::<usize>().ok()?,
            Some(_) => return None,
        };
        let start = start.min(self.updates.len());
        let end = (start + batas).min(self.updates.len());
        let data: Vec<Update> = self.updates[start..end].to_vec();
        let mut next = end;
        // At-least-once delivery: step the next cursor back a little so the next page
        // repeats some updates, but always past `start` so a reader still progresses.
        if end > start + 1 && self.chance(self.duplicate_probability) {
            let max_back = (end - start - 1).min(3);
            next = end - self.rng.random_range(1..=max_back);
        }
        let ada_lagi = next < self.updates.len();
        let kursor_berikut = self.cursor_for(next);
        Some(json!({"data": data, "kursor_berikut": kursor_berikut, "ada_lagi": ada_lagi}))
    }

    /// One tick of the lifecycle simulator over every open complaint.
    pub fn lifecycle_tick(&mut self) {
        let lc = self
            .cfg
            .lifecycle
            .clone()
            .unwrap_or(super::LifecycleConfig {
                advance_probability: 1.0,
                ..Default::default()
            });
        for idx in 0..self.complaints.len() {
            if lifecycle::is_final(&self.complaints[idx].c.status) {
                self.complaints[idx].plan = None;
                continue;
            }
            if self.complaints[idx].plan.is_none() {
                let plan = lifecycle::plan(&mut self.rng, &lc);
                self.complaints[idx].plan = Some(plan);
            }
            if !self.chance(lc.advance_probability) {
                continue;
            }
            self.take_step(idx);
        }
    }

    fn take_step(&mut self, idx: usize) {
        let current = self.complaints[idx].c.status.clone();
        // Skip planned steps a test has overtaken with `advance`.
        let step = loop {
            let plan = self.complaints[idx].plan.get_or_insert_with(VecDeque::new);
            match plan.pop_front() {
                Some(s) if s.status == current || lifecycle::is_forward(&current, s.status) => {
                    break s;
                }
                Some(_) => continue,
                None => break lifecycle::fallback_step(&current),
            }
        };
        let tanggapan = step
            .tanggapan
            .then(|| self.generated_tanggapan(idx, step.status));
        self.complaints[idx].c.status = step.status.to_string();
        self.push_update(idx, tanggapan);
    }

    /// (isi, oleh) for a simulated response, signed by the instansi that handles it.
    fn generated_tanggapan(&mut self, idx: usize, status: &str) -> (String, String) {
        let body = &self.complaints[idx].c.body;
        let kategori_id = body["kategori_id"].as_i64().unwrap_or(0);
        let mut instansi_id = body["instansi_id"].as_i64().unwrap_or(0);
        let answering_as_city = matches!(
            status,
            lifecycle::BELUM_TERVERIFIKASI | lifecycle::DITOLAK | lifecycle::DIARSIPKAN
        );
        if instansi_id == crate::reference::INSTANSI_PEMKOT_MALANG && !answering_as_city {
            instansi_id = crate::reference::responder_for_kategori(kategori_id);
        }
        if answering_as_city {
            instansi_id = crate::reference::INSTANSI_PEMKOT_MALANG;
        }
        let oleh = self
            .cfg
            .instansi
            .iter()
            .find(|i| i.id == instansi_id)
            .map(|i| i.nama.clone())
            .or_else(|| {
                crate::reference::INSTANSI
                    .iter()
                    .find(|(id, _)| *id == instansi_id)
                    .map(|(_, n)| n.to_string())
            })
            .unwrap_or_else(|| "Pemerintah Kota Malang".to_string());
        let isi = lifecycle::response_text(&mut self.rng, status, kategori_id);
        (isi, oleh)
    }
}
