//! Intake on the PostgreSQL store (`records.rs` of the SQLite store): a page of records and
//! its cursor in one transaction. Two replicas taking in the same record at once (a webhook
//! delivered twice through the load balancer) meet at the `(channel, local_id)` key: the
//! row lock of `FOR UPDATE` orders them, and the second sees the first's row.

use jiff::Timestamp;
use tokio_postgres::GenericClient;

use super::{PgStore, Result};
use crate::domain::ChannelName;
use crate::store::{json, Intake, IntakeOutcome};
use crate::time;

impl PgStore {
    pub fn intake(
        &self,
        items: &[Intake<'_>],
        cursor: Option<(&ChannelName, &str)>,
        now: Timestamp,
    ) -> crate::store::Result<Vec<IntakeOutcome>> {
        let mut c = self.client()?;
        self.wait(async {
            let tx = c.transaction().await?;
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(intake_one(&tx, item, now).await?);
            }
            if let Some((channel, value)) = cursor {
                super::settings::set_cursor(&tx, channel, value, now).await?;
            }
            tx.commit().await?;
            Ok(out)
        })
    }
}

async fn intake_one(
    tx: &impl GenericClient,
    item: &Intake<'_>,
    now: Timestamp,
) -> Result<IntakeOutcome> {
    let now_s = time::db(now);
    let (channel, local_id) = (item.key.channel.as_str(), item.key.local_id.as_str());
    let (state, problems, notes) = match &item.mapping {
        Ok(notes) => ("pending", None, Some(json(notes))),
        Err(problems) => ("held", Some(json(problems)), None),
    };
    let inserted = tx
        .query_opt(
            "INSERT INTO records (channel, local_id, raw, content_hash, reported_at, received_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)
             ON CONFLICT (channel, local_id) DO NOTHING
             RETURNING id",
            &[
                &channel,
                &local_id,
                &item.raw,
                &item.content_hash,
                &item.reported_at.map(time::db),
                &now_s,
            ],
        )
        .await?;
    if let Some(row) = inserted {
        let id: i64 = row.get(0);
        insert_revision(tx, id, 1, &item.raw, &item.content_hash, &now_s, true).await?;
        tx.execute(
            "INSERT INTO outbox (record_id, state, next_attempt_at, problems, notes)
             VALUES ($1, $2, $3, $4, $5)",
            &[&id, &state, &now_s, &problems, &notes],
        )
        .await?;
        super::outbox::event(tx, id, now, "received", None).await?;
        if state == "held" {
            super::outbox::event(tx, id, now, "held", problems.as_deref()).await?;
        }
        return Ok(IntakeOutcome::New);
    }

    let row = tx
        .query_one(
            "SELECT r.id, r.content_hash, r.revision, o.state
             FROM records r JOIN outbox o ON o.record_id = r.id
             WHERE r.channel = $1 AND r.local_id = $2
             FOR UPDATE OF r, o",
            &[&channel, &local_id],
        )
        .await?;
    let (id, hash, revision, current): (i64, String, i64, String) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    if hash == item.content_hash {
        return Ok(IntakeOutcome::Unchanged);
    }
    let revision = revision + 1;
    tx.execute(
        "UPDATE records SET raw = $2, content_hash = $3, revision = $4, updated_at = $5 WHERE id = $1",
        &[&id, &item.raw, &item.content_hash, &revision, &now_s],
    )
    .await?;
    let outcome = match current.as_str() {
        "pending" | "held" => {
            tx.execute(
                "UPDATE outbox SET state = $2, problems = $3, notes = $4,
                   next_attempt_at = CASE WHEN state = 'held' THEN $5 ELSE next_attempt_at END
                 WHERE record_id = $1",
                &[&id, &state, &problems, &notes, &now_s],
            )
            .await?;
            IntakeOutcome::Updated
        }
        "forwarded" => IntakeOutcome::EditedAfterForward,
        _ => {
            tx.execute(
                "UPDATE outbox SET state = $2, problems = $3, notes = $4, attempts = 0,
                   next_attempt_at = $5, last_error = NULL
                 WHERE record_id = $1",
                &[&id, &state, &problems, &notes, &now_s],
            )
            .await?;
            IntakeOutcome::Requeued
        }
    };
    let sent = outcome != IntakeOutcome::EditedAfterForward;
    insert_revision(
        tx,
        id,
        revision,
        &item.raw,
        &item.content_hash,
        &now_s,
        sent,
    )
    .await?;
    let kind = outcome.event_kind();
    super::outbox::event(tx, id, now, kind, Some(&format!("revision {revision}"))).await?;
    Ok(outcome)
}

async fn insert_revision(
    tx: &impl GenericClient,
    record_id: i64,
    revision: i64,
    raw: &str,
    hash: &str,
    at: &str,
    sent: bool,
) -> Result<()> {
    tx.execute(
        "INSERT INTO revisions (record_id, revision, raw, content_hash, received_at, sent)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&record_id, &revision, &raw, &hash, &at, &(sent as i64)],
    )
    .await?;
    Ok(())
}
