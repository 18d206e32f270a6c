//! The rekap and the service-level list for a terminal, in one language, every line at most
//! [`WIDTH`] columns: the figures of each channel and each OPD in two tables whose name
//! column wraps, times WIB with the zone written.

use std::fmt::Write as _;

use super::grid::{self, Column};
use super::labels;
use crate::i18n::{format, Lang};
use crate::report::kpi::{Kpi, Report};
use crate::report::sla::{SlaReport, State};
use crate::t;

/// The widest line the CLI prints: fits a 100-column terminal.
pub const WIDTH: usize = 100;

fn figures(lang: Lang, k: &Kpi) -> Vec<String> {
    vec![
        labels::count(lang, k.received),
        labels::count(lang, k.forwarded),
        labels::count(lang, k.responded),
        labels::rate(lang, k.response_rate),
        labels::days(lang, k.mean_response_days),
        labels::days(lang, k.median_response_days),
        labels::count(lang, k.closed),
        labels::count(lang, k.rejected),
    ]
}

fn kpi_columns(lang: Lang, first: String) -> Vec<Column> {
    let mut cols = vec![Column::wrapping(first)];
    for h in [
        t!(lang, "col-received"),
        t!(lang, "col-forwarded"),
        t!(lang, "col-responded"),
        t!(lang, "col-rate"),
        t!(lang, "col-mean"),
        t!(lang, "col-median"),
        t!(lang, "col-closed"),
        t!(lang, "col-rejected"),
    ] {
        cols.push(Column::right(h));
    }
    cols
}

/// The rekap of a period: the heading lines, then the channels' table (the total first) and
/// the OPDs' table.
pub fn table(lang: Lang, r: &Report) -> String {
    let mut out = String::new();
    let from = format::date(lang, r.from);
    let to = format::date(lang, r.to);
    let _ = writeln!(out, "{}", t!(lang, "report-title", from = from, to = to));
    let as_of = format::datetime(lang, r.as_of);
    let _ = writeln!(out, "{}", t!(lang, "report-as-of", as_of = as_of));
    let _ = writeln!(
        out,
        "{}",
        t!(
            lang,
            "report-target",
            year = r.target.year.to_string(),
            ytd = labels::count(lang, r.target.year_to_date),
            annual = labels::count(lang, u64::from(r.target.annual)),
            progress = labels::rate(lang, r.target.progress)
        )
    );
    let _ = writeln!(out, "{}", t!(lang, "report-response-note"));
    let _ = writeln!(out, "{}", t!(lang, "report-calendar-note"));
    if r.total.received == 0 {
        let _ = writeln!(out, "\n{}", t!(lang, "no-data-for-period"));
    }
    let _ = writeln!(out);
    let mut channels = vec![{
        let mut v = vec![t!(lang, "row-all-channels")];
        v.extend(figures(lang, &r.total));
        v
    }];
    for c in &r.by_channel {
        let mut v = vec![c.channel.clone()];
        v.extend(figures(lang, &c.kpi));
        channels.push(v);
    }
    out.push_str(&grid::render(
        &kpi_columns(lang, t!(lang, "col-channel")),
        &channels,
        WIDTH,
    ));
    if !r.by_opd.is_empty() {
        let opds: Vec<Vec<String>> = r
            .by_opd
            .iter()
            .map(|o| {
                let mut v = vec![labels::opd_name(lang, o)];
                v.extend(figures(lang, &o.kpi));
                v
            })
            .collect();
        let _ = writeln!(out);
        out.push_str(&grid::render(
            &kpi_columns(lang, t!(lang, "col-instansi")),
            &opds,
            WIDTH,
        ));
        if r.by_opd.iter().any(|o| o.instansi_id.is_none()) {
            let _ = writeln!(out, "{}", t!(lang, "row-no-instansi-note"));
        }
    }
    for w in &r.warnings {
        // The caveats come from the calendar, in English (logs and JSON keep them so).
        let line = t!(lang, "report-warning", text = w.as_str());
        let _ = writeln!(out);
        for l in grid::wrap(&line, WIDTH) {
            let _ = writeln!(out, "{l}");
        }
    }
    out
}

/// The service levels: a table of each rule's counts, then the complaints at risk and past a
/// deadline, most urgent first, under one heading per state.
pub fn sla_table(lang: Lang, r: &SlaReport) -> String {
    let mut out = String::new();
    let as_of = format::datetime(lang, r.as_of);
    let _ = writeln!(out, "{}", t!(lang, "sla-title", as_of = as_of));
    let margin = r.at_risk_margin_days.to_string();
    let _ = writeln!(out, "{}", t!(lang, "sla-note", margin = margin));
    let _ = writeln!(out);
    let mut all = vec![Column::left(t!(lang, "sla-col-rule"))];
    for h in [
        t!(lang, "sla-col-days"),
        t!(lang, "sla-col-ok"),
        t!(lang, "sla-col-at-risk"),
        t!(lang, "sla-col-breached"),
        t!(lang, "sla-col-met"),
        t!(lang, "sla-col-met-late"),
    ] {
        all.push(Column::right(h));
    }
    let body: Vec<Vec<String>> = r
        .rules
        .iter()
        .map(|s| {
            vec![
                labels::rule(lang, s.rule),
                s.working_days.to_string(),
                labels::count(lang, s.ok),
                labels::count(lang, s.at_risk),
                labels::count(lang, s.breached),
                labels::count(lang, s.met),
                labels::count(lang, s.met_late),
            ]
        })
        .collect();
    out.push_str(&grid::render(&all, &body, WIDTH));
    let _ = writeln!(out);
    if r.watch.is_empty() {
        let _ = writeln!(out, "{}", t!(lang, "sla-none"));
        return out;
    }
    for (state, heading) in [
        (State::Breached, t!(lang, "sla-heading-breached")),
        (State::AtRisk, t!(lang, "sla-heading-at-risk")),
    ] {
        let checks: Vec<_> = r.watch.iter().filter(|c| c.state == state).collect();
        if checks.is_empty() {
            continue;
        }
        let count = labels::count(lang, checks.len() as u64);
        let _ = writeln!(
            out,
            "{}",
            t!(lang, "sla-section", state = heading, count = count)
        );
        let cols = vec![
            Column::left(t!(lang, "sla-col-rule")),
            Column::wrapping(t!(lang, "sla-col-record")),
            Column::wrapping(t!(lang, "sla-col-tracking")),
            Column::left(t!(lang, "sla-col-instansi")),
            Column::left(t!(lang, "sla-col-since")),
            Column::left(t!(lang, "sla-col-deadline")),
            Column::right(t!(lang, "sla-col-elapsed")),
        ];
        let body: Vec<Vec<String>> = checks
            .iter()
            .map(|c| {
                vec![
                    labels::rule(lang, Some(c.rule)),
                    format!("{}:{}", c.channel, c.local_id),
                    c.tracking_id.clone().unwrap_or_else(|| "–".into()),
                    c.instansi_id
                        .map(|i| i.to_string())
                        .unwrap_or_else(|| "–".into()),
                    format::datetime_cell(lang, c.started_at),
                    format::datetime_cell(lang, c.deadline),
                    c.working_days_elapsed.to_string(),
                ]
            })
            .collect();
        out.push_str(&grid::render(&cols, &body, WIDTH));
        let _ = writeln!(out);
    }
    out
}
