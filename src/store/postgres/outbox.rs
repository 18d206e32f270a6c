//! Claiming due records on the PostgreSQL store, for several replicas at once. A claim is a
//! lease on the row: `FOR UPDATE SKIP LOCKED` keeps two replicas from taking the same row in
//! the same moment, and `claim_until` keeps a row claimed (while its POST is in flight and
//! until its outcome is recorded) so no other replica sends it meanwhile. A replica that dies
//! leaves its claims to expire; the next claimer finds them in doubt (`in_doubt` was set when
//! they were claimed) and looks them up in LAPOR! before any resend, as after a crash of the
//! single SQLite daemon.

use std::time::Duration;

use jiff::Timestamp;
use tokio_postgres::GenericClient;

use serde_json::value::RawValue;

use super::{PgError, PgStore, Result};
use crate::domain::{ChannelName, RecordKey};
use crate::store::{json, Claimed, OutboxState, Outcome, StateCount};
use crate::time;

/// How long a claim keeps a record from other replicas. Only the replica holding the `lapor`
/// lease forwards (runtime::lease), so the claim guards the moment of a takeover: the new
/// holder leaves the old one's records alone for this long after they were claimed, then
/// takes them as in doubt (looked up before any resend). A restarted single replica waits
/// this long for its own old claims.
pub const CLAIM_TERM: Duration = Duration::from_secs(30);

impl PgStore {
    pub fn claim_due(&self, now: Timestamp, limit: usize) -> crate::store::Result<Vec<Claimed>> {
        let c = self.client()?;
        self.wait(claim_due(&*c, now, limit, self.holder(), CLAIM_TERM))
    }

