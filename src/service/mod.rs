//! `lapor-bridge run` as a systemd service: readiness and watchdog notifications, SIGTERM
//! drain, SIGHUP reload, the admin listener and the status snapshot.
//!
//! The store is opened once; the pipeline is a *generation* built from one configuration.
//! A reload stops the running generation after its step in flight (nothing accepted is lost:
//! the store is the source of truth) and starts a new one on the same store. An invalid new
//! configuration is refused and the running generation keeps going.

pub mod admin;
pub mod dashboard;
mod dashboard_charts;
mod dashboard_page;
mod dashboard_sections;
pub use crate::runtime::listener;
pub mod metrics;
pub mod notify;
pub mod state;

use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::signal::unix::{signal, SignalKind};
use tokio::task::JoinHandle;
use tracing::{error, info, warn};

use crate::config::{self, Config};
use crate::pipeline::{Pipeline, PipelineError};
use crate::runtime::Stage;
use crate::shutdown;
use crate::store::Store;
use state::{Shared, SNAPSHOT_KEY};

/// Runs the daemon until SIGTERM/SIGINT. Exit codes: 0 after a clean stop, 1 when it cannot
/// start, 2 for an unusable configuration at startup.
pub async fn run(config_path: &Path, force_dry_run: bool) -> ExitCode {
    let mut cfg = match config::load(config_path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration {} has problems:\n{e}", config_path.display());
            notify::status("configuration has problems; see the log");
            return ExitCode::from(2);
        }
    };
    if force_dry_run {
        cfg.mode = config::Mode::DryRun;
    }
    crate::logging::init(cfg.logging.format, &cfg.logging.level);
    if let Some(n) = listener::raise_fd_limit() {
        info!(open_files = n, "open-file limit (RLIMIT_NOFILE)");
    }
    if cfg.mode == config::Mode::DryRun {
        warn!("dry run: nothing is sent to LAPOR! and nothing is written back; see `lapor-bridge dry-run report`");
    }
    // Handlers first: a SIGHUP or SIGTERM during startup must not kill the process.
    let (mut term, mut int, mut hup) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) {
        (Ok(t), Ok(i), Ok(h)) => (t, i, h),
        _ => {
            error!("cannot install signal handlers");
            return ExitCode::from(1);
        }
    };
    let store = match Store::from_config(&cfg.store) {
        Ok(s) => s,
        Err(e) => {
            error!(error = %e, store = %cfg.store, "cannot open the store");
            return ExitCode::from(1);
        }
    };
    let shared = Shared::new(store.clone(), notify::watchdog_interval());

    let (process_stop, process_shutdown) = shutdown::channel();
    let mut admin_task = None;
    if let Some(addr) = cfg.admin.listen {
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                error!(%addr, error = %e, "cannot bind the admin listener (admin.listen)");
                return ExitCode::from(1);
            }
        };
        let bound = listener.local_addr().ok();
        *shared.admin_addr.lock().unwrap_or_else(|p| p.into_inner()) = bound;
        if let Some(a) = bound {
            info!(admin = %a, "admin listener on /healthz /readyz /metrics");
        }
        let app = admin::router(shared.clone());
        // The dashboard's first SLA report reads the whole history: computed now, off the
        // workers, rather than at the first admin's request.
        shared.sla_cache.refresh_in_background(&store, &cfg.report);
        let mut stop = process_shutdown.clone();
        let limits = cfg.admin.limits.clone();
        admin_task = Some(tokio::spawn(async move {
            listener::serve("admin", listener, app, &limits, 0.25, async move {
                stop.recv().await;
            })
            .await;
        }));
    }

    let watch_task = tokio::spawn(watch(shared.clone(), process_shutdown.clone()));
    // The SLA alert webhook (report.sla_webhook); idle while none is configured.
    let sla = {
        let s = shared.clone();
        let current: crate::report::alerts::CurrentConfig =
            Arc::new(move || s.config().map(|c| c.report));
        Arc::new(crate::report::alerts::SlaAlerts::new(
            shared.store.clone(),
            current,
        ))
    };
    let sla_task = tokio::spawn(
        crate::runtime::Task::new(sla.clone(), sla.heartbeat.clone()).run(process_shutdown.clone()),
    );
    // The Telegram alert sink (report.telegram); idle while none is configured.
    let chat = chat_alerts(&shared);
    let chat_task = tokio::spawn(
        crate::runtime::Task::new(chat.clone(), chat.heartbeat.clone())
            .run(process_shutdown.clone()),
    );

    let mut previous: Option<Config> = None;
    loop {
        let pipeline = match build(cfg.clone(), &store).await {
            Ok(p) => p,
            Err(e) => match previous.take() {
                None => {
                    error!(error = %e, "cannot start");
                    return ExitCode::from(1);
                }
                Some(old) => {
                    error!(error = %e, "the new configuration cannot start; going back to the previous one");
                    shared.reloads_rejected.fetch_add(1, Ordering::Relaxed);
                    shared.reloads_ok.fetch_sub(1, Ordering::Relaxed);
                    cfg = old;
                    match build(cfg.clone(), &store).await {
                        Ok(p) => p,
                        Err(e) => {
                            error!(error = %e, "the previous configuration cannot start again either");
                            return ExitCode::from(1);
                        }
                    }
                }
            },
        };
        let pipeline = Arc::new(pipeline);
        // The SLA watch outlives generations; each generation's watchdog list includes it.
        pipeline
            .liveness
            .register(sla.name(), sla.heartbeat.clone());
        pipeline
            .liveness
            .register(chat.name(), chat.heartbeat.clone());
        shared.install(&pipeline);
        let (gen_stop, gen_shutdown) = shutdown::channel();
        let mut task: JoinHandle<()> = {
            let p = pipeline.clone();
            tokio::spawn(async move { p.run(gen_shutdown).await })
        };
        shared.reloading.store(false, Ordering::Relaxed);
        let summary = config::summary(&cfg);
        info!(
            channels = cfg.channels.len(),
            "lapor-bridge running: {summary}"
        );
        notify::ready(&status_line(&shared));
        shared.ready_sent.store(true, Ordering::Release);
        write_snapshot(&shared, false);

        // Wait for a stop, a valid reload, or the pipeline ending by itself.
        let next = loop {
            tokio::select! {
                _ = term.recv() => break None,
                _ = int.recv() => break None,
                _ = hup.recv() => match reload(config_path, &cfg) {
                    Ok(mut new) => {
                        if force_dry_run {
                            new.mode = config::Mode::DryRun;
                        }
                        break Some(new);
                    }
                    Err(why) => {
                        shared.reloads_rejected.fetch_add(1, Ordering::Relaxed);
                        error!("reload refused, the running configuration stays: {why}");
                        notify::status(&format!("reload refused (see the log); {}", status_line(&shared)));
                    }
                },
                r = &mut task => {
                    error!(result = ?r.err(), "the pipeline stopped by itself; exiting for systemd to restart it");
                    process_stop.trigger();
                    return ExitCode::from(1);
                }
            }
        };
        let drain = cfg.service.drain_timeout;
        match next {
            None => {
                info!(
                    drain_timeout_secs = drain.as_secs(),
                    "stopping: intake stops, requests in flight finish"
                );
                notify::stopping("stopping: finishing the requests in flight");
                gen_stop.trigger();
                finish(task, drain).await;
                shared.retire();
                drop(pipeline);
                // The loops have ended: another replica may take their work over now.
                if let Err(e) = store.release_leases() {
                    warn!(error = %e, "cannot give the leases up; other replicas take over when they expire");
                }
                write_snapshot(&shared, true);
                process_stop.trigger();
                if let Some(t) = admin_task {
                    let _ = tokio::time::timeout(Duration::from_secs(2), t).await;
                }
                let _ = tokio::time::timeout(Duration::from_secs(2), watch_task).await;
                let _ = tokio::time::timeout(Duration::from_secs(2), sla_task).await;
                let _ = tokio::time::timeout(Duration::from_secs(2), chat_task).await;
                info!("stopped");
                return ExitCode::SUCCESS;
            }
            Some(new) => {
                info!("reloading: the running loops finish their step in flight");
                notify::reloading();
                shared.reloading.store(true, Ordering::Relaxed);
                gen_stop.trigger();
                finish(task, drain).await;
                shared.retire();
                drop(pipeline);
                shared.reloads_ok.fetch_add(1, Ordering::Relaxed);
                previous = Some(std::mem::replace(&mut cfg, new));
            }
        }
    }
}

