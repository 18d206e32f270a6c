//! Claims of due records on a real PostgreSQL (`store::postgres::outbox`): replicas claiming
//! at once take each record once; a dead replica's claims are taken over only after their
//! term, and then as in doubt (looked up before any resend).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use lapor_bridge::store::postgres::{outbox, schema};
use lapor_tools::postgres::TestPostgres;

async fn with_pending(records: i64) -> (TestPostgres, String) {
    let pg = TestPostgres::start().unwrap();
    let url = pg.create_database("kota").unwrap();
    let db = TestPostgres::connect(&url).await;
    schema::apply(&db).await.unwrap();
    db.batch_execute(&format!(
        "INSERT INTO records (channel, local_id, raw, content_hash, received_at, updated_at)
         SELECT 'sambat', 'S-' || i, '{{\"isi\": \"jalan rusak\"}}', 'h' || i,
                '2026-12-03T00:00:00Z', '2026-12-03T00:00:00Z'
         FROM generate_series(1, {records}) AS i;
         INSERT INTO outbox (record_id, state, next_attempt_at)
         SELECT id, 'pending', '2026-12-03T00:00:00Z' FROM records;"
    ))
    .await
    .unwrap();
    (pg, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_claiming_at_once_take_each_record_once() {
    let (_pg, url) = with_pending(1_000).await;
    let mut replicas = Vec::new();
    for i in 0..4 {
        let url = url.clone();
        replicas.push(tokio::spawn(async move {
            let db = TestPostgres::connect(&url).await;
            let mut mine = Vec::new();
            loop {
                let got = outbox::claim_due(
                    &db,
                    Timestamp::now(),
                    25,
                    &format!("replica-{i}"),
                    Duration::from_secs(60),
                )
                .await
                .unwrap();
                if got.is_empty() {
                    return mine;
                }
                mine.extend(got.into_iter().map(|c| (c.id, c.attempts, c.in_doubt)));
            }
        }));
    }
    let mut all = Vec::new();
    let mut per_replica = Vec::new();
    for r in replicas {
        let mine = r.await.unwrap();
        per_replica.push(mine.len());
        all.extend(mine);
    }
    let ids: BTreeSet<i64> = all.iter().map(|c| c.0).collect();
    assert_eq!(
        all.len(),
        1_000,
        "claimed {} times: {per_replica:?}",
        all.len()
    );
    assert_eq!(ids.len(), 1_000);
    assert!(all
        .iter()
        .all(|&(_, attempts, in_doubt)| attempts == 1 && !in_doubt));
    // Each claim counted once in the status line's counts.
    let db = TestPostgres::connect(&url).await;
    let attempts: i64 = db
        .query_one(
            "SELECT attempts FROM queue_counts WHERE channel = 'sambat' AND state = 'pending'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(attempts, 1_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_replicas_claims_are_taken_over_in_doubt_after_their_term() {
    let (_pg, url) = with_pending(10).await;
    let dead = TestPostgres::connect(&url).await;
    let live = TestPostgres::connect(&url).await;
    let term = Duration::from_millis(500);
    // Before the call: the database starts the term somewhere during it, never before.
    let claimed_at = Instant::now();
    let claimed = outbox::claim_due(&dead, Timestamp::now(), 100, "replica-dead", term)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 10);
    drop(dead);
    let deadline = claimed_at + Duration::from_secs(10);
    let taken = loop {
        let got = outbox::claim_due(
            &live,
            Timestamp::now(),
            100,
            "replica-live",
            Duration::from_secs(60),
        )
        .await
        .unwrap();
        if !got.is_empty() {
            break got;
        }
        assert!(Instant::now() < deadline, "no takeover within 10 s");
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert!(
        claimed_at.elapsed() >= term,
        "taken over while the claim held"
    );
    assert_eq!(taken.len(), 10);
    assert!(
        taken.iter().all(|c| c.in_doubt && c.attempts == 2),
        "{:?}",
        taken
            .iter()
            .map(|c| (c.id, c.attempts, c.in_doubt))
            .collect::<Vec<_>>()
    );
}

/// A replica that stalled past its claim's term and then records the outcome of its send
/// finds the record claimed by the replica that took it over: its outcome is left out, and
/// the new holder's (after its look-up) is the one recorded.
#[test]
fn an_outcome_after_the_claim_was_taken_over_is_left_to_the_new_holder() {
    use lapor_bridge::domain::RecordKey;
    use lapor_bridge::store::{Intake, OutboxState, Outcome};
    let (_pg, url, a) = crate::support::pg::store();
    let b = crate::support::pg::open(&url);
    let sql = crate::support::pg::Sql::connect(&url);
    let now = Timestamp::now();
    let k = RecordKey::parse("sambat:1").unwrap();
    a.intake(
        &[Intake {
            key: &k,
            raw: r#"{"id":"1"}"#.into(),
            content_hash: "h".into(),
            reported_at: None,
            mapping: Ok(vec![]),
        }],
        None,
        now,
    )
    .unwrap();
    let claimed = a.claim_due(now, 10).unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(b.claim_due(now, 10).unwrap().is_empty(), "a's claim holds");
    // a stalls past the term.
    sql.exec("UPDATE outbox SET claim_until = clock_timestamp()", &[]);
    let taken = b.claim_due(now, 10).unwrap();
    assert_eq!(taken.len(), 1);
    assert!(
        taken[0].in_doubt,
        "taken over as in doubt, to be looked up first"
    );
    let forwarded = |t: &str| Outcome::Forwarded {
        tracking_id: t.into(),
        payload: serde_json::value::RawValue::from_string("{}".into()).unwrap(),
        notes: vec![],
        divergence: None,
    };
    a.record_outcomes(&[(claimed[0].id, forwarded("T-A"))], now)
        .unwrap();
    assert_eq!(
        a.count_in_state(OutboxState::Pending).unwrap(),
        1,
        "a's outcome left out"
    );
    b.record_outcomes(&[(taken[0].id, forwarded("T-B"))], now)
        .unwrap();
    assert_eq!(a.count_in_state(OutboxState::Forwarded).unwrap(), 1);
    assert_eq!(
        sql.rows("SELECT tracking_id FROM records", &[])[0].get::<_, Option<String>>(0),
        Some("T-B".to_string())
    );
}
