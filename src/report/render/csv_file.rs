//! CSV that Excel opens as columns in the reader's locale: in `id` `;`-separated with a UTF-8
//! byte-order mark, decimal commas and `dd/mm/yyyy HH:MM` WIB times (the zone in the header);
//! in `en` `,`, decimal points and ISO dates. Figures are rounded as the table shows them
//! (rates in percent to 0.1, days to 0.01), so the two agree.

use super::labels;
use crate::i18n::{format, Lang};
use crate::report::kpi::Report;
use crate::report::sla::SlaReport;
use crate::t;

fn finish(lang: Lang, w: csv::Writer<Vec<u8>>) -> String {
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    format!("{}{body}", format::csv_bom(lang))
}

fn writer(lang: Lang) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(format::csv_delimiter(lang))
        .from_writer(Vec::new())
}

fn opt(lang: Lang, v: Option<f64>, scale: f64, places: usize) -> String {
    v.map(|v| format::decimal_plain(lang, v * scale, places))
        .unwrap_or_default()
}

/// One row per group (the total, each channel, each OPD).
pub fn kpi(lang: Lang, r: &Report) -> String {
    let mut w = writer(lang);
    let _ = w.write_record([
        t!(lang, "head-from"),
        t!(lang, "head-to"),
        t!(lang, "head-as-of"),
        t!(lang, "head-group"),
        t!(lang, "head-name"),
        t!(lang, "head-received"),
        t!(lang, "head-forwarded"),
        t!(lang, "head-responded"),
        t!(lang, "head-rate-pct"),
        t!(lang, "head-mean"),
        t!(lang, "head-median"),
        t!(lang, "head-closed"),
        t!(lang, "head-rejected"),
    ]);
    for (g, n, k) in labels::rows(lang, r) {
        let _ = w.write_record([
            format::date(lang, r.from),
            format::date(lang, r.to),
            format::datetime_cell(lang, r.as_of),
            g,
            n,
            k.received.to_string(),
            k.forwarded.to_string(),
            k.responded.to_string(),
            opt(lang, k.response_rate, 100.0, 1),
            opt(lang, k.mean_response_days, 1.0, 2),
            opt(lang, k.median_response_days, 1.0, 2),
            k.closed.to_string(),
            k.rejected.to_string(),
        ]);
    }
    finish(lang, w)
}

/// The complaints at risk and past a deadline, most urgent first.
pub fn sla(lang: Lang, r: &SlaReport) -> String {
    let mut w = writer(lang);
    let _ = w.write_record([
        t!(lang, "head-state"),
        t!(lang, "head-rule"),
        t!(lang, "head-record-id"),
        t!(lang, "head-channel"),
        t!(lang, "head-local-id"),
        t!(lang, "head-tracking"),
        t!(lang, "head-instansi-id"),
        t!(lang, "head-since"),
        t!(lang, "head-at-risk-from"),
        t!(lang, "head-deadline"),
        t!(lang, "head-elapsed"),
    ]);
    for c in &r.watch {
        let _ = w.write_record([
            labels::state(lang, c.state),
            labels::rule(lang, Some(c.rule)),
            c.record_id.to_string(),
            c.channel.clone(),
            c.local_id.clone(),
            c.tracking_id.clone().unwrap_or_default(),
            c.instansi_id.map(|i| i.to_string()).unwrap_or_default(),
            format::datetime_cell(lang, c.started_at),
            format::datetime_cell(lang, c.at_risk_from),
            format::datetime_cell(lang, c.deadline),
            c.working_days_elapsed.to_string(),
        ]);
    }
    finish(lang, w)
}
