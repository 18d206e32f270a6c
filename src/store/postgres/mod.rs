//! The store on PostgreSQL, for a city that runs several bridges on one database (issue 17).
//! What is here so far: the schema, versioned like the SQLite store's; moving a SQLite store
//! into it with its counts checked (`lapor-bridge store migrate`); the leases by which one
//! replica at a time will own a poller, a folder or the feed cursor; and claims of due
//! records that several replicas can make at once. The daemon itself
//! still runs on SQLite only.

pub mod connect;
mod dry_run;
pub mod lease;
pub mod migrate;
pub mod outbox;
mod overview;
mod records;
mod reference;
mod replay;
pub mod schema;
mod settings;
mod store;
mod updates;
mod writebacks;

pub use store::PgStore;

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("{}", reason(.0))]
    Postgres(#[from] tokio_postgres::Error),
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Store(#[from] super::StoreError),
    /// Already a sentence for the operator (what is wrong and what to do).
    #[error("{0}")]
    Refused(String),
}

/// The server's own words when it refused (tokio-postgres shows only "db error").
pub(crate) fn reason(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

pub type Result<T> = std::result::Result<T, PgError>;

/// A row limit as PostgreSQL takes it (`usize::MAX`, "all", would wrap to a negative one).
pub(crate) fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
