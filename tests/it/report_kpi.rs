//! KPIs on a hand-built store: a handful of complaints around Nyepi (11–12 March 2024) and
//! Idul Fitri (8–15 April 2024), whose figures are worked out by hand below and checked
//! through the real `lapor-bridge report` command.

use crate::support::report_fixture as fixture;

use std::path::Path;
use std::process::Command;

use fixture::Fixture;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");

/// The complaints (times WIB):
///
/// C1 sambat, reported Thu 4 Apr 14:00, forwarded 14:05 to 357301; terverifikasi and
///    terdisposisi Fri 5 Apr; first tanggapan (ditindaklanjuti) Tue 16 Apr 08:00; selesai
///    Tue 30 Apr. 6–15 Apr are weekend, cuti bersama (8, 9, 12, 15) and Idul Fitri (10, 11), so
///    the response took 10 h (Thu) + 24 h (Fri) + 8 h (Tue) = 42 h = 1.75 working days.
///    A stale update ("selesai" on 6 Apr) must be ignored.
/// C2 sambat, reported Fri 8 Mar 18:00, forwarded to 357302; ditolak with a tanggapan
///    Wed 13 Mar 12:00. 9–10 weekend, 11 Nyepi, 12 its cuti bersama: 6 h + 12 h = 0.75.
/// C3 callcenter, no report time (received Mon 1 Apr 09:00 counts), forwarded to 357301;
///    tanggapan Mon 1 Apr 21:00: 12 h = 0.5; diarsipkan Wed 3 Apr.
/// C4 callcenter, reported Wed 1 May 06:00 WIB (still 30 Apr in UTC): outside the period.
/// C5 sambat, reported Thu 29 Feb: outside the period, inside the year to date.
/// C6 sambat, reported Wed 24 Apr, forwarded to 357302; tanggapan only on 3 Jun.
/// C7 sambat, reported Tue 30 Apr, held (never forwarded, no instansi).
fn build(path: &Path) {
    let mut f = Fixture::create(path);
    f.instansi(357301, "Dinas Perhubungan");
    f.instansi(357302, "Dinas Kependudukan dan Pencatatan Sipil");

    let c1 = f.record(
        "sambat",
        "c1",
        Some("2024-04-04 14:00:00"),
        "2024-04-04 14:01:00",
    );
    f.forwarded(c1, "2024-04-04 14:05:00", 357301);
    f.update(Some(c1), "terverifikasi", "status", "2024-04-05 09:00:00");
    f.update(Some(c1), "terdisposisi", "status", "2024-04-05 10:00:00");
    f.update(Some(c1), "selesai", "stale", "2024-04-06 10:00:00");
    f.update(
        Some(c1),
        "ditindaklanjuti",
        "status_tanggapan",
        "2024-04-16 08:00:00",
    );
    f.update(Some(c1), "selesai", "status", "2024-04-30 10:00:00");

    let c2 = f.record(
        "sambat",
        "c2",
        Some("2024-03-08 18:00:00"),
        "2024-03-08 18:01:00",
    );
    f.forwarded(c2, "2024-03-08 18:05:00", 357302);
    f.update(Some(c2), "terverifikasi", "status", "2024-03-11 09:00:00");
    f.update(
        Some(c2),
        "ditolak",
        "status_tanggapan",
        "2024-03-13 12:00:00",
    );

    let c3 = f.record("callcenter", "c3", None, "2024-04-01 09:00:00");
    f.forwarded(c3, "2024-04-01 09:02:00", 357301);
    f.update(
        Some(c3),
        "belum_terverifikasi",
        "tanggapan",
        "2024-04-01 21:00:00",
    );
    f.update(Some(c3), "terverifikasi", "status", "2024-04-02 09:00:00");
    f.update(Some(c3), "diarsipkan", "status", "2024-04-03 10:00:00");

    let c4 = f.record(
        "callcenter",
        "c4",
        Some("2024-05-01 06:00:00"),
        "2024-05-01 06:01:00",
    );
    f.forwarded(c4, "2024-05-01 06:02:00", 357301);
    f.update(
        Some(c4),
        "ditindaklanjuti",
        "status_tanggapan",
        "2024-05-01 08:00:00",
    );

    let c5 = f.record(
        "sambat",
        "c5",
        Some("2024-02-29 10:00:00"),
        "2024-02-29 10:01:00",
    );
    f.forwarded(c5, "2024-02-29 10:02:00", 357302);

    let c6 = f.record(
        "sambat",
        "c6",
        Some("2024-04-24 10:00:00"),
        "2024-04-24 10:00:30",
    );
    f.forwarded(c6, "2024-04-24 10:01:00", 357302);
    f.update(Some(c6), "terverifikasi", "status", "2024-04-25 09:00:00");
    f.update(
        Some(c6),
        "ditindaklanjuti",
        "status_tanggapan",
        "2024-06-03 09:00:00",
    );

    let c7 = f.record(
        "sambat",
        "c7",
        Some("2024-04-30 10:00:00"),
        "2024-04-30 10:01:00",
    );
    f.held(c7);

    f.update(None, "selesai", "unknown_record", "2024-04-02 10:00:00");
}

