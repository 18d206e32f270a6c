//! The retention purge on a demo store: `lapor-bridge run` against the LAPOR! (lifecycle to a
//! final status), SAMBAT, 112, desk mocks and the Ngombe CSV folder; once every complaint is
//! final and written back, `lapor-bridge privacy purge --older-than 0 --yes` must leave no
//! reporter's NIK or phone number, in any spelling, anywhere in the store file or its WAL,
//! delete the processed CSV files, and leave `report`'s figures as they were.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{counts, wait_for, SyncRig, DEMO_TOML};
use lapor_tools::demo::{channels, ngombe_inbox};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");

fn bridge(env: &[(String, String)], args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["--lang", "en"])
        .args(args)
        .envs(env.iter().cloned())
        .stdin(Stdio::null())
        .output()
        .expect("run lapor-bridge")
}

/// Every NIK and phone number the store holds, in each spelling: as the channel sent it, and
/// `+62…`, `62…`, `0…`, digits only.
fn identities(store: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(store).unwrap();
    let mut texts = Vec::new();
    for sql in [
        "SELECT raw FROM records",
        "SELECT raw FROM revisions",
        "SELECT payload FROM outbox WHERE payload IS NOT NULL",
    ] {
        let mut st = conn.prepare(sql).unwrap();
        let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
        texts.extend(rows.map(|r| r.unwrap()));
    }
    let mut out = BTreeSet::new();
    fn walk(v: &Value, key: &str, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(o) => o.iter().for_each(|(k, x)| walk(x, k, out)),
            Value::Array(a) => a.iter().for_each(|x| walk(x, key, out)),
            Value::String(s) => {
                let k = key.to_lowercase();
                let identity = k.split(['_', '-']).any(|w| {
                    ["nik", "hp", "telepon", "phone", "telp", "wa", "msisdn"].contains(&w)
                });
                let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
                if identity && digits.len() >= 9 {
                    out.insert(s.clone());
                    out.insert(digits.clone());
                    if let Some(p) = lapor_bridge::mapping::phone::normalise_phone(s) {
                        let nsn = p.trim_start_matches("+62").to_owned();
                        out.insert(format!("62{nsn}"));
                        out.insert(format!("0{nsn}"));
                        out.insert(p);
                    }
                }
            }
            _ => {}
        }
    }
    for t in texts {
        if let Ok(v) = serde_json::from_str::<Value>(&t) {
            walk(&v, "", &mut out);
        }
    }
    out
}

fn found_in_files(store: &Path, needles: &BTreeSet<String>) -> Vec<String> {
    let mut bytes = std::fs::read(store).unwrap();
    let wal = store.with_file_name(format!(
        "{}-wal",
        store.file_name().unwrap().to_string_lossy()
    ));
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    needles
        .iter()
        .filter(|n| bytes.windows(n.len()).any(|w| w == n.as_bytes()))
        .cloned()
        .collect()
}

