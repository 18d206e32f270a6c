//! Each complaint's timeline, read from the store in one pass: when the citizen reported it,
//! when it was forwarded, which OPD it went to, and the LAPOR! status changes and responses
//! the status sync applied. The KPIs and the SLA watch are pure functions of these.

use std::collections::BTreeMap;

use jiff::Timestamp;

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

/// Every record's timeline, by record id.
pub fn load(store: &Store) -> Result<Vec<Timeline>, StoreError> {
    store.with_conn(|c| {
        let mut out: BTreeMap<i64, Timeline> = BTreeMap::new();
        let mut st = c.prepare(
            "SELECT r.id, r.channel, r.local_id, r.tracking_id, r.reported_at, r.received_at,
                    o.forwarded_at, json_extract(o.payload, '$.instansi_id'),
                    r.lapor_status, r.lapor_status_at
             FROM records r LEFT JOIN outbox o ON o.record_id = r.id
             ORDER BY r.id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<i64>>(7).unwrap_or(None),
                r.get::<_, Option<String>>(8)?,
                r.get::<_, Option<String>>(9)?,
            ))
        })?;
        for row in rows {
            let (id, channel, local_id, tracking_id, reported, received, fwd, inst, st, st_at) =
                row?;
            let received_at = time::parse_db(&received).unwrap_or(Timestamp::UNIX_EPOCH);
            out.insert(
                id,
                Timeline {
                    record_id: id,
                    channel,
                    local_id,
                    tracking_id,
                    reported_at: ts(reported).unwrap_or(received_at),
                    forwarded_at: ts(fwd),
                    instansi_id: inst,
                    statuses: Vec::new(),
                    responses: Vec::new(),
                    current: st.map(|s| (ts(st_at), s)),
                },
            );
        }
        let mut st = c.prepare(
            "SELECT record_id, status, effect, effective_at FROM lapor_updates
             WHERE record_id IS NOT NULL
               AND effect IN ('status', 'tanggapan', 'status_tanggapan')
             ORDER BY effective_at, id",
        )?;
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
            let (Some(t), Some(at)) = (out.get_mut(&id), time::parse_db(&at)) else {
                continue;
            };
            if effect != "tanggapan" {
                t.statuses.push((at, status));
            }
            if effect != "status" {
                t.responses.push(at);
            }
        }
        Ok(out.into_values().collect())
    })
}

/// LAPOR! instansi names from the reference cache, for labelling OPDs.
pub fn instansi_names(store: &Store) -> Result<BTreeMap<i64, String>, StoreError> {
    store.with_conn(|c| {
        let mut st = c.prepare("SELECT id, nama FROM reference WHERE kind = 'instansi'")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    })
}
