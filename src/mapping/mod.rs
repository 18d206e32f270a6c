//! Mapping stage: a channel's record, exactly as the channel sent it, becomes a LAPOR!
//! `POST /laporan` body, or the list of everything that has to be fixed first.
//!
//! - [`sambat`]: SAMBAT Online records ([`map_sambat`]).
//! - [`hash`]: [`content_hash_sambat`], which tells an edit from a write-back's bump.
//! - [`fields`]: the LAPOR! field rules, building and checking each field.
//! - [`text`]: length rules in chars, cutting at word boundaries.
//! - [`phone`]: phone numbers (canonical `+62…`), NIK and e-mail addresses.
//! - [`reference`]: the LAPOR! category and instansi ids a payload may use.
//! - [`validate`]: [`check_payload`], every contract rule of the create body.

pub mod clock;
pub mod declarative;
pub mod fields;
pub mod hash;
pub mod minimise;
pub mod phone;
pub mod reference;
pub mod row_id;
pub mod sambat;
pub mod text;
pub mod validate;

pub use hash::content_hash_sambat;
pub use phone::normalise_phone;
pub use reference::{check_reference, ReferenceIds};
pub use sambat::map_sambat;
pub use text::cut_at_word_boundary;
pub use validate::check_payload;

use crate::wire::lapor::types::CreateLaporan;

/// A record mapped to a LAPOR! create body.
#[derive(Clone, Debug, PartialEq)]
pub struct Mapped {
    pub payload: CreateLaporan,
    /// Non-fatal things the operator should know (a phone number dropped as invalid, an
    /// attachment skipped, a text shortened…). Never contain personal data.
    pub notes: Vec<String>,
}
