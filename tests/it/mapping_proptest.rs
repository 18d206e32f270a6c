//! Property tests of the SAMBAT mapping: it never panics, and what it produces always
//! satisfies the LAPOR! contract; well-formed records always map.

use lapor_bridge::config::SambatMapping;
use lapor_bridge::domain::{ChannelName, RecordKey};
use lapor_bridge::mapping::{check_payload, check_reference, map_sambat, ReferenceIds};
use lapor_bridge::wire::lapor::types::{CreateLaporan, Klasifikasi};
use proptest::prelude::*;
use serde_json::{json, Value};

const KATEGORI: [&str; 3] = ["Jalan Rusak", "sampah", "PENERANGAN   jalan"];
const OPD: [&str; 2] = ["DPUPRPKP", "dlh"];
const KECAMATAN: [&str; 3] = ["Klojen", "blimbing", " Lowokwaru "];
const KELURAHAN: [&str; 2] = ["Kauman", "Polehan"];

fn mapping(default_instansi_id: Option<i64>) -> SambatMapping {
    SambatMapping {
        klasifikasi: Klasifikasi::PermintaanInformasi,
        kategori: [
            ("jalan rusak".to_owned(), 13),
            ("sampah".to_owned(), 21),
            ("penerangan jalan".to_owned(), 14),
        ]
        .into(),
        opd: [("dpuprpkp".to_owned(), 3573), ("dlh".to_owned(), 3574)].into(),
        default_instansi_id,
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

fn now() -> jiff::Timestamp {
    "2024-07-30T00:00:00Z".parse().unwrap()
}

/// Any text: arbitrary Unicode, whitespace-heavy text, long runs of words, or nothing.
fn text(max_words: usize) -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        "[ \t\n\u{a0}\u{3000}]{0,5}\\PC{0,40}[ \t\n]{0,5}",
        prop::collection::vec("[a-zA-Zéü🚧—.,!?]{1,12}|[ \n]{1,3}", 0..max_words)
            .prop_map(|w| w.join(" ")),
        Just(String::new()),
    ]
    .boxed()
}

/// Text that is at least 20 chars after trimming.
fn isi_ok() -> BoxedStrategy<String> {
    (
        "[ \n]{0,3}",
        "[\\p{L}\\p{N}]{20,30}",
        prop_oneof![any::<String>(), text(1500)],
        "[ \n]{0,3}",
    )
        .prop_map(|(a, b, c, d)| format!("{a}{b}{c}{d}"))
        .boxed()
}

fn from_table(table: &'static [&'static str]) -> BoxedStrategy<String> {
    prop::sample::select(table).prop_map(str::to_owned).boxed()
}

/// A table name, an unknown name, or empty.
fn maybe_from_table(table: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        3 => from_table(table),
        1 => any::<String>(),
        1 => Just(String::new()),
    ]
    .boxed()
}

fn phone() -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        "(\\+62|62|0|0062|)[ -]?8[0-9]{2}[ -.]?[0-9]{3,4}[ -]?[0-9]{0,8}",
        "\\(0341\\) [0-9]{4,8}",
        "[0-9+() -]{0,20}",
    ]
    .boxed()
}

fn nik() -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{16}",
        "[0-9 ]{12,22}",
        "[0-9]{10,20}"
    ]
    .boxed()
}

fn email() -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        "[a-z.]{1,10}@[a-z]{1,8}\\.(id|com)",
        "[a-z@. ]{0,15}"
    ]
    .boxed()
}

fn foto() -> BoxedStrategy<Vec<String>> {
    prop::collection::vec(
        prop_oneof![
            any::<String>(),
            "https://[a-z]{1,8}\\.(id|com)/[a-zA-Z0-9%._ -]{0,15}(\\.(jpg|JPEG|png|gif|pdf|mp4|heic))?(\\?[a-z=0-9&]{0,10})?",
            "(http|ftp)://[a-z]{1,8}\\.id/[a-z]{1,5}\\.jpg",
        ],
        0..9,
    )
    .boxed()
}

fn dibuat() -> BoxedStrategy<String> {
    prop_oneof![
        4 => (1995i32..2040, 1u8..=12, 1u8..=31, 0u8..24, 0u8..60, 0u8..60).prop_map(
            |(y, mo, d, h, mi, s)| format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
        ),
        1 => any::<String>(),
    ]
    .boxed()
}

prop_compose! {
    fn pelapor()(
        nama in prop_oneof![text(20), "[\\p{L} ]{1,150}"],
        nik in prop::option::of(nik()),
        hp in prop::option::of(phone()),
        email in prop::option::of(email()),
    ) -> Value {
        json!({"nama": nama, "nik": nik, "hp": hp, "email": email})
    }
}

prop_compose! {
    /// Any record SAMBAT might send, including ones that cannot be mapped.
    fn any_record()(
        judul in text(40),
        isi in prop_oneof![text(1500), isi_ok()],
        kategori in maybe_from_table(&KATEGORI),
        opd in maybe_from_table(&OPD),
        kecamatan in maybe_from_table(&KECAMATAN),
        kelurahan in maybe_from_table(&KELURAHAN),
        alamat in prop_oneof![text(150), "[\\p{L}. ]{480,520}"],
        pelapor in prop::option::of(pelapor().boxed()),
        anonim in any::<bool>(),
        rahasia in any::<bool>(),
        foto in foto(),
        dibuat in dibuat(),
    ) -> Value {
        json!({
            "id": 777, "judul": judul, "isi": isi, "kategori": kategori, "opd": opd,
            "kecamatan": kecamatan, "kelurahan": kelurahan, "alamat": alamat,
            "pelapor": pelapor, "anonim": anonim, "rahasia": rahasia, "foto": foto,
            "dibuat": dibuat, "diperbarui": dibuat, "status": "baru",
        })
    }
}

