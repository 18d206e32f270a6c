//! The one loop every stage runs in. A stage only says how to do one step and what should
//! happen next ([`Step`]); [`run`] does the rest the same way for all of them: the heartbeat
//! the watchdog reads, the wait between steps, the wakers, and shutdown. Shutdown is only
//! looked at between steps, so a step in flight is always finished and recorded.

pub mod backoff;
pub mod lease;
pub mod listener;
pub mod liveness;
pub mod memory;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use jiff::Timestamp;
use tokio::sync::Notify;

use crate::shutdown::Shutdown;
pub use liveness::{Heartbeat, Liveness};

/// What a stage wants after a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// More work is waiting: step again at once.
    More,
    /// Nothing to do for now: step again after this long, or sooner when woken.
    Idle(Duration),
    /// The stage holds back until then (its peer is down, or over quota). A wake still steps
    /// it early: the stage itself knows whether the pause still holds.
    Paused(Timestamp),
}

impl Step {
    fn wait(self, now: Timestamp) -> Option<Duration> {
        match self {
            Step::More => None,
            Step::Idle(d) => Some(d),
            Step::Paused(until) => {
                Some(Duration::try_from(until.duration_since(now)).unwrap_or(Duration::ZERO))
            }
        }
    }
}

/// One working loop of the bridge: intake from a channel, forwarding, the feed, write-backs…
pub trait Stage: Send + Sync {
    /// The loop's name in `/healthz` and the watchdog's status line (`forwarder`,
    /// `poller:sambat`, …).
    fn name(&self) -> String;

    /// One round of work. Errors are the stage's to log; it answers with when to go again.
    fn step(&self) -> BoxFuture<'_, Step>;

    /// Resolves when something besides the waker should end the wait (e.g. LAPOR! answering
    /// another call during an outage pause). Asked for after each step; never by default.
    fn woken(&self) -> BoxFuture<'_, ()> {
        Box::pin(std::future::pending())
    }
}

/// Steps `stage` until shutdown. The heartbeat beats before each step and goes idle before
/// each wait; `wake` (intake's "new records", sync's "new write-backs") ends a wait early.
pub async fn run(
    stage: &dyn Stage,
    heartbeat: &Heartbeat,
    wake: Option<&Notify>,
    mut shutdown: Shutdown,
) {
    loop {
        if shutdown.is_shutdown() {
            return;
        }
        heartbeat.beat();
        let Some(wait) = stage.step().await.wait(Timestamp::now()) else {
            continue;
        };
        heartbeat.idle();
        let notified = async {
            match wake {
                Some(w) => w.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = shutdown.recv() => return,
            _ = notified => {}
            _ = tokio::time::sleep(wait) => {}
            _ = stage.woken() => {}
        }
    }
}

/// A stage with what [`run`] needs for it, as the pipeline registers and spawns it.
#[derive(Clone)]
pub struct Task {
    pub stage: Arc<dyn Stage>,
    pub heartbeat: Arc<Heartbeat>,
    pub wake: Option<Arc<Notify>>,
}

impl Task {
    pub fn new(stage: Arc<dyn Stage>, heartbeat: Arc<Heartbeat>) -> Self {
        Self {
            stage,
            heartbeat,
            wake: None,
        }
    }

    pub fn with_wake(mut self, wake: Arc<Notify>) -> Self {
        self.wake = Some(wake);
        self
    }

    pub async fn run(self, shutdown: Shutdown) {
        run(
            &*self.stage,
            &self.heartbeat,
            self.wake.as_deref(),
            shutdown,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Two steps with more work, then idle for good.
    struct Counting(AtomicU32);

    impl Stage for Counting {
        fn name(&self) -> String {
            "counting".into()
        }
        fn step(&self) -> BoxFuture<'_, Step> {
            Box::pin(async {
                match self.0.fetch_add(1, Ordering::SeqCst) {
                    0 | 1 => Step::More,
                    _ => Step::Idle(Duration::from_secs(3600)),
                }
            })
        }
    }

    #[tokio::test]
    async fn more_steps_at_once_idle_waits_for_a_wake_and_shutdown_ends_the_wait() {
        let stage = Arc::new(Counting(AtomicU32::new(0)));
        let wake = Arc::new(Notify::new());
        let hb = Heartbeat::new();
        let (trigger, shutdown) = crate::shutdown::channel();
        let task = Task::new(stage.clone(), hb.clone()).with_wake(wake.clone());
        let running = tokio::spawn(task.run(shutdown));
        let until = |n: u32, idle: bool| {
            let (stage, hb) = (stage.clone(), hb.clone());
            async move {
                while stage.0.load(Ordering::SeqCst) < n || hb.is_idle() != idle {
                    tokio::task::yield_now().await;
                }
            }
        };
        let deadline = Duration::from_secs(5);
        tokio::time::timeout(deadline, until(3, true))
            .await
            .expect("two steps with more work, then idle");
        wake.notify_one();
        tokio::time::timeout(deadline, until(4, true))
            .await
            .expect("a wake ends the idle wait");
        trigger.trigger();
        tokio::time::timeout(Duration::from_secs(5), running)
            .await
            .expect("shutdown ends the wait")
            .unwrap();
        assert_eq!(stage.0.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn a_pause_waits_until_its_end_and_one_in_the_past_not_at_all() {
        let now = Timestamp::now();
        let later = now + jiff::SignedDuration::from_secs(7);
        assert_eq!(Step::Paused(later).wait(now), Some(Duration::from_secs(7)));
        assert_eq!(Step::Paused(now).wait(later), Some(Duration::ZERO));
        assert_eq!(Step::More.wait(now), None);
    }
}
