//! The one-shot dry run for every channel kind, as the real binary: CSV samples for the Ngombe
//! channel get the identity and verdicts the daemon's CSV intake gives the same file; webhook
//! samples get the channel's id pointers and filters (an out-of-filter 112 ticket is ignored,
//! exit 0). And records checked by a dry-run daemon are not counted as acknowledged.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use common::Env;
use lapor_bridge::service::{metrics, state::Shared};
use lapor_mocks::lapor::LaporMockConfig;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");

const HEADER: &str = "no;tanggal;nama;telepon;kecamatan;kelurahan;kategori;uraian;opd_tujuan";
const URAIAN: &str = "Sampah menumpuk di TPS Kauman, sudah tiga hari tidak diangkut petugas";

/// A Ngombe export as the forum team sends it (`;`, quoted fields): a valid row, a row whose
/// category the tables do not cover, the first row again with another spelling of the phone
/// (the same identity), and a row whose date is not DD/MM/YYYY.
fn ngombe_export() -> String {
    format!(
        "{HEADER}\n\
         1;29/07/2024;Budi Santoso;0812-3456-7001;Klojen;Kauman;Sampah;\"{URAIAN}\";DLH\n\
         2;29/07/2024;Siti Aminah;0813-1111-2222;Sukun;Gadang;Banjir Rob;\"{URAIAN}\";DLH\n\
         1;29/7/2024;BUDI SANTOSO;+62 812 3456 7001;Klojen;Kauman;Sampah;\"{URAIAN}\";DLH\n\
         3;31/02/2024;Ani;0814-2222-3333;Blimbing;Polehan;Sampah;\"{URAIAN}\";DLH\n"
    )
}

fn dry_run(dir: &Path, channel: &str, input: &Path) -> (i32, Value, String) {
    let o: Output = Command::new(BIN)
        .args([
            "dry-run",
            "--config",
            common::DEMO_TOML,
            "--channel",
            channel,
        ])
        .arg("--input")
        .arg(input)
        .args(["--format", "json"])
        .env("LAPOR_BRIDGE__STORE__PATH", dir.join("cache.db"))
        .env_remove("LAPOR_BRIDGE_CONFIG")
        .output()
        .expect("run lapor-bridge dry-run");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let json = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("JSON output ({e}); stderr: {stderr}"));
    (o.status.code().expect("exited"), json, stderr)
}

fn text_run(channel: &str, input: &Path) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .args([
            "--lang",
            "en",
            "dry-run",
            "--config",
            common::DEMO_TOML,
            "--channel",
            channel,
        ])
        .arg("--input")
        .arg(input)
        .env("LAPOR_BRIDGE__STORE__PATH", dir.path().join("cache.db"))
        .env_remove("LAPOR_BRIDGE_CONFIG")
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

/// `channel:local_id` → outbox state of every record the store holds.
fn stored(path: &Path) -> BTreeMap<String, String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT r.channel || ':' || r.local_id, o.state
             FROM records r JOIN outbox o ON o.record_id = r.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows
}

#[tokio::test]
async fn csv_samples_get_the_identity_and_verdicts_of_the_csv_intake() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await;
    let sample = env.dir.path().join("sample.csv");
    std::fs::write(&sample, ngombe_export()).unwrap();

    let (code, out, stderr) = dry_run(env.dir.path(), "ngombe", &sample);
    assert_eq!(
        code, 1,
        "two rows would not go to LAPOR!: {out:#}\n{stderr}"
    );
    let records = out["records"].as_array().unwrap();
    assert_eq!(records.len(), 4, "{out:#}");
    let lines: Vec<u64> = records
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3, 4, 5]);
    assert_eq!(records[0]["valid"], true, "{:#}", records[0]);
    assert_eq!(records[1]["valid"], false);
    assert_eq!(
        records[1]["reasons"][0]["field"], "kategori",
        "{:#}",
        records[1]
    );
    // The same row again: the CSV intake takes only the first.
    assert_eq!(records[2]["valid"], false);
    assert_eq!(records[2]["key"], records[0]["key"]);
    assert!(
        records[2]["reasons"][0]["message"]
            .as_str()
            .unwrap()
            .contains("as line 2; only the first is taken"),
        "{:#}",
        records[2]
    );
    assert_eq!(records[3]["key"], Value::Null);
    assert!(
        records[3]["reasons"][0]["message"]
            .as_str()
            .unwrap()
            .contains("DD/MM/YYYY"),
        "{:#}",
        records[3]
    );
    assert_eq!(out["summary"]["valid"], 1);
    assert_eq!(out["summary"]["invalid"], 3);

    // The daemon's CSV intake on the same file: the same keys, the one held is the one the
    // dry run called invalid for its mapping, the valid one pending.
    let p = env.pipeline(&[(
        "LAPOR_BRIDGE__CHANNELS__NGOMBE__INBOX",
        env.dir.path().join("inbox").display().to_string(),
    )]);
    let folder = &p.csv_folders[0];
    std::fs::create_dir_all(folder.inbox()).unwrap();
    std::fs::write(folder.inbox().join("ngombe.csv"), ngombe_export()).unwrap();
    let t0 = SystemTime::now();
    folder.scan_once(t0).unwrap();
    let r = folder.scan_once(t0 + Duration::from_secs(5)).unwrap();
    assert_eq!(r.files, 1, "{r:?}");
    let store = stored(&env.store_path());
    let key = |i: usize| records[i]["key"].as_str().unwrap().to_owned();
    let expected: BTreeMap<String, String> =
        [(key(0), "pending".to_owned()), (key(1), "held".to_owned())].into();
    assert_eq!(store, expected);
    assert!(key(0).starts_with("ngombe:1-20240729-"), "{}", key(0));

    // The text form names the line.
    let (code, text) = text_run("ngombe", &sample);
    assert_eq!(code, 1);
    assert!(
        text.contains("record 1 (line 2)  ngombe:1-20240729-"),
        "{text}"
    );
    assert!(
        text.contains("4 records, 1 valid, 3 invalid, 0 ignored"),
        "{text}"
    );
}

