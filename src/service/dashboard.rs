//! `/dashboard` on the admin listener: the KPI report, complaints per week per channel, the
//! response-time distribution, the SLA watch list and pipeline health, on one page.
//!
//! The figures are rendered on the server with the same code and number formats as
//! `lapor-bridge report` (each KPI in an element with a stable `data-kpi="…"` attribute, so a
//! test or a scraper can read it); the two charts are drawn as inline SVG by a small script.
//! The stylesheet and the script are embedded in the binary: the page needs no CDN and no
//! network beyond the admin listener. Query: `?from=YYYY-MM-DD&to=YYYY-MM-DD&as_of=…`
//! (default: this year to date, as of now); `/dashboard/data.json` gives the same report
//! as JSON.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jiff::Timestamp;
use serde::Deserialize;

use super::state::Shared;
use crate::report;
use crate::report::kpi::{Kpi, Report};
use crate::report::render::{days, pct, short};
use crate::report::sla::SlaReport;
use crate::time;

const CSS: &str = include_str!("assets/dashboard.css");
const JS: &str = include_str!("assets/dashboard.js");

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/dashboard", get(page))
        .route("/dashboard/data.json", get(data))
        .route("/dashboard/dashboard.css", get(css))
        .route("/dashboard/dashboard.js", get(js))
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    from: Option<String>,
    to: Option<String>,
    as_of: Option<String>,
}

struct Figures {
    kpi: Report,
    sla: SlaReport,
}

/// Why the page cannot be shown: a bad query (400) or an unreadable store (500).
type Failure = (StatusCode, String);

fn bad_request(msg: String) -> Failure {
    (StatusCode::BAD_REQUEST, format!("{msg}\n"))
}

