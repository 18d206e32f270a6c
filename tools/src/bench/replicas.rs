//! Replicas of the release daemon on one PostgreSQL store (issue 17): forwarding throughput
//! with 1, 2 and 3 replicas (quota off), and the quota's use with 3 replicas. Only the
//! replica holding the `lapor` lease calls LAPOR!, so more replicas are expected to add
//! availability, not forwarding speed; this measures what they cost.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lapor_bridge::config::PgAddress;
use lapor_bridge::store::{OutboxState, Store};
use lapor_mocks::lapor::LaporMockConfig;

use super::daemon::binary;
use super::rig::{no_rate_limit, quota_off, Rig};
use crate::demo::{ngombe_inbox, ngombe_status_file, DEMO_TOML};
use crate::postgres::{TestPostgres, PASSWORD};

struct Replicas(Vec<Child>);

impl Drop for Replicas {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn start(rig: &Rig, url: &str, n: usize, extra: &[(&str, String)]) -> Result<Replicas, String> {
    let config = rig.dir().join("pg.toml");
    std::fs::write(
        &config,
        DEMO_TOML.replace(
            "path = \"demo-placeholder.db\"",
            &format!("url = \"{url}\""),
        ),
    )
    .map_err(|e| e.to_string())?;
    let store = rig.store_path();
    let mut out = Replicas(Vec::new());
    for i in 0..n {
        let log = std::fs::File::create(rig.dir().join(format!("replica-{i}.log")))
            .map_err(|e| e.to_string())?;
        let child = Command::new(binary()?)
            .arg("run")
            .arg("--config")
            .arg(&config)
            .env("LAPOR_BRIDGE__LAPOR__BASE_URL", rig.lapor.base_url())
            .env(
                "LAPOR_BRIDGE__CHANNELS__SAMBAT__BASE_URL",
                rig.sambat.base_url(),
            )
            .env(
                "LAPOR_BRIDGE__CHANNELS__NGOMBE__INBOX",
                ngombe_inbox(&store),
            )
            .env(
                "LAPOR_BRIDGE__CHANNELS__NGOMBE__WRITEBACK__STATUS_FILE",
                ngombe_status_file(&store),
            )
            .env("LAPOR_BRIDGE__STORE__PASSWORD__ENV", "BENCH_PG_PASSWORD")
            .env("BENCH_PG_PASSWORD", PASSWORD)
            .envs(extra.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting replica {i}: {e}"))?;
        out.0.push(child);
    }
    Ok(out)
}

fn open(url: &str) -> Result<Store, String> {
    Store::open_postgres(PgAddress::parse(url)?, Some(PASSWORD.to_owned().into()))
        .map_err(|e| e.to_string())
}

pub async fn replicas(records: usize, quota: u32, seconds: u64) -> Result<(), String> {
    let pg = TestPostgres::start()?;
    println!(
        "replicas: release daemons and a PostgreSQL server on this machine, {records} SAMBAT records each run"
    );
    for n in 1..=3 {
        let rig = Rig::start(quota_off()).await?;
        let url = pg.create_database(&format!("throughput_{n}"))?;
        let mut extra: Vec<(&str, String)> = no_rate_limit().into_iter().collect();
        extra.push(("LAPOR_BRIDGE__SYNC__ENABLED", "false".into()));
        let mut running = start(&rig, &url, n, &extra)?;
        let store = open(&url)?;
        let began = Instant::now();
        rig.sambat.add_generated(records);
        let deadline = began + Duration::from_secs(600);
        while store
            .count_in_state(OutboxState::Forwarded)
            .map_err(|e| e.to_string())?
            < records as u64
        {
            for (i, c) in running.0.iter_mut().enumerate() {
                if let Ok(Some(status)) = c.try_wait() {
                    return Err(format!("replica {i} exited ({status})"));
                }
            }
            if Instant::now() > deadline {
                return Err(format!("{n} replicas: not all forwarded in 600 s"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let secs = began.elapsed().as_secs_f64();
        let c = rig.lapor.counters();
        println!(
            "replicas: {n} replica(s), quota off: {records} forwarded in {secs:.2} s = {:.0} records/s; {} created from {} create requests",
            records as f64 / secs,
            c.created,
            c.create_requests
        );
    }

    let rig = Rig::start(LaporMockConfig {
        quota_per_minute: Some(quota),
        ..LaporMockConfig::default()
    })
    .await?;
    let url = pg.create_database("quota")?;
    let extra = vec![
        (
            "LAPOR_BRIDGE__LAPOR__RATE_LIMIT__PER_MINUTE",
            (quota - quota / 50 - 5).to_string(),
        ),
        ("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__BURST", "5".into()),
    ];
    let backlog = (quota as u64 * seconds / 60 + 200) as usize;
    let _running = start(&rig, &url, 3, &extra)?;
    let store = open(&url)?;
    rig.sambat.add_generated(backlog);
    // The measured period starts when the first complaint is created (after start-up).
    let wait_start = Instant::now();
    while rig.lapor.counters().created == 0 {
        if wait_start.elapsed() > Duration::from_secs(60) {
            return Err("no complaint created in 60 s".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let before = rig.lapor.counters();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let after = rig.lapor.counters();
    let requests = after.requests - before.requests;
    let creates = after.created - before.created;
    let permitted = quota as u64 * seconds / 60;
    println!(
        "replicas: 3 replicas, LAPOR! quota {quota}/min over {seconds} s: {requests} requests = {:.1}% of the {permitted} permitted, {creates} creates = {:.1}% of the requests, {} × 429; forwarded {} of a {backlog} backlog",
        100.0 * requests as f64 / permitted as f64,
        100.0 * creates as f64 / requests.max(1) as f64,
        after.rate_limited - before.rate_limited,
        store.count_in_state(OutboxState::Forwarded).map_err(|e| e.to_string())?
    );
    Ok(())
}
