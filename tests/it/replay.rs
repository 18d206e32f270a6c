//! `lapor-bridge replay` beside a running daemon (`lapor-bridge run`, a child process) and
//! the SAMBAT mock: records SAMBAT lists with times behind the poller's cursor (as after
//! SAMBAT's own outage, restored from its backup) are missed by the regular polls and found by
//! a replay: the missing one created once, the edited one recorded as a revision, nothing
//! created twice, the cursor not moved back.

use crate::common;

use std::process::Command;
use std::time::Duration;

use common::{wait_for, Env, DEMO_TOML};
use lapor_bridge::domain::ChannelName;
use lapor_bridge::store::Store;
use lapor_mocks::lapor::LaporMockConfig;
use rusqlite::{Connection, OpenFlags};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");

fn aduan(isi: &str) -> serde_json::Value {
    json!({
        "judul": "", "isi": isi, "kategori": "Penerangan Jalan", "opd": "DPUPRPKP",
        "kecamatan": "Blimbing", "kelurahan": "Polowijen", "alamat": "Jl. Raden Intan",
        "pelapor": {"nama": "Warga Uji", "nik": "", "hp": "", "email": ""},
        "anonim": false, "rahasia": false, "foto": [], "status": "baru"
    })
}

/// (local id, revision) of every SAMBAT record in the store, and the revisions rows.
fn snapshot(path: &std::path::Path) -> (Vec<(String, i64)>, i64) {
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut st = c
        .prepare("SELECT local_id, revision FROM records WHERE channel = 'sambat' ORDER BY id")
        .unwrap();
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let revisions: i64 = c
        .query_row("SELECT count(*) FROM revisions", [], |r| r.get(0))
        .unwrap();
    (rows, revisions)
}

