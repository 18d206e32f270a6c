//! The SQL path of the reports against the in-memory computation it replaced
//! ([`super::kpi_oracle`], [`super::sla::report`] over [`super::timeline::load`]), on a
//! generated store with every case the figures distinguish: several years, a channel time
//! missing, held and unforwarded records, final statuses before and after `as_of`, responses
//! without status, stale and unknown-record updates, updates out of time order.

use jiff::{SignedDuration, Timestamp};
use rusqlite::{params, Connection};

use super::kpi::Period;
use super::{kpi_oracle, sla, timeline, Calendar};
use crate::config::ReportConfig;
use crate::store::Store;
use crate::time;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const STATUSES: [&str; 7] = [
    "terverifikasi",
    "terdisposisi",
    "ditindaklanjuti",
    "selesai",
    "ditolak",
    "diarsipkan",
    "terdisposisi",
];

fn generate(c: &Connection, n: u64) {
    let mut rng = Rng(0x5eed_2024);
    let start = time::parse_wib("2023-11-01 00:00:00").unwrap();
    let channels = ["sambat", "call112", "sosmed", "ngombe"];
    c.execute(
        "INSERT INTO reference (kind, id, nama, fetched_at) VALUES ('instansi', 11, 'Dinas A', 'x')",
        [],
    )
    .unwrap();
    let mut upd = 0;
    for i in 0..n {
        let at = start + SignedDuration::from_mins(rng.below(60 * 24 * 500) as i64);
        let channel = channels[rng.below(4) as usize];
        let reported = (rng.below(10) != 0).then(|| time::db(at));
        let received = time::db(at + SignedDuration::from_mins(rng.below(90) as i64));
        c.execute(
            "INSERT INTO records (channel, local_id, raw, content_hash, reported_at, received_at,
                                  updated_at)
             VALUES (?1, ?2, '{}', 'h', ?3, ?4, ?4)",
            params![channel, format!("{i}"), reported, received],
        )
        .unwrap();
        let id = c.last_insert_rowid();
        match rng.below(12) {
            0 => continue,
            1 => {
                c.execute(
                    "INSERT INTO outbox (record_id, state) VALUES (?1, 'held')",
                    [id],
                )
                .unwrap();
                continue;
            }
            _ => {}
        }
        let fwd = at + SignedDuration::from_mins(5 + rng.below(60 * 24 * 3) as i64);
        let instansi = [Some(11), Some(12), None][rng.below(3) as usize];
        let payload = instansi.map(|i| serde_json::json!({ "instansi_id": i }).to_string());
        c.execute(
            "INSERT INTO outbox (record_id, state, payload, forwarded_at)
             VALUES (?1, 'forwarded', ?2, ?3)",
            params![id, payload.unwrap_or_else(|| "{}".into()), time::db(fwd)],
        )
        .unwrap();
        let mut t = fwd;
        for _ in 0..rng.below(6) {
            t += SignedDuration::from_mins(rng.below(60 * 24 * 9) as i64);
            // Now and then one earlier than the last (feeds re-deliver late).
            let eff = if rng.below(8) == 0 {
                t - SignedDuration::from_hours(30)
            } else {
                t
            };
            let status = STATUSES[rng.below(STATUSES.len() as u64) as usize];
            let effect = ["status", "tanggapan", "status_tanggapan", "stale", "status"]
                [rng.below(5) as usize];
            upd += 1;
            let record = (rng.below(30) != 0).then_some(id);
            c.execute(
                "INSERT INTO lapor_updates (id_pembaruan, record_id, tracking_id, status, waktu,
                     effective_at, content_key, effect, source, received_at)
                 VALUES (?1, ?2, 'T', ?3, ?4, ?4, ?1, ?5, 'feed', ?4)",
                params![format!("u{upd}"), record, status, time::db(eff), effect],
            )
            .unwrap();
            if record.is_some() && effect.starts_with("status") {
                c.execute(
                    "UPDATE records SET lapor_status = ?2, lapor_status_at = ?3 WHERE id = ?1",
                    params![id, status, time::db(eff)],
                )
                .unwrap();
            }
        }
    }
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let store = Store::open(&path).unwrap();
    let c = Connection::open(&path).unwrap();
    c.execute_batch("BEGIN").unwrap();
    generate(&c, 3000);
    c.execute_batch("COMMIT").unwrap();
    (dir, store)
}

fn wib(s: &str) -> Timestamp {
    time::parse_wib(s).unwrap()
}

#[test]
fn kpi_from_sql_equals_the_in_memory_report() {
    let (_dir, store) = store();
    let cal = Calendar::shipped();
    let cfg = ReportConfig::default();
    let all = timeline::load(&store).unwrap();
    let names = timeline::instansi_names(&store).unwrap();
    let cases = [
        ("2024-01-01", "2024-12-31", "2025-06-01 00:00:00"),
        ("2024-01-01", "2024-06-30", "2024-05-15 12:00:00"),
        ("2023-11-15", "2024-02-10", "2026-01-01 00:00:00"),
        ("2024-07-29", "2024-07-29", "2024-07-29 12:00:00"),
        ("2025-01-01", "2025-03-31", "2025-02-01 00:00:00"),
        ("2022-01-01", "2022-12-31", "2025-01-01 00:00:00"),
    ];
    for (from, to, as_of) in cases {
        let period = Period {
            from: from.parse().unwrap(),
            to: to.parse().unwrap(),
            as_of: wib(as_of),
        };
        let old = kpi_oracle::compute(&all, &cal, &period, cfg.annual_target, &names);
        let new =
            super::kpi_report(&store, &cfg, &cal, period.from, period.to, period.as_of).unwrap();
        assert_eq!(new, old, "{from}..{to} as of {as_of}");
        // The months-long periods hold every kind of figure (the day and 2022 may be empty).
        if from != to && !from.starts_with("2022") {
            assert!(
                new.total.responded > 0 && new.total.closed > 0,
                "{from}..{to}"
            );
            assert!(new.total.rejected > 0 && new.total.forwarded < new.total.received);
        }
    }
}

#[test]
fn sla_from_sql_equals_the_in_memory_report() {
    let (_dir, store) = store();
    let cal = Calendar::shipped();
    let cfg = ReportConfig::default();
    let all = timeline::load(&store).unwrap();
    for now in [
        "2024-03-01 09:00:00",
        "2024-12-20 17:00:00",
        "2026-01-01 00:00:00",
    ] {
        for margin in [0, 1, 2] {
            let cfg = ReportConfig {
                at_risk_margin_days: margin,
                ..cfg.clone()
            };
            let old = sla::report(&all, &cal, margin, wib(now));
            let new = super::sla_report(&store, &cfg, &cal, wib(now)).unwrap();
            assert_eq!(new, old, "as of {now}, margin {margin}");
            let watch = super::sla_watch(&store, &cfg, &cal, wib(now)).unwrap();
            assert_eq!(watch, old.watch, "watch as of {now}, margin {margin}");
            let completed: u64 = old.rules.iter().map(|r| r.met + r.met_late).sum();
            assert!(completed > 0 && !old.watch.is_empty(), "as of {now}");
        }
    }
}
