//! Connecting to the PostgreSQL store at a checked address (`config::PgAddress`).

use secrecy::{ExposeSecret, SecretString};
use tokio_postgres::{Client, NoTls};

use super::{PgError, Result};
pub use crate::config::PgAddress;

/// Connects, with the password if one is given, and drives the connection on the runtime.
pub async fn connect(address: &PgAddress, password: Option<&SecretString>) -> Result<Client> {
    let mut config = address.config.clone();
    if let Some(p) = password {
        config.password(p.expose_secret().as_bytes());
    }
    config.application_name("lapor-bridge");
    let (client, connection) = config.connect(NoTls).await.map_err(|e| {
        PgError::Refused(format!(
            "cannot connect to the PostgreSQL store {address:?}: {}",
            super::reason(&e)
        ))
    })?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(error = %e, "the PostgreSQL connection ended");
        }
    });
    Ok(client)
}
