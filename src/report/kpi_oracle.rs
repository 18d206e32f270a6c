//! The KPI report as it was computed before the SQL path: from every timeline of the store,
//! held in memory. Kept only as the oracle the streaming [`super::kpi::Builder`] is checked
//! against (`src/report/oracle_tests.rs`).

use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, ToSpan};

use super::calendar::{wib_date, Calendar};
use super::kpi::{
    median, monday_of, response_days, Bucket, ChannelKpi, Kpi, OpdKpi, Period, Report, Target,
    Week, BUCKETS,
};
use super::timeline::{Timeline, CLOSED, REJECTED};

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
