//! The real binary: the one-shot check's exit codes (0 valid, 1 invalid, 2 usage or
//! configuration error), `--compare`, and the refusal to mix dry-run and live stores.

use crate::common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::Env;
use lapor_bridge::store::{ReferenceItem, Store};
use lapor_mocks::lapor::LaporMockConfig;

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dry_run");

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

/// `lapor-bridge <args>` with the store path pointed into `dir` (so no cache is found unless
/// a test puts one there).
fn bridge(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--lang", "en"])
        .args(args)
        .env("LAPOR_BRIDGE__STORE__PATH", dir.join("cache.db"))
        .env_remove("LAPOR_BRIDGE_CONFIG")
        .output()
        .expect("run lapor-bridge")
}

fn check(dir: &Path, input: &str, extra: &[&str]) -> Output {
    let input = fixture(input);
    let mut args = vec![
        "dry-run",
        "--config",
        common::DEMO_TOML,
        "--channel",
        "sambat",
        "--input",
        &input,
    ];
    args.extend_from_slice(extra);
    bridge(dir, &args)
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

fn text(o: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn all_valid_exits_0_some_invalid_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let o = check(dir.path(), "sambat-valid.json", &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains("2 records, 2 valid, 0 invalid"),
        "{}",
        text(&o)
    );

    let o = check(dir.path(), "sambat-mixed.jsonl", &["--format", "json"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("--format json is JSON");
    assert_eq!(v["summary"]["invalid"], 2);
    assert_eq!(v["records"][1]["reasons"][0]["field"], "kategori");
    assert_eq!(v["records"][0]["payload"]["id_eksternal"], "sambat:20001");
}

#[test]
fn broken_input_config_or_usage_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Broken input.
    let o = check(d, "broken.json", &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("line 1"), "{}", text(&o));
    // Missing input file; CSV for a JSON channel.
    assert_eq!(code(&check(d, "missing.json", &[])), 2);
    std::fs::write(d.join("x.csv"), "id,isi\n1,x\n").unwrap();
    let csv = d.join("x.csv").display().to_string();
    let o = bridge(
        d,
        &[
            "dry-run",
            "--config",
            common::DEMO_TOML,
            "--channel",
            "sambat",
            "--input",
            &csv,
        ],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    // Unknown channel, missing or broken configuration.
    let input = fixture("sambat-valid.json");
    let o = bridge(
        d,
        &[
            "dry-run",
            "--config",
            common::DEMO_TOML,
            "--channel",
            "tidak-ada",
            "--input",
            &input,
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        text(&o).contains("channel tidak-ada is not configured"),
        "{}",
        text(&o)
    );
    let o = bridge(
        d,
        &[
            "dry-run",
            "--config",
            "/nonexistent.toml",
            "--channel",
            "sambat",
            "--input",
            &input,
        ],
    );
    assert_eq!(code(&o), 2);
    std::fs::write(d.join("bad.toml"), "mode = \"sideways\"\n[store\n").unwrap();
    let bad = d.join("bad.toml").display().to_string();
    assert_eq!(
        code(&bridge(
            d,
            &[
                "dry-run",
                "--config",
                &bad,
                "--channel",
                "sambat",
                "--input",
                &input
            ]
        )),
        2
    );
    // clap usage errors.
    assert_eq!(
        code(&bridge(
            d,
            &["dry-run", "--config", common::DEMO_TOML, "--input", &input]
        )),
        2
    );
    assert_eq!(code(&bridge(d, &["dry-run", "--bogus"])), 2);
    assert_eq!(code(&bridge(d, &["dry-run", "--format", "yaml"])), 2);
    assert_eq!(
        code(&bridge(d, &["dry-run", "report", "--channel", "sambat"])),
        2
    );
    // A report of a store that does not exist.
    let missing = d.join("none.db").display().to_string();
    assert_eq!(
        code(&bridge(d, &["dry-run", "report", "--store", &missing])),
        2
    );
}

#[test]
fn secrets_are_not_needed_for_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("prod.toml");
    let toml = std::fs::read_to_string(common::DEMO_TOML)
        .unwrap()
        .replace(
            "{ value = \"rahasia-demo\" }",
            "{ credential = \"lapor-client-secret\" }",
        )
        .replace(
            "{ value = \"sambat-demo-key\" }",
            "{ env = \"SAMBAT_KEY_NOT_SET\" }",
        );
    std::fs::write(&cfg, toml).unwrap();
    let input = fixture("sambat-valid.json");
    let o = bridge(
        dir.path(),
        &[
            "dry-run",
            "--config",
            cfg.to_str().unwrap(),
            "--channel",
            "sambat",
            "--input",
            &input,
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
}

#[test]
fn cached_reference_data_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("cache.db")).unwrap();
    let items = |ids: &[i64]| -> Vec<ReferenceItem> {
        ids.iter()
            .map(|&id| ReferenceItem {
                id,
                nama: format!("r{id}"),
                induk_id: None,
            })
            .collect()
    };
    let now = jiff::Timestamp::now();
    // 101 (Jalan Rusak) is not listed: record 12345 must be refused.
    store
        .store_reference("kategori", &items(&[401]), 3, now)
        .unwrap();
    store
        .store_reference("instansi", &items(&[3573, 357304]), 3, now)
        .unwrap();
    drop(store);
    let o = check(dir.path(), "sambat-valid.json", &["--format", "json"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["records"][0]["valid"], false);
    let fields: Vec<&str> = v["records"][0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.iter().any(|f| f.starts_with("kategori")),
        "{fields:?}"
    );
    assert_eq!(v["records"][1]["valid"], true);
}

#[test]
fn compare_shows_field_changes_record_by_record() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.toml");
    let toml = std::fs::read_to_string(common::DEMO_TOML)
        .unwrap()
        .replace("\"Jalan Rusak\" = 101", "\"Jalan Rusak\" = 103");
    std::fs::write(&old, toml).unwrap();
    let o = check(
        dir.path(),
        "sambat-valid.json",
        &["--compare", old.to_str().unwrap()],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("kategori_id: 103 → 101"), "{out}");
    assert!(out.contains("no payload field changes"), "{out}");
    let o = check(
        dir.path(),
        "sambat-valid.json",
        &["--compare", "/nonexistent.toml"],
    );
    assert_eq!(code(&o), 2);
}

async fn start_run(env: &Env, dry_run: bool) -> Output {
    let mut args = vec!["run", "--config", common::DEMO_TOML];
    if dry_run {
        args.push("--dry-run");
    }
    let child = tokio::process::Command::new(BIN)
        .args(&args)
        .envs(env.child_env(&[]))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("a refused start exits at once")
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_and_live_stores_never_mix() {
    let env = Env::start(LaporMockConfig::default()).await;
    // A dry-run store, as a dry run leaves it.
    {
        let cfg = env.config(&[("LAPOR_BRIDGE__MODE", "dry-run".into())]);
        lapor_bridge::pipeline::Pipeline::build(cfg).expect("dry run on a new store");
    }
    let o = start_run(&env, false).await;
    assert_eq!(code(&o), 1, "{}", text(&o));
    let err = text(&o);
    assert!(
        err.contains("is a dry-run store") && err.contains("bridge.db"),
        "{err}"
    );

    // And the reverse: a live store refuses a dry run.
    std::fs::remove_file(env.store_path()).unwrap();
    {
        lapor_bridge::pipeline::Pipeline::build(env.config(&[])).expect("live on a new store");
    }
    let o = start_run(&env, true).await;
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("is a live store"), "{}", text(&o));
    assert_eq!(env.lapor.counters().create_requests, 0);
    // The report refuses a live store too.
    let store = env.store_path().display().to_string();
    let o = bridge(env.dir.path(), &["dry-run", "report", "--store", &store]);
    assert_eq!(code(&o), 2, "{}", text(&o));
}

#[test]
fn the_check_speaks_indonesian_by_default_within_100_columns() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .args([
            "dry-run",
            "--config",
            common::DEMO_TOML,
            "--channel",
            "sambat",
        ])
        .arg("--input")
        .arg(fixture("sambat-mixed.jsonl"))
        .env("LAPOR_BRIDGE__STORE__PATH", dir.path().join("cache.db"))
        .env_remove("LAPOR_BRIDGE_CONFIG")
        .env_remove("LAPOR_BRIDGE_LANG")
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for l in out.lines() {
        assert!(
            l.chars().count() <= 100,
            "{} columns: {l}",
            l.chars().count()
        );
    }
    assert!(out.starts_with("aduan 1  sambat:20001  SAH\n"), "{out}");
    assert!(out.contains("isi kiriman:"), "{out}");
    assert!(out.contains("TIDAK SAH"), "{out}");
    assert!(
        out.lines().last().is_some_and(
            |l| l.starts_with("sambat: ") && l.contains(" sah, 2 tidak sah, 0 diabaikan")
        ),
        "{out}"
    );
}
