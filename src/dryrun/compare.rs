//! Field-level differences between two payloads of the same record: how a mapping change
//! alters what would be sent.

use serde::Serialize;
use serde_json::Value;

/// One payload field whose value differs. `None` = the field is absent on that side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// Payload path: `kategori_id`, `lokasi.kode_wilayah`, `lampiran[1].url`.
    pub field: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// Every leaf that differs between `old` and `new`, in field order.
pub fn diff(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk("", Some(old), Some(new), &mut out);
    out
}

fn walk(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(&p, a.get(k), b.get(k), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                walk(&format!("{path}[{i}]"), a.get(i), b.get(i), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(FieldChange {
            field: if path.is_empty() {
                "body".into()
            } else {
                path.to_owned()
            },
            old: a.cloned(),
            new: b.cloned(),
        }),
    }
}

/// `old → new` for a text report; an absent side shows as `(absent)`.
pub fn describe(c: &FieldChange) -> String {
    let show = |v: &Option<Value>| match v {
        None => "(absent)".to_owned(),
        Some(v) => v.to_string(),
    };
    format!("{}: {} → {}", c.field, show(&c.old), show(&c.new))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leaves_are_named_by_path() {
        let old = json!({"kategori_id": 101, "lokasi": {"kode_wilayah": "35.73.02", "lat": null},
                         "lampiran": [{"url": "a"}], "pelapor": {"nama": "x"}});
        let new = json!({"kategori_id": 102, "lokasi": {"kode_wilayah": null, "lat": null},
                         "lampiran": [{"url": "a"}, {"url": "b"}]});
        let d = diff(&old, &new);
        let fields: Vec<&str> = d.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "kategori_id",
                "lampiran[1]",
                "lokasi.kode_wilayah",
                "pelapor"
            ]
        );
        assert_eq!(describe(&d[0]), "kategori_id: 101 → 102");
        assert_eq!(describe(&d[3]), "pelapor: {\"nama\":\"x\"} → (absent)");
        assert!(diff(&old, &old).is_empty());
    }
}
