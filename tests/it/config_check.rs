//! The configuration as an operator meets it: every problem at once with its key path,
//! secrets from their sources and never shown, environment overrides, the shipped files.

use std::path::{Path, PathBuf};

use lapor_bridge::config::{self, ChannelKind, ConfigErrors, Mode};
use secrecy::ExposeSecret;

const GOOD: &str = r#"
[store]
path = "/tmp/x.db"

[lapor]
base_url = "https://lapor.example/api/v1"
client_id = "pemkot-malang"
client_secret = { value = "rahasia-lapor-123" }

[channels.sambat]
kind = "sambat"
base_url = "https://sambat.malangkota.go.id"
api_key = { value = "kunci-sambat-456" }

[channels.sambat.mapping.kategori]
"Jalan Rusak" = 101
"#;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn errors(toml: &str, pairs: &[(&str, &str)]) -> ConfigErrors {
    match config::load_from_str(toml, &env(pairs)) {
        Ok(c) => panic!("expected problems, got {c:?}"),
        Err(e) => e,
    }
}

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn a_good_config_loads_with_defaults() {
    let c = config::load_from_str(GOOD, &[]).unwrap();
    assert_eq!(c.mode, Mode::Live);
    assert_eq!(c.lapor.rate_limit.per_minute.get(), 60);
    assert_eq!(c.forwarder.concurrency, 4);
    assert_eq!(c.channels.len(), 1);
    assert_eq!(c.channels[0].name.as_str(), "sambat");
    let ChannelKind::Sambat(s) = &c
        .channels
        .iter()
        .find(|x| x.kind.kind_name() == "sambat")
        .unwrap()
        .kind
    else {
        unreachable!()
    };
    assert_eq!(s.per_page, 100);
    assert_eq!(s.mapping.kategori.get("jalan rusak"), Some(&101));
    assert_eq!(s.api_key.expose_secret(), "kunci-sambat-456");
}

#[test]
fn three_different_mistakes_are_all_reported_with_their_key_paths() {
    let toml = r#"
[lapor]
bse_url = "https://lapor.example/api/v1"
base_url = "https://lapor.example/api/v1"
client_id = "pemkot-malang"
client_secret = { value = "x" }

[forwarder]
concurrency = "four"

[channels.sambat]
kind = "sambat"
base_url = "https://sambat.malangkota.go.id"
api_key = { value = "y" }
per_page = 500
"#;
    let e = errors(toml, &[]);
    assert_eq!(
        e.keys(),
        vec![
            "channels.sambat.per_page",
            "forwarder.concurrency",
            "lapor.bse_url"
        ],
        "{e}"
    );
    assert!(e.get("lapor.bse_url").unwrap().message.contains("base_url"));
    assert!(e
        .get("forwarder.concurrency")
        .unwrap()
        .message
        .contains("whole number"));
    assert!(e
        .get("channels.sambat.per_page")
        .unwrap()
        .message
        .contains("1 to 100"));
    // Display: one problem per line, `<key>: <message>`.
    let text = e.to_string();
    assert_eq!(text.lines().count(), 3);
    assert!(text.lines().all(|l| l.contains(": ")));
}

#[test]
fn a_typo_also_reports_the_missing_key_it_was_meant_to_be() {
    let toml = GOOD.replace("base_url = \"https://lapor", "bse_url = \"https://lapor");
    let e = errors(&toml, &[]);
    assert_eq!(e.keys(), vec!["lapor.base_url", "lapor.bse_url"], "{e}");
    assert!(e.get("lapor.base_url").unwrap().message.contains("missing"));
}

#[test]
fn missing_required_keys_are_reported() {
    let toml = GOOD.replace("client_id = \"pemkot-malang\"\n", "");
    let e = errors(&toml, &[]);
    assert_eq!(e.keys(), vec!["lapor.client_id"], "{e}");

    let e = errors("", &[]);
    assert_eq!(e.keys(), vec!["lapor"], "{e}");

    let e = errors("[lapor]\n[channels.sambat]\nkind = \"sambat\"\n", &[]);
    assert_eq!(
        e.keys(),
        vec![
            "channels.sambat.api_key",
            "channels.sambat.base_url",
            "lapor.base_url",
            "lapor.client_id",
            "lapor.client_secret",
        ],
        "{e}"
    );
}

