//! `/dashboard` on the admin listener: the KPI report, complaints per week per channel, the
//! response-time distribution, the SLA watch list and pipeline health, on one page.
//!
//! The figures come from the same code as `lapor-bridge report`; the page itself (in the
//! language asked for, `dashboard_page.rs`) shows each KPI in an element with a stable
//! `data-kpi="…"` attribute, so a test or a scraper can read it, and a small script draws the
//! two charts as inline SVG. The stylesheet and the script are embedded in the binary: the page
//! needs no CDN and no network beyond the admin listener. Query:
//! `?from=YYYY-MM-DD&to=YYYY-MM-DD&as_of=…` (default: this year to date, as of now),
//! `&lang=id|en` (default: the running configuration's `[ui] language`), `&print=1` (the print
//! view); `/dashboard/data.json` gives the same report as JSON, with English keys, whatever
//! the language.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jiff::Timestamp;
use serde::Deserialize;

use super::dashboard_page::{self, View};
use super::state::Shared;
use crate::i18n::Lang;
use crate::report;
use crate::report::kpi::Report;
use crate::report::sla::SlaReport;

const CSS: &str = include_str!("assets/dashboard.css");
const JS: &str = include_str!("assets/dashboard.js");

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/dashboard", get(page))
        .route("/dashboard/data.json", get(data))
        .route("/dashboard/dashboard.css", get(css))
        .route("/dashboard/dashboard.js", get(js))
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Params {
    from: Option<String>,
    to: Option<String>,
    as_of: Option<String>,
    lang: Option<String>,
    print: Option<String>,
}

impl Params {
    /// The Indonesian page's date inputs are text in `dd/mm/yyyy` (a native date picker shows
    /// the browser's locale, `mm/dd/yyyy` in most, whatever the page's language): `from` and
    /// `to` in that form become `yyyy-mm-dd`; anything else stays for the usual check.
    fn day_first_dates_as_iso(mut self) -> Params {
        for d in [&mut self.from, &mut self.to] {
            if let Some(iso) = d.as_deref().and_then(day_first_to_iso) {
                *d = Some(iso);
            }
        }
        self
    }
}

/// `1/12/2026` or `01/12/2026` → `2026-12-01`; `None` for any other shape.
fn day_first_to_iso(s: &str) -> Option<String> {
    let mut parts = s.trim().split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some() || !digits(d, 1..=2) || !digits(m, 1..=2) || !digits(y, 4..=4) {
        return None;
    }
    Some(format!("{y}-{m:0>2}-{d:0>2}"))
}

pub(super) struct Figures {
    pub kpi: Report,
    pub sla: SlaReport,
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
    // As of now: the kept report (at most a minute old); as of another time: computed.
    let sla = match &q.as_of {
        Some(s) if !s.trim().is_empty() => {
            report::sla_report(&shared.store, &cfg, &cal, as_of).map_err(fail)?
        }
        _ => (*shared.sla_cache.get(&shared.store, &cfg).map_err(fail)?).clone(),
    };
    Ok(Figures { kpi, sla })
}

/// The figures on the blocking pool: a report reads the store for up to a second.
async fn figures_off_the_workers(shared: &Arc<Shared>, q: &Params) -> Result<Figures, Failure> {
    let (shared, q) = (shared.clone(), q.clone());
    tokio::task::spawn_blocking(move || figures(&shared, &q))
        .await
        .unwrap_or_else(|e| Err((StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n"))))
}

async fn data(State(shared): State<Arc<Shared>>, Query(q): Query<Params>) -> Response {
    let q = q.day_first_dates_as_iso();
    match figures_off_the_workers(&shared, &q).await {
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
    let q = q.day_first_dates_as_iso();
    let view = match view(&shared, &q) {
        Ok(v) => v,
        Err(r) => return r.into_response(),
    };
    match figures_off_the_workers(&shared, &q).await {
        Ok(f) => Html(dashboard_page::render(&shared, &f, &view)).into_response(),
        Err(r) => r.into_response(),
    }
}

/// How the page is shown: its language (`?lang=`, else the running configuration's
/// `[ui] language`, which a reload changes), the print view, and the period's query for the
/// page's own links.
fn view(shared: &Shared, q: &Params) -> Result<View, Failure> {
    let configured = shared.config().map(|c| c.ui.language);
    let lang = page_lang(q.lang.as_deref(), configured).map_err(bad_request)?;
    let print = q
        .print
        .as_deref()
        .is_some_and(|p| !matches!(p.trim(), "0" | "false" | "no"));
    let mut query = Vec::new();
    for (key, value) in [("from", &q.from), ("to", &q.to), ("as_of", &q.as_of)] {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            query.push((key, v.to_owned()));
        }
    }
    Ok(View {
        lang,
        print,
        query,
        made_at: Timestamp::now(),
    })
}

/// `?lang=` when given (`id`, `en`, `en-US`, …), else the configured language, else id.
fn page_lang(asked: Option<&str>, configured: Option<Lang>) -> Result<Lang, String> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Lang::parse(s).map_err(|e| e.to_string()),
        None => Ok(configured.unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::page_lang;
    use crate::i18n::Lang;

    #[test]
    fn day_first_dates_become_iso_and_others_stay() {
        use super::day_first_to_iso as iso;
        assert_eq!(iso("01/12/2026").as_deref(), Some("2026-12-01"));
        assert_eq!(iso(" 1/2/2024 ").as_deref(), Some("2024-02-01"));
        assert_eq!(iso("2024-02-01"), None);
        assert_eq!(iso("12/2026"), None);
        assert_eq!(iso("01/12/26"), None);
        assert_eq!(iso("aa/12/2026"), None);
    }

    #[test]
    fn the_query_wins_over_the_configured_language() {
        assert_eq!(page_lang(None, None), Ok(Lang::Id));
        assert_eq!(page_lang(None, Some(Lang::English)), Ok(Lang::English));
        assert_eq!(page_lang(Some(""), Some(Lang::English)), Ok(Lang::English));
        assert_eq!(page_lang(Some("id"), Some(Lang::English)), Ok(Lang::Id));
        assert_eq!(page_lang(Some("en-US"), None), Ok(Lang::English));
        assert!(page_lang(Some("jv"), None).is_err());
    }
}