fn report(env: &[(String, String)], store: &Path, as_of: &str) -> Value {
    let s = store.display().to_string();
    let out = bridge(
        env,
        &[
            "report",
            "--config",
            DEMO_TOML,
            "--store",
            &s,
            "--from",
            "2020-01-01",
            "--as-of",
            as_of,
            "--format",
            "json",
        ],
    );
    assert!(
        out.status.success(),
        "report failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("report --format json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_older_than_0_leaves_no_nik_or_phone_in_the_store_files_and_the_same_report() {
    let rig = SyncRig::start(Duration::from_millis(100), 0.6, 10, &[]).await;
    let (env, addr) = (&rig.env, rig.addr);
    let mut child = common::bridge_run(env, &rig.extra, &rig.log)
        .spawn()
        .expect("start lapor-bridge run");
    env.sambat.add_generated(30);
    common::wait_for_listener(addr).await;
    let sent = channels::simulate_webhooks(addr, 10, 10).await.unwrap();
    let rows = channels::drop_ngombe(&ngombe_inbox(&env.store_path()), 15).unwrap();
    let total = 30 + sent.records + rows;

    let store = common::open_store(&env.store_path());
    wait_for(
        "every complaint forwarded, final and written back",
        Duration::from_secs(120),
        || {
            counts(&store).forwarded == total
                && store.open_complaints(None, usize::MAX).unwrap().is_empty()
                && store
                    .writeback_counts()
                    .unwrap()
                    .iter()
                    .all(|c| c.state == "done")
        },
    )
    .await;
    drop(store);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    assert!(
        child.wait().unwrap().success(),
        "{}",
        std::fs::read_to_string(&rig.log_path).unwrap()
    );

    let path = env.store_path();
    let needles = identities(&path);
    assert!(
        needles.len() >= 10,
        "the demo store holds NIKs and phone numbers: {needles:?}"
    );
    let present = found_in_files(&path, &needles);
    assert!(present.len() >= 10, "found in the bytes: {present:?}");
    let processed = ngombe_inbox(&path).join("processed");
    let processed_files = std::fs::read_dir(&processed).unwrap().count();
    assert!(processed_files > 0, "the Ngombe file was processed");

    let child_env = env.child_env(&rig.extra);
    let as_of = jiff::Timestamp::now().to_string();
    let before = report(&child_env, &path, &as_of);
    assert_eq!(before["total"]["received"], total, "{before}");
    let s = path.display().to_string();

    // Without a terminal and without --yes: refused, naming the flag, nothing changed.
    let out = bridge(
        &child_env,
        &[
            "privacy",
            "purge",
            "--config",
            DEMO_TOML,
            "--store",
            &s,
            "--older-than",
            "0",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(found_in_files(&path, &needles), present);

    // --dry-run counts and changes nothing.
    let out = bridge(
        &child_env,
        &[
            "privacy",
            "purge",
            "--config",
            DEMO_TOML,
            "--store",
            &s,
            "--older-than",
            "0",
            "--dry-run",
        ],
    );
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("{total} complaint(s)")), "{text}");
    assert!(text.contains("dry run"), "{text}");

    let out = bridge(
        &child_env,
        &[
            "privacy",
            "purge",
            "--config",
            DEMO_TOML,
            "--store",
            &s,
            "--older-than",
            "0",
            "--yes",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "purge failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!(
            "removed the personal data of {total} complaint(s)"
        )),
        "{text}"
    );

    let left = found_in_files(&path, &needles);
    assert!(left.is_empty(), "still in the store's bytes: {left:?}");
    assert_eq!(
        std::fs::read_dir(&processed).unwrap().count(),
        0,
        "processed CSV files deleted"
    );
    assert_eq!(report(&child_env, &path, &as_of), before);

    // Nothing left to purge: a second run changes nothing and says so.
    let out = bridge(
        &child_env,
        &[
            "privacy",
            "purge",
            "--config",
            DEMO_TOML,
            "--store",
            &s,
            "--older-than",
            "0",
        ],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to purge"));
}

#[test]
fn privacy_purge_has_help() {
    let out = Command::new(BIN)
        .args(["privacy", "purge", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in ["--older-than", "--dry-run", "--yes"] {
        assert!(text.contains(flag), "{flag} in:\n{text}");
    }
}

/// The daemon's pipeline runs the purge as the stage `privacy-purge` with
/// `[privacy] retention_days`: a complaint final 40 days ago goes at 30 days, one final 10
/// days ago stays; the next purge is a day later.
#[tokio::test]
async fn the_daemon_stage_purges_with_the_configured_retention() {
    use lapor_bridge::runtime::{Stage, Step};
    let env = common::Env::start(lapor_mocks::lapor::LaporMockConfig::default()).await;
    let p = env.pipeline(&[("LAPOR_BRIDGE__PRIVACY__RETENTION_DAYS", "30".into())]);
    assert_eq!(p.cfg.privacy.retention_days, 30);
    assert!(p.liveness.heartbeat("privacy-purge").is_some());
    let now = jiff::Timestamp::now();
    for (n, days) in [(1, 40), (2, 10)] {
        let at = lapor_bridge::time::db(now - jiff::SignedDuration::from_hours(24 * days));
        let raw = format!(r#"{{"id":{n},"pelapor":{{"nik":"357301234567000{n}"}}}}"#);
        p.store
            .with_conn(|c| {
                c.execute(
                    "INSERT INTO records (channel, local_id, raw, content_hash, received_at,
                         updated_at, lapor_status, lapor_status_at)
                     VALUES ('sambat', ?1, ?2, 'h', ?3, ?3, 'selesai', ?3)",
                    rusqlite::params![format!("p{n}"), raw, at],
                )
            })
            .unwrap();
    }
    let stage = lapor_bridge::privacy::purge::PurgeStage::new(p.store.clone(), &p.cfg);
    assert_eq!(stage.name(), "privacy-purge");
    assert_eq!(
        stage.step().await,
        Step::Idle(lapor_bridge::privacy::purge::INTERVAL)
    );
    let raws: Vec<(String, String)> = p
        .store
        .with_conn(|c| {
            let mut st = c.prepare("SELECT local_id, raw FROM records ORDER BY local_id")?;
            let r = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            r.collect()
        })
        .unwrap();
    assert!(!raws[0].1.contains("3573012345670001"), "{raws:?}");
    assert!(raws[1].1.contains("3573012345670002"), "{raws:?}");
}
