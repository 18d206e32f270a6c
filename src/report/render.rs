//! The report as a table (for a terminal), JSON (for scripts and the dashboard test) or CSV
//! (for the spreadsheet Diskominfo sends on). The number formats here are the ones the
//! dashboard shows, so both print the same figures.

use std::fmt::Write as _;

use serde::Serialize;

use super::kpi::{Kpi, Report};
use super::sla::SlaReport;
use crate::time;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// `97.5%`; `–` when there is nothing to divide.
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

/// The rows of the KPI table: a label and its figures.
pub fn rows(r: &Report) -> Vec<(String, String, &Kpi)> {
    let mut out = vec![("total".to_owned(), "all".to_owned(), &r.total)];
    for c in &r.by_channel {
        out.push(("channel".to_owned(), c.channel.clone(), &c.kpi));
    }
    for o in &r.by_opd {
        let label = match (o.instansi_id, &o.name) {
            (Some(id), Some(n)) => format!("{id} {}", short(n, 40)),
            (Some(id), None) => id.to_string(),
            (None, _) => "(no instansi)".to_owned(),
        };
        out.push(("opd".to_owned(), label, &o.kpi));
    }
    out
}

const HEADERS: [&str; 11] = [
    "group",
    "name",
    "received",
    "forwarded",
    "responded",
    "response_rate",
    "mean_days",
    "median_days",
    "closed",
    "rejected",
    "",
];

fn cells(k: &Kpi) -> [String; 8] {
    [
        k.received.to_string(),
        k.forwarded.to_string(),
        k.responded.to_string(),
        pct(k.response_rate),
        days(k.mean_response_days),
        days(k.median_response_days),
        k.closed.to_string(),
        k.rejected.to_string(),
    ]
}

pub fn table(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Complaints reported {} to {} (WIB), as of {} WIB",
        r.from,
        r.to,
        time::format_wib(r.as_of)
    );
    let _ = writeln!(
        out,
        "Target {}: {} of {} complaints year to date ({})",
        r.target.year,
        r.target.year_to_date,
        r.target.annual,
        pct(r.target.progress)
    );
    let _ = writeln!(
        out,
        "Response time: report to first tanggapan, in working days (WIB; weekends, national \
         holidays and cuti bersama excluded)"
    );
    let _ = writeln!(out);
    let body: Vec<Vec<String>> = rows(r)
        .into_iter()
        .map(|(g, n, k)| {
            let mut v = vec![g, n];
            v.extend(cells(k));
            v
        })
        .collect();
    let headers: Vec<String> = HEADERS[..10].iter().map(|s| (*s).to_owned()).collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            body.iter()
                .map(|row| row[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: &[String]| {
        row.iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = widths[i].saturating_sub(c.chars().count());
                if i < 2 {
                    format!("{c}{}", " ".repeat(pad))
                } else {
                    format!("{}{c}", " ".repeat(pad))
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let _ = writeln!(out, "{}", line(&headers));
    for row in &body {
        let _ = writeln!(out, "{}", line(row));
    }
    for w in &r.warnings {
        let _ = writeln!(out, "\nwarning: {w}");
    }
    out
}

pub fn json<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("plain data serialises");
    s.push('\n');
    s
}

/// One row per group (total, each channel, each OPD), raw numbers (rates as fractions).
pub fn csv(r: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(
        [
            "from",
            "to",
            "as_of",
            "group",
            "name",
            "received",
            "forwarded",
            "responded",
            "response_rate",
            "mean_response_days",
            "median_response_days",
            "closed",
            "rejected",
        ]
        .iter(),
    );
    let opt = |v: Option<f64>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
    for (g, n, k) in rows(r) {
        let _ = w.write_record([
            r.from.to_string(),
            r.to.to_string(),
            r.as_of.to_string(),
            g,
            n,
            k.received.to_string(),
            k.forwarded.to_string(),
            k.responded.to_string(),
            opt(k.response_rate),
            opt(k.mean_response_days),
            opt(k.median_response_days),
            k.closed.to_string(),
            k.rejected.to_string(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
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

fn aligned(headers: &[&str], body: &[Vec<String>], left: usize) -> String {
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            body.iter()
                .map(|row| row[i].chars().count())
                .chain([headers[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |row: Vec<String>| {
        row.iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(widths[i].saturating_sub(c.chars().count()));
                if i < left {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let mut out = line(headers.iter().map(|h| (*h).to_owned()).collect());
    out.push('\n');
    for row in body {
        out.push_str(&line(row.clone()));
        out.push('\n');
    }
    out
}

pub fn sla_table(r: &SlaReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "LAPOR! service levels as of {} WIB (working days; at risk from {} working day(s) before a deadline)",
        time::format_wib(r.as_of),
        r.at_risk_margin_days
    );
    let _ = writeln!(out);
    let body: Vec<Vec<String>> = r
        .rules
        .iter()
        .map(|s| {
            vec![
                s.rule.map(|r| r.as_str()).unwrap_or("").to_owned(),
                s.working_days.to_string(),
                s.ok.to_string(),
                s.at_risk.to_string(),
                s.breached.to_string(),
                s.met.to_string(),
                s.met_late.to_string(),
            ]
        })
        .collect();
    out.push_str(&aligned(
        &[
            "rule", "days", "open_ok", "at_risk", "breached", "met", "met_late",
        ],
        &body,
        1,
    ));
    let _ = writeln!(out);
    if r.watch.is_empty() {
        let _ = writeln!(out, "No complaint is at risk or past a deadline.");
        return out;
    }
    let body: Vec<Vec<String>> = r
        .watch
        .iter()
        .map(|c| {
            vec![
                c.state.as_str().to_owned(),
                c.rule.as_str().to_owned(),
                c.record_id.to_string(),
                c.channel.clone(),
                c.local_id.clone(),
                c.tracking_id.clone().unwrap_or_else(|| "–".into()),
                c.instansi_id
                    .map(|i| i.to_string())
                    .unwrap_or_else(|| "–".into()),
                time::format_wib(c.started_at),
                time::format_wib(c.deadline),
                c.working_days_elapsed.to_string(),
            ]
        })
        .collect();
    out.push_str(&aligned(
        &[
            "state",
            "rule",
            "record",
            "channel",
            "local_id",
            "tracking_id",
            "instansi",
            "since (WIB)",
            "deadline (WIB)",
            "working_days",
        ],
        &body,
        10,
    ));
    out
}

pub fn sla_csv(r: &SlaReport) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "state",
        "rule",
        "record_id",
        "channel",
        "local_id",
        "tracking_id",
        "instansi_id",
        "started_at",
        "at_risk_from",
        "deadline",
        "working_days_elapsed",
    ]);
    for c in &r.watch {
        let _ = w.write_record([
            c.state.as_str().to_owned(),
            c.rule.as_str().to_owned(),
            c.record_id.to_string(),
            c.channel.clone(),
            c.local_id.clone(),
            c.tracking_id.clone().unwrap_or_default(),
            c.instansi_id.map(|i| i.to_string()).unwrap_or_default(),
            c.started_at.to_string(),
            c.at_risk_from.to_string(),
            c.deadline.to_string(),
            c.working_days_elapsed.to_string(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
