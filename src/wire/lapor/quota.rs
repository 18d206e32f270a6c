//! Creates first under the one national quota. Every LAPOR! call has a [`CallClass`]; all of
//! them pass the main limiter (the quota), and a background call (feed read, reconciliation
//! look-up, reference fetch) must first pass a second limiter of `background_share` × quota
//! while creates are waiting, so a backlog is not starved by the calls that can wait.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota as GQuota, RateLimiter};
use tokio::sync::watch;

/// What a call is for, which decides whether it waits for creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallClass {
    /// `POST /laporan`, and the look-up by `id_eksternal` before resending a record in doubt:
    /// the work the quota is for. Never held back.
    Create,
    /// Updates-feed reads, reconciliation look-ups, reference fetches: held to the background
    /// share while creates wait; the whole quota otherwise.
    Background,
    /// Held to the background share even when no creates wait: the first reconciliation
    /// sweep after a start, so a restart does not open with a burst of look-ups.
    Paced,
}

/// The share of the quota background calls may use while creates wait, in thousandths
/// (1..=1000), so that the rate limit stays `Eq` and the share is exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackgroundShare(u16);

impl BackgroundShare {
    pub const DEFAULT: BackgroundShare = BackgroundShare(50);

    /// `None` unless `0 < f <= 1`.
    pub fn from_fraction(f: f64) -> Option<Self> {
        if !(f > 0.0 && f <= 1.0) {
            return None;
        }
        let milli = (f * 1000.0).round().clamp(1.0, 1000.0) as u16;
        Some(BackgroundShare(milli))
    }

    pub fn fraction(self) -> f64 {
        f64::from(self.0) / 1000.0
    }

    /// Background calls a minute this share of `per_minute` allows, rounded to the nearest
    /// whole call (0.05 of 59 is 3), at least one.
    pub fn of(self, per_minute: NonZeroU32) -> NonZeroU32 {
        let n = (u64::from(per_minute.get()) * u64::from(self.0) + 500) / 1000;
        NonZeroU32::new(n.min(u64::from(u32::MAX)) as u32).unwrap_or(NonZeroU32::MIN)
    }
}

/// The pure decision: must a call of `class` pass the background limiter now?
pub fn held_to_share(class: CallClass, creates_waiting: bool) -> bool {
    match class {
        CallClass::Create => false,
        CallClass::Background => creates_waiting,
        CallClass::Paced => true,
    }
}

/// Why creates count as waiting: the forwarder holds claimed records, or create calls are
/// queued at the limiter right now (covers callers other than the forwarder).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Waiting {
    claimed: bool,
    at_limiter: usize,
}

impl Waiting {
    fn any(self) -> bool {
        self.claimed || self.at_limiter > 0
    }
}

/// Counters of the two limiters.
#[derive(Debug, Default)]
pub struct QuotaStats {
    pub create_calls: AtomicU64,
    pub background_calls: AtomicU64,
    /// Background calls that had to pass the background limiter.
    pub background_held: AtomicU64,
}

pub struct QuotaGate {
    main: DefaultDirectRateLimiter,
    background: DefaultDirectRateLimiter,
    waiting: watch::Sender<Waiting>,
    pub stats: QuotaStats,
}

/// How a call got through: whether it had to wait at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Passed {
    pub waited: Option<Duration>,
}

impl QuotaGate {
    /// `per_minute` with `burst` for everything; `share` of it, one at a time (no burst,
    /// so a held background never bursts when it is let through), for held background calls.
    pub fn new(per_minute: NonZeroU32, burst: NonZeroU32, share: BackgroundShare) -> Self {
        QuotaGate {
            main: RateLimiter::direct(GQuota::per_minute(per_minute).allow_burst(burst)),
            // per_minute alone would allow a burst of the whole minute's share.
            background: RateLimiter::direct(
                GQuota::per_minute(share.of(per_minute)).allow_burst(NonZeroU32::MIN),
            ),
            waiting: watch::Sender::new(Waiting::default()),
            stats: QuotaStats::default(),
        }
    }

    /// The forwarder says whether it holds records to create (set from each claim).
    pub fn set_creates_waiting(&self, waiting: bool) {
        self.waiting.send_if_modified(|w| {
            let changed = w.claimed != waiting;
            w.claimed = waiting;
            changed
        });
    }

    pub fn creates_waiting(&self) -> bool {
        self.waiting.borrow().any()
    }

    /// Waits until a call of `class` may be sent.
    pub async fn pass(&self, class: CallClass) -> Passed {
        let start = Instant::now();
        let mut waited = false;
        match class {
            CallClass::Create => {
                self.stats.create_calls.fetch_add(1, Ordering::Relaxed);
                let _queued = AtLimiter::enter(&self.waiting);
                waited |= self.main_until_ready().await;
            }
            CallClass::Background | CallClass::Paced => {
                self.stats.background_calls.fetch_add(1, Ordering::Relaxed);
                waited |= self.background_until_ready(class).await;
                waited |= self.main_until_ready().await;
            }
        }
        Passed {
            waited: waited.then(|| start.elapsed()),
        }
    }

    async fn main_until_ready(&self) -> bool {
        if self.main.check().is_ok() {
            return false;
        }
        self.main.until_ready().await;
        true
    }

    /// Passes the background limiter while the class is held to it; a background call
    /// held because creates waited goes on as soon as none wait.
    async fn background_until_ready(&self, class: CallClass) -> bool {
        let mut rx = self.waiting.subscribe();
        let mut counted = false;
        loop {
            let waiting = rx.borrow_and_update().any();
            if !held_to_share(class, waiting) {
                return counted;
            }
            if !counted {
                counted = true;
                self.stats.background_held.fetch_add(1, Ordering::Relaxed);
            }
            if self.background.check().is_ok() {
                return true;
            }
            tokio::select! {
                _ = self.background.until_ready() => return true,
                // Re-decide on any change; a closed sender cannot happen while self lives.
                _ = rx.changed() => {}
            }
        }
    }
}

