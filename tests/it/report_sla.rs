//! `lapor-bridge report sla` on a hand-built store, as of Monday 29 July 2024 08:00 WIB.

use crate::support::report_fixture as fixture;

use std::process::Command;

use fixture::Fixture;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");

/// A: forwarded Thu 4 Apr 2024, never verified. 3 working days after 4 Apr are Fri 5,
///    Tue 16, Wed 17 Apr (Lebaran in between): breached since 18 Apr 00:00.
/// B: forwarded and disposed Mon 22 Jul, no follow-up. Working days after 22 Jul: 23, 24,
///    25, 26, 29 Jul; on Mon 29 Jul, after 4 days without follow-up, it is at risk.
/// C: forwarded Fri 26 Jul 10:00: 3 working days end on Wed 31 Jul: open, ok.
/// D: forwarded Thu 4 Jul, disposed 5 Jul, answered 15 Jul (5 working days after 5 Jul
///    end on Fri 12 Jul: late), selesai 16 Jul.
/// E: held, never forwarded: no rule applies.
pub(crate) fn build(path: &std::path::Path) {
    let mut f = Fixture::create(path);
    let a = f.record(
        "sambat",
        "a",
        Some("2024-04-04 09:00:00"),
        "2024-04-04 09:01:00",
    );
    f.forwarded(a, "2024-04-04 10:00:00", 357301);
    let b = f.record(
        "sambat",
        "b",
        Some("2024-07-22 08:00:00"),
        "2024-07-22 08:01:00",
    );
    f.forwarded(b, "2024-07-22 09:00:00", 357302);
    f.update(Some(b), "terdisposisi", "status", "2024-07-22 10:00:00");
    let c = f.record(
        "callcenter",
        "c",
        Some("2024-07-26 09:00:00"),
        "2024-07-26 09:01:00",
    );
    f.forwarded(c, "2024-07-26 10:00:00", 357301);
    let d = f.record(
        "sambat",
        "d",
        Some("2024-07-04 09:00:00"),
        "2024-07-04 09:01:00",
    );
    f.forwarded(d, "2024-07-04 10:00:00", 357301);
    f.update(Some(d), "terdisposisi", "status", "2024-07-05 10:00:00");
    f.update(
        Some(d),
        "ditindaklanjuti",
        "status_tanggapan",
        "2024-07-15 10:00:00",
    );
    f.update(Some(d), "selesai", "status", "2024-07-16 10:00:00");
    let e = f.record(
        "sambat",
        "e",
        Some("2024-07-26 09:00:00"),
        "2024-07-26 09:01:00",
    );
    f.held(e);
}

pub(crate) fn sla(dir: &std::path::Path, format: &str) -> String {
    sla_in(dir, format, "en")
}

/// `report sla` on the fixture at its fixed instant, in `lang`.
pub(crate) fn sla_in(dir: &std::path::Path, format: &str, lang: &str) -> String {
    let out = Command::new(BIN)
        .args(["--lang", lang, "report", "sla", "--config"])
        .arg(dir.join("none.toml"))
        .arg("--store")
        .arg(dir.join("bridge.db"))
        .args(["--as-of", "2024-07-29 08:00:00", "--format", format])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn at_risk_and_breached_complaints_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    build(&dir.path().join("bridge.db"));
    let r: Value = serde_json::from_str(&sla(dir.path(), "json")).unwrap();

    let watch = r["watch"].as_array().unwrap();
    let listed: Vec<(String, String, String)> = watch
        .iter()
        .map(|c| {
            (
                c["local_id"].as_str().unwrap().to_owned(),
                c["rule"].as_str().unwrap().to_owned(),
                c["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Most urgent first: A's deadline (18 Apr) before B's (30 Jul).
    assert_eq!(
        listed,
        [
            ("a".into(), "verifikasi".into(), "breached".into()),
            ("b".into(), "tindak_lanjut".into(), "at_risk".into()),
        ]
    );
    assert_eq!(watch[0]["deadline"], "2024-04-17T17:00:00Z"); // 18 Apr 00:00 WIB
    assert_eq!(watch[1]["deadline"], "2024-07-29T17:00:00Z"); // 30 Jul 00:00 WIB

    // Per rule. verifikasi: A breached, B met, C open ok, D met (disposed the next day).
    // tindak_lanjut: B at risk, D late. penutupan: D met (selesai the day after).
    let rules = r["rules"].as_array().unwrap();
    let rule = |name: &str| rules.iter().find(|x| x["rule"] == name).unwrap().clone();
    let v = rule("verifikasi");
    assert_eq!(
        (v["ok"].as_u64(), v["breached"].as_u64(), v["met"].as_u64()),
        (Some(1), Some(1), Some(2))
    );
    let t = rule("tindak_lanjut");
    assert_eq!(
        (t["at_risk"].as_u64(), t["met_late"].as_u64()),
        (Some(1), Some(1))
    );
    let p = rule("penutupan");
    assert_eq!((p["met"].as_u64(), p["ok"].as_u64()), (Some(1), Some(0)));

    let table = sla(dir.path(), "table");
    // Under the "Breached (1)" heading, A's row names its rule.
    let breached: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with("Breached ("))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(
        breached
            .iter()
            .any(|l| l.starts_with("verification") && l.contains("sambat:a")),
        "{table}"
    );
    let csv = sla(dir.path(), "csv");
    assert_eq!(csv.lines().count(), 3, "{csv}");
}
