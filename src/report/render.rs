//! The report for people and programs: a text table for a terminal ([`text`]), CSV for the
//! reader's Excel ([`csv_file`]) and an xlsx workbook ([`xlsx`]) in the reader's language,
//! and JSON with stable English keys for scripts and the dashboard test.

pub mod csv_file;
pub mod grid;
pub mod labels;
pub mod text;
pub mod xlsx;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    /// A workbook; binary, so only with `--output FILE`.
    Xlsx,
}

/// `97.5%` (the dashboard's figures); `–` when there is nothing to divide.
pub fn pct(v: Option<f64>) -> String {
    match v {
        Some(v) => format!("{:.1}%", v * 100.0),
        None => "–".to_owned(),
    }
}

/// `1.23` working days; `–` without responses.
pub fn days(v: Option<f64>) -> String {
    match v {
        Some(v) => format!("{v:.2}"),
        None => "–".to_owned(),
    }
}

pub fn json<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("plain data serialises");
    s.push('\n');
    s
}

/// At most `max` characters, with an ellipsis when cut.
pub fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
