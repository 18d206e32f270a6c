//! `lapor-tools demo` (`cargo demo`): the LAPOR! and SAMBAT mocks in-process, the bridge on a temporary
//! store with `config/demo.toml`, progress while records flow, and a summary at the end.

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
pub mod progress;
mod summary;
pub mod writeback;

use lapor_bridge::i18n::{format, Lang};
use lapor_bridge::t;
pub use progress::Out;

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
    /// The language of the output: id (Bahasa Indonesia, the default) or en.
    #[arg(long, env = "LAPOR_BRIDGE_LANG", value_name = "id|en")]
    pub lang: Option<Lang>,
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
    let lang = args.lang.unwrap_or_default();
    let live = !args.quiet && Out::stdout_is_terminal();
    let mut stdout = std::io::stdout();
    let mut out = Out::new(&mut stdout, live);
    match demo(args, &mut out).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            drop(out);
            eprintln!("{}", t!(lang, "demo-failed", error = e));
            ExitCode::from(2)
        }
    }
}

/// The demo, printing to `out`; `Ok(false)` when it did not finish in time.
pub async fn demo(args: DemoArgs, out: &mut Out<'_>) -> Result<bool, String> {
    let lang = args.lang.unwrap_or_default();
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

    out.line(&t!(lang, "demo-title", records = args.records + 2));
    out.line(&t!(lang, "demo-faults"));
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
    out.line(&t!(
        lang,
        "demo-other-channels",
        deliveries = sent.deliveries
    ));
    out.line(&t!(
        lang,
        "demo-other-detail",
        duplicates = sent.duplicates,
        ignored = sent.ignored,
        refused = sent.refused
    ));
    out.line(&t!(lang, "demo-ngombe-dropped", rows = csv_rows));
    let deadline = started + Duration::from_secs(args.timeout_secs);
    let mut added_more = false;
    let mut edited: Option<i64> = None;
    let mut done = false;
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let counts = store.state_counts().map_err(|e| e.to_string())?;
        let t = totals(&counts);
        if !args.quiet {
            let line = t!(
                lang,
                "demo-progress",
                secs = format::decimal(lang, started.elapsed().as_secs_f64(), 1),
                received = t.received,
                forwarded = t.forwarded,
                held = t.held,
                dead = t.dead,
                open = open_in_lapor(&store) as u64,
                writebacks = writeback::pending(&store)
            );
            out.progress(&fit(line));
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
    out.finish_progress();

    let counts = store.state_counts().map_err(|e| e.to_string())?;
    summary::states(out, lang, &counts);
    let ignored = store.counter("call112.ignored").unwrap_or(0);
    out.line(&t!(lang, "demo-call112-ignored", n = ignored));
    if let Some(dir) = &inbox {
        out.line(&t!(lang, "demo-ngombe-processed"));
        out.line(&format!("  {}", dir.join("processed").display()));
    }
    summary::writebacks(
        out,
        lang,
        &store,
        &channel_mocks,
        sambat.writebacks().len(),
        &ngombe_status_file(&store_path),
    );
    let c = lapor.counters();
    out.line(&t!(
        lang,
        "demo-lapor-counters",
        created = c.created,
        requests = c.create_requests,
        replayed = c.replayed
    ));
    out.line(&t!(
        lang,
        "demo-lapor-counters-2",
        conflicts = c.conflicts,
        invalid = c.validation_failed,
        over = c.rate_limited
    ));
    let edited_after = edited
        .and_then(|id| RecordKey::parse(&format!("sambat:{id}")).ok())
        .and_then(|k| store.detail(&k).ok())
        .is_some_and(|d| d.events.iter().any(|e| e.kind == "edited_after_forward"));
    if edited_after {
        out.line(&t!(lang, "demo-edit-recorded"));
    }
    drop(store);
    lapor.shutdown().await;
    sambat.shutdown().await;
    channel_mocks.shutdown().await;
    // Point only at a store that is still there: the temporary one goes with `tmp`.
    drop(tmp);
    if args.store.is_some() && store_path.exists() {
        let store = store_path.display().to_string();
        out.line(&t!(lang, "demo-hint-dead-letters", store = store));
    } else {
        out.line(&t!(lang, "demo-hint-temporary"));
        out.line(&t!(lang, "demo-hint-temporary-2"));
    }
    let secs = format::decimal(lang, started.elapsed().as_secs_f64(), 1);
    out.line(&t!(lang, "demo-finished", secs = secs));
    if !done {
        out.line(&t!(lang, "demo-not-finished", secs = args.timeout_secs));
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

/// Call Center 112 tickets the demo sends.
const N_112: usize = 40;

/// Forwarded complaints LAPOR! has not finished with (as far as the store knows).
/// The progress line within [`progress::MAX_COLUMNS`]: indented when there is room, its double
/// spaces single when five-digit counts would push it over.
fn fit(line: String) -> String {
    let width = line.chars().count();
    if width + 2 <= progress::MAX_COLUMNS {
        format!("  {line}")
    } else if width <= progress::MAX_COLUMNS {
        line
    } else {
        line.replace("  ", " ")
    }
}

pub(crate) fn open_in_lapor(store: &Store) -> usize {
    store
        .open_complaints(None, usize::MAX)
        .map(|v| v.len())
        .unwrap_or(0)
}

fn first_forwarded(store: &Store) -> Option<RecordKey> {
    store.forwarded_keys(1).ok()?.into_iter().next()
}
