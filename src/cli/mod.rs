//! The `lapor-bridge` command line.

pub mod backup;
pub mod check_config;
pub mod dead_letters;
pub mod dead_letters_render;
pub mod dry_run;
pub mod fit;
pub mod help;
pub mod labels;
pub mod package;
pub mod privacy;
pub mod privacy_purge;
pub mod replay;
pub mod report;
pub mod show;
pub mod since;
pub mod status;
pub mod status_render;
pub mod store_migrate;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::domain::RecordKey;
use crate::i18n::{process_lang, Lang};
use crate::store::{Store, StoreError};
use crate::t;

pub const DEFAULT_CONFIG: &str = "/etc/lapor-bridge/lapor-bridge.toml";

#[derive(Parser, Debug)]
#[command(
    name = "lapor-bridge",
    version,
    about = "Forwards a city's complaint channels into SP4N-LAPOR! and syncs responses back"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

/// `--config` and `--store`, accepted before the subcommand as well as after it, at any
/// depth: `lapor-bridge --store F dead-letters list` and `lapor-bridge dead-letters list
/// --store F` are the same. Each subcommand declares its own (with its default and
/// `global = true`, so that its own subcommands take them too); clap hands a value given
/// here down to the subcommand's field of the same name. No default or env here, so that a
/// subcommand's own (`$LAPOR_BRIDGE_CONFIG`, then the packaged path) applies.
#[derive(clap::Args, Debug)]
pub struct GlobalOpts {
    /// The configuration file (default: $LAPOR_BRIDGE_CONFIG, else
    /// /etc/lapor-bridge/lapor-bridge.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use this store file instead of the configuration's `store.path`.
    #[arg(long, global = true)]
    pub store: Option<PathBuf>,
    /// The language of the output: id (Bahasa Indonesia) or en (English); default: the
    /// configuration's `[ui] language`, else id. Logs and JSON keys stay English.
    #[arg(long, global = true, env = "LAPOR_BRIDGE_LANG", value_name = "id|en")]
    pub lang: Option<crate::i18n::Lang>,
}

/// The language of this command's output: `--lang` (or `$LAPOR_BRIDGE_LANG`), else
/// `LAPOR_BRIDGE__UI__LANGUAGE`, else the configuration file's `[ui] language`, else id. A
/// configuration that cannot be read leaves the default: the command itself says why.
pub fn resolve_lang(cli: &Cli) -> crate::i18n::Lang {
    if let Some(lang) = cli.global.lang {
        return lang;
    }
    lang_from_environment(cli.global.config.clone())
}

