//! The stable identity of a CSV row; see the module documentation of `csv_folder`.

use sha2::{Digest, Sha256};

pub use crate::mapping::row_id::row_identity;

pub(super) fn id_digest(id: &str) -> u128 {
    let d = Sha256::digest(id.as_bytes());
    u128::from_be_bytes(d[..16].try_into().expect("SHA-256 has 32 bytes"))
}
