//! Each complaint's timeline, read from the store in one pass: when the citizen reported it,
//! when it was forwarded, which OPD it went to, and the LAPOR! status changes and responses
//! the status sync applied. The KPIs and the SLA watch are pure functions of these.

use std::collections::BTreeMap;

use jiff::Timestamp;

use rusqlite::{Connection, Row, ToSql};

use crate::store::{Store, StoreError};
use crate::time;

/// LAPOR! statuses that end a complaint.
pub const FINAL: [&str; 3] = ["selesai", "ditolak", "diarsipkan"];
/// "Closed" in the KPIs: answered and finished, or archived. `ditolak` is counted apart as
/// "rejected".
pub const CLOSED: [&str; 2] = ["selesai", "diarsipkan"];
pub const REJECTED: &str = "ditolak";

#[derive(Clone, Debug)]
pub struct Timeline {
    pub record_id: i64,
    pub channel: String,
    pub local_id: String,
    pub tracking_id: Option<String>,
    /// When the citizen reported (the channel's time), or when the bridge received it when the
    /// channel gave none.
    pub reported_at: Timestamp,
    pub forwarded_at: Option<Timestamp>,
    /// The LAPOR! instansi the complaint was sent to (`instansi_id` of the create body).
    pub instansi_id: Option<i64>,
    /// Applied status changes (effect `status` or `status_tanggapan`), in time order.
    pub statuses: Vec<(Timestamp, String)>,
    /// Applied responses (effect `tanggapan` or `status_tanggapan`), in time order.
    pub responses: Vec<Timestamp>,
    /// `records.lapor_status` and its time: used when no status update row explains it.
    pub current: Option<(Option<Timestamp>, String)>,
}

