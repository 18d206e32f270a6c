//! The working-day calendar of the LAPOR! service levels: Saturdays, Sundays, national holidays
//! and cuti bersama are not working days (`lapor-api.md`, "Status values and lifecycle").
//!
//! Days are WIB calendar days (Asia/Jakarta): a complaint sent at 23:30 WIB on a Friday was
//! sent on Friday, whatever the UTC date. The holiday list ships inside the binary
//! (`config/holidays-id.toml`, with each day's decree) and an operator extends or corrects it
//! with a file in the same format (`report.calendar_file`), because the decrees change every
//! year and sometimes during one.
//!
//! Two kinds of arithmetic, both documented in the README ("Reports"):
//! - *fractional* working days between two instants: the part of the interval that lies on
//!   working days, in units of 24 hours. Friday 16:00 → Monday 10:00 WIB is 8 h + 10 h = 0.75.
//!   Used for response times (mean, median).
//! - *whole* working days after an event: the working days strictly after the event's WIB
//!   date. Used for the service-level deadlines: "within 3 working days" of an event on day D
//!   ends at the end (24:00 WIB) of the 3rd working day after D.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;

use crate::time::wib;

/// The shipped calendar: 2024–2026 from the SKBs and Keppres named on each day.
pub const SHIPPED: &str = include_str!("../config/holidays-id.toml");

/// Working-day searches give up after this many calendar days: a calendar file that makes
/// every day a holiday must not hang the daemon.
const MAX_SCAN_DAYS: i32 = 3660;

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("cannot read the calendar file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("calendar {source_name} is not valid: {message}")]
    Parse {
        source_name: String,
        message: String,
    },
}

/// Why a day is not (or, for `WorkingDay`, is again) a working day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    LiburNasional,
    CutiBersama,
    /// Cancels a day listed earlier (a holiday moved by an amendment or the sidang isbat).
    WorkingDay,
}

/// One listed day, with where it comes from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Day {
    pub date: Date,
    pub kind: DayKind,
    pub name: String,
    pub decree: String,
    pub note: Option<String>,
    /// Shipped although not confirmed by two sources; reports say so.
    pub unconfirmed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    year: Vec<RawYear>,
    #[serde(default)]
    day: Vec<RawDay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i16,
    decree: String,
    #[serde(default)]
    amendments: Option<String>,
    #[serde(default)]
    other: Option<String>,
    #[serde(default)]
    notes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDay {
    date: String,
    kind: DayKind,
    name: String,
    decree: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    unconfirmed: bool,
}

/// The non-working days besides weekends, and the years whose decrees were entered.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    days: BTreeMap<Date, Day>,
    /// Years with a `[[year]]` entry: their holidays are known. Outside them a report still
    /// counts weekends but warns that holidays are missing.
    years: BTreeMap<i16, String>,
}

impl Calendar {
    /// The calendar shipped in the binary.
    pub fn shipped() -> Calendar {
        Calendar::parse(SHIPPED, "config/holidays-id.toml (shipped)")
            .expect("the shipped calendar is checked by the tests")
    }

