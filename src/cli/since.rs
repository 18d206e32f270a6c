//! `--since` times as operators type them: WIB wall-clock `2024-07-29`, `2024-07-29 08:15`,
//! `2024-07-29 08:15:00`, or as the Indonesian screens print them, day first:
//! `29/07/2024`, `29/07/2024 08:15`, `29/07/2024 08:15:00` (a trailing ` WIB` is allowed, so a
//! time copied from `dead-letters show` works); or RFC 3339 with an offset.

use jiff::civil::Date;
use jiff::Timestamp;

/// The instant, or `None` when `s` is none of the accepted spellings.
pub fn parse(s: &str) -> Option<Timestamp> {
    let t = s.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Some(ts);
    }
    let t = t.strip_suffix("WIB").unwrap_or(t).trim();
    let (day, clock) = match t.split_once([' ', 'T']) {
        Some((d, c)) => (d, c.trim()),
        None => (t, ""),
    };
    let date = Date::strptime("%Y-%m-%d", day)
        .or_else(|_| Date::strptime("%d/%m/%Y", day))
        .ok()?;
    let clock = match clock.len() {
        0 => "00:00:00".to_string(),
        5 => format!("{clock}:00"),
        _ => clock.to_string(),
    };
    crate::time::parse_wib(&format!("{} {clock}", date.strftime("%Y-%m-%d")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_first_dates_and_a_written_zone_are_wib_like_iso_ones() {
        let at = |s: &str| parse(s).map(crate::time::db);
        let iso = at("2024-07-29 08:15").unwrap();
        assert_eq!(iso, "2024-07-29T01:15:00.000Z");
        assert_eq!(at("29/07/2024 08:15").unwrap(), iso);
        assert_eq!(at("29/07/2024 08:15:00 WIB").unwrap(), iso);
        assert_eq!(at("2024-07-29T08:15:00").unwrap(), iso);
        assert_eq!(at("29/07/2024").unwrap(), "2024-07-28T17:00:00.000Z");
        assert_eq!(
            at("2024-07-29T08:15:00+00:00").unwrap(),
            "2024-07-29T08:15:00.000Z"
        );
        assert_eq!(at("07/29/2024"), None, "month first is not a date here");
        assert_eq!(at("kemarin"), None);
    }
}
