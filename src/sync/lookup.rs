//! A complaint read with `GET /laporan/{tracking_id}`, turned into updates: each response
//! (`tindak_lanjut`) first, then the current status. Their ids are derived from LAPOR!'s, so
//! a second look-up is deduplicated by id, and a response the feed already delivered is
//! deduplicated by content.

use jiff::Timestamp;

use super::parse_waktu;
use crate::store::{IncomingUpdate, UpdateSource};
use crate::wire::lapor::types::Laporan;

pub fn updates_from_lookup(l: &Laporan, now: Timestamp) -> Vec<IncomingUpdate> {
    let mut out: Vec<IncomingUpdate> = l
        .tindak_lanjut
        .iter()
        .map(|t| {
            let id = match &t.id {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            IncomingUpdate {
                id_pembaruan: format!("lookup:{}:tindak_lanjut:{id}", l.tracking_id),
                tracking_id: l.tracking_id.clone(),
                id_eksternal: Some(l.id_eksternal.clone()),
                // The look-up does not say which status the complaint had at the response.
                status: None,
                tanggapan: Some((t.isi.clone(), t.oleh.clone())),
                waktu: parse_waktu(&t.waktu, now),
                source: UpdateSource::Lookup,
            }
        })
        .collect();
    let waktu = l
        .diperbarui_pada
        .as_deref()
        .map(|w| parse_waktu(w, now))
        .unwrap_or(now);
    out.push(IncomingUpdate {
        id_pembaruan: format!("lookup:{}:status:{}", l.tracking_id, l.status),
        tracking_id: l.tracking_id.clone(),
        id_eksternal: Some(l.id_eksternal.clone()),
        status: Some(l.status.clone()),
        tanggapan: None,
        waktu,
        source: UpdateSource::Lookup,
    });
    out
}
