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
pub(super) const BUCKETS: [(f64, Option<f64>); 7] = [
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

/// The complaints of one group (the total, a channel, an OPD) as the stream passes them.
#[derive(Default)]
struct Tally {
    received: u64,
    forwarded: u64,
    closed: u64,
    rejected: u64,
    /// Working days to the first response, of the responded ones.
    times: Vec<f64>,
}

impl Tally {
    fn add(&mut self, o: &Outcome) {
        self.received += 1;
        self.forwarded += u64::from(o.forwarded);
        self.closed += u64::from(o.closed);
        self.rejected += u64::from(o.rejected);
        if let Some(d) = o.response_days {
            self.times.push(d);
        }
    }

    /// The group's figures; the durations sorted first, so that the mean sums them in the
    /// same order whatever order the complaints came in.
    fn finish(mut self) -> (Kpi, Vec<f64>) {
        self.times.sort_by(f64::total_cmp);
        let times = self.times;
        let received = self.received;
        let responded = times.len() as u64;
        let kpi = Kpi {
            received,
            forwarded: self.forwarded,
            responded,
            response_rate: (received > 0).then(|| responded as f64 / received as f64),
            mean_response_days: (!times.is_empty())
                .then(|| times.iter().sum::<f64>() / times.len() as f64),
            median_response_days: median(&times),
            closed: self.closed,
            rejected: self.rejected,
        };
        (kpi, times)
    }
}

/// One complaint of the cohort, reduced to what the KPIs count as of `as_of`.
struct Outcome {
    forwarded: bool,
    response_days: Option<f64>,
    closed: bool,
    rejected: bool,
}

/// The report of a period, built from a stream of timelines: each is reduced to its outcome
/// and dropped, so memory holds the period's durations (for the medians), not timelines.
pub struct Builder<'a> {
    cal: &'a Calendar,
    period: &'a Period,
    annual_target: u32,
    year_to_date: u64,
    total: Tally,
    by_channel: BTreeMap<String, Tally>,
    by_opd: BTreeMap<Option<i64>, Tally>,
    weeks: BTreeMap<Date, BTreeMap<String, u64>>,
}

impl<'a> Builder<'a> {
    pub fn new(cal: &'a Calendar, period: &'a Period, annual_target: u32) -> Builder<'a> {
        Builder {
            cal,
            period,
            annual_target,
            year_to_date: 0,
            total: Tally::default(),
            by_channel: BTreeMap::new(),
            by_opd: BTreeMap::new(),
            weeks: BTreeMap::new(),
        }
    }

    /// The first day of the target's year: 1 January of the period's end.
    pub fn year_start(&self) -> Date {
        Date::new(self.period.to.year(), 1, 1).unwrap_or(self.period.from)
    }

    /// Counts one complaint's report time towards the year's target if it falls in it.
    pub fn offer_year(&mut self, reported_at: Timestamp) {
        let d = wib_date(reported_at);
        if d >= self.year_start() && d <= self.period.to && reported_at <= self.period.as_of {
            self.year_to_date += 1;
        }
    }

    /// Reported in the period and already by `as_of` (a report "as of" mid-period counts
    /// only the complaints that existed then).
    pub fn in_period(&self, t: &Timeline) -> bool {
        let d = wib_date(t.reported_at);
        d >= self.period.from && d <= self.period.to && t.reported_at <= self.period.as_of
    }

    /// Adds one timeline to the cohort if it belongs to it.
    pub fn offer(&mut self, t: &Timeline) {
        if !self.in_period(t) {
            return;
        }
        let as_of = self.period.as_of;
        let status = t.status_at(as_of);
        let o = Outcome {
            forwarded: t.forwarded_by(as_of).is_some(),
            response_days: response_days(t, self.cal, as_of),
            closed: status.is_some_and(|s| CLOSED.contains(&s)),
            rejected: status == Some(REJECTED),
        };
        self.total.add(&o);
        self.by_channel
            .entry(t.channel.clone())
            .or_default()
            .add(&o);
        self.by_opd.entry(t.instansi_id).or_default().add(&o);
        *self
            .weeks
            .entry(monday_of(wib_date(t.reported_at)))
            .or_default()
            .entry(t.channel.clone())
            .or_default() += 1;
    }

    pub fn finish(self, names: &BTreeMap<i64, String>) -> Report {
        let (period, cal, annual_target) = (self.period, self.cal, self.annual_target);
        let year_to_date = self.year_to_date;
        let channels: Vec<String> = self.by_channel.keys().cloned().collect();
        let (total, times) = self.total.finish();
        Report {
            from: period.from,
            to: period.to,
            as_of: period.as_of,
            total,
            target: Target {
                year: period.to.year(),
                annual: annual_target,
                year_to_date,
                progress: (annual_target > 0)
                    .then(|| year_to_date as f64 / f64::from(annual_target)),
            },
            by_channel: self
                .by_channel
                .into_iter()
                .map(|(channel, t)| ChannelKpi {
                    channel,
                    kpi: t.finish().0,
                })
                .collect(),
            by_opd: self
                .by_opd
                .into_iter()
                .map(|(id, t)| OpdKpi {
                    instansi_id: id,
                    name: id.and_then(|id| names.get(&id).cloned()),
                    kpi: t.finish().0,
                })
                .collect(),
            weekly: weekly(&self.weeks, &channels, period),
            response_times: buckets(&times),
            warnings: warnings(cal, period),
        }
    }
}

/// The response-time distribution of sorted durations.
fn buckets(times: &[f64]) -> Vec<Bucket> {
    BUCKETS
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
        .collect()
}

/// Caveats of the period: years without holiday data, unconfirmed holidays.
pub(super) fn warnings(cal: &Calendar, period: &Period) -> Vec<String> {
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
    warnings
}

/// Working days from the report to the first response, if it came by `as_of`.
pub fn response_days(t: &Timeline, cal: &Calendar, as_of: Timestamp) -> Option<f64> {
    let first = t.first_response_from(Timestamp::MIN, as_of)?;
    Some(cal.working_days_between(t.reported_at, first))
}

/// The median of sorted values; the mean of the middle two for an even count.
pub(super) fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

pub(super) fn monday_of(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(back.days()).unwrap_or(d)
}

/// Every week overlapping the period, with its complaints per channel (zero weeks included,
/// so the chart's time axis has no gaps); `counts` are the cohort's, by week start.
fn weekly(
    counts: &BTreeMap<Date, BTreeMap<String, u64>>,
    channels: &[String],
    period: &Period,
) -> Vec<Week> {
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
    for (wk, per_channel) in counts {
        if let Some(m) = weeks.get_mut(wk) {
            for (c, n) in per_channel {
                *m.entry(c.clone()).or_default() += n;
            }
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
