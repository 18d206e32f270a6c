//! The LAPOR! mock's raw POST ceiling: creates per second it answers 201 to a plain load
//! generator (one reqwest client, `concurrency` tasks each posting valid creates back to
//! back), with no store, mapping or retries behind the requests. The bridge's forwarding rate
//! is judged against it in the same run, on the same machine and the same mock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lapor_mocks::reference::{INSTANSI_PEMKOT_MALANG, KATEGORI_JALAN_JEMBATAN};
use serde_json::{json, Value};

use super::cpu;
use super::rig::MOCK_THREADS;

pub struct Ceiling {
    pub created: u64,
    pub failed: u64,
    pub wall: Duration,
    pub usage: cpu::SplitUsage,
}

impl Ceiling {
    pub fn per_sec(&self) -> f64 {
        self.created as f64 / self.wall.as_secs_f64()
    }
}

/// A valid create, as the bridge would send for a SAMBAT record (attachment included).
fn laporan(ext: &str) -> Value {
    json!({
        "id_eksternal": ext,
        "kanal": "sambat",
        "klasifikasi": "pengaduan",
        "judul": "Jalan berlubang di Jl. Soekarno-Hatta",
        "isi": "Jalan berlubang cukup dalam dekat masjid, sudah ada pengendara motor yang jatuh.",
        "kategori_id": KATEGORI_JALAN_JEMBATAN,
        "instansi_id": INSTANSI_PEMKOT_MALANG,
        "tanggal_kejadian": "2024-07-28",
        "lokasi": {"alamat": "Jl. Soekarno-Hatta No. 12", "kode_wilayah": "35.73.05", "lat": -7.94, "lon": 112.62},
        "anonim": false,
        "rahasia": false,
        "pelapor": {"nama": "Budi Santoso", "nik": "3573011203900001", "telepon": "081234567890", "email": null},
        "lampiran": [{"nama_file": "foto-1.jpg", "tipe": "image/jpeg", "url": "https://sambat.example/foto-1.jpg"}],
        "waktu_lapor": "2024-07-29T08:15:00+07:00"
    })
}

async fn token(c: &reqwest::Client, base: &str) -> Result<String, String> {
    let v: Value = c
        .post(format!("{base}/auth/token"))
        .json(&json!({"client_id": "pemkot-malang", "client_secret": "rahasia-demo"}))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    v["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "no access_token from the LAPOR! mock".into())
}

/// Posts creates with `concurrency` tasks for `seconds`; ids are `ceiling:<run>-<n>`.
pub async fn measure(base: &str, concurrency: usize, seconds: f64) -> Result<Ceiling, String> {
    let client = reqwest::Client::new();
    let tok = Arc::new(token(&client, base).await?);
    let run = jiff::Timestamp::now().as_millisecond();
    let next = Arc::new(AtomicU64::new(0));
    let created = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let split = cpu::Split::start(MOCK_THREADS);
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, tok, next) = (client.clone(), tok.clone(), next.clone());
        let (created, failed) = (created.clone(), failed.clone());
        let url = format!("{base}/laporan");
        tasks.spawn(async move {
            while Instant::now() < end {
                let ext = format!("ceiling:{run}-{}", next.fetch_add(1, Ordering::Relaxed));
                let body = serde_json::to_vec(&laporan(&ext)).unwrap_or_default();
                let r = client
                    .post(&url)
                    .bearer_auth(tok.as_str())
                    .header("Idempotency-Key", &ext)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().as_u16() == 201 => {
                        let _ = r.bytes().await;
                        created.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let wall = start.elapsed();
    Ok(Ceiling {
        created: created.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        wall,
        usage: split.stop(MOCK_THREADS),
    })
}