fn ticket(id: &str, category: &str) -> Value {
    serde_json::json!({
        "ticket_id": id,
        "call_time": "2024-07-29T08:15:00+07:00",
        "caller": {"name": "Budi Santoso", "phone": "081234567001"},
        "category": category,
        "summary": "Lampu penerangan jalan mati di Jalan Ijen",
        "notes": "Sudah tiga malam lampu di depan nomor 12 mati, jalan gelap dan rawan.",
        "location": {"address": "Jl. Ijen 12, Oro-oro Dowo", "lat": -7.9712, "lon": 112.6205},
        "agent": "AG-7"
    })
}

#[test]
fn webhook_samples_get_the_channels_id_pointers_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tickets.jsonl");
    let lines = [
        ticket("112-0001", "keluhan-layanan/penerangan-jalan"),
        ticket("112-0002", "darurat/kebakaran"),
    ]
    .map(|t| t.to_string())
    .join("\n");
    std::fs::write(&input, lines).unwrap();
    let (code, out, stderr) = dry_run(dir.path(), "call112", &input);
    assert_eq!(code, 0, "{out:#}\n{stderr}");
    let r = out["records"].as_array().unwrap();
    assert_eq!(r[0]["key"], "call112:112-0001", "{out:#}");
    assert_eq!(r[0]["valid"], true, "{out:#}");
    assert_eq!(r[1]["key"], "call112:112-0002");
    let why = r[1]["ignored"].as_str().expect("ignored");
    assert!(
        why.contains("/category") && why.contains("keluhan-layanan/"),
        "{why}"
    );
    assert_eq!(r[1]["reasons"].as_array().unwrap().len(), 0, "{out:#}");
    assert_eq!(out["summary"]["ignored"], 1);
    assert_eq!(out["summary"]["valid"], 1);
    assert_eq!(out["summary"]["invalid"], 0);

    // Only the out-of-filter ticket: "ignored", exit 0.
    let only = dir.path().join("kebakaran.json");
    std::fs::write(&only, ticket("112-0003", "darurat/kebakaran").to_string()).unwrap();
    let (code, text) = text_run("call112", &only);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("call112:112-0003  IGNORED"), "{text}");
    assert!(
        text.contains("1 record, 0 valid, 0 invalid, 1 ignored"),
        "{text}"
    );

    // The social channel's id is two pointers joined with `:`; a sample without one of them
    // is refused as the webhook refuses it.
    let posts = dir.path().join("posts.jsonl");
    std::fs::write(
        &posts,
        "{\"platform\":\"x\",\"post_id\":\"1789\",\"author\":{\"handle\":\"@warga\"},\"text\":\"Sampah menumpuk di TPS Kauman sejak Senin\",\"posted_at\":\"2024-07-29T08:15:00+07:00\"}\n\
         {\"platform\":\"x\",\"text\":\"tanpa id\"}\n",
    )
    .unwrap();
    let (code, out, _) = dry_run(dir.path(), "sosmed", &posts);
    assert_eq!(code, 1, "{out:#}");
    let r = out["records"].as_array().unwrap();
    assert_eq!(r[0]["key"], "sosmed:x:1789", "{out:#}");
    assert_eq!(r[1]["key"], Value::Null);
    assert_eq!(r[1]["reasons"][0]["field"], "/post_id", "{out:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_checked_by_the_dry_run_are_not_counted_as_acknowledged() {
    let env = Env::start(LaporMockConfig::default()).await;
    env.sambat.add_generated(3);
    let pipeline = env.pipeline(&[("LAPOR_BRIDGE__MODE", "dry-run".to_owned())]);
    lapor_bridge::dryrun::prepare_store(&pipeline.store, &pipeline.cfg).unwrap();
    let shared = Shared::new(pipeline.store.clone(), None);
    shared.install(&pipeline);
    pipeline.pollers[0].poll_once().await.unwrap();
    for _ in 0..20 {
        if pipeline.forwarder.step().await.unwrap().claimed == 0 {
            break;
        }
    }
    let checked = pipeline
        .store
        .dry_run_report()
        .unwrap()
        .iter()
        .filter(|r| r.verdict.is_some())
        .count();
    assert_eq!(checked, 3);
    assert_eq!(env.lapor.counters().create_requests, 0);

    let status = lapor_bridge::cli::status::render_in(
        &pipeline.store,
        &env.store_path(),
        jiff::Timestamp::now(),
        lapor_bridge::i18n::Lang::English,
    )
    .unwrap();
    assert!(status.contains("(0 acknowledged)"), "{status}");
    assert!(
        status.contains("3 record(s) checked by the dry run"),
        "{status}"
    );

    let text = metrics::render(&shared).unwrap();
    let sample = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{name}{{channel=\"sambat\"}}")))
            .map(|l| l.rsplit(' ').next().unwrap().to_owned())
    };
    assert_eq!(
        sample("lapor_bridge_records_acknowledged").as_deref(),
        Some("0"),
        "{text}"
    );
    assert_eq!(
        sample("lapor_bridge_records_dry_run_checked").as_deref(),
        Some("3"),
        "{text}"
    );
}
