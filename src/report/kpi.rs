//! The figures the city is judged by, per period, channel and OPD, computed from the
//! timelines (never from counters, so a report can be recomputed for any past period).
//!
//! Definitions (also in the README, "Reports"):
//! - the *cohort* of a period is the complaints the citizen reported on a WIB date from
//!   `from` to `to` (inclusive) and before `as_of`, by `records.reported_at`, or
//!   `received_at` when the channel gave no time;
//! - every outcome is counted as of `as_of` (default: now), so a report of a past period is
//!   reproducible by giving the same `as_of`;
//! - *received*: the cohort; *forwarded*: the ones in LAPOR! by `as_of`; *responded*: the ones
//!   with a first `tanggapan` by `as_of`; *response rate*: responded / received (as Diskominfo
//!   reports "100% answered");
//! - *response time*: from the report to the first `tanggapan`, in fractional working days
//!   ([`Calendar::working_days_between`]); mean and median over the responded complaints;
//! - *closed*: status `selesai` or `diarsipkan` as of `as_of`; *rejected*: `ditolak`;
//! - *target progress*: complaints reported from 1 January of `to`'s year to `to`, over the
//!   configured annual target (the city's "47% of the target" for January–June 2024).

use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

use super::calendar::{wib_date, Calendar};
use super::timeline::{Timeline, CLOSED, REJECTED};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Kpi {
    pub received: u64,
    pub forwarded: u64,
    pub responded: u64,
    /// responded / received; `None` without complaints.
    pub response_rate: Option<f64>,
    /// Working days from report to first response.
    pub mean_response_days: Option<f64>,
    pub median_response_days: Option<f64>,
    pub closed: u64,
    pub rejected: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelKpi {
    pub channel: String,
    #[serde(flatten)]
    pub kpi: Kpi,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpdKpi {
    /// `None`: not (yet) mapped to an instansi.
    pub instansi_id: Option<i64>,
    pub name: Option<String>,
    #[serde(flatten)]
    pub kpi: Kpi,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub year: i16,
    pub annual: u32,
    /// Complaints reported from 1 January to the period's end.
    pub year_to_date: u64,
    /// year_to_date / annual.
    pub progress: Option<f64>,
}

/// Complaints received in one week (Monday to Sunday, WIB), per channel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Week {
    pub week_start: Date,
    pub channels: BTreeMap<String, u64>,
}

/// One bar of the response-time distribution: `from` ≤ days < `to` (`to` None: no upper bound).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bucket {
    pub label: String,
    pub from: f64,
    pub to: Option<f64>,
    pub count: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub from: Date,
    pub to: Date,
    pub as_of: Timestamp,
    pub total: Kpi,
    pub target: Target,
    pub by_channel: Vec<ChannelKpi>,
    pub by_opd: Vec<OpdKpi>,
    pub weekly: Vec<Week>,
    pub response_times: Vec<Bucket>,
    /// Caveats: years without holiday data, unconfirmed holidays in the period.
    pub warnings: Vec<String>,
}

/// Response-time buckets, in working days.
const BUCKETS: [(f64, Option<f64>); 7] = [
    (0.0, Some(0.5)),
    (0.5, Some(1.0)),
    (1.0, Some(2.0)),
    (2.0, Some(3.0)),
    (3.0, Some(5.0)),
    (5.0, Some(10.0)),
    (10.0, None),
];

pub struct Period {
    pub from: Date,
    pub to: Date,
    pub as_of: Timestamp,
}

