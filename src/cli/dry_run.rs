//! `lapor-bridge dry-run`: the one-shot check of sample records against a configuration's
//! mapping and the LAPOR! contract (exit 0 all valid, 1 some invalid, 2 usage or
//! configuration error, so it can gate CI), with `--compare` for a mapping change; and
//! `lapor-bridge dry-run report`, the verdicts a dry-run daemon recorded.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use jiff::Timestamp;
use serde_json::{json, Value};

use crate::channel::Mappers;
use crate::config::Mode;
use crate::domain::ChannelName;
use crate::dryrun::compare::{describe, diff, FieldChange};
use crate::dryrun::verdict::Verdict;
use crate::dryrun::{check_samples, input, load_config_for_check, CheckedRecord, Sample};
use crate::store::dry_run::read_reference_ids;
use crate::store::DryRunRow;

/// Exit code: every record is valid.
pub const EXIT_VALID: u8 = 0;
/// Exit code: at least one record would be refused.
pub const EXIT_INVALID: u8 = 1;
/// Exit code: usage or configuration error (clap's own usage errors exit 2 as well).
pub const EXIT_USAGE: u8 = 2;

#[derive(Args, Debug)]
// Not `args_conflicts_with_subcommands`, so that a `--store`/`--config` given before
// `report` (or before `dry-run`) reaches it; `run` refuses the check's options with `report`.
#[command(subcommand_negates_reqs = true)]
pub struct DryRunArgs {
    #[command(subcommand)]
    pub action: Option<Action>,
    /// Configuration whose channel and mapping tables are checked (secrets are not needed).
    /// Required (checked in `run`, not by clap, so that it may also come before `dry-run`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The configured channel the samples come from.
    #[arg(long, required = true, value_name = "NAME")]
    pub channel: Option<String>,
    /// Sample records: a JSON array, one JSON object, or JSON Lines (CSV for CSV channels).
    #[arg(long, required = true, value_name = "FILE")]
    pub input: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Also map every record with this (older) configuration and show, record by record,
    /// which payload fields the change alters.
    #[arg(long, value_name = "OLD_CONFIG")]
    pub compare: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Every record a dry-run daemon received, with its verdict and reasons.
    Report {
        #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = super::DEFAULT_CONFIG)]
        config: PathBuf,
        /// Use this store file instead of the configuration's `store.path`.
        #[arg(long, global = true)]
        store: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
}

pub fn run(args: DryRunArgs) -> ExitCode {
    match args.action {
        Some(Action::Report { .. })
            if args.channel.is_some() || args.input.is_some() || args.compare.is_some() =>
        {
            eprintln!(
                "--channel, --input and --compare are for checking samples; `dry-run report` \
                 lists what a dry-run daemon recorded: leave them out"
            );
            ExitCode::from(EXIT_USAGE)
        }
        Some(Action::Report {
            config,
            store,
            format,
        }) => report(&config, store, format),
        None => {
            // clap enforces these without a subcommand.
            let (Some(config), Some(channel), Some(input)) =
                (args.config, args.channel, args.input)
            else {
                eprintln!(
                    "dry-run needs --config, --channel and --input (or the report subcommand)"
                );
                return ExitCode::from(EXIT_USAGE);
            };
            match check(
                &config,
                &channel,
                &input,
                args.compare.as_deref(),
                args.format,
            ) {
                Ok(code) => ExitCode::from(code),
                Err(msg) => {
                    eprintln!("{msg}");
                    ExitCode::from(EXIT_USAGE)
                }
            }
        }
    }
}

/// One record's result with, under `--compare`, the old configuration's verdict and the
/// field changes.
struct Compared {
    checked: CheckedRecord,
    old: Option<(Verdict, Vec<FieldChange>)>,
}

fn check(
    config: &Path,
    channel: &str,
    input_path: &Path,
    compare: Option<&Path>,
    format: CheckFormat,
) -> Result<u8, String> {
    let cfg = load_config_for_check(config)?;
    let name = ChannelName::parse(channel)?;
    let mappers = Mappers::from_config(&cfg);
    let mapper = mappers.get(&name).ok_or_else(|| {
        let known: Vec<&str> = mappers.channels().map(ChannelName::as_str).collect();
        format!(
            "channel {name} is not configured in {}; configured channels: {}",
            config.display(),
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )
    })?;
    let samples: Vec<Sample> = match mapper.csv_columns() {
        Some((columns, max_row_bytes)) => {
            input::read_csv_samples(input_path, columns, max_row_bytes)?
        }
        None => input::read_records(input_path, mapper.input_format())?
            .into_iter()
            .map(|r| Sample {
                line: None,
                raw: Ok(r),
            })
            .collect(),
    };
    let old_mappers = match compare {
        None => None,
        Some(old) => {
            let old_cfg = load_config_for_check(old).map_err(|e| format!("--compare: {e}"))?;
            let m = Mappers::from_config(&old_cfg);
            if m.get(&name).is_none() {
                return Err(format!(
                    "--compare: channel {name} is not configured in {}",
                    old.display()
                ));
            }
            Some(m)
        }
    };
    // The reference cache of the configured store, if there is one; never created here.
    let reference = read_reference_ids(&cfg.store.path).unwrap_or_default();
    let now = Timestamp::now();
    let checked = check_samples(&mappers, &name, &samples, &reference, now);
    let old: Vec<Option<CheckedRecord>> = match &old_mappers {
        Some(m) => check_samples(m, &name, &samples, &reference, now)
            .into_iter()
            .map(Some)
            .collect(),
        None => vec![None; checked.len()],
    };
    let results: Vec<Compared> = checked
        .into_iter()
        .zip(old)
        .map(|(checked, old)| {
            let old = old.map(|o| {
                let changes = diff(
                    o.verdict.payload.as_ref().unwrap_or(&Value::Null),
                    checked.verdict.payload.as_ref().unwrap_or(&Value::Null),
                );
                (o.verdict, changes)
            });
            Compared { checked, old }
        })
        .collect();
    let invalid = results.iter().filter(|r| r.checked.is_invalid()).count();
    let ignored = results
        .iter()
        .filter(|r| r.checked.ignored.is_some())
        .count();
    let counts = Counts { invalid, ignored };
    match format {
        CheckFormat::Json => print_json(&name, config, compare, &results, counts),
        CheckFormat::Text => print_text(&name, compare, &results, counts),
    }
    Ok(if invalid == 0 {
        EXIT_VALID
    } else {
        EXIT_INVALID
    })
}

/// Records that would be refused or held, and records intake would ignore (filters).
#[derive(Clone, Copy)]
struct Counts {
    invalid: usize,
    ignored: usize,
}

fn print_json(
    channel: &ChannelName,
    config: &Path,
    compare: Option<&Path>,
    results: &[Compared],
    Counts { invalid, ignored }: Counts,
) {
    let records: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(&r.checked).unwrap_or(Value::Null);
            if let Some((old, changes)) = &r.old {
                v["compare"] = json!({
                    "old_valid": old.valid,
                    "old_reasons": old.reasons,
                    "changes": changes,
                });
            }
            v
        })
        .collect();
    let out = json!({
        "channel": channel.as_str(),
        "config": config.display().to_string(),
        "compare_with": compare.map(|p| p.display().to_string()),
        "records": records,
        "summary": {
            "records": results.len(),
            "valid": results.len() - invalid - ignored,
            "invalid": invalid,
            "ignored": ignored,
        },
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}

fn print_text(
    channel: &ChannelName,
    compare: Option<&Path>,
    results: &[Compared],
    Counts { invalid, ignored }: Counts,
) {
    for r in results {
        let c = &r.checked;
        let key = c.key.as_deref().unwrap_or("(no id)");
        let at = c.line.map(|l| format!(" (line {l})")).unwrap_or_default();
        println!(
            "record {}{at}  {key}  {}",
            c.index,
            c.label().to_uppercase()
        );
        if let Some(why) = &c.ignored {
            println!("  ignored: {why}");
            println!();
            continue;
        }
        for reason in &c.verdict.reasons {
            println!("  ✗ {reason}");
        }
        for note in &c.verdict.notes {
            println!("  note: {note}");
        }
        match &c.verdict.payload {
            Some(p) => {
                println!("  payload:");
                for line in serde_json::to_string_pretty(p).unwrap_or_default().lines() {
                    println!("    {line}");
                }
            }
            None => println!("  payload: none (the record cannot be mapped)"),
        }
        if let (Some((old, changes)), Some(path)) = (&r.old, compare) {
            let was = if old.valid { "valid" } else { "invalid" };
            println!("  compared with {} (was {was}):", path.display());
            if old.payload.is_none() && c.verdict.payload.is_some() {
                println!("    the old configuration could not map it");
            } else if changes.is_empty() {
                println!("    no payload field changes");
            }
            if old.payload.is_some() {
                for ch in changes {
                    println!("    {}", describe(ch));
                }
            }
        }
        println!();
    }
    println!(
        "{channel}: {} record{}, {} valid, {invalid} invalid, {ignored} ignored",
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        results.len() - invalid - ignored
    );
}

fn report(config: &Path, store: Option<PathBuf>, format: ReportFormat) -> ExitCode {
    let opened = super::store_path(config, store)
        .and_then(|p| super::open_existing(&p, true).map(|s| (p, s)));
    let (path, store) = match opened {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match store.mode() {
        Ok(Some(Mode::Live)) => {
            eprintln!(
                "store {} is a live store; the dry-run report lists dry-run stores only (see \
                 `lapor-bridge dead-letters list` for a live store)",
                path.display()
            );
            return ExitCode::from(EXIT_USAGE);
        }
        Ok(_) => {}
        Err(e) => {
            eprintln!("cannot read the store {}: {e}", path.display());
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let rows = match store.dry_run_report() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot read the store {}: {e}", path.display());
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let count = |v: &str| {
        rows.iter()
            .filter(|r| r.verdict.as_deref() == Some(v))
            .count()
    };
    let (valid, invalid) = (count("valid"), count("invalid"));
    let waiting = rows.len() - valid - invalid;
    match format {
        ReportFormat::Json => {
            let out = json!({
                "store": path.display().to_string(),
                "records": rows,
                "summary": {"records": rows.len(), "valid": valid, "invalid": invalid, "not_checked_yet": waiting},
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        ReportFormat::Table => print_table(&rows, valid, invalid, waiting),
    }
    ExitCode::SUCCESS
}

fn print_table(rows: &[DryRunRow], valid: usize, invalid: usize, waiting: usize) {
    println!(
        "{:<28} {:>4}  {:<8} {:<23} reasons",
        "record", "rev", "verdict", "checked at (WIB)"
    );
    for r in rows {
        let verdict = match (&r.verdict, r.verdict_revision) {
            (Some(v), Some(rev)) if rev == r.revision => v.clone(),
            (Some(v), _) => format!("{v}*"),
            (None, _) => "-".to_owned(),
        };
        let reasons: Vec<String> = r.reasons.iter().map(ToString::to_string).collect();
        println!(
            "{:<28} {:>4}  {:<8} {:<23} {}",
            r.key,
            r.revision,
            verdict,
            r.checked_at
                .as_deref()
                .map(crate::time::db_to_wib)
                .unwrap_or("-".into()),
            reasons.join("; ")
        );
    }
    println!(
        "\n{} record{}: {valid} valid, {invalid} invalid, {waiting} not checked yet{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        if rows
            .iter()
            .any(|r| r.verdict_revision.is_some_and(|v| v != r.revision))
        {
            " (* = verdict of an earlier revision; the edit waits for its check)"
        } else {
            ""
        }
    );
}
