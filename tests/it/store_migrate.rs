//! `lapor-bridge store migrate` into a real PostgreSQL (a throwaway cluster of Debian's
//! server, `lapor_tools::postgres`): a realistic SQLite store moved whole, checked table by
//! table against the file; a second run, a wrong password and a bad row refused with nothing
//! changed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lapor_tools::postgres::{TestPostgres, PASSWORD};
use rusqlite::Connection;

fn migrate(from: &Path, to: &str, password_file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lapor-bridge"))
        .args(["--lang", "en", "store", "migrate", "--from"])
        .arg(from)
        .args(["--to", to, "--password-file"])
        .arg(password_file)
        .env_remove("PGPASSWORD")
        .output()
        .unwrap()
}

/// Both streams, with the lines the terminal fitting broke joined again.
fn text(o: &Output) -> String {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    all.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn client(url: &str) -> tokio_postgres::Client {
    TestPostgres::connect(url).await
}

/// A realistic SQLite store of `records` complaints (`bench store`), changed by `damage`, and
/// an empty database in a cluster of its own, with the password in a file.
struct Setup {
    dir: tempfile::TempDir,
    store: PathBuf,
    pg: TestPostgres,
    url: String,
    pwfile: PathBuf,
}

async fn setup(records: u64, years: u32, damage: impl FnOnce(&Connection)) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kota.db");
    lapor_tools::bench::store::build_store(records, years, &store)
        .await
        .unwrap();
    let conn = Connection::open(&store).unwrap();
    // A damaged file, as a copy made by hand might be: the foreign keys are off for this
    // connection only.
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    damage(&conn);
    drop(conn);
    let pg = TestPostgres::start().unwrap();
    let url = pg.create_database("kota").unwrap();
    let pwfile = dir.path().join("pg-password");
    std::fs::write(&pwfile, format!("{PASSWORD}\n")).unwrap();
    Setup {
        dir,
        store,
        pg,
        url,
        pwfile,
    }
}

