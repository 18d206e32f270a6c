//! `lokasi`: `alamat`, `kode_wilayah` and the `lat`/`lon` pair.

use super::{length_problem, Fitted};
use crate::mapping::text::{char_len, cut_at_word_boundary};
use crate::wire::lapor::types::limits::ALAMAT_MAX;
use crate::wire::lapor::types::Lokasi;

/// The city the bridge serves: closes an address built from region names, and is the address
/// of a place known only by its code or coordinates.
pub const KOTA: &str = "Kota Malang";

/// `alamat` from a given address (trimmed by the caller), cut at a word boundary when over
/// the limit.
pub fn alamat(given: &str) -> Fitted {
    Fitted::new(
        cut_at_word_boundary(given, ALAMAT_MAX),
        char_len(given),
        ALAMAT_MAX,
    )
}

/// An address from region names (`Kel. Kauman, Kec. Klojen, Kota Malang`), `None` when
/// neither is known.
pub fn alamat_of_region(kelurahan: &str, kecamatan: &str) -> Option<String> {
    let mut parts = Vec::new();
    if !kelurahan.is_empty() {
        parts.push(format!("Kel. {kelurahan}"));
    }
    if !kecamatan.is_empty() {
        parts.push(format!("Kec. {kecamatan}"));
    }
    if parts.is_empty() {
        return None;
    }
    parts.push(KOTA.to_owned());
    Some(cut_at_word_boundary(&parts.join(", "), ALAMAT_MAX))
}

pub use crate::wire::lapor::types::is_kode_wilayah;

/// Whether a kelurahan's code lies inside a kecamatan's (`35.73.02.1007` in `35.73.02`).
pub fn kelurahan_in_kecamatan(kelurahan: &str, kecamatan: &str) -> bool {
    kelurahan.starts_with(&format!("{kecamatan}."))
}

pub fn is_lat(x: f64) -> bool {
    x.is_finite() && (-90.0..=90.0).contains(&x)
}

pub fn is_lon(x: f64) -> bool {
    x.is_finite() && (-180.0..=180.0).contains(&x)
}

/// Coordinates that were given but are not a valid pair: they are dropped, not sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotAPair;

/// The coordinates a payload may carry: a valid pair, or none at all.
pub fn coordinates(lat: Option<f64>, lon: Option<f64>) -> Result<Option<(f64, f64)>, NotAPair> {
    match (lat, lon) {
        (None, None) => Ok(None),
        (Some(a), Some(o)) if is_lat(a) && is_lon(o) => Ok(Some((a, o))),
        _ => Err(NotAPair),
    }
}

/// The contract's `lokasi` rules on a built payload, as (field, message).
pub fn check(l: &Lokasi) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(m) = length_problem(&l.alamat, 1, ALAMAT_MAX) {
        out.push(("lokasi.alamat", m));
    }
    if let Some(k) = &l.kode_wilayah {
        if !is_kode_wilayah(k) {
            out.push((
                "lokasi.kode_wilayah",
                format!("{k:?} is not a Kemendagri code like 35.73.02 or 35.73.02.1007"),
            ));
        }
    }
    match (l.lat, l.lon) {
        (None, None) => {}
        (Some(lat), Some(lon)) => {
            if !is_lat(lat) {
                out.push(("lokasi.lat", "must be in [-90, 90]".into()));
            }
            if !is_lon(lon) {
                out.push(("lokasi.lon", "must be in [-180, 180]".into()));
            }
        }
        _ => out.push((
            "lokasi",
            "lat and lon must be both present or both null".into(),
        )),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alamat_from_region_names_or_given() {
        assert_eq!(
            alamat_of_region("Kauman", "Klojen").as_deref(),
            Some("Kel. Kauman, Kec. Klojen, Kota Malang")
        );
        assert_eq!(
            alamat_of_region("", "Klojen").as_deref(),
            Some("Kec. Klojen, Kota Malang")
        );
        assert_eq!(alamat_of_region("", ""), None);
        let long = alamat(&"jalan ".repeat(100));
        assert!(char_len(&long.text) <= ALAMAT_MAX);
        assert_eq!(
            long.brief_cut_note("alamat").as_deref(),
            Some("alamat shortened from 600 to at most 500 chars")
        );
    }

    #[test]
    fn codes_and_coordinates() {
        assert!(kelurahan_in_kecamatan("35.73.02.1007", "35.73.02"));
        assert!(!kelurahan_in_kecamatan("35.73.03.1007", "35.73.02"));
        assert!(!kelurahan_in_kecamatan("35.73.021007", "35.73.02"));
        assert_eq!(coordinates(None, None), Ok(None));
        assert_eq!(
            coordinates(Some(-7.98), Some(112.63)),
            Ok(Some((-7.98, 112.63)))
        );
        assert!(coordinates(Some(-7.98), None).is_err());
        assert!(coordinates(Some(91.0), Some(112.0)).is_err());
        assert!(coordinates(Some(f64::NAN), Some(112.0)).is_err());
        assert!(coordinates(Some(0.0), Some(-180.5)).is_err());
    }
}
