//! `lapor-bridge backup` beside a running daemon (`lapor-bridge run`, a child process) that
//! keeps storing webhook deliveries: each copy opens, passes SQLite's integrity check, is
//! private (0600), and holds a consistent prefix of the store: every delivery acknowledged
//! before the backup started, nothing the store does not hold, every record with its outbox
//! row. A copy restored as the store is opened by the bridge as it was.

use crate::common;
use crate::support::webhooks;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{wait_for, Env};
use lapor_mocks::lapor::LaporMockConfig;
use rusqlite::{Connection, OpenFlags};

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");

fn keys(path: &Path) -> BTreeSet<String> {
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut st = c
        .prepare("SELECT channel || ':' || local_id FROM records")
        .unwrap();
    let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

fn backup(store: &Path, output: &Path, keep: Option<u32>) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.args([
        "--lang",
        "en",
        "backup",
        "--config",
        "/nonexistent/lapor-bridge.toml",
        "--store",
    ])
    .arg(store)
    .arg("--output")
    .arg(output)
    .env_remove("LAPOR_BRIDGE__STORE__PATH");
    if let Some(k) = keep {
        cmd.args(["--keep", &k.to_string()]);
    }
    cmd.output().unwrap()
}

/// Checks one copy on its own: integrity, mode, one file, records each with an outbox row.
fn check_copy(copy: &Path) -> BTreeSet<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{} has mode {mode:o}", copy.display());
    let mut wal = copy.as_os_str().to_owned();
    wal.push("-wal");
    assert!(!PathBuf::from(wal).exists(), "the copy is one file");
    let c = Connection::open_with_flags(copy, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let journal: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "delete");
    let orphans: i64 = c
        .query_row(
            "SELECT count(*) FROM records r LEFT JOIN outbox o ON o.record_id = r.id \
             WHERE o.record_id IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0, "every record in the copy has its outbox row");
    drop(c);
    keys(copy)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_daemon_writes_is_a_consistent_private_copy() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await;
    let addr = SocketAddr::from(([127, 0, 0, 1], common::free_port()));
    let log_path = env.dir.path().join("bridge.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let extra = [("LAPOR_BRIDGE__WEBHOOKS__LISTEN", addr.to_string())];
    let mut child = common::bridge_run(&env, &extra, &log)
        .env_remove("RUST_LOG")
        .env_remove("NOTIFY_SOCKET")
        .spawn()
        .expect("start lapor-bridge run");
    common::wait_for_listener(addr).await;
    let url = format!("http://{addr}/webhooks/call112");

    // A sender that keeps delivering new tickets until told to stop; `acked` counts the
    // deliveries the bridge answered 2xx (committed to the store).
    let acked = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let sender = {
        let (acked, stop, url) = (acked.clone(), stop.clone(), url.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut i = 0usize;
            while !stop.load(Ordering::SeqCst) {
                let body = webhooks::ticket(&format!("112-bak-{i:05}"), "cadangan");
                let (status, resp) =
                    webhooks::send(&client, &url, webhooks::CALL112_SECRET, &body).await;
                assert!((200..300).contains(&status), "{status}: {resp}");
                acked.fetch_add(1, Ordering::SeqCst);
                i += 1;
            }
        })
    };
    wait_for("200 deliveries stored", Duration::from_secs(60), || {
        acked.load(Ordering::SeqCst) >= 200
    })
    .await;

    let store = env.store_path();
    let out_dir = env.dir.path().join("backups");
    std::fs::create_dir(&out_dir).unwrap();
    let mut copies = Vec::new();
    for n in 0..3 {
        let before = acked.load(Ordering::SeqCst);
        let copy = out_dir.join(format!("copy-{n}.db"));
        let (s, c) = (store.clone(), copy.clone());
        let out = tokio::task::spawn_blocking(move || backup(&s, &c, None))
            .await
            .unwrap();
        let after = acked.load(Ordering::SeqCst);
        assert!(
            out.status.success(),
            "backup failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("records"), "{stdout}");
        let held = check_copy(&copy);
        // Acknowledged before the backup began: in the copy. The copy holds at most what
        // was stored (acknowledged, or committed and about to be) when it ended.
        assert!(
            held.len() >= before && held.len() <= after + 1,
            "copy {n}: {} records, {before} acknowledged before, {after} after",
            held.len()
        );
        copies.push((copy, held));
        // The daemon keeps writing between copies.
        let next = after + 20;
        wait_for("more deliveries", Duration::from_secs(30), || {
            acked.load(Ordering::SeqCst) >= next
        })
        .await;
    }

    stop.store(true, Ordering::SeqCst);
    sender.await.unwrap();
    let total = acked.load(Ordering::SeqCst);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(
        status.success(),
        "SIGTERM ends the run: {status}\n{}",
        std::fs::read_to_string(&log_path).unwrap_or_default()
    );

    // The daemon's store after it stopped: exactly the acknowledged deliveries; each copy a
    // prefix of it, each later copy holding the earlier one.
    let all = keys(&store);
    assert_eq!(all.len(), total);
    let mut prev: BTreeSet<String> = BTreeSet::new();
    for (copy, held) in &copies {
        assert!(
            held.is_subset(&all),
            "{} holds records the store does not",
            copy.display()
        );
        assert!(
            prev.is_subset(held),
            "{} lost records of an earlier copy",
            copy.display()
        );
        assert!(
            held.len() < all.len(),
            "the daemon wrote after {}",
            copy.display()
        );
        prev = held.clone();
    }

    // Restore: the last copy, put in place as the store, is opened and migrated by the
    // bridge and reads back as it was copied.
    let restored = env.dir.path().join("restored.db");
    std::fs::copy(&copies[2].0, &restored).unwrap();
    let s = common::open_store(&restored);
    let totals = common::counts(&s);
    drop(s);
    assert_eq!(keys(&restored), copies[2].1, "{totals:?}");
}

#[test]
fn dated_copies_in_a_folder_keep_the_newest_n() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("bridge.db");
    drop(common::open_store(&store));
    let out = dir.path().join("daily");
    std::fs::create_dir(&out).unwrap();
    // Older daily copies, as the timer leaves them, and a file of the operator's own.
    for day in ["20240701", "20240702", "20240703"] {
        std::fs::write(
            out.join(format!("lapor-bridge-{day}-020000-WIB.db")),
            b"old",
        )
        .unwrap();
    }
    std::fs::write(out.join("catatan.txt"), b"milik operator").unwrap();

    let o = backup(&store, &out, Some(2));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left.len(), 3, "{left:?}");
    assert_eq!(left[0], "catatan.txt");
    assert_eq!(left[1], "lapor-bridge-20240703-020000-WIB.db");
    assert!(left[2].starts_with("lapor-bridge-20") && left[2].ends_with("-WIB.db"));
    let fresh = out.join(&left[2]);
    check_copy(&fresh);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("lapor-bridge-20240701-020000-WIB.db"),
        "{stdout}"
    );
    assert!(
        stdout.contains("lapor-bridge-20240702-020000-WIB.db"),
        "{stdout}"
    );

    // --keep needs a folder: a file target is refused with the fix.
    let o = backup(&store, &dir.path().join("one.db"), Some(2));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not an existing folder"));
    // No store: said so, nothing written.
    let o = backup(
        &dir.path().join("missing.db"),
        &dir.path().join("x.db"),
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no store at"));
    assert!(!dir.path().join("x.db").exists());
}