#[test]
fn a_wrong_type_is_not_also_reported_missing() {
    let toml = GOOD.replace(
        "client_secret = { value = \"rahasia-lapor-123\" }",
        "client_secret = 5",
    );
    let toml = toml.replace(
        "base_url = \"https://lapor.example/api/v1\"",
        "base_url = 42",
    );
    let e = errors(&toml, &[]);
    assert_eq!(
        e.keys(),
        vec!["lapor.base_url", "lapor.client_secret"],
        "{e}"
    );
    assert!(!e.to_string().contains("missing"), "{e}");
}

#[test]
fn bad_values_everywhere_are_collected() {
    let toml = r#"
mode = "test"
[store]
path = ""
[logging]
format = "xml"
[lapor]
base_url = "ftp://lapor.example"
client_id = "pemkot-malang"
client_secret = { value = "x" }
request_timeout_ms = 0
[lapor.rate_limit]
per_minute = 0
burst = 0
[forwarder]
batch_size = 0
max_attempts = 0
[channels.Sambat]
kind = "sambat"
base_url = "https://a.example"
api_key = { value = "x" }
[channels.ngombe]
kind = "csv-folder"
[channels.sambat2]
kind = "sambat"
base_url = "not a url"
api_key = { value = "x" }
start_from = "29/07/2024"
[channels.sambat2.mapping]
klasifikasi = "keluhan"
default_instansi_id = -1
kategori = { "Jalan Rusak" = 0, "jalan  rusak" = 12, "Sampah" = 4 }
opd = { "DLH" = "357305" }
kecamatan = { "Klojen" = "3573.03" }
kelurahan = { "Kauman" = "35.73.02" }
"#;
    let e = errors(toml, &[]);
    let keys = e.keys();
    for k in [
        "mode",
        "store.path",
        "logging.format",
        "lapor.base_url",
        "lapor.request_timeout_ms",
        "lapor.rate_limit.per_minute",
        "lapor.rate_limit.burst",
        "forwarder.batch_size",
        "forwarder.max_attempts",
        "channels.Sambat",
        "channels.ngombe.kind",
        "channels.sambat2.base_url",
        "channels.sambat2.start_from",
        "channels.sambat2.mapping.klasifikasi",
        "channels.sambat2.mapping.default_instansi_id",
        "channels.sambat2.mapping.kategori.\"Jalan Rusak\"",
        "channels.sambat2.mapping.kategori.\"jalan  rusak\"",
        "channels.sambat2.mapping.opd.DLH",
        "channels.sambat2.mapping.kecamatan.Klojen",
        "channels.sambat2.mapping.kelurahan.Kauman",
    ] {
        assert!(keys.contains(&k), "{k} not reported in:\n{e}");
    }
    assert!(e
        .get("channels.ngombe.kind")
        .unwrap()
        .message
        .contains("known kinds: sambat"));
}

#[test]
fn the_same_source_twice_is_an_error() {
    let toml = format!(
        "{GOOD}\n[channels.sambat-lagi]\nkind = \"sambat\"\nbase_url = \
         \"https://sambat.malangkota.go.id\"\napi_key = {{ value = \"z\" }}\n"
    );
    let e = errors(&toml, &[]);
    assert_eq!(e.keys(), vec!["channels.sambat-lagi.base_url"], "{e}");
}

