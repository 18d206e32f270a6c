//! Connecting to the PostgreSQL store at a checked address (`config::PgAddress`).

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio_postgres::{Client, NoTls};

use super::{PgError, Result};
pub use crate::config::PgAddress;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long sent data may go unacknowledged before the connection is given up.
const UNANSWERED: Duration = Duration::from_secs(30);
/// tokio-postgres's default, the kernel's usual: an address that did not choose one.
const KERNEL_KEEPALIVE_IDLE: Duration = Duration::from_secs(2 * 3600);

/// Connects, with the password if one is given, and drives the connection on the runtime.
pub async fn connect(address: &PgAddress, password: Option<&SecretString>) -> Result<Client> {
    let mut config = address.config.clone();
    if let Some(p) = password {
        config.password(p.expose_secret().as_bytes());
    }
    config.application_name("lapor-bridge");
    // Every call of a replica waits on its one connection, so a database that went away
    // without closing it (a failover, a cable) must be noticed in seconds, not after the
    // kernel's two hours: then the call fails, the stage retries, and the next call connects
    // again. An address that sets these itself keeps its own.
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_tcp_user_timeout().is_none() {
        config.tcp_user_timeout(UNANSWERED);
    }
    if config.get_keepalives_idle() == KERNEL_KEEPALIVE_IDLE {
        config.keepalives_idle(Duration::from_secs(10));
        config.keepalives_interval(Duration::from_secs(5));
        config.keepalives_retries(3);
    }
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
