//! Dry-run records in the store: the store's mode (a dry-run store and a live store never
//! mix), one verdict row per check of a record, and the report over them.

use std::path::Path;

use jiff::Timestamp;
use rusqlite::{params, OpenFlags, Transaction};
use serde::{Deserialize, Serialize};

use super::outbox::{event, OutboxState};
use super::{json, Result, Store};
use crate::config::Mode;
use crate::domain::FieldProblem;
use crate::mapping::ReferenceIds;
use crate::time;

/// `settings` key holding the mode the store was first used in: `live` or `dry-run`.
/// Migration 2 sets it to `live` on stores that already held records (only live existed).
pub const MODE_SETTING: &str = "store.mode";

pub fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Live => "live",
        Mode::DryRun => "dry-run",
    }
}

fn parse_mode(s: &str) -> Option<Mode> {
    match s {
        "live" => Some(Mode::Live),
        "dry-run" => Some(Mode::DryRun),
        _ => None,
    }
}

/// What `claim_mode` answers when the store holds `found` and `mode` was asked for.
pub(super) fn mode_claimed(found: &str, mode: Mode) -> std::result::Result<(), Mode> {
    match parse_mode(found) {
        Some(m) if m == mode => Ok(()),
        Some(m) => Err(m),
        // An unknown value is never this mode: refuse rather than guess.
        None => Err(if mode == Mode::Live {
            Mode::DryRun
        } else {
            Mode::Live
        }),
    }
}

fn parse<T: serde::de::DeserializeOwned>(s: Option<String>) -> Option<T> {
    s.and_then(|s| serde_json::from_str(&s).ok())
}

/// One reason a payload would be refused: the field (a payload path such as `lokasi.lat`, or
/// the channel's field for mapping problems), the check, and what is wrong. Never carries
/// personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub field: String,
    pub rule: String,
    pub message: String,
}

impl Reason {
    pub fn from_problem(rule: &str, p: FieldProblem) -> Self {
        Self {
            field: p.field,
            rule: rule.to_owned(),
            message: p.message,
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} [{}]: {}", self.field, self.rule, self.message)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub valid: bool,
    /// The would-be request body; `None` when the record could not be mapped.
    pub payload: Option<serde_json::Value>,
    pub reasons: Vec<Reason>,
    /// Mapping notes (things dropped or shortened) and checks that could not be made.
    pub notes: Vec<String>,
}

impl Verdict {
    pub fn label(&self) -> &'static str {
        if self.valid {
            "valid"
        } else {
            "invalid"
        }
    }
}

/// One record of a dry-run store with its latest verdict.
#[derive(Clone, Debug, Serialize)]
pub struct DryRunRow {
    pub key: String,
    pub revision: i64,
    pub state: OutboxState,
    /// `valid`, `invalid`, or `None` while the record waits for its first check.
    pub verdict: Option<String>,
    /// The record revision the verdict is about (older than `revision` while an edit waits).
    pub verdict_revision: Option<i64>,
    pub reasons: Vec<Reason>,
    pub notes: Vec<String>,
    pub payload: Option<serde_json::Value>,
    pub checked_at: Option<String>,
    pub received_at: String,
}

impl Store {
    /// The mode the store was first used in, if it has been used.
    pub fn mode(&self) -> Result<Option<Mode>> {
        Ok(self.setting(MODE_SETTING)?.as_deref().and_then(parse_mode))
    }

