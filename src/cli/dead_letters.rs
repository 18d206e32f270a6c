//! `lapor-bridge dead-letters list|show|retry|acknowledge`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use jiff::Timestamp;

use crate::domain::RecordKey;
use crate::store::{RecordDetail, Store};

#[derive(Subcommand, Debug)]
pub enum Action {
    /// Dead and held records, oldest first.
    List {
        /// Include acknowledged records.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Everything known about one record: state, reasons, attempts, timeline.
    Show {
        /// `<channel>:<local id>`, e.g. `sambat:12345`.
        record: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Queue a dead, held or acknowledged record again with a fresh attempt budget.
    Retry { record: String },
    /// Close a dead or held record after looking at it, so it stops showing as stuck.
    Acknowledge { record: String },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

pub fn run(config: &Path, store: Option<PathBuf>, action: Action) -> ExitCode {
    let store = match super::store_path(config, store).and_then(|p| super::open_existing(&p, true))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match execute(&store, action) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

/// Runs one action and returns what to print.
pub fn execute(store: &Store, action: Action) -> Result<String, String> {
    let parse = |s: &str| RecordKey::parse(s);
    match action {
        Action::List { all, format } => {
            let list = store.dead_letters(all).map_err(|e| e.to_string())?;
            if format == Format::Json {
                return Ok(serde_json::to_string_pretty(&list).unwrap_or_default() + "\n");
            }
            let wb = store.dead_writebacks().map_err(|e| e.to_string())?;
            if list.is_empty() && wb.is_empty() {
                return Ok("no dead letters\n".into());
            }
            let mut out = format!(
                "{:<24} {:<13} {:>8}  {}\n",
                "RECORD", "STATE", "ATTEMPTS", "REASON"
            );
            for d in list {
                let reason = if d.problems.is_empty() {
                    d.last_error.unwrap_or_default()
                } else {
                    d.problems
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                out += &format!(
                    "{:<24} {:<13} {:>8}  {}\n",
                    d.key, d.state, d.attempts, reason
                );
            }
            if !wb.is_empty() {
                out += &format!(
                    "\nwrite-backs the channel refused ({}; `lapor-bridge show <record>` has the timeline):\n",
                    wb.len()
                );
                for (key, w) in wb {
                    out += &format!(
                        "{:<24} {:<20} {:>8}  {}\n",
                        key,
                        w.lapor_status,
                        w.attempts,
                        w.last_error.unwrap_or_default()
                    );
                }
            }
            Ok(out)
        }
        Action::Show { record, format } => {
            let key = parse(&record)?;
            let d = store.detail(&key).map_err(|e| e.to_string())?;
            Ok(if format == Format::Json {
                serde_json::to_string_pretty(&d).unwrap_or_default() + "\n"
            } else {
                render(&d)
            })
        }
        Action::Retry { record } => {
            let key = parse(&record)?;
            store
                .retry(&key, Timestamp::now())
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "{key} queued again; the running bridge sends it on its next step\n"
            ))
        }
        Action::Acknowledge { record } => {
            let key = parse(&record)?;
            store
                .acknowledge(&key, Timestamp::now())
                .map_err(|e| e.to_string())?;
            Ok(format!("{key} acknowledged\n"))
        }
    }
}

fn render(d: &RecordDetail) -> String {
    let mut out = format!(
        "record       {}\nstate        {}\nattempts     {}\n",
        d.key, d.state, d.attempts
    );
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    out += &format!("tracking id  {}\n", opt(&d.tracking_id));
    out += &format!("received     {}\n", d.received_at);
    out += &format!("reported     {}\n", opt(&d.reported_at));
    out += &format!("forwarded    {}\n", opt(&d.forwarded_at));
    out += &format!("next attempt {}\n", opt(&d.next_attempt_at));
    out += &format!("revision     {}\n", d.revision);
    if d.in_doubt {
        out += "in doubt     an attempt may have reached LAPOR!; the next one looks it up first\n";
    }
    if let Some(e) = &d.last_error {
        out += &format!("last error   {e}\n");
    }
    if let Some(v) = &d.divergence {
        out += &format!("divergence   {v}\n");
    }
    for p in &d.problems {
        out += &format!("problem      {p}\n");
    }
    for n in &d.notes {
        out += &format!("note         {n}\n");
    }
    out += "timeline\n";
    for e in &d.events {
        out += &format!(
            "  {}  {:<22} {}\n",
            e.at,
            e.kind,
            e.detail.as_deref().unwrap_or("")
        );
    }
    out
}
