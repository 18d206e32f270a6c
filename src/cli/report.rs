//! `lapor-bridge report`: the KPI table of a period, and `report sla`, the complaints at risk
//! of breaking a LAPOR! service level or past it. Reads the store read-only, so it runs beside
//! the daemon. Text, CSV and xlsx are in the process's language; JSON keeps English keys.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use jiff::Timestamp;

use crate::cli::DEFAULT_CONFIG;
use crate::i18n::{self, Lang};
use crate::report::render::{csv_file, text, xlsx};
use crate::report::{self, render, render::Format};
use crate::store::Store;
use crate::t;

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
    /// Write the report to this file (atomically) instead of printing it; needed for xlsx.
    #[arg(long, global = true)]
    pub output: Option<PathBuf>,
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
    let lang = i18n::process_lang();
    let output = args.output.clone();
    let done = run_inner(args, lang).and_then(|bytes| match &output {
        Some(path) => write_atomically(path, &bytes)
            .map(|()| {
                format!(
                    "{}\n",
                    t!(lang, "xlsx-written", path = path.display().to_string())
                )
            })
            .map_err(|e| {
                t!(
                    lang,
                    "output-failed",
                    path = path.display().to_string(),
                    error = e.to_string()
                )
            }),
        None => Ok(String::from_utf8_lossy(&bytes).into_owned()),
    });
    match done {
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

/// The report's bytes: text, JSON or CSV to print or write, or the xlsx workbook to write.
fn run_inner(args: ReportArgs, lang: Lang) -> Result<Vec<u8>, String> {
    if args.action.is_some() && (args.from.is_some() || args.to.is_some()) {
        return Err(t!(lang, "from-to-not-for-sla"));
    }
    // Checked before the store is read: a workbook on a terminal is noise.
    if args.format == Format::Xlsx {
        if args.action.is_some() {
            return Err(t!(lang, "xlsx-sla-use-report"));
        }
        if args.output.is_none() {
            return Err(t!(lang, "xlsx-needs-output"));
        }
    }
    let (store, cfg) = open(&args.config, args.store)?;
    let cal = report::calendar_for(&cfg).map_err(|e| e.to_string())?;
    let as_of = match &args.as_of {
        Some(s) => report::parse_as_of(s)?,
        None => Timestamp::now(),
    };
    match args.action {
        Some(ReportAction::Sla) => sla(&store, &cfg, &cal, as_of, args.format, lang),
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
                Format::Table => text::table(lang, &r).into_bytes(),
                Format::Json => render::json(&r).into_bytes(),
                Format::Csv => csv_file::kpi(lang, &r).into_bytes(),
                Format::Xlsx => {
                    // The workbook's SLA list is the one of the same instant.
                    let s =
                        report::sla_report(&store, &cfg, &cal, as_of).map_err(|e| e.to_string())?;
                    xlsx::workbook(lang, &r, &s, Timestamp::now()).map_err(|e| e.to_string())?
                }
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
    lang: Lang,
) -> Result<Vec<u8>, String> {
    let r = report::sla_report(store, cfg, cal, as_of).map_err(|e| e.to_string())?;
    Ok(match format {
        Format::Table => text::sla_table(lang, &r),
        Format::Json => render::json(&r),
        // Refused in `run_inner`: the workbook carries the SLA list.
        Format::Csv | Format::Xlsx => csv_file::sla(lang, &r),
    }
    .into_bytes())
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced and renamed,
/// so a reader never opens half a workbook. Mode 0644: the report holds figures, no
/// personal data, and is meant to be passed on.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