/// The packaged timer starts the packaged service, whose ExecStart (run here with the test's
/// paths) makes a dated copy and keeps `LAPOR_BRIDGE_BACKUP_KEEP`; the .deb installs both;
/// `systemd-analyze verify` accepts them where it is installed.
#[test]
fn the_packaged_backup_units_make_and_prune_daily_copies() {
    let root = env!("CARGO_MANIFEST_DIR");
    let service =
        std::fs::read_to_string(format!("{root}/config/systemd/lapor-bridge-backup.service"))
            .unwrap();
    let timer = std::fs::read_to_string(format!("{root}/config/systemd/lapor-bridge-backup.timer"))
        .unwrap();
    assert!(timer.contains("Unit=lapor-bridge-backup.service"));
    assert!(timer.contains("OnCalendar=") && timer.contains("Persistent=true"));
    let cargo = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    for unit in ["lapor-bridge-backup.service", "lapor-bridge-backup.timer"] {
        assert!(
            cargo.contains(&format!(
                "[\"config/systemd/{unit}\", \"usr/lib/systemd/system/\""
            )),
            "the .deb installs {unit}"
        );
    }
    let line = |key: &str| -> String {
        service
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_else(|| panic!("no {key} in the service"))
            .to_string()
    };
    let keep = line("Environment=LAPOR_BRIDGE_BACKUP_KEEP=");
    assert_eq!(keep, "7");

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("lapor-bridge.db");
    drop(common::open_store(&store));
    let config = dir.path().join("lapor-bridge.toml");
    std::fs::write(
        &config,
        format!("[store]\npath = \"{}\"\n", store.display()),
    )
    .unwrap();
    let out = dir.path().join("backups");
    std::fs::create_dir(&out).unwrap();
    for day in 1..=9 {
        std::fs::write(
            out.join(format!("lapor-bridge-202407{day:02}-023000-WIB.db")),
            b"old",
        )
        .unwrap();
    }
    let exec = line("ExecStart=")
        .replace(
            "/etc/lapor-bridge/lapor-bridge.toml",
            config.to_str().unwrap(),
        )
        .replace("/var/backups/lapor-bridge", out.to_str().unwrap())
        .replace("${LAPOR_BRIDGE_BACKUP_KEEP}", &keep);
    let mut words = exec.split_whitespace();
    assert_eq!(words.next(), Some("/usr/bin/lapor-bridge"));
    let o = Command::new(BIN)
        .args(words)
        .env_remove("LAPOR_BRIDGE__STORE__PATH")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left.len(), 7, "{left:?}");
    assert_eq!(left[0], "lapor-bridge-20240704-023000-WIB.db");
    check_copy(&out.join(&left[6]));

    // systemd's own check, with the binary where this build has it.
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_ok()
    {
        let units = dir.path().join("units");
        std::fs::create_dir(&units).unwrap();
        std::fs::write(
            units.join("lapor-bridge-backup.service"),
            service.replace("/usr/bin/lapor-bridge", BIN),
        )
        .unwrap();
        std::fs::write(units.join("lapor-bridge-backup.timer"), &timer).unwrap();
        let v = Command::new("systemd-analyze")
            .arg("verify")
            .arg(units.join("lapor-bridge-backup.timer"))
            .arg(units.join("lapor-bridge-backup.service"))
            .output()
            .unwrap();
        assert!(
            v.status.success() && v.stderr.is_empty(),
            "systemd-analyze verify: {}",
            String::from_utf8_lossy(&v.stderr)
        );
    }
}
