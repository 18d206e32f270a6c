//! Intake: committing what a channel sent. Identity is (channel, local id); the content hash
//! tells an edit from a re-delivery.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Transaction};

use super::{json, Result, Store};
use crate::domain::{ChannelName, FieldProblem, RecordKey};
use crate::time;

/// One record as a channel delivered it, with the mapping verdict of this moment.
pub struct Intake<'a> {
    pub key: &'a RecordKey,
    /// The record as stored (JSON text): serialised by the caller, before the writer is
    /// taken, so the transaction holds it only for its inserts.
    pub raw: String,
    pub content_hash: String,
    pub reported_at: Option<Timestamp>,
    /// `Ok(notes)`: mappable now, queue it. `Err(problems)`: hold it with these reasons.
    pub mapping: std::result::Result<Vec<String>, Vec<FieldProblem>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntakeOutcome {
    /// First time seen: committed and queued (or held).
    New,
    /// Seen before with the same content (a re-delivery, or only status/time moved).
    Unchanged,
    /// Edited before it was forwarded: the new content will be the one sent.
    Updated,
    /// Edited after it was forwarded: recorded, not sent again (it is the same complaint).
    EditedAfterForward,
    /// Edited while dead-lettered: queued again, since the fix may be in the edit.
    Requeued,
}

impl IntakeOutcome {
    /// The timeline event of an edit's outcome.
    pub(super) fn event_kind(self) -> &'static str {
        match self {
            IntakeOutcome::Updated => "edited",
            IntakeOutcome::EditedAfterForward => "edited_after_forward",
            _ => "requeued_by_edit",
        }
    }
}

impl Store {
    /// Commits a page of records, and the channel's cursor with them, in one transaction: a
    /// cursor never runs ahead of the records it covers.
    pub fn intake(
        &self,
        items: &[Intake<'_>],
        cursor: Option<(&ChannelName, &str)>,
        now: Timestamp,
    ) -> Result<Vec<IntakeOutcome>> {
        if let Some(pg) = self.pg() {
            return pg.intake(items, cursor, now);
        }
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(intake_one(&tx, item, now)?);
        }
        if let Some((channel, value)) = cursor {
            super::cursors::set_in(&tx, channel, value, now)?;
        }
        tx.commit()?;
        Ok(out)
    }
}