#[test]
fn secrets_come_from_env_file_and_credentials() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lapor.secret"), "dari-berkas\n").unwrap();
    let creds = dir.path().join("creds");
    std::fs::create_dir(&creds).unwrap();
    std::fs::write(creds.join("sambat-api-key"), "dari-kredensial\n").unwrap();

    let toml = GOOD
        .replace(
            "client_secret = { value = \"rahasia-lapor-123\" }",
            "client_secret = { file = \"lapor.secret\" }",
        )
        .replace(
            "api_key = { value = \"kunci-sambat-456\" }",
            "api_key = { credential = \"sambat-api-key\" }",
        );
    let creds_dir = creds.display().to_string();
    let e = env(&[("CREDENTIALS_DIRECTORY", &creds_dir)]);
    let c = config::load_from_str_in(&toml, dir.path(), &e).unwrap();
    assert_eq!(c.lapor.client_secret.expose_secret(), "dari-berkas");
    let ChannelKind::Sambat(s) = &c
        .channels
        .iter()
        .find(|x| x.kind.kind_name() == "sambat")
        .unwrap()
        .kind
    else {
        unreachable!()
    };
    assert_eq!(s.api_key.expose_secret(), "dari-kredensial");

    // The same file through `load`: relative to the config file's directory.
    let path = dir.path().join("lapor-bridge.toml");
    std::fs::write(&path, &toml).unwrap();
    let errs = config::load(&path).unwrap_err();
    // The process has no CREDENTIALS_DIRECTORY (unless a test runner sets one): only the
    // credential is a problem, the relative file resolved.
    if std::env::var_os("CREDENTIALS_DIRECTORY").is_none() {
        assert_eq!(errs.keys(), vec!["channels.sambat.api_key"], "{errs}");
        assert!(errs.to_string().contains("CREDENTIALS_DIRECTORY"));
    }

    // From the environment, and the env override of the source itself.
    let toml = GOOD.replace(
        "client_secret = { value = \"rahasia-lapor-123\" }",
        "client_secret = { env = \"LAPOR_SECRET\" }",
    );
    let c = config::load_from_str(&toml, &env(&[("LAPOR_SECRET", "dari-env")])).unwrap();
    assert_eq!(c.lapor.client_secret.expose_secret(), "dari-env");
    let c = config::load_from_str(
        GOOD,
        &env(&[
            ("LAPOR_BRIDGE__LAPOR__CLIENT_SECRET__ENV", "OTHER_SECRET"),
            ("OTHER_SECRET", "ditimpa-env"),
        ]),
    )
    .unwrap();
    assert_eq!(c.lapor.client_secret.expose_secret(), "ditimpa-env");
}

#[test]
fn unresolvable_secrets_name_their_source() {
    let toml = GOOD
        .replace(
            "client_secret = { value = \"rahasia-lapor-123\" }",
            "client_secret = { env = \"NO_SUCH_VAR\" }",
        )
        .replace(
            "api_key = { value = \"kunci-sambat-456\" }",
            "api_key = { file = \"/nonexistent/sambat.key\" }",
        );
    let e = errors(&toml, &[]);
    assert_eq!(
        e.keys(),
        vec!["channels.sambat.api_key", "lapor.client_secret"],
        "{e}"
    );
    assert!(e
        .get("lapor.client_secret")
        .unwrap()
        .message
        .contains("NO_SUCH_VAR"));
    assert!(e
        .get("channels.sambat.api_key")
        .unwrap()
        .message
        .contains("/nonexistent/sambat.key"));
}

#[test]
fn secret_values_never_appear_in_debug_or_errors() {
    let c = config::load_from_str(GOOD, &[]).unwrap();
    let debug = format!("{c:?}");
    assert!(!debug.contains("rahasia-lapor-123"), "{debug}");
    assert!(!debug.contains("kunci-sambat-456"), "{debug}");
    assert!(!config::summary(&c).contains("rahasia"));

    // A secret put where a table was expected, or a bad sibling key, is not echoed.
    let toml = GOOD
        .replace(
            "client_secret = { value = \"rahasia-lapor-123\" }",
            "client_secret = \"rahasia-lapor-123\"",
        )
        .replace(
            "api_key = { value = \"kunci-sambat-456\" }",
            "api_key = { value = 4567891234, vaule = \"kunci-sambat-456\" }",
        );
    let e = errors(&toml, &[]);
    let text = format!("{e}\n{e:?}");
    assert!(!text.contains("rahasia-lapor-123"), "{text}");
    assert!(!text.contains("kunci-sambat-456"), "{text}");
    assert!(!text.contains("4567891234"), "{text}");
    assert!(e.get("lapor.client_secret").is_some(), "{e}");
}

#[test]
fn environment_overrides_plain_keys() {
    let c = config::load_from_str(
        GOOD,
        &env(&[
            (
                "LAPOR_BRIDGE__LAPOR__BASE_URL",
                "http://127.0.0.1:9999/api/v1",
            ),
            ("LAPOR_BRIDGE__FORWARDER__CONCURRENCY", "8"),
            ("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__PER_MINUTE", "120"),
            ("LAPOR_BRIDGE__MODE", "dry-run"),
            ("LAPOR_BRIDGE__LAPOR__CLIENT_ID", "12345"),
            (
                "LAPOR_BRIDGE__CHANNELS__SAMBAT__MAPPING__KATEGORI__SAMPAH",
                "401",
            ),
        ]),
    )
    .unwrap();
    assert_eq!(c.lapor.base_url.as_str(), "http://127.0.0.1:9999/api/v1");
    assert_eq!(c.forwarder.concurrency, 8);
    assert_eq!(c.lapor.rate_limit.per_minute.get(), 120);
    assert_eq!(c.mode, Mode::DryRun);
    assert_eq!(c.lapor.client_id, "12345");
    let ChannelKind::Sambat(s) = &c
        .channels
        .iter()
        .find(|x| x.kind.kind_name() == "sambat")
        .unwrap()
        .kind
    else {
        unreachable!()
    };
    assert_eq!(s.mapping.kategori.get("sampah"), Some(&401));

    // A bad override is reported under its key, naming the variable.
    let e = errors(
        GOOD,
        &[
            ("LAPOR_BRIDGE__FORWARDER__CONCURRENCY", "banyak"),
            ("LAPOR_BRIDGE__CHANNELS__SAMBAT__PER_PAGE", "500"),
            ("LAPOR_BRIDGE__LAPOR__BSE_URL", "x"),
        ],
    );
    assert_eq!(
        e.keys(),
        vec![
            "channels.sambat.per_page",
            "forwarder.concurrency",
            "lapor.bse_url"
        ],
        "{e}"
    );
    for p in &e.problems {
        assert!(p.message.contains("LAPOR_BRIDGE__"), "{p}");
    }
}