fn figures(shared: &Shared, q: &Params) -> Result<Figures, Failure> {
    let cfg = shared.config().map(|c| c.report).unwrap_or_default();
    let as_of = match &q.as_of {
        Some(s) if !s.trim().is_empty() => report::parse_as_of(s).map_err(bad_request)?,
        _ => Timestamp::now(),
    };
    let (d_from, d_to) = report::year_to_date(as_of);
    let date = |s: &Option<String>, d| match s {
        Some(s) if !s.trim().is_empty() => report::parse_date(s).map_err(bad_request),
        _ => Ok(d),
    };
    let (from, to) = (date(&q.from, d_from)?, date(&q.to, d_to)?);
    let fail = |e: report::ReportError| {
        let status = match e {
            report::ReportError::Period(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (status, format!("{e}\n"))
    };
    let cal = report::calendar_for(&cfg).map_err(fail)?;
    let kpi = report::kpi_report(&shared.store, &cfg, &cal, from, to, as_of).map_err(fail)?;
    let sla = report::sla_report(&shared.store, &cfg, &cal, as_of).map_err(fail)?;
    Ok(Figures { kpi, sla })
}

async fn data(State(shared): State<Arc<Shared>>, Query(q): Query<Params>) -> Response {
    match figures(&shared, &q) {
        Ok(f) => Json(serde_json::json!({"report": f.kpi, "sla": f.sla})).into_response(),
        Err(r) => r.into_response(),
    }
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        JS,
    )
        .into_response()
}

async fn page(State(shared): State<Arc<Shared>>, Query(q): Query<Params>) -> Response {
    match figures(&shared, &q) {
        Ok(f) => Html(render(&shared, &f)).into_response(),
        Err(r) => r.into_response(),
    }
}

/// Escapes text for HTML content and attribute values.
fn esc(s: &str) -> String {
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

fn card(out: &mut String, key: &str, label: &str, value: &str, class: &str) {
    let _ = write!(
        out,
        r#"<div class="kpi {class}"><div class="label">{}</div><div class="value" data-kpi="{key}">{}</div></div>"#,
        esc(label),
        esc(value)
    );
}

fn kpi_row(out: &mut String, name: &str, k: &Kpi) {
    let _ = write!(
        out,
        "<tr><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        esc(name),
        k.received,
        k.forwarded,
        k.responded,
        pct(k.response_rate),
        days(k.mean_response_days),
        days(k.median_response_days),
        k.closed,
        k.rejected
    );
}

const KPI_HEAD: &str = "<tr><th>{}</th><th>received</th><th>forwarded</th><th>responded</th><th>response rate</th><th>mean days</th><th>median days</th><th>closed</th><th>rejected</th></tr>";

fn render(shared: &Shared, f: &Figures) -> String {
    let r = &f.kpi;
    let t = &r.total;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>lapor-bridge · service levels</title><link rel="stylesheet" href="/dashboard/dashboard.css"></head><body>
<header><h1>SP4N-LAPOR! service levels · lapor-bridge</h1>
<form method="get" action="/dashboard">from <input type="date" name="from" value="{from}"> to <input type="date" name="to" value="{to}"> <button>show</button></form></header><main>
<p class="note" data-period="{from}..{to}">Complaints reported {from} to {to} (WIB), as of <span data-as-of="{as_of}">{as_of_wib} WIB</span>. Response time: from the report to the first tanggapan, in working days (WIB; weekends, national holidays and cuti bersama excluded). Closed = selesai or diarsipkan; rejected = ditolak.</p>
"#,
        from = r.from,
        to = r.to,
        as_of = r.as_of,
        as_of_wib = time::format_wib(r.as_of),
    );
    for w in &r.warnings {
        let _ = write!(out, r#"<p class="warning">⚠ {}</p>"#, esc(w));
    }

    out.push_str(r#"<section><h2>Key figures</h2><div class="kpis">"#);
    card(
        &mut out,
        "received",
        "complaints received",
        &t.received.to_string(),
        "",
    );
    card(
        &mut out,
        "forwarded",
        "forwarded to LAPOR!",
        &t.forwarded.to_string(),
        "",
    );
    card(
        &mut out,
        "responded",
        "responded (first tanggapan)",
        &t.responded.to_string(),
        "",
    );
    card(
        &mut out,
        "response_rate",
        "response rate",
        &pct(t.response_rate),
        "",
    );
    card(
        &mut out,
        "mean_response_days",
        "mean response time (working days)",
        &days(t.mean_response_days),
        "",
    );
    card(
        &mut out,
        "median_response_days",
        "median response time (working days)",
        &days(t.median_response_days),
        "",
    );
    card(&mut out, "closed", "closed", &t.closed.to_string(), "");
    card(
        &mut out,
        "rejected",
        "rejected",
        &t.rejected.to_string(),
        "",
    );
    card(
        &mut out,
        "target_progress",
        &format!(
            "{} target: {} of {} year to date",
            r.target.year, r.target.year_to_date, r.target.annual
        ),
        &pct(r.target.progress),
        "wide",
    );
    out.push_str("</div></section>");

    out.push_str(r#"<div class="grid2"><section><h2>Complaints per week per channel</h2><div class="chart" data-chart="weekly"></div></section>"#);
    out.push_str(r#"<section><h2>Response time distribution</h2><div class="chart" data-chart="response_times"></div></section></div>"#);

    out.push_str(r#"<section><h2>By channel</h2><table data-table="by_channel">"#);
    out.push_str(&KPI_HEAD.replace("{}", "channel"));
    for c in &r.by_channel {
        kpi_row(&mut out, &c.channel, &c.kpi);
    }
    out.push_str(
        r#"</table></section><section><h2>By OPD (instansi)</h2><table data-table="by_opd">"#,
    );
    out.push_str(&KPI_HEAD.replace("{}", "instansi"));
    for o in &r.by_opd {
        let name = match (o.instansi_id, &o.name) {
            (Some(id), Some(n)) => format!("{id} {}", short(n, 60)),
            (Some(id), None) => id.to_string(),
            (None, _) => "(no instansi)".to_owned(),
        };
        kpi_row(&mut out, &name, &o.kpi);
    }
    out.push_str("</table></section>");

    // SLA.
    let s = &f.sla;
    let _ = write!(
        out,
        r#"<section><h2>LAPOR! service levels</h2><p class="note">Verification and disposition within 3 working days of forwarding; the instansi's follow-up within 5 of disposition; closure within 10 of the follow-up. At risk: only the last {} working day(s) left.</p><table data-table="sla_rules"><tr><th>rule</th><th>days</th><th>open, ok</th><th>at risk</th><th>breached</th><th>met</th><th>met late</th></tr>"#,
        s.at_risk_margin_days
    );
    for x in &s.rules {
        let rule = x.rule.map(|r| r.as_str()).unwrap_or("");
        let _ = write!(
            out,
            r#"<tr><td>{rule}</td><td>{}</td><td>{}</td><td data-sla="{rule}.at_risk">{}</td><td data-sla="{rule}.breached">{}</td><td>{}</td><td>{}</td></tr>"#,
            x.working_days, x.ok, x.at_risk, x.breached, x.met, x.met_late
        );
    }
    out.push_str("</table>");
    if s.watch.is_empty() {
        out.push_str(r#"<p data-sla-list="0">No complaint is at risk or past a deadline.</p>"#);
    } else {
        let _ = write!(
            out,
            r#"<h2 style="margin-top:12px">At risk or breached ({})</h2><table data-sla-list="{}"><tr><th class="text">state</th><th class="text">rule</th><th class="text">channel</th><th class="text">local id</th><th class="text">tracking id</th><th>instansi</th><th>since (WIB)</th><th>deadline (WIB)</th><th>working days</th></tr>"#,
            s.watch.len(),
            s.watch.len()
        );
        for c in s.watch.iter().take(100) {
            let st = c.state.as_str();
            let _ = write!(
                out,
                r#"<tr><td class="text state-{st}">{st}</td><td class="text">{}</td><td class="text">{}</td><td class="text">{}</td><td class="text">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                c.rule.as_str(),
                esc(&c.channel),
                esc(&c.local_id),
                esc(c.tracking_id.as_deref().unwrap_or("–")),
                c.instansi_id
                    .map(|i| i.to_string())
                    .unwrap_or_else(|| "–".into()),
                time::format_wib(c.started_at),
                time::format_wib(c.deadline),
                c.working_days_elapsed
            );
        }
        out.push_str("</table>");
        if s.watch.len() > 100 {
            let _ = write!(
                out,
                r#"<p class="note">{} more: <code>lapor-bridge report sla</code></p>"#,
                s.watch.len() - 100
            );
        }
    }
    out.push_str("</section>");

    // Pipeline health.
    let now = Timestamp::now();
    let (ready, ok) = super::admin::readiness(shared, now);
    let lapor = ready["lapor"]["state"]
        .as_str()
        .unwrap_or("unknown")
        .to_owned();
    let _ = write!(
        out,
        r#"<section><h2>Pipeline health</h2><p>Ready: <span class="{}" data-health="ready">{}</span> · LAPOR!: <span class="{}" data-health="lapor">{}</span></p><table data-table="queues"><tr><th>channel</th><th>received</th><th>pending</th><th>held</th><th>forwarded</th><th>dead</th><th>oldest pending</th><th>last forwarded (WIB)</th></tr>"#,
        if ok { "up" } else { "down" },
        if ok { "yes" } else { "no" },
        if lapor == "up" { "up" } else { "down" },
        esc(&lapor)
    );
    for q in shared.store.channel_queues().unwrap_or_default() {
        let age = q
            .oldest_pending_at
            .map(|t| super::human_secs((now.as_second() - t.as_second()).max(0)))
            .unwrap_or_else(|| "–".into());
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&q.channel),
            q.received,
            q.pending,
            q.held,
            q.forwarded,
            q.dead,
            age,
            q.last_forwarded_at
                .map(time::format_wib)
                .unwrap_or_else(|| "–".into())
        );
    }
    out.push_str("</table></section></main>");

    // The charts' data; `</` is escaped so no string can end the script element.
    let data = serde_json::json!({"weekly": r.weekly, "response_times": r.response_times});
    let _ = write!(
        out,
        r#"<script id="report-data" type="application/json">{}</script><script src="/dashboard/dashboard.js"></script></body></html>"#,
        data.to_string().replace("</", "<\\/")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc(r#"<b a="x">&'"#), "&lt;b a=&quot;x&quot;&gt;&amp;&#39;");
    }
}
