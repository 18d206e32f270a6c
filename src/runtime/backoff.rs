//! The shared backoff series: every stage that retries a peer (LAPOR!, a channel's write-back
//! endpoint, the updates feed) spaces its attempts with these two.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use rand::Rng;

/// The ceiling of the delay after the `attempt`-th failure: initial · 2^(attempt-1), capped.
/// backon supplies the capped exponential series; its own jitter only adds to the delay, so
/// full jitter ("anywhere between 0 and the ceiling", which spreads a herd best) is drawn here.
pub fn ceiling(initial: Duration, max: Duration, attempt: u32) -> Duration {
    ExponentialBuilder::default()
        .with_min_delay(initial)
        .with_max_delay(max)
        .without_max_times()
        .build()
        .nth(attempt.saturating_sub(1).min(64) as usize)
        .unwrap_or(max)
}

/// Anywhere between zero and `top`.
pub fn full_jitter(top: Duration) -> Duration {
    let ms = top.as_millis().min(u64::MAX as u128) as u64;
    Duration::from_millis(rand::rng().random_range(0..=ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_and_caps() {
        let c = |n| ceiling(Duration::from_secs(1), Duration::from_secs(60), n);
        assert_eq!(c(1), Duration::from_secs(1));
        assert_eq!(c(2), Duration::from_secs(2));
        assert_eq!(c(4), Duration::from_secs(8));
        assert_eq!(c(7), Duration::from_secs(60));
        assert_eq!(c(500), Duration::from_secs(60));
    }
}