impl Timeline {
    /// The LAPOR! status as of `t`.
    pub fn status_at(&self, t: Timestamp) -> Option<&str> {
        let from_updates = self
            .statuses
            .iter()
            .rev()
            .find(|(at, _)| *at <= t)
            .map(|(_, s)| s.as_str());
        if from_updates.is_some() || !self.statuses.is_empty() {
            return from_updates;
        }
        match &self.current {
            Some((at, s)) if at.is_none_or(|at| at <= t) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The first time, at or before `t`, the complaint had one of `statuses`.
    pub fn first_status(&self, statuses: &[&str], t: Timestamp) -> Option<Timestamp> {
        self.statuses
            .iter()
            .find(|(at, s)| *at <= t && statuses.contains(&s.as_str()))
            .map(|(at, _)| *at)
    }

    /// The first response at or after `from` and at or before `t`.
    pub fn first_response_from(&self, from: Timestamp, t: Timestamp) -> Option<Timestamp> {
        self.responses
            .iter()
            .copied()
            .find(|at| *at >= from && *at <= t)
    }

    pub fn forwarded_by(&self, t: Timestamp) -> Option<Timestamp> {
        self.forwarded_at.filter(|f| *f <= t)
    }
}

fn ts(s: Option<String>) -> Option<Timestamp> {
    s.as_deref().and_then(time::parse_db)
}

/// The columns of a timeline's record row, from `records r LEFT JOIN outbox o`.
const RECORD_COLUMNS: &str = "r.id, r.channel, r.local_id, r.tracking_id, r.reported_at,
    r.received_at, o.forwarded_at, json_extract(o.payload, '$.instansi_id'), r.lapor_status,
    r.lapor_status_at";

/// The applied updates a timeline is made of.
const APPLIED: &str = "effect IN ('status', 'tanggapan', 'status_tanggapan')";

/// When the citizen reported: the channel's time, else the bridge's receipt (the epoch for
/// an unreadable one).
pub fn report_time(reported: Option<&str>, received: &str) -> Timestamp {
    let received_at = time::parse_db(received).unwrap_or(Timestamp::UNIX_EPOCH);
    reported.and_then(time::parse_db).unwrap_or(received_at)
}

fn record_row(r: &Row<'_>) -> rusqlite::Result<Timeline> {
    let reported: Option<String> = r.get(4)?;
    let received: String = r.get(5)?;
    let current = match r.get::<_, Option<String>>(8)? {
        Some(s) => Some((ts(r.get(9)?), s)),
        None => None,
    };
    Ok(Timeline {
        record_id: r.get(0)?,
        channel: r.get(1)?,
        local_id: r.get(2)?,
        tracking_id: r.get(3)?,
        reported_at: report_time(reported.as_deref(), &received),
        forwarded_at: ts(r.get(6)?),
        instansi_id: r.get::<_, Option<i64>>(7).unwrap_or(None),
        statuses: Vec::new(),
        responses: Vec::new(),
        current,
    })
}

/// Adds one applied update to its timeline (unparseable times are skipped, as always).
fn apply(t: &mut Timeline, status: String, effect: &str, at: &str) {
    let Some(at) = time::parse_db(at) else { return };
    if effect != "tanggapan" {
        t.statuses.push((at, status));
    }
    if effect != "status" {
        t.responses.push(at);
    }
}

/// Every record's timeline, by record id. Holds the whole store: only the test oracle and
/// small stores use it; the reports stream with [`stream`].
pub fn load(store: &Store) -> Result<Vec<Timeline>, StoreError> {
    store.with_conn(|c| {
        let mut out: BTreeMap<i64, Timeline> = BTreeMap::new();
        let mut st = c.prepare(&format!(
            "SELECT {RECORD_COLUMNS} FROM records r LEFT JOIN outbox o ON o.record_id = r.id
             ORDER BY r.id"
        ))?;
        for t in st.query_map([], record_row)? {
            let t = t?;
            out.insert(t.record_id, t);
        }
        let mut st = c.prepare(&format!(
            "SELECT record_id, status, effect, effective_at FROM lapor_updates
             WHERE record_id IS NOT NULL AND {APPLIED}
             ORDER BY effective_at, id"
        ))?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (id, status, effect, at) = row?;
            if let Some(t) = out.get_mut(&id) {
                apply(t, status, &effect, &at);
            }
        }
        Ok(out.into_values().collect())
    })
}

/// The timelines of the records `filter` selects (an SQL condition on `records`, with
/// `params`), handed to `each` one at a time in record id order: memory holds one timeline,
/// never the store's. The selection is read as `id IN (SELECT id FROM records WHERE filter)`,
/// which SQLite answers from the filter's index and walks in id order without sorting; the
/// records and their applied updates are then two ordered streams, merged
/// (`lapor_updates_timeline`, migration 8, holds the updates in timeline order): one index
/// seek per selected record, no sort, nothing read for the records left out.
pub fn stream(
    c: &Connection,
    filter: &str,
    params: &[&dyn ToSql],
    mut each: impl FnMut(Timeline),
) -> rusqlite::Result<()> {
    let selected = format!("SELECT id FROM records WHERE {filter}");
    let (lo, hi): (Option<i64>, Option<i64>) = c.query_row(
        &format!("SELECT min(id), max(id) FROM ({selected})"),
        params,
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(());
    };
    let mut records = c.prepare(&format!(
        "SELECT {RECORD_COLUMNS} FROM records r LEFT JOIN outbox o ON o.record_id = r.id
         WHERE r.id IN ({selected}) ORDER BY r.id"
    ))?;
    // The selection's id range bounds the index walk; the selection itself keeps out the
    // updates of the records between (a few open records among old ones). `lo`, `hi` are
    // integers read from the store, safe inline.
    let mut updates = c.prepare(&format!(
        "SELECT record_id, status, effect, effective_at FROM lapor_updates
         WHERE record_id BETWEEN {lo} AND {hi} AND record_id IN ({selected}) AND {APPLIED}
         ORDER BY record_id, effective_at, id"
    ))?;
    let mut ups = updates
        .query_map(params, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .peekable();
    for t in records.query_map(params, record_row)? {
        let mut t = t?;
        loop {
            match ups.peek() {
                Some(Ok((id, ..))) if *id < t.record_id => {
                    ups.next();
                }
                Some(Ok((id, ..))) if *id == t.record_id => {
                    let Some(Ok((_, status, effect, at))) = ups.next() else {
                        unreachable!("peeked")
                    };
                    apply(&mut t, status, &effect, &at);
                }
                Some(Err(_)) => {
                    if let Some(Err(e)) = ups.next() {
                        return Err(e);
                    }
                }
                _ => break,
            }
        }
        each(t);
    }
    Ok(())
}

/// LAPOR! instansi names from the reference cache, for labelling OPDs.
pub fn instansi_names(store: &Store) -> Result<BTreeMap<i64, String>, StoreError> {
    store.with_conn(|c| {
        let mut st = c.prepare("SELECT id, nama FROM reference WHERE kind = 'instansi'")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    })
}
