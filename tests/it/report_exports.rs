//! The rekap for people, through the real binary on the hand-built stores of `report_kpi` and
//! `report_sla`: the text in Bahasa Indonesia (the default) and English, every line within 100
//! columns; CSV that Excel opens in each locale; and the xlsx workbook read back with calamine,
//! whose totals must equal `--format json`'s.

use std::path::Path;
use std::process::{Command, Output};

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

use crate::report_kpi::setup;
use crate::report_sla::sla_in;

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");
const PERIOD: [&str; 6] = [
    "--from",
    "2024-03-01",
    "--to",
    "2024-04-30",
    "--as-of",
    "2024-05-31",
];

fn run(dir: &Path, lang: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    if let Some(l) = lang {
        cmd.args(["--lang", l]);
    }
    cmd.arg("report")
        .arg("--config")
        .arg(dir.join("bridge.toml"))
        .arg("--store")
        .arg(dir.join("bridge.db"))
        .args(PERIOD)
        .args(args)
        // The shipped default must win, whatever the developer's shell says.
        .env_remove("LAPOR_BRIDGE_LANG")
        .env_remove("LAPOR_BRIDGE__UI__LANGUAGE")
        .output()
        .expect("run lapor-bridge report")
}

fn ok(dir: &Path, lang: Option<&str>, args: &[&str]) -> String {
    let out = run(dir, lang, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every line fits a 100-column terminal, counted in characters (é, –, … are one each).
pub(crate) fn assert_fits_100(text: &str) {
    for (i, line) in text.lines().enumerate() {
        let n = line.chars().count();
        assert!(n <= 100, "line {} has {n} columns: {line:?}\n{text}", i + 1);
    }
}

#[test]
fn the_rekap_is_indonesian_by_default_and_english_on_request() {
    let dir = setup();
    let id = ok(dir.path(), None, &[]);
    assert_eq!(id, ok(dir.path(), Some("id"), &[]), "id is the default");
    assert!(
        id.contains("Diterima") && id.contains("Semua kanal"),
        "{id}"
    );
    // Decimal comma, dd/mm/yyyy, WIB written; the wrapped OPD name keeps every word.
    assert!(id.contains("60,0%") && id.contains("01/03/2024"), "{id}");
    assert!(id.contains("WIB"), "{id}");
    assert!(id.contains("Pencatatan") && id.contains("Sipil"), "{id}");
    let en = ok(dir.path(), Some("en"), &[]);
    assert!(en.contains("Received") && en.contains("60.0%"), "{en}");
    assert_fits_100(&id);
    assert_fits_100(&en);
    insta::assert_snapshot!("report_text_id", id);
    insta::assert_snapshot!("report_text_en", en);
}

#[test]
fn the_sla_list_fits_100_columns_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    crate::report_sla::build(&dir.path().join("bridge.db"));
    let id = sla_in(dir.path(), "table", "id");
    let en = sla_in(dir.path(), "table", "en");
    assert!(
        id.contains("Lewat tenggat (1)") && id.contains("18/04/2024 00:00"),
        "{id}"
    );
    assert!(
        en.contains("Breached (1)") && en.contains("2024-04-18 00:00"),
        "{en}"
    );
    assert_fits_100(&id);
    assert_fits_100(&en);
    insta::assert_snapshot!("report_sla_text_id", id);
    insta::assert_snapshot!("report_sla_text_en", en);

    let csv = sla_in(dir.path(), "csv", "id");
    assert!(csv.starts_with('\u{feff}'), "{csv:?}");
    assert!(csv.contains(";18/04/2024 00:00;"), "{csv}");
}

#[test]
fn csv_is_excel_ready_in_each_language() {
    let dir = setup();
    let id = ok(dir.path(), None, &["--format", "csv"]);
    let body = id.strip_prefix('\u{feff}').expect("a UTF-8 BOM first");
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].starts_with("Dari;Sampai;Data per (WIB);"), "{id}");
    assert_eq!(lines[0].split(';').count(), 13, "{id}");
    // The total: period dd/mm/yyyy, as-of dd/mm/yyyy HH:MM (WIB), decimal commas.
    assert_eq!(
        lines[1],
        "01/03/2024;30/04/2024;01/06/2024 00:00;Total;Semua kanal;5;4;3;60,0;1,00;0,75;2;1",
        "{id}"
    );
    let en = ok(dir.path(), Some("en"), &["--format", "csv"]);
    assert!(!en.starts_with('\u{feff}'), "no BOM in en");
    assert!(en
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("2024-03-01,2024-04-30,2024-06-01 00:00,"));
    assert!(en.contains(",60.0,1.00,0.75,"), "{en}");
}

fn cells(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = wb
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("sheet {sheet:?}: {e}"));
    range.rows().map(|r| r.to_vec()).collect()
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number cell: {other:?}"),
    }
}

/// The summary row labelled `label`: its value cell.
fn figure<'a>(rows: &'a [Vec<Data>], label: &str) -> &'a Data {
    &rows
        .iter()
        .find(|r| r[0] == Data::String(label.into()))
        .unwrap_or_else(|| panic!("no row {label:?} in {rows:?}"))[1]
}

/// Excel's serial day number of a date.
fn serial(y: i16, m: i8, d: i8) -> f64 {
    let epoch = jiff::civil::date(1899, 12, 30);
    let days = jiff::civil::date(y, m, d).since(epoch).unwrap().get_days();
    f64::from(days)
}

