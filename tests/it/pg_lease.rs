//! Leases on a real PostgreSQL (`store::postgres::lease`): one holder at a time, renewal,
//! takeover after the term with a new generation, a stale holder's renewal refused, release.

use std::time::{Duration, Instant};

use lapor_bridge::store::postgres::{lease, schema};
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
