//! Moving a city's SQLite store into an empty PostgreSQL store, all or nothing: one read
//! transaction on the SQLite file (a consistent snapshot) and one PostgreSQL transaction,
//! committed only when every table's count matches and the counts the status line reads
//! (kept by triggers on PostgreSQL) equal the SQLite store's.

use std::path::Path;
use std::time::Instant;

use rusqlite::types::Value;
use tokio::sync::mpsc;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use super::connect::PgAddress;
use super::{schema, PgError, Result};

/// The tables moved row by row, parents before children (the foreign keys hold at each
/// insert). `channel_times` as the SQLite store has it: it remembers records a purge no
/// longer shows.
const COPIED: &[&str] = &[
    "records",
    "revisions",
    "events",
    "outbox",
    "dry_run_verdicts",
    "lapor_updates",
    "writebacks",
    "sla_alerts",
    "chat_alerts",
    "cursors",
    "reference",
    "settings",
    "channel_times",
];

/// The counts the status line reads, computed from the moved rows and compared with the
/// SQLite store's, whole, before the commit: (table, key, the query that computes it).
const DERIVED: &[(&str, &str, &str)] = &[
    (
        "queue_counts",
        "channel, state",
        "SELECT r.channel, o.state, count(*), sum(o.attempts)
         FROM outbox o JOIN records r ON r.id = o.record_id GROUP BY r.channel, o.state",
    ),
    (
        "writeback_counts",
        "channel, state",
        "SELECT channel, state, count(*) FROM writebacks GROUP BY channel, state",
    ),
    (
        "update_effect_counts",
        "effect",
        "SELECT effect, count(*) FROM lapor_updates GROUP BY effect",
    ),
];

/// The tables whose triggers keep those counts. Off while the rows arrive: a trigger updating
/// the same count row once per moved row, all in one transaction, leaves a chain of row
/// versions each update walks (the 300k store did not finish in 9 minutes).
const COUNTED: &[&str] = &["outbox", "lapor_updates", "writebacks"];

/// Tables with an identity column, whose sequence continues after the moved ids.
const IDENTITY: &[&str] = &[
    "records",
    "revisions",
    "events",
    "dry_run_verdicts",
    "lapor_updates",
    "writebacks",
];

const BATCH: usize = 2_000;

#[derive(Debug)]
pub struct TableMoved {
    pub table: &'static str,
    pub rows: u64,
}

#[derive(Debug)]
pub struct MigrateReport {
    pub tables: Vec<TableMoved>,
    /// The count tables checked equal on both sides.
    pub counts_checked: Vec<&'static str>,
    pub seconds: f64,
}

impl MigrateReport {
    pub fn complaints(&self) -> u64 {
        self.rows("records")
    }

    pub fn rows(&self, table: &str) -> u64 {
        self.tables
            .iter()
            .find(|t| t.table == table)
            .map_or(0, |t| t.rows)
    }
}

/// What the SQLite reader sends the PostgreSQL writer, table by table in [`COPIED`] order,
/// then the derived tables' contents.
enum FromSqlite {
    Rows(Vec<Vec<Value>>),
    /// The end of one copied table, with its count in the snapshot.
    End(u64),
    Derived(Vec<String>),
}

