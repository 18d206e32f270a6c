//! `privacy export`: everything the bridge holds about a person, for an access request.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use super::identity::Identity;
use super::{PrivacyError, Scanned, Selector};
use crate::channel::Mappers;
use crate::config::Config;
use crate::store::Store;

#[derive(Clone, Debug, Serialize)]
pub struct Export {
    /// What was searched for: the kind only (phone, nik, email, record).
    pub selector: &'static str,
    pub records: Vec<ExportedRecord>,
    pub note: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ExportedRecord {
    pub record: String,
    pub channel: String,
    pub local_id: String,
    pub tracking_id: Option<String>,
    pub lapor_status: Option<String>,
    pub forwarding: Option<String>,
    pub reported_at: Option<String>,
    pub received_at: String,
    /// The reporter's identity found in the stored payloads.
    pub personal_data: Identity,
    /// Where those values are held (`table.column`, with the row count).
    pub held_in: Vec<String>,
    pub raw: Value,
    pub revisions: Vec<Value>,
    pub sent_payload: Option<Value>,
    pub dry_run_verdicts: Vec<Value>,
    pub lapor_updates: Vec<Value>,
    pub writebacks: Vec<Value>,
    pub timeline: Vec<Value>,
    /// Whether LAPOR! holds a copy too, and where to ask about it.
    pub lapor: String,
}

/// Every record `sel` selects, with all the bridge holds of it.
pub fn export(store: &Store, cfg: &Config, sel: &Selector) -> Result<Export, PrivacyError> {
    let mappers = Mappers::from_config(cfg);
    let records = store.with_conn(|c| {
        super::select(c, &mappers, sel)?
            .iter()
            .map(|s| exported(c, s))
            .collect::<rusqlite::Result<Vec<_>>>()
    })?;
    let note = if records.is_empty() {
        "The bridge holds no record of this person.".to_owned()
    } else {
        "The records below are everything this bridge holds about the person; a complaint \
         forwarded to SP4N-LAPOR! is also held by LAPOR! (see each record's `lapor`)."
            .to_owned()
    };
    Ok(Export {
        selector: sel.kind(),
        records,
        note,
    })
}

fn json(s: Option<String>) -> Value {
    s.and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null)
}

/// Rows of `sql` (one `?1` = the record id) as JSON objects, column names as keys; columns
/// named `raw` or `payload` are parsed as JSON.
fn rows(c: &Connection, sql: &str, id: i64) -> rusqlite::Result<Vec<Value>> {
    let mut stmt = c.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let rows = stmt.query_map([id], |r| {
        let mut obj = serde_json::Map::new();
        for (i, n) in names.iter().enumerate() {
            let v = match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Value::Null,
                rusqlite::types::ValueRef::Integer(x) => Value::from(x),
                rusqlite::types::ValueRef::Real(x) => Value::from(x),
                rusqlite::types::ValueRef::Text(t) => {
                    let s = String::from_utf8_lossy(t).into_owned();
                    if n == "raw" || n == "payload" {
                        json(Some(s))
                    } else {
                        Value::String(s)
                    }
                }
                rusqlite::types::ValueRef::Blob(_) => Value::Null,
            };
            obj.insert(n.clone(), v);
        }
        Ok(Value::Object(obj))
    })?;
    rows.collect()
}

/// The text columns that may hold personal data, per table, for `held_in`.
const HELD: [(&str, &str, &str); 11] = [
    ("records", "raw", "id"),
    ("revisions", "raw", "record_id"),
    ("outbox", "payload", "record_id"),
    ("outbox", "problems", "record_id"),
    ("outbox", "last_error", "record_id"),
    ("dry_run_verdicts", "payload", "record_id"),
    ("events", "detail", "record_id"),
    ("lapor_updates", "tanggapan_isi", "record_id"),
    ("writebacks", "outcome", "record_id"),
    ("writebacks", "last_error", "record_id"),
    ("sla_alerts", "last_error", "record_id"),
];

/// Where the identity's values are held: `table.column (n rows)`.
pub(crate) fn held_in(
    c: &Connection,
    id: i64,
    identity: &Identity,
) -> rusqlite::Result<Vec<String>> {
    let needles = identity.needles();
    let mut out = Vec::new();
    if needles.is_empty() {
        return Ok(out);
    }
    for (table, column, key) in HELD {
        let mut stmt = c.prepare(&format!(
            "SELECT {column} FROM {table} WHERE {key} = ?1 AND {column} IS NOT NULL"
        ))?;
        let texts: Vec<String> = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let n = texts
            .iter()
            .filter(|t| needles.iter().any(|x| t.contains(x.as_str())))
            .count();
        if n > 0 {
            out.push(format!(
                "{table}.{column} ({n} row{})",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    Ok(out)
}

fn exported(c: &Connection, s: &Scanned) -> rusqlite::Result<ExportedRecord> {
    type Head = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let (raw, tracking_id, lapor_status, reported_at, received_at): Head = c.query_row(
        "SELECT raw, tracking_id, lapor_status, reported_at, received_at FROM records WHERE id = ?1",
        [s.id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let outbox: Option<(String, Option<String>)> = c
        .query_row(
            "SELECT state, payload FROM outbox WHERE record_id = ?1",
            [s.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (forwarding, payload) = match outbox {
        Some((state, payload)) => (Some(state), payload),
        None => (None, None),
    };
    Ok(ExportedRecord {
        record: s.key.to_string(),
        channel: s.key.channel.to_string(),
        local_id: s.key.local_id.clone(),
        lapor: super::lapor_statement(tracking_id.as_deref()),
        tracking_id,
        lapor_status,
        forwarding,
        reported_at,
        received_at,
        personal_data: s.identity.clone(),
        held_in: held_in(c, s.id, &s.identity)?,
        raw: json(Some(raw)),
        revisions: rows(
            c,
            "SELECT revision, received_at, sent, raw FROM revisions WHERE record_id = ?1 ORDER BY id",
            s.id,
        )?,
        sent_payload: payload.map(|p| json(Some(p))),
        dry_run_verdicts: rows(
            c,
            "SELECT revision, verdict, checked_at, payload FROM dry_run_verdicts
             WHERE record_id = ?1 ORDER BY id",
            s.id,
        )?,
        lapor_updates: rows(
            c,
            "SELECT status, tanggapan_isi, tanggapan_oleh, waktu FROM lapor_updates
             WHERE record_id = ?1 ORDER BY id",
            s.id,
        )?,
        writebacks: rows(
            c,
            "SELECT state, lapor_status, outcome, created_at, done_at FROM writebacks
             WHERE record_id = ?1 ORDER BY id",
            s.id,
        )?,
        timeline: rows(
            c,
            "SELECT at, kind, detail FROM events WHERE record_id = ?1 ORDER BY id",
            s.id,
        )?,
    })
}
