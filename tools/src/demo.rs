//! `lapor-tools demo` (`cargo demo`): the LAPOR! and SAMBAT mocks in-process, the bridge on a temporary
//! store with `config/demo.toml`, progress while records flow, and a summary at the end.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lapor_mocks::lapor::{Faults, LaporMock, LaporMockConfig, LifecycleConfig};
use lapor_mocks::sambat::{SambatMock, SambatMockConfig};

use lapor_bridge::config::{self, Config};
use lapor_bridge::domain::RecordKey;
use lapor_bridge::pipeline::Pipeline;
use lapor_bridge::shutdown;
use lapor_bridge::store::{OutboxState, StateCount, Store};

pub mod channels;
pub mod writeback;

/// A signed-delivery body of the demo's Call Center 112 channel (for the benchmark).
pub fn demo_ticket(id: &str) -> serde_json::Value {
    let mut t = channels::ticket(id.len());
    t["ticket_id"] = serde_json::Value::String(id.to_owned());
    t
}

pub const DEMO_TOML: &str = include_str!("../../config/demo.toml");

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// SAMBAT records generated at the start (more arrive while it runs).
    #[arg(long, default_value_t = 300)]
    pub records: usize,
    /// Keep the store here instead of in a temporary directory.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 55)]
    pub timeout_secs: u64,
    /// Print no progress lines, only the summary.
    #[arg(long)]
    pub quiet: bool,
}

/// The demo configuration pointed at running mocks and a store path.
pub fn demo_config(
    lapor_url: &str,
    sambat_url: &str,
    store: &std::path::Path,
    extra: &[(&str, String)],
) -> Result<Config, config::ConfigErrors> {
    let mut env: Vec<(String, String)> = vec![
        ("LAPOR_BRIDGE__LAPOR__BASE_URL".into(), lapor_url.into()),
        (
            "LAPOR_BRIDGE__CHANNELS__SAMBAT__BASE_URL".into(),
            sambat_url.into(),
        ),
        (
            "LAPOR_BRIDGE__STORE__PATH".into(),
            store.display().to_string(),
        ),
        // The Ngombe inbox beside the store (a temporary directory for the demo and tests).
        (
            "LAPOR_BRIDGE__CHANNELS__NGOMBE__INBOX".into(),
            ngombe_inbox(store).display().to_string(),
        ),
        (
            "LAPOR_BRIDGE__CHANNELS__NGOMBE__WRITEBACK__STATUS_FILE".into(),
            ngombe_status_file(store).display().to_string(),
        ),
    ];
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    config::load_from_str(DEMO_TOML, &env)
}

/// The demo's Ngombe status file: `ngombe-outbox/ngombe-status.csv` beside the store file.
pub fn ngombe_status_file(store: &std::path::Path) -> PathBuf {
    store
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join("ngombe-outbox")
        .join("ngombe-status.csv")
}

/// The demo's Ngombe inbox: `ngombe-inbox` beside the store file.
pub fn ngombe_inbox(store: &std::path::Path) -> PathBuf {
    store
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join("ngombe-inbox")
}

pub async fn run(args: DemoArgs) -> ExitCode {
    lapor_bridge::logging::init(lapor_bridge::config::LogFormat::Text, "error");
    match demo(args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::from(2)
        }
    }
}