fn intake_one(tx: &Transaction<'_>, item: &Intake<'_>, now: Timestamp) -> Result<IntakeOutcome> {
    let now_s = time::db(now);
    let existing: Option<(i64, String, i64, String)> = tx
        .prepare_cached(
            "SELECT r.id, r.content_hash, r.revision, o.state
             FROM records r JOIN outbox o ON o.record_id = r.id
             WHERE r.channel = ?1 AND r.local_id = ?2",
        )?
        .query_row(params![item.key.channel.as_str(), item.key.local_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let raw = &item.raw;
    let (state, problems, notes) = match &item.mapping {
        Ok(notes) => ("pending", None, Some(json(notes))),
        Err(problems) => ("held", Some(json(problems)), None),
    };

    let Some((id, hash, revision, current)) = existing else {
        super::exec(tx,
            "INSERT INTO records (channel, local_id, raw, content_hash, reported_at, received_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![
                item.key.channel.as_str(),
                item.key.local_id,
                raw,
                item.content_hash,
                item.reported_at.map(time::db),
                now_s
            ],
        )?;
        let id = tx.last_insert_rowid();
        insert_revision(tx, id, 1, raw, &item.content_hash, &now_s, true)?;
        super::exec(
            tx,
            "INSERT INTO outbox (record_id, state, next_attempt_at, problems, notes)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, state, now_s, problems, notes],
        )?;
        super::outbox::event(tx, id, now, "received", None)?;
        if state == "held" {
            super::outbox::event(tx, id, now, "held", problems.as_deref())?;
        }
        return Ok(IntakeOutcome::New);
    };

    if hash == item.content_hash {
        return Ok(IntakeOutcome::Unchanged);
    }
    let revision = revision + 1;
    super::exec(tx,
        "UPDATE records SET raw = ?2, content_hash = ?3, revision = ?4, updated_at = ?5 WHERE id = ?1",
        params![id, raw, item.content_hash, revision, now_s],
    )?;
    let outcome = match current.as_str() {
        "pending" | "held" => {
            // Re-evaluate held/pending; a pending record keeps its retry schedule.
            super::exec(
                tx,
                "UPDATE outbox SET state = ?2, problems = ?3, notes = ?4,
                   next_attempt_at = CASE WHEN state = 'held' THEN ?5 ELSE next_attempt_at END
                 WHERE record_id = ?1",
                params![id, state, problems, notes, now_s],
            )?;
            IntakeOutcome::Updated
        }
        "forwarded" => IntakeOutcome::EditedAfterForward,
        _ => {
            super::exec(
                tx,
                "UPDATE outbox SET state = ?2, problems = ?3, notes = ?4, attempts = 0,
                   next_attempt_at = ?5, last_error = NULL
                 WHERE record_id = ?1",
                params![id, state, problems, notes, now_s],
            )?;
            IntakeOutcome::Requeued
        }
    };
    let sent = outcome != IntakeOutcome::EditedAfterForward;
    insert_revision(tx, id, revision, raw, &item.content_hash, &now_s, sent)?;
    let kind = outcome.event_kind();
    super::outbox::event(tx, id, now, kind, Some(&format!("revision {revision}")))?;
    Ok(outcome)
}

fn insert_revision(
    tx: &Transaction<'_>,
    record_id: i64,
    revision: i64,
    raw: &str,
    hash: &str,
    at: &str,
    sent: bool,
) -> Result<()> {
    super::exec(
        tx,
        "INSERT INTO revisions (record_id, revision, raw, content_hash, received_at, sent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![record_id, revision, raw, hash, at, sent],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::temp_store;
    use crate::store::OutboxState;

    fn key(id: &str) -> RecordKey {
        RecordKey::parse(&format!("sambat:{id}")).unwrap()
    }

    fn put(store: &Store, k: &RecordKey, hash: &str, ok: bool) -> IntakeOutcome {
        let raw = serde_json::json!({"id": k.local_id, "isi": hash});
        let mapping = if ok {
            Ok(vec![])
        } else {
            Err(vec![FieldProblem::new("kategori", "unmapped")])
        };
        let item = Intake {
            key: k,
            raw: raw.to_string(),
            content_hash: hash.to_owned(),
            reported_at: None,
            mapping,
        };
        store.intake(&[item], None, Timestamp::now()).unwrap()[0]
    }

    #[test]
    fn redelivery_is_unchanged_and_edit_before_forward_updates() {
        let (_d, store) = temp_store();
        let k = key("1");
        assert_eq!(put(&store, &k, "h1", true), IntakeOutcome::New);
        assert_eq!(put(&store, &k, "h1", true), IntakeOutcome::Unchanged);
        assert_eq!(put(&store, &k, "h2", true), IntakeOutcome::Updated);
        let d = store.detail(&k).unwrap();
        assert_eq!(d.revision, 2);
        assert_eq!(d.raw["isi"], "h2");
        assert_eq!(d.state, OutboxState::Pending);
    }

    #[test]
    fn held_record_is_released_by_a_fixing_edit() {
        let (_d, store) = temp_store();
        let k = key("2");
        assert_eq!(put(&store, &k, "h1", false), IntakeOutcome::New);
        assert_eq!(store.detail(&k).unwrap().state, OutboxState::Held);
        assert_eq!(put(&store, &k, "h2", true), IntakeOutcome::Updated);
        assert_eq!(store.detail(&k).unwrap().state, OutboxState::Pending);
    }

    #[test]
    fn cursor_commits_with_the_page() {
        let (_d, store) = temp_store();
        let ch = ChannelName::parse("sambat").unwrap();
        assert_eq!(store.cursor(&ch).unwrap(), None);
        store
            .intake(&[], Some((&ch, "2024-07-29 08:15:00")), Timestamp::now())
            .unwrap();
        assert_eq!(
            store.cursor(&ch).unwrap().as_deref(),
            Some("2024-07-29 08:15:00")
        );
    }
}
