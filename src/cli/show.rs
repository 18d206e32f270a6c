//! `lapor-bridge show <channel>:<local id>`: one record's whole story — reported on the
//! channel, stored, forwarded, each LAPOR! status and response, each write-back — in WIB.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use crate::domain::RecordKey;
use crate::store::{Event, RecordDetail, Store, WritebackRow};
use crate::time;

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
    let key = match RecordKey::parse(key) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("{e}; give the record as <channel>:<local id>, e.g. sambat:12345");
            return ExitCode::from(2);
        }
    };
    let store = match super::open_existing(store_path, false) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match render(&store, &key, format) {
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

pub fn render(store: &Store, key: &RecordKey, format: Format) -> Result<String, String> {
    let detail = store.detail(key).map_err(|e| e.to_string())?;
    let (status, writebacks) = store.sync_state(key).map_err(|e| e.to_string())?;
    let timeline = timeline(&detail);
    let shown = Shown {
        key: &detail.key,
        tracking_id: detail.tracking_id.as_deref(),
        lapor_status: status.as_deref(),
        forwarding: detail.state.to_string(),
        timeline,
        notes: &detail.notes,
        writebacks: &writebacks,
    };
    if format == Format::Json {
        return Ok(serde_json::to_string_pretty(&shown).unwrap_or_default() + "\n");
    }
    let mut out = format!(
        "{}  tracking id {}  LAPOR! status {}  forwarding {}\n\n",
        shown.key,
        shown.tracking_id.unwrap_or("-"),
        shown.lapor_status.unwrap_or("-"),
        shown.forwarding
    );
    for e in &shown.timeline {
        let at = time::parse_db(&e.at)
            .map(time::format_wib)
            .unwrap_or_else(|| e.at.clone());
        out += &format!(
            "{at} WIB  {:<20} {}\n",
            e.kind,
            one_line(e.detail.as_deref().unwrap_or(""))
        );
    }
    if !shown.notes.is_empty() {
        out += "\nmapping notes:\n";
        for n in shown.notes {
            out += &format!("  {}\n", one_line(n));
        }
    }
    if !writebacks.is_empty() {
        out += &format!("\nwrite-backs ({}):\n", writebacks.len());
        for w in &writebacks {
            out += &format!(
                "  #{:<6} {:<8} {:<20} {:<9} attempts {}  {}\n",
                w.id,
                w.state,
                w.lapor_status,
                if w.with_response { "+response" } else { "" },
                w.attempts,
                w.last_error
                    .as_deref()
                    .or(w.outcome.as_deref())
                    .unwrap_or("")
            );
        }
    }
    Ok(out)
}

/// The citizen's report first, then every event in time order (the store's order among
/// equal times).
fn timeline(d: &RecordDetail) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::with_capacity(d.events.len() + 1);
    if let Some(at) = &d.reported_at {
        entries.push(Entry {
            at: at.clone(),
            kind: "reported".into(),
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

fn one_line(s: &str) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 140 {
        flat.chars().take(137).collect::<String>() + "..."
    } else {
        flat
    }
}
