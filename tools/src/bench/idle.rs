//! `lapor-tools bench idle --store F --seconds S`: the release daemon on a copy of F with the
//! mocks and nothing to do (no new records, LAPOR!'s feed empty), at the production intervals.
//! After a warm-up (start, migrations, the first poll of every stage) its CPU is read from
//! /proc/PID/stat (utime + stime) over S seconds, and its RSS at the end.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::cpu::{percent_of_core, process_ticks, status_mb};
use super::daemon::{production_overrides, Daemon};
use super::rig::{quota_off, Rig};
use super::throughput::verdict;

pub async fn idle(store: Option<PathBuf>, seconds: u64, warmup: u64) -> Result<(), String> {
    let rig = Rig::start(quota_off()).await?;
    let what = match &store {
        Some(s) => {
            rig.use_store(s)?;
            format!("a copy of {} ({})", s.display(), size_mb(s))
        }
        None => "a fresh store".to_string(),
    };
    let mut d = Daemon::spawn(&rig, &production_overrides())?;
    let pid = d.pid();
    wait(&mut d, Duration::from_secs(warmup)).await?;
    let t0 = process_ticks(pid).ok_or("cannot read the daemon's /proc stat")?;
    let start = Instant::now();
    let mut peak_rss: f64 = 0.0;
    while start.elapsed() < Duration::from_secs(seconds) {
        wait(&mut d, Duration::from_millis(500)).await?;
        peak_rss = peak_rss.max(status_mb(pid, "VmRSS:").unwrap_or(0.0));
    }
    let ticks = process_ticks(pid).ok_or("cannot read the daemon's /proc stat")? - t0;
    let wall = start.elapsed();
    let rss = status_mb(pid, "VmRSS:").unwrap_or(f64::NAN);
    let hwm = status_mb(pid, "VmHWM:").unwrap_or(f64::NAN);
    d.check_alive()?;
    let cpu = percent_of_core(ticks, wall);
    println!(
        "idle: release daemon on {what}, mocks in the bench process with nothing new, production intervals (sync poll 15 s, SAMBAT poll 30 s, status 5 s, forwarder idle poll 500 ms); {warmup} s warm-up, then {:.1} s measured",
        wall.as_secs_f64()
    );
    println!(
        "RESULT idle CPU: {cpu:.2}% of a core ({ticks} ticks of 10 ms in {:.1} s)  (target <= 1%)  {}",
        wall.as_secs_f64(),
        verdict(cpu <= 1.0)
    );
    println!(
        "RESULT idle RSS: {rss:.1} MB at the end, {peak_rss:.1} MB highest sampled, VmHWM {hwm:.1} MB (start-up included)  (target <= 20 MB)  {}",
        verdict(rss <= 20.0)
    );
    Ok(())
}

/// Lets `d` run for `dur`, failing early if it exits.
pub(super) async fn wait(d: &mut Daemon, dur: Duration) -> Result<(), String> {
    let end = Instant::now() + dur;
    loop {
        d.check_alive()?;
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        tokio::time::sleep(left.min(Duration::from_millis(200))).await;
    }
}

pub(super) fn size_mb(p: &Path) -> String {
    std::fs::metadata(p)
        .map(|m| format!("{:.0} MB", m.len() as f64 / 1e6))
        .unwrap_or_default()
}
