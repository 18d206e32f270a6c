//! Signed webhook deliveries (Call Center 112 and the social-media desk tool): the signature
//! scheme, the body parser, and the two senders' body formats.
//!
//! Headers: `X-Timestamp: <unix seconds>` and `X-Signature: sha256=<hex HMAC-SHA256 over
//! "<timestamp>.<raw body>">` with the channel's shared secret. The signature is checked in
//! constant time (`Mac::verify_slice`).

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;

pub const TIMESTAMP_HEADER: &str = "x-timestamp";
pub const SIGNATURE_HEADER: &str = "x-signature";

type HmacSha256 = Hmac<Sha256>;

/// Why a delivery is refused before its body is read as JSON; `reason` is a stable code for
/// the sender's developer, `Display` the explanation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("header X-Timestamp is missing; send the unix time in seconds of signing")]
    MissingTimestamp,
    #[error("header X-Timestamp is not a whole number of unix seconds")]
    BadTimestamp,
    #[error("X-Timestamp is {skew} s away from the receiver's clock; at most {max} s is accepted (check the sender's clock, and sign each delivery when it is sent)")]
    StaleTimestamp { skew: i64, max: u64 },
    #[error("header X-Signature is missing; send sha256=<hex HMAC-SHA256 of \"<X-Timestamp>.<raw body>\">")]
    MissingSignature,
    #[error("X-Signature is not of the form sha256=<64 hex digits>")]
    MalformedSignature,
    #[error("X-Signature does not match: the HMAC-SHA256 must be over \"<X-Timestamp>.<raw body>\" (the exact bytes sent) with this channel's secret")]
    Mismatch,
}

impl SignatureError {
    pub fn reason(&self) -> &'static str {
        match self {
            SignatureError::MissingTimestamp => "missing_timestamp",
            SignatureError::BadTimestamp => "bad_timestamp",
            SignatureError::StaleTimestamp { .. } => "stale_timestamp",
            SignatureError::MissingSignature => "missing_signature",
            SignatureError::MalformedSignature => "malformed_signature",
            SignatureError::Mismatch => "bad_signature",
        }
    }
}

/// `sha256=<hex>` for `body` signed at `timestamp` with `secret`: what a sender puts in
/// `X-Signature`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks the timestamp (within `max_skew_secs` of `now`) and the signature, in constant time.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_secs: i64,
    max_skew_secs: u64,
) -> Result<(), SignatureError> {
    let ts_text = timestamp.ok_or(SignatureError::MissingTimestamp)?.trim();
    let ts: i64 = ts_text.parse().map_err(|_| SignatureError::BadTimestamp)?;
    let skew = now_secs.saturating_sub(ts);
    if skew.unsigned_abs() > max_skew_secs {
        return Err(SignatureError::StaleTimestamp {
            skew,
            max: max_skew_secs,
        });
    }
    let sig = signature.ok_or(SignatureError::MissingSignature)?.trim();
    let hex_part = sig
        .strip_prefix("sha256=")
        .ok_or(SignatureError::MalformedSignature)?;
    let given = hex::decode(hex_part).map_err(|_| SignatureError::MalformedSignature)?;
    if given.len() != 32 {
        return Err(SignatureError::MalformedSignature);
    }
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    // Sign the timestamp text as sent, so that "0042" and "42" are not confused.
    mac.update(ts_text.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&given)
        .map_err(|_| SignatureError::Mismatch)
}

/// Why a signed body is not a delivery: `reason` a stable code, `message` what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError {
    pub reason: &'static str,
    pub message: String,
}

/// The delivery as a JSON object and its id at `id_pointer`. Errors name the problem (JSON
/// syntax with line and column, the wrong top-level type, the missing id) without echoing the
/// body. Never panics, whatever the bytes.
pub fn parse_body(body: &[u8], id_pointers: &[String]) -> Result<(Value, String), BodyError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| BodyError {
        reason: "malformed_json",
        message: format!(
            "the body is not valid JSON: {} at line {}, column {}",
            match e.classify() {
                serde_json::error::Category::Eof => "unexpected end of input",
                serde_json::error::Category::Syntax => "syntax error",
                serde_json::error::Category::Data => "invalid data",
                serde_json::error::Category::Io => "read error",
            },
            e.line(),
            e.column()
        ),
    })?;
    if !value.is_object() {
        return Err(BodyError {
            reason: "not_an_object",
            message: "the body must be a JSON object".into(),
        });
    }
    let mut parts = Vec::with_capacity(id_pointers.len());
    for p in id_pointers {
        let Some(id) = super::record::id_at(&value, p) else {
            return Err(BodyError {
                reason: "missing_id",
                message: format!(
                    "{p} is missing, empty, over 80 chars or not a string or number: every delivery needs its stable id there"
                ),
            });
        };
        parts.push(id);
    }
    Ok((value, parts.join(":")))
}

/// A Call Center 112 ticket (channels contract §2).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Ticket112 {
    pub ticket_id: String,
    pub call_time: String,
    pub caller: Caller112,
    pub category: String,
    pub summary: String,
    pub notes: String,
    pub location: Option<Location112>,
    pub agent: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Caller112 {
    pub name: String,
    pub phone: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Location112 {
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// A post forwarded by the social-media desk tool (channels contract §3).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SocialPost {
    pub platform: String,
    pub post_id: String,
    pub author: SocialAuthor,
    pub text: String,
    pub media: Vec<String>,
    pub posted_at: String,
    pub permalink: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SocialAuthor {
    pub handle: String,
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_any_change_breaks_it() {
        let body = br#"{"ticket_id":"112-1"}"#;
        let sig = sign(b"s3cret", 1_700_000_000, body);
        assert!(verify(
            b"s3cret",
            Some("1700000000"),
            Some(&sig),
            body,
            1_700_000_010,
            300
        )
        .is_ok());
        assert_eq!(
            verify(
                b"other",
                Some("1700000000"),
                Some(&sig),
                body,
                1_700_000_010,
                300
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                b"s3cret",
                Some("1700000000"),
                Some(&sig),
                b"{}",
                1_700_000_010,
                300
            ),
            Err(SignatureError::Mismatch)
        );
        assert!(matches!(
            verify(
                b"s3cret",
                Some("1700000000"),
                Some(&sig),
                body,
                1_700_000_301,
                300
            ),
            Err(SignatureError::StaleTimestamp { .. })
        ));
        assert!(verify(
            b"s3cret",
            Some("1700000000"),
            Some(&sig),
            body,
            1_699_999_700,
            300
        )
        .is_ok());
        assert_eq!(
            verify(
                b"s3cret",
                Some("1700000000"),
                Some("sha256=zz"),
                body,
                1_700_000_000,
                300
            ),
            Err(SignatureError::MalformedSignature)
        );
        assert_eq!(
            verify(b"s3cret", None, Some(&sig), body, 1_700_000_000, 300),
            Err(SignatureError::MissingTimestamp)
        );
    }

    #[test]
    fn body_errors_name_the_problem() {
        let ids = vec!["/id".to_owned()];
        let e = parse_body(b"{\"a\": ", &ids).unwrap_err();
        assert_eq!(e.reason, "malformed_json");
        assert!(e.message.contains("line 1"), "{}", e.message);
        assert_eq!(
            parse_body(b"[1]", &ids).unwrap_err().reason,
            "not_an_object"
        );
        assert_eq!(parse_body(b"{}", &ids).unwrap_err().reason, "missing_id");
        let (_, id) = parse_body(br#"{"id": 42}"#, &ids).unwrap();
        assert_eq!(id, "42");
    }
}