prop_compose! {
    /// A record with everything LAPOR! needs; all the rest arbitrary.
    fn good_record()(
        judul in text(40),
        isi in isi_ok(),
        kategori in from_table(&KATEGORI),
        opd in from_table(&OPD),
        kecamatan in prop_oneof![from_table(&KECAMATAN), Just(String::new())],
        kelurahan in any::<String>(),
        alamat in text(150),
        nama in "[\\p{L}][\\p{L}\\p{N} .'-]{0,150}",
        nik in prop::option::of(nik()),
        hp in prop::option::of(phone()),
        email in prop::option::of(email()),
        anonim in any::<bool>(),
        rahasia in any::<bool>(),
        foto in foto(),
        dibuat in (2000i32..2040, 1u8..=12, 1u8..=28, 0u8..24, 0u8..60, 0u8..60).prop_map(
            |(y, mo, d, h, mi, s)| format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
        ),
    ) -> Value {
        json!({
            "id": 777, "judul": judul, "isi": isi, "kategori": kategori, "opd": opd,
            "kecamatan": kecamatan, "kelurahan": kelurahan, "alamat": alamat,
            "pelapor": {"nama": nama, "nik": nik, "hp": hp, "email": email},
            "anonim": anonim, "rahasia": rahasia, "foto": foto,
            "dibuat": dibuat, "diperbarui": dibuat, "status": "baru",
        })
    }
}

/// A record damaged the way a buggy channel might: a field removed or of the wrong type.
fn damaged_record() -> BoxedStrategy<Value> {
    (
        any_record(),
        prop::sample::select(vec![
            "id", "judul", "isi", "pelapor", "anonim", "foto", "dibuat",
        ]),
        prop_oneof![
            Just(None),
            Just(Some(json!(42))),
            Just(Some(json!([1]))),
            Just(Some(json!(null)))
        ],
    )
        .prop_map(|(mut r, field, value)| {
            match value {
                None => {
                    r.as_object_mut().unwrap().remove(field);
                }
                Some(v) => r[field] = v,
            }
            r
        })
        .boxed()
}

fn key() -> RecordKey {
    RecordKey::new(ChannelName::parse("sambat").unwrap(), "777")
}

fn reference() -> BoxedStrategy<ReferenceIds> {
    prop_oneof![
        Just(ReferenceIds::default()),
        Just(ReferenceIds {
            kategori: [13, 14, 21].into(),
            instansi: [3500, 3573, 3574].into()
        }),
        Just(ReferenceIds {
            kategori: [13].into(),
            instansi: [3573].into()
        }),
    ]
    .boxed()
}

/// Everything that must hold of a payload the mapping produced.
fn assert_valid(p: &CreateLaporan, raw: &Value, reference: &ReferenceIds) {
    assert_eq!(check_payload(p), vec![], "payload: {p:#?}");
    assert_eq!(check_reference(p, reference), vec![]);
    assert_eq!(p.id_eksternal, "sambat:777");
    assert_eq!(p.kanal, "sambat");
    assert_eq!(p.anonim, raw["anonim"].as_bool().unwrap_or(false));
    let body = serde_json::to_value(p).unwrap();
    assert_eq!(body.get("pelapor").is_some(), !p.anonim);
    // The body is exactly what the contract's create accepts (no unknown fields).
    let back: CreateLaporan = serde_json::from_value(body).unwrap();
    assert_eq!(&back, p);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_record_maps_to_a_valid_payload_or_problems(
        raw in prop_oneof![4 => any_record(), 1 => damaged_record()],
        default in prop::option::of(prop::sample::select(vec![3500i64, 3573])),
        reference in reference(),
    ) {
        match map_sambat(&key(), &raw, &mapping(default), &reference, now()) {
            Ok(m) => assert_valid(&m.payload, &raw, &reference),
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                for p in &problems {
                    prop_assert!(!p.field.is_empty() && !p.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn well_formed_records_always_map(raw in good_record()) {
        let reference = ReferenceIds {
            kategori: [13, 14, 21].into(),
            instansi: [3573, 3574].into(),
        };
        let mapped = map_sambat(&key(), &raw, &mapping(None), &reference, now());
        let m = mapped.unwrap_or_else(|p| panic!("problems {p:?} for {raw:#}"));
        assert_valid(&m.payload, &raw, &reference);
        prop_assert_eq!(m.payload.klasifikasi, Klasifikasi::PermintaanInformasi);
        prop_assert!(m.payload.lampiran.len() <= 5);
    }

    #[test]
    fn content_hash_ignores_write_back_fields(
        raw in any_record(),
        status in any::<String>(),
        diperbarui in any::<String>(),
        isi in any::<String>(),
    ) {
        let base = lapor_bridge::mapping::content_hash_sambat(&raw);
        let mut bumped = raw.clone();
        bumped["status"] = json!(status);
        bumped["diperbarui"] = json!(diperbarui);
        prop_assert_eq!(lapor_bridge::mapping::content_hash_sambat(&bumped), base.clone());
        let mut edited = raw.clone();
        edited["isi"] = json!(isi.clone());
        prop_assert_eq!(lapor_bridge::mapping::content_hash_sambat(&edited) == base, raw["isi"] == json!(isi));
    }
}
