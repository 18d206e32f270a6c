//! Crash test of the sync: the real `lapor-bridge run`, SIGKILLed at random moments while
//! LAPOR!'s lifecycle runs and updates are read and written back, restarted each time. No
//! update may be lost, and none written back twice: SAMBAT answers a repeat with 409, the 112
//! and desk mocks drop a repeated `Idempotency-Key` (and count it).

use crate::common;
use crate::support::sync_check;

use std::process::Child;
use std::time::{Duration, Instant};

use common::{counts, wait_for, Env, SyncRig};
use lapor_tools::demo::{channels, ngombe_inbox, ngombe_status_file, writeback::ChannelMocks};
use rand::Rng;

const KILLS: usize = 12;

fn spawn(env: &Env, extra: &[(&'static str, String)], log: &std::fs::File) -> Child {
    common::bridge_run(env, extra, log)
        .env("RUST_LOG", "info")
        .spawn()
        .expect("start lapor-bridge run")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_sync_loses_no_update_and_writes_none_twice() {
    let rig = SyncRig::start(
        Duration::from_millis(150),
        0.3,
        20,
        &[
            ("LAPOR_BRIDGE__SYNC__PAGE_SIZE", "10".into()),
            ("LAPOR_BRIDGE__SYNC__POLL_INTERVAL_MS", "200".into()),
        ],
    )
    .await;
    let (env, mocks, addr) = (&rig.env, &rig.mocks, rig.addr);

    env.sambat.add_generated(100);
    let mut child = spawn(env, &rig.extra, &rig.log);
    common::wait_for_listener(addr).await;
    let sent = channels::simulate_webhooks(addr, 20, 10).await.unwrap();
    let rows = channels::drop_ngombe(&ngombe_inbox(&env.store_path()), 20).unwrap();
    let total = 100 + sent.records + rows;

    let mut rng = rand::rng();
    let written = |env: &Env, mocks: &ChannelMocks| {
        env.sambat.counters().writebacks
            + mocks.call112.counters().requests
            + mocks.desk.counters().requests
    };
    for round in 0..KILLS {
        // Kill after a random number of further write-back requests (or a short random time),
        // so kills land between a channel's answer and the commit, mid-page and mid-poll.
        let start = written(env, mocks);
        let target = start + rng.random_range(1..=25);
        let max_wait = Duration::from_millis(rng.random_range(100..=1500));
        let t0 = Instant::now();
        while written(env, mocks) < target && t0.elapsed() < max_wait {
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "lapor-bridge exited on its own in round {round}: {status}; log: {}",
                    std::fs::read_to_string(&rig.log_path).unwrap()
                );
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        child = spawn(env, &rig.extra, &rig.log);
    }

    let store = common::open_store(&env.store_path());
    wait_for(
        "everything forwarded, final and written back",
        Duration::from_secs(180),
        || {
            counts(&store).forwarded == total
                && env
                    .lapor
                    .complaints()
                    .iter()
                    .all(|c| matches!(c.status.as_str(), "selesai" | "ditolak" | "diarsipkan"))
                && store.open_complaints(None, usize::MAX).unwrap().is_empty()
                && store
                    .writeback_counts()
                    .unwrap()
                    .iter()
                    .all(|c| c.state == "done")
        },
    )
    .await;
    child.kill().unwrap();
    child.wait().unwrap();

    let checked = sync_check::check_all(
        &env.lapor,
        &env.sambat,
        mocks,
        &ngombe_status_file(&env.store_path()),
    );
    println!(
        "sync crash test: {KILLS} kills, {total} complaints, {} updates emitted, {checked} write-backs checked; repeats caught: {} SAMBAT 409, {} 112 and {} desk Idempotency-Key",
        env.lapor.counters().updates_emitted,
        env.sambat.counters().writeback_duplicates,
        mocks.call112.counters().duplicate_deliveries,
        mocks.desk.counters().duplicate_deliveries,
    );
}
