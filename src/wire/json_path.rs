//! Reading a field of a delivery or a CSV row by its path: the webhook receiver needs a
//! delivery's id before any mapping runs, so this sits below both.

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
/// usable.
pub fn id_at(raw: &Value, path: &str) -> Option<String> {
    let s = text_of(lookup(raw, path)?)?;
    let s = s.trim();
    (!s.is_empty() && s.chars().count() <= 80 && !s.chars().any(char::is_control))
        .then(|| s.to_owned())
}
