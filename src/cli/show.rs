//! `lapor-bridge show <channel>:<local id>`: one record's whole story — reported on the
//! channel, stored, forwarded, each LAPOR! status and response, each write-back — in WIB.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::fit::{self, Align, Table};
use super::labels;
use crate::domain::RecordKey;
use crate::i18n::{format, Lang};
use crate::store::{Event, RecordDetail, Store, WritebackRow};
use crate::t;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Serialize)]
struct Shown<'a> {
    key: &'a str,
    tracking_id: Option<&'a str>,
    lapor_status: Option<&'a str>,
    forwarding: String,
    timeline: Vec<Entry>,
    /// What the mapping changed or left out when the record was sent (e.g. a channel time
    /// ahead of the bridge's clock, and the time sent instead).
    notes: &'a [String],
    writebacks: &'a [WritebackRow],
}

#[derive(Serialize)]
struct Entry {
    /// UTC, RFC 3339.
    at: String,
    kind: String,
    detail: Option<String>,
}

pub fn run(store_path: &Path, key: &str, format: Format) -> ExitCode {
    let lang = crate::i18n::process_lang();
    let key = match super::parse_record(lang, key) {
        Ok(k) => k,
        Err(e) => {
            fit::eprintln(&e);
            return ExitCode::from(2);
        }
    };
    let store = match super::open_existing(store_path, false) {
        Ok(s) => s,
        Err(e) => {
            fit::eprintln(&e);
            return ExitCode::from(2);
        }
    };
    match render_in(&store, &key, format, lang) {
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

/// The record's story in this process's language (JSON: the same in every language).
pub fn render(store: &Store, key: &RecordKey, format: Format) -> Result<String, String> {
    render_in(store, key, format, crate::i18n::process_lang())
}

/// The record's story in `lang`; `--format json` keeps its English keys and codes.
pub fn render_in(
    store: &Store,
    key: &RecordKey,
    format: Format,
    lang: Lang,
) -> Result<String, String> {
    let detail = store
        .detail(key)
        .map_err(|e| super::store_error(lang, &e))?;
    let (status, writebacks) = store
        .sync_state(key)
        .map_err(|e| super::store_error(lang, &e))?;
    if format == Format::Json {
        let shown = Shown {
            key: &detail.key,
            tracking_id: detail.tracking_id.as_deref(),
            lapor_status: status.as_deref(),
            forwarding: detail.state.to_string(),
            timeline: timeline(&detail),
            notes: &detail.notes,
            writebacks: &writebacks,
        };
        return Ok(serde_json::to_string_pretty(&shown).unwrap_or_default() + "\n");
    }
    Ok(text(lang, &detail, status.as_deref(), &writebacks))
}

/// The text view: a header, the timeline (WIB), mapping notes, write-backs.
pub fn text(
    lang: Lang,
    detail: &RecordDetail,
    lapor_status: Option<&str>,
    writebacks: &[WritebackRow],
) -> String {
    let mut out = fit::join(
        &[
            detail.key.clone(),
            t!(
                lang,
                "show-tracking-id",
                id = detail.tracking_id.as_deref().unwrap_or("-")
            ),
            t!(
                lang,
                "show-lapor-status",
                status = lapor_status
                    .map(|s| labels::lapor_status(lang, s))
                    .unwrap_or_else(|| "-".into())
            ),
            t!(
                lang,
                "show-forwarding",
                state = labels::state(lang, detail.state)
            ),
        ],
        2,
    );
    out += "\n\n";
    let mut table = Table::new(vec![String::new(); 3], vec![Align::Left; 3]);
    table.wrap_last = true;
    for e in timeline(detail) {
        let what = if e.kind == "reported" {
            t!(
                lang,
                "show-on-channel",
                channel = detail.key.split(':').next().unwrap_or("")
            )
        } else {
            one_line(e.detail.as_deref().unwrap_or(""))
        };
        table.row(vec![
            format::db_datetime(lang, &e.at),
            labels::event(lang, &e.kind),
            what,
        ]);
    }
    out += &table.render();
    if !detail.notes.is_empty() {
        out += &format!("\n{}\n", t!(lang, "show-mapping-notes"));
        for n in &detail.notes {
            out += &fit::lines(&format!("  {}", one_line(n)));
            out.push('\n');
        }
    }
    if !writebacks.is_empty() {
        let count = labels::int(lang, writebacks.len() as u64);
        out += &format!("\n{}\n", t!(lang, "show-writebacks", count = count));
        let mut table = Table::new(
            vec![
                "#".into(),
                t!(lang, "show-col-state"),
                t!(lang, "show-col-lapor-status"),
                t!(lang, "show-col-response"),
                t!(lang, "show-col-attempts"),
                t!(lang, "show-col-result"),
            ],
            {
                use Align::*;
                vec![Right, Left, Left, Left, Right, Left]
            },
        );
        table.indent = 2;
        table.wrap_last = true;
        for w in writebacks {
            table.row(vec![
                w.id.to_string(),
                labels::writeback_state(lang, &w.state),
                labels::lapor_status(lang, &w.lapor_status),
                if w.with_response {
                    t!(lang, "yes")
                } else {
                    "-".into()
                },
                labels::int(lang, u64::from(w.attempts)),
                one_line(
                    w.last_error
                        .as_deref()
                        .or(w.outcome.as_deref())
                        .unwrap_or(""),
                ),
            ]);
        }
        out += &table.render();
    }
    out
}

/// The citizen's report first, then every event in time order (the store's order among
/// equal times).
fn timeline(d: &RecordDetail) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::with_capacity(d.events.len() + 1);
    if let Some(at) = &d.reported_at {
        entries.push(Entry {
            at: at.clone(),
            kind: "reported".into(),
            // JSON keeps English; the text view words it in the operator's language.
            detail: Some(format!(
                "on channel {}",
                d.key.split(':').next().unwrap_or("")
            )),
        });
    }
    entries.extend(d.events.iter().map(|e: &Event| Entry {
        at: e.at.clone(),
        kind: e.kind.clone(),
        detail: e.detail.clone(),
    }));
    entries.sort_by(|a, b| a.at.cmp(&b.at));
    entries
}

pub(super) fn one_line(s: &str) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    // Wrapped on the screen, so a response can be read whole; only a very long one is cut.
    if flat.chars().count() > 400 {
        flat.chars().take(397).collect::<String>() + "..."
    } else {
        flat
    }
}
