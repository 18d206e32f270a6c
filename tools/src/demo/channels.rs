//! The demo's other three channels: simulated Call Center 112 and social-media deliveries,
//! signed and sent to the bridge's webhook listener, and an Ngombe export dropped in the inbox.

use std::net::SocketAddr;
use std::path::Path;

use serde_json::{json, Value};

use lapor_bridge::wire::webhook::sign;

/// Secrets of `config/demo.toml`.
const CALL112_SECRET: &str = "call112-demo-secret";
const SOSMED_SECRET: &str = "sosmed-demo-secret";

/// What the simulation sent, for the summary and the finish condition.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sent {
    /// Distinct complaints the bridge should end up holding (forwarded or held).
    pub records: u64,
    pub deliveries: u64,
    pub duplicates: u64,
    pub ignored: u64,
    pub refused: u64,
}

const KATEGORI_112: [&str; 6] = [
    "keluhan-layanan/jalan-rusak",
    "keluhan-layanan/penerangan-jalan",
    "keluhan-layanan/drainase",
    "keluhan-layanan/parkir-liar",
    "keluhan-layanan/sampah",
    "keluhan-layanan/lalu-lintas",
];

const JALAN: [&str; 6] = [
    "Jl. Ijen",
    "Jl. Soekarno Hatta",
    "Jl. Veteran",
    "Jl. Kawi",
    "Jl. Semeru",
    "Jl. Bandung",
];

/// A time shortly before now (RFC 3339, WIB): the demo's complaints are recent, so the
/// report and dashboard show response times the city would see.
fn minutes_ago(m: i64) -> String {
    lapor_bridge::time::rfc3339_wib(jiff::Timestamp::now() - jiff::SignedDuration::from_mins(m))
}

/// A WIB date `d` days before today, `DD/MM/YYYY` as the forum's export writes it.
fn days_ago(d: i64) -> String {
    let t = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * d);
    t.to_zoned_datetime(lapor_bridge::time::wib())
        .strftime("%d/%m/%Y")
        .to_string()
}

pub fn ticket(i: usize) -> Value {
    let jalan = JALAN[i % JALAN.len()];
    json!({
        "ticket_id": format!("112-20240729-{i:04}"),
        "call_time": minutes_ago((i as i64 + 1) * 17),
        "caller": {"name": format!("Penelepon {i}"), "phone": format!("0812{:08}", 10_000_000 + i)},
        "category": KATEGORI_112[i % KATEGORI_112.len()],
        "summary": format!("Keluhan warga di {jalan}"),
        "notes": format!("Penelepon melaporkan masalah layanan publik di {jalan} nomor {i}, mohon ditindaklanjuti."),
        "location": {"address": format!("{jalan} No. {i}, Kota Malang"), "lat": -7.97, "lon": 112.63},
        "agent": "op-07"
    })
}

pub fn post(i: usize, text: &str) -> Value {
    let platform = ["instagram", "x", "facebook", "tiktok"][i % 4];
    json!({
        "platform": platform,
        "post_id": format!("p{i}"),
        "author": {"handle": format!("@warga_malang_{i}"), "name": null},
        "text": text,
        "media": ["https://cdn.example/foto.jpg", "https://cdn.example/video.mp4"],
        "posted_at": minutes_ago((i as i64 + 1) * 23),
        "permalink": format!("https://{platform}.example/p{i}")
    })
}

async fn send(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    body: &Value,
) -> Result<u16, String> {
    let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    let ts = jiff::Timestamp::now().as_second();
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .header("x-timestamp", ts.to_string())
        .header("x-signature", sign(secret.as_bytes(), ts, &bytes))
        .body(bytes)
        .send()
        .await
        .map_err(|e| format!("webhook delivery to {url}: {e}"))?;
    Ok(resp.status().as_u16())
}