fn report(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(["--lang", "en", "report"])
        .arg("--config")
        .arg(dir.join("bridge.toml"))
        .arg("--store")
        .arg(dir.join("bridge.db"))
        .args(args)
        .output()
        .expect("run lapor-bridge report");
    assert!(
        out.status.success(),
        "report failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    build(&dir.path().join("bridge.db"));
    std::fs::write(
        dir.path().join("bridge.toml"),
        "[report]\nannual_target = 10\n",
    )
    .unwrap();
    dir
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
}

fn kpi_is(
    k: &Value,
    counts: [u64; 3],
    rate: f64,
    mean: Option<f64>,
    median: Option<f64>,
    closed: u64,
    rejected: u64,
) {
    assert_eq!(k["received"], counts[0], "{k}");
    assert_eq!(k["forwarded"], counts[1], "{k}");
    assert_eq!(k["responded"], counts[2], "{k}");
    close(&k["response_rate"], rate);
    match mean {
        Some(m) => close(&k["mean_response_days"], m),
        None => assert!(k["mean_response_days"].is_null(), "{k}"),
    }
    match median {
        Some(m) => close(&k["median_response_days"], m),
        None => assert!(k["median_response_days"].is_null(), "{k}"),
    }
    assert_eq!(k["closed"], closed, "{k}");
    assert_eq!(k["rejected"], rejected, "{k}");
}

#[test]
fn kpis_of_march_and_april_2024_match_the_hand_worked_figures() {
    let dir = setup();
    let text = report(
        dir.path(),
        &[
            "--from",
            "2024-03-01",
            "--to",
            "2024-04-30",
            "--as-of",
            "2024-05-31",
            "--format",
            "json",
        ],
    );
    let r: Value = serde_json::from_str(&text).unwrap();

    // Cohort: C1, C2, C3, C6, C7 (C4 is 1 May in WIB, C5 is February).
    // Forwarded: all but C7. Responded by 31 May: C1 1.75, C2 0.75, C3 0.5 (C6 only in June).
    // Mean (1.75 + 0.75 + 0.5) / 3 = 1.0; median 0.75. Closed: C1 selesai, C3 diarsipkan.
    // Rejected: C2.
    kpi_is(&r["total"], [5, 4, 3], 0.6, Some(1.0), Some(0.75), 2, 1);

    // Year to date (1 Jan – 30 Apr): the cohort plus C5 = 6, of a target of 10.
    assert_eq!(r["target"]["year"], 2024);
    assert_eq!(r["target"]["annual"], 10);
    assert_eq!(r["target"]["year_to_date"], 6);
    close(&r["target"]["progress"], 0.6);

    // callcenter: C3 only. sambat: C1, C2, C6, C7; responded C1 1.75 and C2 0.75.
    let ch = r["by_channel"].as_array().unwrap();
    assert_eq!(ch.len(), 2);
    assert_eq!(ch[0]["channel"], "callcenter");
    kpi_is(&ch[0], [1, 1, 1], 1.0, Some(0.5), Some(0.5), 1, 0);
    assert_eq!(ch[1]["channel"], "sambat");
    kpi_is(&ch[1], [4, 3, 2], 0.5, Some(1.25), Some(1.25), 1, 1);

    // OPDs: none (C7), 357301 (C1, C3), 357302 (C2, C6).
    let opd = r["by_opd"].as_array().unwrap();
    assert_eq!(opd.len(), 3);
    assert!(opd[0]["instansi_id"].is_null());
    kpi_is(&opd[0], [1, 0, 0], 0.0, None, None, 0, 0);
    assert_eq!(opd[1]["instansi_id"], 357301);
    assert_eq!(opd[1]["name"], "Dinas Perhubungan");
    kpi_is(&opd[1], [2, 2, 2], 1.0, Some(1.125), Some(1.125), 2, 0);
    assert_eq!(opd[2]["instansi_id"], 357302);
    kpi_is(&opd[2], [2, 2, 1], 0.5, Some(0.75), Some(0.75), 0, 1);

    // Weeks from Mon 26 Feb to Mon 29 Apr: 10. C2 in the week of 4 Mar, C1 and C3 in the
    // week of 1 Apr, C6 on 22 Apr, C7 on 29 Apr.
    let weeks = r["weekly"].as_array().unwrap();
    assert_eq!(weeks.len(), 10);
    assert_eq!(weeks[0]["week_start"], "2024-02-26");
    let week =
        |start: &str| weeks.iter().find(|w| w["week_start"] == start).unwrap()["channels"].clone();
    assert_eq!(week("2024-03-04")["sambat"], 1);
    assert_eq!(week("2024-04-01")["sambat"], 1);
    assert_eq!(week("2024-04-01")["callcenter"], 1);
    assert_eq!(week("2024-04-29")["sambat"], 1);
    assert_eq!(week("2024-04-08")["sambat"], 0);

    // Distribution: 0.5 and 0.75 in [0.5, 1), 1.75 in [1, 2).
    let b = r["response_times"].as_array().unwrap();
    assert_eq!(b[0]["count"], 0);
    assert_eq!(b[1]["count"], 2);
    assert_eq!(b[2]["count"], 1);
    assert!(
        r["warnings"].as_array().unwrap().is_empty(),
        "{}",
        r["warnings"]
    );
}

#[test]
fn as_of_mid_april_counts_only_what_had_happened() {
    let dir = setup();
    let text = report(
        dir.path(),
        &[
            "--from",
            "2024-03-01",
            "--to",
            "2024-04-30",
            "--as-of",
            "2024-04-15",
            "--format",
            "json",
        ],
    );
    let r: Value = serde_json::from_str(&text).unwrap();
    // By the end of 15 Apr: C1, C2, C3 reported; C1's answer came on the 16th. Responded
    // C2 0.75 and C3 0.5: mean = median = 0.625. Closed: C3 (diarsipkan 3 Apr); C1 was
    // terdisposisi. Rejected: C2.
    kpi_is(
        &r["total"],
        [3, 3, 2],
        2.0 / 3.0,
        Some(0.625),
        Some(0.625),
        1,
        1,
    );
    // Year to date as of then: C5, C2, C3, C1.
    assert_eq!(r["target"]["year_to_date"], 4);
}

#[test]
fn table_and_csv_show_the_same_figures() {
    let dir = setup();
    let args = [
        "--from",
        "2024-03-01",
        "--to",
        "2024-04-30",
        "--as-of",
        "2024-05-31",
    ];
    let table = report(dir.path(), &args);
    let total = table
        .lines()
        .find(|l| l.starts_with("All channels"))
        .unwrap_or_else(|| panic!("no total row:\n{table}"));
    let cells: Vec<&str> = total.split_whitespace().collect();
    assert_eq!(
        cells,
        ["All", "channels", "5", "4", "3", "60.0%", "1.00", "0.75", "2", "1"],
        "{table}"
    );
    assert!(
        table.contains("6 of 10 complaints year to date (60.0%)"),
        "{table}"
    );

    let mut with_csv = args.to_vec();
    with_csv.extend(["--format", "csv"]);
    let csv = report(dir.path(), &with_csv);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 1 + 2 + 3, "{csv}");
    assert!(
        lines[1].contains(",Total,All channels,5,4,3,60.0,1.00,0.75,2,1"),
        "{csv}"
    );
}

#[test]
fn a_period_without_holiday_data_is_flagged_and_bad_dates_are_refused() {
    let dir = setup();
    let text = report(
        dir.path(),
        &[
            "--from",
            "2027-01-01",
            "--to",
            "2027-01-31",
            "--as-of",
            "2027-02-01",
            "--format",
            "json",
        ],
    );
    let r: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(r["total"]["received"], 0);
    let warnings = r["warnings"].to_string();
    assert!(warnings.contains("2027"), "{warnings}");

    let out = Command::new(BIN)
        .args(["report", "--config"])
        .arg(dir.path().join("bridge.toml"))
        .arg("--store")
        .arg(dir.path().join("bridge.db"))
        .args(["--from", "2024-04-30", "--to", "2024-03-01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("before"));
}