/// A create queued at the main limiter: counts as waiting until it passes (or is dropped).
struct AtLimiter<'a>(&'a watch::Sender<Waiting>);

impl<'a> AtLimiter<'a> {
    fn enter(w: &'a watch::Sender<Waiting>) -> Self {
        w.send_modify(|w| w.at_limiter += 1);
        AtLimiter(w)
    }
}

impl Drop for AtLimiter<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|w| w.at_limiter -= 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nz(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap()
    }

    #[test]
    fn only_background_waits_for_creates_and_paced_always_waits() {
        assert!(!held_to_share(CallClass::Create, true));
        assert!(!held_to_share(CallClass::Create, false));
        assert!(held_to_share(CallClass::Background, true));
        assert!(!held_to_share(CallClass::Background, false));
        assert!(held_to_share(CallClass::Paced, false));
        assert!(held_to_share(CallClass::Paced, true));
    }

    #[test]
    fn share_is_validated_and_rounds_to_thousandths() {
        assert_eq!(BackgroundShare::from_fraction(0.0), None);
        assert_eq!(BackgroundShare::from_fraction(-0.1), None);
        assert_eq!(BackgroundShare::from_fraction(1.5), None);
        assert_eq!(BackgroundShare::from_fraction(f64::NAN), None);
        let s = BackgroundShare::from_fraction(0.2).unwrap();
        assert_eq!(s.fraction(), 0.2);
        assert_eq!(s.of(nz(600)).get(), 120);
        assert_eq!(BackgroundShare::DEFAULT.of(nz(60)).get(), 3);
        assert_eq!(BackgroundShare::DEFAULT.of(nz(59)).get(), 3);
        assert_eq!(BackgroundShare::DEFAULT.of(nz(50)).get(), 3);
        assert_eq!(BackgroundShare::DEFAULT.of(nz(49)).get(), 2);
        // Never zero: a tiny share still lets one background call a minute through.
        assert_eq!(
            BackgroundShare::from_fraction(0.001)
                .unwrap()
                .of(nz(60))
                .get(),
            1
        );
    }

    #[test]
    fn creates_wait_while_claimed_or_queued() {
        let g = QuotaGate::new(nz(60), nz(1), BackgroundShare::DEFAULT);
        assert!(!g.creates_waiting());
        g.set_creates_waiting(true);
        assert!(g.creates_waiting());
        g.set_creates_waiting(false);
        {
            let _q = AtLimiter::enter(&g.waiting);
            assert!(g.creates_waiting());
        }
        assert!(!g.creates_waiting());
    }

    /// 6,000/min = one call each 10 ms; share 0.1 = one background call each 100 ms.
    /// While creates wait, background calls get at most about a tenth; the rest goes to
    /// creates. Counted over a fixed number of background calls, not timed assertions.
    #[tokio::test]
    async fn background_is_held_to_its_share_while_creates_wait() {
        let g = std::sync::Arc::new(QuotaGate::new(
            nz(6000),
            nz(1),
            BackgroundShare::from_fraction(0.1).unwrap(),
        ));
        g.set_creates_waiting(true);
        let creates = std::sync::Arc::new(AtomicU64::new(0));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut workers = Vec::new();
        for _ in 0..4 {
            let (g, c, stop) = (g.clone(), creates.clone(), stop.clone());
            workers.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    g.pass(CallClass::Create).await;
                    c.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        for _ in 0..5 {
            g.pass(CallClass::Background).await;
        }
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            w.await.unwrap();
        }
        let c = creates.load(Ordering::Relaxed);
        // Five background calls at one per 100 ms span at least 400 ms (the first passes at
        // once): at 10 ms a call, creates took at least 30 slots meanwhile.
        assert!(c >= 30, "only {c} creates beside 5 held background calls");
        assert_eq!(g.stats.background_held.load(Ordering::Relaxed), 5);
    }

    #[tokio::test]
    async fn a_held_background_call_goes_on_when_creates_stop_waiting() {
        let g = std::sync::Arc::new(QuotaGate::new(
            nz(6000),
            nz(1),
            BackgroundShare::from_fraction(0.001).unwrap(),
        ));
        g.set_creates_waiting(true);
        // The background limiter (1/min) lets the first through, then holds the second.
        g.pass(CallClass::Background).await;
        let held = tokio::spawn({
            let g = g.clone();
            async move { g.pass(CallClass::Background).await }
        });
        let deadline = Instant::now() + Duration::from_secs(5);
        while g.stats.background_held.load(Ordering::Relaxed) < 2 {
            assert!(
                Instant::now() < deadline,
                "the second call never reached the limiter"
            );
            tokio::task::yield_now().await;
        }
        assert!(!held.is_finished());
        g.set_creates_waiting(false);
        let passed = tokio::time::timeout(Duration::from_secs(5), held)
            .await
            .expect("released when creates stopped waiting")
            .unwrap();
        assert!(passed.waited.is_some());
    }

    #[tokio::test]
    async fn without_creates_waiting_background_uses_the_whole_quota() {
        let g = QuotaGate::new(
            nz(6000),
            nz(50),
            BackgroundShare::from_fraction(0.001).unwrap(),
        );
        // 50 at once: the main burst, none of them held by the 1/min background limiter.
        for _ in 0..50 {
            assert_eq!(g.pass(CallClass::Background).await.waited, None);
        }
        assert_eq!(g.stats.background_held.load(Ordering::Relaxed), 0);
    }
}
