//! One test per contract rule of the create body: a payload breaking only that rule is
//! refused by the dry-run verdict, naming the field. Starts from a payload that passes every
//! check (JSON Schema, field rules, cross-field rules, reference data).

use jiff::Timestamp;
use lapor_bridge::dryrun::verdict::{payload_reasons, Reason};
use lapor_bridge::mapping::ReferenceIds;
use serde_json::{json, Value};

fn good() -> Value {
    json!({
        "id_eksternal": "sambat:12345",
        "kanal": "sambat",
        "klasifikasi": "pengaduan",
        "judul": "Jalan berlubang di Jl. Ijen",
        "isi": "Jalan berlubang besar di depan sekolah, berbahaya bagi pengendara.",
        "kategori_id": 101,
        "instansi_id": 3573,
        "tanggal_kejadian": "2024-07-28",
        "lokasi": {"alamat": "Jl. Ijen No. 5", "kode_wilayah": "35.73.02.1007", "lat": -7.98, "lon": 112.63},
        "anonim": false,
        "rahasia": false,
        "pelapor": {"nama": "Budi", "nik": "3573012345670001", "telepon": "+6281234567890", "email": "budi@example.com"},
        "lampiran": [{"nama_file": "a.jpg", "tipe": "image/jpeg", "url": "https://sambat.example/foto/a.jpg"}],
        "waktu_lapor": "2024-07-29T08:15:00+07:00"
    })
}

fn reference() -> ReferenceIds {
    ReferenceIds {
        kategori: [101, 102].into(),
        instansi: [3573].into(),
    }
}

fn now() -> Timestamp {
    "2024-08-01T00:00:00Z".parse().unwrap()
}

fn reasons(p: &Value) -> Vec<Reason> {
    payload_reasons(p, &reference(), now())
}

/// Applies `change` to the good payload and asserts it is refused with `field` named, and
/// with no field named that the change did not touch.
fn refused(field: &str, change: impl FnOnce(&mut Value)) {
    let mut p = good();
    change(&mut p);
    let r = reasons(&p);
    assert!(!r.is_empty(), "{field}: accepted, should be refused");
    assert!(
        r.iter().any(|r| r.field == field),
        "{field} not named; reasons: {r:#?}"
    );
    let parent = field.split(['.', '[']).next().unwrap();
    let stray: Vec<&Reason> = r
        .iter()
        .filter(|r| !r.field.starts_with(parent) && r.field != "body")
        .collect();
    assert!(stray.is_empty(), "{field}: other fields named: {stray:#?}");
}

#[test]
fn the_good_payload_passes_every_check() {
    assert_eq!(reasons(&good()), vec![]);
    let mut anon = good();
    anon["anonim"] = json!(true);
    anon.as_object_mut().unwrap().remove("pelapor");
    anon["lokasi"] = json!(null);
    anon["tanggal_kejadian"] = json!(null);
    anon["lampiran"] = json!([]);
    assert_eq!(reasons(&anon), vec![]);
    anon["pelapor"] = json!(null);
    assert_eq!(reasons(&anon), vec![]);
}

#[test]
fn id_eksternal_length() {
    refused("id_eksternal", |p| {
        p["id_eksternal"] = json!("x".repeat(101))
    });
    refused("id_eksternal", |p| p["id_eksternal"] = json!(""));
}

#[test]
fn kanal_charset() {
    refused("kanal", |p| p["kanal"] = json!("SAMBAT Online"));
    refused("kanal", |p| p["kanal"] = json!("a".repeat(51)));
}

#[test]
fn klasifikasi_enum() {
    refused("klasifikasi", |p| p["klasifikasi"] = json!("keluhan"));
}

#[test]
fn judul_length() {
    refused("judul", |p| p["judul"] = json!("Pendek"));
    refused("judul", |p| p["judul"] = json!("   pendek        ")); // 17 chars, 6 after trimming
    refused("judul", |p| p["judul"] = json!("é".repeat(151)));
}

#[test]
fn isi_length() {
    refused("isi", |p| p["isi"] = json!("terlalu pendek"));
    refused("isi", |p| p["isi"] = json!("a".repeat(5001)));
}

#[test]
fn kategori_id_must_be_listed_by_lapor() {
    refused("kategori_id", |p| p["kategori_id"] = json!(999));
    refused("kategori_id", |p| p["kategori_id"] = json!("101"));
}

#[test]
fn instansi_id_must_be_listed_by_lapor() {
    refused("instansi_id", |p| p["instansi_id"] = json!(3574));
}

#[test]
fn tanggal_kejadian_format_and_not_after_waktu_lapor() {
    refused("tanggal_kejadian", |p| {
        p["tanggal_kejadian"] = json!("28/07/2024")
    });
    refused("tanggal_kejadian", |p| {
        p["tanggal_kejadian"] = json!("2024-02-30")
    });
    refused("tanggal_kejadian", |p| {
        p["tanggal_kejadian"] = json!("2024-07-30")
    });
}

#[test]
fn lokasi_alamat_length() {
    refused("lokasi.alamat", |p| p["lokasi"]["alamat"] = json!(""));
    refused("lokasi.alamat", |p| {
        p["lokasi"]["alamat"] = json!("a".repeat(501))
    });
}

