//! Dry-run of the sample fixtures of each channel kind, pinned as insta snapshots: the LAPOR!
//! payload each record maps to, with its verdict, reasons and notes. (SAMBAT is the only
//! channel kind with a mapper today; a new kind adds its fixtures under
//! tests/fixtures/dry_run/ and a test here.)

use std::path::Path;

use jiff::Timestamp;
use lapor_bridge::channel::Mappers;
use lapor_bridge::domain::ChannelName;
use lapor_bridge::dryrun::compare::diff;
use lapor_bridge::dryrun::input::{read_records, InputFormat};
use lapor_bridge::dryrun::{check_records, load_config_for_check};
use lapor_bridge::mapping::ReferenceIds;
use serde_json::{json, Value};

const DEMO_TOML: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/config/demo.toml");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dry_run");

/// Every LAPOR! id demo.toml maps to, as the LAPOR! mock lists them.
fn reference() -> ReferenceIds {
    ReferenceIds {
        kategori: [3, 5, 6, 8, 101, 102, 103, 201, 202, 401, 402, 701].into(),
        instansi: [
            3573, 357301, 357302, 357303, 357304, 357305, 357306, 357307, 357308,
        ]
        .into(),
    }
}

fn now() -> Timestamp {
    "2024-08-01T00:00:00Z".parse().unwrap()
}

fn run(config: &str, channel: &str, fixture: &str) -> Vec<Value> {
    let cfg = load_config_for_check(Path::new(config)).expect("config");
    let mappers = Mappers::from_config(&cfg);
    let name = ChannelName::parse(channel).unwrap();
    let format = mappers.get(&name).unwrap().input_format();
    assert_eq!(format, InputFormat::Json);
    let records = read_records(&Path::new(FIXTURES).join(fixture), format).expect("fixture");
    check_records(&mappers, &name, &records, &reference(), now())
        .into_iter()
        .map(|c| serde_json::to_value(c).unwrap())
        .collect()
}

fn snapshot(name: &str, value: impl serde::Serialize) {
    insta::with_settings!({sort_maps => true}, {
        insta::assert_json_snapshot!(name, value);
    });
}

#[test]
fn sambat_valid_samples() {
    let out = run(DEMO_TOML, "sambat", "sambat-valid.json");
    assert!(out.iter().all(|r| r["valid"] == true), "{out:#?}");
    snapshot("sambat_valid_samples", out);
}

#[test]
fn sambat_mixed_samples() {
    let out = run(DEMO_TOML, "sambat", "sambat-mixed.jsonl");
    let valid: Vec<bool> = out.iter().map(|r| r["valid"] == true).collect();
    assert_eq!(valid, [true, false, false]);
    snapshot("sambat_mixed_samples", out);
}

#[test]
fn sambat_mapping_change_compared() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.toml");
    let text = std::fs::read_to_string(DEMO_TOML)
        .unwrap()
        .replace("\"Jalan Rusak\" = 101", "\"Jalan Rusak\" = 103")
        .replace("\"DPUPRPKP\" = 357304", "\"DPUPRPKP\" = 357303")
        .replace(
            "default_instansi_id = 3573 ",
            "default_instansi_id = 357308 ",
        );
    std::fs::write(&old, text).unwrap();
    let new = run(DEMO_TOML, "sambat", "sambat-valid.json");
    let old = run(old.to_str().unwrap(), "sambat", "sambat-valid.json");
    let changes: Vec<Value> = old
        .iter()
        .zip(&new)
        .map(|(o, n)| json!({"key": n["key"], "changes": diff(&o["payload"], &n["payload"])}))
        .collect();
    snapshot("sambat_mapping_change_compared", changes);
}