/// `LAPOR_BRIDGE__UI__LANGUAGE`, else `[ui] language` of `config` (or of the default
/// configuration file), else id.
pub fn lang_from_environment(config: Option<PathBuf>) -> crate::i18n::Lang {
    use crate::i18n::Lang;
    if let Ok(Some(lang)) = std::env::var("LAPOR_BRIDGE_LANG").map(|v| Lang::parse(&v).ok()) {
        return lang;
    }
    if let Some(lang) = std::env::var("LAPOR_BRIDGE__UI__LANGUAGE")
        .ok()
        .and_then(|v| Lang::parse(&v).ok())
    {
        return lang;
    }
    let config = config
        .or_else(|| std::env::var_os("LAPOR_BRIDGE_CONFIG").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG));
    std::fs::read_to_string(config)
        .ok()
        .and_then(|text| crate::config::language_of_file_text(&text))
        .unwrap_or_default()
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the bridge (as the systemd service does).
    Run {
        /// The configuration file.
        #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = DEFAULT_CONFIG, global = true)]
        config: PathBuf,
        /// Validate and record every would-be request instead of sending it (as mode = "dry-run").
        #[arg(long)]
        dry_run: bool,
    },
    /// Check a configuration file and report every problem at once.
    CheckConfig {
        /// The configuration file.
        #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = DEFAULT_CONFIG, global = true)]
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
        /// The configuration file.
        #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = DEFAULT_CONFIG, global = true)]
        config: PathBuf,
        /// Use this store file instead of the configuration's `store.path`.
        #[arg(long, global = true)]
        store: Option<PathBuf>,
        #[command(subcommand)]
        action: dead_letters::Action,
    },
    /// One screen: queue depths, oldest pending, dead letters, last success per channel,
    /// LAPOR! health. Reads the store (read-only), so it works while the daemon runs.
    Status {
        /// The configuration file.
        #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = DEFAULT_CONFIG, global = true)]
        config: PathBuf,
        /// Use this store file instead of the configuration's `store.path`.
        #[arg(long, global = true)]
        store: Option<PathBuf>,
    },
    /// One record's timeline: reported, stored, forwarded, each LAPOR! status and response,
    /// each write-back to its channel. Reads the store (read-only).
    Show {
        /// The record, as `<channel>:<local id>`, e.g. `sambat:12345`.
        #[arg(value_name = "RECORD")]
        record: String,
        /// The configuration file.
        #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = DEFAULT_CONFIG, global = true)]
        config: PathBuf,
        /// Use this store file instead of the configuration's `store.path`.
        #[arg(long, global = true)]
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
    /// A consistent copy of the store (SQLite online backup), taken while the daemon runs;
    /// `--output DIR --keep N` writes a dated copy and keeps the newest N.
    Backup(backup::BackupArgs),
    /// The store itself: `store migrate` moves a SQLite store into an empty PostgreSQL
    /// database and checks the counts (for several bridges on one database; the daemon runs
    /// on SQLite until that lands).
    Store(store_migrate::StoreArgs),
    /// Re-read a SAMBAT channel, or a CSV folder's processed files, from a time, through the
    /// usual identity and dedupe; the running daemon does it on the channel's next step.
    Replay(replay::ReplayArgs),
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

/// A `--store` that the command would not use (`run`, `check-config`, a `dry-run` check
/// take the configuration's `store.path`, or none): the message for stderr.
pub fn store_unused(cli: &Cli) -> Option<String> {
    cli.global.store.as_ref()?;
    let lang = process_lang();
    let name = match &cli.command {
        Command::Run { .. } => "run".to_string(),
        Command::CheckConfig { .. } => "check-config".to_string(),
        Command::DryRun(a) if a.action.is_none() => t!(lang, "cli-dry-run-checking"),
        _ => return None,
    };
    Some(t!(lang, "cli-store-unused", command = name))
}

/// `lapor-bridge demo|bench`, which moved to the `lapor-tools` package: where to find them.
pub fn moved_to_tools(command: &str) -> std::process::ExitCode {
    fit::eprintln(&t!(process_lang(), "cli-moved-to-tools", command = command));
    std::process::ExitCode::from(2)
}

/// A record as the operator typed it, `<channel>:<local id>`; `Err` says what is wrong in
/// `lang`.
pub fn parse_record(lang: Lang, s: &str) -> Result<RecordKey, String> {
    match s.split_once(':') {
        None => Err(t!(lang, "cli-record-not-a-key", record = s)),
        Some((_, "")) => Err(t!(lang, "cli-record-empty-id", record = s)),
        Some((channel, _)) => RecordKey::parse(s).map_err(|_| {
            t!(
                lang,
                "cli-record-bad-channel",
                record = s,
                channel = channel
            )
        }),
    }
}

/// A store error as the operator reads it.
pub fn store_error(lang: Lang, e: &StoreError) -> String {
    match e {
        StoreError::NotFound(key) => t!(lang, "cli-no-record", record = key.as_str()),
        StoreError::TooNew { found, known } => t!(
            lang,
            "cli-store-too-new",
            found = found.to_string(),
            known = known.to_string()
        ),
        StoreError::Sqlite(e) => t!(lang, "cli-database-error", error = e.to_string()),
        StoreError::Postgres(e) => t!(lang, "cli-database-error", error = e.as_str()),
        StoreError::NotOnPostgres(part) => t!(lang, "cli-not-on-postgres", part = *part),
        // Already a sentence naming the record and what to do (from the store's checks).
        StoreError::Invalid(text) => text.clone(),
    }
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
    let lang = process_lang();
    let shown = path.display().to_string();
    if !path.exists() {
        return Err(t!(lang, "cli-no-store", path = shown));
    }
    let opened = if writable {
        Store::open(path)
    } else {
        Store::open_read_only(path)
    };
    opened.map_err(|e| {
        t!(
            lang,
            "cli-cannot-open-store",
            path = shown,
            error = store_error(lang, &e)
        )
    })
}

/// The store path from a configuration file, without resolving secrets: operator commands
/// must work from a shell that does not have the service's credentials.
pub fn store_path_from(config: &Path) -> Result<PathBuf, String> {
    if let Ok(p) = std::env::var("LAPOR_BRIDGE__STORE__PATH") {
        return Ok(PathBuf::from(p));
    }
    let lang = process_lang();
    let shown = || config.display().to_string();
    let text = std::fs::read_to_string(config).map_err(|e| {
        t!(
            lang,
            "cli-cannot-read-config",
            path = shown(),
            error = e.to_string()
        )
    })?;
    let value: toml::Table = toml::from_str(&text).map_err(|e| {
        t!(
            lang,
            "cli-config-not-toml",
            path = shown(),
            error = e.to_string()
        )
    })?;
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
    let store = Store::from_config(&cfg.store)
        .map_err(|e| format!("cannot open the store {}: {e}", cfg.store))?;
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
        cfg.lapor.base_url, cfg.store
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// `--config`/`--store` before or after the subcommand, at any depth, reach it.
    #[test]
    fn config_and_store_go_anywhere() {
        let store = |argv: &[&str]| -> Option<PathBuf> {
            match Cli::try_parse_from(argv).unwrap().command {
                Command::DeadLetters { store, .. } | Command::Status { store, .. } => store,
                Command::Show { store, .. } => store,
                Command::Report(a) => a.store,
                Command::Privacy(a) => a.store,
                Command::Backup(a) => a.store,
                Command::Replay(a) => a.store,
                other => panic!("{other:?}"),
            }
        };
        for argv in [
            &["lapor-bridge", "dead-letters", "list", "--store", "F"][..],
            &["lapor-bridge", "dead-letters", "--store", "F", "list"],
            &["lapor-bridge", "--store", "F", "dead-letters", "list"],
            &[
                "lapor-bridge",
                "--store",
                "F",
                "dead-letters",
                "retry",
                "--all",
            ],
            &["lapor-bridge", "report", "--store", "F", "sla"],
            &["lapor-bridge", "report", "sla", "--store", "F"],
            &["lapor-bridge", "--store", "F", "report", "sla"],
            &["lapor-bridge", "--store", "F", "status"],
            &["lapor-bridge", "show", "sambat:1", "--store", "F"],
            &["lapor-bridge", "--store", "F", "show", "sambat:1"],
            &["lapor-bridge", "--store", "F", "privacy", "report"],
            &["lapor-bridge", "--store", "F", "backup", "--output", "B"],
            &["lapor-bridge", "backup", "--output", "B", "--store", "F"],
            &[
                "lapor-bridge",
                "--store",
                "F",
                "replay",
                "--channel",
                "c",
                "--since",
                "2024-07-29",
            ],
        ] {
            assert_eq!(store(argv), Some(PathBuf::from("F")), "{argv:?}");
        }
        let config = |argv: &[&str]| match Cli::try_parse_from(argv).unwrap().command {
            Command::DeadLetters { config, .. } | Command::Status { config, .. } => config,
            Command::Report(a) => a.config,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            config(&["lapor-bridge", "--config", "C", "dead-letters", "list"]),
            PathBuf::from("C")
        );
        assert_eq!(
            config(&["lapor-bridge", "dead-letters", "list", "--config", "C"]),
            PathBuf::from("C")
        );
        assert_eq!(
            config(&["lapor-bridge", "--config", "C", "report", "sla"]),
            PathBuf::from("C")
        );
        assert_eq!(
            config(&["lapor-bridge", "--config", "C", "status"]),
            PathBuf::from("C")
        );
    }

    /// `--lang` anywhere on the line; and the configuration path `resolve_lang` reads is the
    /// one given after the subcommand too.
    #[test]
    fn lang_goes_anywhere_and_config_reaches_the_top() {
        use crate::i18n::Lang;
        for argv in [
            &["lapor-bridge", "--lang", "en", "status"][..],
            &["lapor-bridge", "status", "--lang", "en"],
            &["lapor-bridge", "report", "sla", "--lang", "en"],
            &["lapor-bridge", "dead-letters", "list", "--lang=en"],
        ] {
            let cli = Cli::try_parse_from(argv).unwrap();
            assert_eq!(cli.global.lang, Some(Lang::English), "{argv:?}");
        }
        let bad = Cli::try_parse_from(["lapor-bridge", "--lang", "jv", "status"]).unwrap_err();
        assert!(bad.to_string().contains("\"id\""), "{bad}");
        let cli = Cli::try_parse_from(["lapor-bridge", "report", "--config", "C", "sla"]).unwrap();
        assert_eq!(cli.global.config, Some(PathBuf::from("C")));
    }
}

#[cfg(test)]
mod render_tests;
