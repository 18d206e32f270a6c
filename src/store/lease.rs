//! Leases on singular work, for several replicas on one PostgreSQL store
//! (`postgres::lease`). A SQLite store has one daemon, which holds every lease.

use std::time::Duration;

use super::{Result, Store};

impl Store {
    /// Takes or renews the lease `name` for this process for `term`; `false` while another
    /// replica holds it.
    pub fn hold_lease(&self, name: &str, term: Duration) -> Result<bool> {
        match self.pg() {
            Some(pg) => pg.hold_lease(name, term),
            None => Ok(true),
        }
    }

    /// The replica holding the lease `name` when it is not this process (a SQLite store
    /// has one daemon: never). `/readyz` does not hold a replica to work another one does.
    pub fn lease_elsewhere(&self, name: &str) -> Result<Option<String>> {
        match self.pg() {
            Some(pg) => pg.lease_elsewhere(name),
            None => Ok(None),
        }
    }

    /// Gives up this process's leases, so another replica takes over without waiting for
    /// their term.
    pub fn release_leases(&self) -> Result<u64> {
        match self.pg() {
            Some(pg) => pg.release_leases(),
            None => Ok(0),
        }
    }
}
