//! Every rule the contract places on a `POST /laporan` body that can be checked without
//! LAPOR!'s reference lists (see [`super::reference::check_reference`] for those) or a clock.

use jiff::civil::Date;
use jiff::Timestamp;
use reqwest::Url;

use super::phone::{is_contract_phone, is_nik, looks_like_email};
use super::text::char_len;
use crate::domain::FieldProblem;
use crate::wire::lapor::types::{limits, CreateLaporan, LAMPIRAN_TIPE};

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
    length(
        &mut bad,
        "judul",
        &p.judul,
        limits::JUDUL_MIN,
        limits::JUDUL_MAX,
    );
    length(&mut bad, "isi", &p.isi, limits::ISI_MIN, limits::ISI_MAX);

    let waktu = parse_rfc3339(&p.waktu_lapor);
    if waktu.is_none() {
        bad("waktu_lapor", "must be RFC 3339 with an offset".into());
    }
    if let Some(t) = &p.tanggal_kejadian {
        match parse_date(t) {
            None => bad("tanggal_kejadian", "must be YYYY-MM-DD".into()),
            Some(d) => {
                if let Some((_, day)) = waktu {
                    if d > day {
                        bad("tanggal_kejadian", "is after the day of waktu_lapor".into());
                    }
                }
            }
        }
    }

    if let Some(l) = &p.lokasi {
        length(&mut bad, "lokasi.alamat", &l.alamat, 1, limits::ALAMAT_MAX);
        if let Some(k) = &l.kode_wilayah {
            if !is_kode_wilayah(k) {
                bad(
                    "lokasi.kode_wilayah",
                    format!("{k:?} is not a Kemendagri code like 35.73.02 or 35.73.02.1007"),
                );
            }
        }
        match (l.lat, l.lon) {
            (None, None) => {}
            (Some(lat), Some(lon)) => {
                if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
                    bad("lokasi.lat", "must be in [-90, 90]".into());
                }
                if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
                    bad("lokasi.lon", "must be in [-180, 180]".into());
                }
            }
            _ => bad(
                "lokasi",
                "lat and lon must be both present or both null".into(),
            ),
        }
    }

    match (&p.pelapor, p.anonim) {
        (Some(_), true) => bad("pelapor", "must be absent when anonim is true".into()),
        (None, false) => bad("pelapor", "is required when anonim is false".into()),
        _ => {}
    }
    if let Some(pl) = &p.pelapor {
        length(&mut bad, "pelapor.nama", &pl.nama, 1, limits::NAMA_MAX);
        if pl.nik.as_deref().is_some_and(|n| !is_nik(n)) {
            bad("pelapor.nik", "must be 16 digits".into());
        }
        if pl.telepon.as_deref().is_some_and(|t| !is_contract_phone(t)) {
            bad(
                "pelapor.telepon",
                "must be +62… or 08… with 9..15 digits".into(),
            );
        }
        if pl.email.as_deref().is_some_and(|e| !looks_like_email(e)) {
            bad("pelapor.email", "is not an e-mail address".into());
        }
    }

    if p.lampiran.len() > limits::LAMPIRAN_MAX {
        bad(
            "lampiran",
            format!(
                "at most {} items, has {}",
                limits::LAMPIRAN_MAX,
                p.lampiran.len()
            ),
        );
    }
    for (i, a) in p.lampiran.iter().enumerate() {
        if a.nama_file.trim().is_empty() {
            bad(&format!("lampiran[{i}].nama_file"), "is empty".into());
        }
        if !LAMPIRAN_TIPE.contains(&a.tipe.as_str()) {
            bad(
                &format!("lampiran[{i}].tipe"),
                format!("{:?} is not an accepted type", a.tipe),
            );
        }
        if !is_https_url(&a.url) {
            bad(&format!("lampiran[{i}].url"), "must be an https URL".into());
        }
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

fn length(bad: &mut impl FnMut(&str, String), field: &str, s: &str, min: usize, max: usize) {
    let n = char_len(s.trim());
    if n < min || n > max {
        bad(
            field,
            format!("must be {min}..{max} chars after trimming, is {n}"),
        );
    }
}

/// 1..50 of `[a-z0-9_-]`.
pub fn is_kanal(s: &str) -> bool {
    (1..=50).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

pub use crate::wire::lapor::types::is_kode_wilayah;

/// An absolute `https` URL with a host and no credentials.
pub fn is_https_url(s: &str) -> bool {
    Url::parse(s).is_ok_and(|u| {
        u.scheme() == "https"
            && u.host_str().is_some_and(|h| !h.is_empty())
            && u.username().is_empty()
            && u.password().is_none()
    })
}

/// Strict RFC 3339 with an offset: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`. Returns the instant
/// and the calendar day in the text's own offset.
pub fn parse_rfc3339(s: &str) -> Option<(Timestamp, Date)> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset_ok = rest == "Z" || {
        let o = rest.as_bytes();
        o.len() == 6
            && matches!(o[0], b'+' | b'-')
            && o[1..3].iter().all(u8::is_ascii_digit)
            && o[3] == b':'
            && o[4..6].iter().all(u8::is_ascii_digit)
    };
    if !offset_ok {
        return None;
    }
    let ts: Timestamp = s.parse().ok()?;
    let day = parse_date(&s[..10])?;
    Some((ts, day))
}

/// `YYYY-MM-DD`, a real calendar day.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    Date::strptime("%Y-%m-%d", s).ok()
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
