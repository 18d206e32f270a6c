//! What is never sent is not stored (UU PDP data minimisation): a record its channel marks
//! anonymous loses the reporter's identity before intake stores it. Intake hashes what it
//! stores, so the content hash stays the same from poll to poll.

use serde_json::Value;

use crate::config::{DeclMapping, Reporter};

/// A SAMBAT record with `anonim: true`: its `pelapor` is set to null (LAPOR! gets no
/// reporter for it, so the bridge keeps none).
pub fn sambat(raw: &mut Value) {
    if raw.get("anonim").and_then(Value::as_bool) == Some(true) {
        if let Some(p) = raw.get_mut("pelapor") {
            *p = Value::Null;
        }
    }
}

/// A record of a declarative channel whose mapping sends every record anonymously
/// (`anonim = true` or `reporter = "anonymous"`): the values at its `pelapor_*` paths are
/// removed.
pub fn declarative(m: &DeclMapping, raw: &mut Value) {
    if !(m.anonim || m.reporter == Reporter::Anonymous) {
        return;
    }
    let sources = [
        &m.pelapor_nama,
        &m.pelapor_telepon,
        &m.pelapor_email,
        &m.pelapor_nik,
    ];
    for path in sources.into_iter().flatten().flat_map(|s| s.paths.iter()) {
        remove_at(raw, path);
    }
}

/// Removes the value at a JSON pointer or CSV column (an array element becomes null).
fn remove_at(raw: &mut Value, path: &str) {
    if !path.starts_with('/') {
        if let Some(obj) = raw.as_object_mut() {
            obj.remove(path);
        }
        return;
    }
    let (parent, last) = path.rsplit_once('/').unwrap_or(("", path));
    let last = last.replace("~1", "/").replace("~0", "~");
    match raw.pointer_mut(parent) {
        Some(Value::Object(obj)) => {
            obj.remove(&last);
        }
        Some(Value::Array(items)) => {
            if let Some(v) = last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *v = Value::Null;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn anonymous_sambat_loses_its_reporter_named_keeps_it() {
        let mut anon = json!({"id": 1, "anonim": true, "pelapor": {"nama": "Budi", "hp": "0812"}});
        sambat(&mut anon);
        assert_eq!(anon["pelapor"], Value::Null);
        let mut named = json!({"id": 2, "anonim": false, "pelapor": {"nama": "Budi"}});
        sambat(&mut named);
        assert_eq!(named["pelapor"]["nama"], "Budi");
    }

    #[test]
    fn pointers_and_columns_are_removed() {
        let mut v = json!({"caller": {"name": "A", "phone": "0812"}, "nama": "B", "a~b": 1});
        remove_at(&mut v, "/caller/phone");
        remove_at(&mut v, "nama");
        remove_at(&mut v, "/a~0b");
        assert_eq!(v, json!({"caller": {"name": "A"}}));
    }
}
