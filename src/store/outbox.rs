//! The forwarding outbox: which records are due, what happened to each attempt, and the
//! operator's view of dead letters.

use std::fmt;

use jiff::Timestamp;
use rusqlite::{params, Transaction};
use serde::Serialize;
use serde_json::value::RawValue;

use super::{json, Result, Store, StoreError};
use crate::domain::{ChannelName, FieldProblem, RecordKey};
use crate::time;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting for its next attempt.
    Pending,
    /// Cannot be mapped; waits for an edit, a config fix and `retry`, or acknowledgement.
    Held,
    /// The complaint exists in LAPOR! and its tracking id is stored.
    Forwarded,
    /// Permanently refused, or out of attempts.
    Dead,
    /// A dead or held record an operator has looked at and closed.
    Acknowledged,
    /// Dry run: mapped and validated, a verdict recorded, nothing sent.
    DryRunChecked,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Held => "held",
            Self::Forwarded => "forwarded",
            Self::Dead => "dead",
            Self::Acknowledged => "acknowledged",
            Self::DryRunChecked => "dry_run_checked",
        }
    }
    pub(super) fn parse(s: &str) -> Self {
        match s {
            "dry_run_checked" => Self::DryRunChecked,
            "pending" => Self::Pending,
            "held" => Self::Held,
            "forwarded" => Self::Forwarded,
            "dead" => Self::Dead,
            _ => Self::Acknowledged,
        }
    }
}

