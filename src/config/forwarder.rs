//! `[forwarder]`: how records are sent to LAPOR!: concurrency, batches, retries and the
//! outage pause.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::checks::{in_range, positive};
use super::ctx::{k, Ctx};
use super::text::msg;

#[derive(Clone, Debug)]
pub struct ForwarderConfig {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Records claimed by one step.
    pub batch_size: usize,
    /// Wait between steps when nothing is due.
    pub idle_poll: Duration,
    /// Attempts before a record goes to dead letters.
    pub max_attempts: u32,
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
    /// Consecutive transient failures after which LAPOR! is treated as down and the whole
    /// forwarder pauses instead of spending each record's attempts.
    pub outage_threshold: u32,
    /// The longest pause between outage probes. Probes spend no record's budget, so it is
    /// short by default: the backlog starts draining within seconds of LAPOR! answering.
    pub outage_backoff_max: Duration,
}

/// Default `forwarder.outage_backoff_max_secs`: a probe at most every 4 s (the pause is
/// half fixed, half jitter, so 2–4 s), which keeps "LAPOR! back → draining" under 5 s.
pub const DEFAULT_OUTAGE_BACKOFF_MAX_SECS: u64 = 4;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForwarder {
    concurrency: Option<u64>,
    batch_size: Option<u64>,
    idle_poll_ms: Option<u64>,
    max_attempts: Option<u32>,
    backoff_initial_ms: Option<u64>,
    backoff_max_secs: Option<u64>,
    outage_threshold: Option<u32>,
    outage_backoff_max_secs: Option<u64>,
}

pub(crate) fn validate_forwarder(raw: Option<Value>, ctx: &mut Ctx) -> Option<ForwarderConfig> {
    let raw: RawForwarder = match raw {
        None => RawForwarder::default(),
        Some(v) => ctx.deserialize(v, &k(&["forwarder"]))?,
    };
    let f = |name: &str| k(&["forwarder", name]);
    let concurrency = in_range(ctx, &f("concurrency"), raw.concurrency, 4, 1..=256);
    let batch_size = in_range(ctx, &f("batch_size"), raw.batch_size, 32, 1..=1000);
    let idle_poll = positive(ctx, &f("idle_poll_ms"), raw.idle_poll_ms, 500);
    let max_attempts = positive(ctx, &f("max_attempts"), raw.max_attempts.map(u64::from), 12);
    let backoff_initial = positive(ctx, &f("backoff_initial_ms"), raw.backoff_initial_ms, 1_000);
    let backoff_max = positive(ctx, &f("backoff_max_secs"), raw.backoff_max_secs, 900);
    if let (Some(init), Some(max)) = (backoff_initial, backoff_max) {
        if max.saturating_mul(1000) < init {
            ctx.problem(
                &f("backoff_max_secs"),
                msg!("config-backoff-max-short", max = max, initial = init),
            );
        }
    }
    let outage_threshold = positive(
        ctx,
        &f("outage_threshold"),
        raw.outage_threshold.map(u64::from),
        3,
    );
    let outage_backoff_max = positive(
        ctx,
        &f("outage_backoff_max_secs"),
        raw.outage_backoff_max_secs,
        DEFAULT_OUTAGE_BACKOFF_MAX_SECS,
    );
    Some(ForwarderConfig {
        concurrency: concurrency? as usize,
        batch_size: batch_size? as usize,
        idle_poll: Duration::from_millis(idle_poll?),
        max_attempts: max_attempts? as u32,
        backoff_initial: Duration::from_millis(backoff_initial?),
        backoff_max: Duration::from_secs(backoff_max?),
        outage_threshold: outage_threshold? as u32,
        outage_backoff_max: Duration::from_secs(outage_backoff_max?),
    })
}
