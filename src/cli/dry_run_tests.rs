//! The dry-run report table in both languages, every line within 100 columns.

use super::*;
use crate::store::dry_run::Reason;
use crate::store::OutboxState;

fn row(key: &str, revision: i64, verdict: Option<(&str, i64)>, reasons: usize) -> DryRunRow {
    DryRunRow {
        key: key.to_owned(),
        revision,
        state: OutboxState::DryRunChecked,
        verdict: verdict.map(|(v, _)| v.to_owned()),
        verdict_revision: verdict.map(|(_, r)| r),
        reasons: (0..reasons)
            .map(|i| Reason {
                field: format!("kategori_{i}"),
                rule: "reference".into(),
                message: "kategori_id 999 is not in LAPOR!'s /kategori list of categories".into(),
            })
            .collect(),
        notes: vec![],
        payload: None,
        checked_at: Some("2026-12-01T07:30:00.000Z".into()),
        received_at: "2026-12-01T07:29:59.000Z".into(),
    }
}

fn rows() -> Vec<DryRunRow> {
    vec![
        row("sambat:20001", 1, Some(("valid", 1)), 0),
        row("call112:112-20261201-0042", 2, Some(("invalid", 1)), 3),
        row("ngombe:7-01122026-3f2a9c", 1, None, 0),
    ]
}

fn assert_fits(out: &str) {
    for l in out.lines() {
        assert!(
            l.chars().count() <= 100,
            "{} columns: {l}",
            l.chars().count()
        );
    }
}

#[test]
fn the_report_table_in_indonesian() {
    let out = table(Lang::Id, &rows(), 1, 1, 1);
    assert_fits(&out);
    assert!(out.starts_with("aduan "), "{out}");
    assert!(
        out.contains("diperiksa (WIB)") && out.contains("alasan"),
        "{out}"
    );
    assert!(out.contains("01/12/2026 14:30"), "WIB, day first: {out}");
    assert!(out.contains("tidak sah*"), "{out}");
    assert!(
        out.contains("3 aduan: 1 sah, 1 tidak sah, 1 belum diperiksa (* = hasil revisi"),
        "{out}"
    );
    insta::assert_snapshot!("dry_run_report_table_id", out);
}

#[test]
fn the_report_table_in_english() {
    let out = table(Lang::English, &rows(), 1, 1, 1);
    assert_fits(&out);
    assert!(out.starts_with("record "), "{out}");
    assert!(
        out.contains("checked at (WIB)") && out.contains("reasons"),
        "{out}"
    );
    assert!(out.contains("2026-12-01 14:30"), "{out}");
    assert!(out.contains("invalid*"), "{out}");
    assert!(
        out.contains("3 records: 1 valid, 1 invalid, 1 not checked yet (* = verdict"),
        "{out}"
    );
    insta::assert_snapshot!("dry_run_report_table_en", out);
}
