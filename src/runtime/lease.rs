//! A stage that runs only on the replica holding its lease, for several replicas on one
//! PostgreSQL store: each poller, CSV folder and write-back channel is worked by one replica
//! at a time, and every stage that calls LAPOR! (forwarder, feed, sweep, reference data)
//! shares one lease, so one replica's limiter spends the whole national quota and no two
//! replicas' calls add up past it. A replica that dies stops renewing; another takes over
//! when the term ends. The lease is renewed while a step runs, so a long step (a batch
//! waiting on the quota) does not lose it, and while the stage waits between steps, so a
//! stage that polls less often than the term keeps it. A step whose lease is lost is dropped
//! at once, as a crash would end it: every stage is safe to stop at any await (what it
//! committed stays, a call in flight is in doubt and looked up), whereas running on would let
//! it call LAPOR! beside the replica that took over.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use super::{Stage, Step};
use crate::store::Store;

/// How long a lease lasts without renewal: a dead replica's work is taken over within this
/// (issue 17 asks for 30 s). Five renewals fit in it, so a slow database answer or two does
/// not hand the work over.
pub const TERM: Duration = Duration::from_secs(10);

/// How often the holder renews, and how often a replica without the lease asks again.
pub const RENEW: Duration = Duration::from_secs(2);

pub struct Leased {
    inner: Arc<dyn Stage>,
    store: Store,
    lease: String,
    term: Duration,
    renew: Duration,
    held: std::sync::atomic::AtomicBool,
    /// When the inner stage asked to step again, and when this wrapper last answered with a
    /// renewal's wait instead of the inner stage's own.
    waiting: Mutex<Waiting>,
}

#[derive(Clone, Copy)]
struct Waiting {
    inner_due: Instant,
    renewal_since: Option<(Instant, Duration)>,
}

impl Leased {
    pub fn new(inner: Arc<dyn Stage>, store: Store) -> Leased {
        Leased::with_term(inner, store, TERM, RENEW)
    }

    /// With another term and renewal period than the daemon's (tests: seconds, not tens).
    pub fn with_term(
        inner: Arc<dyn Stage>,
        store: Store,
        term: Duration,
        renew: Duration,
    ) -> Leased {
        let lease = lease_name(&inner.name());
        let now = Instant::now();
        Leased {
            inner,
            store,
            lease,
            term,
            renew,
            held: Default::default(),
            waiting: Mutex::new(Waiting {
                inner_due: now,
                renewal_since: None,
            }),
        }
    }

    /// Whether this call only renews: the runtime came back after the renewal wait this
    /// wrapper asked for, before the inner stage is due. A call before that wait is over
    /// came from a waker, and steps the inner stage at once, as it would without a lease.
    fn only_renewal(&self, now: Instant) -> bool {
        let w = *self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        match w.renewal_since {
            Some((since, wait)) => now >= since + wait && now < w.inner_due,
            None => false,
        }
    }

    /// The wait to answer the runtime with: the inner stage's, or a renewal's if that is
    /// sooner.
    fn wait_for(&self, inner: Option<Instant>, now: Instant) -> Step {
        let mut w = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(due) = inner {
            w.inner_due = due;
        }
        let left = w.inner_due.saturating_duration_since(now);
        if left <= self.renew {
            w.renewal_since = None;
            return Step::Idle(left);
        }
        w.renewal_since = Some((now, self.renew));
        Step::Idle(self.renew)
    }

    async fn hold(&self) -> bool {
        let (name, term) = (self.lease.clone(), self.term);
        let held = match self
            .store
            .blocking(move |s| s.hold_lease(&name, term))
            .await
        {
            Ok(h) => h,
            Err(e) => {
                tracing::warn!(lease = %self.lease, error = %e, "cannot renew the lease; pausing this stage");
                false
            }
        };
        let was = self.held.swap(held, std::sync::atomic::Ordering::Relaxed);
        if held != was {
            tracing::info!(lease = %self.lease, stage = %self.inner.name(), held, "lease changed hands");
        }
        held
    }
}

/// The lease a stage runs under: every stage that calls LAPOR! shares one.
pub fn lease_name(stage: &str) -> String {
    match stage {
        "forwarder" | "sync" | "sync-sweep" | "reference" => "lapor".to_owned(),
        other => other.to_owned(),
    }
}

impl Stage for Leased {
    fn name(&self) -> String {
        self.inner.name()
    }

    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            if !self.hold().await {
                return Step::Idle(self.renew);
            }
            if self.only_renewal(Instant::now()) {
                return self.wait_for(None, Instant::now());
            }
            let step = self.inner.step();
            tokio::pin!(step);
            let step = loop {
                tokio::select! {
                    s = &mut step => break s,
                    _ = tokio::time::sleep(self.renew) => {
                        if !self.hold().await {
                            tracing::warn!(lease = %self.lease, stage = %self.inner.name(),
                                           "lease lost during a step; the step is stopped");
                            return Step::Idle(self.renew);
                        }
                    }
                }
            };
            let now = Instant::now();
            let due = match step {
                Step::More => return Step::More,
                Step::Idle(d) => now + d,
                Step::Paused(until) => {
                    let left = until.duration_since(jiff::Timestamp::now());
                    now + Duration::try_from(left).unwrap_or(Duration::ZERO)
                }
            };
            self.wait_for(Some(due), now)
        })
    }

    fn woken(&self) -> BoxFuture<'_, ()> {
        self.inner.woken()
    }
}
