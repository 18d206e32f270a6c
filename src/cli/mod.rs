//! The `lapor-bridge` command line.

pub mod check_config;
pub mod dead_letters;
pub mod dry_run;
pub mod package;
pub mod privacy;
pub mod privacy_purge;
pub mod report;
pub mod show;
pub mod status;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::store::Store;

pub const DEFAULT_CONFIG: &str = "/etc/lapor-bridge/lapor-bridge.toml";

#[derive(Parser, Debug)]
#[command(
    name = "lapor-bridge",
    version,
    about = "Forwards a city's complaint channels into SP4N-LAPOR! and syncs responses back"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the bridge (as the systemd service does).
    Run {
        #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = DEFAULT_CONFIG)]
        config: PathBuf,
        /// Validate and record every would-be request instead of sending it (as mode = "dry-run").
        #[arg(long)]
        dry_run: bool,
    },
    /// Check a configuration file and report every problem at once.
    CheckConfig {
        #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = DEFAULT_CONFIG)]
        config: PathBuf,
        /// Treat warnings (unchecked LAPOR! ids, placeholder addresses, unknown template
        /// fields) as errors: exit 1.
        #[arg(long)]
        strict: bool,
        /// First fetch LAPOR!'s kategori and instansi lists into the store (creating it), so
        /// the mappings' ids are checked against them.
        #[arg(long)]
        fetch_reference: bool,
    },
    /// Inspect and act on records that could not be forwarded.
    DeadLetters {
        #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = DEFAULT_CONFIG)]
        config: PathBuf,
        /// Use this store file instead of the configuration's `store.path`.
        #[arg(long)]
        store: Option<PathBuf>,
        #[command(subcommand)]
        action: dead_letters::Action,
    },
    /// One screen: queue depths, oldest pending, dead letters, last success per channel,
    /// LAPOR! health. Reads the store (read-only), so it works while the daemon runs.
    Status {
        #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = DEFAULT_CONFIG)]
        config: PathBuf,
        /// Use this store file instead of the configuration's `store.path`.
        #[arg(long)]
        store: Option<PathBuf>,
    },
    /// One record's timeline: reported, stored, forwarded, each LAPOR! status and response,
    /// each write-back to its channel. Reads the store (read-only).
    Show {
        /// The record, as <channel>:<local id>, e.g. sambat:12345.
        record: String,
        #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = DEFAULT_CONFIG)]
        config: PathBuf,
        /// Use this store file instead of the configuration's `store.path`.
        #[arg(long)]
        store: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: show::Format,
    },
    /// Check sample records against a configuration's mapping and the LAPOR! contract, or
    /// list what a dry-run daemon recorded (`dry-run report`).
    DryRun(dry_run::DryRunArgs),
    /// Service-level figures of a period (received, response rate and time in working days,
    /// target progress) per channel and OPD; `report sla`: complaints at risk or past a
    /// LAPOR! service level. Reads the store read-only.
    Report(report::ReportArgs),
    /// Reporters' personal data (UU PDP No. 27/2022): `purge` (retention), `export` (an
    /// access request), `erase` (on request), `report` (what is held per channel).
    Privacy(privacy::PrivacyArgs),
    /// Moved to the developer tools (`cargo demo`): the service binary carries no mocks.
    #[command(hide = true)]
    Demo {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Moved to the developer tools (`cargo tools bench ...`), as `demo`.
    #[command(hide = true)]
    Bench {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Print a shell completion script (the package installs bash, zsh and fish ones).
    #[command(hide = true)]
    Completions(package::CompletionsArgs),
    /// Print the man page, or write one per command with --dir (the package installs them).
    #[command(hide = true)]
    Manpage(package::ManpageArgs),
}

/// `lapor-bridge demo|bench`, which moved to the `lapor-tools` package: where to find them.
pub fn moved_to_tools(command: &str) -> std::process::ExitCode {
    eprintln!(
        "`lapor-bridge {command}` is not part of the service binary: it is in the developer \
         tools (package lapor-tools), from a source checkout `cargo tools {command} ...` \
         (the demo: `cargo demo`)"
    );
    std::process::ExitCode::from(2)
}

/// The store an operator command works on: `--store` if given, else the configuration's
/// `store.path`. `Err` is the message for stderr.
pub fn store_path(config: &Path, store: Option<PathBuf>) -> Result<PathBuf, String> {
    match store {
        Some(p) => Ok(p),
        None => store_path_from(config),
    }
}

/// Opens the store at `path` for an operator command, which never creates one: read-only
/// (beside a running daemon) unless `writable`. `Err` is the message for stderr.
pub fn open_existing(path: &Path, writable: bool) -> Result<Store, String> {
    if !path.exists() {
        return Err(format!(
            "no store at {}: check store.path or pass --store",
            path.display()
        ));
    }
    let opened = if writable {
        Store::open(path)
    } else {
        Store::open_read_only(path)
    };
    opened.map_err(|e| format!("cannot open the store {}: {e}", path.display()))
}

/// The store path from a configuration file, without resolving secrets: operator commands
/// must work from a shell that does not have the service's credentials.
pub fn store_path_from(config: &Path) -> Result<PathBuf, String> {
    if let Ok(p) = std::env::var("LAPOR_BRIDGE__STORE__PATH") {
        return Ok(PathBuf::from(p));
    }
    let text = std::fs::read_to_string(config)
        .map_err(|e| format!("cannot read {}: {e}", config.display()))?;
    let value: toml::Table = toml::from_str(&text)
        .map_err(|e| format!("{} is not valid TOML: {e}", config.display()))?;
    let path = value
        .get("store")
        .and_then(|s| s.get("path"))
        .and_then(|p| p.as_str())
        .unwrap_or("lapor-bridge.db");
    // Relative paths are relative to the working directory, as for the daemon itself.
    Ok(PathBuf::from(path))
}

/// `check-config --fetch-reference`: LAPOR!'s kategori and instansi lists, fetched once into
/// the configuration's store (created if missing). `Err` is the message for stderr.
pub async fn fetch_reference(config: &Path) -> Result<String, String> {
    let cfg = crate::config::load(config).map_err(|e| crate::config::problem_report(config, &e))?;
    let client = crate::wire::lapor::LaporClient::new(&cfg.lapor)
        .map_err(|e| format!("cannot build the LAPOR! client: {e}"))?;
    let store = Store::open(&cfg.store.path)
        .map_err(|e| format!("cannot open the store {}: {e}", cfg.store.path.display()))?;
    let (kategori, instansi) =
        crate::forward::reference::refresh(&client, &store, cfg.lapor.reference_grace_fetches)
            .await
            .map_err(|e| {
                format!(
                    "LAPOR! reference data not fetched from {}: {e}",
                    cfg.lapor.base_url
                )
            })?;
    Ok(format!(
        "fetched {kategori} kategori and {instansi} instansi from {} into {}",
        cfg.lapor.base_url,
        cfg.store.path.display()
    ))
}