#[test]
fn toml_syntax_errors_point_at_the_line() {
    let e = errors("[lapor\nbase_url = 1\n", &[]);
    assert_eq!(e.problems.len(), 1);
    assert!(e.problems[0].message.contains("line 1"), "{e}");
}

#[test]
fn the_example_config_loads() {
    let path = repo_file("config/lapor-bridge.example.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // Production secret sources point at systemd credentials: give it some.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lapor-client-secret"), "s1\n").unwrap();
    std::fs::write(dir.path().join("sambat-api-key"), "s2\n").unwrap();
    std::fs::write(dir.path().join("call112-webhook-secret"), "s3\n").unwrap();
    std::fs::write(dir.path().join("sosmed-webhook-secret"), "s4\n").unwrap();
    std::fs::write(dir.path().join("call112-api-token"), "t1\n").unwrap();
    std::fs::write(dir.path().join("sosmed-desk-token"), "t2\n").unwrap();
    let creds = dir.path().display().to_string();
    let c = config::load_from_str(&text, &env(&[("CREDENTIALS_DIRECTORY", &creds)]))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.lapor.client_id, "pemkot-malang");
    let ChannelKind::Sambat(s) = &c
        .channels
        .iter()
        .find(|x| x.kind.kind_name() == "sambat")
        .unwrap()
        .kind
    else {
        unreachable!()
    };
    assert_eq!(
        s.mapping.kecamatan.get("klojen").map(String::as_str),
        Some("35.73.02")
    );
    assert_eq!(s.mapping.opd.get("satpol pp"), Some(&357303));
    assert_eq!(s.start_from.to_string(), "2024-01-01T00:00:00");
}

#[test]
fn the_demo_config_loads_and_is_fast() {
    let path = repo_file("config/demo.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let c = config::load_from_str(
        &text,
        &env(&[
            (
                "LAPOR_BRIDGE__LAPOR__BASE_URL",
                "http://127.0.0.1:41234/api/v1",
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__SAMBAT__BASE_URL",
                "http://127.0.0.1:41235",
            ),
            ("LAPOR_BRIDGE__STORE__PATH", "/tmp/demo.db"),
        ]),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.store.path, Path::new("/tmp/demo.db"));
    assert!(c.lapor.rate_limit.per_minute.get() >= 6000);
    let ChannelKind::Sambat(s) = &c
        .channels
        .iter()
        .find(|x| x.kind.kind_name() == "sambat")
        .unwrap()
        .kind
    else {
        unreachable!()
    };
    assert_eq!(s.base_url.as_str(), "http://127.0.0.1:41235/");
    assert_eq!(s.poll_interval.as_secs(), 1);
    assert_eq!(s.api_key.expose_secret(), "sambat-demo-key");
    assert_eq!(c.lapor.client_secret.expose_secret(), "rahasia-demo");
    // And as shipped, through `load` (placeholders are valid values too).
    config::load(&path).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn check_config_reports_ok_or_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(&good, GOOD).unwrap();
    let (report, ok) = lapor_bridge::cli::check_config::check_config(
        lapor_bridge::i18n::Lang::English,
        &good,
        false,
    );
    assert!(ok, "{report}");
    assert!(report.starts_with("config OK: "), "{report}");
    for part in [
        "sambat",
        "live",
        "/tmp/x.db",
        "https://lapor.example/api/v1",
        "60/min",
    ] {
        assert!(report.contains(part), "{part} missing from {report}");
    }
    assert!(!report.contains("rahasia-lapor-123") && !report.contains("kunci-sambat-456"));

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        GOOD.replace("path = \"/tmp/x.db\"", "path = \"/tmp/x.db\"\nsize = 1")
            .replace("[lapor]", "[lapor]\ntimeout = 5"),
    )
    .unwrap();
    let (report, ok) = lapor_bridge::cli::check_config::check_config(
        lapor_bridge::i18n::Lang::English,
        &bad,
        false,
    );
    assert!(!ok);
    assert!(report.contains("lapor.timeout: unknown key"), "{report}");
    assert!(report.contains("store.size: unknown key"), "{report}");
    assert!(!report.contains("rahasia-lapor-123"));

    let (report, ok) = lapor_bridge::cli::check_config::check_config(
        lapor_bridge::i18n::Lang::English,
        &dir.path().join("missing.toml"),
        false,
    );
    assert!(!ok);
    assert!(report.contains("cannot read"), "{report}");
}

