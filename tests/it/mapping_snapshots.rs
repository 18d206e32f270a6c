//! The LAPOR! body of a few typical SAMBAT records, pinned as JSON snapshots.

use lapor_bridge::config::SambatMapping;
use lapor_bridge::domain::{ChannelName, RecordKey};
use lapor_bridge::mapping::{check_payload, map_sambat, Mapped, ReferenceIds};
use lapor_bridge::wire::lapor::types::Klasifikasi;
use serde_json::{json, Value};

fn mapping() -> SambatMapping {
    SambatMapping {
        klasifikasi: Klasifikasi::Pengaduan,
        kategori: [
            ("jalan rusak".to_owned(), 13),
            ("sampah".to_owned(), 21),
            ("penerangan jalan".to_owned(), 14),
        ]
        .into(),
        opd: [("dpuprpkp".to_owned(), 3573), ("dlh".to_owned(), 3574)].into(),
        default_instansi_id: Some(3500),
        kecamatan: [
            ("klojen".to_owned(), "35.73.02".to_owned()),
            ("blimbing".to_owned(), "35.73.01".to_owned()),
            ("lowokwaru".to_owned(), "35.73.05".to_owned()),
        ]
        .into(),
        kelurahan: [
            ("kauman".to_owned(), "35.73.02.1007".to_owned()),
            ("polehan".to_owned(), "35.73.01.1010".to_owned()),
        ]
        .into(),
    }
}

fn reference() -> ReferenceIds {
    ReferenceIds {
        kategori: [13, 14, 21].into(),
        instansi: [3500, 3573, 3574].into(),
    }
}

fn map(raw: Value) -> Value {
    let id = raw["id"].to_string();
    let key = RecordKey::new(ChannelName::parse("sambat").unwrap(), id);
    let now = "2024-07-30T00:00:00Z".parse().unwrap();
    let Mapped { payload, notes } = map_sambat(&key, &raw, &mapping(), &reference(), now)
        .unwrap_or_else(|p| panic!("problems: {p:?}"));
    assert_eq!(check_payload(&payload), vec![]);
    json!({"payload": payload, "notes": notes})
}

/// Keys sorted, whatever order `serde_json` keeps maps in.
fn snapshot(name: &str, value: Value) {
    insta::with_settings!({sort_maps => true}, {
        insta::assert_json_snapshot!(name, value);
    });
}

#[test]
fn named_web_complaint() {
    snapshot(
        "named_web_complaint",
        map(json!({
            "id": 12345,
            "judul": "Jalan berlubang di Jl. Merdeka Selatan",
            "isi": "Jalan berlubang besar di depan Alun-alun Merdeka.\nSudah dua minggu belum diperbaiki dan membahayakan pengendara motor.",
            "kategori": "Jalan Rusak",
            "opd": "DPUPRPKP",
            "kecamatan": "Klojen",
            "kelurahan": "Kauman",
            "alamat": "Jl. Merdeka Selatan No. 1",
            "pelapor": {"nama": "Budi Santoso", "nik": "3573 0123 4567 0001", "hp": "0812-3456-7890", "email": "budi@example.com"},
            "anonim": false,
            "rahasia": false,
            "foto": ["https://sambat.malangkota.go.id/uploads/2024/07/lubang.jpg"],
            "dibuat": "2024-07-29 08:15:00",
            "diperbarui": "2024-07-29 08:15:00",
            "status": "baru"
        })),
    );
}

#[test]
fn anonymous_sms_complaint() {
    snapshot(
        "anonymous_sms_complaint",
        map(json!({
            "id": 12346,
            "judul": "",
            "isi": "Sampah di TPS Polehan sudah 4 hari tidak diangkut, bau sekali. Mohon segera ditindaklanjuti pak.",
            "kategori": "sampah",
            "opd": "",
            "kecamatan": "Blimbing",
            "kelurahan": "Polehan",
            "alamat": "",
            "pelapor": {"nama": "Warga", "nik": null, "hp": "081234567890", "email": null},
            "anonim": true,
            "rahasia": true,
            "foto": [],
            "dibuat": "2024-07-29 21:03:11",
            "diperbarui": "2024-07-29 21:03:11",
            "status": "baru"
        })),
    );
}

#[test]
fn messy_complaint_with_dropped_data() {
    snapshot(
        "messy_complaint_with_dropped_data",
        map(json!({
            "id": 12347,
            "judul": "  Lampu   PJU mati  ",
            "isi": "  Lampu penerangan jalan di sepanjang Jl. Soekarno-Hatta mati total sejak minggu lalu, rawan kecelakaan dan kejahatan.  ",
            "kategori": "Penerangan  Jalan",
            "opd": "Dinas Perhubungan",
            "kecamatan": "LOWOKWARU",
            "kelurahan": "Jatimulyo",
            "alamat": "Jl. Soekarno-Hatta (depan Politeknik)",
            "pelapor": {"nama": "  Sri   Wahyuni ", "nik": "35730", "hp": "+62 341 551234", "email": "sri(at)mail"},
            "anonim": false,
            "rahasia": false,
            "foto": [
                "https://cdn.example.id/f/1.JPG?sig=abc",
                "https://cdn.example.id/f/2.heic",
                "http://cdn.example.id/f/3.png",
                "https://cdn.example.id/f/laporan%20warga.pdf",
                "https://cdn.example.id/f/4.png",
                "https://cdn.example.id/f/5.mp4",
                "https://cdn.example.id/f/6.jpeg",
                "https://cdn.example.id/f/7.jpg"
            ],
            "dibuat": "2024-07-30 09:30:00",
            "diperbarui": "2024-07-30 09:31:00",
            "status": "diverifikasi"
        })),
    );
}
