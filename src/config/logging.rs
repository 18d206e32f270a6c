//! `[logging]`: text or JSON lines, and the level filter.

use serde::Deserialize;
use serde_json::Value;

use super::ctx::{k, Ctx};
use super::text::{msg, q};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug)]
pub struct LoggingConfig {
    pub format: LogFormat,
    /// An `EnvFilter` directive such as `info` or `lapor_bridge=debug`.
    pub level: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogging {
    format: Option<String>,
    level: Option<String>,
}

pub(crate) fn validate_logging(raw: Option<Value>, ctx: &mut Ctx) -> Option<LoggingConfig> {
    let raw: RawLogging = match raw {
        None => RawLogging::default(),
        Some(v) => ctx.deserialize(v, &k(&["logging"]))?,
    };
    let format = match raw.format.as_deref() {
        None | Some("text") => Some(LogFormat::Text),
        Some("json") => Some(LogFormat::Json),
        Some(other) => {
            ctx.problem(
                &k(&["logging", "format"]),
                msg!("config-log-format", value = q(other)),
            );
            None
        }
    };
    let level = raw.level.unwrap_or_else(|| "info".to_owned());
    let level_ok = match tracing_subscriber::EnvFilter::builder().parse(&level) {
        Ok(_) if !level.trim().is_empty() => true,
        Ok(_) => false,
        Err(e) => {
            ctx.problem(
                &k(&["logging", "level"]),
                msg!("config-log-level", value = q(level), error = e),
            );
            return None;
        }
    };
    if !level_ok {
        ctx.problem(&k(&["logging", "level"]), msg!("config-log-level-empty"));
        return None;
    }
    Some(LoggingConfig {
        format: format?,
        level,
    })
}
