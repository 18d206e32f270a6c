//! `lapor-tools bench` (`cargo tools bench`): the committed benchmark behind BENCHMARKS.md.
//! `throughput`: intake → committed → forwarded against in-process mocks, quota off.
//! `quota`: two minutes against a LAPOR! mock enforcing its quota; how much of it is used,
//! and how many 429s.
//! `csv-memory`: peak RSS of the CSV folder on a large file refused and on large files taken in.
//! `store`: builds a realistic store of N complaints; `report`: times the reports and the
//! dashboard on such a store, with peak RSS.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Subcommand;
use lapor_mocks::lapor::{LaporMock, LaporMockConfig};

use crate::demo::totals;
use lapor_bridge::shutdown;
use lapor_bridge::store::{OutboxState, Store};
use rig::{no_rate_limit, quota_off, Rig};

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub which: Which,
}

#[derive(Subcommand, Debug)]
pub enum Which {
    /// Records per second committed and forwarded end to end, LAPOR! quota off.
    Throughput {
        #[arg(long, default_value_t = 20_000)]
        records: usize,
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
    },
    /// Share of an enforced quota used over a period, and 429s received.
    Quota {
        /// The quota the LAPOR! mock enforces, requests per minute.
        #[arg(long, default_value_t = 600)]
        quota: u32,
        /// The bridge's own limit. In any 60 s window it lets through at most
        /// `bridge_per_minute + burst` requests, which must stay within the server's quota.
        #[arg(long, default_value_t = 591)]
        bridge_per_minute: u32,
        /// Burst above 1 lets the limiter catch up the few milliseconds each wake-up is late.
        #[arg(long, default_value_t = 5)]
        burst: u32,
        #[arg(long, default_value_t = 120)]
        seconds: u64,
    },
    /// Webhook latency, receive → 202 with the record committed, at a fixed delivery rate.
    WebhookLatency {
        /// Deliveries per second, sent open-loop.
        #[arg(long, default_value_t = 200)]
        rate: u32,
        #[arg(long, default_value_t = 30)]
        seconds: u64,
    },
    /// LAPOR! status change → SAMBAT write-back, at LAPOR!'s default quota.
    SyncLatency {
        /// The updates feed's poll interval (`sync.poll_interval_ms`).
        #[arg(long, default_value_t = 5000)]
        poll_ms: u64,
        /// Status changes measured, one at a time.
        #[arg(long, default_value_t = 30)]
        trials: usize,
    },
    /// Peak RSS of the CSV folder stage: a file over max_file_bytes, a many-row file, a large
    /// file with the limit raised, and one huge cell.
    CsvMemory {
        /// Size of the large files, MB.
        #[arg(long, default_value_t = 50)]
        mb: u64,
        /// Rows of the many-row file.
        #[arg(long, default_value_t = 100_000)]
        rows: u32,
    },
    /// Builds a realistic store of N complaints (statuses, responses, write-backs) by SQL.
    Store {
        #[arg(long, default_value_t = 300_000)]
        records: u64,
        /// The years the complaints are spread over, ending now.
        #[arg(long, default_value_t = 5)]
        years: u32,
        #[arg(long)]
        output: std::path::PathBuf,
    },
    /// Times `report`, `/dashboard/data.json` and `/metrics` on a store, with peak RSS.
    Report {
        #[arg(long)]
        store: std::path::PathBuf,
        /// The `lapor-bridge` binary; default: the one beside this tool (target/release).
        #[arg(long)]
        bin: Option<std::path::PathBuf>,
    },
}

mod csv_memory;
mod report_timing;
mod rig;
mod store;
mod sync_latency;
mod webhook_latency;

pub async fn run(args: BenchArgs) -> ExitCode {
    lapor_bridge::logging::init(lapor_bridge::config::LogFormat::Text, "error");
    println!("machine: {}", machine());
    println!(
        "date:    {}",
        jiff::ZonedDateTime::now().strftime("%Y-%m-%d %H:%M %Z")
    );
    let result = match args.which {
        Which::Throughput {
            records,
            concurrency,
        } => throughput(records, concurrency).await,
        Which::Quota {
            quota,
            bridge_per_minute,
            burst,
            seconds,
        } => quota_use(quota, bridge_per_minute, burst, seconds).await,
        Which::WebhookLatency { rate, seconds } => {
            webhook_latency::webhook_latency(rate, seconds).await
        }
        Which::SyncLatency { poll_ms, trials } => sync_latency::sync_latency(poll_ms, trials).await,
        Which::CsvMemory { mb, rows } => csv_memory::csv_memory(mb, rows).await,
        Which::Store {
            records,
            years,
            output,
        } => store::build_store(records, years, &output).await,
        Which::Report { store, bin } => report_timing::time_reports(&store, bin).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench failed: {e}");
            ExitCode::from(1)
        }
    }
}

