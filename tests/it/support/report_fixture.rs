//! Stores for the report tests, built by inserting rows directly (records, outbox,
//! lapor_updates, reference), as the intake, the forwarder and the status sync would have.
#![allow(dead_code)]

use std::path::Path;

use lapor_bridge::store::Store;
use lapor_bridge::time;
use rusqlite::{params, Connection};

pub struct Fixture {
    pub conn: Connection,
    next_update: u64,
}

fn utc(wib: &str) -> String {
    time::db(time::parse_wib(wib).unwrap_or_else(|| panic!("bad WIB time {wib}")))
}

impl Fixture {
    /// A new store at `path` (schema by `Store::open`), opened for direct inserts.
    pub fn create(path: &Path) -> Fixture {
        drop(Store::open(path).expect("create the store"));
        let conn = Connection::open(path).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        Fixture {
            conn,
            next_update: 0,
        }
    }

    pub fn instansi(&self, id: i64, nama: &str) {
        self.conn
            .execute(
                "INSERT INTO reference (kind, id, nama, fetched_at)
                 VALUES ('instansi', ?1, ?2, '2024-01-01T00:00:00.000Z')",
                params![id, nama],
            )
            .unwrap();
    }

    /// A record; `reported` None: the channel gave no report time. Times are WIB.
    pub fn record(
        &self,
        channel: &str,
        local_id: &str,
        reported: Option<&str>,
        received: &str,
    ) -> i64 {
        self.conn
            .execute(
                "INSERT INTO records (channel, local_id, raw, content_hash, reported_at,
                                      received_at, updated_at)
                 VALUES (?1, ?2, '{}', 'x', ?3, ?4, ?4)",
                params![channel, local_id, reported.map(utc), utc(received)],
            )
            .unwrap();
        self.conn.last_insert_rowid()
    }

    pub fn forwarded(&self, id: i64, at: &str, instansi: i64) {
        let tracking = format!("LAPOR-{id:06}");
        self.conn
            .execute(
                "INSERT INTO outbox (record_id, state, payload, forwarded_at)
                 VALUES (?1, 'forwarded', ?2, ?3)",
                params![
                    id,
                    serde_json::json!({"instansi_id": instansi, "kategori_id": 101}).to_string(),
                    utc(at)
                ],
            )
            .unwrap();
        self.conn
            .execute(
                "UPDATE records SET tracking_id = ?2 WHERE id = ?1",
                params![id, tracking],
            )
            .unwrap();
    }

    pub fn held(&self, id: i64) {
        self.conn
            .execute(
                "INSERT INTO outbox (record_id, state, problems) VALUES (?1, 'held', '[]')",
                params![id],
            )
            .unwrap();
    }

    /// An update from LAPOR! with `effect`; applied effects also move `records.lapor_status`.
    pub fn update(&mut self, id: Option<i64>, status: &str, effect: &str, at: &str) {
        self.next_update += 1;
        let n = self.next_update;
        let tanggapan = matches!(effect, "tanggapan" | "status_tanggapan")
            .then_some("Terima kasih, sudah ditindaklanjuti.");
        self.conn
            .execute(
                "INSERT INTO lapor_updates (id_pembaruan, record_id, tracking_id, status,
                     tanggapan_isi, tanggapan_oleh, waktu, effective_at, content_key, effect,
                     source, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?6, ?7, ?8, 'feed', ?6)",
                params![
                    format!("upd-{n}"),
                    id,
                    format!("LAPOR-{:06}", id.unwrap_or(999_999)),
                    status,
                    tanggapan,
                    utc(at),
                    format!("key-{n}"),
                    effect
                ],
            )
            .unwrap();
        if let (Some(id), "status" | "status_tanggapan") = (id, effect) {
            self.conn
                .execute(
                    "UPDATE records SET lapor_status = ?2, lapor_status_at = ?3 WHERE id = ?1",
                    params![id, status, utc(at)],
                )
                .unwrap();
        }
    }
}

