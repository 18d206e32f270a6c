//! What one LAPOR! update does to its record, decided from what the store holds of it and
//! nothing else: no statement runs here, so every case is a plain unit test.

use sha2::{Digest, Sha256};

use super::{Effect, IncomingUpdate};
use crate::time;
use crate::wire::lapor::status;

/// What the store holds of an update's record, read before deciding.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Known<'a> {
    /// The record's LAPOR! status, if any yet.
    pub status: Option<&'a str>,
    /// Whether the record has its tracking id (else this update brings it).
    pub has_tracking_id: bool,
    /// LAPOR!'s times are counted from no earlier than this (when it was forwarded), as stored.
    pub floor: &'a str,
    /// Whether this response (by content) was applied to the record before.
    pub response_seen: bool,
    /// Whether the record's channel takes write-backs.
    pub takes_writebacks: bool,
}

/// The `lapor_updates` row an update is stored as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UpdateRow {
    pub status: String,
    pub waktu: String,
    pub effective: String,
    pub content_key: String,
    pub effect: Effect,
}

/// What an update does to its record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Change {
    pub row: UpdateRow,
    pub set_tracking_id: bool,
    /// The status it moves forward to, and the timeline detail.
    pub status: Option<(String, String)>,
    /// The timeline detail of a new response.
    pub tanggapan: Option<String>,
    /// Why it is recorded but not applied (the timeline detail).
    pub not_applied: Option<String>,
    /// The status a queued write-back carries; `None`: no write-back.
    pub writeback: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Stored before under this `id_pembaruan`: nothing is done.
    Duplicate,
    /// No record has it: only stored.
    UnknownRecord(UpdateRow),
    Record(Change),
}

impl Decision {
    pub(crate) fn effect(&self) -> Effect {
        match self {
            Decision::Duplicate => Effect::Duplicate,
            Decision::UnknownRecord(row) => row.effect,
            Decision::Record(c) => c.row.effect,
        }
    }
}

/// The identity of an update's content, which tells the same response under a new
/// `id_pembaruan` from a new one.
pub(crate) fn content_key(u: &IncomingUpdate) -> String {
    let waktu = time::db(u.waktu);
    match (&u.tanggapan, &u.status) {
        (Some((isi, oleh)), _) => digest(&["tanggapan", &u.tracking_id, isi, oleh, &waktu]),
        (None, Some(s)) => digest(&["status", &u.tracking_id, s, &waktu]),
        (None, None) => digest(&["empty", &u.tracking_id, &waktu]),
    }
}

/// What one update does, from what the store holds: `seen` (its `id_pembaruan` is stored)
/// and its record, `None` when no record has it. Statuses move only forward; an older one
/// is stale, and an update that brings nothing new is recorded without being applied.
pub(crate) fn decide(u: &IncomingUpdate, seen: bool, record: Option<Known<'_>>) -> Decision {
    if seen {
        return Decision::Duplicate;
    }
    let waktu = time::db(u.waktu);
    let content_key = content_key(u);
    let Some(r) = record else {
        return Decision::UnknownRecord(UpdateRow {
            status: u.status.clone().unwrap_or_default(),
            effective: waktu.clone(),
            waktu,
            content_key,
            effect: Effect::UnknownRecord,
        });
    };
    let effective = waktu.clone().max(r.floor.to_owned());
    let moves = u
        .status
        .as_deref()
        .is_some_and(|s| status::moves_forward(r.status, s));
    let new_response = u.tanggapan.is_some() && !r.response_seen;
    let older = u.status.as_deref().is_some_and(|s| {
        matches!((status::rank(s), r.status.and_then(status::rank)),
                 (Some(new), Some(cur)) if new < cur)
    });
    let effect = match (moves, new_response) {
        (true, true) => Effect::StatusTanggapan,
        (true, false) => Effect::Status,
        (false, true) => Effect::Tanggapan,
        (false, false) if older => Effect::Stale,
        (false, false) => Effect::SameContent,
    };
    let stored_status = u
        .status
        .clone()
        .or_else(|| r.status.map(str::to_owned))
        .unwrap_or_default();
    let src = u.source.as_str();
    let clamp_note = if effective != waktu {
        format!("; LAPOR! time {waktu} is before forwarding, counted from {effective}")
    } else {
        String::new()
    };
    let new_status = u.status.as_deref().filter(|_| moves).map(|s| {
        let detail = format!("{s} ({src} {}{clamp_note})", u.id_pembaruan);
        (s.to_owned(), detail)
    });
    let tanggapan = u
        .tanggapan
        .as_ref()
        .filter(|_| new_response)
        .map(|(isi, oleh)| format!("{oleh}: {isi}"));
    let not_applied = (!effect.applied()).then(|| {
        let why = match effect {
            Effect::Stale => format!(
                "older status {} after {}: recorded, not applied",
                stored_status,
                r.status.unwrap_or("-")
            ),
            _ if u.status.as_deref().is_some_and(|s| !status::is_known(s)) => format!(
                "unknown LAPOR! status {stored_status:?}: recorded, not applied; upgrade \
                 lapor-bridge if LAPOR! added a status"
            ),
            _ => "nothing new (same status and response again): recorded, not applied".into(),
        };
        format!("{} ({src}): {why}", u.id_pembaruan)
    });
    let writeback = (effect.applied() && r.takes_writebacks).then(|| {
        new_status
            .as_ref()
            .map(|(s, _)| s.clone())
            .or_else(|| r.status.map(str::to_owned))
            // A response read before any status (a look-up lists responses without theirs):
            // a created complaint is at LAPOR!'s first status, and a channel refuses a
            // write-back without one.
            .unwrap_or_else(|| status::ALL[0].to_owned())
    });
    Decision::Record(Change {
        row: UpdateRow {
            status: stored_status,
            waktu,
            effective,
            content_key,
            effect,
        },
        set_tracking_id: !r.has_tracking_id,
        status: new_status,
        tanggapan,
        not_applied,
        writeback,
    })
}

fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.len().to_le_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

#[cfg(test)]
#[path = "updates_decide_tests.rs"]
mod tests;