async fn demo(args: DemoArgs) -> Result<bool, String> {
    let started = Instant::now();
    let lapor = LaporMock::start(LaporMockConfig {
        quota_per_minute: Some(6000),
        faults: Faults {
            error_5xx_probability: 0.05,
            reset_after_create_probability: 0.03,
            latency: Duration::from_millis(5),
        },
        // LAPOR!'s side: each complaint is verified, disposed, answered and closed (or
        // rejected, or archived) in 2 to 4 steps while the demo runs.
        lifecycle: Some(LifecycleConfig {
            tick: Duration::from_millis(300),
            advance_probability: 0.5,
            steps_min: 2,
            steps_max: 4,
        }),
        ..LaporMockConfig::default()
    })
    .await
    .map_err(|e| format!("LAPOR! mock: {e}"))?;
    let sambat = SambatMock::start(SambatMockConfig {
        initial_records: args.records,
        ..SambatMockConfig::default()
    })
    .await
    .map_err(|e| format!("SAMBAT mock: {e}"))?;
    // Two records the bridge must hold rather than send, each with its reason.
    sambat.insert(serde_json::json!({
        "judul": "Banjir rob di perumahan", "isi": "Air menggenang setinggi lutut sejak semalam dan belum surut sampai pagi ini.",
        "kategori": "Banjir Rob", "opd": "DPUPRPKP", "kecamatan": "Sukun", "kelurahan": "Ciptomulyo",
        "alamat": "Jl. Kolonel Sugiono", "pelapor": null, "anonim": true, "rahasia": false, "foto": [], "status": "baru"
    }));
    sambat.insert(serde_json::json!({
        "judul": "", "isi": "Lampu mati.", "kategori": "Penerangan Jalan", "opd": "DPUPRPKP",
        "kecamatan": "Klojen", "kelurahan": "Kauman", "alamat": "", "pelapor": null, "anonim": true,
        "rahasia": false, "foto": [], "status": "baru"
    }));

    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let store_path = args
        .store
        .clone()
        .unwrap_or_else(|| tmp.path().join("demo.db"));
    // The feed re-delivers some updates, as LAPOR! may: they must be written back once.
    lapor.inject_duplicate_updates(0.3);
    lapor.reissue_updates(0.05);
    let channel_mocks = writeback::ChannelMocks::start(N_112).await?;
    let cfg = demo_config(
        &lapor.base_url(),
        &sambat.base_url(),
        &store_path,
        &channel_mocks.overrides(),
    )
    .map_err(|e| format!("config/demo.toml: {e}"))?;
    let pipeline = Pipeline::build(cfg).map_err(|e| e.to_string())?;
    let (trigger, shutdown) = shutdown::channel();
    let store = pipeline.store.clone();
    let webhook_addr = pipeline.webhooks.as_ref().map(|w| w.local_addr());
    let inbox = pipeline.csv_folders.first().map(|c| c.inbox().to_owned());
    let runner = tokio::spawn(async move { pipeline.run(shutdown).await });

    println!(
        "lapor-bridge demo: {} SAMBAT records, LAPOR! mock with 5% server errors and 3% connections reset after create",
        args.records + 2
    );
    // The other three channels flow through the same run: signed 112 and social deliveries,
    // and an Ngombe export dropped in the inbox.
    let sent = match webhook_addr {
        Some(addr) => channels::simulate_webhooks(addr, N_112, 30).await?,
        None => channels::Sent::default(),
    };
    let csv_rows = match &inbox {
        Some(dir) => channels::drop_ngombe(dir, 25)?,
        None => 0,
    };
    println!(
        "other channels: {} Call Center 112 and social deliveries sent ({} a re-delivery, {} outside the complaint category, {} forged and refused), an Ngombe export of {} rows (+1 bad row) dropped",
        sent.deliveries, sent.duplicates, sent.ignored, sent.refused, csv_rows
    );
    let deadline = started + Duration::from_secs(args.timeout_secs);
    let mut added_more = false;
    let mut edited: Option<i64> = None;
    let mut done = false;
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let counts = store.state_counts().map_err(|e| e.to_string())?;
        let t = totals(&counts);
        if !args.quiet {
            let c = lapor.counters();
            println!(
                "  {:>5.1}s  received {:>4}  forwarded {:>4}  pending {:>4}  held {:>2}  dead {:>2}  open in LAPOR! {:>4}  write-backs waiting {:>4}   LAPOR!: {} created, {} resets, {} 5xx",
                started.elapsed().as_secs_f64(), t.received, t.forwarded, t.pending, t.held, t.dead,
                open_in_lapor(&store), writeback::pending(&store),
                c.created, c.injected_resets, c.injected_5xx
            );
        }
        // Midway, citizens keep complaining and an admin edits a forwarded complaint.
        if !added_more && t.forwarded > 0 {
            sambat.add_generated(25);
            added_more = true;
        }
        if edited.is_none() && t.forwarded > 0 {
            if let Some(key) = first_forwarded(&store) {
                if let Ok(id) = key.local_id.parse::<i64>() {
                    sambat.edit(id, |r| {
                        r.insert(
                            "alamat".into(),
                            serde_json::json!("Jl. Ijen No. 1 (dikoreksi admin)"),
                        );
                    });
                    edited = Some(id);
                }
            }
        }
        let expected = sambat.records().len() as u64 + sent.records + csv_rows;
        if added_more
            && t.received >= expected
            && t.pending == 0
            && open_in_lapor(&store) == 0
            && writeback::pending(&store) == 0
        {
            done = true;
            break;
        }
    }
    trigger.trigger();
    let _ = runner.await;

    let counts = store.state_counts().map_err(|e| e.to_string())?;
    print_summary(&counts);
    let ignored = store.counter("call112.ignored").unwrap_or(0);
    println!("call112: {ignored} ticket(s) outside the complaint category acknowledged and not forwarded");
    if let Some(dir) = &inbox {
        println!(
            "ngombe: processed files and their rejects report in {}",
            dir.join("processed").display()
        );
    }
    print_writebacks(
        &store,
        &channel_mocks,
        sambat.writebacks().len(),
        &store_path,
    );
    let c = lapor.counters();
    println!(
        "LAPOR! mock: {} complaints created, {} create requests, {} replays, {} conflicts, {} validation failures, {} over quota",
        c.created, c.create_requests, c.replayed, c.conflicts, c.validation_failed, c.rate_limited
    );
    let edited_after = edited
        .and_then(|id| RecordKey::parse(&format!("sambat:{id}")).ok())
        .and_then(|k| store.detail(&k).ok())
        .is_some_and(|d| d.events.iter().any(|e| e.kind == "edited_after_forward"));
    if edited_after {
        println!("An admin edit of a forwarded complaint was recorded and not sent again.");
    }
    println!(
        "Held records and their reasons: lapor-bridge dead-letters --store {} list",
        store_path.display()
    );
    if args.store.is_none() {
        println!("(the demo store is temporary; pass --store FILE to keep it)");
    }
    println!("finished in {:.1}s", started.elapsed().as_secs_f64());
    lapor.shutdown().await;
    sambat.shutdown().await;
    channel_mocks.shutdown().await;
    if !done {
        eprintln!("demo did not finish within {} s", args.timeout_secs);
    }
    Ok(done)
}

