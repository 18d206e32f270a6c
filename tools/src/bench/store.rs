//! `bench store --records N --output FILE`: a realistic store of N complaints for the report
//! and dashboard figures, written by direct SQL (the rows intake, the forwarder, the status
//! sync and the write-back stages commit), one transaction per chunk of records.
//!
//! The complaints are spread over the last `years` years (the newest few days still open),
//! on the four channels of `config/demo.toml` in realistic shares, a channel time missing now
//! and then, each with its raw payload and forwarding body of a real size. About 2% stay
//! held and 1% dead; the rest are forwarded with a tracking id and take LAPOR!'s lifecycle
//! (verified, disposed, answered, closed, or rejected or archived), with re-delivered feed
//! updates recorded as `same_content`, each applied update written back (`done`), and the
//! timeline events each step records. Last, the retention purge the daemon runs daily
//! (`[privacy] retention_days`, default 365) removes the personal data of complaints final
//! for longer, as it would have over those years; without it the daemon's first purge on a
//! copy would be what an idle or throughput figure measures.

use std::path::Path;
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, Connection, Transaction};

use lapor_bridge::config::DEFAULT_RETENTION_DAYS;
use lapor_bridge::privacy::purge;
use lapor_bridge::store::Store;
use lapor_bridge::time;

/// Channel, share in percent: SAMBAT Online carries most of Malang's complaints.
const CHANNELS: [(&str, u32); 4] = [
    ("sambat", 55),
    ("call112", 20),
    ("sosmed", 17),
    ("ngombe", 8),
];
const CHUNK: u64 = 5_000;

const ISI: &str = "Jalan di depan rumah kami berlubang besar sejak musim hujan dan sudah \
    beberapa kali menyebabkan pengendara motor terjatuh. Mohon segera diperbaiki oleh dinas \
    terkait karena jalan ini dilalui anak-anak sekolah setiap pagi dan sore hari. Terima kasih.";

pub async fn build_store(records: u64, years: u32, output: &Path) -> Result<(), String> {
    if output.exists() {
        return Err(format!("{} exists; give a new file", output.display()));
    }
    let started = Instant::now();
    drop(Store::open(output).map_err(|e| e.to_string())?);
    let mut conn = Connection::open(output).map_err(|e| e.to_string())?;
    conn.pragma_update(None, "synchronous", "OFF")
        .map_err(|e| e.to_string())?;
    let instansi: Vec<i64> = lapor_mocks::reference::default_instansi()
        .iter()
        .map(|i| i.id)
        .collect();
    {
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        for i in lapor_mocks::reference::default_instansi() {
            tx.execute(
                "INSERT OR REPLACE INTO reference (kind, id, nama, fetched_at)
                 VALUES ('instansi', ?1, ?2, ?3)",
                params![i.id, i.nama, time::db(Timestamp::now())],
            )
            .map_err(|e| e.to_string())?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('store.mode', 'live')",
            [],
        )
        .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
    }
    let now = Timestamp::now();
    let span_mins = i64::from(years.max(1)) * 365 * 24 * 60;
    let start = now - SignedDuration::from_mins(span_mins);
    let mut rng = StdRng::seed_from_u64(20_240_729);
    let mut g = Gen {
        rng: &mut rng,
        instansi: &instansi,
        now,
        update_seq: 0,
        totals: Totals::default(),
    };
    let mut done = 0u64;
    while done < records {
        let n = CHUNK.min(records - done);
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        for i in done..done + n {
            // Spread evenly over the span, in arrival order (ids grow with time, as live).
            let at = start + SignedDuration::from_mins(span_mins * i as i64 / records as i64);
            g.complaint(&tx, i, at).map_err(|e| e.to_string())?;
        }
        tx.commit().map_err(|e| e.to_string())?;
        done += n;
    }
    conn.execute_batch("PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);")
        .map_err(|e| e.to_string())?;
    drop(conn);
    let purge_started = Instant::now();
    let purged = purge_as_the_years_did(output, now)?;
    let t = &g.totals;
    let bytes = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
    println!(
        "store:   {records} complaints over {years} years in {:.1} s, {:.0} MB",
        started.elapsed().as_secs_f64(),
        bytes as f64 / 1e6
    );
    println!(
        "rows:    {} forwarded, {} held, {} dead, {} open, {} updates ({} re-delivered), {} write-backs done",
        t.forwarded, t.held, t.dead, t.open, t.updates, t.redelivered, t.writebacks
    );
    println!(
        "purge:   {purged} complaints' personal data removed (final > {DEFAULT_RETENTION_DAYS} days) in {:.1} s",
        purge_started.elapsed().as_secs_f64()
    );
    println!("file:    {}", output.display());
    Ok(())
}

