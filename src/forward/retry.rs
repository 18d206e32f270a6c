//! When to try again: per record, a capped exponential schedule with full jitter; for the
//! whole forwarder, a pause while LAPOR! is down so records do not spend their attempts on
//! an outage.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use rand::Rng;

use crate::config::ForwarderConfig;
use crate::wire::lapor::LaporError;

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

/// Delay before the next attempt of a record that failed its `attempt`-th try. A server's
/// `Retry-After` is a floor.
pub fn record_delay(
    cfg: &ForwarderConfig,
    attempt: u32,
    retry_after: Option<Duration>,
) -> Duration {
    let top = ceiling(cfg.backoff_initial, cfg.backoff_max, attempt);
    let jittered = full_jitter(top);
    jittered.max(retry_after.unwrap_or_default())
}

pub(crate) fn full_jitter(top: Duration) -> Duration {
    let ms = top.as_millis().min(u64::MAX as u128) as u64;
    Duration::from_millis(rand::rng().random_range(0..=ms))
}

/// What a failure says about LAPOR! as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Answered, as LAPOR! does for a single bad record.
    Fine,
    /// A transient failure: counts towards declaring an outage.
    Failing,
    /// Down for everyone at once: nothing listens, or our credentials are refused.
    Down,
}

pub fn health_of(err: &LaporError) -> Health {
    match err {
        LaporError::Auth(_) => Health::Down,
        LaporError::Transient {
            rate_limited: true, ..
        } => Health::Fine,
        LaporError::Transient { detail, .. } if detail.starts_with("could not connect") => {
            Health::Down
        }
        LaporError::Transient { .. } | LaporError::Protocol(_) => Health::Failing,
        LaporError::Permanent { .. } | LaporError::InvalidCursor => Health::Fine,
    }
}

/// The global pause. Consecutive failures past the threshold, or one "down" failure, pause
/// every send; each failed probe doubles the pause up to its cap.
#[derive(Debug, Default, Clone)]
pub struct Outage {
    consecutive_failures: u32,
    level: u32,
    pub paused_until: Option<jiff::Timestamp>,
}

impl Outage {
    pub fn in_outage(&self) -> bool {
        self.level > 0
    }

    pub fn record_success(&mut self) {
        self.consecutive_failures = 0;
        self.level = 0;
        self.paused_until = None;
    }

    /// Returns the pause now in force, if this failure started or extended one.
    pub fn record_failure(
        &mut self,
        cfg: &ForwarderConfig,
        health: Health,
        retry_after: Option<Duration>,
        now: jiff::Timestamp,
    ) -> Option<Duration> {
        match health {
            Health::Fine => {
                self.consecutive_failures = 0;
                // A 429's Retry-After applies to every call: the quota is per client.
                let pause = retry_after?;
                return Some(self.pause_for(pause, now));
            }
            Health::Failing => self.consecutive_failures += 1,
            Health::Down => {
                self.consecutive_failures = self.consecutive_failures.max(cfg.outage_threshold)
            }
        }
        if self.consecutive_failures < cfg.outage_threshold {
            return None;
        }
        self.level += 1;
        let top = ceiling(cfg.backoff_initial, cfg.outage_backoff_max, self.level);
        // Half fixed, half jitter: a pause must actually pause.
        let pause = top / 2 + full_jitter(top / 2);
        Some(self.pause_for(pause.max(retry_after.unwrap_or_default()), now))
    }

    fn pause_for(&mut self, d: Duration, now: jiff::Timestamp) -> Duration {
        let until = now + jiff::SignedDuration::try_from(d).unwrap_or(jiff::SignedDuration::MAX);
        if self.paused_until.is_none_or(|p| p < until) {
            self.paused_until = Some(until);
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ForwarderConfig {
        ForwarderConfig {
            concurrency: 4,
            batch_size: 10,
            idle_poll: Duration::from_millis(100),
            max_attempts: 5,
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            outage_threshold: 3,
            outage_backoff_max: Duration::from_secs(300),
        }
    }

    #[test]
    fn ceiling_doubles_and_caps() {
        let c = |n| ceiling(Duration::from_secs(1), Duration::from_secs(60), n);
        assert_eq!(c(1), Duration::from_secs(1));
        assert_eq!(c(2), Duration::from_secs(2));
        assert_eq!(c(4), Duration::from_secs(8));
        assert_eq!(c(7), Duration::from_secs(60));
        assert_eq!(c(500), Duration::from_secs(60));
    }

    #[test]
    fn full_jitter_stays_under_the_ceiling_and_retry_after_is_a_floor() {
        let cfg = cfg();
        let mut seen_low = false;
        for _ in 0..200 {
            let d = record_delay(&cfg, 3, None);
            assert!(d <= Duration::from_secs(4));
            seen_low |= d < Duration::from_secs(2);
        }
        assert!(seen_low, "full jitter must reach below half the ceiling");
        for _ in 0..50 {
            assert!(
                record_delay(&cfg, 1, Some(Duration::from_secs(30))) >= Duration::from_secs(30)
            );
        }
    }

    #[test]
    fn outage_starts_after_threshold_and_ends_on_success() {
        let cfg = cfg();
        let now = jiff::Timestamp::now();
        let mut o = Outage::default();
        assert_eq!(o.record_failure(&cfg, Health::Failing, None, now), None);
        assert_eq!(o.record_failure(&cfg, Health::Failing, None, now), None);
        let p = o.record_failure(&cfg, Health::Failing, None, now).unwrap();
        assert!(p >= Duration::from_millis(500) && p <= Duration::from_secs(1));
        assert!(o.in_outage());
        let p2 = o.record_failure(&cfg, Health::Failing, None, now).unwrap();
        assert!(
            p2 >= Duration::from_secs(1),
            "a failed probe lengthens the pause"
        );
        o.record_success();
        assert!(!o.in_outage() && o.paused_until.is_none());
        assert!(o.record_failure(&cfg, Health::Down, None, now).is_some());
    }

    #[test]
    fn a_429_pauses_everyone_for_retry_after_without_declaring_an_outage() {
        let cfg = cfg();
        let now = jiff::Timestamp::now();
        let mut o = Outage::default();
        let p = o.record_failure(&cfg, Health::Fine, Some(Duration::from_secs(7)), now);
        assert_eq!(p, Some(Duration::from_secs(7)));
        assert!(!o.in_outage());
        assert!(o.paused_until.is_some());
    }
}
