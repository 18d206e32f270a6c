//! The real binary on a real store file: `dead-letters retry|acknowledge` on one record or a
//! selection, the count and the confirmation, and who and why read back from the timeline
//! (`show`, `dead-letters show`, the store); `--store` before or after the subcommand.

use crate::common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::Env;
use lapor_bridge::domain::RecordKey;
use lapor_bridge::store::{OutboxState, Store};
use lapor_mocks::lapor::LaporMockConfig;
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");

fn record(kategori: &str) -> serde_json::Value {
    json!({
        "judul": "Saluran air tersumbat di depan pasar",
        "isi": "Saluran air di depan Pasar Besar tersumbat sampah, air meluap ke jalan saat hujan.",
        "kategori": kategori, "opd": "DPUPRPKP", "kecamatan": "Klojen", "kelurahan": "Kauman",
        "alamat": "Jl. Pasar Besar", "pelapor": {"nama": "Siti Aminah", "nik": "3573010101900001", "hp": "0812-3456-7890", "email": null},
        "anonim": false, "rahasia": false, "foto": [], "status": "baru"
    })
}

/// `lapor-bridge <args>` without a terminal, as user `budi` (no sudo).
fn bridge(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--lang", "en"])
        .args(args)
        .env_remove("LAPOR_BRIDGE_CONFIG")
        .env_remove("LAPOR_BRIDGE__STORE__PATH")
        .env_remove("SUDO_USER")
        .env("USER", "budi")
        .stdin(Stdio::null())
        .output()
        .expect("run lapor-bridge")
}

/// `command` run by a shell on a pseudo-terminal, `input` typed into it; what it showed.
fn on_terminal(command: &str, input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("/usr/bin/script")
        .args(["-q", "-e", "-c", command, "/dev/null"])
        .env_remove("LAPOR_BRIDGE_CONFIG")
        .env_remove("LAPOR_BRIDGE__STORE__PATH")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run script");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn last_event(store: &Store, key: &RecordKey) -> (String, String) {
    let d = store.detail(key).unwrap();
    let e = d.events.last().unwrap();
    (e.kind.clone(), e.detail.clone().unwrap_or_default())
}

fn state(store_path: &Path, key: &RecordKey) -> OutboxState {
    Store::open_read_only(store_path)
        .unwrap()
        .detail(key)
        .unwrap()
        .state
}