/// The daemon's retention purge, once, through its own code (scrub, events, compaction).
fn purge_as_the_years_did(output: &Path, now: Timestamp) -> Result<usize, String> {
    let store = Store::open(output).map_err(|e| e.to_string())?;
    let plan = purge::plan(&store, &[], DEFAULT_RETENTION_DAYS, now).map_err(|e| e.to_string())?;
    let done = purge::execute(&store, &plan).map_err(|e| e.to_string())?;
    Ok(done.records)
}

#[derive(Default)]
struct Totals {
    forwarded: u64,
    held: u64,
    dead: u64,
    open: u64,
    updates: u64,
    redelivered: u64,
    writebacks: u64,
}

struct Gen<'a> {
    rng: &'a mut StdRng,
    instansi: &'a [i64],
    now: Timestamp,
    update_seq: u64,
    totals: Totals,
}

fn mins(m: u64) -> SignedDuration {
    SignedDuration::from_mins(m as i64)
}

impl Gen<'_> {
    fn channel(&mut self) -> &'static str {
        let mut p = self.rng.random_range(0..100);
        for (c, share) in CHANNELS {
            if p < share {
                return c;
            }
            p -= share;
        }
        CHANNELS[0].0
    }

    fn complaint(
        &mut self,
        tx: &Transaction<'_>,
        i: u64,
        reported: Timestamp,
    ) -> rusqlite::Result<()> {
        let channel = self.channel();
        let local_id = format!("{}", 100_000 + i);
        let received = reported + mins(self.rng.random_range(0..20));
        let raw = serde_json::json!({
            "id": local_id,
            "judul": format!("Jalan rusak di RT {:02} RW {:02}", i % 17, i % 9),
            "isi": ISI,
            "kategori": "infrastruktur",
            "kelurahan": "Kauman",
            "kecamatan": "Klojen",
            "pelapor": {"nama": "Warga", "telepon": "0812000000", "anonim": false},
            "dibuat": time::db(reported),
        })
        .to_string();
        // SAMBAT always gives its time; the webhook channels and CSV now and then do not.
        let reported_at =
            (channel == "sambat" || self.rng.random_range(0..10) != 0).then(|| time::db(reported));
        tx.prepare_cached(
            "INSERT INTO records (channel, local_id, raw, content_hash, reported_at, received_at,
                                  updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        )?
        .execute(params![
            channel,
            local_id,
            raw,
            format!("h{i:016x}"),
            reported_at,
            time::db(received)
        ])?;
        let id = tx.last_insert_rowid();
        self.event(tx, id, received, "stored", None)?;
        let fate = self.rng.random_range(0..100);
        if fate < 3 {
            let (state, err) = if fate < 2 {
                self.totals.held += 1;
                ("held", "kategori_id: no mapping for \"lainnya\"")
            } else {
                self.totals.dead += 1;
                ("dead", "422 from LAPOR!: lokasi.kode_wilayah unknown")
            };
            tx.prepare_cached(
                "INSERT INTO outbox (record_id, state, attempts, last_error, problems)
                 VALUES (?1, ?2, 1, ?3, '[]')",
            )?
            .execute(params![id, state, err])?;
            return Ok(());
        }
        let forwarded = received + SignedDuration::from_secs(self.rng.random_range(1..600));
        let tracking = format!("LPR-{:08}", id);
        let instansi = self.instansi[self.rng.random_range(0..self.instansi.len())];
        let payload = serde_json::json!({
            "id_eksternal": format!("{channel}:{local_id}"),
            "judul": "Jalan rusak",
            "isi": ISI,
            "kategori_id": 101,
            "instansi_id": instansi,
            "waktu_lapor": time::db(reported),
            "lokasi": {"kode_wilayah": "35.73.02.1007"},
        })
        .to_string();
        tx.prepare_cached(
            "INSERT INTO outbox (record_id, state, attempts, payload, forwarded_at)
             VALUES (?1, 'forwarded', 1, ?2, ?3)",
        )?
        .execute(params![id, payload, time::db(forwarded)])?;
        tx.prepare_cached("UPDATE records SET tracking_id = ?2 WHERE id = ?1")?
            .execute(params![id, tracking])?;
        self.event(tx, id, forwarded, "forwarded", Some(&tracking))?;
        self.totals.forwarded += 1;
        self.lifecycle(tx, id, channel, &tracking, forwarded)
    }

    /// LAPOR!'s steps for one complaint, as far as they have come by now.
    fn lifecycle(
        &mut self,
        tx: &Transaction<'_>,
        id: i64,
        channel: &str,
        tracking: &str,
        forwarded: Timestamp,
    ) -> rusqlite::Result<()> {
        let r = self.rng.random_range(0..100);
        let mut steps: Vec<(&str, Option<&str>)> = vec![("terverifikasi", None)];
        if r < 6 {
            steps.push((
                "ditolak",
                Some("Laporan bukan kewenangan Pemerintah Kota Malang."),
            ));
        } else {
            steps.push(("terdisposisi", None));
            steps.push((
                "ditindaklanjuti",
                Some("Sudah kami tindak lanjuti, petugas ke lokasi."),
            ));
            steps.push((if r < 10 { "diarsipkan" } else { "selesai" }, None));
        }
        let mut at = forwarded;
        let mut last = None;
        for (status, tanggapan) in steps {
            // Mostly within the service levels, a long tail beyond them.
            let gap = if self.rng.random_range(0..10) == 0 {
                self.rng.random_range(1_440..20_000)
            } else {
                self.rng.random_range(30..2_880)
            };
            at += mins(gap);
            if at > self.now {
                break;
            }
            self.update(tx, id, channel, tracking, status, tanggapan, at)?;
            last = Some(status);
        }
        if !matches!(last, Some("selesai" | "ditolak" | "diarsipkan")) {
            self.totals.open += 1;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn update(
        &mut self,
        tx: &Transaction<'_>,
        id: i64,
        channel: &str,
        tracking: &str,
        status: &str,
        tanggapan: Option<&str>,
        at: Timestamp,
    ) -> rusqlite::Result<()> {
        let effect = if tanggapan.is_some() {
            "status_tanggapan"
        } else {
            "status"
        };
        let waktu = time::db(at);
        let read = time::db(at + mins(self.rng.random_range(1..10)));
        let copies = if self.rng.random_range(0..20) == 0 {
            2
        } else {
            1
        };
        for copy in 0..copies {
            self.update_seq += 1;
            let effect = if copy == 0 { effect } else { "same_content" };
            tx.prepare_cached(
                "INSERT INTO lapor_updates (id_pembaruan, record_id, tracking_id, status,
                     tanggapan_isi, tanggapan_oleh, waktu, effective_at, content_key, effect,
                     source, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9, 'feed', ?10)",
            )?
            .execute(params![
                format!("upd-{}", self.update_seq),
                id,
                tracking,
                status,
                tanggapan,
                tanggapan.map(|_| "Dinas Pekerjaan Umum"),
                waktu,
                format!("{tracking}/{status}/{waktu}"),
                effect,
                read,
            ])?;
            self.totals.updates += 1;
            if copy > 0 {
                self.totals.redelivered += 1;
                continue;
            }
            let update_id = tx.last_insert_rowid();
            tx.prepare_cached(
                "UPDATE records SET lapor_status = ?2, lapor_status_at = ?3 WHERE id = ?1",
            )?
            .execute(params![id, status, waktu])?;
            self.event(tx, id, at, "lapor_status", Some(status))?;
            if tanggapan.is_some() {
                self.event(tx, id, at, "tanggapan", None)?;
            }
            let written = time::db(at + mins(self.rng.random_range(1..30)));
            tx.prepare_cached(
                "INSERT INTO writebacks (record_id, update_id, channel, state, lapor_status,
                     attempts, next_attempt_at, outcome, created_at, done_at)
                 VALUES (?1, ?2, ?3, 'done', ?4, 1, ?5, 'accepted', ?5, ?6)",
            )?
            .execute(params![id, update_id, channel, status, read, written])?;
            self.totals.writebacks += 1;
        }
        Ok(())
    }

    fn event(
        &mut self,
        tx: &Transaction<'_>,
        id: i64,
        at: Timestamp,
        kind: &str,
        detail: Option<&str>,
    ) -> rusqlite::Result<()> {
        tx.prepare_cached(
            "INSERT INTO events (record_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![id, time::db(at), kind, detail])?;
        Ok(())
    }
}
