//! The stable identity of a CSV row (the CSV-folder intake and the dry run's CSV samples): the
//! `id` columns (dates as YYYYMMDD, other values alphanumeric lowercase) and a digest of the
//! first non-empty `id_person` column, so a reused `no` on the same day is another row.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::config::normalise_key;
use crate::mapping::declarative::parse_dd_mm_yyyy;
use crate::mapping::normalise_phone;

/// The stable identity of a row; see the module documentation.
pub fn row_identity(raw: &Value, id: &[String], person: &[String]) -> Result<String, String> {
    let get = |c: &str| {
        raw.get(c)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
    };
    let mut parts = Vec::with_capacity(id.len() + 1);
    for c in id {
        let v = get(c);
        if v.is_empty() {
            return Err(format!("column {c} is empty: the row cannot be identified"));
        }
        let part = match parse_dd_mm_yyyy(v) {
            Some(d) => d.strftime("%Y%m%d").to_string(),
            None if v.contains('/') => {
                return Err(format!("column {c} is not a date DD/MM/YYYY"));
            }
            None => v
                .chars()
                .filter(|ch| ch.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect(),
        };
        if part.is_empty() || part.len() > 40 {
            return Err(format!("column {c} is not a usable identifier"));
        }
        parts.push(part);
    }
    let who = person
        .iter()
        .map(|c| (c, get(c)))
        .find(|(_, v)| !v.is_empty());
    let digest = match who {
        None => "anon".to_owned(),
        Some((_, v)) => {
            let norm = normalise_phone(v).unwrap_or_else(|| normalise_key(v));
            hex::encode(&Sha256::digest(norm.as_bytes())[..4])
        }
    };
    parts.push(digest);
    Ok(parts.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(v: Value) -> Result<String, String> {
        let cols = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        row_identity(&v, &cols(&["no", "tanggal"]), &cols(&["telepon", "nama"]))
    }

    #[test]
    fn the_identity_survives_reformatting_and_content_corrections() {
        let a = id(
            json!({"no": "12", "tanggal": "29/07/2024", "telepon": "0812-3456-7890", "nama": "Budi", "uraian": "a"}),
        );
        let b = id(
            json!({"no": " 12 ", "tanggal": "29/7/2024", "telepon": "+62 812 3456 7890", "nama": "BUDI S.", "uraian": "b"}),
        );
        assert_eq!(a, b);
        assert!(a.unwrap().starts_with("12-20240729-"));
        // Without a phone, the name (case and spaces ignored) identifies the reporter.
        let c =
            id(json!({"no": "3", "tanggal": "01/08/2024", "telepon": "", "nama": "Siti  Aminah"}));
        let d =
            id(json!({"no": "3", "tanggal": "01/08/2024", "telepon": " ", "nama": "siti aminah"}));
        assert_eq!(c, d);
        // Another reporter on the same day with the same number is another row.
        let e = id(json!({"no": "3", "tanggal": "01/08/2024", "telepon": "", "nama": "Ani"}));
        assert_ne!(c, e);
    }

    #[test]
    fn rows_without_an_identity_are_refused_with_the_reason() {
        assert!(id(json!({"no": "", "tanggal": "29/07/2024"}))
            .unwrap_err()
            .contains("column no is empty"));
        assert!(id(json!({"no": "1", "tanggal": "31/02/2024"}))
            .unwrap_err()
            .contains("DD/MM/YYYY"));
        assert!(id(json!({"no": "1", "tanggal": "29/07/2024"}))
            .unwrap()
            .ends_with("-anon"));
    }
}
