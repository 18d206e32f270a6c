//! The dashboard page for people: every text from the `dashboard` catalog in the language
//! asked for, numbers and dates written that language's way (`i18n::format`), the period in
//! words beside the date inputs (a native date picker follows the browser's locale, not the
//! page's), a table or labels for every chart so no value needs hovering, and a print view
//! (`?print=1`, or the browser's print) that fits A4 landscape with the period and the time
//! it was made.
//!
//! The figures are the report's; the charts are in `dashboard_charts.rs`, the SLA and pipeline
//! sections in `dashboard_sections.rs`.

use std::fmt::Write as _;

use jiff::Timestamp;

use super::dashboard::Figures;
use super::state::Shared;
use super::{dashboard_charts, dashboard_sections};
use crate::i18n::{format, Lang};
use crate::report::kpi::{Kpi, Report};
use crate::t;

/// How the page is shown; built from the query by `dashboard.rs`.
pub struct View {
    pub lang: Lang,
    pub print: bool,
    /// The period's query as given (`from`, `to`, `as_of`), for the page's own links.
    pub query: Vec<(&'static str, String)>,
    /// When the page was made, printed on it.
    pub made_at: Timestamp,
}

impl View {
    /// `/dashboard?…` with the same period, in `lang`, printable or not.
    fn link(&self, lang: Lang, print: bool) -> String {
        let mut out = format!("/dashboard?lang={}", lang.code());
        for (k, v) in &self.query {
            let _ = write!(out, "&{k}={}", query_escape(v));
        }
        if print {
            out.push_str("&print=1");
        }
        out
    }
}

fn other(lang: Lang) -> Lang {
    match lang {
        Lang::Id => Lang::English,
        Lang::English => Lang::Id,
    }
}

/// Percent-encodes a query value (only unreserved characters stay as they are).
fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Escapes text for HTML content and attribute values.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A count: `1.367` / `1,367`.
pub(super) fn count(lang: Lang, n: u64) -> String {
    format::int(lang, i64::try_from(n).unwrap_or(i64::MAX))
}

/// A ratio as a percentage with one decimal (`99,5%`); `–` when there is nothing to divide.
pub(super) fn pct(lang: Lang, v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format::percent(lang, v * 100.0, 1))
}

/// Working days with two decimals (`0,13`); `–` without responses.
pub(super) fn days(lang: Lang, v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format::decimal(lang, v, 2))
}

/// A `<tr>` of header cells; the first is left-aligned text.
pub(super) fn head_row(out: &mut String, cells: &[String]) {
    out.push_str("<tr>");
    for c in cells {
        let _ = write!(out, "<th>{}</th>", esc(c));
    }
    out.push_str("</tr>");
}

/// "Tidak ada data untuk periode ini" in place of a chart or table; `what` names it.
pub(super) fn empty(out: &mut String, lang: Lang, what: &str) {
    let _ = write!(
        out,
        r#"<p class="empty" data-empty="{what}">{}</p>"#,
        esc(&t!(lang, "no-data-for-period"))
    );
}