#[test]
fn the_workbook_holds_the_json_totals_in_real_cells() {
    let dir = setup();
    let json: Value = serde_json::from_str(&ok(dir.path(), None, &["--format", "json"])).unwrap();
    let path = dir.path().join("rekap.xlsx");
    let said = ok(
        dir.path(),
        None,
        &["--format", "xlsx", "--output", path.to_str().unwrap()],
    );
    assert!(said.contains("rekap.xlsx"), "{said}");
    let mut wb: Xlsx<_> = open_workbook(&path).expect("a valid workbook");
    assert_eq!(
        wb.sheet_names(),
        ["Ringkasan", "Per kanal", "Per instansi", "Batas waktu"]
    );

    let sum = cells(&mut wb, "Ringkasan");
    assert_eq!(
        sum[0],
        [Data::String("Angka".into()), Data::String("Nilai".into())]
    );
    let t = &json["total"];
    for (label, key) in [
        ("Diterima", "received"),
        ("Diteruskan ke SP4N-LAPOR!", "forwarded"),
        ("Ditanggapi", "responded"),
        ("Tingkat tanggapan", "response_rate"),
        (
            "Rata-rata waktu tanggapan (hari kerja)",
            "mean_response_days",
        ),
        (
            "Median waktu tanggapan (hari kerja)",
            "median_response_days",
        ),
        ("Selesai", "closed"),
        ("Ditolak", "rejected"),
    ] {
        let got = num(figure(&sum, label));
        let want = t[key].as_f64().unwrap();
        assert!((got - want).abs() < 1e-9, "{label}: {got} vs {want}");
    }
    assert_eq!(num(figure(&sum, "Target tahunan 2024")), 10.0);
    assert_eq!(num(figure(&sum, "Aduan sejak 1 Januari")), 6.0);
    assert!((num(figure(&sum, "Capaian target")) - 0.6).abs() < 1e-9);
    // Dates are date cells, not text: 1 March 2024 and the as-of 1 June 00:00 WIB.
    match figure(&sum, "Dari") {
        Data::DateTime(d) => assert_eq!(d.as_f64(), serial(2024, 3, 1)),
        other => panic!("Dari is not a date cell: {other:?}"),
    }
    match figure(&sum, "Data per (WIB)") {
        Data::DateTime(d) => assert_eq!(d.as_f64(), serial(2024, 6, 1)),
        other => panic!("Data per is not a date cell: {other:?}"),
    }

    let ch = cells(&mut wb, "Per kanal");
    assert_eq!(ch[0][0], Data::String("Kanal".into()));
    assert_eq!(ch.len(), 1 + json["by_channel"].as_array().unwrap().len());
    let received: f64 = ch[1..].iter().map(|r| num(&r[1])).sum();
    assert_eq!(received, t["received"].as_f64().unwrap(), "{ch:?}");
    assert_eq!(ch[2][0], Data::String("sambat".into()));
    assert!((num(&ch[2][4]) - 0.5).abs() < 1e-9, "rate a number: {ch:?}");

    let opd = cells(&mut wb, "Per instansi");
    assert_eq!(opd.len(), 1 + 3);
    assert_eq!(opd[1][1], Data::String("(tanpa instansi)".into()));
    assert_eq!(num(&opd[2][0]), 357301.0);
    assert_eq!(
        opd[3][1],
        Data::String("Dinas Kependudukan dan Pencatatan Sipil".into())
    );
    let received: f64 = opd[1..].iter().map(|r| num(&r[2])).sum();
    assert_eq!(received, t["received"].as_f64().unwrap());

    let sla = cells(&mut wb, "Batas waktu");
    assert_eq!(sla[0][0], Data::String("Keadaan".into()));

    // Each list sheet's header row is frozen and filtered (calamine does not read views).
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    for n in 2..=4 {
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap(),
            &mut xml,
        )
        .unwrap();
        assert!(
            xml.contains(r#"ySplit="1""#) && xml.contains(r#"state="frozen""#),
            "{xml}"
        );
        assert!(xml.contains("<autoFilter"), "sheet {n}: {xml}");
        assert!(xml.contains("<col "), "sheet {n} has column widths");
    }

    let mut styles = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
    assert!(styles.contains(r#"formatCode="dd/mm/yyyy""#), "{styles}");
    assert!(styles.contains(r#"formatCode="0.0%""#), "{styles}");

    // Written atomically: no temporary file is left beside it.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn the_english_workbook_has_english_sheets() {
    let dir = setup();
    let path = dir.path().join("report.xlsx");
    ok(
        dir.path(),
        Some("en"),
        &["--format", "xlsx", "--output", path.to_str().unwrap()],
    );
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "By channel", "By agency", "Service levels"]
    );
    let sum = cells(&mut wb, "Summary");
    assert_eq!(num(figure(&sum, "Received")), 5.0);
}

#[test]
fn xlsx_without_output_is_refused_with_a_clear_message() {
    let dir = setup();
    let out = run(dir.path(), None, &["--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing binary on the terminal");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--output"), "{err}");
    let out = run(dir.path(), Some("en"), &["--format", "xlsx"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("binary"));
}

#[test]
fn an_empty_period_says_so_and_its_warnings_fit_the_terminal() {
    let dir = setup();
    let out = Command::new(BIN)
        .args(["report", "--config"])
        .arg(dir.path().join("bridge.toml"))
        .arg("--store")
        .arg(dir.path().join("bridge.db"))
        .args(["--from", "2027-01-01", "--to", "2027-01-31"])
        .args(["--as-of", "2027-02-01"])
        .env_remove("LAPOR_BRIDGE_LANG")
        .env_remove("LAPOR_BRIDGE__UI__LANGUAGE")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Tidak ada data untuk periode ini"), "{text}");
    // 2027 has no shipped holidays: the caveat is printed, wrapped within 100 columns.
    assert!(
        text.contains("Peringatan:") && text.contains("2027"),
        "{text}"
    );
    assert_fits_100(&text);
}
