//! Log setup. Records are logged by channel and local id only: payloads, names, NIK, phone
//! numbers and secrets never reach a log line (the types holding them redact `Debug`).

use std::io::IsTerminal;

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

/// Installs the global subscriber. `RUST_LOG` overrides the configured level.
pub fn init(format: LogFormat, level: &str) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    // journald adds its own timestamps; JOURNAL_STREAM is set when stderr goes to it.
    let under_journald = std::env::var_os("JOURNAL_STREAM").is_some();
    let builder = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let result = match (format, under_journald) {
        (LogFormat::Json, _) => builder.json().flatten_event(true).try_init(),
        (LogFormat::Text, true) => builder.without_time().try_init(),
        (LogFormat::Text, false) => builder.try_init(),
    };
    // Already installed (tests, demo inside a test): keep the first.
    let _ = result;
}
