//! Numbers, dates and times as each language writes them, in one place.
//!
//! `id` (istilah.md): `1.367`, `99,5%`, `01/12/2026`, in prose `1 Desember 2026`, `14.30 WIB`
//! in prose and `14:30` in tables (the zone in the header); weeks start on Senin. `en`: `1,367`,
//! `99.5%`, ISO dates `2026-12-01` (unambiguous wherever the reader is), `14:30 WIB`.
//! Every time is WIB, the zone the city works in.

use jiff::civil::{Date, Weekday};
use jiff::Timestamp;

use super::Lang;
use crate::time::wib;

fn separators(lang: Lang) -> (char, char) {
    match lang {
        Lang::Id => ('.', ','),
        Lang::English => (',', '.'),
    }
}

fn group(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// `1.367` / `1,367`.
pub fn int(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group(&digits, separators(lang).0))
}

/// `1.367,5` / `1,367.5` with exactly `places` decimals.
pub fn decimal(lang: Lang, x: f64, places: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let (thousands, point) = separators(lang);
    let text = format!("{:.*}", places, x.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    // -0,0 reads as a negative figure that is not there.
    let negative = x < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&group(whole, thousands));
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// `99,5%` / `99.5%`; `x` is already a percentage.
pub fn percent(lang: Lang, x: f64, places: usize) -> String {
    format!("{}%", decimal(lang, x, places))
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `Desember` / `December`; `month` is 1–12.
pub fn month_name(lang: Lang, month: i8) -> &'static str {
    let i = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Id => MONTHS_ID[i],
        Lang::English => MONTHS_EN[i],
    }
}

/// `Senin` / `Monday`.
pub fn weekday_name(lang: Lang, day: Weekday) -> &'static str {
    let i = day.to_monday_zero_offset() as usize;
    match lang {
        Lang::Id => [
            "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
        ][i],
        Lang::English => [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][i],
    }
}

/// The first day of a week, for calendars and date pickers: Monday in both.
pub const FIRST_WEEKDAY: Weekday = Weekday::Monday;

/// `01/12/2026` / `2026-12-01`: tables, inputs, CSV.
pub fn date(lang: Lang, d: Date) -> String {
    match lang {
        Lang::Id => d.strftime("%d/%m/%Y").to_string(),
        Lang::English => d.strftime("%Y-%m-%d").to_string(),
    }
}

/// `1 Desember 2026` / `1 December 2026`: prose and titles.
pub fn date_long(lang: Lang, d: Date) -> String {
    format!("{} {} {}", d.day(), month_name(lang, d.month()), d.year())
}

/// The WIB date of an instant.
pub fn wib_date(ts: Timestamp) -> Date {
    ts.to_zoned_datetime(wib()).date()
}

/// `14.30 WIB` / `14:30 WIB`: a time of day in prose.
pub fn time_prose(lang: Lang, ts: Timestamp) -> String {
    let z = ts.to_zoned_datetime(wib());
    match lang {
        Lang::Id => format!("{:02}.{:02} WIB", z.hour(), z.minute()),
        Lang::English => format!("{:02}:{:02} WIB", z.hour(), z.minute()),
    }
}

/// `01/12/2026 14:30` / `2026-12-01 14:30`: a table cell whose header names the zone (WIB).
pub fn datetime_cell(lang: Lang, ts: Timestamp) -> String {
    let z = ts.to_zoned_datetime(wib());
    format!("{} {:02}:{:02}", date(lang, z.date()), z.hour(), z.minute())
}

/// `01/12/2026 14:30 WIB` / `2026-12-01 14:30 WIB`: a time on a line of its own.
pub fn datetime(lang: Lang, ts: Timestamp) -> String {
    format!("{} WIB", datetime_cell(lang, ts))
}

/// `1 Desember 2026 pukul 14.30 WIB` / `1 December 2026 at 14:30 WIB`.
pub fn datetime_prose(lang: Lang, ts: Timestamp) -> String {
    let d = date_long(lang, wib_date(ts));
    match lang {
        Lang::Id => format!("{d} pukul {}", time_prose(lang, ts)),
        Lang::English => format!("{d} at {}", time_prose(lang, ts)),
    }
}

/// A store time (UTC text) as [`datetime`]; text that is not a store time comes back as is.
pub fn db_datetime(lang: Lang, s: &str) -> String {
    crate::time::parse_db(s)
        .map(|t| datetime(lang, t))
        .unwrap_or_else(|| s.to_string())
}

/// The field separator of CSV that Excel opens in the language's locale: `;` where the
/// decimal mark is a comma.
pub fn csv_delimiter(lang: Lang) -> u8 {
    match lang {
        Lang::Id => b';',
        Lang::English => b',',
    }
}

/// Indonesian Excel reads a UTF-8 CSV as UTF-8 only with a byte-order mark.
pub fn csv_bom(lang: Lang) -> &'static str {
    match lang {
        Lang::Id => "\u{feff}",
        Lang::English => "",
    }
}

