//! Service-level reports: the KPIs Diskominfo reports (received, response rate, response
//! time in working days, progress against the year's SP4N-LAPOR! target), the LAPOR!
//! service-level watch, and the admin dashboard. Everything is computed from the timestamps
//! the store already holds, on the working-day calendar of [`calendar`].

pub mod alerts;
pub mod chat;
pub use crate::calendar;
pub mod kpi;
#[cfg(test)]
mod kpi_oracle;
pub mod metrics;
#[cfg(test)]
mod oracle_tests;
mod query;
pub mod render;
pub mod sla;
pub mod sla_cache;
pub mod telegram;
pub mod timeline;

use std::path::Path;

use jiff::civil::Date;
use jiff::Timestamp;

pub use calendar::Calendar;
pub use kpi::{Period, Report};

use crate::config::ReportConfig;
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Calendar(#[from] calendar::CalendarError),
    #[error("{0}")]
    Period(String),
}

/// The calendar of a configuration: shipped days plus the operator's file.
pub fn calendar_for(cfg: &ReportConfig) -> Result<Calendar, ReportError> {
    Ok(Calendar::load(cfg.calendar_file.as_deref())?)
}

/// The KPI report of `from`..=`to` (WIB dates) as of `as_of`, from the store.
pub fn kpi_report(
    store: &Store,
    cfg: &ReportConfig,
    cal: &Calendar,
    from: Date,
    to: Date,
    as_of: Timestamp,
) -> Result<Report, ReportError> {
    if to < from {
        return Err(ReportError::Period(format!(
            "--to {to} is before --from {from}"
        )));
    }
    let period = Period { from, to, as_of };
    Ok(query::kpi(store, cal, &period, cfg.annual_target)?)
}

/// The service-level checks of every complaint in the store as of `now`.
pub fn sla_report(
    store: &Store,
    cfg: &ReportConfig,
    cal: &Calendar,
    now: Timestamp,
) -> Result<sla::SlaReport, ReportError> {
    Ok(query::sla(store, cal, cfg.at_risk_margin_days, now)?)
}

/// The checks at risk or breached as of `now` (the SLA report's watch list), read from the
/// open complaints only: for the alert stages, which need nothing else.
pub fn sla_watch(
    store: &Store,
    cfg: &ReportConfig,
    cal: &Calendar,
    now: Timestamp,
) -> Result<Vec<sla::Check>, ReportError> {
    Ok(query::sla_watch(store, cal, cfg.at_risk_margin_days, now)?)
}

/// The default period: 1 January of `now`'s year (WIB) to today.
pub fn year_to_date(now: Timestamp) -> (Date, Date) {
    let today = calendar::wib_date(now);
    (Date::new(today.year(), 1, 1).unwrap_or(today), today)
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<Date, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a date; use YYYY-MM-DD"))
}

/// Parses an `--as-of` instant: RFC 3339 (`2024-07-01T00:00:00Z`), a WIB wall-clock time
/// (`2024-07-01 08:00:00`) or a WIB date (its 24:00, i.e. the end of that day).
pub fn parse_as_of(s: &str) -> Result<Timestamp, String> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Some(t) = crate::time::parse_wib(s) {
        return Ok(t);
    }
    if let Ok(d) = s.parse::<Date>() {
        if let Ok(next) = d.tomorrow() {
            return Ok(calendar::start_of(next));
        }
    }
    Err(format!(
        "{s:?} is not a time; use 2024-07-01T00:00:00Z, \"2024-07-01 08:00:00\" (WIB) or 2024-06-30 (end of that day, WIB)"
    ))
}

/// Reads the `[report]` settings for an operator command without resolving secrets.
pub fn settings_for_cli(config: &Path) -> Result<ReportConfig, String> {
    crate::config::report_settings_without_secrets(config)
}
