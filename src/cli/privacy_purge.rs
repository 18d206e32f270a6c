//! `lapor-bridge privacy purge`: the retention purge, by hand (the daemon runs it daily).

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use jiff::Timestamp;

use crate::privacy::purge;

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
    let store = super::open_existing(&path, true)?;
    let plan = purge::plan(&store, &settings.csv_folders, days, Timestamp::now())
        .map_err(|e| format!("cannot plan the purge of {}: {e}", path.display()))?;
    let mut text = format!(
        "{} complaint(s) final in LAPOR! for over {days} day(s) (at or before {}) hold personal data\n\
         {} processed CSV file(s) or rejects report(s) are older than that\n",
        plan.records.len(),
        crate::time::db_to_wib(&plan.cutoff),
        plan.files.len()
    );
    if args.dry_run {
        text.push_str("dry run: nothing changed; run without --dry-run to remove them\n");
        return Ok(text);
    }
    if plan.records.is_empty() && plan.files.is_empty() {
        text.push_str("nothing to purge\n");
        return Ok(text);
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(format!(
                "{text}not purging: stdin is not a terminal to confirm on; pass --yes to purge \
                 without asking (or --dry-run to only count)"
            ));
        }
        print!("{text}Remove this personal data for good? Type yes: ");
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim() != "yes" {
            return Err("not purging: not confirmed".into());
        }
        text.clear();
    }
    let out = purge::execute(&store, &plan)
        .map_err(|e| format!("purge of {} stopped: {e}", path.display()))?;
    text.push_str(&format!(
        "removed the personal data of {} complaint(s) ({} row(s) rewritten); deleted {} file(s)\n",
        out.records,
        out.rows.rows(),
        out.files_deleted
    ));
    if out.compacted {
        text.push_str("store compacted (WAL checkpointed and truncated, VACUUM)\n");
    }
    for e in &out.file_errors {
        text.push_str(&format!(
            "not deleted: {e}; check its permissions and run again\n"
        ));
    }
    Ok(text)
}
