//! `lapor-tools bench` (`cargo tools bench`): the committed benchmark behind BENCHMARKS.md.
//! `throughput`: intake → committed → forwarded against the mocks, quota off, with the
//! bridge's CPU and the mock's raw POST ceiling (`bench/throughput.rs`).
//! `idle`, `backlog-rss`: CPU and RSS of the release daemon (`bench/idle.rs`, `backlog_rss.rs`).
//! `quota` (bench/quota.rs): two minutes against a LAPOR! mock enforcing its quota; how much
//! of it is used, how much by creates while a backlog exists, and how many 429s.
//! `csv-memory`: peak RSS of the CSV folder on a large file refused and on large files taken in.
//! `store`: builds a realistic store of N complaints; `report`: times the reports and the
//! dashboard on such a store, with peak RSS. `migrate`: `store migrate` of a store into a
//! PostgreSQL cluster started here (the downtime of moving a city over). `replicas`: 1, 2 and 3
//! daemons on one PostgreSQL store, and the quota with 3 (`bench/replicas.rs`).

use std::process::ExitCode;

use clap::Subcommand;
use lapor_mocks::lapor::LaporMock;

use crate::demo::totals;
use lapor_bridge::store::Store;

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub which: Which,
}

#[derive(Subcommand, Debug)]
pub enum Which {
    /// Records per second committed and forwarded end to end, LAPOR! quota off, the bridge's
    /// CPU, and the LAPOR! mock's raw POST ceiling measured in the same run.
    Throughput(throughput::Args),
    /// Share of an enforced quota used over a period, the creates' part of it while a
    /// backlog exists, and 429s received.
    Quota {
        /// The quota the LAPOR! mock enforces, requests per minute.
        #[arg(long, default_value_t = 600)]
        quota: u32,
        /// The bridge's own limit (default: 1.5% under the quota, at least 1 under). In any
        /// 60 s window it lets through at most `bridge_per_minute + burst` requests, which
        /// must stay within the server's quota.
        #[arg(long)]
        bridge_per_minute: Option<u32>,
        /// Burst above 1 lets the limiter catch up the few milliseconds each wake-up is late
        /// (default: what is left of the quota, 1..=5).
        #[arg(long)]
        burst: Option<u32>,
        /// `lapor.rate_limit.background_share` (default: the configuration's default).
        #[arg(long)]
        background_share: Option<f64>,
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
        /// Run on a copy of this store (e.g. from `bench store`) instead of a fresh one.
        #[arg(long)]
        store: Option<std::path::PathBuf>,
    },
    /// CPU and RSS of the idle release daemon (`target/release/lapor-bridge run`).
    Idle {
        /// Run on a copy of this store (e.g. from `bench store`) instead of a fresh one.
        #[arg(long)]
        store: Option<std::path::PathBuf>,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Not measured: start-up and every stage's first step.
        #[arg(long, default_value_t = 20)]
        warmup: u64,
    },
    /// RSS of the release daemon with a backlog waiting on LAPOR!'s quota.
    BacklogRss {
        #[arg(long)]
        store: Option<std::path::PathBuf>,
        #[arg(long, default_value_t = 50_000)]
        records: usize,
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
    /// Times `lapor-bridge store migrate` of a store into a PostgreSQL cluster started here.
    Migrate {
        #[arg(long)]
        store: std::path::PathBuf,
    },
    /// 1, 2 and 3 release daemons on one PostgreSQL store: forwarding throughput (quota off),
    /// then the quota's use with 3 replicas.
    Replicas {
        #[arg(long, default_value_t = 5_000)]
        records: usize,
        #[arg(long, default_value_t = 600)]
        quota: u32,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
}

mod backlog_rss;
mod ceiling;
mod cpu;
mod csv_memory;
mod daemon;
mod idle;
mod migrate;
mod quota;
mod replicas;
mod report_timing;
mod rig;
pub mod store;
mod sync_latency;
mod throughput;
mod webhook_latency;

pub async fn run(args: BenchArgs) -> ExitCode {
    lapor_bridge::logging::init(lapor_bridge::config::LogFormat::Text, "error");
    println!("machine: {}", machine());
    println!(
        "date:    {}",
        jiff::ZonedDateTime::now().strftime("%Y-%m-%d %H:%M %Z")
    );
    let result = match args.which {
        Which::Throughput(a) => throughput::throughput(a).await,
        Which::Quota {
            quota,
            bridge_per_minute,
            burst,
            background_share,
            seconds,
        } => {
            quota::quota_use(quota::QuotaArgs {
                quota,
                bridge_per_minute,
                burst,
                background_share,
                seconds,
            })
            .await
        }
        Which::WebhookLatency {
            rate,
            seconds,
            store,
        } => webhook_latency::webhook_latency(rate, seconds, store).await,
        Which::Idle {
            store,
            seconds,
            warmup,
        } => idle::idle(store, seconds, warmup).await,
        Which::BacklogRss {
            store,
            records,
            seconds,
        } => backlog_rss::backlog_rss(store, records, seconds).await,
        Which::SyncLatency { poll_ms, trials } => sync_latency::sync_latency(poll_ms, trials).await,
        Which::CsvMemory { mb, rows } => csv_memory::csv_memory(mb, rows).await,
        Which::Store {
            records,
            years,
            output,
        } => store::build_store(records, years, &output).await,
        Which::Report { store, bin } => report_timing::time_reports(&store, bin).await,
        Which::Migrate { store } => migrate::migrate(&store).await,
        Which::Replicas {
            records,
            quota,
            seconds,
        } => replicas::replicas(records, quota, seconds).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench failed: {e}");
            ExitCode::from(1)
        }
    }
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
