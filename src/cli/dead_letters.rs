//! `lapor-bridge dead-letters list|show|retry|acknowledge`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use jiff::Timestamp;

use crate::domain::RecordKey;
use crate::store::{Actor, RecordDetail, Selection, Store};
use crate::time;

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
    /// Queue a dead, held or acknowledged record again with a fresh attempt budget; or every
    /// dead and held record of a selection (`--all`, `--channel`, `--reason`, `--since`).
    Retry {
        #[command(flatten)]
        target: Target,
        /// Why, kept on each record's timeline.
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Close a dead or held record after looking at it, so it stops showing as stuck; or
    /// every dead and held record of a selection.
    Acknowledge {
        #[command(flatten)]
        target: Target,
        /// Why it needs no more work (e.g. "duplicate of sambat:12"), kept on the timeline.
        #[arg(long, value_name = "TEXT", required = true)]
        note: String,
    },
}

/// One record, or a selection of the dead and held records, and who acts on them.
#[derive(clap::Args, Debug, Clone)]
pub struct Target {
    /// The record, as `<channel>:<local id>`, e.g. `sambat:12345`; or leave it out and
    /// select with `--all`, `--channel`, `--reason`, `--since`.
    #[arg(value_name = "RECORD", conflicts_with_all = ["all", "channel", "reason", "since"])]
    pub record: Option<String>,
    /// Every dead and held record.
    #[arg(long)]
    pub all: bool,
    /// The dead and held records of this channel.
    #[arg(long, value_name = "CHANNEL")]
    pub channel: Option<String>,
    /// The dead and held records whose error or field problems contain this text
    /// (case-insensitive), e.g. `kategori_id` or `422`.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// The dead and held records last changed at or after this time: WIB `2024-07-29`,
    /// `2024-07-29 08:15` or `2024-07-29 08:15:00`, or RFC 3339 with an offset.
    #[arg(long, value_name = "TIME", value_parser = parse_since)]
    pub since: Option<Timestamp>,
    /// Act without asking (needed when not on a terminal, for a selection).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Who acts, for the timeline (default: $SUDO_USER, else $USER).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
}

impl Target {
    fn actor(&self, note: Option<String>) -> Actor {
        let by = self
            .by
            .clone()
            .filter(|b| !b.trim().is_empty())
            .or_else(|| std::env::var("SUDO_USER").ok().filter(|u| !u.is_empty()))
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| "unknown".into());
        Actor { by, note }
    }

    fn selection(&self) -> Option<Selection> {
        if self.all || self.channel.is_some() || self.reason.is_some() || self.since.is_some() {
            Some(Selection {
                channel: self.channel.clone(),
                reason: self.reason.clone(),
                since: self.since,
            })
        } else {
            None
        }
    }
}

/// `--since`: a WIB wall-clock date or time, or RFC 3339 with an offset.
pub fn parse_since(s: &str) -> Result<Timestamp, String> {
    let t = s.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    let full = match t.len() {
        10 => format!("{t} 00:00:00"),
        16 => format!("{t}:00"),
        _ => t.replacen('T', " ", 1),
    };
    crate::time::parse_wib(&full.replacen('T', " ", 1)).ok_or_else(|| {
        format!(
            "{s:?} is not a time: give WIB as 2024-07-29, 2024-07-29 08:15 or \
             2024-07-29 08:15:00, or RFC 3339 with an offset (2024-07-29T08:15:00+07:00)"
        )
    })
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
        Action::Retry { target, note } => {
            let actor = target.actor(note);
            bulk(store, &target, "retried", |key| {
                store.retry_by(key, Timestamp::now(), Some(&actor))
            })
            .map(|(n, one)| match one {
                Some(key) => {
                    format!("{key} queued again; the running bridge sends it on its next step\n")
                }
                None => format!(
                    "{n} record(s) queued again; the running bridge sends them on its next steps\n"
                ),
            })
        }
        Action::Acknowledge { target, note } => {
            if note.trim().is_empty() {
                return Err(
                    "--note is empty: say why the record needs no more work, e.g. \
                            --note \"duplicate of sambat:12\""
                        .into(),
                );
            }
            let actor = target.actor(Some(note));
            bulk(store, &target, "acknowledged", |key| {
                store.acknowledge_by(key, Timestamp::now(), Some(&actor))
            })
            .map(|(n, one)| match one {
                Some(key) => format!("{key} acknowledged\n"),
                None => format!("{n} record(s) acknowledged\n"),
            })
        }
    }
}

