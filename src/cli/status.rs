//! `lapor-bridge status`: one screen for an operator. Queue figures come from the store,
//! opened read-only (SQLite WAL lets it read while the daemon writes); the daemon's own view
//! (LAPOR! health, each channel's last successful poll, wedged loops) comes from the snapshot
//! the daemon refreshes in the store every few seconds.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::Timestamp;

use crate::service::human_secs;
use crate::service::state::{Snapshot, SNAPSHOT_KEY};
use crate::store::{ChannelQueue, Store};
use crate::time;

pub fn run(config: &Path, store: Option<PathBuf>) -> ExitCode {
    let opened = super::store_path(config, store)
        .and_then(|p| super::open_existing(&p, false).map(|s| (p, s)));
    let (path, store) = match opened {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match render(&store, &path, Timestamp::now()) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot read the store {}: {e}", path.display());
            ExitCode::from(1)
        }
    }
}

fn ago(now: Timestamp, t: Timestamp) -> String {
    format!(
        "{} ago",
        human_secs((now.as_second() - t.as_second()).max(0))
    )
}

/// The screen, as text.
pub fn render(
    store: &Store,
    path: &Path,
    now: Timestamp,
) -> Result<String, crate::store::StoreError> {
    let queues = store.channel_queues()?;
    let snapshot: Option<Snapshot> = store
        .setting(SNAPSHOT_KEY)?
        .and_then(|s| serde_json::from_str(&s).ok());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "lapor-bridge status  {} WIB  store {}",
        time::format_wib(now),
        path.display()
    );

    // The daemon.
    match &snapshot {
        None => {
            let _ = writeln!(
                out,
                "daemon     never reported (has `lapor-bridge run` started with this store?)"
            );
        }
        Some(s) => {
            let age = now.as_second() - s.at.as_second();
            let fresh = age <= (s.status_interval_secs as i64 * 3).max(15);
            let alive = fresh && !s.stopped && Path::new(&format!("/proc/{}", s.pid)).exists();
            if alive {
                let _ = writeln!(
                    out,
                    "daemon     running  pid {}  v{}  up {}  reported {}{}",
                    s.pid,
                    s.version,
                    human_secs((now.as_second() - s.started_at.as_second()).max(0)),
                    ago(now, s.at),
                    s.admin
                        .as_deref()
                        .map(|a| format!("  admin http://{a}"))
                        .unwrap_or_default()
                );
            } else if s.stopped {
                let _ = writeln!(out, "daemon     stopped {} (clean stop)", ago(now, s.at));
            } else {
                let _ = writeln!(
                    out,
                    "daemon     NOT RUNNING or not reporting: last report {}",
                    ago(now, s.at)
                );
            }
            let lapor = match s.lapor_up {
                Some(true) => format!(
                    "up (last answer {})",
                    s.lapor_last_ok.map(|t| ago(now, t)).unwrap_or_default()
                ),
                Some(false) => format!(
                    "DOWN since {} (last answer {})",
                    s.lapor_last_failure
                        .map(|t| ago(now, t))
                        .unwrap_or_default(),
                    s.lapor_last_ok
                        .map(|t| ago(now, t))
                        .unwrap_or_else(|| "never".into())
                ),
                None => "not contacted yet".into(),
            };
            let paused = match s.paused_until {
                Some(t) if t > now => {
                    format!("; forwarding PAUSED until {} WIB", time::format_wib(t))
                }
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "LAPOR!     {lapor}{paused}{}",
                if alive { "" } else { " (as last reported)" }
            );
            if !s.wedged.is_empty() {
                let _ = writeln!(
                    out,
                    "WEDGED     {} (no progress; systemd's watchdog will restart it)",
                    s.wedged.join(", ")
                );
            }
        }
    }

    // The queues.
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<14} {:<10} {:>9} {:>8} {:>8} {:>6} {:>6} {:>10}  last success",
        "channel", "kind", "received", "pending", "oldest", "held", "dead", "forwarded",
    );
    let mut names: Vec<String> = queues.iter().map(|q| q.channel.clone()).collect();
    if let Some(s) = &snapshot {
        for c in &s.channels {
            if !names.contains(&c.name) {
                names.push(c.name.clone());
            }
        }
    }
    names.sort();
    let mut total = ChannelQueue::default();
    for name in &names {
        let q = queues
            .iter()
            .find(|q| &q.channel == name)
            .cloned()
            .unwrap_or_default();
        let snap = snapshot
            .as_ref()
            .and_then(|s| s.channels.iter().find(|c| &c.name == name));
        let kind = snap.map(|c| c.kind.as_str()).unwrap_or("-");
        // Polled channels: the last successful poll; the others: the last record received.
        let last = match snap.and_then(|c| c.last_success) {
            Some(t) => format!("poll {}", ago(now, t)),
            None => match q.last_received_at {
                Some(t) => format!("record {}", ago(now, t)),
                None => "never".into(),
            },
        };
        let oldest = q
            .oldest_pending_at
            .map(|t| human_secs((now.as_second() - t.as_second()).max(0)))
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "{:<14} {:<10} {:>9} {:>8} {:>8} {:>6} {:>6} {:>10}  {}",
            name, kind, q.received, q.pending, oldest, q.held, q.dead, q.forwarded, last
        );
        total.received += q.received;
        total.pending += q.pending;
        total.held += q.held;
        total.dead += q.dead;
        total.forwarded += q.forwarded;
        total.acknowledged += q.acknowledged;
        total.dry_run_checked += q.dry_run_checked;
        total.oldest_pending_at = match (total.oldest_pending_at, q.oldest_pending_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let oldest = total
        .oldest_pending_at
        .map(|t| human_secs((now.as_second() - t.as_second()).max(0)))
        .unwrap_or_else(|| "-".into());
    let _ = writeln!(
        out,
        "{:<14} {:<10} {:>9} {:>8} {:>8} {:>6} {:>6} {:>10}",
        "total", "", total.received, total.pending, oldest, total.held, total.dead, total.forwarded
    );
    let _ = writeln!(out);
    if total.dead + total.held > 0 {
        let _ = writeln!(
            out,
            "{} dead letter(s), {} held: `lapor-bridge dead-letters list` shows why ({} acknowledged)",
            total.dead, total.held, total.acknowledged
        );
    } else {
        let _ = writeln!(
            out,
            "no dead letters or held records ({} acknowledged)",
            total.acknowledged
        );
    }
    if total.dry_run_checked > 0 {
        let _ = writeln!(
            out,
            "{} record(s) checked by the dry run (validated, not sent): `lapor-bridge dry-run report` shows the verdicts",
            total.dry_run_checked
        );
    }
    writebacks(store, now, &mut out)?;
    Ok(out)
}

/// LAPOR!'s statuses and responses on their way back to the channels.
fn writebacks(
    store: &Store,
    now: Timestamp,
    out: &mut String,
) -> Result<(), crate::store::StoreError> {
    let counts = store.writeback_counts()?;
    if counts.is_empty() {
        return Ok(());
    }
    let lag = store.writeback_lag(now)?;
    let _ = writeln!(out, "\nwrite-back     written  waiting   oldest   dead");
    let mut channels: Vec<&str> = counts.iter().map(|c| c.channel.as_str()).collect();
    channels.dedup();
    for ch in channels {
        let n = |state: &str| {
            counts
                .iter()
                .filter(|c| c.channel == ch && c.state == state)
                .map(|c| c.count)
                .sum::<u64>()
        };
        let oldest = lag
            .iter()
            .find(|(c, _)| c == ch)
            .map(|(_, s)| format!("{:.0}s", s))
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "{ch:<14} {:>7}  {:>7}  {oldest:>7}  {:>5}",
            n("done"),
            n("pending"),
            n("dead")
        );
    }
    Ok(())
}
