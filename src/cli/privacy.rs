//! `lapor-bridge privacy …`: personal data under UU PDP (retention purge, access, erasure,
//! what is held).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::fit;
use crate::config::Config;
use crate::i18n::{format, Lang};
use crate::privacy::{self, Selector};
use crate::store::Store;
use crate::t;

#[derive(Args, Debug)]
pub struct PrivacyArgs {
    #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = super::DEFAULT_CONFIG, global = true)]
    pub config: PathBuf,
    /// Use this store file instead of the configuration's `store.path`.
    #[arg(long, global = true)]
    pub store: Option<PathBuf>,
    #[command(subcommand)]
    pub action: Action,
}

/// Whose data: exactly one of these.
#[derive(Args, Debug, Clone)]
#[group(required = true, multiple = false)]
pub struct SelectArgs {
    /// The reporter's phone number, in any spelling (0812-3456-7890, +62 812…, 62812…).
    #[arg(long)]
    pub phone: Option<String>,
    /// The reporter's NIK (16 digits; spaces ignored).
    #[arg(long)]
    pub nik: Option<String>,
    /// The reporter's e-mail address (case ignored).
    #[arg(long)]
    pub email: Option<String>,
    /// One record, as <channel>:<local id>, e.g. sambat:12345.
    #[arg(long)]
    pub record: Option<String>,
}