/// A small deterministic generator (xorshift), so the generated store is the same each run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// 0..n
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Adds `minutes` to a WIB wall-clock time.
pub fn plus_minutes(wib: &str, minutes: i64) -> String {
    let t = time::parse_wib(wib).unwrap() + jiff::SignedDuration::from_mins(minutes);
    time::format_wib(t)
}

/// A store with `n` complaints over January–June 2024 on three channels and six OPDs, with
/// status changes and responses as LAPOR! would send them, plus a few recent ones (relative
/// to `now_wib`) still waiting, so the SLA list is not empty. For the dashboard test and its
/// screenshot.
pub fn generate(path: &Path, n: usize, now_wib: &str) -> Fixture {
    let mut f = Fixture::create(path);
    // The LAPOR! mock's own names: a daemon started on this store refreshes its reference
    // data from the mock, and the names must not change between two reads of the figures.
    let opds: Vec<(i64, String)> = [357301, 357302, 357303, 357304, 357305, 357307]
        .into_iter()
        .map(|id| {
            let nama = lapor_mocks::reference::default_instansi()
                .into_iter()
                .find(|i| i.id == id)
                .map(|i| i.nama)
                .expect("the mock knows every OPD of the fixture");
            (id, nama)
        })
        .collect();
    for (id, nama) in &opds {
        f.instansi(*id, nama);
    }
    let channels = ["sambat", "callcenter112", "ngombe"];
    let mut rng = Rng::new(20240630);
    for i in 0..n {
        let channel = channels[(rng.below(10) as usize).min(9) / 4];
        let day = 1 + rng.below(181) as i64; // 2024-01-01 + day
        let minute = 7 * 60 + rng.below(12 * 60) as i64;
        let reported = plus_minutes("2024-01-01 00:00:00", (day - 1) * 1440 + minute);
        let id = f.record(
            channel,
            &format!("{channel}-{i}"),
            Some(&reported),
            &plus_minutes(&reported, 1),
        );
        if rng.below(40) == 0 {
            f.held(id);
            continue;
        }
        let opd = opds[rng.below(opds.len() as u64) as usize].0;
        let fwd = plus_minutes(&reported, 2);
        f.forwarded(id, &fwd, opd);
        let verified = plus_minutes(&fwd, 60 + rng.below(600) as i64);
        f.update(Some(id), "terverifikasi", "status", &verified);
        if rng.below(25) == 0 {
            f.update(
                Some(id),
                "ditolak",
                "status_tanggapan",
                &plus_minutes(&verified, 30),
            );
            continue;
        }
        let disposed = plus_minutes(&verified, 30 + rng.below(900) as i64);
        f.update(Some(id), "terdisposisi", "status", &disposed);
        let spread = 60 * 24 * (1 + rng.below(4));
        let answered = plus_minutes(&disposed, 60 + rng.below(spread) as i64);
        f.update(Some(id), "ditindaklanjuti", "status_tanggapan", &answered);
        {
            let closed = plus_minutes(&answered, 60 * 24 * (1 + rng.below(14) as i64));
            let status = if rng.below(10) == 0 {
                "diarsipkan"
            } else {
                "selesai"
            };
            f.update(Some(id), status, "status", &closed);
        }
    }
    // Recent complaints still waiting for disposition or follow-up.
    for (i, hours_ago) in [2i64, 30, 80, 200, 400].iter().enumerate() {
        let reported = plus_minutes(now_wib, -hours_ago * 60);
        let id = f.record(
            "sambat",
            &format!("recent-{i}"),
            Some(&reported),
            &plus_minutes(&reported, 1),
        );
        f.forwarded(id, &plus_minutes(&reported, 2), opds[i].0);
        if i % 2 == 1 {
            f.update(
                Some(id),
                "terdisposisi",
                "status",
                &plus_minutes(&reported, 60),
            );
        }
    }
    f
}
