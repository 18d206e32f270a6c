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

use super::{PgError, Result};
use crate::domain::{ChannelName, RecordKey};
use crate::store::Claimed;
use crate::time;

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
                 SELECT o.record_id, o.in_doubt AS was_in_doubt
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
             RETURNING r.id, r.channel, r.local_id, r.raw, o.attempts, due.was_in_doubt",
            &[
                &time::db(now),
                &(limit as i64),
                &holder,
                &(term.as_millis() as f64),
            ],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let channel: String = row.get(1);
        let raw: String = row.get(3);
        let attempts: i64 = row.get(4);
        let was_in_doubt: i64 = row.get(5);
        out.push(Claimed {
            id: row.get(0),
            key: RecordKey::new(
                ChannelName::parse(&channel).map_err(PgError::Refused)?,
                row.get::<_, String>(2),
            ),
            raw: serde_json::from_str(&raw).unwrap_or(serde_json::Value::Null),
            attempts: attempts as u32,
            in_doubt: was_in_doubt != 0,
        });
    }
    out.sort_by_key(|c| c.id);
    Ok(out)
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
