//! Channels by configuration: webhook and CSV-folder channels, their declarative mappings, and
//! `check-config` naming every bad entry (against the kind's fields and the cached LAPOR!
//! reference data). A fifth channel of a known kind is connected with configuration only.

use crate::common;
use crate::support::webhooks;

use common::Env;
use lapor_bridge::config::{self, ChannelKind, Reporter};
use lapor_bridge::pipeline::Pipeline;
use lapor_bridge::shutdown;
use lapor_bridge::store::{ReferenceItem, Store};
use lapor_mocks::lapor::LaporMockConfig;
use lapor_tools::demo::{ngombe_inbox, DEMO_TOML};
use serde_json::json;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const BASE: &str = r#"
[lapor]
base_url = "https://lapor.example/api/v1"
client_id = "pemkot-malang"
client_secret = { value = "x" }
"#;

#[test]
fn the_demo_config_connects_all_four_malang_channels() {
    let c = config::load_from_str(DEMO_TOML, &[]).unwrap_or_else(|e| panic!("{e}"));
    let kinds: Vec<(&str, &str)> = c
        .channels
        .iter()
        .map(|c| (c.name.as_str(), c.kind.kind_name()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("call112", "webhook"),
            ("ngombe", "csv_folder"),
            ("sambat", "sambat"),
            ("sosmed", "webhook")
        ]
    );
    let sosmed = c
        .channels
        .iter()
        .find(|c| c.name.as_str() == "sosmed")
        .unwrap();
    let ChannelKind::Webhook(w) = &sosmed.kind else {
        unreachable!()
    };
    assert_eq!(w.mapping.reporter, Reporter::Handle);
    assert_eq!(w.id, ["/platform", "/post_id"]);
    assert_eq!(w.max_body_bytes, 256 * 1024);
    assert_eq!(w.max_skew.as_secs(), 300);
}

#[test]
fn every_bad_mapping_entry_is_named_with_its_key() {
    let toml = format!(
        r#"{BASE}
[channels.hotline]
kind = "webhook"
secret = {{ value = "s" }}
id = "ticket"
fields = ["/ticket", "/text", "/kat"]
filters = [{{ path = "/category", prefix = "x/" }}]
[channels.hotline.mapping]
reporter = "loud"
isi = {{ join = ["/text", "/body"] }}
kategori = {{ path = "/kat", table = "opd" }}
instansi = {{ value = -4 }}
waktu_lapor = "/text"
lampiran_types = ["image/gif"]
[channels.hotline.mapping.tables.opd]
"a" = 0
[channels.hotline.mapping.tables.wilayah]
"Klojen" = "35.73.3"

[channels.forum]
kind = "csv_folder"
inbox = "/tmp/forum"
columns = ["no", "tgl", "isi"]
id = ["no", "tanggal"]
[channels.forum.mapping]
isi = "uraian"
kategori = {{ value = 101 }}
instansi = {{ value = 3573 }}
waktu_lapor = {{ path = "tgl", format = "MM-DD" }}
"#
    );
    let e = config::load_from_str(&toml, &[]).unwrap_err();
    let keys = e.keys();
    for k in [
        "channels.hotline.id",
        "channels.hotline.filters.0.path",
        "channels.hotline.mapping.reporter",
        "channels.hotline.mapping.isi.join.1",
        "channels.hotline.mapping.kategori.table",
        "channels.hotline.mapping.instansi.value",
        "channels.hotline.mapping.waktu_lapor.format",
        "channels.hotline.mapping.lampiran_types.0",
        "channels.hotline.mapping.tables.opd.a",
        "channels.hotline.mapping.tables.wilayah.Klojen",
        "channels.forum.id.1",
        "channels.forum.mapping.isi",
        "channels.forum.mapping.waktu_lapor.format",
    ] {
        assert!(keys.contains(&k), "{k} not reported; got:\n{e}");
    }
    let isi = e.get("channels.hotline.mapping.isi.join.1").unwrap();
    assert!(
        isi.message.contains("not one of this channel's fields"),
        "{isi}"
    );
    let col = e.get("channels.forum.mapping.isi").unwrap();
    assert!(col.message.contains("not a column"), "{col}");
}

