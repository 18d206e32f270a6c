//! `lapor-bridge backup`: a consistent copy of the store through SQLite's online backup API,
//! taken beside a running daemon. The copy is made in one backup step, inside one read
//! transaction of the source: in WAL mode the daemon keeps writing meanwhile, and the copy is
//! the store as it was at one commit. It is written to a private (0600) temporary file beside
//! the target, checked (`PRAGMA integrity_check`), made a self-contained single file (rollback
//! journal, no -wal) and renamed into place, so a half-written copy never has the final name.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{create_private, migrations, Result, StoreError};

/// What one backup wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub path: PathBuf,
    /// Records in the copy.
    pub records: i64,
    /// Size of the copy in bytes.
    pub bytes: u64,
}

/// Copies the store at `source` to `dest` (replaced if it exists).
pub fn backup(source: &Path, dest: &Path) -> Result<BackupReport> {
    if !source.exists() {
        return Err(StoreError::Invalid(format!(
            "no store at {}: check store.path or pass --store",
            source.display()
        )));
    }
    let src = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    src.busy_timeout(std::time::Duration::from_secs(10))?;
    let version: i64 = src.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > migrations::LATEST {
        return Err(StoreError::TooNew {
            found: version,
            known: migrations::LATEST,
        });
    }
    let name = dest
        .file_name()
        .ok_or_else(|| StoreError::Invalid(format!("{} names no file", dest.display())))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".partial-{}", std::process::id()));
    let tmp = dest.with_file_name(tmp_name);
    remove_with_companions(&tmp);
    let result = copy_into(&src, &tmp);
    drop(src);
    let records = match result {
        Ok(n) => n,
        Err(e) => {
            remove_with_companions(&tmp);
            return Err(e);
        }
    };
    restrict(&tmp);
    if let Ok(f) = std::fs::File::open(&tmp) {
        let _ = f.sync_all();
    }
    std::fs::rename(&tmp, dest).map_err(|e| {
        remove_with_companions(&tmp);
        StoreError::Invalid(format!("cannot move the copy to {}: {e}", dest.display()))
    })?;
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport {
        path: dest.to_path_buf(),
        records,
        bytes,
    })
}

/// The copy itself, into the fresh file `tmp`; returns its record count.
fn copy_into(src: &Connection, tmp: &Path) -> Result<i64> {
    create_private(tmp)?;
    let mut dst = Connection::open(tmp)?;
    {
        let b = rusqlite::backup::Backup::new(src, &mut dst)?;
        // -1: every page in one step, under one read transaction of the source, so the copy
        // is one consistent snapshot however much the daemon writes meanwhile.
        // Busy or Locked (a writer holding an exclusive lock, briefly): try again, up to
        // the same 10 s the daemon's own connection waits.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match b.step(-1)? {
                rusqlite::backup::StepResult::Done => break,
                rusqlite::backup::StepResult::More => continue,
                _ if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20))
                }
                _ => {
                    return Err(StoreError::Invalid(
                        "the store stayed locked for 10 s; try the backup again".into(),
                    ))
                }
            }
        }
    }
    // The source's header says WAL; the copy is one self-contained file.
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    let check: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(StoreError::Invalid(format!(
            "the copy fails SQLite's integrity check ({check}); the store itself may be damaged: \
             run `sqlite3 STORE 'PRAGMA integrity_check'`"
        )));
    }
    let records: i64 = dst.query_row("SELECT count(*) FROM records", [], |r| r.get(0))?;
    dst.close().map_err(|(_, e)| e)?;
    Ok(records)
}

fn remove_with_companions(path: &Path) {
    let _ = std::fs::remove_file(path);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

fn restrict(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    let _ = path;
}

/// The prefix and suffix of the dated copies `backup --output DIR` writes.
pub const DATED_PREFIX: &str = "lapor-bridge-";
pub const DATED_SUFFIX: &str = ".db";

/// The file name of a dated copy taken at `at`: `lapor-bridge-20240729-081500-WIB.db`
/// (names sort as times do).
pub fn dated_name(at: jiff::Timestamp) -> String {
    let wib = at
        .to_zoned_datetime(crate::time::wib())
        .strftime("%Y%m%d-%H%M%S");
    format!("{DATED_PREFIX}{wib}-WIB{DATED_SUFFIX}")
}

/// Removes all but the newest `keep` dated copies in `dir` (by name, which sorts as time);
/// other files are left alone. Returns the removed paths, oldest first.
pub fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| StoreError::Invalid(format!("cannot list {}: {e}", dir.display())))?;
    let mut dated: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_dated(n))
        .collect();
    dated.sort();
    let excess = dated.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for name in dated.into_iter().take(excess) {
        let p = dir.join(&name);
        std::fs::remove_file(&p)
            .map_err(|e| StoreError::Invalid(format!("cannot remove {}: {e}", p.display())))?;
        removed.push(p);
    }
    Ok(removed)
}

/// `lapor-bridge-YYYYMMDD-HHMMSS-WIB.db`, exactly.
fn is_dated(name: &str) -> bool {
    let Some(mid) = name
        .strip_prefix(DATED_PREFIX)
        .and_then(|r| r.strip_suffix(DATED_SUFFIX))
        .and_then(|r| r.strip_suffix("-WIB"))
    else {
        return false;
    };
    let b = mid.as_bytes();
    b.len() == 15
        && b[8] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 8 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dated_names_sort_as_time_and_are_recognised() {
        let a = dated_name("2024-07-29T01:15:00Z".parse().unwrap());
        let b = dated_name("2024-07-30T01:15:00Z".parse().unwrap());
        assert_eq!(a, "lapor-bridge-20240729-081500-WIB.db");
        assert!(a < b);
        assert!(is_dated(&a));
        assert!(!is_dated("lapor-bridge-2024-WIB.db"));
        assert!(!is_dated("lapor-bridge.db"));
        assert!(!is_dated(".lapor-bridge-20240729-081500-WIB.db.partial-1"));
    }

    #[test]
    fn prune_keeps_the_newest_dated_copies_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        for day in 1..=5 {
            let at: jiff::Timestamp = format!("2024-07-0{day}T01:00:00Z").parse().unwrap();
            std::fs::write(dir.path().join(dated_name(at)), b"x").unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        std::fs::write(dir.path().join("lapor-bridge.db"), b"x").unwrap();
        let removed = prune(dir.path(), 2).unwrap();
        let names: Vec<String> = removed
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "lapor-bridge-20240701-080000-WIB.db",
                "lapor-bridge-20240702-080000-WIB.db",
                "lapor-bridge-20240703-080000-WIB.db"
            ]
        );
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "lapor-bridge-20240704-080000-WIB.db",
                "lapor-bridge-20240705-080000-WIB.db",
                "lapor-bridge.db",
                "notes.txt"
            ]
        );
        assert!(prune(dir.path(), 2).unwrap().is_empty());
    }
}
