//! LAPOR! updates as the store tests feed them (`store_both`, `pg_updates`).

use jiff::Timestamp;
use lapor_bridge::store::{IncomingUpdate, UpdateSource};

/// A feed update `id` of `tracking` to `status` at `at`, with the Dinas Perhubungan's
/// response `resp` if given.
pub fn up(
    id: &str,
    tracking: &str,
    status: &str,
    resp: Option<&str>,
    at: Timestamp,
) -> IncomingUpdate {
    IncomingUpdate {
        id_pembaruan: id.into(),
        tracking_id: tracking.into(),
        id_eksternal: None,
        status: Some(status.into()),
        tanggapan: resp.map(|r| (r.into(), "Dinas Perhubungan Kota Malang".into())),
        waktu: at,
        source: UpdateSource::Feed,
    }
}
