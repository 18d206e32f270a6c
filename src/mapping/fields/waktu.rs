//! `waktu_lapor` (when the citizen reported) and `tanggal_kejadian` (the day it happened).

use jiff::civil::Date;
use jiff::Timestamp;

use crate::mapping::clock::not_after_now;
use crate::time;

/// Report times before 2000-01-01 00:00 WIB are not plausible for an online channel.
const EARLIEST: Timestamp = Timestamp::constant(946_659_600, 0);

/// A built `waktu_lapor`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaktuLapor {
    /// RFC 3339 in WIB.
    pub text: String,
    /// Its calendar day in WIB, which `tanggal_kejadian` may not be after.
    pub day: Date,
    /// Set when the channel's time was ahead of `now` and clamped to it.
    pub note: Option<String>,
}

/// `waktu_lapor` from the channel's report time (`what` names it in the note), never later
/// than `now`; `None` when it is before 2000.
pub fn waktu_lapor(ts: Timestamp, now: Timestamp, what: &str) -> Option<WaktuLapor> {
    if ts < EARLIEST {
        return None;
    }
    let (ts, note) = not_after_now(ts, now, what);
    Some(WaktuLapor {
        text: time::rfc3339_wib(ts),
        day: ts.to_zoned_datetime(time::wib()).date(),
        note,
    })
}

/// `tanggal_kejadian` as sent (`YYYY-MM-DD`), unless it is after the report's day: then it
/// is dropped, with a note.
pub fn tanggal_kejadian(
    day: Date,
    lapor_day: Option<Date>,
    notes: &mut Vec<String>,
) -> Option<String> {
    if lapor_day.is_some_and(|l| day > l) {
        notes.push("tanggal_kejadian dropped: after the report's day".into());
        return None;
    }
    Some(day.strftime("%Y-%m-%d").to_string())
}

/// The contract's time rules on a built payload, as (field, message).
pub fn check(waktu_lapor: &str, tanggal_kejadian: Option<&str>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let waktu = parse_rfc3339(waktu_lapor);
    if waktu.is_none() {
        out.push(("waktu_lapor", "must be RFC 3339 with an offset".into()));
    }
    if let Some(t) = tanggal_kejadian {
        match parse_date(t) {
            None => out.push(("tanggal_kejadian", "must be YYYY-MM-DD".into())),
            Some(d) => {
                if waktu.is_some_and(|(_, day)| d > day) {
                    out.push(("tanggal_kejadian", "is after the day of waktu_lapor".into()));
                }
            }
        }
    }
    out
}

/// Strict RFC 3339 with an offset: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`. Returns the instant
/// and the calendar day in the text's own offset.
pub fn parse_rfc3339(s: &str) -> Option<(Timestamp, Date)> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset_ok = rest == "Z" || {
        let o = rest.as_bytes();
        o.len() == 6
            && matches!(o[0], b'+' | b'-')
            && o[1..3].iter().all(u8::is_ascii_digit)
            && o[3] == b':'
            && o[4..6].iter().all(u8::is_ascii_digit)
    };
    if !offset_ok {
        return None;
    }
    let ts: Timestamp = s.parse().ok()?;
    let day = parse_date(&s[..10])?;
    Some((ts, day))
}

/// `YYYY-MM-DD`, a real calendar day.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    Date::strptime("%Y-%m-%d", s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn from_2000_wib_on_and_never_after_now() {
        let now = at("2026-12-01T03:00:00Z");
        assert_eq!(EARLIEST, time::parse_wib("2000-01-01 00:00:00").unwrap());
        let w = waktu_lapor(EARLIEST, now, "dibuat").unwrap();
        assert_eq!(w.text, "2000-01-01T00:00:00+07:00");
        assert_eq!(w.note, None);
        assert_eq!(waktu_lapor(at("1999-12-31T16:59:59Z"), now, "dibuat"), None);
        let ahead = waktu_lapor(at("2026-12-01T03:01:30Z"), now, "dibuat").unwrap();
        assert_eq!(ahead.text, "2026-12-01T10:00:00+07:00");
        assert_eq!(ahead.day.to_string(), "2026-12-01");
        assert!(ahead.note.is_some_and(|n| n.contains("90 s")));
    }

    #[test]
    fn tanggal_kejadian_not_after_the_report_day() {
        let day = |s: &str| s.parse::<Date>().unwrap();
        let mut notes = Vec::new();
        assert_eq!(
            tanggal_kejadian(day("2024-07-28"), Some(day("2024-07-29")), &mut notes).as_deref(),
            Some("2024-07-28")
        );
        assert_eq!(
            tanggal_kejadian(day("2024-07-30"), Some(day("2024-07-29")), &mut notes),
            None
        );
        assert_eq!(notes, ["tanggal_kejadian dropped: after the report's day"]);
        let fields =
            |v: Vec<(&'static str, String)>| v.into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        assert!(check("2024-07-29T08:15:00+07:00", Some("2024-07-29")).is_empty());
        assert_eq!(
            fields(check("2024-07-29T08:15:00+07:00", Some("2024-07-30"))),
            ["tanggal_kejadian"]
        );
        assert_eq!(
            fields(check("2024-07-29 08:15:00", Some("29/07/2024"))),
            ["waktu_lapor", "tanggal_kejadian"]
        );
    }
}
