//! Versioned migrations of the PostgreSQL store, as the SQLite store's (`migrations.rs`): each
//! entry runs once, in order, in the transaction that records its version.

use tokio_postgres::GenericClient;

use super::{PgError, Result};

/// Index `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[include_str!("v1.sql")];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// The SQLite schema version whose tables version 1 mirrors: a SQLite store at another
/// version is brought to this one (or refused) before it is moved.
pub const SQLITE_VERSION: i64 = 8;

/// Brings the database to [`LATEST`] inside the caller's transaction. A database already
/// newer than this lapor-bridge knows is refused.
pub async fn apply(client: &impl GenericClient) -> Result<i64> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS lapor_bridge_schema (
                 version     BIGINT NOT NULL,
                 applied_at  TEXT NOT NULL
             )",
        )
        .await?;
    let found: i64 = client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM lapor_bridge_schema",
            &[],
        )
        .await?
        .get(0);
    if found > LATEST {
        return Err(PgError::Refused(format!(
            "the PostgreSQL store's schema is version {found}, newer than this lapor-bridge \
             knows ({LATEST}); upgrade lapor-bridge"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        client.batch_execute(sql).await?;
        let now = jiff::Timestamp::now().to_string();
        client
            .execute(
                "INSERT INTO lapor_bridge_schema (version, applied_at) VALUES ($1, $2)",
                &[&(i as i64 + 1), &now],
            )
            .await?;
    }
    Ok(found)
}