/// Computes the report of `period` from every timeline in the store.
pub fn compute(
    timelines: &[Timeline],
    cal: &Calendar,
    period: &Period,
    annual_target: u32,
    names: &BTreeMap<i64, String>,
) -> Report {
    // Reported in the period and already by `as_of` (a report "as of" mid-period counts
    // only the complaints that existed then).
    let in_period = |t: &Timeline| {
        let d = wib_date(t.reported_at);
        d >= period.from && d <= period.to && t.reported_at <= period.as_of
    };
    let cohort: Vec<&Timeline> = timelines.iter().filter(|t| in_period(t)).collect();
    let as_of = period.as_of;

    let mut by_channel: BTreeMap<String, Vec<&Timeline>> = BTreeMap::new();
    let mut by_opd: BTreeMap<Option<i64>, Vec<&Timeline>> = BTreeMap::new();
    for t in &cohort {
        by_channel.entry(t.channel.clone()).or_default().push(t);
        by_opd.entry(t.instansi_id).or_default().push(t);
    }

    let year = period.to.year();
    let jan1 = Date::new(year, 1, 1).unwrap_or(period.from);
    let year_to_date = timelines
        .iter()
        .filter(|t| {
            let d = wib_date(t.reported_at);
            d >= jan1 && d <= period.to && t.reported_at <= period.as_of
        })
        .count() as u64;

    let mut times: Vec<f64> = cohort
        .iter()
        .filter_map(|t| response_days(t, cal, as_of))
        .collect();
    times.sort_by(f64::total_cmp);
    let response_times = BUCKETS
        .iter()
        .map(|(from, to)| Bucket {
            label: match to {
                Some(to) => format!("{from}–{to}"),
                None => format!("≥ {from}"),
            },
            from: *from,
            to: *to,
            count: times
                .iter()
                .filter(|d| **d >= *from && to.is_none_or(|to| **d < to))
                .count() as u64,
        })
        .collect();

    let mut warnings = Vec::new();
    let uncovered = cal.uncovered_years(period.from, period.to);
    if !uncovered.is_empty() {
        warnings.push(format!(
            "no holidays are known for {}: only weekends are excluded; add the year's SKB to \
             the calendar file (report.calendar_file)",
            uncovered
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for d in cal.unconfirmed_between(period.from, period.to) {
        warnings.push(format!(
            "{} ({}) is counted as a holiday but is unconfirmed",
            d.date, d.name
        ));
    }

    Report {
        from: period.from,
        to: period.to,
        as_of,
        total: kpi(&cohort, cal, as_of),
        target: Target {
            year,
            annual: annual_target,
            year_to_date,
            progress: (annual_target > 0).then(|| year_to_date as f64 / f64::from(annual_target)),
        },
        by_channel: by_channel
            .into_iter()
            .map(|(channel, ts)| ChannelKpi {
                channel,
                kpi: kpi(&ts, cal, as_of),
            })
            .collect(),
        by_opd: by_opd
            .into_iter()
            .map(|(id, ts)| OpdKpi {
                instansi_id: id,
                name: id.and_then(|id| names.get(&id).cloned()),
                kpi: kpi(&ts, cal, as_of),
            })
            .collect(),
        weekly: weekly(&cohort, period),
        response_times,
        warnings,
    }
}

/// Working days from the report to the first response, if it came by `as_of`.
pub fn response_days(t: &Timeline, cal: &Calendar, as_of: Timestamp) -> Option<f64> {
    let first = t.first_response_from(Timestamp::MIN, as_of)?;
    Some(cal.working_days_between(t.reported_at, first))
}

fn kpi(ts: &[&Timeline], cal: &Calendar, as_of: Timestamp) -> Kpi {
    let received = ts.len() as u64;
    let mut times: Vec<f64> = ts
        .iter()
        .filter_map(|t| response_days(t, cal, as_of))
        .collect();
    times.sort_by(f64::total_cmp);
    let responded = times.len() as u64;
    let status = |t: &&&Timeline| t.status_at(as_of).map(str::to_owned);
    Kpi {
        received,
        forwarded: ts
            .iter()
            .filter(|t| t.forwarded_by(as_of).is_some())
            .count() as u64,
        responded,
        response_rate: (received > 0).then(|| responded as f64 / received as f64),
        mean_response_days: (!times.is_empty())
            .then(|| times.iter().sum::<f64>() / times.len() as f64),
        median_response_days: median(&times),
        closed: ts
            .iter()
            .filter(|t| status(t).is_some_and(|s| CLOSED.contains(&s.as_str())))
            .count() as u64,
        rejected: ts
            .iter()
            .filter(|t| status(t).as_deref() == Some(REJECTED))
            .count() as u64,
    }
}

/// The median of sorted values; the mean of the middle two for an even count.
fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

fn monday_of(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(back.days()).unwrap_or(d)
}

/// Every week overlapping the period, with its complaints per channel (zero weeks included,
/// so the chart's time axis has no gaps).
fn weekly(cohort: &[&Timeline], period: &Period) -> Vec<Week> {
    let channels: Vec<String> = {
        let mut c: Vec<String> = cohort.iter().map(|t| t.channel.clone()).collect();
        c.sort();
        c.dedup();
        c
    };
    let mut weeks: BTreeMap<Date, BTreeMap<String, u64>> = BTreeMap::new();
    let mut w = monday_of(period.from);
    let mut guard = 0;
    while w <= period.to && guard < 600 {
        weeks.insert(w, channels.iter().map(|c| (c.clone(), 0)).collect());
        w = w.checked_add(7.days()).unwrap_or(period.to);
        guard += 1;
        if w.weekday() != Weekday::Monday {
            break;
        }
    }
    for t in cohort {
        let wk = monday_of(wib_date(t.reported_at));
        if let Some(m) = weeks.get_mut(&wk) {
            *m.entry(t.channel.clone()).or_default() += 1;
        }
    }
    weeks
        .into_iter()
        .map(|(week_start, channels)| Week {
            week_start,
            channels,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, 2.0, 9.0]), Some(2.0));
        assert_eq!(median(&[1.0, 2.0, 3.0, 9.0]), Some(2.5));
    }

    #[test]
    fn weeks_start_on_monday() {
        let d: Date = "2024-07-28".parse().unwrap(); // Sunday
        assert_eq!(monday_of(d), "2024-07-22".parse::<Date>().unwrap());
        let d: Date = "2024-07-29".parse().unwrap();
        assert_eq!(monday_of(d), d);
    }
}
