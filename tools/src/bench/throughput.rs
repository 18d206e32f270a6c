//! `lapor-tools bench throughput`: SAMBAT records polled, committed and forwarded end to end
//! against the mocks (LAPOR! quota off), with the bridge's own CPU, and the LAPOR! mock's raw
//! POST ceiling measured in the same run so that the rate is judged against what the rig can
//! carry at all. With `--store F` the same is run on a copy of F after a fresh store, and the
//! slowdown is the figure.
//!
//! The bridge's CPU is this process's less the mocks' threads (they run on their own runtime,
//! `rig::MOCK_THREADS`); what remains is the bridge and the bench's own sampling, which reads
//! two counters a few times a second.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lapor_bridge::shutdown;
use lapor_bridge::store::{OutboxState, Store, WriterUse};

use super::cpu::{self, percent_of_core};
use super::rig::{no_rate_limit, quota_off, Rig, MOCK_THREADS};
use super::{ceiling, check_exactly_once};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, default_value_t = 20_000)]
    records: usize,
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Also run on a copy of this store (e.g. from `bench store`) and compare with a fresh one.
    #[arg(long)]
    store: Option<PathBuf>,
    /// Tasks of the load generator that measures the LAPOR! mock's raw POST ceiling.
    #[arg(long, default_value_t = 64)]
    ceiling_concurrency: usize,
    #[arg(long, default_value_t = 4.0)]
    ceiling_seconds: f64,
}

struct Run {
    committed: Duration,
    forwarded: Duration,
    usage: cpu::SplitUsage,
    /// The store's writer connection over the run, most held first.
    writer: Vec<WriterUse>,
}

impl Run {
    fn per_sec(&self, records: usize) -> f64 {
        records as f64 / self.forwarded.as_secs_f64()
    }
}

pub async fn throughput(a: Args) -> Result<(), String> {
    let rig = Rig::start(quota_off()).await?;
    let fresh = forward(&rig, &a, None).await?;
    report("fresh store", &fresh, a.records);
    let ceiling = ceiling::measure(
        &rig.lapor.base_url(),
        a.ceiling_concurrency,
        a.ceiling_seconds,
    )
    .await?;
    drop(rig);
    let (c, u) = (&ceiling, &ceiling.usage);
    println!(
        "  LAPOR! mock raw POST ceiling: {:.0} creates/s ({} created, {} failed in {:.1} s, {} concurrent POSTs from one reqwest client); CPU: mock {:.0}% of a core, load generator {:.0}%, together {:.2} ms per create",
        c.per_sec(),
        c.created,
        c.failed,
        c.wall.as_secs_f64(),
        a.ceiling_concurrency,
        percent_of_core(u.mocks, u.wall),
        percent_of_core(u.bridge(), u.wall),
        u.process as f64 * 10.0 / c.created.max(1) as f64,
    );
    let ratio = fresh.per_sec(a.records) / c.per_sec();
    println!(
        "RESULT forwarding, fresh store: {:.0} records/s = {:.0}% of the LAPOR! mock's POST ceiling ({:.0}/s)  (target >= 50%)  {}",
        fresh.per_sec(a.records),
        100.0 * ratio,
        c.per_sec(),
        verdict(ratio >= 0.5)
    );
    if let Some(store) = &a.store {
        let rig = Rig::start(quota_off()).await?;
        rig.use_store(store)?;
        let big = forward(&rig, &a, Some(store)).await?;
        report(&format!("copy of {}", store.display()), &big, a.records);
        let slower = 1.0 - big.per_sec(a.records) / fresh.per_sec(a.records);
        println!(
            "RESULT forwarding on {}: {:.0} records/s against {:.0} on a fresh store = {:.1}% slower  (target <= 10% slower)  {}",
            store.display(),
            big.per_sec(a.records),
            fresh.per_sec(a.records),
            100.0 * slower,
            verdict(slower <= 0.10)
        );
    }
    Ok(())
}

pub(super) fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

