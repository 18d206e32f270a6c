use serde_json::{json, Value};

use super::*;
use crate::domain::ChannelName;
use crate::mapping::hash::content_hash_sambat;
use crate::mapping::text::ELLIPSIS;
use crate::mapping::validate::check_payload;
use crate::wire::lapor::types::Klasifikasi;

fn key() -> RecordKey {
    RecordKey::new(ChannelName::parse("sambat").unwrap(), "12345")
}

fn now() -> Timestamp {
    "2024-07-30T00:00:00Z".parse().unwrap()
}

fn mapping() -> SambatMapping {
    SambatMapping {
        klasifikasi: Klasifikasi::Pengaduan,
        kategori: [("jalan rusak".to_owned(), 13), ("sampah".to_owned(), 21)].into(),
        opd: [("dpuprpkp".to_owned(), 3573), ("dlh".to_owned(), 3574)].into(),
        default_instansi_id: None,
        kecamatan: [
            ("klojen".to_owned(), "35.73.02".to_owned()),
            ("blimbing".to_owned(), "35.73.01".to_owned()),
        ]
        .into(),
        kelurahan: [
            ("kauman".to_owned(), "35.73.02.1007".to_owned()),
            ("oroorodowo".to_owned(), "35.73.02.1008".to_owned()),
            ("rampalcelaket".to_owned(), "35.73.02.1002".to_owned()),
            ("polehan".to_owned(), "35.73.01.1010".to_owned()),
        ]
        .into(),
    }
}

fn record() -> Value {
    json!({
        "id": 12345,
        "judul": "Jalan berlubang di Jl. Merdeka",
        "isi": "Jalan berlubang besar di depan Alun-alun, sudah dua minggu belum diperbaiki.",
        "kategori": "Jalan Rusak",
        "opd": "DPUPRPKP",
        "kecamatan": "Klojen",
        "kelurahan": "Kauman",
        "alamat": "Jl. Merdeka Selatan No. 1",
        "pelapor": {"nama": "Budi Santoso", "nik": "3573012345670001", "hp": "0812-3456-7890", "email": "budi@example.com"},
        "anonim": false,
        "rahasia": false,
        "foto": ["https://sambat.malangkota.go.id/foto/a.jpg"],
        "dibuat": "2024-07-29 08:15:00",
        "diperbarui": "2024-07-29 08:15:00",
        "status": "baru"
    })
}