pub fn render(shared: &Shared, f: &Figures, v: &View) -> String {
    let lang = v.lang;
    let r = &f.kpi;
    let mut out = String::new();
    head(&mut out, r, v);
    let _ = write!(
        out,
        r#"<p class="note">{}</p>"#,
        esc(&t!(lang, "dash-note"))
    );
    for w in &r.warnings {
        let _ = write!(out, r#"<p class="warning">⚠ {}</p>"#, esc(w));
    }
    key_figures(&mut out, r, lang);
    dashboard_charts::charts(&mut out, r, v);
    by_channel_and_opd(&mut out, r, lang);
    dashboard_sections::sla(&mut out, &f.sla, lang);
    dashboard_sections::health(&mut out, shared, lang);
    out.push_str("</main>");
    dashboard_charts::scripts(&mut out, r, lang);
    out
}

fn head(out: &mut String, r: &Report, v: &View) {
    let lang = v.lang;
    let code = lang.code();
    let _ = write!(
        out,
        r#"<!doctype html><html lang="{code}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="/dashboard/dashboard.css"></head><body class="{body}">
<header><h1>{heading}</h1><div class="controls">"#,
        title = esc(&t!(lang, "dash-title")),
        body = if v.print { "print" } else { "screen" },
        heading = esc(&t!(lang, "dash-heading")),
    );
    if v.print {
        let _ = write!(
            out,
            r#"<button type="button" data-action="print">{}</button> <a href="{}">{}</a>"#,
            esc(&t!(lang, "dash-print")),
            esc(&v.link(lang, false)),
            esc(&t!(lang, "dash-back")),
        );
    } else {
        let _ = write!(
            out,
            r#"<form method="get" action="/dashboard"><input type="hidden" name="lang" value="{code}"><label>{from_l} {from}</label> <label>{to_l} {to}</label> <button>{show}</button></form><a href="{print_href}" data-link="print">{print}</a> <a href="{other_href}" hreflang="{other_code}" lang="{other_code}" data-link="lang">{other}</a>"#,
            from_l = esc(&t!(lang, "dash-from")),
            to_l = esc(&t!(lang, "dash-to")),
            from = date_input(lang, "from", r.from),
            to = date_input(lang, "to", r.to),
            show = esc(&t!(lang, "dash-show")),
            print_href = esc(&v.link(lang, true)),
            print = esc(&t!(lang, "dash-print-view")),
            other_href = esc(&v.link(other(lang), v.print)),
            other_code = other(lang).code(),
            other = esc(&t!(lang, "dash-other-language")),
        );
    }
    let period = t!(
        lang,
        "dash-period",
        from = format::date_long(lang, r.from),
        to = format::date_long(lang, r.to)
    );
    let as_of = t!(
        lang,
        "dash-as-of",
        when = format::datetime_prose(lang, r.as_of)
    );
    let made = t!(
        lang,
        "dash-made-at",
        when = format::datetime_prose(lang, v.made_at)
    );
    let _ = write!(
        out,
        r#"</div></header><main><p class="period" data-period="{from}..{to}"><strong>{period}</strong> · <span data-as-of="{as_of_raw}">{as_of}</span> · <span data-made-at="{made_raw}">{made}</span></p>"#,
        from = r.from,
        to = r.to,
        period = esc(&period),
        as_of_raw = r.as_of,
        as_of = esc(&as_of),
        made_raw = v.made_at,
        made = esc(&made),
    );
}

/// A period input. Indonesian: text in `dd/mm/yyyy`, because a native date picker shows the
/// browser's locale (`06/30/2024` in an English browser, read as 6 Juni); `dashboard.rs`
/// turns the value back into a date. English: the native picker (its value is ISO).
fn date_input(lang: Lang, name: &str, d: jiff::civil::Date) -> String {
    match lang {
        Lang::Id => format!(
            r#"<input type="text" lang="id" name="{name}" value="{}" inputmode="numeric" size="10" pattern="[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}" placeholder="{ph}" title="{ph}">"#,
            format::date(lang, d),
            ph = esc(&t!(lang, "dash-date-format")),
        ),
        Lang::English => format!(r#"<input type="date" lang="en" name="{name}" value="{d}">"#),
    }
}

fn card(out: &mut String, key: &str, label: &str, value: &str, class: &str) {
    let _ = write!(
        out,
        r#"<div class="kpi {class}"><div class="label">{}</div><div class="value" data-kpi="{key}">{}</div></div>"#,
        esc(label),
        esc(value)
    );
}

fn key_figures(out: &mut String, r: &Report, lang: Lang) {
    let t = &r.total;
    let _ = write!(
        out,
        r#"<section class="figures"><h2>{}</h2>"#,
        esc(&t!(lang, "dash-key-figures"))
    );
    if t.received == 0 {
        empty(out, lang, "period");
    }
    out.push_str(r#"<div class="kpis">"#);
    let n = |v: u64| count(lang, v);
    card(
        out,
        "received",
        &t!(lang, "dash-kpi-received"),
        &n(t.received),
        "",
    );
    card(
        out,
        "forwarded",
        &t!(lang, "dash-kpi-forwarded"),
        &n(t.forwarded),
        "",
    );
    card(
        out,
        "responded",
        &t!(lang, "dash-kpi-responded"),
        &n(t.responded),
        "",
    );
    let rate = pct(lang, t.response_rate);
    card(
        out,
        "response_rate",
        &t!(lang, "dash-kpi-response-rate"),
        &rate,
        "",
    );
    let mean = days(lang, t.mean_response_days);
    card(
        out,
        "mean_response_days",
        &t!(lang, "dash-kpi-mean"),
        &mean,
        "",
    );
    let median = days(lang, t.median_response_days);
    card(
        out,
        "median_response_days",
        &t!(lang, "dash-kpi-median"),
        &median,
        "",
    );
    card(
        out,
        "closed",
        &t!(lang, "dash-kpi-closed"),
        &n(t.closed),
        "",
    );
    card(
        out,
        "rejected",
        &t!(lang, "dash-kpi-rejected"),
        &n(t.rejected),
        "",
    );
    let target = t!(
        lang,
        "dash-kpi-target",
        year = r.target.year.to_string(),
        done = n(r.target.year_to_date),
        annual = n(u64::from(r.target.annual))
    );
    let progress = pct(lang, r.target.progress);
    card(out, "target_progress", &target, &progress, "wide");
    out.push_str("</div></section>");
}

fn kpi_head(lang: Lang, first: String) -> Vec<String> {
    vec![
        first,
        t!(lang, "dash-col-received"),
        t!(lang, "dash-col-forwarded"),
        t!(lang, "dash-col-responded"),
        t!(lang, "dash-col-rate"),
        t!(lang, "dash-col-mean"),
        t!(lang, "dash-col-median"),
        t!(lang, "dash-col-closed"),
        t!(lang, "dash-col-rejected"),
    ]
}

fn kpi_row(out: &mut String, lang: Lang, name: &str, k: &Kpi) {
    let _ = write!(
        out,
        "<tr><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        esc(name),
        count(lang, k.received),
        count(lang, k.forwarded),
        count(lang, k.responded),
        pct(lang, k.response_rate),
        days(lang, k.mean_response_days),
        days(lang, k.median_response_days),
        count(lang, k.closed),
        count(lang, k.rejected)
    );
}

fn by_channel_and_opd(out: &mut String, r: &Report, lang: Lang) {
    let _ = write!(
        out,
        r#"<section><h2>{}</h2>"#,
        esc(&t!(lang, "dash-by-channel"))
    );
    if r.by_channel.is_empty() {
        empty(out, lang, "by_channel");
    } else {
        out.push_str(r#"<table data-table="by_channel">"#);
        head_row(out, &kpi_head(lang, t!(lang, "dash-col-channel")));
        for c in &r.by_channel {
            kpi_row(out, lang, &c.channel, &c.kpi);
        }
        out.push_str("</table>");
    }
    let _ = write!(
        out,
        r#"</section><section><h2>{}</h2>"#,
        esc(&t!(lang, "dash-by-opd"))
    );
    if r.by_opd.is_empty() {
        empty(out, lang, "by_opd");
    } else {
        out.push_str(r#"<table data-table="by_opd">"#);
        head_row(out, &kpi_head(lang, t!(lang, "dash-col-instansi")));
        for o in &r.by_opd {
            let name = match (o.instansi_id, &o.name) {
                (Some(id), Some(n)) => format!("{id} {}", crate::report::render::short(n, 60)),
                (Some(id), None) => id.to_string(),
                (None, _) => format!("{} *", t!(lang, "dash-no-instansi")),
            };
            kpi_row(out, lang, &name, &o.kpi);
        }
        out.push_str("</table>");
        if r.by_opd.iter().any(|o| o.instansi_id.is_none()) {
            let _ = write!(
                out,
                r#"<p class="note" data-note="no-instansi">* {}</p>"#,
                esc(&t!(lang, "dash-no-instansi-note"))
            );
        }
    }
    out.push_str("</section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc(r#"<b a="x">&'"#), "&lt;b a=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(query_escape("2024-07-31"), "2024-07-31");
        assert_eq!(
            query_escape("2024-07-31T08:00:00+07:00"),
            "2024-07-31T08%3A00%3A00%2B07%3A00"
        );
    }

    #[test]
    fn links_keep_the_period_and_switch_the_language() {
        let v = View {
            lang: Lang::Id,
            print: false,
            query: vec![("from", "2024-01-01".into()), ("to", "2024-06-30".into())],
            made_at: Timestamp::UNIX_EPOCH,
        };
        assert_eq!(
            v.link(Lang::English, false),
            "/dashboard?lang=en&from=2024-01-01&to=2024-06-30"
        );
        assert_eq!(
            v.link(Lang::Id, true),
            "/dashboard?lang=id&from=2024-01-01&to=2024-06-30&print=1"
        );
    }

    #[test]
    fn figures_are_written_the_languages_way() {
        assert_eq!(count(Lang::Id, 1367), "1.367");
        assert_eq!(count(Lang::English, 1367), "1,367");
        assert_eq!(pct(Lang::Id, Some(0.995)), "99,5%");
        assert_eq!(pct(Lang::English, None), "–");
        assert_eq!(days(Lang::Id, Some(0.126)), "0,13");
    }
}
