//! "Is LAPOR! answering?", shared by every user of the one client (forwarder, sync,
//! reference refresh): a success anywhere is news for the forwarder pausing on an outage,
//! which would otherwise only find out at its next probe.

use reqwest::StatusCode;
use tokio::sync::watch;

/// A count of calls that LAPOR! answered; it only grows. A waiter remembers the count it
/// last saw and wakes when it moves past it, so a success between "I saw a failure" and "I
/// start waiting" is never lost (a watch holds the latest value, not an event).
#[derive(Debug)]
pub struct LaporHealth {
    answered: watch::Sender<u64>,
}

impl Default for LaporHealth {
    fn default() -> Self {
        Self {
            answered: watch::Sender::new(0),
        }
    }
}

impl LaporHealth {
    /// A call LAPOR! answered (see [`shows_up`]).
    pub fn record_answer(&self) {
        self.answered.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The count now: pass it to [`LaporHealth::answered_since`] later.
    pub fn answered(&self) -> u64 {
        *self.answered.borrow()
    }

    /// Resolves as soon as a call has been answered after `seen` (at once if one has).
    pub async fn answered_since(&self, seen: u64) {
        let mut rx = self.answered.subscribe();
        // The sender lives as long as `self`, so this cannot fail while we are borrowed.
        let _ = rx.wait_for(|n| *n != seen).await;
    }
}

/// Whether an HTTP answer shows LAPOR! up and serving. 5xx is not up. 401 and 429 are
/// left out: they are answered by the gateway whatever the backend's state, and a 401
/// that repeats (credentials refused) must not keep waking a forwarder paused on it.
pub fn shows_up(status: StatusCode) -> bool {
    !(status.is_server_error()
        || status == StatusCode::UNAUTHORIZED
        || status == StatusCode::TOO_MANY_REQUESTS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn only_real_answers_show_lapor_up() {
        for ok in [200, 201, 204, 400, 404, 409, 422] {
            assert!(shows_up(StatusCode::from_u16(ok).unwrap()), "{ok}");
        }
        for bad in [401, 429, 500, 502, 503, 504] {
            assert!(!shows_up(StatusCode::from_u16(bad).unwrap()), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_success_before_the_wait_is_not_lost_and_none_does_not_wake() {
        let h = LaporHealth::default();
        let seen = h.answered();
        h.record_answer();
        tokio::time::timeout(Duration::from_secs(1), h.answered_since(seen))
            .await
            .expect("an answer after `seen` resolves at once");
        let seen = h.answered();
        assert!(
            tokio::time::timeout(Duration::from_millis(50), h.answered_since(seen))
                .await
                .is_err(),
            "nothing answered since: keeps waiting"
        );
    }
}