/// Builds a generation; a listener of the previous one may take a moment to close.
async fn build(cfg: Config, store: &Store) -> Result<Pipeline, PipelineError> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    loop {
        match Pipeline::with_store(cfg.clone(), store.clone()) {
            Err(PipelineError::Listen { .. }) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => return other,
        }
    }
}

/// Waits for the stopping generation; past `limit` its step in flight is abandoned. Claimed
/// records stay pending with the attempt counted and marked in doubt, so the next attempt
/// looks them up first: nothing is lost and nothing is created twice.
async fn finish(mut task: JoinHandle<()>, limit: Duration) {
    match tokio::time::timeout(limit, &mut task).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => error!(error = %e, "a working loop failed while stopping"),
        Err(_) => {
            warn!(
                drain_timeout_secs = limit.as_secs(),
                "drain timeout: abandoning the requests still in flight; their records stay pending and are looked up first next time"
            );
            task.abort();
            let _ = task.await;
        }
    }
}

/// Loads and validates the configuration again for a reload. Changes that need a restart
/// are refused, or logged when they are only ignored.
fn reload(path: &Path, running: &Config) -> Result<Config, String> {
    info!(config = %path.display(), "SIGHUP: reloading the configuration");
    let new = config::load(path).map_err(|e| {
        let problems: Vec<String> = e.problems.iter().map(|p| p.to_string()).collect();
        format!(
            "{} has {} problem(s): {}",
            path.display(),
            problems.len(),
            problems.join("; ")
        )
    })?;
    let problems = crate::forward::reference::cached_reference_problems(&new);
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        return Err(format!("mapping problems: {}", list.join("; ")));
    }
    if new.store.path != running.store.path {
        return Err(format!(
            "store.path changed ({} → {}); moving the store needs a restart",
            running.store.path.display(),
            new.store.path.display()
        ));
    }
    if new.admin.listen != running.admin.listen || new.admin.limits != running.admin.limits {
        warn!("admin.listen or the admin connection limits changed; they apply on a restart");
    }
    if new.logging.level != running.logging.level || new.logging.format != running.logging.format {
        warn!("logging settings changed; they apply on a restart");
    }
    Ok(new)
}

