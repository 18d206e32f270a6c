//! Configuration: TOML file plus environment overrides, parsed into validated types.
//!
//! "Parse, don't validate": [`load`] turns the file and the `LAPOR_BRIDGE__…` environment
//! overrides into a [`Config`] whose values are already checked, or returns [`ConfigErrors`]
//! listing every problem at once (unknown keys, wrong types, missing keys, bad values,
//! unresolvable secrets), each with its dotted key path.
//!
//! Environment overrides use the prefix `LAPOR_BRIDGE` and `__` as the separator:
//! `LAPOR_BRIDGE__LAPOR__BASE_URL=https://…` sets `lapor.base_url`,
//! `LAPOR_BRIDGE__LAPOR__CLIENT_SECRET__ENV=VAR` sets the source of `lapor.client_secret`.
//! An override wins over the file, including over a secret source given in the file.

mod channels_decl;
mod listener;
mod load;
mod report;
mod secret;
mod service;
mod types;
mod validate;
mod warnings;
mod writeback;

use std::fmt;
use std::path::Path;

pub use channels_decl::*;
pub use listener::{
    ListenerLimits, DEFAULT_ADMIN_MAX_CONNECTIONS, DEFAULT_BODY_TIMEOUT_SECS,
    DEFAULT_HEADER_TIMEOUT_SECS, DEFAULT_WEBHOOK_MAX_CONNECTIONS,
};
pub use report::{report_settings_without_secrets, ReportConfig, SlaWebhookConfig};
pub use secret::{describe_secret_source, SecretSource, SECRET_SOURCE_KEYS};
pub use service::{AdminConfig, ServiceConfig, DEFAULT_ADMIN_LISTEN};
pub use types::*;
pub use warnings::warnings;
pub use writeback::*;

/// Prefix of environment overrides (`LAPOR_BRIDGE__SECTION__KEY`).
pub const ENV_PREFIX: &str = "LAPOR_BRIDGE";
/// Separator between key segments in environment overrides.
pub const ENV_SEPARATOR: &str = "__";

/// Channel kinds this build knows.
pub const KNOWN_CHANNEL_KINDS: [&str; 3] = ["sambat", "webhook", "csv_folder"];

/// One thing wrong with the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Dotted path of the key, e.g. `lapor.rate_limit.per_minute` or
    /// `channels.sambat.mapping.kategori."Jalan Rusak"`; for problems with the file as a whole
    /// (unreadable, TOML syntax) the file's path.
    pub key: String,
    /// What was expected and how to fix it. Never contains a secret.
    pub message: String,
}

impl ConfigProblem {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// Every problem found in a configuration; `Display` lists them one per line as
/// `<key>: <message>`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", list_problems(.problems))]
pub struct ConfigErrors {
    pub problems: Vec<ConfigProblem>,
}

fn list_problems(problems: &[ConfigProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl ConfigErrors {
    /// The key paths of the problems, in order.
    pub fn keys(&self) -> Vec<&str> {
        self.problems.iter().map(|p| p.key.as_str()).collect()
    }

    /// The first problem reported for `key`, if any.
    pub fn get(&self, key: &str) -> Option<&ConfigProblem> {
        self.problems.iter().find(|p| p.key == key)
    }
}

/// Reads the configuration file at `path`, applies `LAPOR_BRIDGE__…` overrides from the
/// process environment, resolves secrets (relative secret files are relative to the file's
/// directory) and validates everything.
pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigErrors {
        problems: vec![ConfigProblem::new(
            path.display().to_string(),
            format!("cannot read the configuration file: {e}"),
        )],
    })?;
    let base_dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    load::load_inner(
        &text,
        &path.display().to_string(),
        &base_dir,
        &process_env(),
    )
}

/// Parses configuration text with an explicit environment: `env` supplies both the
/// `LAPOR_BRIDGE__…` overrides and what secrets are resolved against (`{ env = … }` sources
/// and `CREDENTIALS_DIRECTORY`). Relative secret files are relative to the current directory.
pub fn load_from_str(toml: &str, env: &[(String, String)]) -> Result<Config, ConfigErrors> {
    load_from_str_in(toml, Path::new("."), env)
}

/// [`load_from_str`] with relative secret files resolved against `base_dir`.
pub fn load_from_str_in(
    toml: &str,
    base_dir: &Path,
    env: &[(String, String)],
) -> Result<Config, ConfigErrors> {
    load::load_inner(toml, "<config>", base_dir, env)
}

/// The process environment as `(name, value)` pairs (non-Unicode entries skipped).
pub fn process_env() -> Vec<(String, String)> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

/// For `lapor-bridge check-config --config FILE`: the report to print and whether the
/// configuration is usable. On success the report starts with one line, `config OK: …` with a
/// summary, followed by any warnings (with `strict`, warnings make it unusable); otherwise a
/// header line and every problem, one per line, with its key path. Secrets never appear in it.
pub fn check_config(path: &Path, strict: bool) -> (String, bool) {
    let config = match load(path) {
        Ok(c) => c,
        Err(errors) => return (problem_report(path, &errors), false),
    };
    let problems = cached_reference_problems(&config);
    if !problems.is_empty() {
        return (problem_report(path, &ConfigErrors { problems }), false);
    }
    let warned = warnings(&config);
    if warned.is_empty() {
        return (format!("config OK: {}", summary(&config)), true);
    }
    if strict {
        let mut r = problem_report(path, &ConfigErrors { problems: warned });
        r.push_str("\n(warnings are errors with --strict)");
        return (r, false);
    }
    let n = warned.len();
    let list: Vec<String> = warned.iter().map(|w| format!("warning: {w}")).collect();
    (
        format!(
            "config OK: {}\n{n} warning{}:\n{}",
            summary(&config),
            if n == 1 { "" } else { "s" },
            list.join("\n")
        ),
        true,
    )
}

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
        "{channels}; mode {mode}{sync}; store {}; LAPOR! {} as client {}; rate limit {}/min, burst {}",
        config.store.path.display(),
        config.lapor.base_url,
        config.lapor.client_id,
        config.lapor.rate_limit.per_minute,
        config.lapor.rate_limit.burst,
    )
}
