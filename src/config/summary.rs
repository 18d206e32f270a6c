//! What `check-config` prints about a configuration: a summary without secrets, or the list of
//! problems, in the operator's language; and the one-line English summary the daemon logs.

use std::path::Path;

use super::channels::{ChannelConfig, ChannelKind, WritebackTarget};
use super::load::{Config, Mode};
use super::problem::ConfigErrors;
use crate::i18n::format::{wrap, LINE_WIDTH};
use crate::i18n::{process_lang, Lang};
use crate::t;

/// The report the CLI prints for a configuration with problems, in this process's language.
pub fn problem_report(path: &Path, errors: &ConfigErrors) -> String {
    problem_report_in(process_lang(), path, errors)
}

/// [`problem_report`] in `lang`: a header line, then each problem as `<key>: <text>`, wrapped
/// to 100 columns with continuation lines indented.
pub fn problem_report_in(lang: Lang, path: &Path, errors: &ConfigErrors) -> String {
    let n = errors.problems.len();
    let mut out = wrap(
        &t!(
            lang,
            "check-problems-header",
            path = path.display().to_string(),
            n = n
        ),
        LINE_WIDTH,
        4,
    );
    for p in &errors.problems {
        out.push('\n');
        out.push_str(&wrap(&p.line(lang), LINE_WIDTH, 4));
    }
    out
}

/// Where the channel's write-backs go, in `lang`.
fn writeback_line(lang: Lang, c: &ChannelConfig) -> String {
    match c.writeback.as_ref().map(|w| &w.target) {
        None => t!(lang, "check-writeback-none"),
        Some(WritebackTarget::Sambat) => t!(lang, "check-writeback-sambat"),
        Some(WritebackTarget::Http(h)) => {
            t!(
                lang,
                "check-writeback-post",
                url = h.url.source().to_string()
            )
        }
        Some(WritebackTarget::StatusFile(f)) => {
            t!(
                lang,
                "check-writeback-file",
                path = f.path.display().to_string()
            )
        }
    }
}

/// What `check-config` prints about a configuration that loads, in `lang`, each line at most
/// 100 columns: the first names the channels, mode and store, then LAPOR! and the status
/// sync, then one entry per channel. Never a secret.
pub fn summary_lines(lang: Lang, config: &Config) -> Vec<String> {
    let mode = match config.mode {
        Mode::Live => "live",
        Mode::DryRun => "dry-run",
    };
    let mut out = vec![
        t!(
            lang,
            "check-ok",
            channels = t!(lang, "check-channels", n = config.channels.len()),
            mode = mode,
            store = config.store.to_string()
        ),
        t!(
            lang,
            "check-lapor",
            url = config.lapor.base_url.to_string(),
            client = config.lapor.client_id.as_str(),
            per_minute = config.lapor.rate_limit.per_minute.get(),
            burst = config.lapor.rate_limit.burst.get()
        ),
        if config.sync.enabled && config.mode == Mode::Live {
            t!(
                lang,
                "check-sync-on",
                secs = config.sync.poll_interval.as_secs_f64()
            )
        } else {
            t!(lang, "check-sync-off")
        },
    ];
    for c in &config.channels {
        let name = c.name.to_string();
        let what = match &c.kind {
            ChannelKind::Sambat(s) => t!(
                lang,
                "check-channel-sambat",
                name = name,
                url = s.base_url.to_string(),
                secs = s.poll_interval.as_secs_f64(),
                kategori = s.mapping.kategori.len(),
                opd = s.mapping.opd.len(),
                kecamatan = s.mapping.kecamatan.len(),
                kelurahan = s.mapping.kelurahan.len()
            ),
            ChannelKind::Webhook(w) => t!(
                lang,
                "check-channel-webhook",
                name = name,
                listen = config.webhooks.listen.to_string(),
                route = w.route.as_str(),
                filters = w.filters.len()
            ),
            ChannelKind::CsvFolder(f) => t!(
                lang,
                "check-channel-csv",
                name = name,
                inbox = f.inbox.display().to_string()
            ),
        };
        out.push(format!("  - {what}; {}", writeback_line(lang, c)));
    }
    out.iter()
        .flat_map(|l| {
            wrap(l, LINE_WIDTH, 4)
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
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
/// and client, rate limit, channels. English: the daemon logs it.
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
        config.store,
        config.lapor.base_url,
        config.lapor.client_id,
        config.lapor.rate_limit.per_minute,
        config.lapor.rate_limit.burst,
        config.lapor.rate_limit.background_share.fraction(),
    )
}
