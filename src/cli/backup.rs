//! `lapor-bridge backup`: a consistent copy of the store, taken while the daemon runs
//! (`store::backup`), optionally as a dated copy in a folder keeping the newest N.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::store::backup;

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
    let source = match super::store_path(&args.config, args.store) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let is_dir = args.output.is_dir();
    if args.keep.is_some() && !is_dir {
        eprintln!(
            "--keep prunes dated copies in a folder: --output {} is not an existing folder \
             (create it, or drop --keep to write one file)",
            args.output.display()
        );
        return ExitCode::from(2);
    }
    let dest = if is_dir {
        args.output.join(backup::dated_name(jiff::Timestamp::now()))
    } else {
        args.output.clone()
    };
    let report = match backup::backup(&source, &dest) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("backup of {} not made: {e}", source.display());
            return ExitCode::from(1);
        }
    };
    println!(
        "backed up {} to {} ({} records, {} bytes, mode 0600)",
        source.display(),
        report.path.display(),
        report.records,
        report.bytes
    );
    if let Some(keep) = args.keep {
        match backup::prune(&args.output, keep as usize) {
            Ok(removed) => {
                for p in &removed {
                    println!("removed the older copy {}", p.display());
                }
            }
            Err(e) => {
                eprintln!("the copy was made, but older copies were not pruned: {e}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}
