//! What an operator sees and does with one record: the dead letters, a record's detail and
//! history, and moving a dead or held record on (retry, acknowledge).

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::Serialize;

use super::outbox::{event, OutboxState};
use super::{Result, Store, StoreError};
use crate::domain::{FieldProblem, RecordKey};
use crate::time;

#[derive(Clone, Debug, Serialize)]
pub struct DeadLetter {
    pub key: String,
    pub state: OutboxState,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub problems: Vec<FieldProblem>,
    pub updated_at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Event {
    pub at: String,
    pub kind: String,
    pub detail: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RecordDetail {
    pub key: String,
    pub state: OutboxState,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
    pub in_doubt: bool,
    pub last_error: Option<String>,
    pub problems: Vec<FieldProblem>,
    pub notes: Vec<String>,
    pub tracking_id: Option<String>,
    pub divergence: Option<String>,
    pub revision: i64,
    pub reported_at: Option<String>,
    pub received_at: String,
    pub forwarded_at: Option<String>,
    #[serde(skip)]
    pub raw: serde_json::Value,
    #[serde(skip)]
    pub payload: Option<serde_json::Value>,
    pub events: Vec<Event>,
}

/// Who moved a record on, and why: kept on its timeline.
#[derive(Clone, Debug)]
pub struct Actor {
    pub by: String,
    pub note: Option<String>,
}

/// Which dead letters a bulk action takes; all `None` is every dead and held record.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub channel: Option<String>,
    pub reason: Option<String>,
    pub since: Option<Timestamp>,
}

impl Store {
    /// Dead and held records; acknowledged ones too when asked.
    pub fn dead_letters(&self, include_acknowledged: bool) -> Result<Vec<DeadLetter>> {
        let conn = self.read()?;
        let mut stmt = conn.prepare(
            "SELECT r.channel || ':' || r.local_id, o.state, o.attempts, o.last_error, o.problems, r.updated_at
             FROM outbox o JOIN records r ON r.id = o.record_id
             WHERE o.state IN ('dead', 'held') OR (?1 AND o.state = 'acknowledged')
             ORDER BY r.updated_at, r.id",
        )?;
        let rows = stmt.query_map([include_acknowledged], |r| {
            Ok(DeadLetter {
                key: r.get(0)?,
                state: OutboxState::parse(&r.get::<_, String>(1)?),
                attempts: r.get(2)?,
                last_error: r.get(3)?,
                problems: parse_problems(r.get(4)?),
                updated_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn detail(&self, key: &RecordKey) -> Result<RecordDetail> {
        let conn = self.read()?;
        let mut detail = conn
            .query_row(
                "SELECT r.id, o.state, o.attempts, o.next_attempt_at, o.in_doubt, o.last_error, o.problems,
                        o.notes, r.tracking_id, o.divergence, r.revision, r.reported_at, r.received_at,
                        o.forwarded_at, r.raw, o.payload
                 FROM records r JOIN outbox o ON o.record_id = r.id
                 WHERE r.channel = ?1 AND r.local_id = ?2",
                params![key.channel.as_str(), key.local_id],
                |r| detail_from_row(key, r),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(key.to_string()))?;
        let mut stmt =
            conn.prepare("SELECT at, kind, detail FROM events WHERE record_id = ?1 ORDER BY id")?;
        let id = detail.0;
        detail.1.events = stmt
            .query_map([id], |r| {
                Ok(Event {
                    at: r.get(0)?,
                    kind: r.get(1)?,
                    detail: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(detail.1)
    }

    /// Queues a dead, held or acknowledged record again with a fresh attempt budget.
    pub fn retry(&self, key: &RecordKey, now: Timestamp) -> Result<()> {
        self.retry_by(key, now, None)
    }

    /// [`Store::retry`], with who did it and why on the record's timeline.
    pub fn retry_by(&self, key: &RecordKey, now: Timestamp, by: Option<&Actor>) -> Result<()> {
        self.operator_move(
            key,
            &["dead", "held", "acknowledged"],
            now,
            "retried",
            by,
            |tx, id| {
                super::exec(
                    tx,
                    "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?2
                 WHERE record_id = ?1",
                    params![id, time::db(now)],
                )
            },
        )
    }

    /// Closes a dead or held record: an operator has looked at it.
    pub fn acknowledge(&self, key: &RecordKey, now: Timestamp) -> Result<()> {
        self.acknowledge_by(key, now, None)
    }

    /// [`Store::acknowledge`], with who did it and why on the record's timeline.
    pub fn acknowledge_by(
        &self,
        key: &RecordKey,
        now: Timestamp,
        by: Option<&Actor>,
    ) -> Result<()> {
        self.operator_move(key, &["dead", "held"], now, "acknowledged", by, |tx, id| {
            super::exec(
                tx,
                "UPDATE outbox SET state = 'acknowledged' WHERE record_id = ?1",
                [id],
            )
        })
    }

    /// The dead and held records a bulk operator action applies to, oldest first: those of
    /// `channel`, whose error or field problems contain `reason` (case-insensitive), last
    /// changed at or after `since`; every dead and held record when all are `None`.
    pub fn select_dead_letters(&self, sel: &Selection) -> Result<Vec<RecordKey>> {
        let since = sel.since.map(time::db);
        let found: Vec<DeadLetter> = self
            .dead_letters(false)?
            .into_iter()
            .filter(|d| {
                let channel = d.key.split(':').next().unwrap_or("");
                sel.channel.as_deref().is_none_or(|c| c == channel)
                    && since.as_deref().is_none_or(|s| d.updated_at.as_str() >= s)
                    && sel.reason.as_deref().is_none_or(|r| {
                        let r = r.to_lowercase();
                        let hay = d.last_error.clone().unwrap_or_default()
                            + "\n"
                            + &d.problems
                                .iter()
                                .map(|p| p.to_string())
                                .collect::<Vec<_>>()
                                .join("\n");
                        hay.to_lowercase().contains(&r)
                    })
            })
            .collect();
        found
            .iter()
            .map(|d| RecordKey::parse(&d.key).map_err(StoreError::Invalid))
            .collect()
    }

    /// Held records are mapped again at start-up, since the configuration may have been fixed.
    pub fn release_held(&self, now: Timestamp) -> Result<usize> {
        if let Some(pg) = self.pg() {
            return pg.release_held(now);
        }
        Ok(self.lock()?.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?1 WHERE state = 'held'",
            [time::db(now)],
        )?)
    }

    fn operator_move(
        &self,
        key: &RecordKey,
        from: &[&str],
        now: Timestamp,
        event_kind: &str,
        by: Option<&Actor>,
        update: impl FnOnce(&Transaction<'_>, i64) -> rusqlite::Result<usize>,
    ) -> Result<()> {
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        let (id, state): (i64, String) = tx
            .query_row(
                "SELECT r.id, o.state FROM records r JOIN outbox o ON o.record_id = r.id
                 WHERE r.channel = ?1 AND r.local_id = ?2",
                params![key.channel.as_str(), key.local_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(key.to_string()))?;
        if !from.contains(&state.as_str()) {
            return Err(StoreError::Invalid(format!(
                "{key} is {state}; only a record that is {} can be {event_kind}",
                from.join(" or ")
            )));
        }
        update(&tx, id)?;
        let mut detail = format!("was {state}");
        if let Some(a) = by {
            detail += &format!("; by {}", a.by);
            if let Some(n) = a.note.as_deref().filter(|n| !n.trim().is_empty()) {
                detail += &format!("; note: {}", n.trim());
            }
        }
        event(&tx, id, now, event_kind, Some(&detail))?;
        tx.commit()?;
        Ok(())
    }
}

fn detail_from_row(key: &RecordKey, r: &Row<'_>) -> rusqlite::Result<(i64, RecordDetail)> {
    Ok((
        r.get(0)?,
        RecordDetail {
            key: key.to_string(),
            state: OutboxState::parse(&r.get::<_, String>(1)?),
            attempts: r.get(2)?,
            next_attempt_at: r.get(3)?,
            in_doubt: r.get(4)?,
            last_error: r.get(5)?,
            problems: parse_problems(r.get(6)?),
            notes: parse_json(r.get(7)?).unwrap_or_default(),
            tracking_id: r.get(8)?,
            divergence: r.get(9)?,
            revision: r.get(10)?,
            reported_at: r.get(11)?,
            received_at: r.get(12)?,
            forwarded_at: r.get(13)?,
            raw: parse_json(r.get(14)?).unwrap_or(serde_json::Value::Null),
            payload: parse_json(r.get(15)?),
            events: Vec::new(),
        },
    ))
}

fn parse_json<T: serde::de::DeserializeOwned>(s: Option<String>) -> Option<T> {
    s.and_then(|s| serde_json::from_str(&s).ok())
}

fn parse_problems(s: Option<String>) -> Vec<FieldProblem> {
    s.and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}
