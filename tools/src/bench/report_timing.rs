//! `bench report --store FILE`: how long the report figures take on a store (built by
//! `bench store`), and what they cost in memory. One line per figure:
//! - in process: the KPI report of this year to date, the SLA report, and both as the
//!   dashboard's JSON (what `/dashboard/data.json` computes), each the best of 3 runs;
//! - `lapor-bridge report --format json` and `report sla --format json` as child processes of
//!   the release binary: wall-clock time and peak RSS (`wait4`);
//! - a daemon (`lapor-bridge run`, no channels, against the LAPOR! mock) on a copy of the
//!   store: `/dashboard/data.json` and `/metrics` times, and the daemon's RSS before, after
//!   and at its peak (`VmHWM`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use lapor_bridge::config::ReportConfig;
use lapor_bridge::report;
use lapor_bridge::store::Store;
use lapor_mocks::lapor::LaporMock;

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn best_of<T>(n: usize, mut f: impl FnMut() -> Result<T, String>) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..n {
        let t = Instant::now();
        f()?;
        best = best.min(t.elapsed());
    }
    Ok(best)
}

pub async fn time_reports(store: &Path, bin: Option<PathBuf>) -> Result<(), String> {
    let bin = match bin {
        Some(b) => b,
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name("lapor-bridge"),
    };
    let records = {
        let s = Store::open(store).map_err(|e| e.to_string())?;
        let n: i64 = s
            .with_conn(|c| c.query_row("SELECT count(*) FROM records", [], |r| r.get(0)))
            .map_err(|e| e.to_string())?;
        n
    };
    println!("store:   {} ({records} records)", store.display());
    in_process(store)?;
    if !bin.exists() {
        return Err(format!(
            "{} not found: build it with `cargo build --release -p lapor-bridge` or give --bin",
            bin.display()
        ));
    }
    for args in [
        &["report", "--format", "json"][..],
        &["report", "sla", "--format", "json"],
    ] {
        let (took, rss_kb) = child_run(&bin, store, args)?;
        println!(
            "binary `{}`: {}, peak RSS {:.1} MB",
            args.join(" "),
            ms(took),
            rss_kb as f64 / 1024.0
        );
    }
    daemon(&bin, store).await
}

fn in_process(path: &Path) -> Result<(), String> {
    let store = Store::open(path).map_err(|e| e.to_string())?;
    let cfg = ReportConfig::default();
    let cal = report::calendar_for(&cfg).map_err(|e| e.to_string())?;
    let now = Timestamp::now();
    let (from, to) = report::year_to_date(now);
    let kpi = || report::kpi_report(&store, &cfg, &cal, from, to, now).map_err(|e| e.to_string());
    let sla = || report::sla_report(&store, &cfg, &cal, now).map_err(|e| e.to_string());
    let r = kpi()?;
    println!(
        "in process: KPI report {from}..{to}: {} ({} received)",
        ms(best_of(3, kpi)?),
        r.total.received
    );
    let s = sla()?;
    println!(
        "in process: SLA report: {} ({} on the watch list)",
        ms(best_of(3, sla)?),
        s.watch.len()
    );
    let watch = || report::sla_watch(&store, &cfg, &cal, now).map_err(|e| e.to_string());
    println!(
        "in process: SLA watch list alone (alert stages): {}",
        ms(best_of(3, watch)?)
    );
    let both = best_of(3, || {
        let j = serde_json::json!({"report": kpi()?, "sla": sla()?});
        Ok(j.to_string().len())
    })?;
    println!("in process: dashboard figures as JSON: {}", ms(both));
    Ok(())
}

/// Runs `bin args --store store`; wall-clock time and peak RSS in kB.
fn child_run(bin: &Path, store: &Path, args: &[&str]) -> Result<(Duration, i64), String> {
    let started = Instant::now();
    let child = Command::new(bin)
        .args(args)
        .arg("--store")
        .arg(store)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, not yet waited for; the pointers are to live locals.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let took = started.elapsed();
    if r != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("`{}` failed (status {status})", args.join(" ")));
    }
    Ok((took, usage.ru_maxrss))
}

/// `VmRSS` and `VmHWM` of a process, in kB.
fn rss(pid: u32) -> (u64, u64) {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |k: &str| {
        s.lines()
            .find(|l| l.starts_with(k))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}

async fn daemon(bin: &Path, store: &Path) -> Result<(), String> {
    let lapor = LaporMock::start(super::rig::quota_off())
        .await
        .map_err(|e| e.to_string())?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let config = dir.path().join("bridge.toml");
    std::fs::write(
        &config,
        format!(
            "mode = \"live\"\n[store]\npath = \"{}\"\n[logging]\nformat = \"text\"\nlevel = \"warn\"\n\
             [lapor]\nbase_url = \"{}\"\nclient_id = \"pemkot-malang\"\n\
             client_secret = {{ value = \"rahasia-demo\" }}\n[admin]\nlisten = \"127.0.0.1:{port}\"\n",
            store.display(),
            lapor.base_url()
        ),
    )
    .map_err(|e| e.to_string())?;
    let mut child = Command::new(bin)
        .args(["run", "--config"])
        .arg(&config)
        .env_remove("NOTIFY_SOCKET")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id();
    let result = measure_daemon(pid, &format!("http://127.0.0.1:{port}")).await;
    let _ = child.kill();
    let _ = child.wait();
    result
}

async fn measure_daemon(pid: u32, base: &str) -> Result<(), String> {
    let http = reqwest::Client::new();
    let end = Instant::now() + Duration::from_secs(120);
    while !matches!(http.get(format!("{base}/healthz")).send().await, Ok(r) if r.status().is_success())
    {
        if Instant::now() > end {
            return Err("the daemon's admin listener never answered".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let the start-up work (reference refresh, first feed read) settle first.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (before, _) = rss(pid);
    println!("daemon:  RSS idle before the dashboard {}", mb(before));
    for (path, n) in [
        ("/dashboard/data.json", 3),
        ("/dashboard", 1),
        ("/metrics", 2),
    ] {
        for i in 1..=n {
            let t = Instant::now();
            let r = http
                .get(format!("{base}{path}"))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let ok = r.status().is_success();
            let len = r.bytes().await.map_err(|e| e.to_string())?.len();
            if !ok {
                return Err(format!("{path}: not 2xx"));
            }
            let (now, peak) = rss(pid);
            println!(
                "daemon:  GET {path} #{i}: {} ({len} bytes); RSS {} (peak {})",
                ms(t.elapsed()),
                mb(now),
                mb(peak)
            );
        }
    }
    Ok(())
}