#[test]
fn check_config_names_ids_the_cached_reference_data_does_not_list() {
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("bridge.db");
    let store = Store::open(&store_path).unwrap();
    // LAPOR! no longer lists kategori 401 (sampah) nor instansi 357305 (DLH).
    let kategori: Vec<ReferenceItem> = [101, 102, 103, 201, 202, 402, 701, 1, 3, 5, 6, 8]
        .iter()
        .map(|&id| ReferenceItem {
            id,
            nama: format!("k{id}"),
            induk_id: Some(0),
        })
        .collect();
    let instansi: Vec<ReferenceItem> =
        [3573, 357301, 357302, 357303, 357304, 357306, 357307, 357308]
            .iter()
            .map(|&id| ReferenceItem {
                id,
                nama: format!("i{id}"),
                induk_id: None,
            })
            .collect();
    store
        .store_reference("kategori", &kategori, 3, jiff::Timestamp::now())
        .unwrap();
    store
        .store_reference("instansi", &instansi, 3, jiff::Timestamp::now())
        .unwrap();
    drop(store);
    let text = DEMO_TOML.replace("demo-placeholder.db", &store_path.display().to_string());
    let file = dir.path().join("bridge.toml");
    std::fs::write(&file, text).unwrap();
    let (report, ok) = lapor_bridge::cli::check_config::check_config(
        lapor_bridge::i18n::Lang::English,
        &file,
        false,
    );
    assert!(!ok, "{report}");
    for k in [
        "channels.call112.mapping.tables.kategori.\"keluhan-layanan/sampah\"",
        "channels.call112.mapping.tables.opd.\"keluhan-layanan/sampah\"",
        "channels.ngombe.mapping.tables.kategori.\"sampah\"",
        "channels.ngombe.mapping.tables.opd.\"dlh\"",
        "channels.sambat.mapping.kategori.sampah",
    ] {
        assert!(report.contains(k), "{k} missing from:\n{report}");
    }
}