    /// Records the outcomes of one step in one transaction, and gives their claims back.
    pub fn record_outcomes(
        &self,
        outcomes: &[(i64, Outcome)],
        now: Timestamp,
    ) -> crate::store::Result<()> {
        let mut c = self.client()?;
        self.wait(async {
            let tx = c.transaction().await?;
            for (id, outcome) in outcomes {
                // Only under this process's own claim: a replica whose claim ran out (it
                // stalled past the term) finds the record claimed by the one that took it
                // over, which has looked it up and decides its outcome.
                let mine = tx
                    .query_opt(
                        "SELECT 1 FROM outbox WHERE record_id = $1 AND claimed_by = $2 FOR UPDATE",
                        &[id, &self.holder()],
                    )
                    .await?
                    .is_some();
                if !mine {
                    tracing::warn!(record_id = id, "an outcome came after this replica's claim was taken over; left to the replica that holds it");
                    continue;
                }
                apply(&tx, *id, outcome, now).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Held records are mapped again at start-up (the configuration may have been fixed).
    pub fn release_held(&self, now: Timestamp) -> crate::store::Result<usize> {
        let c = self.client()?;
        self.wait(async {
            Ok(c.execute(
                "UPDATE outbox SET state = 'pending', next_attempt_at = $1 WHERE state = 'held'",
                &[&time::db(now)],
            )
            .await? as usize)
        })
    }

    pub fn release_paused(&self, until: Timestamp, now: Timestamp) -> crate::store::Result<usize> {
        let c = self.client()?;
        self.wait(async {
            Ok(c.execute(
                "UPDATE outbox SET next_attempt_at = $1
                 WHERE state = 'pending' AND next_attempt_at > $1 AND next_attempt_at <= $2",
                &[&time::db(now), &time::db(until)],
            )
            .await? as usize)
        })
    }

    pub fn next_due(&self) -> crate::store::Result<Option<Timestamp>> {
        let c = self.client()?;
        self.wait(async {
            let s: Option<String> = c
                .query_one(
                    "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'",
                    &[],
                )
                .await?
                .get(0);
            Ok(s.as_deref().and_then(time::parse_db))
        })
    }

    pub fn state_counts(&self) -> crate::store::Result<Vec<StateCount>> {
        let c = self.client()?;
        self.wait(async {
            let rows = c
                .query(
                    "SELECT channel, state, records FROM queue_counts WHERE records > 0
                     ORDER BY channel, state",
                    &[],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| StateCount {
                    channel: r.get(0),
                    state: OutboxState::parse(r.get(1)),
                    count: r.get::<_, i64>(2) as u64,
                })
                .collect())
        })
    }

    pub fn count_in_state(&self, state: OutboxState) -> crate::store::Result<u64> {
        let c = self.client()?;
        self.wait(async {
            let n: i64 = c
                .query_one(
                    "SELECT COALESCE(SUM(records), 0)::bigint FROM queue_counts WHERE state = $1",
                    &[&state.as_str()],
                )
                .await?
                .get(0);
            Ok(n as u64)
        })
    }

    pub fn count_records(&self) -> crate::store::Result<u64> {
        let c = self.client()?;
        self.wait(async {
            let n: i64 = c
                .query_one("SELECT COUNT(*) FROM records", &[])
                .await?
                .get(0);
            Ok(n as u64)
        })
    }

    pub fn forwarded_keys(&self, limit: usize) -> crate::store::Result<Vec<RecordKey>> {
        let c = self.client()?;
        self.wait(async {
            let rows = c
                .query(
                    "SELECT r.channel, r.local_id FROM outbox o JOIN records r ON r.id = o.record_id
                     WHERE o.state = 'forwarded' ORDER BY o.forwarded_at, r.id LIMIT $1",
                    &[&super::limit(limit)],
                )
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(RecordKey::new(
                    ChannelName::parse(r.get(0)).map_err(PgError::Refused)?,
                    r.get::<_, String>(1),
                ));
            }
            Ok(out)
        })
    }
}

/// Claims up to `limit` records due at `now` for `holder`, each for `term`.
pub async fn claim_due(
    client: &impl GenericClient,
    now: Timestamp,
    limit: usize,
    holder: &str,
    term: Duration,
) -> Result<Vec<Claimed>> {
    let rows = client
        .query(
            "WITH due AS (
                 SELECT o.record_id, o.in_doubt AS was_in_doubt, o.next_attempt_at AS due_at
                 FROM outbox o
                 WHERE o.state = 'pending' AND o.next_attempt_at <= $1
                   AND (o.claim_until IS NULL OR o.claim_until <= clock_timestamp())
                 ORDER BY o.next_attempt_at, o.record_id
                 LIMIT $2
                 FOR UPDATE SKIP LOCKED
             )
             UPDATE outbox o SET attempts = o.attempts + 1, in_doubt = 1, claimed_by = $3,
                    claim_until = clock_timestamp() + $4::float8 * interval '1 millisecond'
             FROM due, records r
             WHERE o.record_id = due.record_id AND r.id = o.record_id
             RETURNING r.id, r.channel, r.local_id, r.raw, o.attempts, due.was_in_doubt, due.due_at",
            &[
                &time::db(now),
                &super::limit(limit),
                &holder,
                &(term.as_millis() as f64),
            ],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let due_at: String = row.get(6);
        let channel: String = row.get(1);
        let raw: String = row.get(3);
        let attempts: i64 = row.get(4);
        let was_in_doubt: i64 = row.get(5);
        out.push((
            due_at,
            Claimed {
                id: row.get(0),
                key: RecordKey::new(
                    ChannelName::parse(&channel).map_err(PgError::Refused)?,
                    row.get::<_, String>(2),
                ),
                raw: serde_json::from_str(&raw).unwrap_or(serde_json::Value::Null),
                attempts: attempts as u32,
                in_doubt: was_in_doubt != 0,
            },
        ));
    }
    // RETURNING keeps no order: longest due first, as the SQLite store hands them out.
    out.sort_by(|a, b| (&a.0, a.1.id).cmp(&(&b.0, b.1.id)));
    Ok(out.into_iter().map(|(_, c)| c).collect())
}

/// A line of a record's history, in the caller's transaction.
pub(super) async fn event(
    tx: &impl GenericClient,
    record_id: i64,
    at: Timestamp,
    kind: &str,
    detail: Option<&str>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO events (record_id, at, kind, detail) VALUES ($1, $2, $3, $4)",
        &[&record_id, &time::db(at), &kind, &detail],
    )
    .await?;
    Ok(())
}

