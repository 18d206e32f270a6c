//! Time helpers. LAPOR! speaks RFC 3339 with an offset; SAMBAT speaks WIB wall-clock
//! strings without one. Both mocks render local times in Asia/Jakarta because that is
//! what the real systems of Kota Malang do.

use std::sync::OnceLock;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// SAMBAT's wall-clock format: "2024-07-29 08:15:00".
pub const WIB_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

pub fn jakarta() -> TimeZone {
    static TZ: OnceLock<TimeZone> = OnceLock::new();
    TZ.get_or_init(|| TimeZone::get("Asia/Jakarta").expect("bundled tzdb has Asia/Jakarta"))
        .clone()
}

/// RFC 3339 with the WIB offset, whole seconds: "2024-07-29T08:15:00+07:00".
pub fn rfc3339(ts: Timestamp) -> String {
    ts.to_zoned_datetime(jakarta())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

pub fn now_rfc3339() -> String {
    rfc3339(Timestamp::now())
}

/// The current WIB wall clock, truncated to whole seconds.
pub fn now_wib() -> DateTime {
    let dt = Timestamp::now().to_zoned_datetime(jakarta()).datetime();
    dt.with()
        .subsec_nanosecond(0)
        .build()
        .expect("valid datetime")
}

pub fn fmt_wib(dt: DateTime) -> String {
    dt.strftime(WIB_FORMAT).to_string()
}

/// Strict parse of "YYYY-MM-DD HH:MM:SS" (exactly that shape, nothing else).
pub fn parse_wib(s: &str) -> Option<DateTime> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return None;
    }
    DateTime::strptime(WIB_FORMAT, s).ok()
}

/// WIB wall clock to RFC 3339 (used for SAMBAT write-back receipts).
pub fn wib_to_rfc3339(dt: DateTime) -> String {
    match dt.to_zoned_datetime(jakarta()) {
        Ok(z) => z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        Err(_) => now_rfc3339(),
    }
}