/// A fifth channel — a neighbourhood (RT/RW) reporting app pushing webhooks with its own field
/// names — connected with configuration only, end to end over HTTP into LAPOR!.
#[tokio::test]
async fn a_fifth_channel_of_a_known_kind_needs_configuration_only() {
    let e = Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await;
    let fifth = r#"
[channels.lapor-rt]
kind = "webhook"
secret = { value = "rt-secret" }
id = "/laporan/nomor"
[channels.lapor-rt.mapping]
reporter = "anonymous"
judul = "/laporan/perihal"
isi = "/laporan/uraian"
kategori = { path = "/laporan/jenis", table = "kategori" }
instansi = { value = 3573 }
kode_wilayah = { path = "/wilayah/kecamatan", table = "wilayah" }
alamat = "/wilayah/rt_rw"
waktu_lapor = { path = "/waktu", format = "YYYY-MM-DD HH:MM:SS" }
[channels.lapor-rt.mapping.tables.kategori]
"jalan" = 101
[channels.lapor-rt.mapping.tables.wilayah]
"Sukun" = "35.73.04"
"#;
    let text = format!("{DEMO_TOML}\n{fifth}");
    let mut pairs = vec![
        (
            "LAPOR_BRIDGE__LAPOR__BASE_URL".to_owned(),
            e.lapor.base_url(),
        ),
        (
            "LAPOR_BRIDGE__CHANNELS__SAMBAT__BASE_URL".to_owned(),
            e.sambat.base_url(),
        ),
        (
            "LAPOR_BRIDGE__STORE__PATH".to_owned(),
            e.store_path().display().to_string(),
        ),
        (
            "LAPOR_BRIDGE__CHANNELS__NGOMBE__INBOX".to_owned(),
            ngombe_inbox(&e.store_path()).display().to_string(),
        ),
    ];
    pairs.extend(e.overrides().into_iter().map(|(k, v)| (k.to_owned(), v)));
    let cfg = config::load_from_str(&text, &pairs).unwrap_or_else(|e| panic!("{e}"));
    let p = Pipeline::build(cfg).unwrap();
    let addr = p.webhooks.as_ref().unwrap().local_addr();
    let (trigger, sd) = shutdown::channel();
    let run = tokio::spawn(async move { p.run(sd).await });
    let body = json!({
        "laporan": {"nomor": 77, "perihal": "Jalan berlubang di gang", "jenis": "Jalan",
                    "uraian": "Jalan di gang RT 03 berlubang besar, sudah dua motor jatuh minggu ini."},
        "wilayah": {"kecamatan": "Sukun", "rt_rw": "RT 03 / RW 05 Bandungrejosari"},
        "waktu": "2024-07-29 08:15:00"
    });
    let client = reqwest::Client::new();
    let (s, resp) = webhooks::send(
        &client,
        &format!("http://{addr}/webhooks/lapor-rt"),
        "rt-secret",
        &body,
    )
    .await;
    assert_eq!(s, 202, "{resp}");
    common::wait_for(
        "the fifth channel's complaint in LAPOR!",
        std::time::Duration::from_secs(20),
        || !e.lapor.complaints().is_empty(),
    )
    .await;
    trigger.trigger();
    run.await.unwrap();
    let c = e.lapor.complaints().pop().unwrap();
    assert_eq!(c.id_eksternal, "lapor-rt:77");
    assert_eq!(c.body["kanal"], "lapor-rt");
    assert_eq!(c.body["anonim"], true);
    assert!(c.body.get("pelapor").is_none_or(|p| p.is_null()));
    assert_eq!(c.body["kategori_id"], 101);
    assert_eq!(c.body["lokasi"]["kode_wilayah"], "35.73.04");
    assert_eq!(c.body["waktu_lapor"], "2024-07-29T08:15:00+07:00");
}

#[test]
fn the_example_config_has_the_four_malang_channels() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/config/lapor-bridge.example.toml"
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for n in [
        "lapor-client-secret",
        "sambat-api-key",
        "call112-webhook-secret",
        "sosmed-webhook-secret",
        "call112-api-token",
        "sosmed-desk-token",
    ] {
        std::fs::write(dir.path().join(n), "s\n").unwrap();
    }
    let creds = dir.path().display().to_string();
    let c = config::load_from_str(&text, &env(&[("CREDENTIALS_DIRECTORY", &creds)]))
        .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = c.channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["call112", "ngombe", "sambat", "sosmed"]);
    assert_eq!(c.webhooks.listen.to_string(), "127.0.0.1:8088");
    // Every channel writes back, each its own way.
    let targets: Vec<String> = c
        .channels
        .iter()
        .map(|ch| match ch.writeback.as_ref().map(|w| &w.target) {
            Some(config::WritebackTarget::Sambat) => "sambat".to_string(),
            Some(config::WritebackTarget::Http(h)) => h.url.source().to_string(),
            Some(config::WritebackTarget::StatusFile(f)) => f.path.display().to_string(),
            None => "none".to_string(),
        })
        .collect();
    assert_eq!(
        targets,
        [
            "https://112.malangkota.go.id/api/tickets/{/ticket_id}/notes",
            "/var/lib/lapor-bridge/ngombe/outbox/ngombe-status.csv",
            "sambat",
            "https://desk.malangkota.go.id/api/replies",
        ]
    );
}

