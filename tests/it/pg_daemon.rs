//! `lapor-bridge run` on a PostgreSQL store (`[store] url`), end to end over real processes:
//! SAMBAT, the 112 and desk webhooks and the Ngombe folder into a real PostgreSQL, forwarded
//! to the LAPOR! mock, LAPOR!'s statuses and responses written back to every channel once and
//! in order, as the SQLite daemon does (`sync_e2e.rs`).

use crate::common;
use crate::support::sync_check;

use std::time::Duration;

use common::{wait_for, SyncRig};
use lapor_tools::demo::{channels, ngombe_inbox, ngombe_status_file};
use lapor_tools::postgres::TestPostgres;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daemon_on_postgresql_forwards_and_writes_back_every_complaint_once() {
    let pg = TestPostgres::start().unwrap();
    let url = pg.create_database("kota_malang").unwrap();
    let rig = SyncRig::start(
        Duration::from_millis(200),
        0.4,
        20,
        &[("LAPOR_BRIDGE__SYNC__PAGE_SIZE", "25".into())],
    )
    .await;
    let (env, mocks, addr) = (&rig.env, &rig.mocks, rig.addr);
    let mut child = common::bridge_run_on_postgres(env, &rig.extra, &url, &rig.log)
        .spawn()
        .expect("start lapor-bridge run");

    let log = || std::fs::read_to_string(&rig.log_path).unwrap();
    env.sambat.add_generated(40);
    wait_for("the webhook listener", Duration::from_secs(20), || {
        if let Ok(Some(_)) = child.try_wait() {
            panic!("lapor-bridge run stopped:\n{}", log());
        }
        std::net::TcpStream::connect(addr).is_ok()
    })
    .await;
    let sent = channels::simulate_webhooks(addr, 20, 10).await.unwrap();
    let rows = channels::drop_ngombe(&ngombe_inbox(&env.store_path()), 10).unwrap();
    let total = (40 + sent.records + rows) as usize;

    let store = crate::support::pg::open(&url);
    wait_for(
        "every complaint forwarded and final, every write-back delivered",
        Duration::from_secs(180),
        || {
            if let Ok(Some(_)) = child.try_wait() {
                panic!("lapor-bridge run stopped:\n{}", log());
            }
            common::settled(env, &store, total as u64)
        },
    )
    .await;
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    assert!(child.wait().unwrap().success(), "{}", log());

    assert_eq!(
        env.lapor.complaints().len(),
        total,
        "one complaint per record"
    );
    assert!(
        std::fs::metadata(env.store_path()).is_err(),
        "no SQLite file was made"
    );
    let checked = sync_check::check_all(
        &env.lapor,
        &env.sambat,
        mocks,
        &ngombe_status_file(&env.store_path()),
    );
    assert!(
        checked >= total,
        "{checked} write-backs checked for {total} complaints"
    );
    let (n, d) = (mocks.call112.counters(), mocks.desk.counters());
    assert_eq!(n.duplicate_deliveries + d.duplicate_deliveries, 0);
    assert!(
        !log().contains("works on the SQLite store only"),
        "{}",
        log()
    );
}
