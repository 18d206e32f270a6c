//! Small domain newtypes shared by every stage.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A configured channel's name, e.g. `sambat`. Also the LAPOR! `kanal` value, so it obeys
/// that field's rule: 1..50 of `[a-z0-9_-]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChannelName(String);

impl ChannelName {
    pub fn parse(s: &str) -> Result<Self, String> {
        let ok = !s.is_empty()
            && s.len() <= 50
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!(
                "channel name {s:?} must be 1 to 50 characters of a-z, 0-9, '_' or '-'"
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ChannelName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}
impl From<ChannelName> for String {
    fn from(c: ChannelName) -> String {
        c.0
    }
}
impl fmt::Display for ChannelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A record's identity on its channel: `sambat:12345`. It is the LAPOR! `id_eksternal` and the
/// `Idempotency-Key`, so the same local record always maps to the same national complaint.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    pub channel: ChannelName,
    pub local_id: String,
}

impl RecordKey {
    pub fn new(channel: ChannelName, local_id: impl Into<String>) -> Self {
        Self {
            channel,
            local_id: local_id.into(),
        }
    }

    /// Parses `channel:local_id` as an operator types it on the command line.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (ch, id) = s
            .split_once(':')
            .ok_or_else(|| format!("{s:?} is not <channel>:<local id>, e.g. sambat:12345"))?;
        if id.is_empty() {
            return Err(format!("{s:?} has an empty local id"));
        }
        Ok(Self::new(ChannelName::parse(ch)?, id))
    }

    pub fn id_eksternal(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.channel, self.local_id)
    }
}

/// A field that could not be mapped, and what the operator can do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The field on the channel's record (e.g. `kategori`) or in the LAPOR! payload.
    pub field: String,
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_follow_the_kanal_rule() {
        assert!(ChannelName::parse("sambat").is_ok());
        assert!(ChannelName::parse("call-center_112").is_ok());
        assert!(ChannelName::parse("Sambat").is_err());
        assert!(ChannelName::parse("").is_err());
        assert!(ChannelName::parse(&"a".repeat(51)).is_err());
    }

    #[test]
    fn record_keys_round_trip() {
        let k = RecordKey::parse("sambat:12345").unwrap();
        assert_eq!(k.channel.as_str(), "sambat");
        assert_eq!(k.local_id, "12345");
        assert_eq!(k.to_string(), "sambat:12345");
        assert!(RecordKey::parse("sambat").is_err());
        assert!(RecordKey::parse("sambat:").is_err());
    }
}
