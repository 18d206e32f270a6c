//! `privacy erase`: removes what the bridge holds about a person, on request, and records the
//! erasure (when, by whom, why; never the person's identity) on each record's timeline.
//!
//! A complaint not yet forwarded is not sent any more: it is closed (`acknowledged`) with the
//! reason "personal data erased on request", so neither a restart (which re-maps held records)
//! nor the forwarder sends what is left of it. A forwarded one stays in LAPOR!, which keeps its
//! own copy: the output says so and where to ask.

use jiff::Timestamp;
use rusqlite::params;
use serde::Serialize;

use super::scrub::{compact, scrub_record};
use super::{PrivacyError, Selector};
use crate::channel::Mappers;
use crate::config::Config;
use crate::domain::FieldProblem;
use crate::store::{Store, StoreError};
use crate::time;

/// The reason a record closed by an erasure carries.
pub const ERASED_REASON: &str = "personal data erased on request";

#[derive(Clone, Debug, Serialize)]
pub struct EraseReport {
    pub selector: &'static str,
    pub erased: Vec<ErasedRecord>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ErasedRecord {
    pub record: String,
    pub tracking_id: Option<String>,
    /// The forwarding state before the erasure.
    pub was: String,
    /// The forwarding state after it (`acknowledged` for a complaint never sent).
    pub now: String,
    pub lapor: String,
}

/// The records `sel` selects, for the confirmation prompt: `(record, tracking id)`.
pub fn preview(
    store: &Store,
    cfg: &Config,
    sel: &Selector,
) -> Result<Vec<(String, Option<String>)>, PrivacyError> {
    let mappers = Mappers::from_config(cfg);
    Ok(store.with_conn(|c| {
        super::select(c, &mappers, sel)?
            .into_iter()
            .map(|s| {
                let t: Option<String> = c.query_row(
                    "SELECT tracking_id FROM records WHERE id = ?1",
                    [s.id],
                    |r| r.get(0),
                )?;
                Ok((s.key.to_string(), t))
            })
            .collect()
    })?)
}

/// Erases every record `sel` selects, one transaction each, then compacts the store so the
/// bytes leave the file and its WAL.
pub fn erase(
    store: &Store,
    cfg: &Config,
    sel: &Selector,
    by: &str,
    why: &str,
    now: Timestamp,
) -> Result<EraseReport, PrivacyError> {
    let mappers = Mappers::from_config(cfg);
    let selected = store.with_conn(|c| super::select(c, &mappers, sel))?;
    let mut erased = Vec::with_capacity(selected.len());
    for s in &selected {
        let mut failure: Option<StoreError> = None;
        let done = store.with_conn(|c| {
            let tx = c.unchecked_transaction()?;
            let (tracking_id, was): (Option<String>, String) = tx.query_row(
                "SELECT r.tracking_id, COALESCE(o.state, 'none') FROM records r
                 LEFT JOIN outbox o ON o.record_id = r.id WHERE r.id = ?1",
                [s.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if let Err(e) = scrub_record(&tx, s.id) {
                failure = Some(e);
                return Ok(None);
            }
            let unsent = matches!(was.as_str(), "pending" | "held" | "dead" | "dry_run_checked");
            let after = if unsent {
                let problems = serde_json::to_string(&[FieldProblem::new("pelapor", ERASED_REASON)])
                    .expect("plain data");
                tx.execute(
                    "UPDATE outbox SET state = 'acknowledged', problems = ?2, next_attempt_at = NULL,
                       in_doubt = 0, last_error = NULL
                     WHERE record_id = ?1",
                    params![s.id, problems],
                )?;
                "acknowledged".to_owned()
            } else {
                was.clone()
            };
            let note = if unsent {
                "not forwarded: closed, it will not be sent"
            } else {
                "in LAPOR!, which keeps its own copy"
            };
            let detail = format!(
                "personal data erased by {by}, reason: {why}; selected by {}; was {was}; {note}",
                sel.kind()
            );
            tx.execute(
                "INSERT INTO events (record_id, at, kind, detail) VALUES (?1, ?2, 'erased', ?3)",
                params![s.id, time::db(now), detail],
            )?;
            tx.commit()?;
            Ok(Some(ErasedRecord {
                record: s.key.to_string(),
                lapor: super::lapor_statement(tracking_id.as_deref()),
                tracking_id,
                was,
                now: after,
            }))
        })?;
        if let Some(e) = failure {
            return Err(e.into());
        }
        erased.extend(done);
    }
    if !erased.is_empty() {
        compact(store)?;
    }
    tracing::info!(
        records = erased.len(),
        selected_by = sel.kind(),
        "personal data erased on request"
    );
    Ok(EraseReport {
        selector: sel.kind(),
        erased,
    })
}
