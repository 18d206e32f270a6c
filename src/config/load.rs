//! The loader: merges the TOML file with environment overrides and composes the sections,
//! each validated by its own module, into one [`Config`].

use super::text::{msg, q, Text};
use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::admin::{validate_admin, AdminConfig};
use super::channels::{check_routes, validate_channels, ChannelConfig};
use super::ctx::{k, Ctx, KeyPath};
use super::forwarder::{validate_forwarder, ForwarderConfig};
use super::lapor::{validate_lapor, LaporConfig};
use super::logging::{validate_logging, LoggingConfig};
use super::privacy::{validate_privacy, PrivacyConfig};
use super::problem::{ConfigErrors, ConfigProblem};
use super::report::{validate_report, ReportConfig};
use super::service::{validate_service, ServiceConfig};
use super::store::{validate_store, StoreConfig};
use super::sync::{validate_sync, SyncConfig};
use super::ui::{validate_ui, UiConfig};
use super::webhooks::{validate_webhooks, WebhooksConfig};

/// Prefix of environment overrides (`LAPOR_BRIDGE__SECTION__KEY`).
pub const ENV_PREFIX: &str = "LAPOR_BRIDGE";
/// Separator between key segments in environment overrides.
pub const ENV_SEPARATOR: &str = "__";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Live,
    DryRun,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub mode: Mode,
    pub store: StoreConfig,
    pub lapor: LaporConfig,
    pub forwarder: ForwarderConfig,
    /// Sorted by name; names are unique.
    pub channels: Vec<ChannelConfig>,
    pub logging: LoggingConfig,
    /// The listener of the webhook channels (unused without one).
    pub webhooks: WebhooksConfig,
    /// The admin listener (`/healthz`, `/readyz`, `/metrics`).
    pub admin: AdminConfig,
    /// Running as a service: drain timeout, watchdog stall limit.
    pub service: ServiceConfig,
    /// Reading LAPOR!'s updates back.
    pub sync: SyncConfig,
    /// `[report]`: KPI target, calendar file, SLA watch and alerts.
    pub report: ReportConfig,
    /// `[privacy]`: retention of reporters' personal data.
    pub privacy: PrivacyConfig,
    /// `[ui]`: the language people read.
    pub ui: UiConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    mode: Option<String>,
    store: Option<Value>,
    logging: Option<Value>,
    lapor: Option<Value>,
    forwarder: Option<Value>,
    channels: Option<serde_json::Map<String, Value>>,
    webhooks: Option<Value>,
    admin: Option<Value>,
    service: Option<Value>,
    sync: Option<Value>,
    report: Option<Value>,
    privacy: Option<Value>,
    ui: Option<Value>,
}

/// Validates the merged configuration section by section. Returns `None` or a config with
/// problems recorded in `ctx` when something is wrong.
fn validate(
    value: Value,
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<Config> {
    let raw: RawConfig = ctx.deserialize(value, &[]).unwrap_or_default();

    let mode = match raw.mode.as_deref() {
        None | Some("live") => Some(Mode::Live),
        Some("dry-run") => Some(Mode::DryRun),
        Some(other) => {
            ctx.problem(&k(&["mode"]), msg!("config-mode", value = q(other)));
            None
        }
    };
    let store = validate_store(raw.store, ctx, base_dir, env);
    let logging = validate_logging(raw.logging, ctx);
    let lapor = validate_lapor(raw.lapor, ctx, base_dir, env);
    let forwarder = validate_forwarder(raw.forwarder, ctx);
    let channels = validate_channels(raw.channels.unwrap_or_default(), ctx, base_dir, env);
    let webhooks = validate_webhooks(raw.webhooks, ctx);
    let channels = channels.filter(|c| check_routes(c, ctx));
    let admin = validate_admin(raw.admin, ctx, base_dir, env);
    let service = validate_service(raw.service, ctx);
    let sync = validate_sync(raw.sync, ctx);
    let report = validate_report(raw.report, ctx, base_dir, env, true);
    let privacy = validate_privacy(raw.privacy, ctx);
    let ui = validate_ui(raw.ui, ctx);

    Some(Config {
        mode: mode?,
        store: store?,
        lapor: lapor?,
        forwarder: forwarder?,
        channels: channels?,
        logging: logging?,
        webhooks: webhooks?,
        admin: admin?,
        service: service?,
        sync: sync?,
        report: report?,
        privacy: privacy?,
        ui: ui?,
    })
}

/// Reads the configuration file at `path`, applies `LAPOR_BRIDGE__…` overrides from the
/// process environment, resolves secrets (relative secret files are relative to the file's
/// directory) and validates everything.
pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigErrors {
        problems: vec![ConfigProblem::new(
            path.display().to_string(),
            msg!("config-file-unreadable", error = e),
        )],
    })?;
    let base_dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    load_inner(
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
    load_inner(toml, "<config>", base_dir, env)
}