fn report(what: &str, r: &Run, records: usize) {
    let u = &r.usage;
    println!("throughput ({what}): {records} SAMBAT records, LAPOR! quota off");
    println!(
        "  committed (polled + stored):   {:>7.2} s  {:>8.0} records/s  (sampled every 0.5 s)",
        r.committed.as_secs_f64(),
        records as f64 / r.committed.as_secs_f64()
    );
    println!(
        "  forwarded end to end:          {:>7.2} s  {:>8.0} records/s",
        r.forwarded.as_secs_f64(),
        r.per_sec(records)
    );
    println!(
        "  CPU over the run: bridge {:.0}% of a core ({:.2} ms per record), mocks {:.0}%, process {:.0}% (bridge = process less the mocks' threads)",
        percent_of_core(u.bridge(), u.wall),
        u.bridge() as f64 * 10.0 / records as f64,
        percent_of_core(u.mocks, u.wall),
        percent_of_core(u.process, u.wall),
    );
    let held: Duration = r.writer.iter().map(|w| w.held).sum();
    println!(
        "  store writer connection: held {:.2} s of the {:.2} s run ({:.0}%); by place (calls, held, waited):",
        held.as_secs_f64(),
        r.forwarded.as_secs_f64(),
        100.0 * held.as_secs_f64() / r.forwarded.as_secs_f64()
    );
    for w in r.writer.iter().take(6) {
        println!(
            "    {:<34} {:>6} {:>8.2} s {:>8.2} s",
            w.place,
            w.calls,
            w.held.as_secs_f64(),
            w.waited.as_secs_f64()
        );
    }
}

async fn forward(rig: &Rig, a: &Args, store_file: Option<&Path>) -> Result<Run, String> {
    let records = a.records;
    let err = |e: lapor_bridge::store::StoreError| e.to_string();
    let (records0, forwarded0) = match store_file {
        None => (0, 0),
        Some(_) => {
            let s = Store::open(&rig.store_path()).map_err(err)?;
            let n = (
                s.count_records().map_err(err)?,
                s.count_in_state(OutboxState::Forwarded).map_err(err)?,
            );
            n
        }
    };
    rig.sambat.add_generated(records);
    let mut overrides = no_rate_limit().to_vec();
    overrides.extend([
        (
            "LAPOR_BRIDGE__FORWARDER__CONCURRENCY",
            a.concurrency.to_string(),
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
    let created0 = lapor.counters().created;
    let (trigger, sd) = shutdown::channel();
    let split = cpu::Split::start(MOCK_THREADS);
    let start = Instant::now();
    let runner = tokio::spawn(async move { pipeline.run(sd).await });
    let mut committed = None;
    let mut next_count = start;
    // The mock's in-memory counter is free to read; the store is counted twice a second (and
    // at the end), so the bench's own queries stay out of the bridge's way on a big store.
    let forwarded = loop {
        let now = Instant::now();
        let all_created = lapor.counters().created - created0 >= records as u64;
        if committed.is_none() && now >= next_count || all_created {
            next_count = now + Duration::from_millis(500);
            if committed.is_none()
                && store.count_records().map_err(err)? >= records0 + records as u64
            {
                committed = Some(start.elapsed());
            }
            if all_created
                && store.count_in_state(OutboxState::Forwarded).map_err(err)?
                    >= forwarded0 + records as u64
            {
                break start.elapsed();
            }
        }
        if start.elapsed() > Duration::from_secs(900) {
            return Err(format!("not all {records} forwarded after 900 s"));
        }
        tokio::time::sleep(Duration::from_millis(if all_created { 5 } else { 20 })).await;
    };
    let usage = split.stop(MOCK_THREADS);
    let writer = store.writer_use();
    trigger.trigger();
    let _ = runner.await;
    check_exactly_once(&store, lapor, records)?;
    Ok(Run {
        committed: committed.unwrap_or(forwarded),
        forwarded,
        usage,
        writer,
    })
}
