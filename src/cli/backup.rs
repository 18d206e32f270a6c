//! `lapor-bridge backup`: a consistent copy of the store, taken while the daemon runs
//! (`store::backup`), optionally as a dated copy in a folder keeping the newest N.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{fit, labels};
use crate::store::backup;
use crate::t;

#[derive(Args, Debug)]
pub struct BackupArgs {
    #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = super::DEFAULT_CONFIG, global = true)]
    pub config: PathBuf,
    /// Use this store file instead of the configuration's `store.path`.
    #[arg(long, global = true)]
    pub store: Option<PathBuf>,
    /// The copy: a file (replaced if it exists), or an existing folder, where the copy is
    /// named by its time, e.g. `lapor-bridge-20240729-081500-WIB.db`.
    #[arg(long)]
    pub output: PathBuf,
    /// With a folder as --output: afterwards keep only the newest N dated copies there
    /// (other files are left alone).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub keep: Option<u32>,
}

pub fn run(args: BackupArgs) -> ExitCode {
    let lang = crate::i18n::process_lang();
    let source = match super::store_path(&args.config, args.store) {
        Ok(p) => p,
        Err(e) => {
            fit::eprintln(&e);
            return ExitCode::from(2);
        }
    };
    let is_dir = args.output.is_dir();
    if args.keep.is_some() && !is_dir {
        let output = args.output.display().to_string();
        fit::eprintln(&t!(lang, "backup-keep-needs-folder", output = output));
        return ExitCode::from(2);
    }
    let dest = if is_dir {
        args.output.join(backup::dated_name(jiff::Timestamp::now()))
    } else {
        args.output.clone()
    };
    let source_shown = source.display().to_string();
    let report = match backup::backup(&source, &dest) {
        Ok(r) => r,
        Err(e) => {
            let text = t!(
                lang,
                "backup-failed",
                store = source_shown,
                error = e.to_string()
            );
            fit::eprintln(&text);
            return ExitCode::from(1);
        }
    };
    fit::print(
        &(t!(
            lang,
            "backup-done",
            store = source_shown,
            copy = report.path.display().to_string(),
            records = crate::i18n::format::int(lang, report.records),
            bytes = labels::int(lang, report.bytes)
        ) + "\n"),
    );
    if let Some(keep) = args.keep {
        match backup::prune(&args.output, keep as usize) {
            Ok(removed) => {
                for p in &removed {
                    let copy = p.display().to_string();
                    fit::print(&(t!(lang, "backup-removed", copy = copy) + "\n"));
                }
            }
            Err(e) => {
                fit::eprintln(&t!(lang, "backup-not-pruned", error = e.to_string()));
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}
