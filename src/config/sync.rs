//! `[sync]`: reading LAPOR!'s updates back (the feed and the reconcile sweep).

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::checks::{in_range, positive};
use super::ctx::{join, Ctx};

#[derive(Clone, Debug)]
pub struct SyncConfig {
    /// `false`: LAPOR!'s updates are not read (nothing is written back).
    pub enabled: bool,
    /// Wait between reads of the updates feed when it has nothing more.
    pub poll_interval: Duration,
    /// `batas` of each feed request, 1..=500.
    pub page_size: u32,
    /// How often open complaints are looked up one by one to catch anything the feed missed.
    pub reconcile_interval: Duration,
    /// Complaints looked up per sweep (each look-up is one request under the rate limit).
    pub reconcile_batch: usize,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            enabled: true,
            poll_interval: Duration::from_secs(15),
            page_size: 100,
            reconcile_interval: Duration::from_secs(3600),
            reconcile_batch: 50,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSync {
    enabled: Option<bool>,
    poll_interval_ms: Option<u64>,
    page_size: Option<u64>,
    reconcile_interval_secs: Option<u64>,
    reconcile_batch: Option<u64>,
}

pub(crate) fn validate_sync(raw: Option<Value>, ctx: &mut Ctx) -> Option<SyncConfig> {
    let key = vec!["sync".to_owned()];
    let raw: RawSync = match raw {
        None => RawSync::default(),
        Some(v) => ctx.deserialize(v, &key)?,
    };
    let sub = |s: &str| join(&key, &[s]);
    let d = SyncConfig::default();
    let poll = positive(ctx, &sub("poll_interval_ms"), raw.poll_interval_ms, 15_000);
    let page = in_range(ctx, &sub("page_size"), raw.page_size, 100, 1..=500);
    let reconcile = positive(
        ctx,
        &sub("reconcile_interval_secs"),
        raw.reconcile_interval_secs,
        3600,
    );
    let batch = in_range(
        ctx,
        &sub("reconcile_batch"),
        raw.reconcile_batch,
        50,
        1..=10_000,
    );
    Some(SyncConfig {
        enabled: raw.enabled.unwrap_or(d.enabled),
        poll_interval: Duration::from_millis(poll?),
        page_size: page? as u32,
        reconcile_interval: Duration::from_secs(reconcile?),
        reconcile_batch: batch? as usize,
    })
}
