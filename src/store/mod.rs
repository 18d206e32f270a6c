//! The store: embedded SQLite in WAL mode, the single source of truth. A record is accepted
//! only once its transaction has committed; every stage claims work here and records the
//! outcome here, so a restart resumes where the last run stopped.

pub mod backup;
mod counters;
mod cursors;
pub mod dry_run;
mod lease;
mod migrations;
mod operator;
mod outbox;
mod overview;
pub mod postgres;
mod records;
mod reference;
pub mod replay;
mod updates;
mod writebacks;
mod writer_use;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;

pub use dry_run::DryRunRow;
pub use operator::{Actor, DeadLetter, Event, RecordDetail, Selection};
pub use outbox::{Claimed, OutboxState, Outcome, StateCount};
pub use overview::ChannelQueue;
pub use records::{Intake, IntakeOutcome};
pub use reference::ReferenceItem;
pub use updates::{ApplyReport, Effect, IncomingUpdate, OpenComplaint, UpdateSource};
pub use writebacks::{ClaimedWriteback, StatusRow, WritebackCount, WritebackOutcome, WritebackRow};
pub use writer_use::WriterUse;

/// The settings key of the delimiter of a CSV channel's latest inbox file: intake sets it,
/// the status-file write-back uses it.
pub fn delimiter_setting(channel: &crate::domain::ChannelName) -> String {
    format!("csv.{channel}.delimiter")
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the store's schema is version {found}, newer than this lapor-bridge knows ({known}); upgrade lapor-bridge or restore a matching backup")]
    TooNew { found: i64, known: i64 },
    #[error("no record {0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    /// A part of the bridge that still needs the SQLite store.
    #[error("{0} works on the SQLite store only so far; this store is PostgreSQL ([store] url)")]
    NotOnPostgres(&'static str),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Cheap to clone; shared by the stages of one process. Two connections, each under its own
/// mutex: the writer, which every transaction that changes the store uses, and the reader,
/// which the read-only queries use (status line, metrics, dashboard, operator views). WAL lets
/// the reader read the last committed state while the writer writes, so a long read never
/// makes an intake commit wait, and a reader sees every write committed before it began.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    writer_use: Arc<writer_use::Tally>,
}

/// Which database holds the store. Each method that runs on PostgreSQL asks [`Store::pg`]
/// first; the rest reach SQLite's connections through `lock` and `read`, which refuse on
/// PostgreSQL with [`StoreError::NotOnPostgres`].
#[derive(Clone)]
enum Backend {
    Sqlite {
        conn: Arc<Mutex<Connection>>,
        reader: Arc<Mutex<Connection>>,
    },
    Postgres(Arc<postgres::PgStore>),
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        // Personal data lives here: the file is the service user's alone (0600) whatever the
        // umask. SQLite gives the -wal and -shm files the database file's mode; they are
        // set again below in case they were left by an older version.
        create_private(path)?;
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        plan_once(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a commit is on disk before intake answers "accepted", even across power loss.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // The forwarder, sync and the purge each keep a dozen or more statements; at
        // rusqlite's default of 16 they pushed one another out and were parsed again.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Removed personal data is zeroed as it is written (privacy::scrub::compact).
        conn.pragma_update(None, "secure_delete", true)?;
        // 4 MB for the writer, twice SQLite's default: on a store of 300k complaints the
        // indexes' inner pages no longer fit 2 MB, and forwarding was 21% slower than on a
        // fresh store and the webhook p99 at 200/s 25 ms; with 4 MB, 5% faster and 13 ms
        // (BENCHMARKS.md, issue 16). The cost is up to 2 MB more RSS.
        conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
        migrations::run(&mut conn)?;
        restrict_companions(path);
        let reader = open_reader(path)?;
        Ok(Store {
            backend: Backend::Sqlite {
                conn: Arc::new(Mutex::new(conn)),
                reader: Arc::new(Mutex::new(reader)),
            },
            writer_use: Arc::default(),
        })
    }

    /// The store the configuration names: PostgreSQL when `[store] url` is set, else the
    /// SQLite file at `path`.
    pub fn from_config(cfg: &crate::config::StoreConfig) -> Result<Store> {
        match &cfg.postgres {
            Some(pg) => Store::open_postgres(pg.address.clone(), pg.password.clone()),
            None => Store::open(&cfg.path),
        }
    }

    pub fn open_postgres(
        address: postgres::connect::PgAddress,
        password: Option<secrecy::SecretString>,
    ) -> Result<Store> {
        Ok(Store {
            backend: Backend::Postgres(Arc::new(postgres::PgStore::open(address, password)?)),
            writer_use: Arc::default(),
        })
    }

    /// The PostgreSQL store, when this is one (also for the purge, whose SQL lives in
    /// `privacy` beside the scrubbing it applies).
    pub(crate) fn pg(&self) -> Option<&postgres::PgStore> {
        match &self.backend {
            Backend::Postgres(pg) => Some(pg),
            Backend::Sqlite { .. } => None,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg().is_some()
    }

    /// A store over one connection that is both reader and writer (the read-only store of an
    /// operator's shell).
    fn single(conn: Connection) -> Store {
        let conn = Arc::new(Mutex::new(conn));
        Store {
            backend: Backend::Sqlite {
                reader: conn.clone(),
                conn,
            },
            writer_use: Arc::default(),
        }
    }

    pub fn schema_version(&self) -> Result<i64> {
        if let Some(pg) = self.pg() {
            return pg.schema_version();
        }
        Ok(self
            .read()?
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// The writer connection; its waiting and holding are added up per calling place.
    #[track_caller]
    fn lock(&self) -> Result<writer_use::WriterGuard<'_>> {
        let at = std::panic::Location::caller();
        match &self.backend {
            Backend::Sqlite { conn, .. } => {
                Ok(writer_use::WriterGuard::take(conn, &self.writer_use, at))
            }
            Backend::Postgres(_) => Err(StoreError::NotOnPostgres(sqlite_part(at))),
        }
    }

    /// Where the writer connection's time went since the store opened, most held first.
    pub fn writer_use(&self) -> Vec<WriterUse> {
        self.writer_use.snapshot()
    }

    /// The reader connection: for queries that change nothing. Never taken while holding the
    /// writer's lock in a transaction whose result it must see (it sees committed data only).
    #[track_caller]
    fn read(&self) -> Result<MutexGuard<'_, Connection>> {
        match &self.backend {
            Backend::Sqlite { reader, .. } => Ok(reader.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres(_) => Err(StoreError::NotOnPostgres(sqlite_part(
                std::panic::Location::caller(),
            ))),
        }
    }

    /// The reader connection, for the reports (the `report` and `privacy` modules), which
    /// compute from the tables of several stages at once. A write here still works (the
    /// connection is not opened read-only, SQLite takes turns with the writer under the busy
    /// timeout), but belongs in `with_write_conn` or `with_tx`.
    #[track_caller]
    pub fn with_conn<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        Ok(f(&*self.read()?)?)
    }

    /// The writer connection, for a caller that writes outside one transaction (the SLA and
    /// chat alert tables of migrations 4 and 6, compaction).
    #[track_caller]
    pub fn with_write_conn<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T> {
        Ok(f(&*self.lock()?)?)
    }

    /// One immediate write transaction, committed when `f` returns `Ok`; for the privacy
    /// module, which rewrites a record's rows in several tables at once.
    #[track_caller]
    pub fn with_tx<T>(&self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock()?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` on tokio's blocking pool: a commit waits for the writer's lock and for its
    /// fsync, and neither may hold an async worker (the webhook listener's answers run there).
    /// `spawn_blocking` rather than a writer thread with a queue: the writer's mutex already
    /// orders the transactions, and each stage keeps its own transaction and error as before.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.clone();
        match tokio::task::spawn_blocking(move || f(&store)).await {
            Ok(r) => r,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(StoreError::Invalid(format!(
                "a store task was cancelled: {e}"
            ))),
        }
    }

    /// Gives back what the connections' page caches hold beyond what is in use, for a quiet
    /// daemon whose caches a busy spell or a start-up on a large store filled (on a
    /// 300k-complaint store an idle daemon stayed at 29 MB; BENCHMARKS.md, issue 16). The
    /// caches fill again from the OS's page cache as work comes. The process's own share is
    /// [`crate::runtime::memory::release`].
    pub fn release_memory(&self) {
        let Backend::Sqlite { conn, reader } = &self.backend else {
            return;
        };
        for conn in [conn, reader] {
            let conn = conn.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(e) = conn.execute_batch("PRAGMA shrink_memory") {
                tracing::debug!(error = %e, "cannot shrink the store's cache");
            }
        }
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        if let Some(pg) = self.pg() {
            return pg.setting(key);
        }
        Ok(self
            .read()?
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        if let Some(pg) = self.pg() {
            return pg.set_setting(key, value);
        }
        self.lock()?.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

/// What a refusal on PostgreSQL names: the store's module that needed SQLite
/// (`src/store/report.rs` → "store/report").
fn sqlite_part(at: &'static std::panic::Location<'static>) -> &'static str {
    let file = at.file();
    let file = file.strip_prefix("src/").unwrap_or(file);
    file.strip_suffix(".rs").unwrap_or(file)
}

/// The second connection of `open`: same pragmas as the writer, for the writes that still come
/// through `with_conn`.
fn open_reader(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    plan_once(&conn)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.pragma_update(None, "secure_delete", true)?;
    Ok(conn)
}

/// Turns on SQLite's query planner stability guarantee: a statement keeps the plan it was
/// prepared with. Without it, SQLite 3.54 prepares every cached statement with a join again
/// each time a parameter is bound (the planner looks at bound values), and that was 12% of
/// the bridge's CPU while forwarding (BENCHMARKS.md, issue 16). The store's queries are
/// written for their indexes, so a value never needs another plan.
pub(crate) fn plan_once(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// The writer's page cache, KiB (as a negative `cache_size`).
const WRITER_CACHE_KIB: i64 = -4096;

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 64;

/// Creates the store file with mode 0600 if it does not exist yet (an empty file is an empty
/// SQLite database).
fn create_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        if !path.exists() {
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .open(path)
                .map_err(|e| {
                    StoreError::Invalid(format!("cannot create the store {}: {e}", path.display()))
                })?;
        }
    }
    let _ = path;
    Ok(())
}

/// Sets the -wal and -shm files beside the store to 0600 (best effort: they may not exist).
fn restrict_companions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600));
        }
    }
    let _ = path;
}

/// Executes with a cached prepared statement: intake and outcomes run the same few
/// statements once per record, and parsing them anew each time is most of their cost.
fn exec(
    tx: &rusqlite::Transaction<'_>,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql)?.execute(params)
}

pub(crate) fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialising plain data cannot fail")
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    pub fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("test.db")).unwrap();
        (dir, store)
    }

    /// Takes in one record under `key` with `raw` at `at`: mapped to an empty payload,
    /// content hash "h", no report time, no cursor.
    pub fn intake_one(
        store: &Store,
        key: &crate::domain::RecordKey,
        raw: &serde_json::Value,
        at: jiff::Timestamp,
    ) {
        store
            .intake(
                &[Intake {
                    key,
                    raw: raw.to_string(),
                    content_hash: "h".into(),
                    reported_at: None,
                    mapping: Ok(vec![]),
                }],
                None,
                at,
            )
            .unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::testing::temp_store;

    #[test]
    fn migrations_run_once_and_reopen_is_idempotent() {
        let (dir, store) = temp_store();
        assert_eq!(store.schema_version().unwrap(), super::migrations::LATEST);
        drop(store);
        let again = super::Store::open(&dir.path().join("test.db")).unwrap();
        assert_eq!(again.schema_version().unwrap(), super::migrations::LATEST);
        let mode: String = again
            .lock()
            .unwrap()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[cfg(unix)]
    #[test]
    fn the_store_and_its_wal_are_private_whatever_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, store) = temp_store();
        store.set_setting("k", "v").unwrap();
        let mode = |name: &str| {
            std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("test.db"), 0o600);
        assert_eq!(mode("test.db-wal"), 0o600);
        assert_eq!(mode("test.db-shm"), 0o600);
    }

    #[test]
    fn a_cached_join_keeps_its_plan_across_binds() {
        let (_dir, store) = temp_store();
        let sql = "SELECT r.id FROM records r JOIN outbox o ON o.record_id = r.id \
                   WHERE r.channel = ?1 AND r.local_id = ?2";
        let reprepares = |conn: &rusqlite::Connection| {
            for id in ["a", "b", "c"] {
                let mut stmt = conn.prepare_cached(sql)?;
                let _: Vec<i64> = stmt
                    .query_map(["sambat", id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
            }
            let stmt = conn.prepare_cached(sql)?;
            Ok(stmt.get_status(rusqlite::StatementStatus::RePrepare))
        };
        assert_eq!(store.with_write_conn(reprepares).unwrap(), 0, "writer");
        assert_eq!(store.with_conn(reprepares).unwrap(), 0, "reader");
    }

    fn cache_used(conn: &rusqlite::Connection) -> i32 {
        let (mut cur, mut hi) = (0, 0);
        // SAFETY: the handle is this open connection's; the call only reads its counters.
        let rc = unsafe {
            rusqlite::ffi::sqlite3_db_status(
                conn.handle(),
                rusqlite::ffi::SQLITE_DBSTATUS_CACHE_USED,
                &mut cur,
                &mut hi,
                0,
            )
        };
        assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
        cur
    }

    #[test]
    fn a_quiet_store_gives_its_page_caches_back() {
        let (_dir, store) = temp_store();
        let value = "x".repeat(4000);
        for i in 0..400 {
            store.set_setting(&format!("filler.{i}"), &value).unwrap();
        }
        let read_all = |conn: &rusqlite::Connection| {
            conn.query_row("SELECT sum(length(value)) FROM settings", [], |r| {
                r.get::<_, i64>(0)
            })?;
            Ok(cache_used(conn))
        };
        let writer = store.with_write_conn(read_all).unwrap();
        let reader = store.with_conn(read_all).unwrap();
        // 400 rows of 4 kB: well over a megabyte of pages in each cache.
        assert!(
            writer > 1_000_000 && reader > 1_000_000,
            "{writer} {reader}"
        );
        store.release_memory();
        let writer_after = store.with_write_conn(|c| Ok(cache_used(c))).unwrap();
        let reader_after = store.with_conn(|c| Ok(cache_used(c))).unwrap();
        assert!(
            writer_after < writer / 4 && reader_after < reader / 4,
            "writer {writer} → {writer_after}, reader {reader} → {reader_after}"
        );
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let (dir, store) = temp_store();
        store
            .lock()
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        drop(store);
        let err = super::Store::open(&dir.path().join("test.db"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("newer"), "{err}");
    }
}
