//! Crash test: the real `lapor-bridge run` process, SIGKILLed at random moments while 500
//! SAMBAT records flow and LAPOR! resets connections after creating; restarted each time.
//! LAPOR! must end with exactly 500 complaints, one per record, each with its content.

use crate::common;

use std::collections::BTreeMap;
use std::process::Child;
use std::time::{Duration, Instant};

use common::{counts, Env};
use lapor_mocks::lapor::{Faults, LaporMockConfig};
use rand::Rng;

const RECORDS: usize = 500;
const KILLS: usize = 24;

fn spawn(env: &Env, log: &std::fs::File) -> Child {
    let extra = [
        (
            "LAPOR_BRIDGE__CHANNELS__SAMBAT__POLL_INTERVAL_SECS",
            "1".into(),
        ),
        ("LAPOR_BRIDGE__FORWARDER__CONCURRENCY", "8".into()),
        ("LAPOR_BRIDGE__FORWARDER__BATCH_SIZE", "16".into()),
    ];
    common::bridge_run(env, &extra, log)
        .env("RUST_LOG", "info")
        .spawn()
        .expect("start lapor-bridge run")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_moments_never_loses_or_duplicates_a_complaint() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        faults: Faults {
            reset_after_create_probability: 0.15,
            error_5xx_probability: 0.05,
            ..Faults::default()
        },
        ..LaporMockConfig::default()
    })
    .await;
    let log_path = env.dir.path().join("bridge.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut rng = rand::rng();
    let per_round = RECORDS / KILLS + 1;
    let mut added = 0;

    for round in 0..KILLS {
        let n = per_round.min(RECORDS - added);
        env.sambat.add_generated(n);
        added += n;
        let mut child = spawn(&env, &log);
        // Kill after a random number of further create requests (or a random short time when
        // nothing is left to send), so kills land mid-request, mid-commit and mid-poll.
        let start_creates = env.lapor.counters().create_requests;
        let target = start_creates + rng.random_range(1..=12);
        let max_wait = Duration::from_millis(rng.random_range(50..=1500));
        let t0 = Instant::now();
        while env.lapor.counters().create_requests < target && t0.elapsed() < max_wait {
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "lapor-bridge exited on its own in round {round}: {status}; log: {}",
                    std::fs::read_to_string(&log_path).unwrap()
                );
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
    }
    assert_eq!(added, RECORDS);

    // A last run, left to finish.
    let mut child = spawn(&env, &log);
    let store = common::open_store(&env.store_path());
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let c = counts(&store);
        if c.forwarded as usize == RECORDS {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after the kills, only {} of {RECORDS} forwarded ({} pending, {} dead, {} held)",
            c.forwarded,
            c.pending,
            c.dead,
            c.held
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM ends the run cleanly: {status}");

    let complaints = env.lapor.complaints();
    let by_ext: BTreeMap<String, &lapor_mocks::lapor::MockComplaint> = complaints
        .iter()
        .map(|c| (c.id_eksternal.clone(), c))
        .collect();
    assert_eq!(
        complaints.len(),
        RECORDS,
        "exactly one complaint per record"
    );
    assert_eq!(by_ext.len(), RECORDS, "no id_eksternal twice");
    let records = env.sambat.records();
    assert_eq!(records.len(), RECORDS);
    for r in &records {
        let id = r["id"].as_i64().unwrap();
        let c = by_ext
            .get(&format!("sambat:{id}"))
            .unwrap_or_else(|| panic!("record {id} missing in LAPOR!"));
        assert_eq!(
            c.body["isi"].as_str().unwrap(),
            r["isi"].as_str().unwrap().trim(),
            "isi of {id}"
        );
        let judul = r["judul"].as_str().unwrap().trim();
        if !judul.is_empty() {
            assert_eq!(c.body["judul"].as_str().unwrap(), judul, "judul of {id}");
        }
        assert_eq!(c.body["anonim"], r["anonim"], "anonim of {id}");
        assert_eq!(c.body["kanal"], "sambat");
        let d = store
            .detail(&lapor_bridge::domain::RecordKey::parse(&format!("sambat:{id}")).unwrap())
            .unwrap();
        assert_eq!(
            d.tracking_id.as_deref(),
            Some(c.tracking_id.as_str()),
            "tracking id of {id}"
        );
    }
    let c = env.lapor.counters();
    assert!(
        c.injected_resets > 0,
        "the run must have seen resets after create"
    );
    eprintln!(
        "crash test: {KILLS} kills, {} creates sent, {} created, {} replays, {} conflicts, {} resets injected, {} lookups",
        c.create_requests, c.created, c.replayed, c.conflicts, c.injected_resets, c.lookups
    );
}
