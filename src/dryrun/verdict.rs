//! The verdict on one would-be `POST /laporan`: the JSON Schema, the contract's field rules
//! ([`check_payload`]), the cross-field rules the schema cannot say (pelapor versus anonim,
//! lat/lon both or neither, `tanggal_kejadian` not after `waktu_lapor`, `waktu_lapor` not in
//! the future) and the cached LAPOR! reference data ([`check_reference`]).

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::schema::schema_problems;
use crate::domain::FieldProblem;
use crate::mapping::validate::parse_rfc3339;
use crate::mapping::{check_payload, check_reference, Mapped, ReferenceIds};
/// The store records verdicts, so their types live at its level.
pub use crate::store::dry_run::{Reason, Verdict};
use crate::wire::lapor::types::CreateLaporan;

/// How far `waktu_lapor` may lie ahead of our clock before it is "in the future": not at all,
/// as LAPOR!'s contract says (the mappers clamp such times to now).
pub const CLOCK_SKEW: SignedDuration = SignedDuration::ZERO;

/// Which check refused a field.
pub mod rule {
    /// The channel's record could not be mapped at all (no payload).
    pub const MAPPING: &str = "mapping";
    /// `config/schema/create-laporan.schema.json`.
    pub const SCHEMA: &str = "schema";
    /// A contract rule checked in code: lengths after trimming, formats, cross-field rules.
    pub const CONTRACT: &str = "contract";
    /// `kategori_id`/`instansi_id` against the cached `GET /kategori` and `GET /instansi`.
    pub const REFERENCE: &str = "reference";
}

/// Every reason `payload` would be refused; empty when it may be sent.
pub fn payload_reasons(payload: &Value, reference: &ReferenceIds, now: Timestamp) -> Vec<Reason> {
    let mut reasons: Vec<Reason> = schema_problems(payload)
        .into_iter()
        .map(|p| Reason::from_problem(rule::SCHEMA, p))
        .collect();
    match serde_json::from_value::<CreateLaporan>(payload.clone()) {
        Ok(p) => {
            reasons.extend(
                check_payload(&p)
                    .into_iter()
                    .map(|p| Reason::from_problem(rule::CONTRACT, p)),
            );
            if let Some((t, _)) = parse_rfc3339(&p.waktu_lapor) {
                if t > now + CLOCK_SKEW {
                    reasons.push(Reason {
                        field: "waktu_lapor".into(),
                        rule: rule::CONTRACT.into(),
                        message: "is in the future".into(),
                    });
                }
            }
            reasons.extend(
                check_reference(&p, reference)
                    .into_iter()
                    .map(|p| Reason::from_problem(rule::REFERENCE, p)),
            );
        }
        // The schema names what is wrong; only say so here when it did not.
        Err(e) if reasons.is_empty() => reasons.push(Reason {
            field: "body".into(),
            rule: rule::SCHEMA.into(),
            message: format!("is not a create-complaint body: {}", redact_serde(&e)),
        }),
        Err(_) => {}
    }
    reasons
}

/// The verdict on what a channel mapper made of one record.
pub fn judge_mapped(
    mapped: Result<Mapped, Vec<FieldProblem>>,
    reference: &ReferenceIds,
    now: Timestamp,
) -> Verdict {
    let mut notes = reference_notes(reference);
    match mapped {
        Err(problems) => Verdict {
            valid: false,
            payload: None,
            reasons: problems
                .into_iter()
                .map(|p| Reason::from_problem(rule::MAPPING, p))
                .collect(),
            notes,
        },
        Ok(m) => {
            let payload = serde_json::to_value(&m.payload).unwrap_or(Value::Null);
            let reasons = payload_reasons(&payload, reference, now);
            notes.splice(0..0, m.notes);
            Verdict {
                valid: reasons.is_empty(),
                payload: Some(payload),
                reasons,
                notes,
            }
        }
    }
}

fn reference_notes(reference: &ReferenceIds) -> Vec<String> {
    let mut notes = Vec::new();
    if reference.kategori.is_empty() {
        notes.push("no cached LAPOR! /kategori list: kategori_id not checked".to_owned());
    }
    if reference.instansi.is_empty() {
        notes.push("no cached LAPOR! /instansi list: instansi_id not checked".to_owned());
    }
    notes
}

/// serde's messages can quote values; keep only the part before any quoted value.
fn redact_serde(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(['`', '"']) {
        Some(i) => format!("{}…", s[..i].trim_end()),
        None => s,
    }
}