/// `n_112` tickets (one outside the complaint category, one delivered twice) and `n_social`
/// posts (one edited, one with a forged signature).
pub async fn simulate_webhooks(
    addr: SocketAddr,
    n_112: usize,
    n_social: usize,
) -> Result<Sent, String> {
    let client = reqwest::Client::new();
    let u112 = format!("http://{addr}/webhooks/call112");
    let usos = format!("http://{addr}/webhooks/sosmed");
    let mut s = Sent::default();
    let expect = |got: u16, want: u16, what: &str| {
        if got == want {
            Ok(())
        } else {
            Err(format!("{what}: expected {want}, got {got}"))
        }
    };
    for i in 0..n_112 {
        expect(
            send(&client, &u112, CALL112_SECRET, &ticket(i)).await?,
            202,
            "112 ticket",
        )?;
        s.deliveries += 1;
        s.records += 1;
    }
    if n_112 > 0 {
        // The same ticket again, and an emergency ticket that is not a complaint for LAPOR!.
        expect(
            send(&client, &u112, CALL112_SECRET, &ticket(0)).await?,
            202,
            "112 re-delivery",
        )?;
        let mut fire = ticket(n_112);
        fire["category"] = json!("darurat/kebakaran");
        expect(
            send(&client, &u112, CALL112_SECRET, &fire).await?,
            202,
            "112 emergency",
        )?;
        s.deliveries += 2;
        s.duplicates += 1;
        s.ignored += 1;
    }
    for i in 0..n_social {
        let text = format!(
            "Jalan berlubang di {} sudah lama tidak diperbaiki, bahaya untuk pengendara motor #{i}",
            JALAN[i % JALAN.len()]
        );
        expect(
            send(&client, &usos, SOSMED_SECRET, &post(i, &text)).await?,
            202,
            "social post",
        )?;
        s.deliveries += 1;
        s.records += 1;
    }
    if n_social > 0 {
        let edited = post(
            0,
            "EDIT: jalan berlubang di Jl. Ijen makin lebar setelah hujan, mohon segera diperbaiki",
        );
        expect(
            send(&client, &usos, SOSMED_SECRET, &edited).await?,
            202,
            "edited post",
        )?;
        expect(
            send(&client, &usos, "forged", &post(9999, "palsu")).await?,
            401,
            "forged post",
        )?;
        s.deliveries += 2;
        s.refused += 1;
    }
    Ok(s)
}

/// `n_112` tickets and `n_social` posts spread over several bridges, as a city's load
/// balancer spreads them over replicas: delivery `i` goes to `addrs[i % len]`, and one that
/// is refused or cannot connect (that replica is down) goes to the next, until `deadline`.
/// Returns the distinct records delivered (each answered 202 by one replica at least).
pub async fn deliver_spread(
    addrs: &[SocketAddr],
    n_112: usize,
    n_social: usize,
    deadline: std::time::Duration,
) -> Result<u64, String> {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .map_err(|e| e.to_string())?;
    let end = std::time::Instant::now() + deadline;
    let deliveries = (0..n_112)
        .map(|i| ("call112", CALL112_SECRET, ticket(i)))
        .chain((0..n_social).map(|i| {
            let text = format!(
                "Lampu jalan di {} mati sejak minggu lalu, gelap sekali di malam hari #{i}",
                JALAN[i % JALAN.len()]
            );
            ("sosmed", SOSMED_SECRET, post(i, &text))
        }));
    let mut records = 0;
    for (i, (path, secret, body)) in deliveries.enumerate() {
        let mut tries = 0;
        loop {
            let addr = addrs[(i + tries) % addrs.len()];
            let url = format!("http://{addr}/webhooks/{path}");
            match send(&client, &url, secret, &body).await {
                Ok(202) => break,
                Ok(_) | Err(_) if std::time::Instant::now() < end => tries += 1,
                Ok(code) => return Err(format!("delivery {i} to {url}: HTTP {code}")),
                Err(e) => return Err(format!("delivery {i}: {e}")),
            }
            if tries % addrs.len() == 0 {
                // Every replica refused this round: give the restarting ones a moment.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
        records += 1;
    }
    Ok(records)
}

/// An Indonesian-locale export (`;`, BOM, a quoted `uraian` with a line break), with one row
/// that cannot be read. Returns the rows that become records.
pub fn drop_ngombe(inbox: &Path, rows: usize) -> Result<u64, String> {
    std::fs::create_dir_all(inbox).map_err(|e| e.to_string())?;
    let kategori = [
        "Sampah",
        "Jalan Rusak",
        "Drainase",
        "Taman Kota",
        "Air Bersih",
    ];
    let opd = ["DLH", "DPUPRPKP", "DPUPRPKP", "DLH", "Perumda Tugu Tirta"];
    let kec = ["Klojen", "Sukun", "Blimbing", "Lowokwaru", "Kedungkandang"];
    let kel = ["Kauman", "Gadang", "Polowijen", "Dinoyo", "Buring"];
    let mut text = String::from(
        "\u{FEFF}no;tanggal;nama;telepon;kecamatan;kelurahan;kategori;uraian;opd_tujuan\r\n",
    );
    for i in 0..rows {
        let k = i % kategori.len();
        text.push_str(&format!(
            "{};{};Warga Forum {i};0813{:08};{};{};{};\"Disampaikan di forum Ngombe; {} di wilayah {} perlu perhatian.\r\nMohon ditindaklanjuti.\";{}\r\n",
            i + 1, days_ago(i as i64 % 5), 20_000_000 + i, kec[k], kel[k], kategori[k], kategori[k].to_lowercase(), kec[k], opd[k]
        ));
    }
    text.push_str(&format!(
        ";{};Tanpa Nomor;;Klojen;Kauman;Sampah;\"baris tanpa nomor\";DLH\r\n",
        days_ago(0)
    ));
    // Written aside and renamed in, as a copy would finish.
    let tmp = inbox.join(".ngombe-demo.csv.part");
    std::fs::write(&tmp, text).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, inbox.join("ngombe-demo.csv")).map_err(|e| e.to_string())?;
    Ok(rows as u64)
}
