//! `lapor-tools bench sync-latency`: from a status change in LAPOR! (the mock's clock) to the
//! SAMBAT write-back carrying it (the SAMBAT mock's receipt), with the bridge on LAPOR!'s
//! default quota and the given feed poll interval. Changes are made one at a time at random
//! moments, so they fall anywhere in the poll cycle.

use std::time::{Duration, Instant};

use lapor_mocks::lapor::LaporMockConfig;
use rand::Rng;

use super::rig::Rig;
use lapor_bridge::shutdown;
use lapor_bridge::store::OutboxState;

/// The LAPOR! statuses a complaint is moved through, and the SAMBAT word each arrives as.
const STEPS: [(&str, &str); 3] = [
    ("terverifikasi", "diverifikasi"),
    ("terdisposisi", "didisposisi"),
    ("ditindaklanjuti", "diproses"),
];

pub async fn sync_latency(poll_ms: u64, trials: usize) -> Result<(), String> {
    let rig = Rig::start(LaporMockConfig::default()).await?;
    let complaints = trials.div_ceil(STEPS.len());
    let ids = rig.sambat.add_generated(complaints);
    let pipeline = rig.pipeline(&[
        // LAPOR!'s default quota, as in production.
        ("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__PER_MINUTE", "60".into()),
        ("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__BURST", "1".into()),
        ("LAPOR_BRIDGE__SYNC__POLL_INTERVAL_MS", poll_ms.to_string()),
    ])?;
    let store = pipeline.store.clone();
    let (trigger, sd) = shutdown::channel();
    let runner = tokio::spawn(async move { pipeline.run(sd).await });

    println!("sync latency: {trials} status changes, feed polled every {poll_ms} ms, LAPOR! quota 60/min (bridge limit 60/min, burst 1)");
    let deadline = Instant::now() + Duration::from_secs(120);
    while store
        .count_in_state(OutboxState::Forwarded)
        .map_err(|e| e.to_string())?
        < complaints as u64
    {
        if Instant::now() > deadline {
            return Err("the complaints were not forwarded within 120 s".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let tracking: Vec<(i64, String)> = ids
        .iter()
        .map(|id| {
            let key = lapor_bridge::domain::RecordKey::parse(&format!("sambat:{id}"))
                .expect("record key");
            let t = store
                .detail(&key)
                .ok()
                .and_then(|d| d.tracking_id)
                .unwrap_or_default();
            (*id, t)
        })
        .collect();
    let mut rng = rand::rng();
    let mut samples: Vec<Duration> = Vec::with_capacity(trials);
    for n in 0..trials {
        let (aduan, t) = &tracking[n % tracking.len()];
        let (status, word) = STEPS[n / tracking.len()];
        // A random phase against the poll timer.
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..=poll_ms))).await;
        let start = Instant::now();
        if !rig.lapor.advance(t, status, None) {
            return Err(format!("the mock refused to move {t} to {status}"));
        }
        let limit = start + Duration::from_millis(poll_ms) + Duration::from_secs(30);
        loop {
            if rig
                .sambat
                .writebacks()
                .iter()
                .any(|w| w.aduan_id == *aduan && w.status == word)
            {
                samples.push(start.elapsed());
                break;
            }
            if Instant::now() > limit {
                return Err(format!(
                    "no write-back of {status} for aduan {aduan} within {:?}",
                    limit - start
                ));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    trigger.trigger();
    let _ = runner.await;
    rig.lapor.shutdown().await;
    rig.sambat.shutdown().await;

    samples.sort();
    let pct =
        |p: f64| samples[((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1];
    let bound = Duration::from_millis(poll_ms) + Duration::from_secs(2);
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    println!(
        "LAPOR! status change → SAMBAT write-back: min {:.2} s, mean {:.2} s, p50 {:.2} s, p95 {:.2} s, max {:.2} s",
        samples[0].as_secs_f64(),
        mean.as_secs_f64(),
        pct(0.50).as_secs_f64(),
        pct(0.95).as_secs_f64(),
        samples[samples.len() - 1].as_secs_f64()
    );
    let within = samples.iter().filter(|s| **s <= bound).count();
    println!(
        "target: at most one poll interval + 2 s = {:.1} s; {within} of {} within it",
        bound.as_secs_f64(),
        samples.len()
    );
    if within < samples.len() {
        return Err("some write-backs took longer than the target".into());
    }
    Ok(())
}
