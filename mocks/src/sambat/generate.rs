//! Realistic SAMBAT records, deterministic from the mock's seed.

use jiff::civil::DateTime;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::{json, Map, Value};

use super::data::{JALAN, KECAMATAN, NAMA, PATOKAN, TOPICS};
use crate::clock::fmt_wib;

/// Base of the photo URLs (never fetched by the bridge; it forwards them as links).
const FOTO_BASE: &str = "https://sambat.malangkota.go.id/storage/aduan";

/// One generated record with id `id`, created and last updated at `stamp` (WIB).
pub fn record(rng: &mut StdRng, id: i64, stamp: DateTime) -> Map<String, Value> {
    let topic = TOPICS.choose(rng).expect("topics");
    let k = rng.random_range(0..KECAMATAN.len());
    let (kecamatan, _kode, kelurahan_list) = KECAMATAN[k];
    let (kelurahan, _kode) = *kelurahan_list.choose(rng).expect("kelurahan");
    // Citizens spell places loosely; the bridge must match them anyway.
    let loose;
    let kelurahan = if rng.random_bool(0.1) {
        loose = loose_spelling(kelurahan);
        loose.as_str()
    } else {
        kelurahan
    };
    let jalan = *JALAN[k].choose(rng).expect("jalan");
    let patokan = *PATOKAN.choose(rng).expect("patokan");
    let fill = |t: &str| {
        t.replace("{jalan}", jalan)
            .replace("{kelurahan}", kelurahan)
            .replace("{kecamatan}", kecamatan)
            .replace("{patokan}", patokan)
    };
    let i = rng.random_range(0..topic.isi.len().min(topic.judul.len()));
    let isi = fill(topic.isi[i]);
    let (judul, isi) = if rng.random_bool(0.15) {
        // SMS complaints have no title, and read like text messages.
        (String::new(), format!("Lapor, {}", lowercase_first(&isi)))
    } else {
        (fill(topic.judul[i]), isi)
    };
    let alamat = if rng.random_bool(0.6) {
        format!(
            "{jalan} No. {}, RT {:02}/RW {:02}, Kel. {kelurahan}",
            rng.random_range(1..250),
            rng.random_range(1..12),
            rng.random_range(1..9)
        )
    } else {
        format!("{jalan}, depan {patokan}")
    };
    let anonim = rng.random_bool(0.2);
    let pelapor = if anonim {
        // SAMBAT shows both shapes for anonymous reporters.
        if rng.random_bool(0.5) {
            Value::Null
        } else {
            json!({"nama": "", "nik": null, "hp": null, "email": null})
        }
    } else {
        pelapor(rng, k)
    };
    let foto = if rng.random_bool(0.3) {
        (1..=rng.random_range(1..=3))
            .map(|n| Value::String(format!("{FOTO_BASE}/{id}/foto-{n}.{}", foto_ext(rng))))
            .collect()
    } else {
        Vec::new()
    };
    let stamp = fmt_wib(stamp);
    let v = json!({
        "id": id,
        "judul": judul,
        "isi": isi,
        "kategori": topic.kategori,
        "opd": topic.opd,
        "kecamatan": kecamatan,
        "kelurahan": kelurahan,
        "alamat": alamat,
        "pelapor": pelapor,
        "anonim": anonim,
        "rahasia": rng.random_bool(0.1),
        "foto": foto,
        "dibuat": stamp,
        "diperbarui": stamp,
        "status": "baru",
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn foto_ext(rng: &mut StdRng) -> &'static str {
    match rng.random_range(0..100) {
        0..70 => "jpg",
        70..85 => "png",
        85..93 => "pdf",
        // iPhones upload HEIC, which LAPOR! does not accept.
        _ => "heic",
    }
}

fn pelapor(rng: &mut StdRng, kecamatan_idx: usize) -> Value {
    let nama = *NAMA.choose(rng).expect("nama");
    let nik = rng.random_bool(0.5).then(|| nik(rng, kecamatan_idx));
    let hp = rng.random_bool(0.8).then(|| hp(rng));
    let email = rng.random_bool(0.3).then(|| {
        let user: String = nama
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect();
        let domain = ["gmail.com", "yahoo.co.id", "ymail.com"]
            .choose(rng)
            .unwrap();
        format!("{user}{}@{domain}", rng.random_range(1..99))
    });
    json!({"nama": nama, "nik": nik, "hp": hp, "email": email})
}

/// 16 digits: 3573 (Kota Malang), kecamatan, birth date (day + 40 for women), serial.
fn nik(rng: &mut StdRng, kecamatan_idx: usize) -> String {
    let mut day = rng.random_range(1..=28);
    if rng.random_bool(0.5) {
        day += 40;
    }
    format!(
        "3573{:02}{:02}{:02}{:02}{:04}",
        kecamatan_idx + 1,
        day,
        rng.random_range(1..=12),
        rng.random_range(60..=99),
        rng.random_range(1..=9999)
    )
}

/// Mobile numbers in the formats citizens actually type.
fn hp(rng: &mut StdRng) -> String {
    let prefix = [
        "812", "813", "821", "822", "852", "856", "857", "878", "895",
    ]
    .choose(rng)
    .unwrap();
    let rest: String = (0..8)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect();
    let (a, b) = rest.split_at(4);
    match rng.random_range(0..10) {
        0..4 => format!("0{prefix}{rest}"),
        4..6 => format!("0{prefix}-{a}-{b}"),
        6..8 => format!("+62 {prefix} {a} {b}"),
        8 => format!("62{prefix}{rest}"),
        // A Malang landline: not a mobile number at all.
        _ => format!("0341-{}", &rest[..6]),
    }
}

/// Sizes of the groups of records that share one second: 1..=7 each, summing to n.
pub fn group_sizes(rng: &mut StdRng, n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut left = n;
    while left > 0 {
        let g = rng.random_range(1..=7).min(left);
        out.push(g);
        left -= g;
    }
    out
}

/// How people write a place name when they type it: `Oro-oro Dowo` as `Oro Oro Dowo`,
/// `Rampal Celaket` as `Rampalcelaket`, `Kauman` as `KAUMAN`.
pub fn loose_spelling(name: &str) -> String {
    if name.contains('-') {
        name.split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" ")
    } else if name.contains(' ') {
        name.replace(' ', "").to_lowercase()
    } else {
        name.to_uppercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn generated_records_keep_their_promises() {
        let mut rng = StdRng::seed_from_u64(9);
        let stamp = crate::clock::parse_wib("2024-07-29 08:15:00").unwrap();
        let mut empty_judul = 0;
        for id in 0..500 {
            let r = record(&mut rng, id, stamp);
            let judul = r["judul"].as_str().unwrap();
            let isi = r["isi"].as_str().unwrap();
            assert!(isi.chars().count() >= 40, "{isi}");
            assert!(!isi.contains('{'), "{isi}");
            if judul.is_empty() {
                empty_judul += 1;
            } else {
                assert!((10..=100).contains(&judul.chars().count()), "{judul}");
            }
            assert!(super::super::KATEGORI.contains(&r["kategori"].as_str().unwrap()));
            assert!(super::super::OPD.contains(&r["opd"].as_str().unwrap()));
            if let Some(nik) = r["pelapor"]["nik"].as_str() {
                assert_eq!(nik.len(), 16);
            }
        }
        assert!((30..=120).contains(&empty_judul), "{empty_judul}");
    }
}
