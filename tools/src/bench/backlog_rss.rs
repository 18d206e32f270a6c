//! `lapor-tools bench backlog-rss`: the release daemon's RSS while a backlog waits on the
//! quota. SAMBAT holds `records` new complaints, LAPOR! enforces 60 requests a minute and the
//! bridge is limited to the same, so once intake has stored them all nearly the whole backlog
//! waits; RSS is sampled from /proc/PID/status over `seconds` after that.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lapor_bridge::store::Store;
use lapor_mocks::lapor::LaporMockConfig;

use super::cpu::{percent_of_core, process_ticks, status_mb};
use super::daemon::{production_overrides, Daemon};
use super::idle::{size_mb, wait};
use super::rig::Rig;
use super::throughput::verdict;

pub async fn backlog_rss(
    store: Option<PathBuf>,
    records: usize,
    seconds: u64,
) -> Result<(), String> {
    let rig = Rig::start(LaporMockConfig {
        quota_per_minute: Some(60),
        ..LaporMockConfig::default()
    })
    .await?;
    let what = match &store {
        Some(s) => {
            rig.use_store(s)?;
            format!("a copy of {} ({})", s.display(), size_mb(s))
        }
        None => "a fresh store".to_string(),
    };
    let err = |e: lapor_bridge::store::StoreError| e.to_string();
    let before = match &store {
        Some(_) => Store::open(&rig.store_path())
            .map_err(err)?
            .count_records()
            .map_err(err)?,
        None => 0,
    };
    rig.sambat.add_generated(records);
    let mut env = production_overrides();
    env.extend([
        ("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__PER_MINUTE", "60".into()),
        ("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__BURST", "1".into()),
        // Intake as fast as SAMBAT pages, so the backlog is in the store soon.
        (
            "LAPOR_BRIDGE__CHANNELS__SAMBAT__POLL_INTERVAL_SECS",
            "1".into(),
        ),
    ]);
    let mut d = Daemon::spawn(&rig, &env)?;
    let pid = d.pid();
    let start = Instant::now();
    // The daemon creates the store on a fresh run; open ours once it is there.
    let reader = loop {
        wait(&mut d, Duration::from_millis(200)).await?;
        if rig.store_path().exists() {
            if let Ok(s) = Store::open(&rig.store_path()) {
                break s;
            }
        }
        if start.elapsed() > Duration::from_secs(60) {
            return Err("the daemon made no store in 60 s".into());
        }
    };
    let mut peak_intake: f64 = 0.0;
    loop {
        wait(&mut d, Duration::from_millis(500)).await?;
        peak_intake = peak_intake.max(status_mb(pid, "VmRSS:").unwrap_or(0.0));
        if reader.count_records().map_err(err)? >= before + records as u64 {
            break;
        }
        if start.elapsed() > Duration::from_secs(900) {
            return Err(format!("{records} records not stored after 900 s"));
        }
    }
    let intake = start.elapsed();
    drop(reader);
    let t0 = process_ticks(pid).unwrap_or(0);
    let m0 = Instant::now();
    let mut peak: f64 = 0.0;
    while m0.elapsed() < Duration::from_secs(seconds) {
        wait(&mut d, Duration::from_millis(500)).await?;
        peak = peak.max(status_mb(pid, "VmRSS:").unwrap_or(0.0));
    }
    let ticks = process_ticks(pid).unwrap_or(0).saturating_sub(t0);
    let rss = status_mb(pid, "VmRSS:").unwrap_or(f64::NAN);
    let hwm = status_mb(pid, "VmHWM:").unwrap_or(f64::NAN);
    let c = rig.lapor.counters();
    println!(
        "backlog-rss: release daemon on {what}; {records} SAMBAT records stored in {:.1} s (RSS up to {peak_intake:.1} MB meanwhile), then {:.1} s with the backlog waiting on LAPOR!'s 60/min quota ({} created so far, {} answered 429); CPU meanwhile {:.1}% of a core",
        intake.as_secs_f64(),
        m0.elapsed().as_secs_f64(),
        c.created,
        c.rate_limited,
        percent_of_core(ticks, m0.elapsed()),
    );
    println!(
        "RESULT RSS with a {}k backlog: {rss:.1} MB at the end, {peak:.1} MB highest sampled while waiting, VmHWM {hwm:.1} MB (intake included)  (target <= 40 MB)  {}",
        records / 1000,
        verdict(peak <= 40.0)
    );
    Ok(())
}