#[test]
fn the_demo_config_maps_everything_the_sambat_mock_generates() {
    use lapor_bridge::config::normalise_key;
    use lapor_mocks::reference::{
        INSTANSI, KATEGORI, SAMBAT_KATEGORI_TO_LAPOR, SAMBAT_OPD_TO_INSTANSI,
    };

    let text = std::fs::read_to_string(repo_file("config/demo.toml")).unwrap();
    let c = config::load_from_str(&text, &[]).unwrap_or_else(|e| panic!("{e}"));
    let ChannelKind::Sambat(s) = &c
        .channels
        .iter()
        .find(|x| x.kind.kind_name() == "sambat")
        .unwrap()
        .kind
    else {
        unreachable!()
    };
    let m = &s.mapping;
    let lapor_kategori: Vec<i64> = KATEGORI.iter().map(|k| k.0).collect();
    let lapor_instansi: Vec<i64> = INSTANSI.iter().map(|i| i.0).collect();

    for name in lapor_mocks::sambat::KATEGORI {
        let id = m.kategori.get(&normalise_key(name));
        let want = SAMBAT_KATEGORI_TO_LAPOR.iter().find(|(n, _)| n == name);
        assert_eq!(id, want.map(|(_, id)| id), "kategori {name:?}");
        assert!(lapor_kategori.contains(id.unwrap()), "kategori {name:?}");
    }
    for name in lapor_mocks::sambat::OPD {
        let id = m.opd.get(&normalise_key(name));
        let want = SAMBAT_OPD_TO_INSTANSI.iter().find(|(n, _)| n == name);
        assert_eq!(id, want.map(|(_, id)| id), "opd {name:?}");
        assert!(lapor_instansi.contains(id.unwrap()), "opd {name:?}");
    }
    use lapor_bridge::config::normalise_place;
    let mut kelurahan = 0;
    for (name, code, kel) in lapor_mocks::sambat::KECAMATAN {
        assert_eq!(
            m.kecamatan.get(&normalise_place(name)).map(String::as_str),
            Some(*code),
            "kecamatan {name:?}"
        );
        for (k, kcode) in *kel {
            assert!(kcode.starts_with(&format!("{code}.1")), "{k} {kcode}");
            assert_eq!(
                m.kelurahan.get(&normalise_place(k)).map(String::as_str),
                Some(*kcode),
                "kelurahan {k:?}"
            );
            kelurahan += 1;
        }
    }
    assert_eq!(
        (m.kecamatan.len(), m.kelurahan.len(), kelurahan),
        (5, 57, 57)
    );
    assert!(lapor_instansi.contains(&m.default_instansi_id.unwrap()));
    assert_eq!(m.kategori.len(), lapor_mocks::sambat::KATEGORI.len());
    assert_eq!(m.opd.len(), lapor_mocks::sambat::OPD.len());
}