#[tokio::test]
async fn bulk_retry_and_acknowledge_leave_who_and_why_on_the_timeline() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await;
    // Two records LAPOR! refuses (a kategori id it does not have: 422), one held (a
    // kategori the mapping does not know).
    let dead: Vec<i64> = (0..2)
        .map(|_| env.sambat.insert(record("Drainase")))
        .collect();
    let held = env.sambat.insert(record("Kategori Tak Dikenal"));
    let p = env.pipeline(&[(
        "LAPOR_BRIDGE__CHANNELS__SAMBAT__MAPPING__KATEGORI__DRAINASE",
        "999999".into(),
    )]);
    p.pollers[0].poll_once().await.unwrap();
    assert_eq!(p.forwarder.step().await.unwrap().dead, 2);
    let key = |id: i64| RecordKey::parse(&format!("sambat:{id}")).unwrap();
    let path = env.store_path();
    let f = path.to_str().unwrap();

    // `--store` after the subcommand, and before it.
    for args in [
        &["dead-letters", "list", "--store", f][..],
        &["--store", f, "dead-letters", "list"],
        &["dead-letters", "--store", f, "list"],
    ] {
        let o = bridge(args);
        let (out, err) = text(&o);
        assert!(o.status.success(), "{args:?}: {err}");
        for id in dead.iter().chain([&held]) {
            assert!(out.contains(&format!("sambat:{id}")), "{args:?}: {out}");
        }
    }

    // The other store readers take `--store`/`--config` on either side too.
    for args in [
        &["report", "--store", f, "sla", "--config", common::DEMO_TOML][..],
        &["--store", f, "--config", common::DEMO_TOML, "report", "sla"],
        &["report", "sla", "--store", f, "--config", common::DEMO_TOML],
        &["--store", f, "status", "--config", common::DEMO_TOML],
        &["--config", common::DEMO_TOML, "status", "--store", f],
    ] {
        let o = bridge(args);
        assert!(o.status.success(), "{args:?}: {:?}", text(&o));
    }
    let o = bridge(&["run", "--config", common::DEMO_TOML, "--store", f]);
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    assert!(text(&o).1.contains("store.path"), "{:?}", text(&o));

    // acknowledge needs a note.
    let o = bridge(&[
        "dead-letters",
        "acknowledge",
        "--reason",
        "422",
        "--store",
        f,
    ]);
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    assert!(text(&o).1.contains("--note"), "{:?}", text(&o));

    // A selection off a terminal without --yes: the count, and nothing done.
    let note = "kategori lama, sudah diteruskan manual ke DPUPRPKP";
    let o = bridge(&[
        "dead-letters",
        "acknowledge",
        "--reason",
        "422",
        "--note",
        note,
        "--store",
        f,
    ]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("2 dead or held record(s) match"), "{err}");
    assert!(err.contains("--yes"), "{err}");
    for id in &dead {
        assert_eq!(state(&path, &key(*id)), OutboxState::Dead);
    }

    // On a terminal (util-linux `script` gives it one) it asks; anything but yes does nothing.
    if Path::new("/usr/bin/script").exists() {
        let o = on_terminal(
            &format!(
                "{BIN} --lang en dead-letters acknowledge --reason 422 --note 'x' --store {f}"
            ),
            "n\n",
        );
        assert!(
            o.contains("2 dead or held record(s) match") && o.contains("Proceed? [y/N]"),
            "{o}"
        );
        for id in &dead {
            assert_eq!(state(&path, &key(*id)), OutboxState::Dead, "{o}");
        }
    }

    // With --yes and --by: the two 422s, not the held one.
    let o = bridge(&[
        "--store",
        f,
        "dead-letters",
        "acknowledge",
        "--reason",
        "422",
        "--note",
        note,
        "--by",
        "siti",
        "--yes",
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.contains("2 record(s) acknowledged"), "{out}");
    let store = Store::open_read_only(&path).unwrap();
    for id in &dead {
        assert_eq!(state(&path, &key(*id)), OutboxState::Acknowledged);
        let (kind, detail) = last_event(&store, &key(*id));
        assert_eq!(kind, "acknowledged");
        assert_eq!(detail, format!("was dead; by siti; note: {note}"));
    }
    assert_eq!(state(&path, &key(held)), OutboxState::Held);

    // Who and why, in WIB, from both views.
    let k = format!("sambat:{}", dead[0]);
    for args in [
        &["show", &k, "--store", f][..],
        &["dead-letters", "show", &k, "--store", f],
    ] {
        let o = bridge(args);
        let (out, err) = text(&o);
        assert!(o.status.success(), "{args:?}: {err}");
        // The entry, with the lines its text wraps onto (indented deeper) to fit 100 columns.
        let lines: Vec<&str> = out.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains("acknowledged") && l.contains("by siti"))
            .unwrap_or_else(|| panic!("{args:?}: {out}"));
        let indent = |l: &str| l.len() - l.trim_start().len();
        let mut line = lines[at].to_string();
        for more in lines[at + 1..]
            .iter()
            .take_while(|l| indent(l) > indent(lines[at]) + 2)
        {
            line = format!("{line} {}", more.trim());
        }
        assert!(line.contains(note), "{line}");
        assert!(line.contains(" WIB "), "{line}");
    }
    let (out, _) = text(&bridge(&["dead-letters", "show", &k, "--store", f]));
    assert!(!out.contains('Z'), "no UTC stamps: {out}");

    // A selection by channel takes dead and held, not acknowledged; `--by` defaults to $USER.
    let o = bridge(&[
        "dead-letters",
        "retry",
        "--channel",
        "sambat",
        "--yes",
        "--store",
        f,
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("1 dead or held record(s) match"), "{err}");
    assert!(out.contains("1 record(s) queued again"), "{out}");
    let (kind, detail) = last_event(&store, &key(held));
    assert_eq!(
        (kind.as_str(), detail.as_str()),
        ("retried", "was held; by budi")
    );
    assert_eq!(state(&path, &key(dead[0])), OutboxState::Acknowledged);

    // One record needs no confirmation, even acknowledged, and keeps its note.
    let o = bridge(&[
        "dead-letters",
        "retry",
        &k,
        "--note",
        "kategori diperbaiki",
        "--store",
        f,
    ]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_eq!(state(&path, &key(dead[0])), OutboxState::Pending);
    assert_eq!(
        last_event(&store, &key(dead[0])).1,
        "was acknowledged; by budi; note: kategori diperbaiki"
    );

    // --since after everything: none match.
    let o = bridge(&[
        "dead-letters",
        "retry",
        "--since",
        "2999-01-01",
        "--yes",
        "--store",
        f,
    ]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert!(text(&o).1.contains("0 dead or held record(s) match"));
    // A record and a selection at once, or neither: refused.
    let o = bridge(&["dead-letters", "retry", &k, "--all", "--store", f]);
    assert_eq!(o.status.code(), Some(2), "{:?}", text(&o));
    let o = bridge(&["dead-letters", "retry", "--store", f]);
    assert_eq!(o.status.code(), Some(1), "{:?}", text(&o));
    assert!(text(&o).1.contains("--all"), "{:?}", text(&o));
}
