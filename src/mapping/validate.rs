//! Every rule the contract places on a `POST /laporan` body that can be checked without
//! LAPOR!'s reference lists (see [`super::reference::check_reference`] for those) or a clock.
//! The rules of each field live in [`super::fields`], beside how the field is built.

use super::fields::{lampiran, lokasi, pelapor, texts, waktu};
use super::text::char_len;
use crate::domain::FieldProblem;
use crate::wire::lapor::types::{limits, CreateLaporan};

pub use super::fields::lampiran::is_https_url;
pub use super::fields::lokasi::is_kode_wilayah;
pub use super::fields::waktu::{parse_date, parse_rfc3339};

/// Largest body LAPOR! accepts (413 above it).
pub const BODY_MAX_BYTES: usize = 1024 * 1024;

/// The problems of a create body under the contract's field rules, empty when it may be sent.
/// Field names are the payload's (`pelapor.telepon`, `lampiran[2].url`); messages never
/// contain the personal data itself.
pub fn check_payload(p: &CreateLaporan) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let mut bad = |field: &str, message: String| out.push(FieldProblem::new(field, message));

    let n = char_len(&p.id_eksternal);
    if !(1..=limits::ID_EKSTERNAL_MAX).contains(&n) {
        bad(
            "id_eksternal",
            format!("must be 1..{} chars, is {n}", limits::ID_EKSTERNAL_MAX),
        );
    }
    if !is_kanal(&p.kanal) {
        bad("kanal", "must be 1..50 chars of [a-z0-9_-]".into());
    }
    if let Some(m) = texts::check_judul(&p.judul) {
        bad("judul", m);
    }
    if let Some(m) = texts::check_isi(&p.isi) {
        bad("isi", m);
    }
    for (field, m) in waktu::check(&p.waktu_lapor, p.tanggal_kejadian.as_deref()) {
        bad(field, m);
    }
    for (field, m) in p.lokasi.as_ref().map(lokasi::check).unwrap_or_default() {
        bad(field, m);
    }
    for (field, m) in pelapor::check(p.pelapor.as_ref(), p.anonim) {
        bad(field, m);
    }
    for (field, m) in lampiran::check(&p.lampiran) {
        bad(&field, m);
    }

    match serde_json::to_vec(p) {
        Ok(body) if body.len() > BODY_MAX_BYTES => bad(
            "body",
            format!("is {} bytes, over the 1 MiB limit", body.len()),
        ),
        Ok(_) => {}
        Err(e) => bad("body", format!("does not serialise: {e}")),
    }
    out
}

