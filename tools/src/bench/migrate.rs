//! `bench migrate --store FILE`: how long `lapor-bridge store migrate` takes to move a store
//! into PostgreSQL (a throwaway cluster on this machine, `crate::postgres`), which is the
//! downtime a city needs to move over; the release binary, as an operator runs it.

use std::path::Path;
use std::time::Instant;

use crate::postgres::{TestPostgres, PASSWORD};

pub async fn migrate(store: &Path) -> Result<(), String> {
    let bin = super::daemon::binary()?;
    let size = std::fs::metadata(store)
        .map_err(|e| format!("{}: {e}", store.display()))?
        .len();
    // A copy: `store migrate` brings an older store's schema up to date first.
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let copy = dir.path().join("store.db");
    std::fs::copy(store, &copy).map_err(|e| e.to_string())?;
    let pg = TestPostgres::start()?;
    let url = pg.create_database("kota")?;
    let pwfile = dir.path().join("password");
    std::fs::write(&pwfile, PASSWORD).map_err(|e| e.to_string())?;
    println!(
        "migrate: {} ({} MB) into a PostgreSQL cluster on this machine (fsync off, loopback)",
        store.display(),
        size / 1_000_000
    );
    let started = Instant::now();
    let out = tokio::process::Command::new(&bin)
        .args(["--lang", "en", "store", "migrate", "--from"])
        .arg(&copy)
        .args(["--to", &url, "--password-file"])
        .arg(&pwfile)
        .output()
        .await
        .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    print!("{}", String::from_utf8_lossy(&out.stdout));
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    println!("RESULT store migrate: {seconds:.1} s wall clock, the daemon stopped for that long");
    Ok(())
}