/// `01/12/2026 14:30:05 WIB` / `2026-12-01 14:30:05 WIB`: a time to the second, where the
/// second matters (an operator's `--since`, a record's timeline under investigation).
pub fn datetime_seconds(lang: Lang, ts: Timestamp) -> String {
    let z = ts.to_zoned_datetime(wib());
    format!("{}:{:02} WIB", datetime_cell(lang, ts), z.second())
}

/// `1234,57` / `1234.57`: a decimal for CSV cells, without thousands separators, so any
/// spreadsheet in the language's locale reads it as one number.
pub fn decimal_plain(lang: Lang, x: f64, places: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let text = format!("{:.*}", places, x);
    match lang {
        Lang::Id => text.replace('.', ","),
        Lang::English => text,
    }
}

/// Most columns a line the CLI prints may take: fits a 100-column terminal.
pub const LINE_WIDTH: usize = 100;

/// `text` word-wrapped to `width` columns (counted in chars), continuation lines indented by
/// `indent` spaces. A word longer than a line (a long path) is kept whole on its own line.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    for (i, given) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // Chars on the current line, and whether it holds anything but its indent.
        let (mut len, mut empty) = (0, true);
        for word in given.split(' ') {
            let n = word.chars().count();
            if !empty && len + 1 + n > width {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                (len, empty) = (indent, true);
            }
            if !empty {
                out.push(' ');
                len += 1;
            }
            out.push_str(word);
            len += n;
            empty = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as d;

    #[test]
    fn indonesian_numbers_use_dot_thousands_and_decimal_comma() {
        assert_eq!(int(Lang::Id, 1367), "1.367");
        assert_eq!(int(Lang::Id, 3_234_000), "3.234.000");
        assert_eq!(int(Lang::Id, 999), "999");
        assert_eq!(int(Lang::Id, -1367), "-1.367");
        assert_eq!(int(Lang::English, 1367), "1,367");
        assert_eq!(percent(Lang::Id, 99.5, 1), "99,5%");
        assert_eq!(percent(Lang::English, 99.5, 1), "99.5%");
        assert_eq!(decimal(Lang::Id, 1234.567, 2), "1.234,57");
        assert_eq!(decimal(Lang::Id, 0.04, 1), "0,0");
        assert_eq!(decimal(Lang::Id, -0.04, 1), "0,0");
        assert_eq!(decimal(Lang::Id, -1.25, 1), "-1,2");
        assert_eq!(decimal(Lang::English, f64::NAN, 1), "–");
        assert_eq!(decimal_plain(Lang::Id, 1234.567, 2), "1234,57");
        assert_eq!(decimal_plain(Lang::English, 1234.567, 2), "1234.57");
    }

    #[test]
    fn dates_are_day_first_in_indonesian_and_iso_in_english() {
        let day = d(2026, 12, 1);
        assert_eq!(date(Lang::Id, day), "01/12/2026");
        assert_eq!(date(Lang::English, day), "2026-12-01");
        assert_eq!(date_long(Lang::Id, day), "1 Desember 2026");
        assert_eq!(date_long(Lang::English, day), "1 December 2026");
        assert_eq!(weekday_name(Lang::Id, day.weekday()), "Selasa");
        assert_eq!(month_name(Lang::Id, 8), "Agustus");
    }

    #[test]
    fn times_are_wib_with_the_zone_written() {
        // 07:30 UTC is 14:30 WIB.
        let ts: Timestamp = "2026-12-01T07:30:00Z".parse().unwrap();
        assert_eq!(time_prose(Lang::Id, ts), "14.30 WIB");
        assert_eq!(time_prose(Lang::English, ts), "14:30 WIB");
        assert_eq!(datetime_cell(Lang::Id, ts), "01/12/2026 14:30");
        assert_eq!(datetime(Lang::Id, ts), "01/12/2026 14:30 WIB");
        assert_eq!(
            datetime_prose(Lang::Id, ts),
            "1 Desember 2026 pukul 14.30 WIB"
        );
        // 20:00 UTC is already the next day in WIB.
        let late: Timestamp = "2026-12-01T20:00:00Z".parse().unwrap();
        assert_eq!(date(Lang::Id, wib_date(late)), "02/12/2026");
        assert_eq!(
            db_datetime(Lang::English, "2026-12-01T07:30:00.000Z"),
            "2026-12-01 14:30 WIB"
        );
        assert_eq!(db_datetime(Lang::Id, "not a time"), "not a time");
        let secs: Timestamp = "2026-12-01T07:30:05Z".parse().unwrap();
        assert_eq!(datetime_seconds(Lang::Id, secs), "01/12/2026 14:30:05 WIB");
        assert_eq!(
            datetime_seconds(Lang::English, secs),
            "2026-12-01 14:30:05 WIB"
        );
    }
}
