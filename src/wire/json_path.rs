//! Values in a channel's record by path, the way every declarative channel addresses them:
//! a path that starts with `/` is a JSON pointer into a delivery; any other is a CSV column
//! (a key of the row object). Wire-level so that reading a delivery's id needs no mapping.

use serde_json::Value;

/// The value at `path`: a JSON pointer (`/caller/name`) or a CSV column (`nama`).
pub fn lookup<'a>(raw: &'a Value, path: &str) -> Option<&'a Value> {
    if path.starts_with('/') {
        raw.pointer(path)
    } else {
        raw.get(path)
    }
}

/// A scalar as text; `None` for null, arrays and objects.
pub fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The record's local id at `path` (a string or a number), trimmed; `None` when there is none
/// usable (empty, over 80 chars, or with control characters).
pub fn id_at(raw: &Value, path: &str) -> Option<String> {
    let s = text_of(lookup(raw, path)?)?;
    let s = s.trim();
    (!s.is_empty() && s.chars().count() <= 80 && !s.chars().any(char::is_control))
        .then(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_and_columns() {
        let v = json!({"/x": 1, "no": " 7 ", "caller": {"id": 42}, "bad": "a\u{7}"});
        assert_eq!(id_at(&v, "/caller/id").as_deref(), Some("42"));
        assert_eq!(id_at(&v, "no").as_deref(), Some("7"));
        assert_eq!(id_at(&v, "bad"), None);
        assert_eq!(id_at(&json!({"id": "x".repeat(81)}), "id"), None);
        assert_eq!(lookup(&v, "caller").and_then(text_of), None);
    }
}