#[test]
fn the_example_config_ships_kemendagri_codes_for_all_57_kelurahan() {
    use lapor_bridge::config::normalise_place;
    let text = std::fs::read_to_string(repo_file("config/lapor-bridge.example.toml")).unwrap();
    let table = |section: &str| -> std::collections::BTreeMap<String, String> {
        let v: toml::Value = toml::from_str(&text).unwrap();
        let mut t = &v;
        for part in section.split('.') {
            t = &t[part];
        }
        t.as_table()
            .unwrap()
            .iter()
            .map(|(k, v)| (normalise_place(k), v.as_str().unwrap().to_owned()))
            .collect()
    };
    let kec = table("channels.sambat.mapping.kecamatan");
    let kel = table("channels.sambat.mapping.kelurahan");
    let wilayah = table("channels.ngombe.mapping.tables.wilayah");
    // Kepmendagri No. 300.2.2-2138 Tahun 2025, not BPS's order.
    assert_eq!(kec["klojen"], "35.73.02");
    assert_eq!(kec["blimbing"], "35.73.01");
    assert_eq!(kec["kedungkandang"], "35.73.03");
    assert_eq!(kec["sukun"], "35.73.04");
    assert_eq!(kec["lowokwaru"], "35.73.05");
    assert_eq!(wilayah, kec);
    assert_eq!(kel.len(), 57);
    assert_eq!(kel["kauman"], "35.73.02.1007");
    for (name, code, list) in lapor_mocks::sambat::KECAMATAN {
        assert_eq!(kec[&normalise_place(name)], *code);
        for (k, kcode) in *list {
            assert_eq!(kel[&normalise_place(k)], *kcode, "{k}");
        }
    }
}

#[test]
fn a_kelurahan_code_outside_every_kecamatan_is_refused_naming_it() {
    let toml = format!(
        "{GOOD}\n[channels.sambat.mapping.kecamatan]\n\"Klojen\" = \"35.73.02\"\n\"Blimbing\" = \"35.73.01\"\n\
         [channels.sambat.mapping.kelurahan]\n\"Kauman\" = \"35.73.02.1007\"\n\"Polehan\" = \"35.73.04.1008\"\n"
    );
    let e = errors(&toml, &[]);
    let hits: Vec<_> = e
        .problems
        .iter()
        .filter(|p| p.key.contains("kelurahan"))
        .collect();
    assert_eq!(hits.len(), 1, "{e:?}");
    let hit = hits[0];
    assert!(hit.key.ends_with("polehan"), "{hit:?}");
    let msg = hit.to_string();
    assert!(
        msg.contains("35.73.04") && msg.contains("35.73.01, 35.73.02"),
        "{msg}"
    );
}

const SOSMED: &str = r#"
[channels.sosmed]
kind = "webhook"
secret = { value = "s" }
id = ["/platform", "/post_id"]
fields = ["/platform", "/post_id", "/author/handle", "/text", "/posted_at"]
[channels.sosmed.writeback]
url = "https://desk.malangkota.go.id/api/replies"
token = { value = "t" }
body = { post_id = "{/post_id}", text = "{text}" }
response = "Halo {/author/hndle}, tanggapan {oleh}: {tanggapan}"
[channels.sosmed.mapping]
reporter = "handle"
pelapor_nama = "/author/handle"
isi = "/text"
kategori = { value = 1 }
instansi = { value = 3573 }
waktu_lapor = { path = "/posted_at", format = "rfc3339" }
"#;

#[test]
fn check_config_warns_of_unchecked_ids_placeholder_addresses_and_unknown_pointers() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    let store = dir.path().join("none.db");
    let text = format!("{GOOD}{SOSMED}").replace("/tmp/x.db", &store.display().to_string());
    std::fs::write(&file, text).unwrap();

    let (report, ok) = lapor_bridge::cli::check_config::check_config(
        lapor_bridge::i18n::Lang::English,
        &file,
        false,
    );
    assert!(ok, "warnings alone keep exit 0: {report}");
    // Long lines are wrapped at 100 columns with a 4-space indent: read them whole.
    let report = report.replace("\n    ", " ");
    assert!(report.starts_with("config OK: "), "{report}");
    let warnings: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 3, "{report}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("store.path") && w.contains("--fetch-reference")),
        "{report}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("lapor.base_url") && w.contains("lapor.example")),
        "{report}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("channels.sosmed.writeback.response")
                && w.contains("{/author/hndle}")),
        "{report}"
    );
    // The right spelling, a real address: no warning for them.
    assert!(
        !warnings.iter().any(|w| w.contains("{/post_id}")),
        "{report}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("desk.malangkota.go.id")),
        "{report}"
    );
    // The check never creates the store.
    assert!(!store.exists());

    let (report, ok) = lapor_bridge::cli::check_config::check_config(
        lapor_bridge::i18n::Lang::English,
        &file,
        true,
    );
    assert!(!ok, "--strict makes warnings errors: {report}");
    assert!(
        report.contains("has 3 problems") && report.contains("--strict"),
        "{report}"
    );
}