impl fmt::Display for OutboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` so that table columns (`{:<13}`) line up.
        f.pad(self.as_str())
    }
}

/// A record claimed for one attempt. The attempt is counted, and the record marked in doubt,
/// before any request leaves, so a crash mid-request costs an attempt and forces a lookup.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: i64,
    pub key: RecordKey,
    pub raw: serde_json::Value,
    /// Including this one.
    pub attempts: u32,
    /// An earlier attempt may have created the complaint: look it up before sending.
    pub in_doubt: bool,
}

#[derive(Clone, Debug)]
pub enum Outcome {
    Forwarded {
        tracking_id: String,
        /// The body as sent, serialised once for the request and the store.
        payload: Box<RawValue>,
        notes: Vec<String>,
        /// Set when LAPOR! answered "exists" with a body other than ours (409) or a replay.
        divergence: Option<String>,
    },
    /// Could not be mapped at send time.
    Held { problems: Vec<FieldProblem> },
    Dead {
        error: String,
        problems: Vec<FieldProblem>,
        payload: Option<Box<RawValue>>,
        /// Still unknown whether an attempt created it (out of attempts after a timeout).
        in_doubt: bool,
    },
    Retry {
        at: Timestamp,
        error: String,
        in_doubt: bool,
        payload: Option<Box<RawValue>>,
        /// False when the attempt said nothing about the record (LAPOR! down): given back.
        counted: bool,
    },
    /// Not attempted after all (the forwarder paused): the attempt is given back.
    Deferred { at: Timestamp, in_doubt: bool },
    /// Dry run: validated instead of sent; the verdict is recorded.
    DryRun(super::dry_run::Verdict),
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct StateCount {
    pub channel: String,
    pub state: OutboxState,
    pub count: u64,
}

impl Store {
    /// Claims up to `limit` pending records due at `now`, oldest due first.
    pub fn claim_due(&self, now: Timestamp, limit: usize) -> Result<Vec<Claimed>> {
        if let Some(pg) = self.pg() {
            return pg.claim_due(now, limit);
        }
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        let claimed = {
            let mut stmt = tx.prepare_cached(
                "SELECT r.id, r.channel, r.local_id, r.raw, o.attempts, o.in_doubt
                 FROM outbox o JOIN records r ON r.id = o.record_id
                 WHERE o.state = 'pending' AND o.next_attempt_at <= ?1
                 ORDER BY o.next_attempt_at, r.id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![time::db(now), limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, u32>(4)?,
                    r.get::<_, bool>(5)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, channel, local_id, raw, attempts, in_doubt) = row?;
                out.push(Claimed {
                    id,
                    key: RecordKey::new(
                        ChannelName::parse(&channel).map_err(StoreError::Invalid)?,
                        local_id,
                    ),
                    raw: serde_json::from_str(&raw).unwrap_or(serde_json::Value::Null),
                    attempts: attempts + 1,
                    in_doubt,
                });
            }
            out
        };
        for c in &claimed {
            super::exec(
                &tx,
                "UPDATE outbox SET attempts = attempts + 1, in_doubt = 1 WHERE record_id = ?1",
                [c.id],
            )?;
        }
        tx.commit()?;
        Ok(claimed)
    }

    /// Records the outcomes of one step in one transaction.
    pub fn record_outcomes(&self, outcomes: &[(i64, Outcome)], now: Timestamp) -> Result<()> {
        if let Some(pg) = self.pg() {
            return pg.record_outcomes(outcomes, now);
        }
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        for (id, outcome) in outcomes {
            apply(&tx, *id, outcome, now)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// An outage pause ending early: records waiting for it (due by its end `until`) are due
    /// now. Records whose own backoff runs past it keep their time.
    pub fn release_paused(&self, until: Timestamp, now: Timestamp) -> Result<usize> {
        if let Some(pg) = self.pg() {
            return pg.release_paused(until, now);
        }
        let n = self.lock()?.execute(
            "UPDATE outbox SET next_attempt_at = ?1
             WHERE state = 'pending' AND next_attempt_at > ?1 AND next_attempt_at <= ?2",
            params![time::db(now), time::db(until)],
        )?;
        Ok(n)
    }

    /// The earliest time a pending record is due, if any.
    pub fn next_due(&self) -> Result<Option<Timestamp>> {
        if let Some(pg) = self.pg() {
            return pg.next_due();
        }
        let s: Option<String> = self.read()?.query_row(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )?;
        Ok(s.as_deref().and_then(time::parse_db))
    }

    pub fn state_counts(&self) -> Result<Vec<StateCount>> {
        if let Some(pg) = self.pg() {
            return pg.state_counts();
        }
        let conn = self.read()?;
        // The counts migration 7's triggers keep (the same as grouping every record).
        let mut stmt = conn.prepare_cached(
            "SELECT channel, state, records FROM queue_counts WHERE records > 0
             ORDER BY channel, state",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StateCount {
                channel: r.get(0)?,
                state: OutboxState::parse(&r.get::<_, String>(1)?),
                count: r.get::<_, i64>(2)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records in one state, all channels; cheap (an index count), for progress loops.
    pub fn count_in_state(&self, state: OutboxState) -> Result<u64> {
        if let Some(pg) = self.pg() {
            return pg.count_in_state(state);
        }
        let n: i64 = self.read()?.query_row(
            "SELECT COALESCE(SUM(records), 0) FROM queue_counts WHERE state = ?1",
            [state.as_str()],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Every record ever committed, all channels.
    pub fn count_records(&self) -> Result<u64> {
        if let Some(pg) = self.pg() {
            return pg.count_records();
        }
        let n: i64 = self
            .read()?
            .query_row("SELECT COUNT(*) FROM records", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Keys of forwarded records, oldest first.
    pub fn forwarded_keys(&self, limit: usize) -> Result<Vec<RecordKey>> {
        if let Some(pg) = self.pg() {
            return pg.forwarded_keys(limit);
        }
        let conn = self.read()?;
        let mut stmt = conn.prepare(
            "SELECT r.channel, r.local_id FROM outbox o JOIN records r ON r.id = o.record_id
             WHERE o.state = 'forwarded' ORDER BY o.forwarded_at, r.id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (ch, id) = row?;
            out.push(RecordKey::new(
                ChannelName::parse(&ch).map_err(StoreError::Invalid)?,
                id,
            ));
        }
        Ok(out)
    }
}

fn apply(tx: &Transaction<'_>, id: i64, outcome: &Outcome, now: Timestamp) -> Result<()> {
    let now_s = time::db(now);
    match outcome {
        Outcome::Forwarded {
            tracking_id,
            payload,
            notes,
            divergence,
        } => {
            super::exec(tx,
                "UPDATE outbox SET state = 'forwarded', in_doubt = 0, last_error = NULL, problems = NULL,
                   notes = ?2, payload = ?3, forwarded_at = ?4, divergence = ?5, next_attempt_at = NULL
                 WHERE record_id = ?1",
                params![id, json(notes), payload.get(), now_s, divergence],
            )?;
            super::exec(
                tx,
                "UPDATE records SET tracking_id = ?2 WHERE id = ?1",
                params![id, tracking_id],
            )?;
            let detail = forwarded_detail(tracking_id, divergence.as_deref());
            event(tx, id, now, "forwarded", Some(&detail))?;
        }
        Outcome::Held { problems } => {
            // Mapping failed before any request left: the attempt is given back.
            let p = json(problems);
            super::exec(
                tx,
                "UPDATE outbox SET state = 'held', in_doubt = 0, attempts = MAX(attempts - 1, 0),
                   problems = ?2, last_error = 'cannot be mapped'
                 WHERE record_id = ?1",
                params![id, p],
            )?;
            event(tx, id, now, "held", Some(&p))?;
        }
        Outcome::Dead {
            error,
            problems,
            payload,
            in_doubt,
        } => {
            super::exec(
                tx,
                "UPDATE outbox SET state = 'dead', in_doubt = ?5, last_error = ?2, problems = ?3,
                   payload = COALESCE(?4, payload), next_attempt_at = NULL
                 WHERE record_id = ?1",
                params![
                    id,
                    error,
                    json(problems),
                    payload.as_deref().map(RawValue::get),
                    in_doubt
                ],
            )?;
            event(tx, id, now, "dead", Some(error))?;
        }
        Outcome::Retry {
            at,
            error,
            in_doubt,
            payload,
            counted,
        } => {
            super::exec(
                tx,
                "UPDATE outbox SET in_doubt = ?2, last_error = ?3, next_attempt_at = ?4,
                   payload = COALESCE(?5, payload),
                   attempts = CASE WHEN ?6 THEN attempts ELSE MAX(attempts - 1, 0) END
                 WHERE record_id = ?1",
                params![
                    id,
                    in_doubt,
                    error,
                    time::db(*at),
                    payload.as_deref().map(RawValue::get),
                    counted
                ],
            )?;
            event(tx, id, now, "attempt_failed", Some(error))?;
        }
        Outcome::Deferred { at, in_doubt } => {
            super::exec(tx,
                "UPDATE outbox SET attempts = MAX(attempts - 1, 0), in_doubt = ?2, next_attempt_at = ?3
                 WHERE record_id = ?1",
                params![id, in_doubt, time::db(*at)],
            )?;
        }
        Outcome::DryRun(v) => super::dry_run::apply_verdict(tx, id, v, now)?,
    }
    Ok(())
}

/// The timeline line of a forwarded record.
pub(super) fn forwarded_detail(tracking_id: &str, divergence: Option<&str>) -> String {
    match divergence {
        Some(d) => format!("tracking id {tracking_id}; {d}"),
        None => format!("tracking id {tracking_id}"),
    }
}

pub(super) fn event(
    tx: &Transaction<'_>,
    record_id: i64,
    at: Timestamp,
    kind: &str,
    detail: Option<&str>,
) -> Result<()> {
    super::exec(
        tx,
        "INSERT INTO events (record_id, at, kind, detail) VALUES (?1, ?2, ?3, ?4)",
        params![record_id, time::db(at), kind, detail],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{intake_one, temp_store};

    fn add(store: &Store, id: &str) -> RecordKey {
        let k = RecordKey::parse(&format!("sambat:{id}")).unwrap();
        intake_one(store, &k, &serde_json::json!({"id": id}), Timestamp::now());
        k
    }

    #[test]
    fn claim_counts_the_attempt_and_marks_in_doubt_before_sending() {
        let (_d, store) = temp_store();
        let k = add(&store, "1");
        let now = Timestamp::now();
        let c = store.claim_due(now, 10).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].attempts, c[0].in_doubt), (1, false));
        let d = store.detail(&k).unwrap();
        assert_eq!((d.attempts, d.in_doubt), (1, true));
        // As after a crash: the record is still due, and now in doubt.
        let again = store.claim_due(now, 10).unwrap();
        assert_eq!((again[0].attempts, again[0].in_doubt), (2, true));
    }

    #[test]
    fn retry_schedule_survives_and_outcomes_move_states() {
        let (_d, store) = temp_store();
        let k = add(&store, "1");
        let now = Timestamp::now();
        let c = store.claim_due(now, 10).unwrap();
        let later = now + jiff::SignedDuration::from_secs(60);
        store
            .record_outcomes(
                &[(
                    c[0].id,
                    Outcome::Retry {
                        at: later,
                        error: "HTTP 503".into(),
                        in_doubt: false,
                        payload: None,
                        counted: true,
                    },
                )],
                now,
            )
            .unwrap();
        assert!(store.claim_due(now, 10).unwrap().is_empty());
        assert_eq!(
            store.next_due().unwrap().map(time::db),
            Some(time::db(later))
        );
        let c = store.claim_due(later, 10).unwrap();
        store
            .record_outcomes(
                &[(
                    c[0].id,
                    Outcome::Dead {
                        error: "HTTP 422".into(),
                        problems: vec![FieldProblem::new("judul", "too short")],
                        payload: None,
                        in_doubt: false,
                    },
                )],
                later,
            )
            .unwrap();
        let dl = store.dead_letters(false).unwrap();
        assert_eq!(dl.len(), 1);
        assert_eq!(dl[0].problems[0].field, "judul");
        store.acknowledge(&k, later).unwrap();
        assert!(store.dead_letters(false).unwrap().is_empty());
        assert_eq!(store.dead_letters(true).unwrap().len(), 1);
        assert!(store.acknowledge(&k, later).is_err());
        store.retry(&k, later).unwrap();
        let d = store.detail(&k).unwrap();
        assert_eq!((d.state, d.attempts), (OutboxState::Pending, 0));
        let kinds: Vec<_> = d.events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "received",
                "attempt_failed",
                "dead",
                "acknowledged",
                "retried"
            ]
        );
    }
}
