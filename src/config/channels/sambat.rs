//! A `kind = "sambat"` channel: the city's SAMBAT portal, polled.

use crate::config::text::{msg, q};
use std::path::Path;
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use super::sambat_mapping::{validate_mapping, RawMapping, SambatMapping};
use crate::config::checks::{in_range, positive, secret, validate_url};
use crate::config::ctx::{join, Ctx};

#[derive(Clone, Debug)]
pub struct SambatConfig {
    pub base_url: Url,
    pub api_key: SecretString,
    pub poll_interval: Duration,
    /// `per_halaman`, 1..=100.
    pub per_page: u32,
    pub request_timeout: Duration,
    /// Retries of one page request on 5xx, timeouts and resets before the poll gives up
    /// until the next interval.
    pub max_retries: u32,
    /// `diperbarui_sejak` of the very first poll, WIB wall-clock time.
    pub start_from: jiff::civil::DateTime,
    pub mapping: SambatMapping,
}

/// A `kind = "sambat"` channel, without `kind`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSambat {
    base_url: Option<String>,
    api_key: Option<Value>,
    poll_interval_secs: Option<u64>,
    per_page: Option<u32>,
    request_timeout_ms: Option<u64>,
    max_retries: Option<u32>,
    start_from: Option<String>,
    mapping: Option<RawMapping>,
}

pub(crate) fn validate_sambat(
    table: Value,
    key: &[String],
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<SambatConfig> {
    let raw: RawSambat = ctx.deserialize(table, key).unwrap_or_default();
    let sub = |s: &str| join(key, &[s]);
    let base_url = validate_url(
        ctx,
        &sub("base_url"),
        raw.base_url,
        "https://sambat.malangkota.go.id",
    );
    let api_key = secret(
        ctx,
        &sub("api_key"),
        raw.api_key,
        "{ credential = \"sambat-api-key\" }",
        base_dir,
        env,
    );
    let poll_interval = positive(ctx, &sub("poll_interval_secs"), raw.poll_interval_secs, 30);
    let per_page = in_range(
        ctx,
        &sub("per_page"),
        raw.per_page.map(u64::from),
        100,
        1..=100,
    );
    let request_timeout = positive(
        ctx,
        &sub("request_timeout_ms"),
        raw.request_timeout_ms,
        10_000,
    );
    let max_retries = raw.max_retries.unwrap_or(3);
    let start_from = match raw.start_from {
        None => Some(now_wib()),
        Some(s) => match parse_wib_datetime(&s) {
            Some(dt) => Some(dt),
            None => {
                ctx.problem(
                    &sub("start_from"),
                    msg!("config-sambat-start-from", value = q(&s)),
                );
                None
            }
        },
    };
    let mapping = validate_mapping(raw.mapping.unwrap_or_default(), &sub("mapping"), ctx);
    Some(SambatConfig {
        base_url: base_url?,
        api_key: api_key?,
        poll_interval: Duration::from_secs(poll_interval?),
        per_page: per_page? as u32,
        request_timeout: Duration::from_millis(request_timeout?),
        max_retries,
        start_from: start_from?,
        mapping: mapping?,
    })
}

/// The current WIB wall-clock time, to the second: the first poll of a channel without
/// `start_from` sees only complaints changed from now on.
fn now_wib() -> jiff::civil::DateTime {
    let now = jiff::Timestamp::now();
    let now = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
    now.to_zoned_datetime(crate::time::wib()).datetime()
}

/// `YYYY-MM-DD HH:MM:SS`; a TOML local datetime (`2024-01-01T00:00:00`, unquoted) is accepted
/// too.
pub(crate) fn parse_wib_datetime(s: &str) -> Option<jiff::civil::DateTime> {
    let s = s.trim();
    if s.len() != 19 {
        return None;
    }
    let normalised = if s.as_bytes()[10] == b'T' {
        format!("{} {}", &s[..10], &s[11..])
    } else {
        s.to_owned()
    };
    jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", &normalised).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wib_datetimes_take_the_sambat_format() {
        let dt = parse_wib_datetime("2024-07-29 08:15:00").unwrap();
        assert_eq!(dt.to_string(), "2024-07-29T08:15:00");
        assert_eq!(parse_wib_datetime("2024-07-29T08:15:00"), Some(dt));
        assert!(parse_wib_datetime("2024-07-29 08:15").is_none());
        assert!(parse_wib_datetime("2024-07-29T08:15:00+07:00").is_none());
        assert!(parse_wib_datetime("2024-02-30 00:00:00").is_none());
    }
}