/// One outcome, as the SQLite store's `outbox::apply`; the claim is given back with it.
async fn apply(tx: &impl GenericClient, id: i64, outcome: &Outcome, now: Timestamp) -> Result<()> {
    let now_s = time::db(now);
    let raw = |p: &Option<Box<RawValue>>| p.as_deref().map(RawValue::get).map(str::to_owned);
    match outcome {
        Outcome::Forwarded {
            tracking_id,
            payload,
            notes,
            divergence,
        } => {
            tx.execute(
                "UPDATE outbox SET state = 'forwarded', in_doubt = 0, last_error = NULL, problems = NULL,
                   notes = $2, payload = $3, forwarded_at = $4, divergence = $5, next_attempt_at = NULL,
                   claimed_by = NULL, claim_until = NULL
                 WHERE record_id = $1",
                &[&id, &json(notes), &payload.get(), &now_s, divergence],
            )
            .await?;
            tx.execute(
                "UPDATE records SET tracking_id = $2 WHERE id = $1",
                &[&id, tracking_id],
            )
            .await?;
            let detail = crate::store::outbox::forwarded_detail(tracking_id, divergence.as_deref());
            event(tx, id, now, "forwarded", Some(&detail)).await?;
        }
        Outcome::Held { problems } => {
            let p = json(problems);
            tx.execute(
                "UPDATE outbox SET state = 'held', in_doubt = 0, attempts = GREATEST(attempts - 1, 0),
                   problems = $2, last_error = 'cannot be mapped', claimed_by = NULL, claim_until = NULL
                 WHERE record_id = $1",
                &[&id, &p],
            )
            .await?;
            event(tx, id, now, "held", Some(&p)).await?;
        }
        Outcome::Dead {
            error,
            problems,
            payload,
            in_doubt,
        } => {
            tx.execute(
                "UPDATE outbox SET state = 'dead', in_doubt = $5, last_error = $2, problems = $3,
                   payload = COALESCE($4, payload), next_attempt_at = NULL,
                   claimed_by = NULL, claim_until = NULL
                 WHERE record_id = $1",
                &[
                    &id,
                    error,
                    &json(problems),
                    &raw(payload),
                    &(*in_doubt as i64),
                ],
            )
            .await?;
            event(tx, id, now, "dead", Some(error)).await?;
        }
        Outcome::Retry {
            at,
            error,
            in_doubt,
            payload,
            counted,
        } => {
            tx.execute(
                "UPDATE outbox SET in_doubt = $2, last_error = $3, next_attempt_at = $4,
                   payload = COALESCE($5, payload),
                   attempts = CASE WHEN $6 THEN attempts ELSE GREATEST(attempts - 1, 0) END,
                   claimed_by = NULL, claim_until = NULL
                 WHERE record_id = $1",
                &[
                    &id,
                    &(*in_doubt as i64),
                    error,
                    &time::db(*at),
                    &raw(payload),
                    counted,
                ],
            )
            .await?;
            event(tx, id, now, "attempt_failed", Some(error)).await?;
        }
        Outcome::Deferred { at, in_doubt } => {
            tx.execute(
                "UPDATE outbox SET attempts = GREATEST(attempts - 1, 0), in_doubt = $2,
                   next_attempt_at = $3, claimed_by = NULL, claim_until = NULL
                 WHERE record_id = $1",
                &[&id, &(*in_doubt as i64), &time::db(*at)],
            )
            .await?;
        }
        Outcome::DryRun(v) => apply_verdict(tx, id, v, now).await?,
    }
    Ok(())
}

/// A dry run's verdict, as the SQLite store's `dry_run::apply_verdict`.
async fn apply_verdict(
    tx: &impl GenericClient,
    id: i64,
    v: &crate::store::dry_run::Verdict,
    now: Timestamp,
) -> Result<()> {
    let problems: Vec<crate::domain::FieldProblem> = v
        .reasons
        .iter()
        .map(|r| crate::domain::FieldProblem::new(&r.field, format!("[{}] {}", r.rule, r.message)))
        .collect();
    let payload = v.payload.as_ref().map(json);
    tx.execute(
        "UPDATE outbox SET state = 'dry_run_checked', in_doubt = 0,
           attempts = GREATEST(attempts - 1, 0), next_attempt_at = NULL,
           problems = $2, notes = $3, payload = $4, last_error = $5,
           claimed_by = NULL, claim_until = NULL
         WHERE record_id = $1",
        &[
            &id,
            &json(&problems),
            &json(&v.notes),
            &payload,
            &(!v.valid).then_some("dry run: would be refused"),
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO dry_run_verdicts (record_id, revision, verdict, payload, reasons, notes, checked_at)
         SELECT id, revision, $2, $3, $4, $5, $6 FROM records WHERE id = $1",
        &[&id, &v.label(), &payload, &json(&v.reasons), &json(&v.notes), &time::db(now)],
    )
    .await?;
    let detail = crate::store::dry_run::verdict_detail(v);
    event(tx, id, now, "dry_run_checked", Some(&detail)).await?;
    Ok(())
}
