//! What a LAPOR! answer means for the record: the response classes of the contract.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::types::{ErrorBody, FieldError};

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LaporError {
    /// 400, 403, 413, 422: this body will never be accepted; the record is a dead letter.
    #[error("LAPOR! refused it permanently (HTTP {status}{}){}", code_suffix(.code), fields_suffix(.fields))]
    Permanent {
        status: u16,
        code: Option<String>,
        fields: Vec<FieldError>,
    },
    /// 429, 5xx, timeouts, resets, refused connections: try again later.
    #[error("LAPOR! is unavailable for now: {detail}")]
    Transient {
        detail: String,
        retry_after: Option<Duration>,
        /// The request may have been processed (timeout or reset after sending): look the
        /// complaint up before sending it again.
        ambiguous: bool,
        /// What kind of failure it was: what it says about LAPOR!'s health.
        kind: TransientKind,
    },
    /// Credentials refused, or a fresh token refused again: a configuration problem for
    /// every record, not a reason to dead-letter this one.
    #[error("LAPOR! authentication failed: {0}; check lapor.client_id and lapor.client_secret")]
    Auth(String),
    /// `GET /pembaruan` with a cursor the server no longer knows.
    #[error("LAPOR! no longer knows the updates cursor")]
    InvalidCursor,
    /// An answer that breaks the contract (e.g. a 201 whose body has no tracking id).
    #[error("LAPOR! answered outside the contract: {0}")]
    Protocol(String),
}

/// The kind of a transient failure. Decisions about LAPOR! as a whole (is it down? does
/// this attempt spend the record's budget?) are made on this, never on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransientKind {
    /// No connection was made (refused, unreachable, a connect timeout): the request never
    /// left, and nothing listens. LAPOR! is down.
    Unreachable,
    /// Connected, but the connection broke before any response (reset, closed).
    Broken,
    /// Sent, but no answer within the request timeout.
    TimedOut,
    /// LAPOR! answered 5xx.
    ServerError,
    /// 429: our pace, not LAPOR!'s health.
    RateLimited,
    /// A 2xx whose body could not be read.
    UnreadableAnswer,
}

fn code_suffix(code: &Option<String>) -> String {
    code.as_deref()
        .map(|c| format!(", {c}"))
        .unwrap_or_default()
}

fn fields_suffix(fields: &[FieldError]) -> String {
    if fields.is_empty() {
        return String::new();
    }
    let list: Vec<String> = fields
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect();
    format!(": {}", list.join("; "))
}

impl LaporError {
    pub fn is_transient(&self) -> bool {
        matches!(self, LaporError::Transient { .. })
    }
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            LaporError::Transient { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
    pub fn is_ambiguous(&self) -> bool {
        matches!(
            self,
            LaporError::Transient {
                ambiguous: true,
                ..
            }
        )
    }
}

/// A 422 whose only complaint is a `waktu_lapor` in the future: the bridge never sends a time
/// later than its own clock, so LAPOR!'s clock is behind ours. The same record is accepted once
/// that clock catches up, so it is no reason for a dead letter.
pub fn is_lapor_clock_behind(err: &LaporError) -> bool {
    match err {
        LaporError::Permanent {
            status: 422,
            fields,
            ..
        } => {
            !fields.is_empty()
                && fields.iter().all(|f| {
                    f.field == "waktu_lapor" && f.message.to_lowercase().contains("future")
                })
        }
        _ => false,
    }
}

/// Classifies a non-success HTTP answer. 401 is handled by the client (token refresh) before
/// it gets here; if it does arrive here it means a fresh token was refused.
pub fn classify_status(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> LaporError {
    let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let retry_after = retry_after(headers);
    match status.as_u16() {
        400 | 403 | 413 | 422 => LaporError::Permanent {
            status: status.as_u16(),
            code: parsed.error,
            fields: parsed.detail,
        },
        401 => LaporError::Auth(parsed.error.unwrap_or_else(|| "HTTP 401".into())),
        429 => LaporError::Transient {
            detail: "HTTP 429 over quota".into(),
            retry_after,
            ambiguous: false,
            kind: TransientKind::RateLimited,
        },
        s if status.is_server_error() => LaporError::Transient {
            detail: format!("HTTP {s}"),
            retry_after,
            ambiguous: false,
            kind: TransientKind::ServerError,
        },
        // Anything else (404 on create, 3xx, other 4xx) is outside the contract for this call.
        s => LaporError::Permanent {
            status: s,
            code: parsed.error,
            fields: parsed.detail,
        },
    }
}

/// A transport failure. `ambiguous` tells whether the request may have reached the server.
pub fn classify_transport(err: &reqwest::Error) -> LaporError {
    let kind = transport_kind(err.is_connect(), err.is_timeout());
    let what = match kind {
        TransientKind::Unreachable => "could not connect",
        TransientKind::TimedOut => "timed out",
        _ => "connection failed",
    };
    LaporError::Transient {
        detail: format!("{what}: {}", root_cause(err)),
        retry_after: None,
        // A connection never made never carried the request; a timeout or a reset may have.
        ambiguous: kind != TransientKind::Unreachable,
        kind,
    }
}

/// The kind of a transport failure from reqwest's flags. A connect timeout is both
/// `is_connect` and `is_timeout`: nothing answered the connection, so it is `Unreachable`.
pub fn transport_kind(is_connect: bool, is_timeout: bool) -> TransientKind {
    if is_connect {
        TransientKind::Unreachable
    } else if is_timeout {
        TransientKind::TimedOut
    } else {
        TransientKind::Broken
    }
}

fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    // URLs in reqwest errors carry no secrets here (tokens go in headers), but keep it short.
    cur.to_string()
}

/// `Retry-After` in seconds (the contract's form).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderValue, RETRY_AFTER};

