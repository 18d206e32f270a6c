//! The decision of what one LAPOR! update does, without a store.

use jiff::Timestamp;

use super::*;
use crate::store::updates::UpdateSource;

const FORWARDED: &str = "2024-07-29T01:00:00.000Z";

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn update(status: Option<&str>, resp: Option<&str>) -> IncomingUpdate {
    IncomingUpdate {
        id_pembaruan: "u-1".into(),
        tracking_id: "5010653".into(),
        id_eksternal: None,
        status: status.map(str::to_owned),
        tanggapan: resp.map(|r| (r.to_owned(), "Dinas PU".to_owned())),
        waktu: at("2024-07-30T02:00:00Z"),
        source: UpdateSource::Feed,
    }
}

fn known(status: Option<&str>) -> Known<'_> {
    Known {
        status,
        has_tracking_id: true,
        floor: FORWARDED,
        response_seen: false,
        takes_writebacks: true,
    }
}

fn change(d: Decision) -> Change {
    match d {
        Decision::Record(c) => c,
        other => panic!("not a record change: {other:?}"),
    }
}

#[test]
fn a_stored_id_pembaruan_is_a_duplicate() {
    let u = update(Some("terverifikasi"), None);
    assert_eq!(decide(&u, true, Some(known(None))), Decision::Duplicate);
    assert_eq!(decide(&u, true, None), Decision::Duplicate);
}

#[test]
fn an_update_without_a_record_is_only_stored() {
    let u = update(None, Some("Sudah ditangani"));
    let Decision::UnknownRecord(row) = decide(&u, false, None) else {
        panic!("not unknown");
    };
    assert_eq!(row.effect, Effect::UnknownRecord);
    assert_eq!(row.status, "");
    assert_eq!(row.waktu, row.effective);
    assert_eq!(row.content_key, content_key(&u));
}

#[test]
fn a_forward_status_is_applied_and_written_back() {
    let c = change(decide(
        &update(Some("terdisposisi"), None),
        false,
        Some(known(Some("terverifikasi"))),
    ));
    assert_eq!(c.row.effect, Effect::Status);
    assert_eq!(
        c.status,
        Some((
            "terdisposisi".to_owned(),
            "terdisposisi (feed u-1)".to_owned()
        ))
    );
    assert_eq!(c.tanggapan, None);
    assert_eq!(c.not_applied, None);
    assert_eq!(c.writeback.as_deref(), Some("terdisposisi"));
    assert!(!c.set_tracking_id);
}

#[test]
fn status_and_response_together() {
    let c = change(decide(
        &update(Some("ditindaklanjuti"), Some("Lubang ditambal")),
        false,
        Some(known(Some("terdisposisi"))),
    ));
    assert_eq!(c.row.effect, Effect::StatusTanggapan);
    assert_eq!(c.tanggapan.as_deref(), Some("Dinas PU: Lubang ditambal"));
}

#[test]
fn a_new_response_keeps_the_status() {
    let mut k = known(Some("ditindaklanjuti"));
    k.has_tracking_id = false;
    let c = change(decide(&update(None, Some("Dijadwalkan")), false, Some(k)));
    assert_eq!(c.row.effect, Effect::Tanggapan);
    assert_eq!(c.row.status, "ditindaklanjuti");
    assert_eq!(c.status, None);
    assert_eq!(c.writeback.as_deref(), Some("ditindaklanjuti"));
    // The record learns its tracking id from the update.
    assert!(c.set_tracking_id);
}

#[test]
fn an_older_status_is_stale() {
    let c = change(decide(
        &update(Some("terverifikasi"), None),
        false,
        Some(known(Some("terdisposisi"))),
    ));
    assert_eq!(c.row.effect, Effect::Stale);
    assert_eq!(c.status, None);
    assert_eq!(c.writeback, None);
    assert_eq!(
        c.not_applied.as_deref(),
        Some("u-1 (feed): older status terverifikasi after terdisposisi: recorded, not applied")
    );
}

#[test]
fn nothing_new_is_same_content() {
    let mut k = known(Some("ditindaklanjuti"));
    k.response_seen = true;
    let c = change(decide(
        &update(Some("ditindaklanjuti"), Some("Dijadwalkan")),
        false,
        Some(k),
    ));
    assert_eq!(c.row.effect, Effect::SameContent);
    assert_eq!((c.status, c.tanggapan, c.writeback), (None, None, None));
    assert!(c.not_applied.unwrap().contains("nothing new"));
}

#[test]
fn an_unknown_status_is_recorded_not_applied() {
    let c = change(decide(
        &update(Some("dieskalasi"), None),
        false,
        Some(known(Some("terverifikasi"))),
    ));
    assert_eq!(c.row.effect, Effect::SameContent);
    assert!(c
        .not_applied
        .unwrap()
        .contains("unknown LAPOR! status \"dieskalasi\""));
}

#[test]
fn a_time_before_forwarding_counts_from_forwarding() {
    let mut u = update(Some("terverifikasi"), None);
    u.waktu = at("2024-07-28T00:00:00Z");
    let c = change(decide(&u, false, Some(known(None))));
    assert_eq!(c.row.effective, FORWARDED);
    assert_eq!(c.row.waktu, "2024-07-28T00:00:00.000Z");
    let (_, detail) = c.status.unwrap();
    assert!(
        detail.ends_with(&format!("is before forwarding, counted from {FORWARDED})")),
        "{detail}"
    );
}

#[test]
fn no_write_back_for_a_channel_that_takes_none() {
    let mut k = known(None);
    k.takes_writebacks = false;
    let c = change(decide(&update(Some("terverifikasi"), None), false, Some(k)));
    assert_eq!(c.row.effect, Effect::Status);
    assert_eq!(c.writeback, None);
}

#[test]
fn a_response_before_any_status_is_written_back_at_lapors_first_status() {
    // A look-up lists responses without their status; a channel refuses a blank one.
    let c = change(decide(
        &update(None, Some("Sudah ditangani")),
        false,
        Some(known(None)),
    ));
    assert_eq!(c.row.effect, Effect::Tanggapan);
    assert_eq!(c.writeback.as_deref(), Some("belum_terverifikasi"));
    let c = change(decide(
        &update(None, Some("Sudah ditangani")),
        false,
        Some(known(Some("terdisposisi"))),
    ));
    assert_eq!(c.writeback.as_deref(), Some("terdisposisi"));
}