#[test]
fn lokasi_kode_wilayah_format() {
    refused("lokasi.kode_wilayah", |p| {
        p["lokasi"]["kode_wilayah"] = json!("3573")
    });
    refused("lokasi.kode_wilayah", |p| {
        p["lokasi"]["kode_wilayah"] = json!("35.73.3")
    });
}

#[test]
fn lokasi_lat_lon_both_or_neither() {
    refused("lokasi", |p| p["lokasi"]["lon"] = json!(null));
    refused("lokasi", |p| p["lokasi"]["lat"] = json!(null));
}

#[test]
fn lokasi_lat_lon_ranges() {
    refused("lokasi.lat", |p| p["lokasi"]["lat"] = json!(91.0));
    refused("lokasi.lon", |p| p["lokasi"]["lon"] = json!(-180.5));
}

#[test]
fn pelapor_required_when_not_anonymous() {
    refused("pelapor", |p| {
        p.as_object_mut().unwrap().remove("pelapor");
    });
    refused("pelapor", |p| p["pelapor"] = json!(null));
}

#[test]
fn pelapor_absent_when_anonymous() {
    refused("pelapor", |p| p["anonim"] = json!(true));
}

#[test]
fn pelapor_nama_length() {
    refused("pelapor.nama", |p| p["pelapor"]["nama"] = json!(""));
    refused("pelapor.nama", |p| {
        p["pelapor"]["nama"] = json!("n".repeat(101))
    });
}

#[test]
fn nik_format() {
    refused("pelapor.nik", |p| {
        p["pelapor"]["nik"] = json!("3573 0123 4567 0001")
    });
    refused("pelapor.nik", |p| {
        p["pelapor"]["nik"] = json!("357301234567000")
    });
}

#[test]
fn telepon_format() {
    refused("pelapor.telepon", |p| {
        p["pelapor"]["telepon"] = json!("0812-3456-7890")
    });
    refused("pelapor.telepon", |p| {
        p["pelapor"]["telepon"] = json!("+1415555010")
    });
    refused("pelapor.telepon", |p| {
        p["pelapor"]["telepon"] = json!("0812345")
    });
}

#[test]
fn email_format() {
    refused("pelapor.email", |p| p["pelapor"]["email"] = json!("budi"));
}

#[test]
fn lampiran_count() {
    refused("lampiran", |p| {
        let one = p["lampiran"][0].clone();
        p["lampiran"] = json!(vec![one; 6]);
    });
}

#[test]
fn lampiran_tipe() {
    refused("lampiran[0].tipe", |p| {
        p["lampiran"][0]["tipe"] = json!("image/gif")
    });
}

#[test]
fn lampiran_url_https() {
    refused("lampiran[0].url", |p| {
        p["lampiran"][0]["url"] = json!("http://sambat.example/a.jpg")
    });
    refused("lampiran[0].url", |p| {
        p["lampiran"][0]["url"] = json!("https://u:p@sambat.example/a.jpg")
    });
}

#[test]
fn lampiran_nama_file() {
    refused("lampiran[0].nama_file", |p| {
        p["lampiran"][0]["nama_file"] = json!("")
    });
}

#[test]
fn waktu_lapor_format() {
    refused("waktu_lapor", |p| {
        p["waktu_lapor"] = json!("2024-07-29 08:15:00")
    });
    refused("waktu_lapor", |p| {
        p["waktu_lapor"] = json!("2024-07-29T08:15:00")
    });
    refused("waktu_lapor", |p| {
        p["waktu_lapor"] = json!("2024-07-29T08:15:00+0700")
    });
    refused("waktu_lapor", |p| {
        p["waktu_lapor"] = json!("2024-13-29T08:15:00+07:00")
    });
}

#[test]
fn waktu_lapor_not_in_the_future() {
    refused("waktu_lapor", |p| {
        p["waktu_lapor"] = json!("2024-08-02T08:15:00+07:00");
        p["tanggal_kejadian"] = json!(null);
    });
}

#[test]
fn unknown_fields_are_rejected() {
    refused("prioritas", |p| p["prioritas"] = json!("tinggi"));
    refused("lokasi.rt", |p| p["lokasi"]["rt"] = json!("03"));
    refused("pelapor.alamat", |p| {
        p["pelapor"]["alamat"] = json!("Jl. Ijen")
    });
    refused("lampiran[0].ukuran", |p| {
        p["lampiran"][0]["ukuran"] = json!(1024)
    });
}

#[test]
fn required_fields_are_named() {
    for f in [
        "id_eksternal",
        "kanal",
        "judul",
        "isi",
        "kategori_id",
        "anonim",
        "lampiran",
        "waktu_lapor",
    ] {
        refused(f, |p| {
            p.as_object_mut().unwrap().remove(f);
        });
    }
}

#[test]
fn reasons_never_quote_personal_data() {
    let mut p = good();
    p["pelapor"]["nik"] = json!("3573-0123-4567-0001");
    p["pelapor"]["telepon"] = json!("0812-3456-7890");
    let text = format!("{:?}", reasons(&p));
    assert!(
        !text.contains("3573-0123") && !text.contains("0812-3456"),
        "{text}"
    );
}
