//! Loading whole configurations: how sections, environment overrides and key paths work
//! together.

use crate::config::{load_from_str, ChannelKind};

const BASE: &str = r#"
[lapor]
base_url = "https://lapor.example/api/v1"
client_id = "pemkot-malang"
client_secret = { value = "x" }
[channels.sambat]
kind = "sambat"
base_url = "https://sambat.malangkota.go.id"
api_key = { value = "y" }
"#;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn start_from_takes_a_toml_local_datetime() {
    let toml = format!("{BASE}start_from = 2024-01-01 07:30:00\n");
    let c = load_from_str(&toml, &[]).unwrap();
    let ChannelKind::Sambat(s) = &c.channels[0].kind else {
        unreachable!()
    };
    assert_eq!(s.start_from.to_string(), "2024-01-01T07:30:00");
}

#[test]
fn mapping_keys_are_normalised() {
    let toml =
        format!("{BASE}[channels.sambat.mapping]\nopd = {{ \"  Satpol   PP \" = 357303 }}\n");
    let c = load_from_str(&toml, &[]).unwrap();
    let ChannelKind::Sambat(s) = &c.channels[0].kind else {
        unreachable!()
    };
    assert_eq!(s.mapping.opd.get("satpol pp"), Some(&357303));
}

#[test]
fn an_environment_mapping_entry_overrides_the_files_entry_of_the_same_name() {
    let toml = format!("{BASE}[channels.sambat.mapping]\nkategori = {{ \"Sampah\" = 4 }}\n");
    let c = load_from_str(
        &toml,
        &env(&[(
            "LAPOR_BRIDGE__CHANNELS__SAMBAT__MAPPING__KATEGORI__SAMPAH",
            "401",
        )]),
    )
    .unwrap();
    let ChannelKind::Sambat(s) = &c.channels[0].kind else {
        unreachable!()
    };
    assert_eq!(s.mapping.kategori.get("sampah"), Some(&401));
    assert_eq!(s.mapping.kategori.len(), 1);
}

#[test]
fn a_channel_can_be_added_from_the_environment() {
    let c = load_from_str(
        BASE,
        &env(&[
            ("LAPOR_BRIDGE__CHANNELS__SAMBAT2__KIND", "sambat"),
            (
                "LAPOR_BRIDGE__CHANNELS__SAMBAT2__BASE_URL",
                "https://sambat2.example",
            ),
            ("LAPOR_BRIDGE__CHANNELS__SAMBAT2__API_KEY__ENV", "KEY2"),
            ("KEY2", "k"),
        ]),
    )
    .unwrap();
    let names: Vec<_> = c.channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["sambat", "sambat2"]);
}

#[test]
fn unknown_keys_deep_in_a_channel_have_their_full_path() {
    let toml = format!("{BASE}[channels.sambat.mapping]\nkategory = {{}}\n");
    let e = load_from_str(&toml, &[]).unwrap_err();
    assert_eq!(e.keys(), ["channels.sambat.mapping.kategory"], "{e}");
    assert!(e.problems[0].message.contains("did you mean `kategori`"));
}

#[test]
fn urls_with_credentials_are_refused_without_echoing_them() {
    let toml = BASE.replace(
        "https://lapor.example/api/v1",
        "https://user:hunter2@lapor.example/api/v1",
    );
    let e = load_from_str(&toml, &[]).unwrap_err();
    assert_eq!(e.keys(), ["lapor.base_url"]);
    assert!(!e.to_string().contains("hunter2"));
}

#[test]
fn backoff_max_must_not_be_below_the_initial_backoff() {
    let toml = format!("{BASE}[forwarder]\nbackoff_initial_ms = 5000\nbackoff_max_secs = 2\n");
    let e = load_from_str(&toml, &[]).unwrap_err();
    assert_eq!(e.keys(), ["forwarder.backoff_max_secs"], "{e}");
}

#[test]
fn log_levels_are_checked() {
    let toml = format!("{BASE}[logging]\nlevel = \"info,lapor_bridge=debug\"\n");
    assert!(load_from_str(&toml, &[]).is_ok());
    let toml = format!("{BASE}[logging]\nlevel = \"lapor_bridge=loud\"\n");
    let e = load_from_str(&toml, &[]).unwrap_err();
    assert_eq!(e.keys(), ["logging.level"], "{e}");
}

#[test]
fn without_start_from_the_first_poll_starts_now() {
    let c = load_from_str(BASE, &[]).unwrap();
    let ChannelKind::Sambat(s) = &c.channels[0].kind else {
        unreachable!()
    };
    let now = jiff::Timestamp::now()
        .to_zoned_datetime(crate::time::wib())
        .datetime();
    let diff = now.since(s.start_from).unwrap();
    assert!(diff.total(jiff::Unit::Second).unwrap().abs() < 60.0);
}

