//! End to end over real processes: `lapor-bridge run` against the LAPOR!, SAMBAT, 112 and
//! desk mocks; 300 complaints across the four channels; LAPOR!'s simulator walks each to a
//! final status in 2–4 updates while the feed re-delivers and re-issues updates. Every local
//! channel must end with exactly the final status and every response, in order, none twice.

use crate::common;
use crate::support::sync_check;

use std::time::Duration;

use common::{wait_for, SyncRig};
use lapor_tools::demo::{channels, ngombe_inbox, ngombe_status_file};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_complaints_end_on_their_channels_with_every_response_once() {
    let rig = SyncRig::start(
        Duration::from_millis(200),
        0.4,
        60,
        &[("LAPOR_BRIDGE__SYNC__PAGE_SIZE", "25".into())],
    )
    .await;
    let (env, mocks, addr) = (&rig.env, &rig.mocks, rig.addr);
    env.lapor.reissue_updates(0.1);
    let mut child = common::bridge_run(env, &rig.extra, &rig.log)
        .spawn()
        .expect("start lapor-bridge run");

    env.sambat.add_generated(150);
    common::wait_for_listener(addr).await;
    let sent = channels::simulate_webhooks(addr, 60, 50).await.unwrap();
    let rows = channels::drop_ngombe(&ngombe_inbox(&env.store_path()), 40).unwrap();
    assert_eq!(150 + sent.records + rows, 300);

    let store = common::open_store(&env.store_path());
    wait_for(
        "300 forwarded, every complaint final, every write-back delivered",
        Duration::from_secs(180),
        || common::settled(env, &store, 300),
    )
    .await;
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    assert!(
        child.wait().unwrap().success(),
        "{}",
        std::fs::read_to_string(&rig.log_path).unwrap()
    );

    let c = env.lapor.counters();
    assert!(
        c.updates_reissued > 0,
        "the feed re-issued updates under new ids"
    );
    let checked = sync_check::check_all(
        &env.lapor,
        &env.sambat,
        mocks,
        &ngombe_status_file(&env.store_path()),
    );
    let n = mocks.call112.counters();
    let d = mocks.desk.counters();
    assert_eq!(n.duplicate_deliveries + d.duplicate_deliveries, 0);
    assert_eq!(env.sambat.counters().writeback_not_found, 0);
    println!(
        "e2e: 300 complaints, {} updates emitted (+{} re-issued), {checked} channel write-backs checked, {} SAMBAT 409s",
        c.updates_emitted,
        c.updates_reissued,
        env.sambat.counters().writeback_duplicates
    );
}
