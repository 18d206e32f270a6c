//! The validated configuration the daemon runs on. Built only by `config::load`, which parses
//! the TOML and environment into these types or reports every problem at once.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;

use crate::domain::ChannelName;
use crate::wire::lapor::types::Klasifikasi;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Live,
    DryRun,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
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
    pub webhooks: super::WebhooksConfig,
    /// The admin listener (`/healthz`, `/readyz`, `/metrics`).
    pub admin: super::AdminConfig,
    /// Running as a service: drain timeout, watchdog stall limit.
    pub service: super::ServiceConfig,
    /// Reading LAPOR!'s updates back.
    pub sync: super::SyncConfig,
    /// `[report]`: KPI target, calendar file, SLA watch and alerts.
    pub report: super::ReportConfig,
}

#[derive(Clone, Debug)]
pub struct StoreConfig {
    pub path: PathBuf,
}

#[derive(Clone, Debug)]
pub struct LoggingConfig {
    pub format: LogFormat,
    /// An `EnvFilter` directive such as `info` or `lapor_bridge=debug`.
    pub level: String,
}

#[derive(Clone, Debug)]
pub struct LaporConfig {
    pub base_url: Url,
    pub client_id: String,
    pub client_secret: SecretString,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub rate_limit: RateLimit,
    /// How often `/kategori` and `/instansi` are fetched again.
    pub reference_refresh: Duration,
    /// A category or instansi absent from this many consecutive fetches is forgotten.
    pub reference_grace_fetches: u32,
}

pub use crate::wire::lapor::RateLimit;

impl From<&LaporConfig> for crate::wire::lapor::LaporSettings {
    fn from(c: &LaporConfig) -> Self {
        Self {
            base_url: c.base_url.clone(),
            client_id: c.client_id.clone(),
            client_secret: c.client_secret.clone(),
            request_timeout: c.request_timeout,
            connect_timeout: c.connect_timeout,
            rate_limit: c.rate_limit,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ForwarderConfig {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Records claimed by one step.
    pub batch_size: usize,
    /// Wait between steps when nothing is due.
    pub idle_poll: Duration,
    /// Attempts before a record goes to dead letters.
    pub max_attempts: u32,
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
    /// Consecutive transient failures after which LAPOR! is treated as down and the whole
    /// forwarder pauses instead of spending each record's attempts.
    pub outage_threshold: u32,
    /// The longest pause between outage probes. Probes spend no record's budget, so it is
    /// short by default: the backlog starts draining within seconds of LAPOR! answering.
    pub outage_backoff_max: Duration,
}

/// Default `forwarder.outage_backoff_max_secs`: a probe at most every 4 s (the pause is
/// half fixed, half jitter, so 2–4 s), which keeps "LAPOR! back → draining" under 5 s.
pub const DEFAULT_OUTAGE_BACKOFF_MAX_SECS: u64 = 4;

#[derive(Clone, Debug)]
pub struct ChannelConfig {
    pub name: ChannelName,
    pub kind: ChannelKind,
    /// How LAPOR!'s statuses and responses reach this channel; `None`: they do not.
    pub writeback: Option<super::WritebackConfig>,
}

#[derive(Clone, Debug)]
pub enum ChannelKind {
    Sambat(SambatConfig),
    /// Signed HTTP deliveries (Call Center 112, the social-media desk), mapped declaratively.
    Webhook(super::WebhookConfig),
    /// Spreadsheet exports dropped in a folder (Ngombe), mapped declaratively.
    CsvFolder(super::CsvFolderConfig),
}

impl ChannelKind {
    /// The `kind = …` value of this channel.
    pub fn kind_name(&self) -> &'static str {
        match self {
            ChannelKind::Sambat(_) => "sambat",
            ChannelKind::Webhook(_) => "webhook",
            ChannelKind::CsvFolder(_) => "csv_folder",
        }
    }
}

#[derive(Clone, Debug)]
pub struct SambatConfig {
    pub base_url: Url,
    pub api_key: SecretString,
    pub poll_interval: Duration,
    /// `per_halaman`, 1..=100.
    pub per_page: u32,
    pub request_timeout: Duration,
    /// Retries of one page request on 5xx, timeouts and resets before the poll gives up
    /// until the next interval.
    pub max_retries: u32,
    /// `diperbarui_sejak` of the very first poll, WIB wall-clock time.
    pub start_from: jiff::civil::DateTime,
    pub mapping: SambatMapping,
}

/// Lookup tables from SAMBAT's names to LAPOR! ids. Keys are normalised with
/// [`normalise_key`] (the `config` crate lowercases keys anyway), so lookups ignore case and
/// repeated spaces; the place tables (`kecamatan`, `kelurahan`) with [`normalise_place`], which
/// also ignores spaces and hyphens.
#[derive(Clone, Debug, Default)]
pub struct SambatMapping {
    pub klasifikasi: Klasifikasi,
    pub kategori: BTreeMap<String, i64>,
    pub opd: BTreeMap<String, i64>,
    /// Used when a record's OPD is empty or not in `opd`; `None` holds such records instead.
    pub default_instansi_id: Option<i64>,
    pub kecamatan: BTreeMap<String, String>,
    pub kelurahan: BTreeMap<String, String>,
}

impl Default for Klasifikasi {
    fn default() -> Self {
        Klasifikasi::Pengaduan
    }
}

/// Lowercase, trimmed, inner whitespace collapsed: how mapping-table keys and looked-up
/// names are compared.
pub fn normalise_key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// How kecamatan and kelurahan names are compared: lowercase with spaces and hyphens dropped,
/// because citizens and channels write the same place as `Oro-oro Dowo`, `Oro Oro Dowo`,
/// `Rampal Celaket`/`Rampalcelaket` or `Kidul Dalem`/`Kiduldalem`.
pub fn normalise_place(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}
