//! Content hashes: whether a record seen again is an edit of the complaint.

use std::collections::BTreeSet;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The fields of a SAMBAT record that are the complaint itself. `id` is the record's identity;
/// `diperbarui` and `status` change on every write-back by the bridge, so they are left out.
pub const CONTENT_FIELDS: [&str; 12] = [
    "judul",
    "isi",
    "kategori",
    "opd",
    "kecamatan",
    "kelurahan",
    "alamat",
    "pelapor",
    "anonim",
    "rahasia",
    "foto",
    "dibuat",
];

/// SHA-256 (hex) of a SAMBAT record's content: the [`CONTENT_FIELDS`] in a canonical JSON form
/// (object keys sorted at every level, absent = `null`). Edits to the complaint change it;
/// `diperbarui`, `status` and any other field do not, so the bridge's own write-backs, which
/// bump those, never look like edits.
pub fn content_hash_sambat(raw: &Value) -> String {
    let mut canon = String::from("sambat-content-v1\n");
    for field in CONTENT_FIELDS {
        canon.push_str(field);
        canon.push('=');
        write_canonical(&mut canon, raw.get(field).unwrap_or(&Value::Null));
        canon.push('\n');
    }
    hex::encode(Sha256::digest(canon.as_bytes()))
}

/// Compact JSON with object keys sorted, independent of how `serde_json` orders maps.
pub(crate) fn write_canonical(out: &mut String, v: &Value) {
    match v {
        Value::Object(map) => {
            let keys: BTreeSet<&String> = map.keys().collect();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(out, &map[k.as_str()]);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(out, item);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}
