//! Personal data under UU PDP No. 27/2022: the retention purge ([`purge`]), the one
//! primitive that removes a record's personal data from every table ([`scrub`]), and the
//! daily stage that runs the purge in the daemon; [`redact`] finds personal data in stored values.

pub mod purge;
pub mod redact;
pub mod scrub;

use std::path::PathBuf;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read the folder {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<rusqlite::Error> for PrivacyError {
    fn from(e: rusqlite::Error) -> Self {
        PrivacyError::Store(StoreError::Sqlite(e))
    }
}