/// 1..50 of `[a-z0-9_-]`.
pub fn is_kanal(s: &str) -> bool {
    (1..=50).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::lapor::types::{Klasifikasi, Lampiran, Lokasi, Pelapor};

    fn good() -> CreateLaporan {
        CreateLaporan {
            id_eksternal: "sambat:12345".into(),
            kanal: "sambat".into(),
            klasifikasi: Klasifikasi::Pengaduan,
            judul: "Jalan berlubang di Jl. Ijen".into(),
            isi: "Jalan berlubang besar di depan sekolah, berbahaya bagi pengendara.".into(),
            kategori_id: 13,
            instansi_id: 3573,
            tanggal_kejadian: Some("2024-07-28".into()),
            lokasi: Some(Lokasi {
                alamat: "Jl. Ijen No. 5".into(),
                kode_wilayah: Some("35.73.02.1007".into()),
                lat: Some(-7.98),
                lon: Some(112.63),
            }),
            anonim: false,
            rahasia: false,
            pelapor: Some(Pelapor {
                nama: "Budi".into(),
                nik: Some("3573012345670001".into()),
                telepon: Some("+6281234567890".into()),
                email: Some("budi@example.com".into()),
            }),
            lampiran: vec![Lampiran {
                nama_file: "a.jpg".into(),
                tipe: "image/jpeg".into(),
                url: "https://sambat.example/foto/a.jpg".into(),
            }],
            waktu_lapor: "2024-07-29T08:15:00+07:00".into(),
        }
    }

    fn fields(p: &CreateLaporan) -> Vec<String> {
        check_payload(p).into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_good_payload_passes() {
        assert_eq!(check_payload(&good()), vec![]);
        let mut p = good();
        p.anonim = true;
        p.pelapor = None;
        p.lokasi = None;
        p.tanggal_kejadian = None;
        p.lampiran.clear();
        assert_eq!(check_payload(&p), vec![]);
    }

    #[test]
    fn each_rule_is_checked() {
        type Change = Box<dyn Fn(&mut CreateLaporan)>;
        let cases: Vec<(&str, Change)> = vec![
            (
                "id_eksternal",
                Box::new(|p| p.id_eksternal = "x".repeat(101)),
            ),
            ("id_eksternal", Box::new(|p| p.id_eksternal.clear())),
            ("kanal", Box::new(|p| p.kanal = "Sambat".into())),
            ("kanal", Box::new(|p| p.kanal = "a".repeat(51))),
            ("judul", Box::new(|p| p.judul = "  pendek  ".into())),
            ("judul", Box::new(|p| p.judul = "é".repeat(151))),
            ("isi", Box::new(|p| p.isi = "terlalu pendek".into())),
            ("isi", Box::new(|p| p.isi = "a".repeat(5001))),
            (
                "tanggal_kejadian",
                Box::new(|p| p.tanggal_kejadian = Some("28/07/2024".into())),
            ),
            (
                "tanggal_kejadian",
                Box::new(|p| p.tanggal_kejadian = Some("2024-02-30".into())),
            ),
            (
                "tanggal_kejadian",
                Box::new(|p| p.tanggal_kejadian = Some("2024-07-30".into())),
            ),
            (
                "lokasi.alamat",
                Box::new(|p| p.lokasi.as_mut().unwrap().alamat = " ".into()),
            ),
            (
                "lokasi.alamat",
                Box::new(|p| p.lokasi.as_mut().unwrap().alamat = "a".repeat(501)),
            ),
            (
                "lokasi.kode_wilayah",
                Box::new(|p| p.lokasi.as_mut().unwrap().kode_wilayah = Some("3573".into())),
            ),
            (
                "lokasi.kode_wilayah",
                Box::new(|p| p.lokasi.as_mut().unwrap().kode_wilayah = Some("35.73.3".into())),
            ),
            (
                "lokasi",
                Box::new(|p| p.lokasi.as_mut().unwrap().lon = None),
            ),
            (
                "lokasi.lat",
                Box::new(|p| p.lokasi.as_mut().unwrap().lat = Some(91.0)),
            ),
            (
                "lokasi.lon",
                Box::new(|p| p.lokasi.as_mut().unwrap().lon = Some(f64::NAN)),
            ),
            ("pelapor", Box::new(|p| p.anonim = true)),
            ("pelapor", Box::new(|p| p.pelapor = None)),
            (
                "pelapor.nama",
                Box::new(|p| p.pelapor.as_mut().unwrap().nama = "  ".into()),
            ),
            (
                "pelapor.nama",
                Box::new(|p| p.pelapor.as_mut().unwrap().nama = "n".repeat(101)),
            ),
            (
                "pelapor.nik",
                Box::new(|p| p.pelapor.as_mut().unwrap().nik = Some("3573 0123 4567 0001".into())),
            ),
            (
                "pelapor.telepon",
                Box::new(|p| p.pelapor.as_mut().unwrap().telepon = Some("0812-3456-7890".into())),
            ),
            (
                "pelapor.telepon",
                Box::new(|p| p.pelapor.as_mut().unwrap().telepon = Some("+1415555010".into())),
            ),
            (
                "pelapor.email",
                Box::new(|p| p.pelapor.as_mut().unwrap().email = Some("budi".into())),
            ),
            (
                "lampiran",
                Box::new(|p| p.lampiran = vec![p.lampiran[0].clone(); 6]),
            ),
            (
                "lampiran[0].tipe",
                Box::new(|p| p.lampiran[0].tipe = "image/gif".into()),
            ),
            (
                "lampiran[0].url",
                Box::new(|p| p.lampiran[0].url = "http://sambat.example/a.jpg".into()),
            ),
            (
                "lampiran[0].url",
                Box::new(|p| p.lampiran[0].url = "https://u:p@sambat.example/a.jpg".into()),
            ),
            (
                "lampiran[0].nama_file",
                Box::new(|p| p.lampiran[0].nama_file.clear()),
            ),
            (
                "waktu_lapor",
                Box::new(|p| p.waktu_lapor = "2024-07-29 08:15:00".into()),
            ),
            (
                "waktu_lapor",
                Box::new(|p| p.waktu_lapor = "2024-07-29T08:15:00".into()),
            ),
            (
                "waktu_lapor",
                Box::new(|p| p.waktu_lapor = "2024-07-29T08:15:00+0700".into()),
            ),
            (
                "waktu_lapor",
                Box::new(|p| p.waktu_lapor = "2024-13-29T08:15:00+07:00".into()),
            ),
        ];
        for (field, change) in cases {
            let mut p = good();
            change(&mut p);
            assert_eq!(fields(&p), vec![field.to_owned()], "{field}: {p:?}");
        }
    }

    #[test]
    fn rfc3339_forms() {
        assert!(parse_rfc3339("2024-07-29T08:15:00+07:00").is_some());
        assert!(parse_rfc3339("2024-07-29T01:15:00Z").is_some());
        assert!(parse_rfc3339("2024-07-29T01:15:00.123Z").is_some());
        let (_, day) = parse_rfc3339("2024-07-29T23:30:00-05:00").unwrap();
        assert_eq!(day.to_string(), "2024-07-29");
        assert!(parse_rfc3339("2024-07-29t08:15:00+07:00").is_none());
        assert!(parse_rfc3339("2024-07-29T08:15:00+07:00[Asia/Jakarta]").is_none());
        assert!(parse_rfc3339("2024-07-29T08:15+07:00").is_none());
        assert!(parse_rfc3339("").is_none());
        assert!(parse_rfc3339("2024-07-29T08:15:00.+07:00").is_none());
    }

    #[test]
    fn kode_wilayah_forms() {
        assert!(is_kode_wilayah("35.73.02"));
        assert!(is_kode_wilayah("35.73.02.1007"));
        for s in [
            "",
            "35",
            "35.73",
            "35.73.3",
            "35.73.02.104",
            "35.73.02.1007.1",
            "35-73-03",
            "3a.73.03",
        ] {
            assert!(!is_kode_wilayah(s), "{s}");
        }
    }
}
