//! A PostgreSQL store for the store tests (`pg_*.rs`): a cluster of their own, the store on
//! it, and plain SQL beside the store for the rows its methods do not show.

use lapor_bridge::config::PgAddress;
use lapor_bridge::store::Store;
use lapor_tools::postgres::{TestPostgres, PASSWORD};
use tokio_postgres::types::ToSql;

/// The cluster (kept alive), its database's address, and a store on it.
pub fn store() -> (TestPostgres, String, Store) {
    let pg = TestPostgres::start().unwrap();
    let url = pg.create_database("kota").unwrap();
    let store = open(&url);
    (pg, url, store)
}

/// A store on the database at `url` (another replica's, when one is open already).
pub fn open(url: &str) -> Store {
    Store::open_postgres(
        PgAddress::parse(url).unwrap(),
        Some(secrecy::SecretString::from(PASSWORD)),
    )
    .unwrap()
}

/// Plain SQL beside the store, on a current-thread runtime (the connection task runs inside
/// each `block_on`, which is all it has to do).
pub struct Sql {
    pub rt: tokio::runtime::Runtime,
    pub client: tokio_postgres::Client,
}

impl Sql {
    pub fn connect(url: &str) -> Sql {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = rt.block_on(TestPostgres::connect(url));
        Sql { rt, client }
    }

    pub fn exec(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> u64 {
        self.rt.block_on(self.client.execute(sql, params)).unwrap()
    }

    pub fn rows(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Vec<tokio_postgres::Row> {
        self.rt.block_on(self.client.query(sql, params)).unwrap()
    }

    pub fn count(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> i64 {
        self.rt
            .block_on(self.client.query_one(sql, params))
            .unwrap()
            .get(0)
    }
}
