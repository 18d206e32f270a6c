//! `lapor-bridge check-config` through the real binary: Indonesian by default, English with
//! `--lang en`, every line within 100 columns; pinned as insta snapshots (the temporary
//! folder written as `<dir>`).

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");

fn check_config(dir: &Path, config: &Path, lang: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    if let Some(l) = lang {
        cmd.args(["--lang", l]);
    }
    cmd.arg("check-config")
        .arg("--config")
        .arg(config)
        .env("LAPOR_BRIDGE__STORE__PATH", dir.join("none.db"))
        .env_remove("LAPOR_BRIDGE_CONFIG")
        .env_remove("LAPOR_BRIDGE_LANG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run lapor-bridge")
}

/// stdout and stderr, the temporary folder written as `<dir>`; every line ≤ 100 columns.
fn shown(o: &Output, dir: &Path) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    for l in text.lines() {
        let n = l.chars().count();
        assert!(n <= 100, "{n} columns: {l}");
    }
    // The folder's path may be wrapped onto its own line: replace it whole first.
    text.replace(&dir.display().to_string(), "<dir>")
}

/// The demo configuration with mistakes of several kinds, and one from the environment.
fn broken(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(common::DEMO_TOML)
        .unwrap()
        .replace("[lapor]\n", "[lapor]\ntimout_ms = 5\n")
        .replace("request_timeout_ms = 5000", "request_timeout_ms = \"lama\"")
        .replace("per_minute = 6000", "per_minute = 0")
        .replace(
            "base_url = \"http://127.0.0.1:0/api/v1\"",
            "base_url = \"ftp://lapor.example\"",
        )
        .replace(
            "\"Jalan Rusak\" = ",
            "\"Jalan  rusak\" = 1\n\"Jalan Rusak\" = ",
        );
    let path = dir.join("bridge.toml");
    std::fs::write(&path, text).unwrap();
    path
}

const ENV: &[(&str, &str)] = &[("LAPOR_BRIDGE__FORWARDER__CONCURRENCY", "9999")];

#[test]
fn a_valid_configuration_in_indonesian_and_english() {
    let dir = tempfile::tempdir().unwrap();
    let config = Path::new(common::DEMO_TOML);
    let o = check_config(dir.path(), config, None, &[]);
    assert_eq!(o.status.code(), Some(0));
    let id = shown(&o, dir.path());
    assert!(id.starts_with("konfigurasi OK: 4 kanal; mode live"), "{id}");
    assert!(
        id.contains("1 peringatan:\nperingatan: store.path: "),
        "{id}"
    );
    insta::assert_snapshot!("check_config_valid_id", id);

    let o = check_config(dir.path(), config, Some("en"), &[]);
    assert_eq!(o.status.code(), Some(0));
    let en = shown(&o, dir.path());
    assert!(en.starts_with("config OK: 4 channels; mode live"), "{en}");
    assert!(en.contains("1 warning:\nwarning: store.path: "), "{en}");
    insta::assert_snapshot!("check_config_valid_en", en);
}

#[test]
fn a_configuration_with_problems_in_indonesian_and_english() {
    let dir = tempfile::tempdir().unwrap();
    let config = broken(dir.path());
    let o = check_config(dir.path(), &config, None, ENV);
    assert_eq!(o.status.code(), Some(1));
    let id = shown(&o, dir.path());
    assert!(
        id.starts_with("konfigurasi <dir>/bridge.toml memiliki "),
        "{id}"
    );
    for part in [
        "lapor.timout_ms: kunci tidak dikenal",
        "lapor.request_timeout_ms: tipe salah: teks \"lama\", seharusnya bilangan bulat ≥ 0",
        "lapor.rate_limit.per_minute: paling sedikit 1",
        "lapor.base_url: \"ftp://lapor.example\" memakai skema \"ftp\"",
        "forwarder.concurrency: 9999 di luar rentang; gunakan nilai 1 sampai 256 (diatur oleh",
    ] {
        assert!(id.contains(part), "{part} missing from:\n{id}");
    }
    insta::assert_snapshot!("check_config_problems_id", id);

    let o = check_config(dir.path(), &config, Some("en"), ENV);
    assert_eq!(o.status.code(), Some(1));
    let en = shown(&o, dir.path());
    assert!(en.starts_with("config <dir>/bridge.toml has "), "{en}");
    for part in [
        "lapor.timout_ms: unknown key; expected one of: base_url",
        "lapor.request_timeout_ms: wrong type: string \"lama\", expected a whole number ≥ 0",
        "forwarder.concurrency: 9999 is out of range; use a value from 1 to 256 (set by",
        "\"Jalan  rusak\" are the same name once case, spaces",
    ] {
        assert!(
            en.replace("\n    ", " ").contains(part),
            "{part} missing from:\n{en}"
        );
    }
    insta::assert_snapshot!("check_config_problems_en", en);
}

#[test]
fn lang_comes_from_the_environment_and_the_files_ui_table_too() {
    let dir = tempfile::tempdir().unwrap();
    let config = broken(dir.path());
    let o = check_config(dir.path(), &config, None, &[("LAPOR_BRIDGE_LANG", "en")]);
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("config "));
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("[ui]\nlanguage = \"en\"\n{text}")).unwrap();
    let o = check_config(dir.path(), &config, None, &[]);
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("config "));
}
