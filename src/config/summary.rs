//! What `check-config` prints about a configuration: a one-line summary without secrets, or
//! the list of problems.

use std::path::Path;

use super::channels::{ChannelConfig, ChannelKind, WritebackTarget};
use super::load::{Config, Mode};
use super::problem::ConfigErrors;

/// The report `check_config` prints for a configuration with problems.
pub fn problem_report(path: &Path, errors: &ConfigErrors) -> String {
    let n = errors.problems.len();
    format!(
        "config {} has {n} problem{}:\n{errors}",
        path.display(),
        if n == 1 { "" } else { "s" }
    )
}

/// Where the channel's write-backs go, for the summary (the URL without its placeholders
/// filled, never a token).
fn writeback_summary(c: &ChannelConfig) -> String {
    match c.writeback.as_ref().map(|w| &w.target) {
        None => " [no write-back]".into(),
        Some(WritebackTarget::Sambat) => " [write-back: SAMBAT tanggapan]".into(),
        Some(WritebackTarget::Http(h)) => format!(" [write-back: POST {}]", h.url.source()),
        Some(WritebackTarget::StatusFile(f)) => format!(" [write-back: {}]", f.path.display()),
    }
}

/// One line describing a loaded configuration, without secrets: mode, store, LAPOR! endpoint
/// and client, rate limit, channels.
pub fn summary(config: &Config) -> String {
    let mode = match config.mode {
        Mode::Live => "live",
        Mode::DryRun => "dry-run",
    };
    let channels = if config.channels.is_empty() {
        "no channels (nothing will be polled)".to_owned()
    } else {
        let list: Vec<String> = config
            .channels
            .iter()
            .map(|c| match &c.kind {
                ChannelKind::Sambat(s) => format!(
                    "{} (sambat, {} every {}s; mapping: {} kategori, {} opd, {} kecamatan, {} \
                     kelurahan)",
                    c.name,
                    s.base_url,
                    s.poll_interval.as_secs_f64(),
                    s.mapping.kategori.len(),
                    s.mapping.opd.len(),
                    s.mapping.kecamatan.len(),
                    s.mapping.kelurahan.len(),
                ),
                ChannelKind::Webhook(w) => format!(
                    "{} (webhook, POST {}{}; {} filter{})",
                    c.name,
                    config.webhooks.listen,
                    w.route,
                    w.filters.len(),
                    if w.filters.len() == 1 { "" } else { "s" },
                ),
                ChannelKind::CsvFolder(f) => {
                    format!("{} (csv_folder, inbox {})", c.name, f.inbox.display())
                }
            } + &writeback_summary(c))
            .collect();
        format!(
            "{} channel{}: {}",
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            list.join(", ")
        )
    };
    let sync = if config.sync.enabled && config.mode == Mode::Live {
        format!(
            "; updates feed every {}s",
            config.sync.poll_interval.as_secs_f64()
        )
    } else {
        "; no status sync".to_owned()
    };
    format!(
        "{channels}; mode {mode}{sync}; store {}; LAPOR! {} as client {}; rate limit {}/min, burst {}, background share {}",
        config.store.path.display(),
        config.lapor.base_url,
        config.lapor.client_id,
        config.lapor.rate_limit.per_minute,
        config.lapor.rate_limit.burst,
        config.lapor.rate_limit.background_share.fraction(),
    )
}