async fn throughput(records: usize, concurrency: usize) -> Result<(), String> {
    let rig = Rig::start(quota_off()).await?;
    rig.sambat.add_generated(records);
    let mut overrides = no_rate_limit().to_vec();
    overrides.extend([
        (
            "LAPOR_BRIDGE__FORWARDER__CONCURRENCY",
            concurrency.to_string(),
        ),
        ("LAPOR_BRIDGE__FORWARDER__BATCH_SIZE", "512".into()),
        (
            "LAPOR_BRIDGE__CHANNELS__SAMBAT__POLL_INTERVAL_SECS",
            "1".into(),
        ),
    ]);
    let pipeline = rig.pipeline(&overrides)?;
    let lapor = &rig.lapor;
    let store = pipeline.store.clone();
    let (trigger, shutdown) = shutdown::channel();
    let start = Instant::now();
    let runner = tokio::spawn(async move { pipeline.run(shutdown).await });
    let mut committed_at = None;
    let err = |e: lapor_bridge::store::StoreError| e.to_string();
    let forwarded_at = loop {
        if committed_at.is_none() && store.count_records().map_err(err)? as usize >= records {
            committed_at = Some(start.elapsed());
        }
        let forwarded = store.count_in_state(OutboxState::Forwarded).map_err(err)?;
        if forwarded as usize >= records {
            break start.elapsed();
        }
        if start.elapsed() > Duration::from_secs(600) {
            return Err(format!(
                "only {forwarded} of {records} forwarded after 600 s"
            ));
        }
        // Sampling granularity: 1% of a 5 s run.
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    trigger.trigger();
    let _ = runner.await;
    let committed_at = committed_at.unwrap_or(forwarded_at);
    let c = lapor.counters();
    println!("throughput: {records} SAMBAT records, LAPOR! quota off, forwarder concurrency {concurrency}");
    println!(
        "  committed (polled + stored):   {:>7.2} s  {:>8.0} records/s",
        committed_at.as_secs_f64(),
        records as f64 / committed_at.as_secs_f64()
    );
    println!(
        "  forwarded end to end:          {:>7.2} s  {:>8.0} records/s",
        forwarded_at.as_secs_f64(),
        records as f64 / forwarded_at.as_secs_f64()
    );
    println!(
        "  LAPOR! mock: {} created, {} create requests",
        c.created, c.create_requests
    );
    check_exactly_once(&store, lapor, records)?;
    Ok(())
}

async fn quota_use(
    quota: u32,
    bridge_per_minute: u32,
    burst: u32,
    seconds: u64,
) -> Result<(), String> {
    let rig = Rig::start(LaporMockConfig {
        quota_per_minute: Some(quota),
        ..LaporMockConfig::default()
    })
    .await?;
    // More than the period can carry, so the forwarder is never idle.
    let records = (quota as u64 * seconds / 60 + 200) as usize;
    rig.sambat.add_generated(records);
    let pipeline = rig.pipeline(&[
        (
            "LAPOR_BRIDGE__LAPOR__RATE_LIMIT__PER_MINUTE",
            bridge_per_minute.to_string(),
        ),
        ("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__BURST", burst.to_string()),
        ("LAPOR_BRIDGE__FORWARDER__CONCURRENCY", "8".into()),
    ])?;
    let lapor = &rig.lapor;
    let (trigger, shutdown) = shutdown::channel();
    let before = lapor.counters();
    let start = Instant::now();
    let runner = tokio::spawn(async move { pipeline.run(shutdown).await });
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let after = lapor.counters();
    let elapsed = start.elapsed();
    trigger.trigger();
    let _ = runner.await;
    let accepted = (after.requests - after.rate_limited) - (before.requests - before.rate_limited);
    let allowed = quota as f64 * elapsed.as_secs_f64() / 60.0;
    println!("quota: LAPOR! mock enforcing {quota}/min (sliding 60 s window, all endpoints), bridge limited to {bridge_per_minute}/min, burst {burst}");
    println!(
        "  {:.1} s: {} requests accepted of {:.0} allowed = {:.1}% of the quota used; {} answered 429; {} complaints created",
        elapsed.as_secs_f64(),
        accepted,
        allowed,
        100.0 * accepted as f64 / allowed,
        after.rate_limited - before.rate_limited,
        after.created
    );
    Ok(())
}

fn check_exactly_once(store: &Store, lapor: &LaporMock, records: usize) -> Result<(), String> {
    let complaints = lapor.complaints();
    let unique: std::collections::BTreeSet<_> =
        complaints.iter().map(|c| c.id_eksternal.clone()).collect();
    let t = totals(&store.state_counts().map_err(|e| e.to_string())?);
    println!(
        "  check: {} complaints in LAPOR!, {} distinct id_eksternal, {} forwarded in the store",
        complaints.len(),
        unique.len(),
        t.forwarded
    );
    if complaints.len() != records || unique.len() != records {
        return Err("exactly-once check failed".into());
    }
    Ok(())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_owned())
        })
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| format!("{} GiB", kb / 1024 / 1024))
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {mem}")
}