/// Applies `act` to the one record or to every record of the selection, after saying how
/// many match and, for a selection, confirming. `Ok((count, Some(key)))` for one record.
fn bulk(
    store: &Store,
    target: &Target,
    verb: &str,
    act: impl Fn(&RecordKey) -> crate::store::Result<()>,
) -> Result<(usize, Option<RecordKey>), String> {
    let Some(sel) = target.selection() else {
        let Some(record) = &target.record else {
            return Err(format!(
                "which records? give one as <channel>:<local id> (e.g. sambat:12345), or a \
                 selection: --all, --channel C, --reason TEXT, --since TIME (nothing {verb})"
            ));
        };
        let key = RecordKey::parse(record)?;
        act(&key).map_err(|e| e.to_string())?;
        return Ok((1, Some(key)));
    };
    let keys = store.select_dead_letters(&sel).map_err(|e| e.to_string())?;
    eprintln!(
        "{} dead or held record(s) match{}",
        keys.len(),
        if keys.is_empty() { "" } else { ":" }
    );
    for k in keys.iter().take(20) {
        eprintln!("  {k}");
    }
    if keys.len() > 20 {
        eprintln!("  ... and {} more", keys.len() - 20);
    }
    if keys.is_empty() {
        return Ok((0, None));
    }
    if !target.yes && !confirm(keys.len(), verb)? {
        return Err(format!("nothing {verb}"));
    }
    let mut done = 0;
    let mut failed = Vec::new();
    for k in &keys {
        match act(k) {
            Ok(()) => done += 1,
            // Moved on by the daemon or another operator meanwhile: say so, do the rest.
            Err(e) => failed.push(format!("  {k}: {e}")),
        }
    }
    if !failed.is_empty() {
        return Err(format!(
            "{done} record(s) {verb}; {} not:\n{}",
            failed.len(),
            failed.join("\n")
        ));
    }
    Ok((done, None))
}

fn confirm(n: usize, verb: &str) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "{n} record(s) match; none {verb} without confirmation: run it in a terminal, or \
             pass --yes"
        ));
    }
    eprint!("These {n} record(s) will be {verb}. Proceed? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the confirmation: {e}"))?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "ya"))
}

fn render(d: &RecordDetail) -> String {
    let mut out = format!(
        "record       {}\nstate        {}\nattempts     {}\n",
        d.key, d.state, d.attempts
    );
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    let at = |o: &Option<String>| o.as_deref().map(wib).unwrap_or_else(|| "-".into());
    out += &format!("tracking id  {}\n", opt(&d.tracking_id));
    out += &format!("received     {}\n", wib(&d.received_at));
    out += &format!("reported     {}\n", at(&d.reported_at));
    out += &format!("forwarded    {}\n", at(&d.forwarded_at));
    out += &format!("next attempt {}\n", at(&d.next_attempt_at));
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
            wib(&e.at),
            e.kind,
            e.detail.as_deref().unwrap_or("")
        );
    }
    out
}

fn wib(db: &str) -> String {
    time::db_to_wib(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_wib_dates_and_times_or_rfc3339() {
        let at = |s: &str| parse_since(s).map(time::db);
        assert_eq!(at("2024-07-29").unwrap(), "2024-07-28T17:00:00.000Z");
        assert_eq!(at("2024-07-29 08:15").unwrap(), "2024-07-29T01:15:00.000Z");
        assert_eq!(
            at("2024-07-29 08:15:30").unwrap(),
            "2024-07-29T01:15:30.000Z"
        );
        assert_eq!(
            at("2024-07-29T08:15:30").unwrap(),
            "2024-07-29T01:15:30.000Z"
        );
        assert_eq!(
            at("2024-07-29T08:15:00+07:00").unwrap(),
            "2024-07-29T01:15:00.000Z"
        );
        let e = at("29/07/2024").unwrap_err();
        assert!(e.contains("29/07/2024") && e.contains("WIB"), "{e}");
    }
}