impl SelectArgs {
    fn selector(&self) -> Result<Selector, privacy::PrivacyError> {
        match (&self.phone, &self.nik, &self.email, &self.record) {
            (Some(p), ..) => Selector::phone(p),
            (_, Some(n), ..) => Selector::nik(n),
            (_, _, Some(e), _) => Selector::email(e),
            (_, _, _, Some(r)) => Selector::record(r),
            _ => unreachable!("clap requires one selector"),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Remove reporters' identity (name, NIK, phone, e-mail), address and personal free text
    /// from every complaint final in LAPOR! for longer than the retention, delete processed
    /// CSV files and rejects reports older than it, and compact the store so the data is gone
    /// from its files. Times, statuses, channel, OPD, kategori and tracking ids stay, so
    /// `report` gives the same figures afterwards. The daemon does this daily.
    #[command(
        after_help = "Examples:\n  lapor-bridge privacy purge --dry-run\n  lapor-bridge privacy purge --older-than 730 --yes"
    )]
    Purge(super::privacy_purge::PurgeArgs),
    /// Print as JSON everything the bridge holds about a person (an access request under
    /// UU PDP): each record, its personal data and where it is held, its timeline, and
    /// whether LAPOR! holds a copy too. Reads the store read-only.
    Export(SelectArgs),
    /// Remove a person's data from every table (raw payloads, revisions, sent payloads,
    /// dry-run verdicts, responses), record the erasure on each record's timeline and compact
    /// the store. A complaint not yet forwarded is closed and never sent; one already in
    /// LAPOR! stays there (LAPOR! keeps its copy). Asks for confirmation unless --yes.
    Erase {
        #[command(flatten)]
        select: SelectArgs,
        /// Who asks for the erasure (recorded on the timeline); default: $SUDO_USER or $USER.
        #[arg(long)]
        by: Option<String>,
        /// Why (recorded on the timeline), e.g. "request of 2026-12-01, ref. PPID/123".
        /// Never put the person's identity here.
        #[arg(long)]
        reason: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Per channel, how many records hold a name, NIK, phone, e-mail or free text, and the
    /// oldest: for the data-protection officer. Reads the store read-only.
    Report {
        #[arg(long, value_enum, default_value = "text")]
        format: super::show::Format,
    },
}

pub fn run(args: PrivacyArgs) -> ExitCode {
    match dispatch(args, crate::i18n::process_lang()) {
        Ok(code) => code,
        Err(e) => {
            fit::eprintln(&e);
            ExitCode::from(2)
        }
    }
}

fn setup(config: &Path, store: Option<PathBuf>, writable: bool) -> Result<(Config, Store), String> {
    // The channels' mappings are needed, not their credentials: this runs from an operator's
    // shell that may not have the service's secrets.
    let cfg = crate::dryrun::load_config_for_check(config)?;
    let path = store.unwrap_or_else(|| cfg.store.path.clone());
    let store = super::open_existing(&path, writable)?;
    Ok((cfg, store))
}

fn dispatch(args: PrivacyArgs, lang: Lang) -> Result<ExitCode, String> {
    match args.action {
        Action::Purge(p) => Ok(
            match super::privacy_purge::run_purge(&args.config, args.store, p, lang) {
                Ok(text) => {
                    fit::print(&text);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    fit::eprintln(&e);
                    ExitCode::from(1)
                }
            },
        ),
        Action::Export(select) => {
            let sel = select.selector().map_err(|e| e.to_string())?;
            let (cfg, store) = setup(&args.config, args.store, false)?;
            let out = privacy::export::export(&store, &cfg, &sel).map_err(|e| e.to_string())?;
            println!(
                "{}",
                serde_json::to_string_pretty(&out).expect("plain data")
            );
            Ok(ExitCode::SUCCESS)
        }
        Action::Report { format } => {
            let (cfg, store) = setup(&args.config, args.store, false)?;
            let r = privacy::held::report(&store, &cfg).map_err(|e| e.to_string())?;
            match format {
                super::show::Format::Json => {
                    println!("{}", serde_json::to_string_pretty(&r).expect("plain data"))
                }
                super::show::Format::Text => fit::print(&privacy::held::render_text(lang, &r)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Action::Erase {
            select,
            by,
            reason,
            yes,
        } => {
            let sel = select.selector().map_err(|e| e.to_string())?;
            if reason.trim().is_empty() {
                return Err(t!(lang, "privacy-empty-reason"));
            }
            let by = by
                .or_else(|| std::env::var("SUDO_USER").ok())
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "unknown".into());
            let (cfg, store) = setup(&args.config, args.store, true)?;
            let found = privacy::erase::preview(&store, &cfg, &sel).map_err(|e| e.to_string())?;
            if found.is_empty() {
                let kind = match sel.kind() {
                    "phone" => t!(lang, "privacy-kind-phone"),
                    "email" => t!(lang, "privacy-kind-email"),
                    "record" => t!(lang, "privacy-kind-record"),
                    other => other.to_uppercase(),
                };
                fit::print(&(t!(lang, "privacy-nothing-to-erase", kind = kind) + "\n"));
                return Ok(ExitCode::SUCCESS);
            }
            if !yes && !confirm(&found, lang)? {
                fit::print(&(t!(lang, "privacy-nothing-erased") + "\n"));
                return Ok(ExitCode::from(1));
            }
            let now = jiff::Timestamp::now();
            let r = privacy::erase::erase(&store, &cfg, &sel, &by, &reason, now)
                .map_err(|e| e.to_string())?;
            println!("{}", serde_json::to_string_pretty(&r).expect("plain data"));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn confirm(found: &[(String, Option<String>)], lang: Lang) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        let count = format::int(lang, found.len() as i64);
        return Err(t!(lang, "privacy-no-terminal", count = count));
    }
    fit::eprintln(&t!(lang, "privacy-confirm-title"));
    for (record, tracking) in found {
        let line = match tracking {
            Some(t) => t!(
                lang,
                "privacy-confirm-in-lapor",
                record = record.as_str(),
                tracking = t.as_str()
            ),
            None => t!(
                lang,
                "privacy-confirm-not-forwarded",
                record = record.as_str()
            ),
        };
        fit::eprintln(&format!("  {line}"));
    }
    eprint!("{} ", t!(lang, "privacy-confirm-prompt"));
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| t!(lang, "cli-cannot-read-confirmation", error = e.to_string()))?;
    // The word the prompt asks for in either language.
    Ok(matches!(line.trim(), "erase" | "hapus"))
}
