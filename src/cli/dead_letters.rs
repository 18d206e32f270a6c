//! `lapor-bridge dead-letters list|show|retry|acknowledge`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use jiff::Timestamp;

use super::dead_letters_render as render;
use super::{fit, labels};
use crate::domain::RecordKey;
use crate::i18n::Lang;
use crate::store::{Actor, Selection, Store};
use crate::t;

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
    /// `2024-07-29 08:15`, `2024-07-29 08:15:00`, day first `29/07/2024 08:15`, or RFC 3339
    /// with an offset.
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

/// `--since`: a WIB wall-clock date or time (ISO or day first), or RFC 3339 with an offset.
/// Parsed with the command line, before its language is known: the message is English, as
/// clap's own around it.
pub fn parse_since(s: &str) -> Result<Timestamp, String> {
    super::since::parse(s).ok_or_else(|| {
        format!(
            "{s:?} is not a time: give WIB as 2024-07-29, 2024-07-29 08:15, 29/07/2024 08:15 \
             or 29/07/2024 08:15:00, or RFC 3339 with an offset (2024-07-29T08:15:00+07:00)"
        )
    })
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

pub fn run(config: &Path, store: Option<PathBuf>, action: Action) -> ExitCode {
    let lang = crate::i18n::process_lang();
    let store = match super::store_path(config, store).and_then(|p| super::open_existing(&p, true))
    {
        Ok(s) => s,
        Err(e) => {
            fit::eprintln(&e);
            return ExitCode::from(2);
        }
    };
    match execute(&store, action, lang) {
        Ok(text) => {
            fit::print(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            fit::eprintln(&e);
            ExitCode::from(1)
        }
    }
}

/// What a bulk action does to each record, for its messages.
#[derive(Clone, Copy)]
enum Verb {
    Retried,
    Acknowledged,
}

impl Verb {
    fn word(self, lang: Lang) -> String {
        match self {
            Verb::Retried => t!(lang, "dl-verb-retried"),
            Verb::Acknowledged => t!(lang, "dl-verb-acknowledged"),
        }
    }
}

/// Runs one action and returns what to print, in `lang` (JSON: English keys and codes).
pub fn execute(store: &Store, action: Action, lang: Lang) -> Result<String, String> {
    let parse = |s: &str| super::parse_record(lang, s);
    let store_err = |e: crate::store::StoreError| super::store_error(lang, &e);
    match action {
        Action::List { all, format } => {
            let list = store.dead_letters(all).map_err(store_err)?;
            if format == Format::Json {
                return Ok(serde_json::to_string_pretty(&list).unwrap_or_default() + "\n");
            }
            let wb = store.dead_writebacks().map_err(store_err)?;
            Ok(render::list(lang, &list, &wb))
        }
        Action::Show { record, format } => {
            let key = parse(&record)?;
            let d = store.detail(&key).map_err(store_err)?;
            Ok(if format == Format::Json {
                serde_json::to_string_pretty(&d).unwrap_or_default() + "\n"
            } else {
                render::detail(lang, &d)
            })
        }
        Action::Retry { target, note } => {
            let actor = target.actor(note);
            bulk(store, &target, Verb::Retried, lang, |key| {
                store.retry_by(key, Timestamp::now(), Some(&actor))
            })
            .map(|(n, one)| match one {
                Some(key) => t!(lang, "dl-queued-one", record = key.to_string()) + "\n",
                None => t!(lang, "dl-queued-many", count = labels::int(lang, n as u64)) + "\n",
            })
        }
        Action::Acknowledge { target, note } => {
            if note.trim().is_empty() {
                return Err(t!(lang, "dl-empty-note"));
            }
            let actor = target.actor(Some(note));
            bulk(store, &target, Verb::Acknowledged, lang, |key| {
                store.acknowledge_by(key, Timestamp::now(), Some(&actor))
            })
            .map(|(n, one)| match one {
                Some(key) => t!(lang, "dl-acknowledged-one", record = key.to_string()) + "\n",
                None => {
                    t!(
                        lang,
                        "dl-acknowledged-many",
                        count = labels::int(lang, n as u64)
                    ) + "\n"
                }
            })
        }
    }
}

/// Applies `act` to the one record or to every record of the selection, after saying how
/// many match and, for a selection, confirming. `Ok((count, Some(key)))` for one record.
fn bulk(
    store: &Store,
    target: &Target,
    verb: Verb,
    lang: Lang,
    act: impl Fn(&RecordKey) -> crate::store::Result<()>,
) -> Result<(usize, Option<RecordKey>), String> {
    let count = |n: usize| labels::int(lang, n as u64);
    let Some(sel) = target.selection() else {
        let Some(record) = &target.record else {
            return Err(t!(lang, "dl-which", verb = verb.word(lang)));
        };
        let key = super::parse_record(lang, record)?;
        act(&key).map_err(|e| super::store_error(lang, &e))?;
        return Ok((1, Some(key)));
    };
    let keys = store
        .select_dead_letters(&sel)
        .map_err(|e| super::store_error(lang, &e))?;
    let head = t!(lang, "dl-match", count = count(keys.len()));
    fit::eprintln(&if keys.is_empty() { head } else { head + ":" });
    for k in keys.iter().take(20) {
        fit::eprintln(&format!("  {k}"));
    }
    if keys.len() > 20 {
        fit::eprintln(&format!(
            "  {}",
            t!(lang, "dl-more", count = count(keys.len() - 20))
        ));
    }
    if keys.is_empty() {
        return Ok((0, None));
    }
    if !target.yes && !confirm(keys.len(), verb, lang)? {
        return Err(t!(lang, "dl-nothing", verb = verb.word(lang)));
    }
    let mut done = 0;
    let mut failed = Vec::new();
    for k in &keys {
        match act(k) {
            Ok(()) => done += 1,
            // Moved on by the daemon or another operator meanwhile: say so, do the rest.
            Err(e) => failed.push(format!("  {k}: {}", super::store_error(lang, &e))),
        }
    }
    if !failed.is_empty() {
        let head = t!(
            lang,
            "dl-partial",
            done = count(done),
            verb = verb.word(lang),
            failed = count(failed.len())
        );
        return Err(format!("{head}\n{}", failed.join("\n")));
    }
    Ok((done, None))
}

fn confirm(n: usize, verb: Verb, lang: Lang) -> Result<bool, String> {
    let count = labels::int(lang, n as u64);
    if !std::io::stdin().is_terminal() {
        return Err(t!(
            lang,
            "dl-no-terminal",
            count = count,
            verb = verb.word(lang)
        ));
    }
    eprint!(
        "{} ",
        t!(lang, "dl-confirm", count = count, verb = verb.word(lang))
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| t!(lang, "cli-cannot-read-confirmation", error = e.to_string()))?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "ya" | "Ya"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_wib_dates_and_times_or_rfc3339() {
        let at = |s: &str| parse_since(s).map(crate::time::db);
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
        assert_eq!(at("29/07/2024").unwrap(), "2024-07-28T17:00:00.000Z");
        let e = at("07/29/2024").unwrap_err();
        assert!(e.contains("07/29/2024") && e.contains("WIB"), "{e}");
    }
}
