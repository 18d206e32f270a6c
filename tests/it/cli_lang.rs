//! The operator commands from the real binary in both languages: Bahasa Indonesia by default
//! (no `--lang`, no `[ui] language`), English with `--lang en` or `$LAPOR_BRIDGE_LANG`, every
//! line within 100 columns; `--format json` the same in both.

use crate::common;

use std::process::{Command, Output, Stdio};

use common::Env;
use lapor_mocks::lapor::LaporMockConfig;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");

/// `lapor-bridge <args>` with no language chosen anywhere but `env`.
fn bridge(env: &[(&str, &str)], args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .args(["--config", "/nonexistent/lapor-bridge.toml"])
        .env_remove("LAPOR_BRIDGE_LANG")
        .env_remove("LAPOR_BRIDGE__UI__LANGUAGE")
        .env_remove("LAPOR_BRIDGE_CONFIG")
        .env_remove("LAPOR_BRIDGE__STORE__PATH")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run lapor-bridge")
}

/// stdout and stderr, each line checked against the 100-column limit (chars, not bytes).
fn fitted(args: &[&str], o: &Output) -> (String, String) {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    for line in out.lines().chain(err.lines()) {
        assert!(
            line.chars().count() <= 100,
            "{args:?}: {} columns: {line:?}",
            line.chars().count()
        );
    }
    (out, err)
}

fn complaint(kategori: &str, isi: &str) -> serde_json::Value {
    json!({
        "judul": "Lampu penerangan jalan padam sepanjang Jalan Ijen",
        "isi": isi,
        "kategori": kategori, "opd": "DPUPRPKP", "kecamatan": "Klojen", "kelurahan": "Kauman",
        "alamat": "Jl. Ijen", "pelapor": {"nama": "Budi Santoso", "nik": "3573010101900002",
        "hp": "0812-1111-2222", "email": null},
        "anonim": false, "rahasia": false, "foto": [], "status": "baru"
    })
}

#[tokio::test]
async fn operator_commands_speak_indonesian_by_default_and_english_on_request() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await;
    let isi = "Lampu penerangan jalan padam sejak tiga malam, jalan gelap dan rawan kecelakaan.";
    let dead = env.sambat.insert(complaint("Drainase", isi));
    env.sambat
        .insert(complaint("Kategori Yang Tidak Dikenal Oleh Pemetaan", isi));
    let p = env.pipeline(&[(
        "LAPOR_BRIDGE__CHANNELS__SAMBAT__MAPPING__KATEGORI__DRAINASE",
        "999999".into(),
    )]);
    p.pollers[0].poll_once().await.unwrap();
    assert_eq!(p.forwarder.step().await.unwrap().dead, 1);
    let path = env.store_path();
    let f = path.to_str().unwrap();
    let k = format!("sambat:{dead}");

    let id = |args: &[&str]| {
        let o = bridge(&[], args);
        assert!(o.status.success(), "{args:?}: {o:?}");
        fitted(args, &o).0
    };
    let en = |args: &[&str]| {
        let o = bridge(&[], &[&["--lang", "en"], args].concat());
        assert!(o.status.success(), "{args:?}: {o:?}");
        fitted(args, &o).0
    };

    let status = ["status", "--store", f];
    let s = id(&status);
    assert!(s.starts_with("Status lapor-bridge"), "{s}");
    assert!(s.contains("1 gagal terkirim, 1 ditahan"), "{s}");
    assert!(s.contains("layanan    belum pernah memberi kabar"), "{s}");
    let s = en(&status);
    assert!(s.contains("1 dead letter(s), 1 held"), "{s}");

    let list = ["dead-letters", "list", "--store", f];
    let s = id(&list);
    assert!(s.starts_with("Perlu tindakan"), "{s}");
    assert!(s.contains("gagal terkirim") && s.contains("ditahan"), "{s}");
    assert!(s.contains("ALASAN"), "{s}");
    let s = en(&list);
    assert!(
        s.contains("REASON") && s.contains("dead letter") && s.contains("held"),
        "{s}"
    );

    let show = ["show", &k, "--store", f];
    let s = id(&show);
    assert!(
        s.contains("penerusan gagal terkirim") && s.contains("diterima"),
        "{s}"
    );
    assert!(s.lines().any(|l| l.contains(" WIB  gagal terkirim")), "{s}");
    let s = en(&show);
    assert!(s.contains("forwarding dead letter"), "{s}");

    let s = id(&["dead-letters", "show", &k, "--store", f]);
    assert!(s.contains("Riwayat") && s.contains("percobaan"), "{s}");

    let purge = ["privacy", "purge", "--dry-run", "--store", f];
    let s = id(&purge);
    assert!(
        s.contains("0 aduan yang final di LAPOR!") && s.contains("Uji coba:"),
        "{s}"
    );
    assert!(en(&purge).contains("0 complaint(s) final in LAPOR!"));

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("salinan.db");
    let backup = ["backup", "--output", copy.to_str().unwrap(), "--store", f];
    let s = id(&backup);
    assert!(
        s.starts_with("Cadangan ") && s.contains("(2 aduan, "),
        "{s}"
    );

    // `$LAPOR_BRIDGE_LANG` picks English too; JSON is the same in both.
    let o = bridge(&[("LAPOR_BRIDGE_LANG", "en")], &list);
    assert!(fitted(&list, &o).0.contains("REASON"));
    let json = ["dead-letters", "list", "--format", "json", "--store", f];
    assert_eq!(id(&json), en(&json));
    let json = ["show", &k, "--format", "json", "--store", f];
    assert_eq!(id(&json), en(&json));
    assert!(id(&json).contains("\"kind\": \"dead\""));
}

#[test]
fn operator_errors_speak_the_language_too() {
    let missing = "/nonexistent/lapor-bridge.db";
    let args = ["show", "sambat:1", "--store", missing];
    let o = bridge(&[], &args);
    assert_eq!(o.status.code(), Some(2));
    let (_, err) = fitted(&args, &o);
    assert!(
        err.contains("Penyimpanan /nonexistent/lapor-bridge.db tidak ada"),
        "{err}"
    );
    let o = bridge(&[], &[&["--lang", "en"], &args[..]].concat());
    assert!(fitted(&args, &o).1.contains("no store at"));

    let args = ["show", "sambat", "--store", missing];
    let o = bridge(&[], &args);
    assert!(
        fitted(&args, &o).1.contains("bukan <kanal>:<id lokal>"),
        "{o:?}"
    );

    let args = ["--store", missing, "run"];
    let o = bridge(&[], &args);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        fitted(&args, &o).1.contains("--store bukan opsi `run`"),
        "{o:?}"
    );

    let args = ["demo"];
    let o = bridge(&[], &args);
    assert!(fitted(&args, &o).1.contains("alat pengembang"), "{o:?}");
}