    /// The shipped calendar extended by the operator's file, whose days win.
    pub fn load(extra: Option<&Path>) -> Result<Calendar, CalendarError> {
        let mut cal = Calendar::shipped();
        if let Some(path) = extra {
            let text = std::fs::read_to_string(path).map_err(|source| CalendarError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            cal.extend(Calendar::parse(&text, &path.display().to_string())?);
        }
        Ok(cal)
    }

    pub fn parse(text: &str, source_name: &str) -> Result<Calendar, CalendarError> {
        let err = |message: String| CalendarError::Parse {
            source_name: source_name.to_owned(),
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| err(e.message().to_owned()))?;
        let mut cal = Calendar::default();
        for y in raw.year {
            let mut text = y.decree;
            for extra in [y.amendments, y.other, y.notes].into_iter().flatten() {
                text.push_str("; ");
                text.push_str(&extra);
            }
            cal.years.insert(y.year, text);
        }
        for d in raw.day {
            let date: Date = d
                .date
                .trim()
                .parse()
                .map_err(|e| err(format!("day {:?}: not a YYYY-MM-DD date ({e})", d.date)))?;
            if d.name.trim().is_empty() || d.decree.trim().is_empty() {
                return Err(err(format!(
                    "day {date}: `name` and `decree` must not be empty"
                )));
            }
            if cal.days.contains_key(&date) {
                return Err(err(format!("day {date} is listed twice")));
            }
            cal.days.insert(
                date,
                Day {
                    date,
                    kind: d.kind,
                    name: d.name,
                    decree: d.decree,
                    note: d.note,
                    unconfirmed: d.unconfirmed,
                },
            );
        }
        Ok(cal)
    }

    /// Adds `other`'s years and days; a day listed in both takes `other`'s entry.
    pub fn extend(&mut self, other: Calendar) {
        self.years.extend(other.years);
        self.days.extend(other.days);
    }

    /// The listed days (holidays, cuti bersama and cancellations), in date order.
    pub fn days(&self) -> impl Iterator<Item = &Day> {
        self.days.values()
    }

    /// Whether the decrees of `year` were entered.
    pub fn covers(&self, year: i16) -> bool {
        self.years.contains_key(&year)
    }

    /// Years from `from` to `to` (inclusive) whose holidays are not in the calendar.
    pub fn uncovered_years(&self, from: Date, to: Date) -> Vec<i16> {
        (from.year()..=to.year())
            .filter(|y| !self.covers(*y))
            .collect()
    }

    /// Listed days from `from` to `to` that are shipped unconfirmed.
    pub fn unconfirmed_between(&self, from: Date, to: Date) -> Vec<&Day> {
        self.days
            .range(from..=to)
            .map(|(_, d)| d)
            .filter(|d| d.unconfirmed)
            .collect()
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        match self.days.get(&d).map(|d| d.kind) {
            Some(DayKind::WorkingDay) => true,
            Some(_) => false,
            None => !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    /// The `n`-th working day strictly after `d` (`n` ≥ 1); `d` itself for `n` = 0.
    pub fn nth_working_day_after(&self, d: Date, n: u32) -> Date {
        let mut day = d;
        let mut found = 0;
        let mut scanned = 0;
        while found < n && scanned < MAX_SCAN_DAYS {
            day = next_day(day);
            scanned += 1;
            if self.is_working_day(day) {
                found += 1;
            }
        }
        day
    }

    /// Working days in the WIB dates `(from, to]`: how many whole working days have begun
    /// after `from`'s date by `to`'s date.
    pub fn working_days_after(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut day = from;
        let mut scanned = 0;
        while day < to && scanned < 100 * MAX_SCAN_DAYS {
            day = next_day(day);
            scanned += 1;
            if self.is_working_day(day) {
                n += 1;
            }
        }
        n
    }

    /// The end (24:00 WIB) of the `n`-th working day after the WIB date of `start`: the
    /// deadline of "within `n` working days".
    pub fn deadline(&self, start: Timestamp, n: u32) -> Timestamp {
        let last = self.nth_working_day_after(wib_date(start), n);
        start_of(next_day(last))
    }

    /// Fractional working days from `a` to `b` (0 when `b` ≤ `a`): the seconds of `[a, b)`
    /// that fall on working days, divided by 86 400.
    pub fn working_days_between(&self, a: Timestamp, b: Timestamp) -> f64 {
        if b <= a {
            return 0.0;
        }
        let mut secs: i64 = 0;
        let mut day = wib_date(a);
        let last = wib_date(b);
        loop {
            if self.is_working_day(day) {
                let lo = start_of(day).max(a);
                let hi = start_of(next_day(day)).min(b);
                if hi > lo {
                    secs += hi.as_second() - lo.as_second();
                }
            }
            if day >= last {
                break;
            }
            day = next_day(day);
        }
        secs as f64 / 86_400.0
    }
}

/// The WIB calendar date of an instant.
pub fn wib_date(t: Timestamp) -> Date {
    t.to_zoned_datetime(wib()).date()
}

/// 00:00 WIB of `d`.
pub fn start_of(d: Date) -> Timestamp {
    d.to_zoned_datetime(wib())
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

fn next_day(d: Date) -> Date {
    d.checked_add(1.day()).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(s: &str) -> Timestamp {
        crate::time::parse_wib(s).unwrap()
    }

    #[test]
    fn the_shipped_calendar_has_every_day_of_the_decrees() {
        let cal = Calendar::shipped();
        let count = |y: i16, k: DayKind| {
            cal.days()
                .filter(|d| d.date.year() == y && d.kind == k)
                .count()
        };
        // 2024: 17 + 2 election days (Keppres) libur nasional, 10 cuti bersama.
        assert_eq!(count(2024, DayKind::LiburNasional), 19);
        assert_eq!(count(2024, DayKind::CutiBersama), 10);
        // 2025: 17 + 11 (18 Aug added by the amendment).
        assert_eq!(count(2025, DayKind::LiburNasional), 17);
        assert_eq!(count(2025, DayKind::CutiBersama), 11);
        // 2026: 17 + 8.
        assert_eq!(count(2026, DayKind::LiburNasional), 17);
        assert_eq!(count(2026, DayKind::CutiBersama), 8);
        for y in 2024..=2026 {
            assert!(cal.covers(y));
        }
        assert!(!cal.covers(2027));
        assert!(cal.days().all(|d| !d.decree.is_empty()));
        let adha = cal.days().find(|d| d.date == date(2026, 5, 27)).unwrap();
        assert!(adha.note.as_deref().unwrap().contains("isbat"));
        let pemilu = cal.days().find(|d| d.date == date(2024, 2, 14)).unwrap();
        assert!(pemilu.decree.contains("Keppres 10/2024"));
    }

    #[test]
    fn weekends_holidays_and_cuti_bersama_are_not_working_days() {
        let cal = Calendar::shipped();
        assert!(cal.is_working_day(date(2024, 4, 5))); // Friday before Lebaran
        assert!(!cal.is_working_day(date(2024, 4, 6))); // Saturday
        assert!(!cal.is_working_day(date(2024, 4, 8))); // cuti bersama
        assert!(!cal.is_working_day(date(2024, 4, 10))); // Idul Fitri
        assert!(!cal.is_working_day(date(2024, 4, 15))); // cuti bersama
        assert!(cal.is_working_day(date(2024, 4, 16)));
        assert!(!cal.is_working_day(date(2025, 8, 18))); // added by the 2025 amendment
        assert!(!cal.is_working_day(date(2024, 2, 14))); // Pemilu, by Keppres
    }

    #[test]
    fn deadlines_skip_lebaran() {
        let cal = Calendar::shipped();
        // Forwarded Thursday 4 April 2024 10:00 WIB. Working days after it: Fri 5 Apr (1),
        // then 6–15 Apr are weekend, cuti bersama and Idul Fitri, Tue 16 (2), Wed 17 (3).
        let start = at("2024-04-04 10:00:00");
        assert_eq!(
            cal.nth_working_day_after(date(2024, 4, 4), 3),
            date(2024, 4, 17)
        );
        assert_eq!(cal.deadline(start, 3), at("2024-04-18 00:00:00"));
        assert_eq!(
            cal.working_days_after(date(2024, 4, 4), date(2024, 4, 16)),
            2
        );
        // Nyepi (Mon 11 Mar, libur) and its cuti bersama (Tue 12 Mar): from Fri 8 Mar the
        // 1st working day is Wed 13 Mar.
        assert_eq!(
            cal.nth_working_day_after(date(2024, 3, 8), 1),
            date(2024, 3, 13)
        );
        assert_eq!(
            cal.nth_working_day_after(date(2024, 3, 8), 0),
            date(2024, 3, 8)
        );
    }

    #[test]
    fn fractional_working_days_count_only_working_hours_of_working_days() {
        let cal = Calendar::shipped();
        // Friday 16:00 → Monday 10:00 WIB: 8 h on Friday, 10 h on Monday.
        let d = cal.working_days_between(at("2024-07-26 16:00:00"), at("2024-07-29 10:00:00"));
        assert!((d - 0.75).abs() < 1e-9, "{d}");
        // Across the Idul Adha libur (Mon 17 Jun) and cuti bersama (Tue 18 Jun):
        // Fri 14 Jun 12:00 → Wed 19 Jun 12:00 = 12 h + 12 h = 1 working day.
        let d = cal.working_days_between(at("2024-06-14 12:00:00"), at("2024-06-19 12:00:00"));
        assert!((d - 1.0).abs() < 1e-9, "{d}");
        // Reported on a Sunday, answered Monday 06:00: 0.25.
        let d = cal.working_days_between(at("2024-07-28 09:00:00"), at("2024-07-29 06:00:00"));
        assert!((d - 0.25).abs() < 1e-9, "{d}");
        assert_eq!(
            cal.working_days_between(at("2024-07-29 06:00:00"), at("2024-07-28 06:00:00")),
            0.0
        );
        // WIB, not UTC: 23:30 WIB Friday is still Friday (16:30 UTC), so half an hour counts.
        let d = cal.working_days_between(at("2024-07-26 23:30:00"), at("2024-07-27 08:00:00"));
        assert!((d - 1.0 / 48.0).abs() < 1e-9, "{d}");
    }

    #[test]
    fn an_operator_file_adds_and_cancels_days() {
        let mut cal = Calendar::shipped();
        let extra = r#"
            [[year]]
            year = 2027
            decree = "SKB (example)"

            [[day]]
            date = "2027-01-01"
            kind = "libur_nasional"
            name = "Tahun Baru 2027 Masehi"
            decree = "SKB (example)"
            unconfirmed = true

            [[day]]
            date = "2026-05-28"
            kind = "working_day"
            name = "cuti bersama moved"
            decree = "amendment (example)"
        "#;
        cal.extend(Calendar::parse(extra, "extra").unwrap());
        assert!(cal.covers(2027));
        assert!(!cal.is_working_day(date(2027, 1, 1)));
        assert!(cal.is_working_day(date(2026, 5, 28)));
        assert_eq!(
            cal.unconfirmed_between(date(2027, 1, 1), date(2027, 12, 31))
                .len(),
            1
        );
        let bad = Calendar::parse("[[day]]\ndate = \"2027-13-01\"\nkind = \"libur_nasional\"\nname = \"x\"\ndecree = \"y\"\n", "bad");
        assert!(bad.unwrap_err().to_string().contains("2027-13-01"));
        let typo = Calendar::parse(
            "[[day]]\ndate = \"2027-01-01\"\nkind = \"libur\"\nname = \"x\"\ndecree = \"y\"\n",
            "typo",
        );
        assert!(typo.is_err());
    }
}
