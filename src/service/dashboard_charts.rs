//! The dashboard's two charts: the place for each (drawn by dashboard.js from the figures and
//! words this module puts in the page), the figures in a table under each so no value needs
//! hovering, and "Tidak ada data untuk periode ini" instead of empty axes.

use std::fmt::Write as _;

use super::dashboard_page::{count, empty, esc, head_row, View};
use crate::i18n::{format, Lang};
use crate::report::kpi::Report;
use crate::t;

/// The channels of the weekly chart, in the order the script draws them.
fn weekly_channels(r: &Report) -> Vec<String> {
    let mut names: Vec<String> = r
        .weekly
        .iter()
        .flat_map(|w| w.channels.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A response-time bucket's label in the language: `0–0,5`, `≥ 10`.
fn bucket_label(lang: Lang, from: f64, to: Option<f64>) -> String {
    // The bounds are whole or halves: as many places as they need, no trailing zero.
    let n = |x: f64| format::decimal(lang, x, if x.fract() == 0.0 { 0 } else { 1 });
    match to {
        Some(to) => t!(lang, "dash-bucket-range", from = n(from), to = n(to)),
        None => t!(lang, "dash-bucket-open", from = n(from)),
    }
}

pub(super) fn charts(out: &mut String, r: &Report, v: &View) {
    let lang = v.lang;
    let _ = write!(
        out,
        r#"<div class="grid2"><section class="chart-box"><h2>{}</h2>"#,
        esc(&t!(lang, "dash-weekly-title"))
    );
    if r.total.received == 0 || r.weekly.is_empty() {
        empty(out, lang, "weekly");
    } else {
        out.push_str(r#"<div class="chart" data-chart="weekly"></div>"#);
        // Every figure of the chart, for reading without hovering (open in the print view).
        let channels = weekly_channels(r);
        let _ = write!(
            out,
            r#"<details class="values"{}><summary>{}</summary><table data-table="weekly">"#,
            if v.print { " open" } else { "" },
            esc(&t!(lang, "dash-weekly-table"))
        );
        let mut cells = vec![t!(lang, "dash-week")];
        cells.extend(channels.iter().cloned());
        cells.push(t!(lang, "dash-total"));
        head_row(out, &cells);
        for w in &r.weekly {
            let _ = write!(out, "<tr><td>{}</td>", format::date(lang, w.week_start));
            for c in &channels {
                let n = w.channels.get(c).copied().unwrap_or(0);
                let _ = write!(out, "<td>{}</td>", count(lang, n));
            }
            let total: u64 = w.channels.values().sum();
            let _ = write!(out, "<td>{}</td></tr>", count(lang, total));
        }
        out.push_str("</table></details>");
    }
    let _ = write!(
        out,
        r#"</section><section class="chart-box"><h2>{}</h2>"#,
        esc(&t!(lang, "dash-response-title"))
    );
    if r.total.received == 0 {
        empty(out, lang, "response_times");
    } else if r.total.responded == 0 {
        let _ = write!(
            out,
            r#"<p class="empty" data-empty="response_times">{}</p>"#,
            esc(&t!(lang, "dash-no-responses"))
        );
    } else {
        out.push_str(r#"<div class="chart" data-chart="response_times"></div>"#);
        // The distribution's few buckets fit one row under the chart.
        let _ = write!(
            out,
            r#"<table class="values" data-table="response_times"><tr><th>{}</th>"#,
            esc(&t!(lang, "dash-bucket"))
        );
        for b in &r.response_times {
            let _ = write!(out, "<th>{}</th>", esc(&bucket_label(lang, b.from, b.to)));
        }
        let _ = write!(
            out,
            "</tr><tr><td>{}</td>",
            esc(&t!(lang, "dash-complaints"))
        );
        for b in &r.response_times {
            let _ = write!(out, "<td>{}</td>", count(lang, b.count));
        }
        out.push_str("</tr></table>");
    }
    out.push_str("</section></div>");
}

/// The charts' figures and words for dashboard.js; `</` is escaped so no string can end the
/// script element.
pub(super) fn scripts(out: &mut String, r: &Report, lang: Lang) {
    let (thousands, decimal) = match lang {
        Lang::Id => (".", ","),
        Lang::English => (",", "."),
    };
    // Axis ticks: `08/01` (day/month) in Indonesian, `01-08` (ISO month-day) in English.
    let week_label = |d: jiff::civil::Date| match lang {
        Lang::Id => d.strftime("%d/%m").to_string(),
        Lang::English => d.strftime("%m-%d").to_string(),
    };
    let data = serde_json::json!({
        "weekly": r.weekly,
        "response_times": r.response_times,
        "strings": {
            "lang": lang.code(),
            "thousands": thousands,
            "decimal": decimal,
            "weekly_title": t!(lang, "dash-weekly-title"),
            "weekly_axis": t!(lang, "dash-chart-weekly-axis"),
            "response_title": t!(lang, "dash-response-title"),
            "response_axis": t!(lang, "dash-chart-response-axis"),
            "series": t!(lang, "dash-chart-series"),
            "week_labels": r.weekly.iter().map(|w| week_label(w.week_start)).collect::<Vec<_>>(),
            "bucket_labels": r
                .response_times
                .iter()
                .map(|b| bucket_label(lang, b.from, b.to))
                .collect::<Vec<_>>(),
        },
    });
    let _ = write!(
        out,
        r#"<script id="report-data" type="application/json">{}</script><script src="/dashboard/dashboard.js"></script></body></html>"#,
        data.to_string().replace("</", "<\\/")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_labels_use_the_languages_decimal_mark() {
        assert_eq!(bucket_label(Lang::Id, 0.0, Some(0.5)), "0–0,5");
        assert_eq!(bucket_label(Lang::English, 0.5, Some(1.0)), "0.5–1");
        assert_eq!(bucket_label(Lang::English, 10.0, None), "≥ 10");
    }
}
