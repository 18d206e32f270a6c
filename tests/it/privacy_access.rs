//! Access and erasure under UU PDP, and minimisation at intake: through the real SAMBAT mock
//! and poller, a real store file.

use crate::common;

use common::Env;
use lapor_bridge::domain::RecordKey;
use lapor_bridge::privacy::{erase, export, held, Selector};
use lapor_mocks::lapor::LaporMockConfig;
use serde_json::json;

const NAMA: &str = "Siti Aminah Rahayu";
const NIK: &str = "3573014507890002";
const HP: &str = "0812-3456-7890";
/// The phone's digits as any spelling of it would hold them.
const HP_DIGITS: &str = "81234567890";

fn named(isi: &str, nama: &str, nik: &str, hp: &str) -> serde_json::Value {
    json!({
        "judul": "", "isi": isi, "kategori": "Penerangan Jalan", "opd": "DPUPRPKP",
        "kecamatan": "Blimbing", "kelurahan": "Polowijen", "alamat": "Jl. Raden Intan",
        "pelapor": {"nama": nama, "nik": nik, "hp": hp, "email": "siti.aminah@example.id"},
        "anonim": false, "rahasia": false, "foto": [], "status": "baru"
    })
}

async fn env() -> Env {
    Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await
}

/// The store file's and its WAL's bytes.
fn store_bytes(env: &Env) -> Vec<u8> {
    let mut bytes = std::fs::read(env.store_path()).unwrap();
    let mut wal = env.store_path().into_os_string();
    wal.push("-wal");
    if let Ok(w) = std::fs::read(&wal) {
        bytes.extend(w);
    }
    bytes
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn export_finds_a_person_by_phone_in_any_spelling_and_erase_removes_them() {
    let env = env().await;
    let id = env.sambat.insert(named(
        "Lampu PJU di depan SDN Polowijen 2 mati sudah tiga malam.",
        NAMA,
        NIK,
        HP,
    ));
    let other = env.sambat.insert(named(
        "Saluran air di Jl. Raden Intan tersumbat sampah sejak seminggu.",
        "Budi Santoso",
        "3573010101800003",
        "0813-9999-0000",
    ));
    let p = env.pipeline(&[]);
    p.pollers[0].poll_once().await.unwrap();
    assert_eq!(p.forwarder.step().await.unwrap().forwarded, 2);
    let cfg = env.config(&[]);
    let key = format!("sambat:{id}");

    for spelling in [HP, "+62 812 3456 7890", "6281234567890"] {
        let sel = Selector::phone(spelling).unwrap();
        let out = export::export(&p.store, &cfg, &sel).unwrap();
        assert_eq!(out.records.len(), 1, "{spelling}: {out:?}");
        let r = &out.records[0];
        assert_eq!(r.record, key);
        assert_eq!(r.personal_data.nik.as_deref(), Some(NIK));
        assert!(
            r.held_in.iter().any(|h| h.starts_with("records.raw")),
            "{:?}",
            r.held_in
        );
        assert!(
            r.held_in.iter().any(|h| h.starts_with("outbox.payload")),
            "{:?}",
            r.held_in
        );
        let tracking = r.tracking_id.as_deref().expect("forwarded");
        assert!(
            r.lapor.contains(tracking) && r.lapor.contains("cannot erase"),
            "{}",
            r.lapor
        );
        assert!(!r.timeline.is_empty());
    }
    // By NIK and e-mail (case ignored) too; an unknown phone finds nothing.
    let by_nik = export::export(&p.store, &cfg, &Selector::nik(NIK).unwrap()).unwrap();
    assert_eq!(by_nik.records.len(), 1);
    let by_mail = export::export(
        &p.store,
        &cfg,
        &Selector::email("SITI.Aminah@example.id").unwrap(),
    )
    .unwrap();
    assert_eq!(
        by_mail.records.len(),
        2,
        "both reporters share the address here"
    );
    let nobody = Selector::phone("0857-0000-1111").unwrap();
    assert!(export::export(&p.store, &cfg, &nobody)
        .unwrap()
        .records
        .is_empty());

    let phones = |store: &lapor_bridge::store::Store| {
        let r = held::report(store, &cfg).unwrap();
        assert_eq!(r.channels.len(), 1, "{r:?}");
        (
            r.channels[0].records,
            r.channels[0].telepon,
            r.channels[0].nik,
        )
    };
    assert_eq!(phones(&p.store), (2, 2, 2));

    let sel = Selector::phone("+6281234567890").unwrap();
    let report = erase::erase(
        &p.store,
        &cfg,
        &sel,
        "ppid-malang",
        "request PPID/2026/123",
        jiff::Timestamp::now(),
    )
    .unwrap();
    assert_eq!(report.erased.len(), 1);
    assert_eq!(report.erased[0].record, key);
    assert!(report.erased[0].lapor.contains("LAPOR! keeps its own"));

    assert!(export::export(&p.store, &cfg, &sel)
        .unwrap()
        .records
        .is_empty());
    assert_eq!(phones(&p.store), (2, 1, 1));
    let d = p.store.detail(&RecordKey::parse(&key).unwrap()).unwrap();
    let erased = d
        .events
        .iter()
        .find(|e| e.kind == "erased")
        .expect("erasure on the timeline");
    let detail = erased.detail.as_deref().unwrap();
    assert!(
        detail.contains("ppid-malang") && detail.contains("PPID/2026/123"),
        "{detail}"
    );
    for e in &d.events {
        let text = format!("{:?}", e);
        assert!(!text.contains(HP_DIGITS) && !text.contains(NIK), "{text}");
    }
    // Gone from the bytes of the file and its WAL, while the other reporter is untouched.
    let bytes = store_bytes(&env);
    for gone in [HP_DIGITS, NIK, NAMA] {
        assert!(!holds(&bytes, gone), "{gone} still in the store file");
    }
    let kept = export::export(
        &p.store,
        &cfg,
        &Selector::record(&format!("sambat:{other}")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        kept.records[0].personal_data.nama.as_deref(),
        Some("Budi Santoso")
    );
}

#[tokio::test]
async fn erasing_a_complaint_not_yet_forwarded_closes_it_unsent() {
    let env = env().await;
    let id = env.sambat.insert(named(
        "Trotoar di Jl. Raden Intan berlubang dan membahayakan pejalan kaki.",
        NAMA,
        NIK,
        HP,
    ));
    let p = env.pipeline(&[]);
    p.pollers[0].poll_once().await.unwrap();
    let cfg = env.config(&[]);
    let sel = Selector::nik(NIK).unwrap();
    let r = erase::erase(
        &p.store,
        &cfg,
        &sel,
        "ppid",
        "withdrawn",
        jiff::Timestamp::now(),
    )
    .unwrap();
    assert_eq!(
        (r.erased[0].was.as_str(), r.erased[0].now.as_str()),
        ("pending", "acknowledged")
    );
    assert!(r.erased[0].tracking_id.is_none());
    assert_eq!(p.forwarder.step().await.unwrap().claimed, 0);
    assert_eq!(env.lapor.counters().create_requests, 0);
    let d = p
        .store
        .detail(&RecordKey::parse(&format!("sambat:{id}")).unwrap())
        .unwrap();
    assert!(d.problems.iter().any(|f| f.message == erase::ERASED_REASON));
}

#[tokio::test]
async fn an_anonymous_sambat_record_keeps_no_identity_at_rest() {
    let env = env().await;
    // SAMBAT sends the reporter even for an anonymous complaint: the bridge must not keep it.
    let mut rec = named(
        "Pungutan liar di loket pelayanan kelurahan, mohon ditindak.",
        NAMA,
        NIK,
        HP,
    );
    rec["anonim"] = json!(true);
    let id = env.sambat.insert(rec);
    let p = env.pipeline(&[]);
    let first = p.pollers[0].poll_once().await.unwrap();
    assert_eq!(first.new, 1, "{first:?}");
    // What is stored is what is hashed: the next poll sees no edit.
    let again = p.pollers[0].poll_once().await.unwrap();
    assert_eq!((again.new, again.updated), (0, 0), "{again:?}");
    let d = p
        .store
        .detail(&RecordKey::parse(&format!("sambat:{id}")).unwrap())
        .unwrap();
    assert_eq!(d.raw["pelapor"], serde_json::Value::Null);
    assert_eq!(d.raw["anonim"], true);
    let stored: Vec<String> = p
        .store
        .with_conn(|c| {
            let mut s = c.prepare("SELECT raw FROM records UNION ALL SELECT raw FROM revisions")?;
            let rows = s.query_map([], |r| r.get(0))?;
            rows.collect()
        })
        .unwrap();
    assert_eq!(stored.len(), 2);
    for raw in stored {
        for secret in [NAMA, NIK, HP, HP_DIGITS] {
            assert!(!raw.contains(secret), "{secret} stored in {raw}");
        }
    }
    // And it is still forwarded, anonymously.
    assert_eq!(p.forwarder.step().await.unwrap().forwarded, 1);
}

#[cfg(unix)]
#[tokio::test]
async fn the_store_file_and_its_wal_are_0600() {
    use std::os::unix::fs::PermissionsExt;
    let env = env().await;
    env.sambat
        .insert(named("Lampu PJU di Jl. Raden Intan mati.", NAMA, NIK, HP));
    let p = env.pipeline(&[]);
    p.pollers[0].poll_once().await.unwrap();
    let mode = |suffix: &str| {
        let mut path = env.store_path().into_os_string();
        path.push(suffix);
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(""), 0o600);
    assert_eq!(mode("-wal"), 0o600);
    assert_eq!(mode("-shm"), 0o600);
}

#[test]
fn privacy_commands_have_help() {
    for sub in ["export", "erase", "report"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_lapor-bridge"))
            .args(["privacy", sub, "--help"])
            .output()
            .unwrap();
        assert!(out.status.success(), "privacy {sub} --help");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("--phone") || sub == "report", "{text}");
    }
}

/// `lapor-bridge privacy …` on `env`'s store with the demo configuration; stdout parsed as JSON.
fn privacy_cli(env: &Env, args: &[&str]) -> serde_json::Value {
    let store = env.store_path();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lapor-bridge"))
        .args(["--lang", "en", "privacy"])
        .args(args)
        .args(["--config", common::DEMO_TOML, "--store"])
        .arg(&store)
        .env_remove("LAPOR_BRIDGE_CONFIG")
        .env_remove("LAPOR_BRIDGE__STORE__PATH")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "privacy {args:?}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[tokio::test]
async fn the_commands_export_erase_and_report_through_the_binary() {
    let env = env().await;
    env.sambat.insert(named(
        "Lampu PJU di depan SDN Polowijen 2 mati sudah tiga malam.",
        NAMA,
        NIK,
        HP,
    ));
    let p = env.pipeline(&[]);
    p.pollers[0].poll_once().await.unwrap();
    drop(p);
    let found = privacy_cli(&env, &["export", "--phone", "+62 812-3456-7890"]);
    assert_eq!(found["records"].as_array().unwrap().len(), 1, "{found}");
    let held = privacy_cli(&env, &["report", "--format", "json"]);
    assert_eq!(held["channels"][0]["telepon"], 1, "{held}");
    // Without --yes and without a terminal it refuses.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_lapor-bridge"))
        .args([
            "--lang", "en", "privacy", "erase", "--nik", NIK, "--reason", "test",
        ])
        .args(["--config", common::DEMO_TOML, "--store"])
        .arg(env.store_path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    let erased = privacy_cli(&env, &["erase", "--nik", NIK, "--reason", "test", "--yes"]);
    assert_eq!(erased["erased"].as_array().unwrap().len(), 1, "{erased}");
    let none = privacy_cli(&env, &["export", "--phone", HP]);
    assert!(none["records"].as_array().unwrap().is_empty(), "{none}");
}

#[tokio::test]
async fn a_webhook_channel_that_sends_anonymously_stores_no_caller() {
    use crate::support::webhooks::{send, ticket, CALL112_SECRET};
    let env = env().await;
    let p = env.pipeline(&[(
        "LAPOR_BRIDGE__CHANNELS__CALL112__MAPPING__REPORTER",
        "anonymous".into(),
    )]);
    let w = p
        .webhooks
        .clone()
        .expect("demo config has webhook channels");
    let url = format!("http://{}/webhooks/call112", w.local_addr());
    let (trigger, sd) = lapor_bridge::shutdown::channel();
    tokio::spawn(async move { w.run(sd).await });
    let client = reqwest::Client::new();
    let body = ticket(
        "112-77",
        "Tiga lampu penerangan jalan mati sejak dua malam, jalan gelap dan rawan.",
    );
    let (status, resp) = send(&client, &url, CALL112_SECRET, &body).await;
    assert!(status < 300, "{status} {resp}");
    // A re-delivery is the same content: what is hashed is what is stored.
    let (_, again) = send(&client, &url, CALL112_SECRET, &body).await;
    assert_ne!(again["status"], "updated", "{again}");
    let d = p
        .store
        .detail(&RecordKey::parse("call112:112-77").unwrap())
        .unwrap();
    let raw = d.raw.to_string();
    assert!(
        !raw.contains("Siti Aminah") && !raw.contains("3456-7890"),
        "{raw}"
    );
    assert_eq!(d.raw["agent"], "op-07", "the rest of the delivery is kept");
    drop(trigger);
}
