//! Three replicas of `lapor-bridge run` on one PostgreSQL store, a random one SIGKILLed and
//! restarted again and again, while 1,000 complaints come in from SAMBAT, the Ngombe folder
//! and webhooks spread over the replicas (as a load balancer would, moving on from a dead one), and the
//! LAPOR! mock enforces its quota. Every record must become exactly one complaint, no call
//! may be refused for the quota, and every status and response must reach its channel once
//! and in order.

use crate::common;
use crate::support::sync_check;

use std::net::SocketAddr;
use std::process::Child;
use std::time::{Duration, Instant};

use common::{free_port, SyncRig};
use lapor_tools::demo::channels;
use lapor_tools::demo::{ngombe_inbox, ngombe_status_file};
use lapor_tools::postgres::TestPostgres;
use rand::Rng;

const SAMBAT: usize = 650;
/// Rows of the Ngombe export (the demo adds one unreadable row of its own).
const NGOMBE: usize = 50;
const TICKETS: usize = 150;
const POSTS: usize = 150;
const KILLS: usize = 20;
/// The mock's quota, and the bridge's limit with its burst under it.
const QUOTA: u32 = 2400;
/// The longest the work may stand still before the test calls it stuck: longer than a
/// write-back claim left by a killed replica (120 s) and the first sweep after a start (60 s).
const STALL: Duration = Duration::from_secs(180);

struct Replica {
    child: Child,
    webhooks: SocketAddr,
    admin: SocketAddr,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_killed_at_random_create_each_complaint_once_within_the_quota() {
    let pg = TestPostgres::start().unwrap();
    let url = pg.create_database("provinsi").unwrap();
    let rig = SyncRig::start(
        Duration::from_millis(200),
        0.4,
        TICKETS,
        &[
            ("LAPOR_BRIDGE__SYNC__PAGE_SIZE", "25".into()),
            (
                "LAPOR_BRIDGE__LAPOR__RATE_LIMIT__PER_MINUTE",
                (QUOTA - 40).to_string(),
            ),
            ("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__BURST", "20".into()),
        ],
    )
    .await;
    let env = &rig.env;
    env.lapor.set_quota_per_minute(Some(QUOTA));
    let start = |webhooks: SocketAddr, admin: SocketAddr, n: usize| -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(env.dir.path().join(format!("replica-{n}.log")))
            .unwrap();
        let mut extra = rig.extra.clone();
        extra.push(("LAPOR_BRIDGE__WEBHOOKS__LISTEN", webhooks.to_string()));
        extra.push(("LAPOR_BRIDGE__ADMIN__LISTEN", admin.to_string()));
        common::bridge_run_on_postgres(env, &extra, &url, &log)
            .spawn()
            .expect("start a replica")
    };
    let mut replicas: Vec<Replica> = (0..3)
        .map(|n| {
            let webhooks = SocketAddr::from(([127, 0, 0, 1], free_port()));
            let admin = SocketAddr::from(([127, 0, 0, 1], free_port()));
            Replica {
                child: start(webhooks, admin, n),
                webhooks,
                admin,
            }
        })
        .collect();
    let addrs: Vec<SocketAddr> = replicas.iter().map(|r| r.webhooks).collect();
    for a in &addrs {
        common::wait_for_listener(*a).await;
    }

    env.sambat.add_generated(SAMBAT);
    let rows = channels::drop_ngombe(&ngombe_inbox(&env.store_path()), NGOMBE).unwrap() as usize;
    let deliveries = tokio::spawn({
        let addrs = addrs.clone();
        async move { channels::deliver_spread(&addrs, TICKETS, POSTS, Duration::from_secs(240)).await }
    });
    let store = crate::support::pg::open(&url);

