//! The kind of a channel call's transient failure (SAMBAT, the write-back APIs): decisions
//! read the kind, and the message is only its rendering. LAPOR!'s own failures have theirs,
//! [`super::lapor::TransientKind`], which also tells whether a create may have gone through.

use std::fmt;

/// Why a channel call failed for now; trying again later may succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransientKind {
    /// No answer within the timeout (the connection's or the request's).
    TimedOut,
    /// No connection could be made.
    Unreachable,
    /// The connection broke before an answer.
    Broken,
    /// HTTP 408.
    RequestTimeout,
    /// HTTP 429.
    RateLimited,
    /// HTTP 5xx, with its code.
    ServerError(u16),
}

impl TransientKind {
    /// A transport failure from reqwest's flags. A connect timeout is both: it counts as
    /// timed out, as the messages of these channels always said.
    pub fn of_transport(is_connect: bool, is_timeout: bool) -> Self {
        if is_timeout {
            TransientKind::TimedOut
        } else if is_connect {
            TransientKind::Unreachable
        } else {
            TransientKind::Broken
        }
    }

    pub fn of_reqwest(e: &reqwest::Error) -> Self {
        Self::of_transport(e.is_connect(), e.is_timeout())
    }

    /// The kind of an HTTP status that is worth trying again, `None` for any other.
    pub fn of_status(status: u16) -> Option<Self> {
        match status {
            408 => Some(TransientKind::RequestTimeout),
            429 => Some(TransientKind::RateLimited),
            500..=599 => Some(TransientKind::ServerError(status)),
            _ => None,
        }
    }
}

impl fmt::Display for TransientKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransientKind::TimedOut => f.write_str("timed out"),
            TransientKind::Unreachable => f.write_str("could not connect"),
            TransientKind::Broken => f.write_str("connection failed"),
            TransientKind::RequestTimeout => f.write_str("HTTP 408"),
            TransientKind::RateLimited => f.write_str("HTTP 429"),
            TransientKind::ServerError(s) => write!(f, "HTTP {s}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_failures() {
        assert_eq!(
            TransientKind::of_transport(true, false),
            TransientKind::Unreachable
        );
        assert_eq!(
            TransientKind::of_transport(false, true),
            TransientKind::TimedOut
        );
        assert_eq!(
            TransientKind::of_transport(true, true),
            TransientKind::TimedOut
        );
        assert_eq!(
            TransientKind::of_transport(false, false),
            TransientKind::Broken
        );
    }

    #[test]
    fn statuses_worth_trying_again() {
        assert_eq!(
            TransientKind::of_status(408),
            Some(TransientKind::RequestTimeout)
        );
        assert_eq!(
            TransientKind::of_status(429),
            Some(TransientKind::RateLimited)
        );
        assert_eq!(
            TransientKind::of_status(503),
            Some(TransientKind::ServerError(503))
        );
        for s in [200, 400, 401, 404, 409, 422, 600] {
            assert_eq!(TransientKind::of_status(s), None, "{s}");
        }
    }

    #[test]
    fn messages_stay_what_operators_know() {
        let shown: Vec<String> = [
            TransientKind::TimedOut,
            TransientKind::Unreachable,
            TransientKind::Broken,
            TransientKind::RequestTimeout,
            TransientKind::RateLimited,
            TransientKind::ServerError(502),
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            shown,
            [
                "timed out",
                "could not connect",
                "connection failed",
                "HTTP 408",
                "HTTP 429",
                "HTTP 502"
            ]
        );
    }
}