#[test]
fn privacy_retention_defaults_to_a_year_and_refuses_0() {
    let c = load_from_str(BASE, &[]).unwrap();
    assert_eq!(c.privacy.retention_days, 365);
    let c = load_from_str(&format!("{BASE}[privacy]\nretention_days = 730\n"), &[]).unwrap();
    assert_eq!(c.privacy.retention_days, 730);
    let c = load_from_str(
        BASE,
        &env(&[("LAPOR_BRIDGE__PRIVACY__RETENTION_DAYS", "30")]),
    )
    .unwrap();
    assert_eq!(c.privacy.retention_days, 30);
    let err = load_from_str(&format!("{BASE}[privacy]\nretention_days = 0\n"), &[]).unwrap_err();
    assert!(err.to_string().contains("privacy.retention_days"), "{err}");
    let err = load_from_str(&format!("{BASE}[privacy]\nretain = 5\n"), &[]).unwrap_err();
    assert!(err.to_string().contains("retain"), "{err}");
}

#[test]
fn privacy_settings_for_the_cli_read_csv_folders_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bridge.toml");
    std::fs::write(
        &path,
        "[privacy]\nretention_days = 100\n\
         [channels.ngombe]\nkind = \"csv_folder\"\ninbox = \"/srv/in\"\nprocessed = \"/srv/done\"\n\
         [channels.sambat]\nkind = \"sambat\"\napi_key = { credential = \"missing\" }\n",
    )
    .unwrap();
    let s = crate::config::privacy_settings_without_secrets(&path).unwrap();
    assert_eq!(s.retention_days, 100);
    let dirs: Vec<String> = s
        .csv_folders
        .iter()
        .map(|(c, p)| format!("{c}={}", p.display()))
        .collect();
    assert_eq!(dirs, ["ngombe=/srv/done", "ngombe=/srv/in/rejected"]);
}

#[test]
fn background_share_defaults_to_a_twentieth_and_is_checked_against_the_quota() {
    let c = load_from_str(BASE, &[]).unwrap();
    assert_eq!(c.lapor.rate_limit.background_share.fraction(), 0.05);
    let ok = format!("{BASE}[lapor.rate_limit]\nper_minute = 600\nbackground_share = 0.2\n");
    let c = load_from_str(&ok, &[]).unwrap();
    assert_eq!(c.lapor.rate_limit.background_share.fraction(), 0.2);
    for bad in ["0", "1.5", "-0.1"] {
        let toml = format!("{BASE}[lapor.rate_limit]\nbackground_share = {bad}\n");
        let e = load_from_str(&toml, &[]).unwrap_err();
        assert_eq!(e.keys(), ["lapor.rate_limit.background_share"], "{e}");
        assert!(e.to_string().contains("at most 1"), "{e}");
    }
    // 1% of 60/min is 0.6 a minute: too little for the feed; the fix names the least share.
    let toml = format!("{BASE}[lapor.rate_limit]\nbackground_share = 0.01\n");
    let e = load_from_str(&toml, &[]).unwrap_err();
    assert_eq!(e.keys(), ["lapor.rate_limit.background_share"], "{e}");
    assert!(e.to_string().contains("set it to 0.042 or more"), "{e}");
    let env = env(&[("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__BACKGROUND_SHARE", "0.1")]);
    let c = load_from_str(BASE, &env).unwrap();
    assert_eq!(c.lapor.rate_limit.background_share.fraction(), 0.1);
}

#[test]
fn a_postgresql_store_takes_its_password_as_a_secret_and_not_beside_a_path() {
    let pg = format!(
        "{BASE}[store]\nurl = \"postgres://lapor_bridge@db.malangkota.go.id/lapor\"\npassword = {{ env = \"PG_PASS\" }}\n"
    );
    let c = load_from_str(&pg, &env(&[("PG_PASS", "rahasia-db")])).unwrap();
    let store = c.store.postgres.as_ref().expect("a PostgreSQL store");
    assert_eq!(
        store.address.to_string(),
        "postgres://lapor_bridge@db.malangkota.go.id/lapor"
    );
    assert!(store.password.is_some());
    assert_eq!(
        c.store.to_string(),
        "postgres://lapor_bridge@db.malangkota.go.id/lapor"
    );
    assert!(!format!("{c:?}").contains("rahasia-db"));

    let both = pg.replace(
        "[store]\n",
        "[store]\npath = \"/var/lib/lapor-bridge/x.db\"\n",
    );
    let e = load_from_str(&both, &env(&[("PG_PASS", "x")])).unwrap_err();
    assert_eq!(e.keys(), ["store.url"]);

    let inline = format!("{BASE}[store]\nurl = \"postgres://u:rahasia-db@db/lapor\"\n");
    let e = load_from_str(&inline, &[]).unwrap_err();
    assert_eq!(e.keys(), ["store.url"]);
    assert!(!e.to_string().contains("rahasia-db"), "{e}");

    let stray = format!("{BASE}[store]\npassword = {{ value = \"x\" }}\n");
    let e = load_from_str(&stray, &[]).unwrap_err();
    assert_eq!(e.keys(), ["store.password"]);

    let sqlite = load_from_str(BASE, &[]).unwrap();
    assert!(sqlite.store.postgres.is_none());
    assert_eq!(sqlite.store.to_string(), "lapor-bridge.db");
}