fn with(changes: Value) -> Value {
    let mut r = record();
    for (k, v) in changes.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

fn map(raw: &Value) -> Result<Mapped, Vec<FieldProblem>> {
    map_sambat(&key(), raw, &mapping(), &ReferenceIds::default(), now())
}

fn ok(raw: &Value) -> Mapped {
    let m = map(raw).unwrap_or_else(|p| panic!("problems: {p:?}"));
    assert_eq!(
        check_payload(&m.payload),
        vec![],
        "mapped payload breaks the contract"
    );
    m
}

fn problems(raw: &Value) -> Vec<FieldProblem> {
    map(raw).expect_err("expected problems")
}

fn fields(problems: &[FieldProblem]) -> Vec<&str> {
    problems.iter().map(|p| p.field.as_str()).collect()
}

#[test]
fn a_complete_record_maps_field_by_field() {
    let m = ok(&record());
    let p = &m.payload;
    assert_eq!(p.id_eksternal, "sambat:12345");
    assert_eq!(p.kanal, "sambat");
    assert_eq!(p.klasifikasi, Klasifikasi::Pengaduan);
    assert_eq!(p.judul, "Jalan berlubang di Jl. Merdeka");
    assert_eq!(p.kategori_id, 13);
    assert_eq!(p.instansi_id, 3573);
    assert_eq!(p.tanggal_kejadian, None);
    let lokasi = p.lokasi.as_ref().unwrap();
    assert_eq!(lokasi.alamat, "Jl. Merdeka Selatan No. 1");
    assert_eq!(lokasi.kode_wilayah.as_deref(), Some("35.73.02.1007"));
    assert_eq!((lokasi.lat, lokasi.lon), (None, None));
    let pelapor = p.pelapor.as_ref().unwrap();
    assert_eq!(pelapor.nama, "Budi Santoso");
    assert_eq!(pelapor.nik.as_deref(), Some("3573012345670001"));
    assert_eq!(pelapor.telepon.as_deref(), Some("+6281234567890"));
    assert_eq!(pelapor.email.as_deref(), Some("budi@example.com"));
    assert_eq!(p.lampiran.len(), 1);
    assert_eq!(p.waktu_lapor, "2024-07-29T08:15:00+07:00");
    assert!(!p.anonim && !p.rahasia);
    assert_eq!(m.notes, Vec::<String>::new());
}

#[test]
fn klasifikasi_and_rahasia_come_through() {
    let mut mp = mapping();
    mp.klasifikasi = Klasifikasi::Aspirasi;
    let m = map_sambat(
        &key(),
        &with(json!({"rahasia": true})),
        &mp,
        &ReferenceIds::default(),
        now(),
    )
    .unwrap();
    assert_eq!(m.payload.klasifikasi, Klasifikasi::Aspirasi);
    assert!(m.payload.rahasia);
}

#[test]
fn empty_judul_is_derived_from_the_first_sentence_of_isi() {
    let m = ok(&with(json!({
        "judul": "  ",
        "isi": "Lampu PJU di Jl. A. Yani mati sejak Senin. Mohon segera diperbaiki karena rawan."
    })));
    assert_eq!(m.payload.judul, "Lampu PJU di Jl. A. Yani mati sejak Senin");
    assert!(m.notes.iter().any(|n| n.contains("judul was empty")));
}

#[test]
fn empty_judul_without_a_short_sentence_takes_the_first_words() {
    let isi = "tolong ".repeat(40) + "sampah menumpuk";
    let m = ok(&with(json!({"judul": "", "isi": isi})));
    let judul = &m.payload.judul;
    assert!(char_len(judul) <= 150, "{judul}");
    assert!(judul.ends_with(ELLIPSIS));
    assert!(
        judul
            .trim_end_matches(ELLIPSIS)
            .split(' ')
            .all(|w| w == "tolong"),
        "{judul}"
    );
}

#[test]
fn short_judul_is_completed_from_isi() {
    let m = ok(&with(
        json!({"judul": "Sampah", "isi": "Tumpukan sampah di pasar Blimbing belum diangkut."}),
    ));
    assert_eq!(
        m.payload.judul,
        "Sampah: Tumpukan sampah di pasar Blimbing belum diangkut."
    );
    let m = ok(&with(
        json!({"judul": "Tumpukan", "isi": "Tumpukan sampah di pasar Blimbing belum diangkut."}),
    ));
    assert_eq!(
        m.payload.judul,
        "Tumpukan sampah di pasar Blimbing belum diangkut"
    );
    assert!(m.notes.iter().any(|n| n.contains("judul had 8 chars")));
}

#[test]
fn isi_too_short_for_a_judul_is_two_problems() {
    let p = problems(&with(json!({"judul": "", "isi": " pendek "})));
    assert_eq!(fields(&p), ["isi", "judul"]);
    assert!(
        p[0].message.contains("20") && p[0].message.contains("fixed on SAMBAT"),
        "{}",
        p[0]
    );
}

#[test]
fn long_judul_is_cut_at_a_word_boundary() {
    let judul = "Jalan rusak parah ".repeat(12); // 216 chars
    let m = ok(&with(json!({"judul": judul})));
    let got = &m.payload.judul;
    assert!(char_len(got) <= 150);
    let body = got.trim_end_matches(ELLIPSIS);
    assert!(
        judul.starts_with(body) && judul[body.len()..].starts_with(' '),
        "{got}"
    );
    assert!(m.notes.iter().any(|n| n.contains("judul shortened")));
}

#[test]
fn isi_is_trimmed_but_keeps_inner_whitespace() {
    let isi = "\n  Jalan berlubang.\n\nSudah  dua minggu.  \t";
    let m = ok(&with(json!({"isi": isi})));
    assert_eq!(m.payload.isi, "Jalan berlubang.\n\nSudah  dua minggu.");
}

#[test]
fn isi_too_short_is_a_problem_to_fix_on_the_channel() {
    let p = problems(&with(json!({"isi": "   Jalan rusak!     "})));
    assert_eq!(fields(&p), ["isi"]);
    assert!(p[0].message.contains("at least 20"));
    assert!(p[0].message.contains("SAMBAT"));
}

#[test]
fn long_isi_is_cut_at_a_word_boundary_with_a_note() {
    let isi = "kerusakan jalan ".repeat(400); // 6399 chars after trimming
    let m = ok(&with(json!({"isi": isi})));
    let got = &m.payload.isi;
    assert!(char_len(got) <= 5000 && char_len(got) > 4900);
    let body = got.trim_end_matches(ELLIPSIS);
    assert!(isi.starts_with(body) && isi[body.len()..].starts_with(' '));
    assert!(m
        .notes
        .iter()
        .any(|n| n.contains("isi shortened from 6399")));
}

#[test]
fn multibyte_text_is_measured_in_chars() {
    // 3-byte and 4-byte chars: byte lengths are far over the limits, char lengths are not.
    let judul = "Jalan “rusak” — 🚧".repeat(8); // 144 chars
    let isi = "Ëntah kenapa jalan di dekat kafé ini rusak 🚧🚧 ".repeat(100);
    let m = ok(&with(
        json!({"judul": judul, "isi": isi, "alamat": "Jl. Ñ ".repeat(120)}),
    ));
    assert_eq!(m.payload.judul, judul.trim());
    assert!(char_len(&m.payload.isi) <= 5000);
    assert!(char_len(&m.payload.lokasi.unwrap().alamat) <= 500);
    // 10 chars of 4 bytes each is a long enough judul.
    let m = ok(&with(json!({"judul": "🚧".repeat(10)})));
    assert_eq!(m.payload.judul, "🚧".repeat(10));
}

#[test]
fn phone_formats() {
    for (hp, want) in [
        ("0812-3456-7890", Some("+6281234567890")),
        ("+62 812 3456 7890", Some("+6281234567890")),
        ("6281234567890", Some("+6281234567890")),
        ("81234567890", Some("+6281234567890")),
        ("(0341) 551234", Some("+62341551234")),
        ("0812", None),
        ("+1 202 555 0100", None),
        ("nomor saya 0812345678", None),
    ] {
        let m = ok(&with(json!({"pelapor": {"nama": "Budi", "hp": hp}})));
        let pelapor = m.payload.pelapor.unwrap();
        assert_eq!(pelapor.telepon.as_deref(), want, "{hp}");
        if want.is_none() {
            assert!(
                m.notes.iter().any(|n| n.contains("pelapor.hp dropped")),
                "{hp}"
            );
            for note in &m.notes {
                assert!(!note.contains(hp) && !note.contains("0812"), "{note}");
            }
        } else {
            assert!(m.notes.is_empty());
        }
    }
    // Absent, null and blank are simply no phone.
    for hp in [json!(null), json!("  ")] {
        let m = ok(&with(json!({"pelapor": {"nama": "Budi", "hp": hp}})));
        assert_eq!(m.payload.pelapor.unwrap().telepon, None);
        assert!(m.notes.is_empty());
    }
}

#[test]
fn nik_is_kept_only_when_sixteen_digits() {
    let m = ok(&with(
        json!({"pelapor": {"nama": "Budi", "nik": "3573 0123 4567 0001"}}),
    ));
    assert_eq!(
        m.payload.pelapor.unwrap().nik.as_deref(),
        Some("3573012345670001")
    );
    for nik in [
        "357301234567000",
        "35730123456700012",
        "3573.0123.4567.0001",
        "NIK-3573012345",
    ] {
        let m = ok(&with(json!({"pelapor": {"nama": "Budi", "nik": nik}})));
        assert_eq!(m.payload.pelapor.unwrap().nik, None, "{nik}");
        assert_eq!(m.notes, ["pelapor.nik dropped: not 16 digits"]);
    }
}

#[test]
fn email_is_kept_only_when_it_looks_like_one() {
    let m = ok(&with(
        json!({"pelapor": {"nama": "Budi", "email": " budi@example.com "}}),
    ));
    assert_eq!(
        m.payload.pelapor.unwrap().email.as_deref(),
        Some("budi@example.com")
    );
    let m = ok(&with(
        json!({"pelapor": {"nama": "Budi", "email": "budi at example"}}),
    ));
    assert_eq!(m.payload.pelapor.unwrap().email, None);
    assert_eq!(m.notes, ["pelapor.email dropped: not an e-mail address"]);
}

#[test]
fn anonymous_records_have_no_pelapor_key_at_all() {
    let m = ok(&with(json!({"anonim": true})));
    assert!(m.payload.anonim);
    assert_eq!(m.payload.pelapor, None);
    let body = serde_json::to_value(&m.payload).unwrap();
    assert!(body.get("pelapor").is_none(), "{body}");
    let text = serde_json::to_string(&m.payload).unwrap();
    assert!(
        !text.contains("Budi") && !text.contains("3573012345670001") && !text.contains("budi@")
    );
    // An anonymous record needs no reporter at all.
    ok(&with(json!({"anonim": true, "pelapor": null})));
}

#[test]
fn named_records_need_a_name() {
    for pelapor in [json!({"nama": "   ", "hp": "081234567890"}), json!(null)] {
        let p = problems(&with(json!({"pelapor": pelapor})));
        assert_eq!(fields(&p), ["pelapor.nama"]);
        assert_eq!(
            p[0].message,
            "pelapor.nama is empty but anonim is false: fix on SAMBAT or mark the complaint anonymous"
        );
    }
    let long = "Raden Mas ".repeat(15);
    let m = ok(&with(json!({"pelapor": {"nama": long}})));
    let nama = m.payload.pelapor.unwrap().nama;
    assert!(char_len(&nama) <= 100 && long.starts_with(&nama) && nama.ends_with("Mas"));
}

#[test]
fn unmapped_kategori_is_named_with_the_table_to_fix() {
    let p = problems(&with(json!({"kategori": "Banjir"})));
    assert_eq!(p, [FieldProblem::new(
        "kategori",
        "SAMBAT kategori \"Banjir\" has no kategori_id: add it to [channels.sambat.mapping] kategori"
    )]);
    // Lookups ignore case and repeated spaces.
    let m = ok(&with(json!({"kategori": "  JALAN   rusak "})));
    assert_eq!(m.payload.kategori_id, 13);
    let p = problems(&with(json!({"kategori": ""})));
    assert_eq!(fields(&p), ["kategori"]);
}

#[test]
fn ids_lapor_does_not_list_are_problems() {
    let reference = ReferenceIds {
        kategori: [21].into(),
        instansi: [3574].into(),
    };
    let p = map_sambat(&key(), &record(), &mapping(), &reference, now()).unwrap_err();
    assert_eq!(fields(&p), ["kategori", "opd"]);
    assert!(p[0].message.contains("kategori_id 13") && p[0].message.contains("GET /kategori"));
    assert!(p[1].message.contains("instansi_id 3573") && p[1].message.contains("GET /instansi"));
    let reference = ReferenceIds {
        kategori: [13].into(),
        instansi: [3573].into(),
    };
    assert!(map_sambat(&key(), &record(), &mapping(), &reference, now()).is_ok());
}

#[test]
fn opd_falls_back_to_the_default_instansi() {
    let p = problems(&with(json!({"opd": "Dinas Perhubungan"})));
    assert_eq!(fields(&p), ["opd"]);
    assert!(
        p[0].message.contains("\"Dinas Perhubungan\"")
            && p[0].message.contains("[channels.sambat.mapping] opd")
    );
    let p = problems(&with(json!({"opd": ""})));
    assert!(p[0].message.contains("default_instansi_id"));

    let mut mp = mapping();
    mp.default_instansi_id = Some(3573);
    for opd in ["Dinas Perhubungan", ""] {
        let m = map_sambat(
            &key(),
            &with(json!({"opd": opd})),
            &mp,
            &ReferenceIds::default(),
            now(),
        )
        .unwrap();
        assert_eq!(m.payload.instansi_id, 3573);
        assert_eq!(m.notes.len(), 1);
        assert!(
            m.notes[0].contains("default_instansi_id 3573"),
            "{:?}",
            m.notes
        );
    }
    // The default is checked against LAPOR!'s list too.
    let reference = ReferenceIds {
        kategori: Default::default(),
        instansi: [1].into(),
    };
    let p = map_sambat(&key(), &with(json!({"opd": ""})), &mp, &reference, now()).unwrap_err();
    assert_eq!(fields(&p), ["opd"]);
    assert!(p[0].message.contains("3573"));
}

#[test]
fn kode_wilayah_from_kelurahan_then_kecamatan() {
    let m = ok(&with(json!({"kelurahan": "KAUMAN"})));
    assert_eq!(
        m.payload.lokasi.unwrap().kode_wilayah.as_deref(),
        Some("35.73.02.1007")
    );
    let m = ok(&with(json!({"kelurahan": ""})));
    assert_eq!(
        m.payload.lokasi.unwrap().kode_wilayah.as_deref(),
        Some("35.73.02")
    );
    let m = ok(&with(json!({"kelurahan": "Samaan"})));
    assert_eq!(
        m.payload.lokasi.unwrap().kode_wilayah.as_deref(),
        Some("35.73.02")
    );
    assert!(m.notes[0].contains("\"Samaan\""));
    // Loose spellings of the same place.
    for (kel, code) in [
        ("Oro Oro Dowo", "35.73.02.1008"),
        ("oro-oro dowo", "35.73.02.1008"),
        ("Rampalcelaket", "35.73.02.1002"),
        ("RAMPAL  CELAKET", "35.73.02.1002"),
        ("Kau-man", "35.73.02.1007"),
    ] {
        let m = ok(&with(json!({"kelurahan": kel})));
        assert_eq!(
            m.payload.lokasi.unwrap().kode_wilayah.as_deref(),
            Some(code),
            "{kel}"
        );
    }
    let m = ok(&with(json!({"kecamatan": "KLO JEN", "kelurahan": ""})));
    assert_eq!(
        m.payload.lokasi.unwrap().kode_wilayah.as_deref(),
        Some("35.73.02")
    );
    let m = ok(&with(
        json!({"kecamatan": "", "kelurahan": "", "alamat": "Jl. Ijen"}),
    ));
    let lokasi = m.payload.lokasi.unwrap();
    assert_eq!(
        (lokasi.alamat.as_str(), lokasi.kode_wilayah),
        ("Jl. Ijen", None)
    );
}

#[test]
fn kelurahan_under_another_kecamatan_is_held_naming_both() {
    // Polehan is in Blimbing, not Klojen: which of the two is wrong is not ours to guess.
    let p = problems(&with(
        json!({"kecamatan": "Klojen", "kelurahan": "Polehan"}),
    ));
    assert_eq!(fields(&p), ["kelurahan"]);
    let msg = &p[0].message;
    for part in ["\"Polehan\"", "35.73.01.1010", "\"Klojen\"", "35.73.02"] {
        assert!(msg.contains(part), "{part} missing from {msg}");
    }
}

#[test]
fn unmapped_kecamatan_is_a_problem() {
    let p = problems(&with(json!({"kecamatan": "Batu"})));
    assert_eq!(
        p,
        [FieldProblem::new(
            "kecamatan",
            "SAMBAT kecamatan \"Batu\" has no kode_wilayah: add it to [channels.sambat.mapping] kecamatan"
        )]
    );
}

#[test]
fn a_malformed_configured_code_is_a_problem() {
    let mut mp = mapping();
    mp.kecamatan.insert("klojen".into(), "3573-03".into());
    let p = map_sambat(
        &key(),
        &with(json!({"kelurahan": ""})),
        &mp,
        &ReferenceIds::default(),
        now(),
    )
    .unwrap_err();
    assert_eq!(fields(&p), ["kecamatan"]);
    assert!(p[0].message.contains("\"3573-03\""));
}

#[test]
fn alamat_is_built_from_the_region_when_empty() {
    let m = ok(&with(json!({"alamat": " "})));
    assert_eq!(
        m.payload.lokasi.unwrap().alamat,
        "Kel. Kauman, Kec. Klojen, Kota Malang"
    );
    let m = ok(&with(json!({"alamat": "", "kelurahan": ""})));
    assert_eq!(m.payload.lokasi.unwrap().alamat, "Kec. Klojen, Kota Malang");
    let m = ok(&with(
        json!({"alamat": "", "kelurahan": "", "kecamatan": ""}),
    ));
    assert_eq!(m.payload.lokasi, None);
    let body = serde_json::to_value(&m.payload).unwrap();
    assert_eq!(body["lokasi"], Value::Null);
}

#[test]
fn long_alamat_is_cut_at_a_word_boundary() {
    let alamat = "Jl. Panjang Sekali ".repeat(40);
    let m = ok(&with(json!({"alamat": alamat})));
    let got = m.payload.lokasi.unwrap().alamat;
    assert!(char_len(&got) <= 500);
    assert!(alamat.starts_with(&got) && alamat[got.len()..].starts_with(' '));
    assert!(m.notes.iter().any(|n| n.starts_with("alamat shortened")));
    for n in &m.notes {
        assert!(!n.contains("Panjang"));
    }
}

#[test]
fn every_problem_is_reported_together() {
    let p = problems(&with(json!({
        "judul": "",
        "isi": "tolong",
        "kategori": "Banjir",
        "opd": "Dishub",
        "kecamatan": "Batu",
        "pelapor": {"nama": ""},
        "dibuat": "29/07/2024 08:15",
    })));
    assert_eq!(
        fields(&p),
        [
            "isi",
            "judul",
            "kategori",
            "opd",
            "kecamatan",
            "pelapor.nama",
            "dibuat"
        ]
    );
    assert!(p
        .iter()
        .find(|f| f.field == "kategori")
        .unwrap()
        .message
        .contains("\"Banjir\""));
    assert!(p
        .iter()
        .find(|f| f.field == "opd")
        .unwrap()
        .message
        .contains("\"Dishub\""));
    assert!(p
        .iter()
        .find(|f| f.field == "kecamatan")
        .unwrap()
        .message
        .contains("\"Batu\""));
}

#[test]
fn lampiran_types_and_filenames() {
    let m = ok(&with(json!({"foto": [
        "https://cdn.example.id/foto/A.JPG?token=secret123",
        "https://cdn.example.id/foto/b.jpeg#frag",
        "https://cdn.example.id/dok/c.PnG",
        "https://cdn.example.id/dok/Surat%20RT.pdf",
        "https://cdn.example.id/video/d.mp4?x=1",
    ]})));
    let got: Vec<(&str, &str)> = m
        .payload
        .lampiran
        .iter()
        .map(|l| (l.nama_file.as_str(), l.tipe.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("A.JPG", "image/jpeg"),
            ("b.jpeg", "image/jpeg"),
            ("c.PnG", "image/png"),
            ("Surat RT.pdf", "application/pdf"),
            ("d.mp4", "video/mp4"),
        ]
    );
    assert_eq!(
        m.payload.lampiran[0].url,
        "https://cdn.example.id/foto/A.JPG?token=secret123"
    );
    assert!(m.notes.is_empty());
}

#[test]
fn unusable_foto_is_skipped_with_a_note_without_the_url() {
    let m = ok(&with(json!({"foto": [
        "http://cdn.example.id/a.jpg",
        "https://cdn.example.id/b.gif?token=secret123",
        "https://cdn.example.id/foto/",
        "https://cdn.example.id/c.jpg.exe",
        "bukan url",
        "https://user:pw@cdn.example.id/d.jpg",
        "https://cdn.example.id/ok.jpg",
        "https://cdn.example.id/ok.jpg",
    ]})));
    assert_eq!(m.payload.lampiran.len(), 1);
    assert_eq!(m.notes.len(), 7, "{:#?}", m.notes);
    assert!(m.notes[0].starts_with("foto 1 skipped: not an https URL"));
    assert!(m.notes[1].contains("\".gif\""));
    assert!(m.notes[2].contains("no file name"));
    assert!(m.notes[3].contains("\".exe\""));
    assert!(m.notes[4].contains("not a URL"));
    assert!(m.notes[5].contains("credentials"));
    assert!(m.notes[6].contains("same URL"));
    for n in &m.notes {
        assert!(
            !n.contains("cdn.example.id") && !n.contains("secret123") && !n.contains("pw"),
            "{n}"
        );
    }
}

#[test]
fn at_most_five_attachments() {
    let foto: Vec<String> = (1..=8)
        .map(|i| format!("https://cdn.example.id/{i}.png"))
        .collect();
    let m = ok(&with(json!({"foto": foto})));
    let names: Vec<&str> = m
        .payload
        .lampiran
        .iter()
        .map(|l| l.nama_file.as_str())
        .collect();
    assert_eq!(names, ["1.png", "2.png", "3.png", "4.png", "5.png"]);
    assert_eq!(
        m.notes,
        ["3 more foto skipped: LAPOR! accepts at most 5 attachments"]
    );
}

#[test]
fn dibuat_is_wib_and_becomes_rfc3339_with_offset() {
    let m = ok(&with(json!({"dibuat": "2024-07-29 23:59:59"})));
    assert_eq!(m.payload.waktu_lapor, "2024-07-29T23:59:59+07:00");
    let instant: Timestamp = m.payload.waktu_lapor.parse().unwrap();
    assert_eq!(instant.to_string(), "2024-07-29T16:59:59Z");
    for bad in [
        "29/07/2024 08:15",
        "2024-07-29T08:15:00",
        "2024-02-30 08:00:00",
        "",
        "1970-01-01 07:00:00",
    ] {
        let p = problems(&with(json!({"dibuat": bad})));
        assert_eq!(fields(&p), ["dibuat"], "{bad}");
    }
}

#[test]
fn a_future_dibuat_is_clamped_to_now() {
    // now = 2024-07-30 07:00:00 WIB.
    let m = ok(&with(json!({"dibuat": "2024-07-30 09:00:00"})));
    assert_eq!(m.payload.waktu_lapor, "2024-07-30T07:00:00+07:00");
    assert_eq!(
        m.notes,
        [
            "dibuat 2024-07-30 09:00:00 WIB is 7200 s ahead of the bridge's clock (the channel's \
          clock runs fast?): waktu_lapor set to the time of mapping, 2024-07-30 07:00:00 WIB"
        ]
    );
    // No allowance for clock skew: LAPOR! refuses any future time, so even 90 s is clamped.
    let m = ok(&with(json!({"dibuat": "2024-07-30 07:01:30"})));
    assert_eq!(m.payload.waktu_lapor, "2024-07-30T07:00:00+07:00");
    assert_eq!(m.notes.len(), 1);
    let m = ok(&with(json!({"dibuat": "2024-07-30 07:00:00"})));
    assert_eq!(m.payload.waktu_lapor, "2024-07-30T07:00:00+07:00");
    assert!(m.notes.is_empty());
    // A `now` with a fraction of a second is written in whole seconds.
    let now: Timestamp = "2024-07-30T00:00:00.750Z".parse().unwrap();
    let m = map_sambat(
        &key(),
        &with(json!({"dibuat": "2025-01-01 00:00:00"})),
        &mapping(),
        &ReferenceIds::default(),
        now,
    )
    .unwrap();
    assert_eq!(m.payload.waktu_lapor, "2024-07-30T07:00:00+07:00");
}

#[test]
fn unreadable_records_name_the_field() {
    let mut r = record();
    r.as_object_mut().unwrap().remove("dibuat");
    assert_eq!(fields(&problems(&r)), ["dibuat"]);

    let p = problems(&with(json!({"pelapor": {"nama": 3573012345670001_i64}})));
    assert_eq!(fields(&p), ["pelapor.nama"]);
    assert!(!p[0].message.contains("3573012345670001"), "{}", p[0]);
    assert!(
        p[0].message.contains("number") && p[0].message.contains("string"),
        "{}",
        p[0]
    );

    let p = problems(&with(json!({"foto": ["https://a.example/x.jpg", 7]})));
    assert_eq!(fields(&p), ["foto[1]"]);
    let p = problems(&with(json!({"id": "12345"})));
    assert_eq!(fields(&p), ["id"]);
    let p = problems(&json!(["not", "a", "record"]));
    assert_eq!(fields(&p), ["record"]);
}

#[test]
fn the_record_must_belong_to_its_key() {
    let p = problems(&with(json!({"id": 999})));
    assert_eq!(fields(&p), ["id"]);
}

#[test]
fn notes_and_problems_never_carry_personal_data() {
    let secrets = ["Siti Rahayu", "35730123", "0899-12", "siti@", "Gang Mawar"];
    let r = with(json!({
        "pelapor": {"nama": "Siti Rahayu", "nik": "35730123", "hp": "0899-12", "email": "siti@"},
        "alamat": "Gang Mawar ".repeat(60),
        "kelurahan": "Entah",
        "foto": ["https://x.example/Siti%20Rahayu.gif"],
        "dibuat": "2030-01-01 00:00:00",
    }));
    let m = ok(&r);
    assert_eq!(m.notes.len(), 7, "{:#?}", m.notes);
    let mut texts = m.notes.clone();
    let p = problems(&with(
        json!({"pelapor": {"nama": " "}, "isi": "Siti Rahayu 0899-12"}),
    ));
    texts.extend(p.iter().map(|p| p.to_string()));
    for t in &texts {
        for s in secrets {
            assert!(!t.contains(s), "{t:?} contains {s:?}");
        }
    }
}

#[test]
fn content_hash_ignores_status_and_diperbarui() {
    let base = content_hash_sambat(&record());
    assert_eq!(base.len(), 64);
    let bumped = with(json!({"status": "diproses", "diperbarui": "2024-08-01 10:00:00"}));
    assert_eq!(content_hash_sambat(&bumped), base);
    // Key order does not matter, at any level.
    let reordered: Value = serde_json::from_str(
        r#"{"status":"baru","pelapor":{"email":"budi@example.com","hp":"0812-3456-7890","nik":"3573012345670001","nama":"Budi Santoso"},
        "dibuat":"2024-07-29 08:15:00","foto":["https://sambat.malangkota.go.id/foto/a.jpg"],"rahasia":false,"anonim":false,
        "alamat":"Jl. Merdeka Selatan No. 1","kelurahan":"Kauman","kecamatan":"Klojen","opd":"DPUPRPKP","kategori":"Jalan Rusak",
        "isi":"Jalan berlubang besar di depan Alun-alun, sudah dua minggu belum diperbaiki.","judul":"Jalan berlubang di Jl. Merdeka",
        "diperbarui":"2024-07-29 08:15:00","id":12345}"#,
    )
    .unwrap();
    assert_eq!(content_hash_sambat(&reordered), base);
}

#[test]
fn content_hash_changes_with_the_content() {
    let base = content_hash_sambat(&record());
    for change in [
        json!({"isi": "Jalan berlubang besar di depan Alun-alun, sudah tiga minggu belum diperbaiki."}),
        json!({"judul": "Jalan berlubang"}),
        json!({"kategori": "Sampah"}),
        json!({"opd": "DLH"}),
        json!({"kecamatan": "Blimbing"}),
        json!({"kelurahan": "Samaan"}),
        json!({"alamat": "Jl. Merdeka Utara"}),
        json!({"pelapor": {"nama": "Budi Santoso", "hp": "081234567890"}}),
        json!({"anonim": true}),
        json!({"rahasia": true}),
        json!({"foto": []}),
        json!({"dibuat": "2024-07-29 08:16:00"}),
    ] {
        assert_ne!(content_hash_sambat(&with(change.clone())), base, "{change}");
    }
    // Whitespace is content too: an admin's fix of a typo or a space is an edit.
    assert_ne!(
        content_hash_sambat(&with(json!({"isi": "x"}))),
        content_hash_sambat(&with(json!({"isi": "x "})))
    );
}
