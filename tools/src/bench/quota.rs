//! `bench quota`: the bridge with a backlog larger than the period can carry, against a LAPOR!
//! mock enforcing its quota (sliding 60 s window, every endpoint, auth included). Reports how
//! much of the quota was used, how much of it went to creates while the backlog lasted, and
//! the 429s. The mock counts only what it admitted, so the figures are the server's view.

use std::time::{Duration, Instant};

use lapor_bridge::shutdown;
use lapor_bridge::store::OutboxState;
use lapor_mocks::lapor::{LaporCounters, LaporMockConfig};

use super::rig::Rig;

pub struct QuotaArgs {
    pub quota: u32,
    pub bridge_per_minute: Option<u32>,
    pub burst: Option<u32>,
    pub background_share: Option<f64>,
    pub seconds: u64,
}

/// The bridge's own limit: 1.5% under the quota (at least 1), so that in any 60 s window
/// `per_minute + burst` stays within it; the burst takes up the rest, at most 5, which lets
/// the limiter catch up the few milliseconds each wake-up is late.
fn bridge_limits(a: &QuotaArgs) -> (u32, u32) {
    let per_minute = a
        .bridge_per_minute
        .unwrap_or_else(|| a.quota - (a.quota * 3 / 200).max(1));
    let burst = a
        .burst
        .unwrap_or_else(|| a.quota.saturating_sub(per_minute).clamp(1, 5));
    (per_minute, burst)
}

/// What the mock admitted between two readings of its counters.
#[derive(Clone, Copy, Debug, Default)]
struct Spent {
    accepted: u64,
    creates: u64,
    background: u64,
    rate_limited: u64,
}

impl Spent {
    fn between(a: &LaporCounters, b: &LaporCounters) -> Spent {
        let accepted = (b.requests - b.rate_limited) - (a.requests - a.rate_limited);
        let creates = b.create_requests - a.create_requests;
        Spent {
            accepted,
            creates,
            background: accepted - creates,
            rate_limited: b.rate_limited - a.rate_limited,
        }
    }
}

pub async fn quota_use(a: QuotaArgs) -> Result<(), String> {
    let (bridge_per_minute, burst) = bridge_limits(&a);
    if bridge_per_minute + burst > a.quota {
        return Err(format!(
            "bridge limit {bridge_per_minute}/min + burst {burst} exceeds the quota {}",
            a.quota
        ));
    }
    let rig = Rig::start(LaporMockConfig {
        quota_per_minute: Some(a.quota),
        ..LaporMockConfig::default()
    })
    .await?;
    // More than the period can carry, so the forwarder is never idle.
    let records = (a.quota as u64 * a.seconds / 60 + 200) as usize;
    rig.sambat.add_generated(records);
    let mut overrides = vec![
        (
            "LAPOR_BRIDGE__LAPOR__RATE_LIMIT__PER_MINUTE",
            bridge_per_minute.to_string(),
        ),
        ("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__BURST", burst.to_string()),
        ("LAPOR_BRIDGE__FORWARDER__CONCURRENCY", "8".into()),
    ];
    if let Some(s) = a.background_share {
        overrides.push((
            "LAPOR_BRIDGE__LAPOR__RATE_LIMIT__BACKGROUND_SHARE",
            s.to_string(),
        ));
    }
    let pipeline = rig.pipeline(&overrides)?;
    let share = pipeline.cfg.lapor.rate_limit.background_share.fraction();
    let store = pipeline.store.clone();
    let lapor = &rig.lapor;
    let (trigger, shutdown) = shutdown::channel();
    let before = lapor.counters();
    let start = Instant::now();
    let runner = tokio::spawn(async move { pipeline.run(shutdown).await });
    println!(
        "quota: LAPOR! mock enforcing {}/min (sliding 60 s window, all endpoints), bridge limited to \
         {bridge_per_minute}/min, burst {burst}, background_share {share}; {records} SAMBAT records; {} s",
        a.quota, a.seconds
    );
    // One line a minute: where the quota went over time (the measured period itself).
    let mut last = before.clone();
    let mut minute = 1;
    while start.elapsed() < Duration::from_secs(a.seconds) {
        let next = Duration::from_secs((minute * 60).min(a.seconds));
        tokio::time::sleep(next.saturating_sub(start.elapsed())).await;
        let now = lapor.counters();
        let s = Spent::between(&last, &now);
        println!(
            "  to {:>4} s: {:>5} accepted, {:>5} creates, {:>4} background, {} × 429",
            next.as_secs(),
            s.accepted,
            s.creates,
            s.background,
            s.rate_limited
        );
        last = now;
        minute += 1;
    }
    let after = lapor.counters();
    let elapsed = start.elapsed();
    // The backlog lasted the whole period if records still wait at its end.
    let pending = store
        .count_in_state(OutboxState::Pending)
        .map_err(|e| e.to_string())?;
    trigger.trigger();
    let _ = runner.await;
    let s = Spent::between(&before, &after);
    let allowed = a.quota as f64 * elapsed.as_secs_f64() / 60.0;
    let used = s.accepted as f64 / allowed;
    let creates_share = s.creates as f64 / s.accepted.max(1) as f64;
    println!(
        "  {:.1} s: {} requests permitted of {:.0} the quota allowed = {:.1}% of the quota used",
        elapsed.as_secs_f64(),
        s.accepted,
        allowed,
        100.0 * used
    );
    println!(
        "  creates: {} = {:.1}% of the permitted requests while a backlog existed ({} records \
         still pending at the end); background (feed, look-ups, reference, token): {}",
        s.creates,
        100.0 * creates_share,
        pending,
        s.background
    );
    println!(
        "  429 answers: {}; complaints created: {}; feed reads {}, look-ups {}",
        s.rate_limited,
        after.created - before.created,
        after.feed_requests - before.feed_requests,
        after.lookups - before.lookups
    );
    let met = used >= 0.97 && creates_share >= 0.90 && s.rate_limited == 0 && pending > 0;
    println!(
        "  target (≥ 97% used, ≥ 90% creates while a backlog exists, 0 × 429): {}",
        if met { "met" } else { "NOT met" }
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(quota: u32) -> QuotaArgs {
        QuotaArgs {
            quota,
            bridge_per_minute: None,
            burst: None,
            background_share: None,
            seconds: 120,
        }
    }

    #[test]
    fn default_limits_stay_within_the_quota() {
        assert_eq!(bridge_limits(&args(600)), (591, 5));
        assert_eq!(bridge_limits(&args(60)), (59, 1));
        for q in [2, 10, 60, 61, 600, 6000] {
            let (p, b) = bridge_limits(&args(q));
            assert!(p + b <= q, "{q}: {p} + {b}");
        }
    }
}