#[test]
fn two_channels_on_one_route_or_one_inbox_are_refused() {
    let channel = |name: &str, path: &str| {
        format!(
            r#"
[channels.{name}]
kind = "webhook"
path = "{path}"
secret = {{ value = "s" }}
id = "/id"
[channels.{name}.mapping]
isi = "/text"
kategori = {{ value = 1 }}
instansi = {{ value = 3573 }}
waktu_lapor = {{ path = "/t", format = "rfc3339" }}
"#
        )
    };
    let toml = format!("{BASE}{}{}", channel("a", "/hook"), channel("b", "/hook/"));
    let e = config::load_from_str(&toml, &[]).unwrap_err();
    assert_eq!(e.keys(), ["channels.b.path"], "{e}");
    // A route the router would read as a parameter is refused too.
    let toml = format!("{BASE}{}", channel("c", "/x/:id"));
    let e = config::load_from_str(&toml, &[]).unwrap_err();
    assert_eq!(e.keys(), ["channels.c.path"], "{e}");
}

#[test]
fn write_back_mistakes_are_named_with_their_key() {
    let err = config::load_from_str(
        DEMO_TOML,
        &env(&[
            (
                "LAPOR_BRIDGE__CHANNELS__SAMBAT__WRITEBACK__RESPONSE",
                "{tanggapn} oleh {oleh}",
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__SAMBAT__WRITEBACK__STATUS__SELESAI",
                "closed",
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__SAMBAT__WRITEBACK__STATUS__DIBATALKAN",
                "ditolak",
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__NGOMBE__WRITEBACK__URL",
                "http://example.org",
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__CALL112__WRITEBACK__ENABLED",
                "true",
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__CALL112__WRITEBACK__URL",
                "tickets/{/ticket_id}",
            ),
        ]),
    )
    .unwrap_err()
    .to_string();
    for (key, says) in [
        (
            "channels.sambat.writeback.response",
            "placeholder {tanggapn}",
        ),
        (
            "channels.sambat.writeback.status.selesai",
            "not a SAMBAT status",
        ),
        (
            "channels.sambat.writeback.status.dibatalkan",
            "not a LAPOR! status",
        ),
        (
            "channels.ngombe.writeback.url",
            "not used by a CsvFolder channel",
        ),
        (
            "channels.call112.writeback.url",
            "not an absolute http(s) URL",
        ),
    ] {
        assert!(
            err.lines().any(|l| l.starts_with(key) && l.contains(says)),
            "no {key} saying {says:?} in:\n{err}"
        );
    }
}

#[test]
fn csv_size_limits_default_and_are_validated() {
    let c = config::load_from_str(DEMO_TOML, &[]).unwrap_or_else(|e| panic!("{e}"));
    let ngombe = c
        .channels
        .iter()
        .find(|c| c.name.as_str() == "ngombe")
        .unwrap();
    let ChannelKind::CsvFolder(f) = &ngombe.kind else {
        panic!("ngombe is a CSV folder")
    };
    assert_eq!(
        (f.max_file_bytes, f.max_row_bytes),
        (20 * 1024 * 1024, 64 * 1024)
    );
    assert!(f.rejected.ends_with("rejected"));
    let err = config::load_from_str(
        DEMO_TOML,
        &env(&[
            ("LAPOR_BRIDGE__CHANNELS__NGOMBE__MAX_FILE_BYTES", "10"),
            ("LAPOR_BRIDGE__CHANNELS__NGOMBE__MAX_ROW_BYTES", "100000000"),
        ]),
    )
    .unwrap_err();
    assert_eq!(
        err.keys(),
        [
            "channels.ngombe.max_file_bytes",
            "channels.ngombe.max_row_bytes"
        ],
        "{err}"
    );
    let err = config::load_from_str(
        DEMO_TOML,
        &env(&[
            ("LAPOR_BRIDGE__CHANNELS__NGOMBE__MAX_FILE_BYTES", "4096"),
            ("LAPOR_BRIDGE__CHANNELS__NGOMBE__MAX_ROW_BYTES", "8192"),
        ]),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("larger than max_file_bytes"),
        "{err}"
    );
}
