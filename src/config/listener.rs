//! The connection limits shared by the two HTTP listeners (`[webhooks]` and `[admin]`): how
//! long a client may take to send its request headers and its body, and how many connections
//! are held at once. Without them a few hundred connections that never finish their headers
//! use up the process's file descriptors and every real request times out.

use std::time::Duration;

use super::ctx::{join, Ctx};
use super::text::msg;

/// Default of `header_timeout_secs`.
pub const DEFAULT_HEADER_TIMEOUT_SECS: u64 = 10;
/// Default of `body_timeout_secs`.
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 30;
/// Default of `webhooks.max_connections`: far above what the city's senders need at once.
pub const DEFAULT_WEBHOOK_MAX_CONNECTIONS: usize = 1024;
/// Default of `admin.max_connections`: a monitoring scraper and a few dashboards.
pub const DEFAULT_ADMIN_MAX_CONNECTIONS: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListenerLimits {
    /// A connection must deliver a request's complete headers within this long, counted from
    /// when it starts waiting for one: so an idle keep-alive connection is closed after it too.
    pub header_timeout: Duration,
    /// Longest pause while a request body is read (408 beyond it).
    pub body_timeout: Duration,
    /// Connections held at once; beyond it an idle one is closed to make room, or the new
    /// one is refused at once when every held connection has a request in flight.
    pub max_connections: usize,
}

impl ListenerLimits {
    pub fn with_max_connections(max_connections: usize) -> Self {
        Self {
            header_timeout: Duration::from_secs(DEFAULT_HEADER_TIMEOUT_SECS),
            body_timeout: Duration::from_secs(DEFAULT_BODY_TIMEOUT_SECS),
            max_connections,
        }
    }
}

/// The limit keys as written in `[webhooks]` or `[admin]`.
#[derive(Debug, Default)]
pub(crate) struct RawLimits {
    pub header_timeout_secs: Option<u64>,
    pub body_timeout_secs: Option<u64>,
    pub max_connections: Option<u64>,
}

/// Declares the raw shape of a listener's section: its own keys plus the limit keys, with
/// unknown keys rejected. A macro because serde's `flatten` does not work with
/// `deny_unknown_fields`, and the limit keys are written once here instead of in each section.
macro_rules! raw_with_limits {
    (struct $name:ident { $($(#[$doc:meta])* $field:ident: $ty:ty,)* }) => {
        #[derive(Debug, Default, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            $($(#[$doc])* $field: $ty,)*
            header_timeout_secs: Option<u64>,
            body_timeout_secs: Option<u64>,
            max_connections: Option<u64>,
        }

        impl $name {
            fn limits(&self) -> $crate::config::listener::RawLimits {
                $crate::config::listener::RawLimits {
                    header_timeout_secs: self.header_timeout_secs,
                    body_timeout_secs: self.body_timeout_secs,
                    max_connections: self.max_connections,
                }
            }
        }
    };
}
pub(crate) use raw_with_limits;

pub(crate) fn validate_limits(
    raw: &RawLimits,
    ctx: &mut Ctx,
    key: &[String],
    default_max_connections: usize,
) -> Option<ListenerLimits> {
    let mut ok = true;
    let mut ranged = |name: &str, v: Option<u64>, max: u64| -> Option<u64> {
        match v {
            Some(v) if v == 0 || v > max => {
                ctx.problem(
                    &join(key, &[name]),
                    msg!("config-out-of-range", value = v, min = 1, max = max),
                );
                ok = false;
                None
            }
            other => other,
        }
    };
    let header = ranged("header_timeout_secs", raw.header_timeout_secs, 3600);
    let body = ranged("body_timeout_secs", raw.body_timeout_secs, 3600);
    let max = ranged("max_connections", raw.max_connections, 1_000_000);
    if !ok {
        return None;
    }
    Some(ListenerLimits {
        header_timeout: Duration::from_secs(header.unwrap_or(DEFAULT_HEADER_TIMEOUT_SECS)),
        body_timeout: Duration::from_secs(body.unwrap_or(DEFAULT_BODY_TIMEOUT_SECS)),
        max_connections: max.map_or(default_max_connections, |m| m as usize),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_close_slow_headers_after_about_ten_seconds() {
        let l = ListenerLimits::with_max_connections(DEFAULT_WEBHOOK_MAX_CONNECTIONS);
        assert_eq!(l.header_timeout, Duration::from_secs(10));
        assert_eq!(l.body_timeout, Duration::from_secs(30));
        assert_eq!(l.max_connections, 1024);
    }
}
