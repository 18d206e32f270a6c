//! The PostgreSQL store behind [`crate::store::Store`]'s synchronous methods. The store's
//! callers already treat it as blocking (they run it on tokio's blocking pool, as they do
//! SQLite), so the connection is driven by a runtime of its own, on its own thread, and each
//! call waits for its answer with `futures::executor::block_on`: the client only sends to and
//! hears from that connection task, so it can be waited on from any thread, async or not,
//! without nesting runtimes.

use std::sync::{Mutex, MutexGuard};

use futures::executor::block_on;
use secrecy::SecretString;
use tokio_postgres::Client;

use super::connect::PgAddress;
use super::{reason, schema, PgError};
use crate::store::StoreError;

pub struct PgStore {
    address: PgAddress,
    password: Option<SecretString>,
    client: Mutex<Client>,
    runtime: OwnRuntime,
    holder: String,
}

impl PgStore {
    /// Connects and brings the schema to the latest version.
    pub fn open(
        address: PgAddress,
        password: Option<SecretString>,
    ) -> crate::store::Result<PgStore> {
        let runtime = OwnRuntime::start()?;
        let client = runtime.connect(&address, password.as_ref())?;
        block_on(async {
            let mut client = client;
            let tx = client.transaction().await?;
            // One migrator at a time when several replicas start together.
            tx.batch_execute("SELECT pg_advisory_xact_lock(7161637)")
                .await?;
            schema::apply(&tx).await?;
            tx.commit().await?;
            Ok::<_, PgError>(client)
        })
        .map(|client| PgStore {
            address,
            password,
            client: Mutex::new(client),
            runtime,
            holder: holder_name(),
        })
        .map_err(StoreError::from)
    }

    /// The connection, connected again first if the last one was lost (the database
    /// restarted or failed over): the call that finds it lost fails, the next ones work.
    pub(crate) fn client(&self) -> crate::store::Result<MutexGuard<'_, Client>> {
        let mut client = self.client.lock().unwrap_or_else(|p| p.into_inner());
        if client.is_closed() {
            *client = self
                .runtime
                .connect(&self.address, self.password.as_ref())?;
        }
        Ok(client)
    }

    /// Runs `f`'s future to its end on the caller's thread.
    pub(crate) fn wait<T>(
        &self,
        f: impl std::future::Future<Output = Result<T, PgError>>,
    ) -> crate::store::Result<T> {
        block_on(f).map_err(StoreError::from)
    }

    pub fn schema_version(&self) -> crate::store::Result<i64> {
        let client = self.client()?;
        self.wait(async {
            Ok(client
                .query_one(
                    "SELECT coalesce(max(version), 0) FROM lapor_bridge_schema",
                    &[],
                )
                .await?
                .get(0))
        })
    }

    /// This process's name in claims and leases: host, process id and a random part (a
    /// restarted replica with the same pid is still another holder).
    pub fn holder(&self) -> &str {
        &self.holder
    }

    pub fn address(&self) -> &PgAddress {
        &self.address
    }
}

fn holder_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "host".to_owned());
    format!(
        "{host}/{}/{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

/// A one-worker runtime that drives the connection tasks; shut down without waiting when the
/// store is dropped (dropping a runtime inside another's async context would panic).
struct OwnRuntime(Option<tokio::runtime::Runtime>);

impl OwnRuntime {
    fn start() -> crate::store::Result<OwnRuntime> {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("lapor-bridge-pg")
            .enable_all()
            .build()
            .map(|rt| OwnRuntime(Some(rt)))
            .map_err(|e| StoreError::Invalid(format!("cannot start the PostgreSQL runtime: {e}")))
    }

    fn connect(
        &self,
        address: &PgAddress,
        password: Option<&SecretString>,
    ) -> crate::store::Result<Client> {
        let rt = self
            .0
            .as_ref()
            .expect("the runtime lives as long as the store");
        let (address, password) = (address.clone(), password.cloned());
        let joined = block_on(
            rt.spawn(async move { super::connect::connect(&address, password.as_ref()).await }),
        );
        match joined {
            Ok(r) => r.map_err(StoreError::from),
            Err(e) => Err(StoreError::Invalid(format!(
                "connecting to PostgreSQL stopped: {e}"
            ))),
        }
    }
}

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl From<PgError> for StoreError {
    fn from(e: PgError) -> StoreError {
        match e {
            PgError::Store(e) => e,
            PgError::Postgres(e) => StoreError::Postgres(reason(&e)),
            PgError::Sqlite(e) => StoreError::Sqlite(e),
            PgError::Refused(s) => StoreError::Invalid(s),
        }
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> StoreError {
        StoreError::Postgres(reason(&e))
    }
}
