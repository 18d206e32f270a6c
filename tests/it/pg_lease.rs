//! Leases on a real PostgreSQL (`store::postgres::lease`): one holder at a time, renewal,
//! takeover after the term with a new generation, a stale holder's renewal refused, release.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use lapor_bridge::runtime::lease::Leased;
use lapor_bridge::runtime::{Heartbeat, Stage, Step};
use lapor_bridge::store::postgres::{lease, schema};

use crate::common;
use lapor_tools::postgres::TestPostgres;

async fn client(url: &str) -> tokio_postgres::Client {
    TestPostgres::connect(url).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_replica_holds_a_lease_until_it_expires_or_is_released() {
    let pg = TestPostgres::start().unwrap();
    let url = pg.create_database("kota").unwrap();
    let a = client(&url).await;
    let b = client(&url).await;
    schema::apply(&a).await.unwrap();
    let long = Duration::from_secs(60);

    let held_a = lease::acquire(&a, "poll.sambat", "replica-a", long)
        .await
        .unwrap()
        .expect("a free lease is taken");
    assert_eq!(held_a.generation, 1);
    assert_eq!(
        lease::acquire(&b, "poll.sambat", "replica-b", long)
            .await
            .unwrap(),
        None
    );
    assert!(lease::renew(&a, &held_a, long).await.unwrap());
    // Another lease is another thing to own.
    assert!(lease::acquire(&b, "csv.ngombe", "replica-b", long)
        .await
        .unwrap()
        .is_some());

    // A short term that a misses: b takes over, with the next generation, only once it ended.
    let short = Duration::from_millis(400);
    // Before the call: the database starts the term somewhere during it, never before.
    let renewed_at = Instant::now();
    let held_a = lease::acquire(&a, "poll.sambat", "replica-a", short)
        .await
        .unwrap()
        .unwrap();
    let deadline = renewed_at + Duration::from_secs(10);
    let held_b = loop {
        if let Some(h) = lease::acquire(&b, "poll.sambat", "replica-b", long)
            .await
            .unwrap()
        {
            break h;
        }
        assert!(Instant::now() < deadline, "no takeover within 10 s");
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert!(
        renewed_at.elapsed() >= short,
        "taken over before the term ended"
    );
    assert_eq!(held_b.generation, 2);
    assert!(
        !lease::renew(&a, &held_a, long).await.unwrap(),
        "the stale holder's renewal is refused"
    );

    // Released: a takes it at once, a third generation.
    lease::release(&b, &held_b).await.unwrap();
    let again = lease::acquire(&a, "poll.sambat", "replica-a", long)
        .await
        .unwrap()
        .expect("a released lease is free");
    assert_eq!(again.generation, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_racing_for_a_free_lease_get_one_holder() {
    let pg = TestPostgres::start().unwrap();
    let url = pg.create_database("kota").unwrap();
    schema::apply(&client(&url).await).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let c = client(&url).await;
            lease::acquire(
                &c,
                "feed.updates",
                &format!("replica-{i}"),
                Duration::from_secs(60),
            )
            .await
            .unwrap()
        }));
    }
    let mut holders = Vec::new();
    for t in tasks {
        if let Some(h) = t.await.unwrap() {
            holders.push(h);
        }
    }
    assert_eq!(holders.len(), 1, "{holders:?}");
    assert_eq!(holders[0].generation, 1);
}

/// A stage that counts its steps, idles `idle` after each, and whose step never ends when
/// `hang` is set (a batch waiting on the quota); `dropped` counts steps stopped from outside.
struct Counting {
    steps: Arc<AtomicU32>,
    dropped: Arc<AtomicU32>,
    idle: Duration,
    hang: bool,
}

struct Guard(Arc<AtomicU32>, bool);
impl Drop for Guard {
    fn drop(&mut self) {
        if !self.1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Stage for Counting {
    fn name(&self) -> String {
        "poller:sambat".into()
    }
    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            self.steps.fetch_add(1, Ordering::SeqCst);
            let mut guard = Guard(self.dropped.clone(), false);
            if self.hang {
                std::future::pending::<()>().await;
            }
            guard.1 = true;
            Step::Idle(self.idle)
        })
    }
}

fn counting(idle: Duration, hang: bool) -> (Arc<Counting>, Arc<AtomicU32>, Arc<AtomicU32>) {
    let (steps, dropped) = (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)));
    let stage = Arc::new(Counting {
        steps: steps.clone(),
        dropped: dropped.clone(),
        idle,
        hang,
    });
    (stage, steps, dropped)
}

const TERM: Duration = Duration::from_millis(1500);
const RENEW: Duration = Duration::from_millis(300);

/// A stage that polls far less often than the lease's term keeps its lease while it waits
/// (another replica never gets it), and still steps only when it is due.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stage_waiting_longer_than_the_term_keeps_its_lease() {
    let (_pg, url, a) = crate::support::pg::store();
    let b = crate::support::pg::open(&url);
    let (stage, steps, _) = counting(Duration::from_secs(3600), false);
    let leased = Leased::with_term(stage, a.clone(), TERM, RENEW);
    let (tx, shutdown) = lapor_bridge::shutdown::channel();
    let hb = Heartbeat::default();
    let run = tokio::spawn(async move {
        lapor_bridge::runtime::run(&leased, &hb, None, shutdown).await;
    });
    common::wait_for("the first step", Duration::from_secs(10), || {
        steps.load(Ordering::SeqCst) == 1
    })
    .await;
    // Three terms: without renewals between steps the lease would have ended twice.
    let until = Instant::now() + TERM * 3;
    while Instant::now() < until {
        assert!(
            !b.hold_lease("poller:sambat", TERM).unwrap(),
            "another replica took the lease of a waiting stage"
        );
        tokio::time::sleep(RENEW).await;
    }
    assert_eq!(steps.load(Ordering::SeqCst), 1, "renewals are not steps");
    tx.trigger();
    run.await.unwrap();
}

/// A step whose lease is taken over (here: by hand, as a replica would after the term) is
/// stopped at the next renewal instead of running on beside the new holder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_that_loses_its_lease_is_stopped() {
    let (_pg, url, a) = crate::support::pg::store();
    let sql = client(&url).await;
    let (stage, steps, dropped) = counting(Duration::from_secs(1), true);
    let leased = Leased::with_term(stage, a.clone(), TERM, RENEW);
    let step = tokio::spawn(async move { leased.step().await });
    common::wait_for("the step to start", Duration::from_secs(10), || {
        steps.load(Ordering::SeqCst) == 1
    })
    .await;
    assert_eq!(dropped.load(Ordering::SeqCst), 0);
    sql.execute(
        "UPDATE leases SET holder = 'another replica', generation = generation + 1,
                           expires_at = clock_timestamp() + interval '1 hour'
         WHERE name = 'poller:sambat'",
        &[],
    )
    .await
    .unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(10), step)
        .await
        .expect("the step is stopped within a renewal")
        .unwrap();
    assert_eq!(ended, Step::Idle(RENEW));
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "the inner step was dropped"
    );
}
