//! `lapor-bridge store migrate` into a real PostgreSQL (a throwaway cluster of Debian's
//! server, `lapor_tools::postgres`): a realistic SQLite store moved whole, checked table by
//! table against the file; a second run, a wrong password and a bad row refused with nothing
//! changed.

use std::path::Path;
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
    let mut config: tokio_postgres::Config = url.parse().unwrap();
    config.password(PASSWORD);
    let (client, conn) = config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    client
}

fn sqlite_count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

const TABLES: &[&str] = &[
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
    // The counts, without those that went back to 0 (the SQLite store keeps their rows).
    "queue_counts WHERE records <> 0",
    "writeback_counts WHERE n <> 0",
    "update_effect_counts WHERE n <> 0",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_moves_whole_into_postgres_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kota.db");
    lapor_tools::bench::store::build_store(2_000, 2, &store)
        .await
        .unwrap();
    {
        // A count that went back to 0 (a state every record left), as a daemon's store has.
        let conn = Connection::open(&store).unwrap();
        conn.execute(
            "INSERT INTO queue_counts (channel, state, records, attempts)
             VALUES ('sambat', 'dry_run_checked', 0, 0)",
            [],
        )
        .unwrap();
    }
    let pg = TestPostgres::start().unwrap();
    let url = pg.create_database("kota").unwrap();
    let pwfile = dir.path().join("pg-password");
    std::fs::write(&pwfile, format!("{PASSWORD}\n")).unwrap();

    let out = migrate(&store, &url, &pwfile);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("moved 2,000 complaints into"),
        "{}",
        text(&out)
    );

    let sqlite = Connection::open(&store).unwrap();
    let db = client(&url).await;
    for table in TABLES {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_postgres_cannot_take_leaves_the_database_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kota.db");
    lapor_tools::bench::store::build_store(300, 1, &store)
        .await
        .unwrap();
    let sqlite = Connection::open(&store).unwrap();
    // SQLite keeps text in an INTEGER column; PostgreSQL will not. (A damaged file, as a
    // copy made by hand might be: the foreign key is off for this connection only.)
    sqlite.pragma_update(None, "foreign_keys", "OFF").unwrap();
    let id: i64 = sqlite_count(&sqlite, "SELECT max(id) FROM events");
    sqlite
        .execute(
            "UPDATE events SET record_id = 'not-a-number' WHERE id = ?1",
            [id],
        )
        .unwrap();
    drop(sqlite);
    let pg = TestPostgres::start().unwrap();
    let url = pg.create_database("kota").unwrap();
    let pwfile = dir.path().join("pg-password");
    std::fs::write(&pwfile, PASSWORD).unwrap();

    let out = migrate(&store, &url, &pwfile);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains(&format!(
            "table events, row id = {id}, column record_id: the SQLite store holds text"
        )),
        "{}",
        text(&out)
    );
    let db = client(&url).await;
    let tables: i64 = db
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_that_disagree_with_the_rows_stop_the_move() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kota.db");
    lapor_tools::bench::store::build_store(300, 1, &store)
        .await
        .unwrap();
    Connection::open(&store)
        .unwrap()
        .execute(
            "UPDATE queue_counts SET records = records + 1
             WHERE channel = 'sambat' AND state = 'forwarded'",
            [],
        )
        .unwrap();
    let pg = TestPostgres::start().unwrap();
    let url = pg.create_database("kota").unwrap();
    let pwfile = dir.path().join("pg-password");
    std::fs::write(&pwfile, PASSWORD).unwrap();

    let out = migrate(&store, &url, &pwfile);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("the counts in queue_counts differ"),
        "{}",
        text(&out)
    );
    let db = client(&url).await;
    let exists: bool = db
        .query_one("SELECT to_regclass('records') IS NOT NULL", &[])
        .await
        .unwrap()
        .get(0);
    assert!(!exists, "nothing was committed");
}
