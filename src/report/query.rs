//! The reports read from SQL: only the records a figure can depend on, streamed one timeline
//! at a time ([`timeline::stream`]) through the indexes of migration 8, so neither the time
//! nor the memory of a report grows with the store's history outside its period.
//!
//! Assumes what the store guarantees: times are `time::db` text (fixed width, so text order
//! is time order), and `records.lapor_status` is set only with the applied update of the
//! same effective time (`store::updates`), so a record whose status is final at or before
//! `now` has the final status on its timeline by `now`.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;

use super::calendar::{start_of, Calendar};
use super::kpi::{Builder, Period, Report};
use super::sla::{Check, SlaReport, Tally};
use super::timeline::{self, report_time};
use crate::store::{Store, StoreError};
use crate::time;

/// The report time, exactly as `records_report_time` indexes it.
const REPORT_TIME: &str = "coalesce(reported_at, received_at)";

/// Records whose report time falls in `?1..?2`.
fn report_time_in() -> String {
    format!("{REPORT_TIME} >= ?1 AND {REPORT_TIME} < ?2")
}

/// UTC text bounds around the WIB dates `from..=to`, a day wider on each side: the window
/// only narrows the read, the exact test (WIB date, `as_of`) is the report's own.
fn window(from: Date, to: Date) -> (String, String) {
    let day = SignedDuration::from_hours(24);
    let lo = start_of(from).checked_sub(day).unwrap_or(Timestamp::MIN);
    let hi = start_of(to).checked_add(day * 2).unwrap_or(Timestamp::MAX);
    (time::db(lo), time::db(hi))
}

/// The KPI report of `period`: the year's target counted from the report times of the year
/// alone, the cohort streamed from the period's records.
pub fn kpi(
    store: &Store,
    cal: &Calendar,
    period: &Period,
    annual_target: u32,
) -> Result<Report, StoreError> {
    let names = timeline::instansi_names(store)?;
    let mut b = Builder::new(cal, period, annual_target);
    store.with_conn(|c| {
        let (lo, hi) = window(b.year_start(), period.to);
        let mut st = c.prepare(&format!(
            "SELECT reported_at, received_at FROM records WHERE {}",
            report_time_in()
        ))?;
        let rows = st.query_map([&lo, &hi], |r| {
            Ok(report_time(
                r.get::<_, Option<String>>(0)?.as_deref(),
                &r.get::<_, String>(1)?,
            ))
        })?;
        for t in rows {
            b.offer_year(t?);
        }
        let (lo, hi) = window(period.from, period.to);
        timeline::stream(c, &report_time_in(), &[&lo, &hi], |t| b.offer(&t))
    })?;
    Ok(b.finish(&names))
}

const FINAL: &str = "('selesai', 'ditolak', 'diarsipkan')";

/// The complaints whose checks can still be open at `now`: no final status yet
/// (`records_sla_open`), or one that came only after `now` (`records_final_at`).
/// With the ended ones ([`sla`]) they partition the store.
fn stream_open(c: &Connection, now: &str, tally: &mut Tally<'_>) -> rusqlite::Result<()> {
    timeline::stream(
        c,
        &format!("lapor_status IS NULL OR lapor_status NOT IN {FINAL}"),
        &[],
        |t| tally.add(&t),
    )?;
    // Two reads rather than one with `OR`, which no index serves. A final status without a
    // time is not written by the sync; read with the open ones all the same.
    for ended_later in [
        format!("lapor_status IN {FINAL} AND lapor_status_at > ?1"),
        format!("lapor_status IN {FINAL} AND lapor_status_at IS NULL AND ?1 IS NOT NULL"),
    ] {
        timeline::stream(c, &ended_later, &[&now], |t| tally.add(&t))?;
    }
    Ok(())
}

/// The whole SLA report as of `now`: the open complaints, and the ended ones for the counts
/// of completed checks (met, met late) — every forwarded complaint has those, so this part
/// reads the store's history, streamed.
pub fn sla(
    store: &Store,
    cal: &Calendar,
    margin: u32,
    now: Timestamp,
) -> Result<SlaReport, StoreError> {
    let mut tally = Tally::new(cal, margin, now);
    let at = time::db(now);
    store.with_conn(|c| {
        stream_open(c, &at, &mut tally)?;
        timeline::stream(
            c,
            &format!("lapor_status IN {FINAL} AND lapor_status_at <= ?1"),
            &[&at],
            |t| tally.add(&t),
        )
    })?;
    Ok(tally.finish())
}

/// The watch list alone (at risk or breached), from the open complaints only: what the alert
/// stages need at each check, without reading the ended ones.
pub fn sla_watch(
    store: &Store,
    cal: &Calendar,
    margin: u32,
    now: Timestamp,
) -> Result<Vec<Check>, StoreError> {
    let mut tally = Tally::new(cal, margin, now);
    let at = time::db(now);
    store.with_conn(|c| stream_open(c, &at, &mut tally))?;
    Ok(tally.into_watch())
}