fn sqlite_count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// What a table's rows are compared by: the counts that went back to 0 keep their rows in the
/// SQLite store and have none in PostgreSQL.
fn compared(table: &str) -> String {
    match table {
        "queue_counts" => format!("{table} WHERE records <> 0"),
        "writeback_counts" | "update_effect_counts" => format!("{table} WHERE n <> 0"),
        _ => table.to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_moves_whole_into_postgres_once() {
    // A count that went back to 0 (a state every record left), as a daemon's store has.
    let Setup {
        dir,
        store,
        pg,
        url,
        pwfile,
    } = setup(2_000, 2, |c| {
        c.execute_batch(
            "INSERT INTO queue_counts (channel, state, records, attempts)
                 VALUES ('sambat', 'dry_run_checked', 0, 0)",
        )
        .unwrap()
    })
    .await;

    let out = migrate(&store, &url, &pwfile);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("committed: 2,000 complaints moved into"),
        "{}",
        text(&out)
    );

    let sqlite = Connection::open(&store).unwrap();
    let db = client(&url).await;
    let tables: Vec<String> = sqlite
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(tables.len(), 16, "{tables:?}");
    for table in tables.iter().map(|t| compared(t)) {
        let want = sqlite_count(&sqlite, &format!("SELECT count(*) FROM {table}"));
        let got: i64 = db
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(got, want, "{table}");
    }
    assert!(sqlite_count(&sqlite, "SELECT count(*) FROM writebacks") > 2_000);
    // The content, not only the counts: a digest of every column a report reads.
    let digest = "SELECT count(*), sum(length(raw)), sum(length(coalesce(tracking_id, ''))), \
                  sum(length(coalesce(lapor_status, ''))), max(id) FROM records";
    let want: (i64, i64, i64, i64, i64) = sqlite
        .query_row(digest, [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap();
    let row = db.query_one(digest, &[]).await.unwrap();
    let got: (i64, i64, i64, i64, i64) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    assert_eq!(got, want);
    // A complaint created on PostgreSQL continues after the moved ids.
    let next: i64 = db
        .query_one(
            "INSERT INTO records (channel, local_id, raw, content_hash, received_at, updated_at)
             VALUES ('sambat', 'baru-1', '{}', 'h', '2026-12-03T00:00:00Z', '2026-12-03T00:00:00Z')
             RETURNING id",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(next, want.4 + 1);
    // The counts' triggers are on again after the move: a new outbox row is counted.
    let pending = "SELECT coalesce(sum(records), 0)::bigint FROM queue_counts
                   WHERE channel = 'sambat' AND state = 'pending'";
    let before: i64 = db.query_one(pending, &[]).await.unwrap().get(0);
    db.execute(
        "INSERT INTO outbox (record_id, state) VALUES ($1, 'pending')",
        &[&next],
    )
    .await
    .unwrap();
    let after: i64 = db.query_one(pending, &[]).await.unwrap().get(0);
    assert_eq!(after, before + 1);
    db.batch_execute(&format!(
        "DELETE FROM outbox WHERE record_id = {next};
         UPDATE queue_counts SET records = records - 1
          WHERE channel = 'sambat' AND state = 'pending';
         DELETE FROM records WHERE id = {next};"
    ))
    .await
    .unwrap();

    // Again into the same database: refused, nothing added.
    let again = migrate(&store, &url, &pwfile);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(
        text(&again).contains("already holds 2000 complaints"),
        "{}",
        text(&again)
    );
    let n: i64 = db
        .query_one("SELECT count(*) FROM records", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 2_000);

    // A wrong password: refused by the server, and never printed.
    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, "salah-sandi-xyz").unwrap();
    let denied = migrate(&store, &pg.create_database("lain").unwrap(), &wrong);
    assert_eq!(denied.status.code(), Some(1), "{}", text(&denied));
    assert!(
        text(&denied).contains("cannot connect")
            && text(&denied).contains("password authentication failed"),
        "{}",
        text(&denied)
    );
    assert!(
        !text(&denied).contains("salah-sandi-xyz"),
        "{}",
        text(&denied)
    );

    // A password in the address: refused before connecting, and not echoed.
    let inline = url.replace("lapor@", "lapor:rahasia-dalam-url@");
    let refused = migrate(&store, &inline, &pwfile);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        !text(&refused).contains("rahasia-dalam-url"),
        "{}",
        text(&refused)
    );
}

/// A damaged store's move: refused (exit 1), and nothing left in the database, not even the
/// schema. The output, and the setup (its folder holds the damaged store).
async fn refused_move(damage: impl FnOnce(&Connection)) -> (String, Setup) {
    let s = setup(300, 1, damage).await;
    let out = migrate(&s.store, &s.url, &s.pwfile);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let tables: i64 = client(&s.url)
        .await
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        tables, 0,
        "the schema and rows were rolled back with the copy"
    );
    (text(&out), s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_postgres_cannot_take_leaves_the_database_untouched() {
    // SQLite keeps text in an INTEGER column; PostgreSQL will not.
    let (out, setup) = refused_move(|c| {
        let id = sqlite_count(c, "SELECT max(id) FROM events");
        c.execute(
            "UPDATE events SET record_id = 'not-a-number' WHERE id = ?1",
            [id],
        )
        .unwrap();
    })
    .await;
    let id = sqlite_count(
        &Connection::open(&setup.store).unwrap(),
        "SELECT id FROM events WHERE record_id = 'not-a-number'",
    );
    assert!(
        out.contains(&format!(
            "table events, row id = {id}, column record_id: the SQLite store holds text"
        )),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_that_disagree_with_the_rows_stop_the_move() {
    let (out, _) = refused_move(|c| {
        c.execute_batch(
            "UPDATE queue_counts SET records = records + 1
             WHERE channel = 'sambat' AND state = 'forwarded'",
        )
        .unwrap()
    })
    .await;
    assert!(out.contains("the counts in queue_counts differ"), "{out}");
}
