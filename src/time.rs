//! Time in one place: the store keeps UTC text that sorts as it reads; channels speak WIB.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// Fixed-width UTC, so that text order in SQLite is time order.
pub fn db(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub fn parse_db(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}

pub fn wib() -> TimeZone {
    // Bundled tzdb (jiff feature `tzdb-bundle-always`), so a hardened unit without
    // /usr/share/zoneinfo still knows WIB; UTC+7 (WIB since 1964) should it ever be missing.
    TimeZone::get("Asia/Jakarta").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::Offset::constant(7)))
}

/// `2024-07-29 08:15:00` (WIB wall clock, no offset) → instant.
pub fn parse_wib(s: &str) -> Option<Timestamp> {
    let dt = DateTime::strptime("%Y-%m-%d %H:%M:%S", s.trim()).ok()?;
    dt.to_zoned_datetime(wib()).ok().map(|z| z.timestamp())
}

/// Instant → `2024-07-29 08:15:00` in WIB.
pub fn format_wib(ts: Timestamp) -> String {
    ts.to_zoned_datetime(wib())
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A store time (UTC text) as people read it: `2024-07-29 08:15:00 WIB`; text that is not
/// a store time is returned as it is.
pub fn db_to_wib(s: &str) -> String {
    parse_db(s)
        .map(|t| format!("{} WIB", format_wib(t)))
        .unwrap_or_else(|| s.to_string())
}

/// RFC 3339 with the WIB offset, as LAPOR! and the channels expect.
pub fn rfc3339_wib(ts: Timestamp) -> String {
    ts.to_zoned_datetime(wib())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_text_sorts_as_time() {
        let a: Timestamp = "2024-07-29T01:15:00Z".parse().unwrap();
        let b = a + jiff::SignedDuration::from_millis(5);
        assert_eq!(db(a), "2024-07-29T01:15:00.000Z");
        assert!(db(a) < db(b));
        assert_eq!(parse_db(&db(b)), Some(b));
    }

    #[test]
    fn wib_is_utc_plus_seven() {
        let t = parse_wib("2024-07-29 08:15:00").unwrap();
        assert_eq!(db(t), "2024-07-29T01:15:00.000Z");
        assert_eq!(format_wib(t), "2024-07-29 08:15:00");
        assert_eq!(rfc3339_wib(t), "2024-07-29T08:15:00+07:00");
        assert_eq!(db_to_wib(&db(t)), "2024-07-29 08:15:00 WIB");
        assert_eq!(db_to_wib("-"), "-");
        assert!(parse_wib("29/07/2024 08:15").is_none());
    }
}
