//! The create-complaint body as data: `config/schema/create-laporan.schema.json`, embedded in
//! the binary, compiled once, and checked against every payload in dry-run (and, in debug
//! builds, against every payload the live forwarder sends).

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::domain::FieldProblem;

/// The schema text, as shipped in `config/schema/`.
pub const CREATE_LAPORAN_SCHEMA: &str =
    include_str!("../../config/schema/create-laporan.schema.json");

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(CREATE_LAPORAN_SCHEMA).expect("the embedded schema is JSON");
        jsonschema::validator_for(&schema).expect("the embedded schema is a valid JSON Schema")
    })
}

/// Every schema violation of `payload`, named by payload field (`judul`, `lokasi.lat`,
/// `lampiran[2].url`). Messages mask the offending values, so personal data never shows.
pub fn schema_problems(payload: &Value) -> Vec<FieldProblem> {
    validator()
        .iter_errors(payload)
        .map(|e| {
            let base = pointer_to_field(e.instance_path().as_str());
            let field = match e.kind() {
                ValidationErrorKind::Required { property } => {
                    join(&base, property.as_str().unwrap_or("?"))
                }
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    join(&base, unexpected.first().map(String::as_str).unwrap_or("?"))
                }
                _ if base.is_empty() => "body".to_owned(),
                _ => base,
            };
            let message = match e.kind() {
                // The property name is not personal data: say which one is unexpected.
                ValidationErrorKind::AdditionalProperties { .. } => {
                    "is not a field of the contract (unknown fields are rejected)".to_owned()
                }
                ValidationErrorKind::Required { .. } => "is required".to_owned(),
                _ => e.masked().to_string(),
            };
            FieldProblem::new(field, message)
        })
        .collect()
}

/// Panics (debug builds only) when a payload the live forwarder is about to send breaks the
/// schema: the mapping has drifted from the contract.
#[inline]
pub fn debug_assert_valid(payload: &Value) {
    if cfg!(debug_assertions) {
        let problems = schema_problems(payload);
        debug_assert!(
            problems.is_empty(),
            "a mapped payload breaks config/schema/create-laporan.schema.json: {}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
}

fn join(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_owned()
    } else {
        format!("{base}.{name}")
    }
}

/// `/lampiran/2/url` → `lampiran[2].url`; `` → ``.
pub fn pointer_to_field(pointer: &str) -> String {
    let mut out = String::new();
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_payload_field_names() {
        assert_eq!(pointer_to_field(""), "");
        assert_eq!(pointer_to_field("/judul"), "judul");
        assert_eq!(pointer_to_field("/lokasi/lat"), "lokasi.lat");
        assert_eq!(pointer_to_field("/lampiran/2/url"), "lampiran[2].url");
    }

    #[test]
    fn the_embedded_schema_compiles() {
        let _ = validator();
    }
}
