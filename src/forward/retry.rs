//! When to try again: per record, a capped exponential schedule with full jitter; for the
//! whole forwarder, a pause while LAPOR! is down so records do not spend their attempts on
//! an outage.

use std::time::Duration;

use crate::config::ForwarderConfig;
use crate::runtime::backoff::{ceiling, full_jitter};
use crate::wire::lapor::{LaporError, TransientKind};

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
        LaporError::Transient { kind, .. } => match kind {
            TransientKind::RateLimited => Health::Fine,
            TransientKind::Unreachable => Health::Down,
            TransientKind::Broken
            | TransientKind::TimedOut
            | TransientKind::ServerError
            | TransientKind::UnreadableAnswer => Health::Failing,
        },
        LaporError::Protocol(_) => Health::Failing,
        LaporError::Permanent { .. } | LaporError::InvalidCursor => Health::Fine,
    }
}

/// Whether a failed attempt spends one of the record's attempts. `in_outage` is the
/// forwarder's state when the attempt was made. Attempts made while LAPOR! is down (a
/// declared outage, or nothing answering the connection at all) say nothing about the
/// record: a long outage probed every few seconds must not exhaust anyone's budget, and
/// the budget counts again from the first success after it.
pub fn counts_against_budget(err: &LaporError, in_outage: bool) -> bool {
    if in_outage {
        return false;
    }
    !matches!(
        err,
        LaporError::Transient {
            kind: TransientKind::Unreachable | TransientKind::Broken,
            ..
        }
    )
}

/// When a failed record is tried again. A failure that spent no budget is scheduled as a
/// first failure would be (its own backoff is not its fault), and nothing goes before the
/// pause in force ends.
pub fn retry_at(
    cfg: &ForwarderConfig,
    attempts: u32,
    counted: bool,
    retry_after: Option<Duration>,
    paused_until: Option<jiff::Timestamp>,
    now: jiff::Timestamp,
) -> jiff::Timestamp {
    let nth = if counted { attempts } else { 1 };
    let delay = record_delay(cfg, nth, retry_after);
    let at = now + jiff::SignedDuration::try_from(delay).unwrap_or(jiff::SignedDuration::MAX);
    paused_until.map_or(at, |until| at.max(until))
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

    /// Another call succeeded while paused on an outage: LAPOR! is back, the pause ends now.
    /// Returns the end of the pause cut short (records waiting for it can go now), or
    /// `None` when there was no outage (a 429's pause is the quota's and stays).
    pub fn end_on_answer(&mut self) -> Option<jiff::Timestamp> {
        if !self.in_outage() {
            return None;
        }
        let until = self.paused_until;
        self.record_success();
        until
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
    fn default_outage_probes_within_five_seconds() {
        // The forwarder's defaults, as config validation fills them in.
        let cfg = crate::config::ForwarderConfig {
            outage_backoff_max: Duration::from_secs(crate::config::DEFAULT_OUTAGE_BACKOFF_MAX_SECS),
            ..cfg()
        };
        let now = jiff::Timestamp::now();
        let mut o = Outage::default();
        for _ in 0..200 {
            let p = o.record_failure(&cfg, Health::Down, None, now).unwrap();
            assert!(p < Duration::from_secs(5), "{p:?}");
        }
    }

    #[test]
    fn down_is_a_kind_not_a_message() {
        let t = |kind| LaporError::Transient {
            detail: "could not connect: whatever the text says".into(),
            retry_after: None,
            ambiguous: false,
            kind,
        };
        assert_eq!(health_of(&t(TransientKind::Unreachable)), Health::Down);
        assert_eq!(health_of(&t(TransientKind::ServerError)), Health::Failing);
        assert_eq!(health_of(&t(TransientKind::Broken)), Health::Failing);
        assert_eq!(health_of(&t(TransientKind::TimedOut)), Health::Failing);
        assert_eq!(health_of(&t(TransientKind::RateLimited)), Health::Fine);
        assert_eq!(health_of(&LaporError::Auth("x".into())), Health::Down);
    }

    #[test]
    fn outage_attempts_do_not_spend_the_budget() {
        let t = |kind| LaporError::Transient {
            detail: String::new(),
            retry_after: None,
            ambiguous: true,
            kind,
        };
        // Nothing answered: never counted.
        assert!(!counts_against_budget(
            &t(TransientKind::Unreachable),
            false
        ));
        assert!(!counts_against_budget(&t(TransientKind::Broken), false));
        // Answered 5xx or too slow: the record's own, unless LAPOR! was already known down.
        assert!(counts_against_budget(&t(TransientKind::ServerError), false));
        assert!(counts_against_budget(&t(TransientKind::TimedOut), false));
        assert!(!counts_against_budget(&t(TransientKind::ServerError), true));
        assert!(!counts_against_budget(
            &LaporError::Protocol("x".into()),
            true
        ));
    }

    #[test]
    fn an_uncounted_failure_is_scheduled_like_a_first_one_but_not_before_the_pause_ends() {
        let cfg = cfg();
        let now = jiff::Timestamp::now();
        for _ in 0..50 {
            let at = retry_at(&cfg, 40, false, None, None, now);
            assert!(at <= now + jiff::SignedDuration::from_secs(1));
        }
        let until = now + jiff::SignedDuration::from_secs(3);
        assert!(retry_at(&cfg, 1, false, None, Some(until), now) >= until);
        assert!(retry_at(&cfg, 1, true, None, Some(until), now) >= until);
    }

    #[test]
    fn an_answer_elsewhere_ends_an_outage_pause_but_not_a_quota_pause() {
        let cfg = cfg();
        let now = jiff::Timestamp::now();
        let mut o = Outage::default();
        o.record_failure(&cfg, Health::Down, None, now).unwrap();
        let until = o.paused_until;
        assert!(until.is_some());
        assert_eq!(o.end_on_answer(), until);
        assert!(!o.in_outage() && o.paused_until.is_none());
        assert_eq!(o.end_on_answer(), None);
        let mut q = Outage::default();
        q.record_failure(&cfg, Health::Fine, Some(Duration::from_secs(7)), now);
        assert_eq!(q.end_on_answer(), None);
        assert!(q.paused_until.is_some(), "a 429 pause is the quota's");
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
