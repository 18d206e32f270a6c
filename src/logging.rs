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
    if format == LogFormat::Text && stderr_is_journal() {
        // Native journald entries: level as PRIORITY, span and event fields (channel,
        // record, …) as their own searchable fields (`journalctl CHANNEL=sambat`).
        if let Ok(layer) = tracing_journald::layer() {
            use tracing_subscriber::prelude::*;
            let layer = layer.with_syslog_identifier("lapor-bridge".to_owned());
            // Already installed (tests): keep the first, as below.
            let _ = tracing_subscriber::registry()
                .with(filter)
                .with(layer)
                .try_init();
            return;
        }
    }
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

/// True when stderr is the journal stream systemd set up (`JOURNAL_STREAM` names its device
/// and inode), i.e. the daemon runs as a systemd service logging to journald.
fn stderr_is_journal() -> bool {
    use std::os::unix::fs::MetadataExt;
    let Some(var) = std::env::var_os("JOURNAL_STREAM") else {
        return false;
    };
    let Some((dev, ino)) = var.to_str().and_then(|v| v.split_once(':')) else {
        return false;
    };
    let Ok(meta) = std::fs::metadata("/proc/self/fd/2") else {
        return false;
    };
    dev.parse() == Ok(meta.dev()) && ino.parse() == Ok(meta.ino())
}