/// The watchdog and status task: pings systemd while every loop is alive, and refreshes
/// STATUS= and the snapshot `lapor-bridge status` reads.
async fn watch(shared: Arc<Shared>, mut stop: shutdown::Shutdown) {
    let status_every = |s: &Shared| {
        s.config()
            .map(|c| c.service.status_interval)
            .unwrap_or(Duration::from_secs(5))
    };
    let mut last_status = tokio::time::Instant::now() - status_every(&shared);
    let mut last_line = String::new();
    let mut was_wedged: Vec<String> = Vec::new();
    // Once the status line has stood still for a while, the caches a busy spell filled are
    // given back once (until the line moves again): an idle daemon on a large store kept
    // ~10 MB of page cache and freed heap it no longer used.
    let mut line_unchanged_rounds = 0u32;
    loop {
        let reloading = shared.reloading.load(Ordering::Relaxed);
        let wedged = if reloading {
            Vec::new()
        } else {
            shared.wedged()
        };
        if wedged.is_empty() {
            // From the first READY on: before it there are no loops to vouch for. (The
            // generation is installed a moment before READY is sent; a ping in between
            // would come first.)
            if shared.watchdog.is_some() && shared.ready_sent.load(Ordering::Acquire) {
                notify::watchdog();
            }
            if !was_wedged.is_empty() {
                info!("every working loop is making progress again");
            }
        } else if wedged != was_wedged {
            error!(
                loops = %wedged.join(", "),
                stall_limit_secs = shared.stall_limit().as_secs(),
                "working loop wedged: no progress within the stall limit; the systemd watchdog is no longer pinged"
            );
        }
        was_wedged = wedged;
        if last_status.elapsed() >= status_every(&shared) {
            last_status = tokio::time::Instant::now();
            if !reloading {
                // On the blocking pool: the figures are read from the store and the snapshot
                // is a commit (an fsync), neither of which may hold an async worker.
                let s = shared.clone();
                // Exactly once per quiet spell: the count only grows until the line moves.
                let quiet = line_unchanged_rounds == QUIET_ROUNDS;
                let line = tokio::task::spawn_blocking(move || {
                    let line = status_line(&s);
                    write_snapshot(&s, false);
                    if quiet {
                        s.store.release_memory();
                        crate::runtime::memory::release();
                    }
                    line
                })
                .await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
                if line != last_line {
                    notify::status(&line);
                    last_line = line;
                    line_unchanged_rounds = 0;
                } else {
                    line_unchanged_rounds = line_unchanged_rounds.saturating_add(1);
                }
            }
        }
        // Recomputed each round: a reload may change the status interval.
        let tick = match shared.watchdog {
            Some(w) => (w / 2)
                .min(status_every(&shared))
                .max(Duration::from_millis(10)),
            None => status_every(&shared),
        };
        if stop.sleep(tick).await {
            return;
        }
    }
}

