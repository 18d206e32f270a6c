//! `lapor-bridge report`: the KPI table of a period, and `report sla`, the complaints at risk
//! of breaking a LAPOR! service level or past it. Reads the store read-only, so it runs beside
//! the daemon.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use jiff::Timestamp;

use crate::cli::DEFAULT_CONFIG;
use crate::report::{self, render, render::Format};
use crate::store::Store;

// Not `args_conflicts_with_subcommands`: `--config`/`--store` go before `sla` as well
// (`report --store F sla`); `run_inner` refuses the KPI table's own options with `sla`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = DEFAULT_CONFIG, global = true)]
    pub config: PathBuf,
    /// Use this store file instead of the configuration's `store.path`.
    #[arg(long, global = true)]
    pub store: Option<PathBuf>,
    /// First day of the period (WIB date, YYYY-MM-DD). Default: 1 January of this year.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day of the period, inclusive (WIB date). Default: today.
    #[arg(long)]
    pub to: Option<String>,
    /// Count outcomes (responses, statuses) up to this time instead of now: an RFC 3339
    /// time, a WIB "YYYY-MM-DD HH:MM:SS" or a WIB date (its end).
    #[arg(long, global = true)]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table, global = true)]
    pub format: Format,
    #[command(subcommand)]
    pub action: Option<ReportAction>,
}

#[derive(Subcommand, Debug)]
pub enum ReportAction {
    /// Complaints at risk of breaking a LAPOR! service level, or past it.
    Sla,
}

fn open(
    config: &Path,
    store: Option<PathBuf>,
) -> Result<(Store, crate::config::ReportConfig), String> {
    let path = super::store_path(config, store)?;
    let cfg = report::settings_for_cli(config)?;
    Ok((super::open_existing(&path, false)?, cfg))
}

pub fn run(args: ReportArgs) -> ExitCode {
    match run_inner(args) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn run_inner(args: ReportArgs) -> Result<String, String> {
    if args.action.is_some() && (args.from.is_some() || args.to.is_some()) {
        return Err(
            "--from and --to are for the KPI table of a period; `report sla` lists \
                    the complaints open at --as-of (default now): leave them out"
                .into(),
        );
    }
    let (store, cfg) = open(&args.config, args.store)?;
    let cal = report::calendar_for(&cfg).map_err(|e| e.to_string())?;
    let as_of = match &args.as_of {
        Some(s) => report::parse_as_of(s)?,
        None => Timestamp::now(),
    };
    match args.action {
        Some(ReportAction::Sla) => sla(&store, &cfg, &cal, as_of, args.format),
        None => {
            let (d_from, d_to) = report::year_to_date(as_of);
            let from = args.from.as_deref().map(report::parse_date).transpose()?;
            let to = args.to.as_deref().map(report::parse_date).transpose()?;
            let r = report::kpi_report(
                &store,
                &cfg,
                &cal,
                from.unwrap_or(d_from),
                to.unwrap_or(d_to),
                as_of,
            )
            .map_err(|e| e.to_string())?;
            Ok(match args.format {
                Format::Table => render::table(&r),
                Format::Json => render::json(&r),
                Format::Csv => render::csv(&r),
            })
        }
    }
}

fn sla(
    store: &Store,
    cfg: &crate::config::ReportConfig,
    cal: &report::Calendar,
    as_of: Timestamp,
    format: Format,
) -> Result<String, String> {
    let r = report::sla_report(store, cfg, cal, as_of).map_err(|e| e.to_string())?;
    Ok(match format {
        Format::Table => render::sla_table(&r),
        Format::Json => render::json(&r),
        Format::Csv => render::sla_csv(&r),
    })
}