    // The kills: a random replica every 0.5–2.5 s, started again at once.
    let began = Instant::now();
    let mut rng = rand::rng();
    for _ in 0..KILLS {
        // Pacing the kills over the work, not waiting for anything to happen.
        tokio::time::sleep(Duration::from_millis(rng.random_range(500..2500))).await;
        let n = rng.random_range(0..replicas.len());
        let r = &mut replicas[n];
        r.child.kill().unwrap();
        r.child.wait().unwrap();
        r.child = start(r.webhooks, r.admin, n);
    }
    let killed_for = began.elapsed();
    let delivered = deliveries
        .await
        .unwrap()
        .expect("every webhook delivered to some replica");
    let total = SAMBAT + delivered as usize + rows;
    assert_eq!(total, 1_000, "{rows} Ngombe rows");

    let logs = || {
        (0..3)
            .map(|n| {
                let p = env.dir.path().join(format!("replica-{n}.log"));
                format!(
                    "--- replica {n}\n{}",
                    std::fs::read_to_string(p).unwrap_or_default()
                )
            })
            .collect::<String>()
    };
    // A slow or loaded machine takes longer (CI ran three times slower than a quiet one),
    // so the deadline is on progress: the counts left must change within STALL.
    let (mut last, mut moved, waited) = (String::new(), Instant::now(), Instant::now());
    while let Some(left) = common::unsettled(env, &store, total as u64) {
        if left != last {
            (last, moved) = (left.clone(), Instant::now());
        }
        if moved.elapsed() > STALL || waited.elapsed() > Duration::from_secs(1200) {
            let all = logs();
            let tails: Vec<&str> = all
                .lines()
                .filter(|l| l.starts_with("---") || !l.contains(" INFO "))
                .collect::<Vec<_>>();
            let tails = tails[tails.len().saturating_sub(300)..].join("\n");
            panic!("no progress in {STALL:?} (or not there in 20 min) towards every complaint forwarded and final, every write-back delivered: {left}\n{tails}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Every replica is ready for the load balancer, not only the one holding the LAPOR! and
    // SAMBAT leases (the others say who holds them).
    let http = reqwest::Client::new();
    for r in &replicas {
        let ready = http
            .get(format!("http://{}/readyz", r.admin))
            .send()
            .await
            .expect("/readyz answers");
        let status = ready.status();
        let body = ready.text().await.unwrap();
        assert_eq!(status, 200, "replica at {}: {body}", r.admin);
    }
    for r in &mut replicas {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(r.child.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        )
        .unwrap();
    }
    for r in &mut replicas {
        assert!(r.child.wait().unwrap().success(), "{}", logs());
    }

    let c = env.lapor.counters();
    assert_eq!(c.rate_limited, 0, "no call over the quota\n{}", logs());
    let complaints = env.lapor.complaints();
    assert_eq!(complaints.len(), total, "exactly one complaint per record");
    let mut keys: Vec<&str> = complaints.iter().map(|c| c.id_eksternal.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), total, "no record created twice");
    let checked = sync_check::check_all(
        &env.lapor,
        &env.sambat,
        &rig.mocks,
        &ngombe_status_file(&env.store_path()),
    );
    // A replica killed after a channel took a write-back but before it was recorded sends it
    // again with the same Idempotency-Key (SAMBAT: the same content), which the channel
    // answers without storing it twice; check_all has checked that nothing arrived twice.
    let (n, d) = (rig.mocks.call112.counters(), rig.mocks.desk.counters());
    assert_eq!(env.sambat.counters().writeback_not_found, 0);
    println!(
        "replicas: {total} complaints, {KILLS} SIGKILLs over {:.0} s, {} creates requested, {} replayed, {} conflicts, {} lookups, {checked} write-backs checked, 0 × 429; repeats caught: {} SAMBAT 409, {} 112 and {} desk Idempotency-Key",
        killed_for.as_secs_f64(),
        c.create_requests,
        c.replayed,
        c.conflicts,
        c.lookups,
        env.sambat.counters().writeback_duplicates,
        n.duplicate_deliveries,
        d.duplicate_deliveries,
    );
}