#[derive(Default, Debug, Clone, Copy)]
pub struct Totals {
    pub received: u64,
    pub forwarded: u64,
    pub pending: u64,
    pub held: u64,
    pub dead: u64,
    pub acknowledged: u64,
}

pub fn totals(counts: &[StateCount]) -> Totals {
    let mut t = Totals::default();
    for c in counts {
        t.received += c.count;
        match c.state {
            OutboxState::Pending => t.pending += c.count,
            OutboxState::Forwarded => t.forwarded += c.count,
            OutboxState::Held => t.held += c.count,
            OutboxState::Dead => t.dead += c.count,
            OutboxState::Acknowledged => t.acknowledged += c.count,
            OutboxState::DryRunChecked => {}
        }
    }
    t
}

pub fn print_summary(counts: &[StateCount]) {
    let mut per: BTreeMap<&str, Vec<StateCount>> = BTreeMap::new();
    for c in counts {
        per.entry(c.channel.as_str()).or_default().push(c.clone());
    }
    println!(
        "\n{:<12} {:>9} {:>10} {:>6} {:>14} {:>8}",
        "channel", "received", "forwarded", "held", "dead-lettered", "pending"
    );
    for (ch, cs) in &per {
        let t = totals(cs);
        println!(
            "{:<12} {:>9} {:>10} {:>6} {:>14} {:>8}",
            ch, t.received, t.forwarded, t.held, t.dead, t.pending
        );
    }
    let t = totals(counts);
    println!(
        "{:<12} {:>9} {:>10} {:>6} {:>14} {:>8}\n",
        "total", t.received, t.forwarded, t.held, t.dead, t.pending
    );
}

/// Call Center 112 tickets the demo sends.
const N_112: usize = 40;

/// Forwarded complaints LAPOR! has not finished with (as far as the store knows).
fn open_in_lapor(store: &Store) -> usize {
    store
        .open_complaints(None, usize::MAX)
        .map(|v| v.len())
        .unwrap_or(0)
}

fn print_writebacks(
    store: &Store,
    mocks: &writeback::ChannelMocks,
    sambat_responses: usize,
    store_path: &std::path::Path,
) {
    println!("\nstatuses and responses written back (store: done / waiting / dead-lettered):");
    for (ch, done, pending, dead) in writeback::per_channel(store) {
        println!("  {ch:<10} {done:>5} / {pending} / {dead}");
    }
    let updates = store.update_effect_counts().unwrap_or_default();
    let line: Vec<String> = updates.iter().map(|(e, n)| format!("{n} {e}")).collect();
    println!("LAPOR! updates read: {}", line.join(", "));
    let status_file = ngombe_status_file(store_path);
    let rows = std::fs::read_to_string(&status_file)
        .map(|s| s.lines().count().saturating_sub(1))
        .unwrap_or(0);
    println!(
        "channels' own view: SAMBAT {} responses, 112 {} ticket notes, social desk {} replies, {} ({} rows)",
        sambat_responses, mocks.call112.notes().len(), mocks.desk.replies().len(), status_file.display(), rows
    );
    if let Some(k) = store
        .forwarded_keys(1)
        .ok()
        .and_then(|k| k.into_iter().next())
    {
        // One complaint's whole story, as `lapor-bridge show` prints it.
        if let Ok(text) =
            lapor_bridge::cli::show::render(store, &k, lapor_bridge::cli::show::Format::Text)
        {
            println!("\none complaint's timeline (`lapor-bridge show {k} --store FILE`):\n{text}");
        }
    }
}

fn first_forwarded(store: &Store) -> Option<RecordKey> {
    store.forwarded_keys(1).ok()?.into_iter().next()
}
