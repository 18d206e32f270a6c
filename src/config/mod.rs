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
//!
//! Each section has one module holding its type, its raw shape (every key optional, unknown
//! keys rejected, defaults beside the fields) and its validation; [`load`] composes them.
//! From low to high: `problem`, `ctx`, `secret`, `checks`, `listener`, the sections
//! (`store`, `logging`, `lapor`, `forwarder`, `webhooks`, `admin`, `service`, `sync`,
//! `report`, `ui`, `channels/`), then `load`, `summary` and `warnings`.

mod admin;
mod channels;
mod checks;
mod ctx;
mod forwarder;
mod lapor;
mod listener;
mod load;
mod logging;
mod pg_address;
mod privacy;
mod problem;
mod report;
mod secret;
mod service;
mod store;
mod summary;
mod sync;
mod telegram;
#[cfg(test)]
mod tests;
pub(crate) mod text;
mod ui;
mod warnings;
mod webhooks;

pub use admin::{AdminConfig, DEFAULT_ADMIN_LISTEN};
pub use channels::*;
pub use checks::{normalise_key, normalise_place};
pub use forwarder::{ForwarderConfig, DEFAULT_OUTAGE_BACKOFF_MAX_SECS};
pub use lapor::{BackgroundShare, LaporConfig, RateLimit};
pub use listener::{
    ListenerLimits, DEFAULT_ADMIN_MAX_CONNECTIONS, DEFAULT_BODY_TIMEOUT_SECS,
    DEFAULT_HEADER_TIMEOUT_SECS, DEFAULT_WEBHOOK_MAX_CONNECTIONS,
};
pub use load::{
    load, load_from_str, load_from_str_in, process_env, Config, Mode, ENV_PREFIX, ENV_SEPARATOR,
};
pub use logging::{LogFormat, LoggingConfig};
pub use pg_address::PgAddress;
pub use privacy::{
    privacy_settings_without_secrets, PrivacyConfig, PrivacySettings, DEFAULT_RETENTION_DAYS,
};
pub use problem::{ConfigErrors, ConfigProblem};
pub use report::{report_settings_without_secrets, ReportConfig, SlaWebhookConfig};
pub use secret::{describe_secret_source, SecretSource, SECRET_SOURCE_KEYS};
pub use service::{ServiceConfig, DEFAULT_DRAIN_TIMEOUT_SECS, DEFAULT_STATUS_INTERVAL_SECS};
pub use store::{PostgresStore, StoreConfig};
pub use summary::{problem_report, problem_report_in, summary, summary_lines};
pub use sync::SyncConfig;
pub use telegram::TelegramConfig;
pub(crate) use text::msg;
pub use text::Text;
pub use ui::{language_of_file_text, UiConfig};
pub use warnings::warnings;
pub use webhooks::{WebhooksConfig, DEFAULT_WEBHOOK_LISTEN};
