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
use crate::i18n::format::{wrap, LINE_WIDTH};
use crate::i18n::{process_lang, Lang};
use crate::store::dry_run::read_reference_ids;
use crate::store::DryRunRow;
use crate::t;

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
            let text = t!(process_lang(), "dryrun-report-no-check-options");
            eprintln!("{}", wrap(&text, LINE_WIDTH, 4));
            ExitCode::from(EXIT_USAGE)
        }
        Some(Action::Report {
            config,
            store,
            format,
        }) => report(process_lang(), &config, store, format),
        None => {
            // clap enforces these without a subcommand.
            let (Some(config), Some(channel), Some(input)) =
                (args.config, args.channel, args.input)
            else {
                eprintln!("{}", t!(process_lang(), "dryrun-needs-options"));
                return ExitCode::from(EXIT_USAGE);
            };
            match check(
                &config,
                &channel,
                &input,
                args.compare.as_deref(),
                args.format,
                process_lang(),
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
    lang: Lang,
) -> Result<u8, String> {
    let cfg = load_config_for_check(config)?;
    let name = ChannelName::parse(channel)?;
    let mappers = Mappers::from_config(&cfg);
    let mapper = mappers.get(&name).ok_or_else(|| {
        let known: Vec<&str> = mappers.channels().map(ChannelName::as_str).collect();
        t!(
            lang,
            "dryrun-channel-not-configured",
            channel = name.as_str(),
            config = config.display().to_string(),
            known = if known.is_empty() {
                t!(lang, "none")
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
                return Err(t!(
                    lang,
                    "dryrun-compare-not-configured",
                    channel = name.as_str(),
                    config = old.display().to_string()
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
        CheckFormat::Text => print_text(lang, &name, compare, &results, counts),
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

/// A verdict (`valid`, `invalid`, `ignored`) as people read it in `lang`.
fn verdict_word(lang: Lang, label: &str) -> String {
    match label {
        "valid" => t!(lang, "dryrun-verdict-valid"),
        "invalid" => t!(lang, "dryrun-verdict-invalid"),
        "ignored" => t!(lang, "dryrun-verdict-ignored"),
        other => other.to_owned(),
    }
}

/// Prints `text` indented by `indent` spaces, wrapped at 100 columns.
fn say(indent: usize, text: &str) {
    let line = format!("{}{text}", " ".repeat(indent));
    println!("{}", wrap(&line, LINE_WIDTH, indent + 2));
}

fn print_text(
    lang: Lang,
    channel: &ChannelName,
    compare: Option<&Path>,
    results: &[Compared],
    Counts { invalid, ignored }: Counts,
) {
    for r in results {
        let c = &r.checked;
        let no_id = t!(lang, "dryrun-no-id");
        let key = c.key.as_deref().unwrap_or(&no_id);
        let at = c
            .line
            .map(|l| t!(lang, "dryrun-at-line", line = l))
            .unwrap_or_default();
        let verdict = verdict_word(lang, c.label()).to_uppercase();
        let index = c.index;
        say(
            0,
            &t!(
                lang,
                "dryrun-record",
                index = index,
                at = at,
                key = key,
                verdict = verdict
            ),
        );
        if let Some(why) = &c.ignored {
            say(2, &t!(lang, "dryrun-ignored", why = why.as_str()));
            println!();
            continue;
        }
        for reason in &c.verdict.reasons {
            say(2, &format!("✗ {reason}"));
        }
        for note in &c.verdict.notes {
            say(2, &t!(lang, "dryrun-note", note = note.as_str()));
        }
        match &c.verdict.payload {
            Some(p) => {
                say(2, &t!(lang, "dryrun-payload"));
                // A long text value wraps onto indented lines (`--format json` is the
                // copyable form).
                for line in serde_json::to_string_pretty(p).unwrap_or_default().lines() {
                    let depth = line.len() - line.trim_start().len();
                    say(4 + depth, line.trim_start());
                }
            }
            None => say(2, &t!(lang, "dryrun-payload-none")),
        }
        if let (Some((old, changes)), Some(path)) = (&r.old, compare) {
            let was = verdict_word(lang, if old.valid { "valid" } else { "invalid" });
            let path = path.display().to_string();
            say(2, &t!(lang, "dryrun-compared", path = path, was = was));
            if old.payload.is_none() && c.verdict.payload.is_some() {
                say(4, &t!(lang, "dryrun-old-unmappable"));
            } else if changes.is_empty() {
                say(4, &t!(lang, "dryrun-no-changes"));
            }
            if old.payload.is_some() {
                for ch in changes {
                    say(4, &describe(ch));
                }
            }
        }
        println!();
    }
    say(
        0,
        &t!(
            lang,
            "dryrun-summary",
            channel = channel.as_str(),
            n = results.len(),
            valid = results.len() - invalid - ignored,
            invalid = invalid,
            ignored = ignored
        ),
    );
}

fn report(lang: Lang, config: &Path, store: Option<PathBuf>, format: ReportFormat) -> ExitCode {
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
            let text = t!(
                lang,
                "dryrun-report-live-store",
                path = path.display().to_string()
            );
            eprintln!("{}", wrap(&text, LINE_WIDTH, 4));
            return ExitCode::from(EXIT_USAGE);
        }
        Ok(_) => {}
        Err(e) => {
            let path = path.display().to_string();
            let text = t!(
                lang,
                "dryrun-store-unreadable",
                path = path,
                error = e.to_string()
            );
            eprintln!("{text}");
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let rows = match store.dry_run_report() {
        Ok(r) => r,
        Err(e) => {
            let path = path.display().to_string();
            let text = t!(
                lang,
                "dryrun-store-unreadable",
                path = path,
                error = e.to_string()
            );
            eprintln!("{text}");
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
        ReportFormat::Table => print!("{}", table(lang, &rows, valid, invalid, waiting)),
    }
    ExitCode::SUCCESS
}

/// The dry-run report as a table in `lang`, every line at most 100 columns: the reasons
/// follow the other columns and wrap onto indented lines.
fn table(lang: Lang, rows: &[DryRunRow], valid: usize, invalid: usize, waiting: usize) -> String {
    let mut out = String::new();
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|r| {
            let verdict = match (&r.verdict, r.verdict_revision) {
                (Some(v), Some(rev)) if rev == r.revision => verdict_word(lang, v),
                (Some(v), _) => format!("{}*", verdict_word(lang, v)),
                (None, _) => "-".to_owned(),
            };
            // The header names the zone.
            let at = r.checked_at.as_deref().map_or("-".into(), |s| {
                crate::i18n::format::db_datetime(lang, s)
                    .trim_end_matches(" WIB")
                    .to_owned()
            });
            [r.key.clone(), r.revision.to_string(), verdict, at]
        })
        .collect();
    let header = [
        t!(lang, "dryrun-col-record"),
        t!(lang, "dryrun-col-rev"),
        t!(lang, "dryrun-col-verdict"),
        t!(lang, "dryrun-col-checked-at"),
    ];
    let width = |i: usize| {
        cells
            .iter()
            .chain([&header])
            .map(|c| c[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2, w3) = (width(0).max(28), width(1).max(4), width(2).max(8), width(3));
    let mut line = |c: &[String; 4], reasons: &str| {
        let l = format!(
            "{:<w0$} {:>w1$}  {:<w2$} {:<w3$} {reasons}",
            c[0], c[1], c[2], c[3]
        );
        out.push_str(&wrap(l.trim_end(), LINE_WIDTH, 4));
        out.push('\n');
    };
    line(&header, &t!(lang, "dryrun-col-reasons"));
    for (r, c) in rows.iter().zip(&cells) {
        let reasons: Vec<String> = r.reasons.iter().map(ToString::to_string).collect();
        line(c, &reasons.join("; "));
    }
    let earlier = rows
        .iter()
        .any(|r| r.verdict_revision.is_some_and(|v| v != r.revision));
    out.push('\n');
    let summary = t!(
        lang,
        "dryrun-report-summary",
        n = rows.len(),
        valid = valid,
        invalid = invalid,
        waiting = waiting
    );
    let note = if earlier {
        t!(lang, "dryrun-report-earlier")
    } else {
        String::new()
    };
    out.push_str(&wrap(&format!("{summary}{note}"), LINE_WIDTH, 4));
    out.push('\n');
    out
}

#[cfg(test)]
#[path = "dry_run_tests.rs"]
mod tests;
