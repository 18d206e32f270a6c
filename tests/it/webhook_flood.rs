//! A webhook flood: 8 concurrent senders, 2,000 signed deliveries, 10% duplicates, 5% bad
//! signatures, against the whole running bridge. Exactly the valid unique deliveries are stored
//! and forwarded, every bad one gets 401, nothing is lost.

use crate::common;
use crate::support::webhooks;

use std::collections::BTreeSet;
use std::time::Duration;

use common::Env;
use lapor_bridge::shutdown;
use lapor_mocks::lapor::LaporMockConfig;
use webhooks::*;

#[derive(Clone)]
enum Delivery {
    Valid(String),
    Duplicate(String),
    BadSignature(String),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_signed_deliveries_is_stored_and_forwarded_exactly_once() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await;
    let p = env.pipeline(&[("LAPOR_BRIDGE__FORWARDER__CONCURRENCY", "16".into())]);
    let addr = p.webhooks.as_ref().unwrap().local_addr();
    let store = p.store.clone();
    let (trigger, sd) = shutdown::channel();
    let run = tokio::spawn(async move { p.run(sd).await });

    // 2,000 deliveries: every 20th forged (5%), every 10th (offset 5) a re-delivery of an
    // earlier valid ticket (10%), the rest new tickets.
    let mut plan = Vec::with_capacity(2000);
    let mut valid: Vec<String> = Vec::new();
    for i in 0..2000usize {
        if i % 20 == 0 {
            plan.push(Delivery::BadSignature(format!("112-bad-{i}")));
        } else if i % 10 == 5 {
            plan.push(Delivery::Duplicate(valid[(i * 7) % valid.len()].clone()));
        } else {
            let id = format!("112-flood-{i:04}");
            valid.push(id.clone());
            plan.push(Delivery::Valid(id));
        }
    }
    let bad = plan
        .iter()
        .filter(|d| matches!(d, Delivery::BadSignature(_)))
        .count();
    let dups = plan
        .iter()
        .filter(|d| matches!(d, Delivery::Duplicate(_)))
        .count();
    assert_eq!((bad, dups, valid.len()), (100, 200, 1700));

    let url = format!("http://{addr}/webhooks/call112");
    let mut senders = Vec::new();
    for s in 0..8 {
        let mine: Vec<Delivery> = plan.iter().skip(s).step_by(8).cloned().collect();
        let url = url.clone();
        senders.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut wrong = Vec::new();
            for d in mine {
                let (id, secret, want) = match &d {
                    Delivery::Valid(id) | Delivery::Duplicate(id) => {
                        (id.clone(), CALL112_SECRET, 202)
                    }
                    Delivery::BadSignature(id) => (id.clone(), "not-the-secret", 401),
                };
                let body = ticket(
                    &id,
                    "Lampu penerangan jalan mati di sepanjang jalan ini sejak kemarin malam.",
                );
                let (status, resp) = send(&client, &url, secret, &body).await;
                if status != want {
                    wrong.push(format!("{id}: {status} {resp}"));
                }
            }
            wrong
        }));
    }
    for s in senders {
        let wrong = s.await.unwrap();
        assert!(
            wrong.is_empty(),
            "unexpected answers: {:?}",
            &wrong[..wrong.len().min(5)]
        );
    }
    // Every 202 was committed before it was sent.
    assert_eq!(common::counts(&store).received, 1700);

    common::wait_for(
        "all valid tickets forwarded",
        Duration::from_secs(180),
        || common::counts(&store).forwarded == 1700,
    )
    .await;
    trigger.trigger();
    run.await.unwrap();

    let complaints = env.lapor.complaints();
    let got: BTreeSet<String> = complaints.iter().map(|c| c.id_eksternal.clone()).collect();
    let want: BTreeSet<String> = valid.iter().map(|id| format!("call112:{id}")).collect();
    assert_eq!(
        complaints.len(),
        1700,
        "one complaint per valid unique ticket"
    );
    assert_eq!(got, want);
    let t = common::counts(&store);
    assert_eq!(
        (t.received, t.forwarded, t.held, t.dead, t.pending),
        (1700, 1700, 0, 0, 0)
    );
}
