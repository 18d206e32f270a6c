//! `lapor-bridge store migrate`: moves a city's SQLite store into an empty PostgreSQL
//! database, all or nothing, and shows the counts it checked (`store::postgres::migrate`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use secrecy::SecretString;

use super::fit;
use super::labels::int;
use crate::store::postgres::connect::PgAddress;
use crate::store::postgres::migrate;
use crate::t;

#[derive(Args, Debug)]
pub struct StoreArgs {
    #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = super::DEFAULT_CONFIG, global = true)]
    pub config: PathBuf,
    /// Use this store file instead of the configuration's `store.path`.
    #[arg(long, global = true)]
    pub store: Option<PathBuf>,
    #[command(subcommand)]
    pub action: StoreAction,
}

#[derive(Subcommand, Debug)]
pub enum StoreAction {
    /// Move the SQLite store into an empty PostgreSQL database, in one transaction, and check
    /// every table's count and the queue counts before committing. Stop the daemon first.
    Migrate {
        /// The SQLite store (default: --store, else the configuration's `store.path`).
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
        /// The PostgreSQL database, postgres://USER@HOST:PORT/DATABASE, without the password.
        #[arg(long, value_name = "URL")]
        to: String,
        /// A file holding the PostgreSQL user's password (default: $PGPASSWORD, else none).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
}

pub async fn run(args: StoreArgs) -> ExitCode {
    let lang = crate::i18n::process_lang();
    let StoreAction::Migrate {
        from,
        to,
        password_file,
    } = args.action;
    let source = match from.or(args.store) {
        Some(p) => p,
        None => match super::store_path_from(&args.config) {
            Ok(p) => p,
            Err(e) => {
                fit::eprintln(&e);
                return ExitCode::from(2);
            }
        },
    };
    let address = match PgAddress::parse(&to) {
        Ok(a) => a,
        Err(e) => {
            fit::eprintln(&t!(lang, "store-migrate-bad-address", error = e));
            return ExitCode::from(2);
        }
    };
    let password = match password_file {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(p) => Some(SecretString::from(
                p.trim_end_matches(['\r', '\n']).to_owned(),
            )),
            Err(e) => {
                let text = t!(
                    lang,
                    "store-migrate-no-password-file",
                    path = path.display().to_string(),
                    error = e.to_string()
                );
                fit::eprintln(&text);
                return ExitCode::from(2);
            }
        },
        None => std::env::var("PGPASSWORD").ok().map(SecretString::from),
    };
    let from_shown = source.display().to_string();
    let to_shown = address.to_string();
    fit::print(
        &(t!(
            lang,
            "store-migrate-start",
            store = from_shown.clone(),
            target = to_shown.clone()
        ) + "\n"),
    );
    let shown = |table: &migrate::TableMoved| {
        fit::print(
            &(t!(
                lang,
                "store-migrate-table",
                table = table.table,
                rows = int(lang, table.rows)
            ) + "\n"),
        );
    };
    match migrate::migrate(&source, &address, password.as_ref(), shown).await {
        Ok(report) => {
            fit::print(
                &(t!(
                    lang,
                    "store-migrate-done",
                    complaints = int(lang, report.complaints()),
                    target = to_shown,
                    counts = report.counts_checked.join(", "),
                    seconds = format!("{:.1}", report.seconds)
                ) + "\n"),
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            let text = t!(
                lang,
                "store-migrate-failed",
                store = from_shown,
                target = to_shown,
                error = e.to_string()
            );
            fit::eprintln(&text);
            ExitCode::from(1)
        }
    }
}