fn replay(store: &std::path::Path, since: &str) -> std::process::Output {
    Command::new(BIN)
        .args(["--lang", "en", "replay", "--config", DEMO_TOML, "--store"])
        .arg(store)
        .args([
            "--channel",
            "sambat",
            "--since",
            since,
            "--by",
            "operator-uji",
        ])
        .args(["--wait", "--timeout", "60"])
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_beside_the_daemon_finds_missed_and_edited_records_once() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await;
    let path = env.store_path();
    env.sambat.set_clock("2024-07-29 08:00:00");
    let a = env
        .sambat
        .insert(aduan("Lampu PJU di depan SDN Polowijen 2 mati."));
    let b = env
        .sambat
        .insert(aduan("Saluran air di Jl. Raden Intan tersumbat."));
    let c = env
        .sambat
        .insert(aduan("Jalan berlubang di depan pasar Blimbing."));

    let log_path = env.dir.path().join("bridge.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = common::bridge_run(&env, &[], &log)
        .env_remove("RUST_LOG")
        .env_remove("NOTIFY_SOCKET")
        .spawn()
        .expect("start lapor-bridge run");
    let log_text = || std::fs::read_to_string(&log_path).unwrap_or_default();

    let read = || Store::open_read_only(&path).ok();
    let forwarded = |n: u64| {
        move || {
            read()
                .and_then(|s| s.state_counts().ok())
                .is_some_and(|c| lapor_tools::demo::totals(&c).forwarded >= n)
        }
    };
    wait_for(
        "the three records forwarded",
        Duration::from_secs(60),
        forwarded(3),
    )
    .await;

    // A later record moves the cursor to 10:00.
    env.sambat.set_clock("2024-07-29 10:00:00");
    let d = env
        .sambat
        .insert(aduan("Pohon tumbang menutup Jl. Borobudur."));
    let sambat = ChannelName::parse("sambat").unwrap();
    wait_for("the cursor at 10:00", Duration::from_secs(60), || {
        read()
            .and_then(|s| s.cursor(&sambat).ok().flatten())
            .as_deref()
            == Some("2024-07-29 10:00:00")
    })
    .await;
    wait_for(
        "four records forwarded",
        Duration::from_secs(60),
        forwarded(4),
    )
    .await;

    // Each forwarded record's write-back moves its `diperbarui` to SAMBAT's clock; one landing
    // after the edit below would show the edit to a regular poll. So they are all done first.
    wait_for("the four write-backs sent", Duration::from_secs(60), || {
        let sent = env.sambat.writebacks();
        [a, b, c, d]
            .iter()
            .all(|id| sent.iter().any(|w| w.aduan_id == *id))
            && read()
                .and_then(|s| s.writeback_counts().ok())
                .is_some_and(|counts| counts.iter().all(|w| w.state != "pending"))
    })
    .await;

    // SAMBAT comes back from its outage with an edit and a record stamped 09:00, behind the
    // cursor: regular polls do not see them.
    env.sambat.set_clock("2024-07-29 09:00:00");
    assert!(env.sambat.edit(b, |r| {
        r.insert(
            "isi".into(),
            json!("Saluran air di Jl. Raden Intan tersumbat, air meluap ke rumah warga."),
        );
    }));
    let e = env
        .sambat
        .insert(aduan("Sampah menumpuk di TPS Polowijen."));
    env.sambat.set_clock("2024-07-29 10:00:01");
    let polls = env.sambat.counters().list_requests;
    wait_for("three more polls", Duration::from_secs(30), || {
        env.sambat.counters().list_requests >= polls + 3
    })
    .await;
    let (before, revisions_before) = snapshot(&path);
    assert_eq!(
        before.len(),
        4,
        "regular polls miss what is behind the cursor: {before:?}"
    );
    assert!(before.iter().all(|(_, rev)| *rev == 1));

    let out = tokio::task::spawn_blocking({
        let p = path.clone();
        move || replay(&p, "2024-07-29 08:30:00")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "replay failed: {}{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr),
        log_text()
    );
    assert!(
        stdout.contains("from 2024-07-29 08:30:00 WIB requested (by operator-uji)"),
        "{stdout}"
    );
    // From 08:30: B (edited, already forwarded), E (new) and D (unchanged, read once per
    // pass over its second).
    assert!(
        stdout.contains("1 new, 0 updated before forwarding, 1 edited after forwarding\n")
            && stdout.contains("(recorded as revisions), 0 requeued,"),
        "{stdout}"
    );

    let (after, revisions_after) = snapshot(&path);
    let ids: Vec<String> = [a, b, c, d, e].iter().map(|i| i.to_string()).collect();
    let mut held: Vec<String> = after.iter().map(|(id, _)| id.clone()).collect();
    held.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(held, want, "each record once");
    let rev = |id: i64| after.iter().find(|(l, _)| *l == id.to_string()).unwrap().1;
    assert_eq!(rev(b), 2, "the edit is a revision of B");
    assert_eq!((rev(a), rev(c), rev(d), rev(e)), (1, 1, 1, 1));
    assert_eq!(
        revisions_after,
        revisions_before + 2,
        "B's revision 2 and E's first"
    );
    let store = Store::open_read_only(&path).unwrap();
    // Not moved back (the write-backs of forwarded records bump SAMBAT's `diperbarui` to
    // its clock, so the cursor may have moved on to 10:00:01).
    let cursor = store.cursor(&sambat).unwrap().unwrap();
    assert!(
        cursor.as_str() >= "2024-07-29 10:00:00",
        "cursor moved back to {cursor}"
    );
    assert_eq!(store.replay_request(&sambat).unwrap(), None);
    let detail = store
        .detail(&lapor_bridge::domain::RecordKey::new(
            sambat.clone(),
            b.to_string(),
        ))
        .unwrap();
    assert!(
        detail
            .events
            .iter()
            .any(|ev| ev.detail.as_deref() == Some("revision 2")),
        "{:?}",
        detail.events
    );
    drop(store);

    // E is forwarded, and LAPOR! received each complaint once.
    wait_for(
        "five records forwarded",
        Duration::from_secs(60),
        forwarded(5),
    )
    .await;
    assert_eq!(env.lapor.complaints().len(), 5);

    // The same replay again: nothing new, nothing edited.
    let out = tokio::task::spawn_blocking({
        let p = path.clone();
        move || replay(&p, "2024-07-29 08:30:00")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("0 new, 0 updated before forwarding, 0 edited"),
        "{stdout}"
    );
    assert_eq!(snapshot(&path).0.len(), 5);

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "{status}\n{}", log_text());
    assert_eq!(env.lapor.complaints().len(), 5);
}

#[test]
fn replay_refuses_webhook_channels_and_bad_times_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("bridge.db");
    drop(common::open_store(&store));
    let run = |channel: &str, since: &str| {
        Command::new(BIN)
            .args(["--lang", "en", "replay", "--config", DEMO_TOML, "--store"])
            .arg(&store)
            .args(["--channel", channel, "--since", since])
            .output()
            .unwrap()
    };
    let o = run("call112", "2024-07-29");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ask the sender to deliver again"), "{err}");
    let o = run("sambat", "kemarin");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("YYYY-MM-DD HH:MM:SS"));
    let o = run("tidak-ada", "2024-07-29");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no channel tidak-ada"));
    // Without --wait: the request is recorded for the daemon and the command returns.
    let o = run("sambat", "2024-07-29");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = Store::open_read_only(&store).unwrap();
    let req = s
        .replay_request(&ChannelName::parse("sambat").unwrap())
        .unwrap()
        .expect("a pending request");
    assert_eq!(req.since, "2024-07-28T17:00:00.000Z");
}