/// The process environment as `(name, value)` pairs (non-Unicode entries skipped).
pub fn process_env() -> Vec<(String, String)> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

fn to_json(v: config::Value) -> Value {
    use config::ValueKind as K;
    match v.kind {
        K::Nil => Value::Null,
        K::Boolean(b) => Value::Bool(b),
        K::I64(i) => Value::from(i),
        K::U64(u) => Value::from(u),
        K::I128(i) => i64::try_from(i)
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(i.to_string())),
        K::U128(u) => u64::try_from(u)
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(u.to_string())),
        K::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        K::String(s) => Value::String(s),
        K::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, to_json(v))).collect()),
        K::Array(a) => Value::Array(a.into_iter().map(to_json).collect()),
    }
}

/// `LAPOR_BRIDGE__LAPOR__BASE_URL` → `["lapor", "base_url"]`, as the `config` crate maps it.
fn env_key_paths(env: &[(String, String)]) -> BTreeMap<KeyPath, String> {
    let prefix = format!("{ENV_PREFIX}{ENV_SEPARATOR}").to_lowercase();
    env.iter()
        .filter_map(|(k, _)| {
            let lower = k.to_lowercase();
            let rest = lower.strip_prefix(&prefix)?;
            let path = rest
                .split(ENV_SEPARATOR)
                .map(str::to_owned)
                .collect::<Vec<_>>();
            Some((path, k.clone()))
        })
        .collect()
}

/// One line: `not valid TOML at line 3, column 7: invalid table header; expected `.`, `]``
/// (the toml crate's own words after the colon, in English in every language).
fn toml_syntax_message(text: &str, e: &toml::de::Error) -> Text {
    let what = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            msg!("config-toml-at", line = line, column = column, error = what)
        }
        None => msg!("config-toml", error = what),
    }
}

fn load_inner(
    text: &str,
    source_name: &str,
    base_dir: &Path,
    env: &[(String, String)],
) -> Result<Config, ConfigErrors> {
    let file_error = |message: Text| ConfigErrors {
        problems: vec![ConfigProblem::new(source_name, message)],
    };
    // The toml crate's own message points at the line and column.
    if let Err(e) = toml::from_str::<toml::Table>(text) {
        return Err(file_error(toml_syntax_message(text, &e)));
    }
    let env_map: config::Map<String, String> = env.iter().cloned().collect();
    let merged = config::Config::builder()
        .add_source(config::File::from_str(text, config::FileFormat::Toml))
        .add_source(
            config::Environment::with_prefix(ENV_PREFIX)
                .separator(ENV_SEPARATOR)
                .source(Some(env_map)),
        )
        .build()
        .map_err(|e| file_error(msg!("config-merge-env", error = e)))?;
    let value = to_json(merged.cache);
    let mut ctx = Ctx::new(env_key_paths(env));
    let config = validate(value, &mut ctx, base_dir, env);
    match config {
        Some(c) if !ctx.has_problems() => Ok(c),
        _ => Err(ctx.into_errors()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_paths_follow_the_config_crate() {
        let env = vec![
            ("LAPOR_BRIDGE__LAPOR__BASE_URL".to_owned(), "x".to_owned()),
            ("LAPOR_BRIDGE_CONFIG".to_owned(), "x".to_owned()),
            ("HOME".to_owned(), "x".to_owned()),
        ];
        let m = env_key_paths(&env);
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[&vec!["lapor".to_owned(), "base_url".to_owned()]],
            "LAPOR_BRIDGE__LAPOR__BASE_URL"
        );
    }
}