    /// Records `mode` on first use; returns the mode the store already has when it differs.
    pub fn claim_mode(&self, mode: Mode) -> Result<std::result::Result<(), Mode>> {
        if let Some(pg) = self.pg() {
            return pg.claim_mode(mode);
        }
        let conn = self.lock()?;
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
            params![MODE_SETTING, mode_name(mode)],
        )?;
        let found: String = conn.query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [MODE_SETTING],
            |r| r.get(0),
        )?;
        Ok(mode_claimed(&found, mode))
    }

    /// Dry run only: every checked or held record is queued to be checked again, since the
    /// configuration (mapping tables, channels) may have changed since the last check.
    pub fn dry_run_requeue_all(&self, now: Timestamp) -> Result<usize> {
        if let Some(pg) = self.pg() {
            return pg.dry_run_requeue_all(now);
        }
        Ok(self.lock()?.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?1, in_doubt = 0
             WHERE state IN ('dry_run_checked', 'held')",
            [time::db(now)],
        )?)
    }

    /// Dry run only: records intake held (unmappable) go to the checker too, so that every
    /// record received gets a verdict row with its reasons.
    pub fn dry_run_release_held(&self, now: Timestamp) -> Result<usize> {
        if let Some(pg) = self.pg() {
            return pg.dry_run_release_held(now);
        }
        Ok(self.lock()?.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?1 WHERE state = 'held'",
            [time::db(now)],
        )?)
    }

    /// Every record with its latest verdict, by channel and arrival.
    pub fn dry_run_report(&self) -> Result<Vec<DryRunRow>> {
        let conn = self.read()?;
        let mut stmt = conn.prepare(
            "SELECT r.channel, r.local_id, r.revision, o.state, r.received_at,
                    v.verdict, v.revision, v.reasons, v.notes, v.payload, v.checked_at
             FROM records r JOIN outbox o ON o.record_id = r.id
             LEFT JOIN dry_run_verdicts v
               ON v.id = (SELECT MAX(id) FROM dry_run_verdicts WHERE record_id = r.id)
             ORDER BY r.channel, r.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let channel: String = r.get(0)?;
            let local_id: String = r.get(1)?;
            Ok(DryRunRow {
                key: format!("{channel}:{local_id}"),
                revision: r.get(2)?,
                state: OutboxState::parse(&r.get::<_, String>(3)?),
                received_at: r.get(4)?,
                verdict: r.get(5)?,
                verdict_revision: r.get(6)?,
                reasons: parse(r.get(7)?).unwrap_or_default(),
                notes: parse(r.get(8)?).unwrap_or_default(),
                payload: parse(r.get(9)?),
                checked_at: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Records one dry-run check: a verdict row, and the outbox entry marked checked (the attempt
/// given back, nothing in doubt, since nothing was sent). An edit on the channel queues the
/// record again (intake moves any state other than pending/held/forwarded back to pending).
pub(super) fn apply_verdict(
    tx: &Transaction<'_>,
    id: i64,
    v: &Verdict,
    now: Timestamp,
) -> Result<()> {
    let problems: Vec<FieldProblem> = v
        .reasons
        .iter()
        .map(|r| FieldProblem::new(&r.field, format!("[{}] {}", r.rule, r.message)))
        .collect();
    tx.execute(
        "UPDATE outbox SET state = 'dry_run_checked', in_doubt = 0,
           attempts = MAX(attempts - 1, 0), next_attempt_at = NULL,
           problems = ?2, notes = ?3, payload = ?4, last_error = ?5
         WHERE record_id = ?1",
        params![
            id,
            json(&problems),
            json(&v.notes),
            v.payload.as_ref().map(json),
            (!v.valid).then_some("dry run: would be refused"),
        ],
    )?;
    tx.execute(
        "INSERT INTO dry_run_verdicts (record_id, revision, verdict, payload, reasons, notes, checked_at)
         SELECT id, revision, ?2, ?3, ?4, ?5, ?6 FROM records WHERE id = ?1",
        params![
            id,
            v.label(),
            v.payload.as_ref().map(json),
            json(&v.reasons),
            json(&v.notes),
            time::db(now)
        ],
    )?;
    let detail = verdict_detail(v);
    event(tx, id, now, "dry_run_checked", Some(&detail))?;
    Ok(())
}

/// The timeline line of a dry run's verdict.
pub(super) fn verdict_detail(v: &Verdict) -> String {
    if v.valid {
        "valid".to_owned()
    } else {
        let fields: Vec<&str> = v.reasons.iter().map(|r| r.field.as_str()).collect();
        format!("invalid: {}", fields.join(", "))
    }
}

/// The cached LAPOR! reference ids of the store at `path`, read without writing anything
/// (no migration, no new file). `None` when there is no such store or it cannot be read.
pub fn read_reference_ids(path: &Path) -> Option<ReferenceIds> {
    if !path.exists() {
        return None;
    }
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    let ids = |kind: &str| -> Option<std::collections::BTreeSet<i64>> {
        let mut stmt = conn
            .prepare("SELECT id FROM reference WHERE kind = ?1")
            .ok()?;
        let rows = stmt.query_map([kind], |r| r.get(0)).ok()?;
        rows.collect::<rusqlite::Result<_>>().ok()
    };
    Some(ReferenceIds {
        kategori: ids("kategori")?,
        instansi: ids("instansi")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;

    #[test]
    fn the_first_mode_sticks() {
        let (_d, store) = temp_store();
        assert_eq!(store.mode().unwrap(), None);
        assert_eq!(store.claim_mode(Mode::DryRun).unwrap(), Ok(()));
        assert_eq!(store.claim_mode(Mode::DryRun).unwrap(), Ok(()));
        assert_eq!(store.claim_mode(Mode::Live).unwrap(), Err(Mode::DryRun));
        assert_eq!(store.mode().unwrap(), Some(Mode::DryRun));
    }
}
