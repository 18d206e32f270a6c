//! `lapor-bridge privacy purge`: the retention purge, by hand (the daemon runs it daily).

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use jiff::Timestamp;

use super::fit;
use crate::i18n::{format, Lang};
use crate::privacy::purge;
use crate::t;

#[derive(Args, Debug)]
pub struct PurgeArgs {
    /// Days a complaint must have been final in LAPOR!; default `[privacy] retention_days`
    /// of the configuration (365). 0: every final complaint.
    #[arg(long, value_name = "DAYS")]
    pub older_than: Option<u64>,
    /// Only count what would be removed; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do it without asking (required when not run from a terminal).
    #[arg(long)]
    pub yes: bool,
}

pub fn run_purge(
    config: &std::path::Path,
    store: Option<PathBuf>,
    args: PurgeArgs,
    lang: Lang,
) -> Result<String, String> {
    // Without a configuration file (`--store` given), the defaults: no CSV folders known.
    let settings = match (
        crate::config::privacy_settings_without_secrets(config),
        &store,
    ) {
        (Ok(s), _) => s,
        (Err(_), Some(_)) if !config.exists() => crate::config::PrivacySettings {
            retention_days: crate::config::DEFAULT_RETENTION_DAYS,
            csv_folders: Vec::new(),
        },
        (Err(e), _) => return Err(e),
    };
    let days = args.older_than.unwrap_or(settings.retention_days);
    let path = super::store_path(config, store)?;
    let shown = path.display().to_string();
    let store = super::open_existing(&path, true)?;
    let plan = purge::plan(&store, &settings.csv_folders, days, Timestamp::now()).map_err(|e| {
        t!(
            lang,
            "purge-cannot-plan",
            store = shown.as_str(),
            error = e.to_string()
        )
    })?;
    let int = |n: usize| format::int(lang, n as i64);
    let mut text = t!(
        lang,
        "purge-plan",
        records = int(plan.records.len()),
        days = int(days as usize),
        cutoff = format::db_datetime(lang, &plan.cutoff),
        files = int(plan.files.len())
    ) + "\n";
    if args.dry_run {
        text += &(t!(lang, "purge-dry-run") + "\n");
        return Ok(text);
    }
    if plan.records.is_empty() && plan.files.is_empty() {
        text += &(t!(lang, "purge-nothing") + "\n");
        return Ok(text);
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(text + &t!(lang, "purge-no-terminal"));
        }
        print!("{}{} ", fit::lines(&text), t!(lang, "purge-confirm"));
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        // The word the prompt asks for in either language.
        if !matches!(answer.trim(), "yes" | "ya") {
            return Err(t!(lang, "purge-not-confirmed"));
        }
        text.clear();
    }
    let out = purge::execute(&store, &plan).map_err(|e| {
        t!(
            lang,
            "purge-stopped",
            store = shown.as_str(),
            error = e.to_string()
        )
    })?;
    text += &t!(
        lang,
        "purge-done",
        records = int(out.records),
        rows = int(out.rows.rows()),
        files = int(out.files_deleted)
    );
    text.push('\n');
    if out.compacted {
        text += &(t!(lang, "purge-compacted") + "\n");
    }
    for e in &out.file_errors {
        text += &(t!(lang, "purge-not-deleted", error = e.to_string()) + "\n");
    }
    Ok(text)
}