    fn status(code: u16, body: &str, retry: Option<&str>) -> LaporError {
        let mut h = HeaderMap::new();
        if let Some(r) = retry {
            h.insert(RETRY_AFTER, HeaderValue::from_str(r).unwrap());
        }
        classify_status(StatusCode::from_u16(code).unwrap(), &h, body.as_bytes())
    }

    #[test]
    fn permanent_classes_carry_field_errors() {
        let e = status(
            422,
            r#"{"error":"validation_failed","detail":[{"field":"judul","message":"too short"}]}"#,
            None,
        );
        match &e {
            LaporError::Permanent { status, fields, .. } => {
                assert_eq!(*status, 422);
                assert_eq!(fields[0].field, "judul");
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("judul: too short"), "{e}");
        for code in [400, 403, 413] {
            assert!(
                matches!(status(code, "", None), LaporError::Permanent { .. }),
                "{code}"
            );
        }
    }

    #[test]
    fn only_a_future_waktu_lapor_means_lapors_clock_is_behind() {
        let future = r#"{"error":"validation_failed","detail":[{"field":"waktu_lapor","message":"must not be in the future"}]}"#;
        assert!(is_lapor_clock_behind(&status(422, future, None)));
        let also_judul = r#"{"error":"validation_failed","detail":[{"field":"waktu_lapor","message":"must not be in the future"},{"field":"judul","message":"too short"}]}"#;
        assert!(!is_lapor_clock_behind(&status(422, also_judul, None)));
        let bad_shape = r#"{"error":"validation_failed","detail":[{"field":"waktu_lapor","message":"must be an RFC 3339 date-time with offset"}]}"#;
        assert!(!is_lapor_clock_behind(&status(422, bad_shape, None)));
        assert!(!is_lapor_clock_behind(&status(400, future, None)));
        assert!(!is_lapor_clock_behind(&status(422, "", None)));
    }

    #[test]
    fn transient_classes_honour_retry_after() {
        let e = status(429, r#"{"error":"rate_limited"}"#, Some("7"));
        assert!(e.is_transient());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert!(matches!(
            e,
            LaporError::Transient {
                kind: TransientKind::RateLimited,
                ..
            }
        ));
        for code in [500, 502, 503, 504] {
            let e = status(code, "", Some("2"));
            assert!(e.is_transient() && !e.is_ambiguous(), "{code}");
        }
        assert_eq!(status(503, "", Some("soon")).retry_after(), None);
    }

    #[test]
    fn transport_kinds_come_from_the_flags_not_the_message() {
        assert_eq!(transport_kind(true, false), TransientKind::Unreachable);
        // A connect timeout: nothing answered the connection at all.
        assert_eq!(transport_kind(true, true), TransientKind::Unreachable);
        assert_eq!(transport_kind(false, true), TransientKind::TimedOut);
        assert_eq!(transport_kind(false, false), TransientKind::Broken);
        assert!(matches!(
            status(502, "", None),
            LaporError::Transient {
                kind: TransientKind::ServerError,
                ..
            }
        ));
    }

    #[test]
    fn unexpected_401_is_an_auth_problem_not_a_record_problem() {
        assert!(matches!(
            status(401, r#"{"error":"invalid_token"}"#, None),
            LaporError::Auth(_)
        ));
    }
}