/// Status rounds with the same line before the daemon counts as quiet (with the default
/// interval of 5 s, 30 s).
const QUIET_ROUNDS: u32 = 6;

/// One line for STATUS=: queue, dead letters, LAPOR!'s state, wedged loops.
pub fn status_line(shared: &Shared) -> String {
    let now = jiff::Timestamp::now();
    let queues = shared.store.channel_queues().unwrap_or_default();
    let pending: u64 = queues.iter().map(|q| q.pending).sum();
    let forwarded: u64 = queues.iter().map(|q| q.forwarded).sum();
    let held: u64 = queues.iter().map(|q| q.held).sum();
    let dead: u64 = queues.iter().map(|q| q.dead).sum();
    let oldest = queues.iter().filter_map(|q| q.oldest_pending_at).min();
    let mut line = format!("{pending} pending");
    if let Some(t) = oldest {
        let age = (now.as_second() - t.as_second()).max(0);
        line.push_str(&format!(" (oldest {})", human_secs(age)));
    }
    line.push_str(&format!(
        ", {forwarded} forwarded, {held} held, {dead} dead"
    ));
    line.push_str(match shared.totals().lapor_up() {
        Some(true) => "; LAPOR! up",
        Some(false) => "; LAPOR! DOWN",
        None => "; LAPOR! not contacted yet",
    });
    if shared.paused_until(now).is_some() {
        line.push_str(" (forwarding paused)");
    }
    let wedged = shared.wedged();
    if !wedged.is_empty() {
        line.push_str(&format!("; WEDGED: {}", wedged.join(", ")));
    }
    line
}

pub fn human_secs(s: i64) -> String {
    match s {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

fn write_snapshot(shared: &Shared, stopped: bool) {
    let snap = shared.snapshot(stopped);
    match serde_json::to_string(&snap) {
        Ok(json) => {
            if let Err(e) = shared.store.set_setting(SNAPSHOT_KEY, &json) {
                warn!(error = %e, "cannot write the status snapshot");
            }
        }
        Err(e) => warn!(error = %e, "cannot encode the status snapshot"),
    }
}

/// The Telegram alert stage over the running configuration and the LAPOR! client's counters.
fn chat_alerts(shared: &Arc<Shared>) -> Arc<crate::report::chat::ChatAlerts> {
    use crate::report::chat::{ChatAlerts, LaporReach};
    let s = shared.clone();
    let current: crate::report::alerts::CurrentConfig =
        Arc::new(move || s.config().map(|c| c.report));
    let s = shared.clone();
    let reach: crate::report::chat::CurrentReach = Arc::new(move || {
        let t = s.totals();
        let at = |ms: i64| {
            (ms > 0)
                .then(|| jiff::Timestamp::from_millisecond(ms).ok())
                .flatten()
        };
        LaporReach {
            last_ok: at(t.last_ok_ms),
            last_failure: at(t.last_failure_ms),
            since: Some(s.started_at),
        }
    });
    Arc::new(ChatAlerts::new(shared.store.clone(), current, reach))
}