/// `on_table` hears of each table as it is copied (a large store takes minutes, and an operator
/// should see it move); the commit comes only after the last table and the checks.
pub async fn migrate(
    from: &Path,
    to: &PgAddress,
    password: Option<&secrecy::SecretString>,
    mut on_table: impl FnMut(&TableMoved),
) -> Result<MigrateReport> {
    let started = Instant::now();
    if !from.is_file() {
        return Err(PgError::Refused(format!(
            "there is no store at {}: give the SQLite store's file with --from",
            from.display()
        )));
    }
    // Brings an older SQLite store to the schema version 1 mirrors (or refuses a newer one).
    drop(super::super::Store::open(from)?);
    let sqlite_columns = check_tables(from)?;

    let mut client = super::connect::connect(to, password).await?;
    let tx = client.transaction().await?;
    refuse_if_not_empty(&tx, to).await?;
    schema::apply(&tx).await?;

    let mut columns = Vec::new();
    for table in COPIED {
        let stmt = tx
            .prepare(&format!("SELECT * FROM {table} LIMIT 0"))
            .await?;
        // The columns both stores have; those only PostgreSQL has (a replica's claim) start
        // empty.
        let known = sqlite_columns.get(*table).cloned().unwrap_or_default();
        if let Some(lost) = known
            .iter()
            .find(|k| !stmt.columns().iter().any(|c| c.name() == k.as_str()))
        {
            return Err(PgError::Refused(format!(
                "the SQLite store's {table}.{lost} has no column in the PostgreSQL store: \
                 this lapor-bridge cannot move it without losing it"
            )));
        }
        let cols: Vec<(String, Type)> = stmt
            .columns()
            .iter()
            .filter(|c| known.iter().any(|k| k == c.name()))
            .map(|c| (c.name().to_owned(), c.type_().clone()))
            .collect();
        columns.push(cols);
    }

    let (send, mut recv) = mpsc::channel::<std::result::Result<FromSqlite, PgError>>(4);
    let names: Vec<Vec<String>> = columns
        .iter()
        .map(|c| c.iter().map(|(n, _)| n.clone()).collect())
        .collect();
    let path = from.to_owned();
    let reader = tokio::task::spawn_blocking(move || {
        if let Err(e) = read_sqlite(&path, &names, &send) {
            let _ = send.blocking_send(Err(e));
        }
    });

    for table in COUNTED {
        tx.batch_execute(&format!("ALTER TABLE {table} DISABLE TRIGGER USER"))
            .await?;
    }
    let mut moved = Vec::new();
    for (table, cols) in COPIED.iter().zip(&columns) {
        let names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
        let types: Vec<Type> = cols.iter().map(|(_, t)| t.clone()).collect();
        let sink = tx
            .copy_in(&format!(
                "COPY {table} ({}) FROM STDIN BINARY",
                names.join(", ")
            ))
            .await?;
        let writer = BinaryCopyInWriter::new(sink, &types);
        futures::pin_mut!(writer);
        let expected = loop {
            match recv.recv().await {
                Some(Ok(FromSqlite::Rows(rows))) => {
                    for row in rows {
                        let values = to_postgres(table, &names, &types, row)?;
                        let refs: Vec<&(dyn ToSql + Sync)> = values
                            .iter()
                            .map(|v| v.as_ref() as &(dyn ToSql + Sync))
                            .collect();
                        writer.as_mut().write(&refs).await?;
                    }
                }
                Some(Ok(FromSqlite::End(n))) => break n,
                Some(Ok(FromSqlite::Derived(_))) | None => {
                    return Err(PgError::Refused(format!(
                        "the SQLite store's reader stopped before the end of table {table}"
                    )))
                }
                Some(Err(e)) => return Err(e),
            }
        };
        let written = writer.finish().await?;
        let counted: i64 = tx
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await?
            .get(0);
        if written != expected || counted as u64 != expected {
            return Err(PgError::Refused(format!(
                "table {table}: {expected} rows in the SQLite store, {written} sent and \
                 {counted} in PostgreSQL; nothing was committed"
            )));
        }
        let done = TableMoved {
            table,
            rows: expected,
        };
        on_table(&done);
        moved.push(done);
    }

    for table in IDENTITY {
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                               coalesce(max(id), 0) + 1, false) FROM {table}"
            ),
            &[],
        )
        .await?;
    }

    for table in COUNTED {
        tx.batch_execute(&format!("ALTER TABLE {table} ENABLE TRIGGER USER"))
            .await?;
    }
    let mut counts_checked = Vec::new();
    for (table, key, compute) in DERIVED {
        tx.batch_execute(&format!("INSERT INTO {table} {compute}"))
            .await?;
        let sqlite = match recv.recv().await {
            Some(Ok(FromSqlite::Derived(rows))) => rows,
            Some(Err(e)) => return Err(e),
            _ => {
                return Err(PgError::Refused(format!(
                    "the SQLite store's reader stopped before the counts of {table}"
                )))
            }
        };
        let pg: Vec<String> = tx
            .query(
                &format!("SELECT row_to_json(t)::text FROM {table} t ORDER BY {key}"),
                &[],
            )
            .await?
            .iter()
            .map(|r| canonical_json(r.get::<_, String>(0)))
            .collect();
        if pg != sqlite {
            return Err(PgError::Refused(format!(
                "the counts in {table} differ: the SQLite store holds {}, the moved rows give \
                 {}; nothing was committed (the SQLite store's counts are wrong: report this \
                 with `lapor-bridge status` of the store)",
                sqlite.join(" "),
                pg.join(" ")
            )));
        }
        counts_checked.push(*table);
    }
    reader
        .await
        .map_err(|e| PgError::Refused(format!("the SQLite store's reader failed: {e}")))?;
    tx.commit().await?;
    Ok(MigrateReport {
        tables: moved,
        counts_checked,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Every table of the SQLite store must be one this version knows how to move: a table
/// missing here would be lost silently. The tables' columns.
fn check_tables(from: &Path) -> Result<std::collections::HashMap<String, Vec<String>>> {
    let conn =
        rusqlite::Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
    )?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let unknown: Vec<&String> = names
        .iter()
        .filter(|n| !COPIED.contains(&n.as_str()) && !DERIVED.iter().any(|(d, ..)| d == n))
        .collect();
    if !unknown.is_empty() {
        return Err(PgError::Refused(format!(
            "the SQLite store has tables this lapor-bridge cannot move: {}",
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut columns = std::collections::HashMap::new();
    for name in names {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{name}')"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        columns.insert(name, cols);
    }
    Ok(columns)
}

async fn refuse_if_not_empty(tx: &tokio_postgres::Transaction<'_>, to: &PgAddress) -> Result<()> {
    let exists: bool = tx
        .query_one("SELECT to_regclass('records') IS NOT NULL", &[])
        .await?
        .get(0);
    if exists {
        let n: i64 = tx
            .query_one("SELECT count(*) FROM records", &[])
            .await?
            .get(0);
        if n > 0 {
            return Err(PgError::Refused(format!(
                "the PostgreSQL store {to} already holds {n} complaints: move into an empty \
                 database (createdb), so no complaint is there twice"
            )));
        }
    }
    Ok(())
}

fn read_sqlite(
    path: &Path,
    columns: &[Vec<String>],
    send: &mpsc::Sender<std::result::Result<FromSqlite, PgError>>,
) -> Result<()> {
    let mut conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    // One snapshot for every table: the file's state when the first row was read.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)?;
    tx.query_row("SELECT count(*) FROM records", [], |_| Ok(()))?;
    let gone = || PgError::Refused("the PostgreSQL writer stopped".to_owned());
    for (table, cols) in COPIED.iter().zip(columns) {
        // In the order they were written; a table without rowid comes in its key's order.
        let order = if *table == "channel_times" {
            "channel"
        } else {
            "rowid"
        };
        let mut stmt = tx.prepare(&format!(
            "SELECT {} FROM {table} ORDER BY {order}",
            cols.join(", ")
        ))?;
        let mut rows = stmt.query([])?;
        let mut batch = Vec::with_capacity(BATCH);
        let mut n = 0u64;
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(cols.len());
            for i in 0..cols.len() {
                values.push(row.get::<_, Value>(i)?);
            }
            batch.push(values);
            n += 1;
            if batch.len() == BATCH {
                send.blocking_send(Ok(FromSqlite::Rows(std::mem::take(&mut batch))))
                    .map_err(|_| gone())?;
            }
        }
        if !batch.is_empty() {
            send.blocking_send(Ok(FromSqlite::Rows(batch)))
                .map_err(|_| gone())?;
        }
        send.blocking_send(Ok(FromSqlite::End(n)))
            .map_err(|_| gone())?;
    }
    for (table, key, _) in DERIVED {
        let mut stmt = tx.prepare(&format!("SELECT * FROM {table} ORDER BY {key}"))?;
        let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut obj = serde_json::Map::new();
                let mut counted = false;
                for (i, name) in names.iter().enumerate() {
                    let v = match r.get::<_, Value>(i)? {
                        Value::Null => serde_json::Value::Null,
                        Value::Integer(n) => {
                            counted |= n != 0;
                            n.into()
                        }
                        Value::Real(f) => f.into(),
                        Value::Text(s) => s.into(),
                        Value::Blob(b) => hex::encode(b).into(),
                    };
                    obj.insert(name.clone(), v);
                }
                // A count that went back to 0 keeps its row here; the moved rows give none.
                Ok(counted.then(|| serde_json::Value::Object(obj).to_string()))
            })?
            .filter_map(|r| r.transpose())
            .collect::<rusqlite::Result<_>>()?;
        send.blocking_send(Ok(FromSqlite::Derived(rows)))
            .map_err(|_| gone())?;
    }
    Ok(())
}

/// A row as JSON with its keys in one order, so both sides compare as text.
fn canonical_json(s: String) -> String {
    serde_json::from_str::<serde_json::Value>(&s)
        .map(|v| v.to_string())
        .unwrap_or(s)
}

type PgValue = Box<dyn ToSql + Sync + Send>;

/// One SQLite row as the PostgreSQL columns take it. SQLite keeps any value in any column; a
/// value of the wrong kind is named with its table, row and column rather than guessed at.
fn to_postgres(
    table: &str,
    names: &[&str],
    types: &[Type],
    row: Vec<Value>,
) -> Result<Vec<PgValue>> {
    // Only a row in error is shown; its first value (an id or a short key) is cheap to keep.
    let first = row.first().cloned();
    let mut out: Vec<PgValue> = Vec::with_capacity(row.len());
    for ((value, ty), name) in row.into_iter().zip(types).zip(names) {
        let wrong = |v: &Value| {
            PgError::Refused(format!(
                "table {table}, row {} = {}, column {name}: the SQLite store holds {} where \
                 PostgreSQL takes {ty}; nothing was committed",
                names[0],
                first.as_ref().map(show).unwrap_or_default(),
                kind(v)
            ))
        };
        let v: PgValue = match (*ty == Type::INT8, *ty == Type::TEXT, value) {
            (true, _, Value::Null) => Box::new(None::<i64>),
            (_, true, Value::Null) => Box::new(None::<String>),
            (true, _, Value::Integer(n)) => Box::new(n),
            (_, true, Value::Text(s)) => Box::new(s),
            (_, _, v) => return Err(wrong(&v)),
        };
        out.push(v);
    }
    Ok(out)
}

fn show(v: &Value) -> String {
    match v {
        Value::Integer(n) => n.to_string(),
        Value::Text(s) => format!("'{s}'"),
        other => kind(other).to_owned(),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing (NULL)",
        Value::Integer(_) => "a whole number",
        Value::Real(_) => "a decimal number",
        Value::Text(_) => "text",
        Value::Blob(_) => "bytes",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SQLite migration without its PostgreSQL counterpart would make `store migrate`
    /// refuse every store (or miss a column): the two schemas move together.
    #[test]
    fn the_postgres_schema_mirrors_the_latest_sqlite_schema() {
        assert_eq!(
            super::super::super::migrations::LATEST,
            schema::SQLITE_VERSION
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(super::super::super::Store::open(&path).unwrap());
        check_tables(&path).unwrap();
        let v1 = include_str!("v1.sql");
        for table in COPIED.iter().chain(DERIVED.iter().map(|(t, ..)| t)) {
            assert!(
                v1.contains(&format!("CREATE TABLE {table} (")),
                "{table} is not in v1.sql"
            );
        }
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_named_with_its_row_and_column() {
        let e = to_postgres(
            "events",
            &["id", "record_id"],
            &[Type::INT8, Type::INT8],
            vec![Value::Integer(7), Value::Text("x".into())],
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            e.contains("table events, row id = 7, column record_id: the SQLite store holds text"),
            "{e}"
        );
    }
}
