//! `lapor-bridge replay`: re-read a polled channel (SAMBAT) or a CSV folder's processed files
//! from a time, through the usual identity and dedupe. The command only records the request
//! in the store (`store::replay`); the running daemon's stage for that channel honours it on
//! its next step, so the daemon stays the only writer of the channel's cursor and the only
//! holder of its credentials, and a replay never races a poll.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use jiff::Timestamp;

use crate::domain::ChannelName;
use crate::time;

#[derive(Args, Debug)]
pub struct ReplayArgs {
    #[arg(long, env = "LAPOR_BRIDGE_CONFIG", default_value = super::DEFAULT_CONFIG, global = true)]
    pub config: PathBuf,
    /// Use this store file instead of the configuration's `store.path`.
    #[arg(long, global = true)]
    pub store: Option<PathBuf>,
    /// The channel: a SAMBAT channel (re-polled from --since) or a CSV folder (its processed
    /// files modified since --since are read again).
    #[arg(long)]
    pub channel: String,
    /// From when, in WIB: `2024-07-29 08:00:00`, `2024-07-29` (00:00 WIB), or RFC 3339 with
    /// an offset (`2024-07-29T08:00:00+07:00`).
    #[arg(long)]
    pub since: String,
    /// Who asks (recorded with the request); default SUDO_USER, else USER.
    #[arg(long)]
    pub by: Option<String>,
    /// Wait until the daemon has done the replay and print what it found.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up after this many seconds (the request stays pending).
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
}

/// `2024-07-29 08:00:00` or `2024-07-29` in WIB, or RFC 3339 with an offset.
pub fn parse_since(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Some(t) = time::parse_wib(s) {
        return Some(t);
    }
    if let Ok(d) = jiff::civil::Date::strptime("%Y-%m-%d", s) {
        return d.to_zoned_datetime(time::wib()).ok().map(|z| z.timestamp());
    }
    s.parse::<Timestamp>().ok()
}

/// The channel's `kind` in the configuration file, read without resolving secrets; `None`
/// when the file cannot be read (with --store the configuration may be elsewhere).
fn channel_kind(config: &std::path::Path, channel: &str) -> Option<Result<String, ()>> {
    let text = std::fs::read_to_string(config).ok()?;
    let value: toml::Table = toml::from_str(&text).ok()?;
    Some(
        value
            .get("channels")
            .and_then(|c| c.get(channel))
            .and_then(|c| c.get("kind"))
            .and_then(|k| k.as_str())
            .map(str::to_owned)
            .ok_or(()),
    )
}

pub fn run(args: ReplayArgs) -> ExitCode {
    let fail = |msg: String, code: u8| {
        eprintln!("{msg}");
        ExitCode::from(code)
    };
    let channel = match ChannelName::parse(&args.channel) {
        Ok(c) => c,
        Err(e) => return fail(format!("--channel {}: {e}", args.channel), 2),
    };
    match channel_kind(&args.config, channel.as_str()) {
        Some(Ok(kind)) if kind == "sambat" || kind == "csv_folder" => {}
        Some(Ok(kind)) => {
            return fail(
                format!(
                    "channel {channel} is a {kind} channel: its sender pushes deliveries, there \
                     is nothing to re-read; ask the sender to deliver again (duplicates are \
                     recognised). replay is for sambat and csv_folder channels"
                ),
                2,
            )
        }
        Some(Err(())) => {
            return fail(
                format!(
                    "no channel {channel} in {}: check --channel against [channels.*]",
                    args.config.display()
                ),
                2,
            )
        }
        None => {}
    }
    let Some(since) = parse_since(&args.since) else {
        return fail(
            format!(
                "--since {:?} is not a time: use WIB `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD`, or \
                 RFC 3339 with an offset",
                args.since
            ),
            2,
        );
    };
    let now = Timestamp::now();
    if since > now {
        return fail(
            format!(
                "--since {} WIB is in the future: nothing to re-read",
                time::format_wib(since)
            ),
            2,
        );
    }
    let path = match super::store_path(&args.config, args.store) {
        Ok(p) => p,
        Err(e) => return fail(e, 2),
    };
    let store = match super::open_existing(&path, true) {
        Ok(s) => s,
        Err(e) => return fail(e, 1),
    };
    let by = args
        .by
        .or_else(|| std::env::var("SUDO_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    let request = match store.request_replay(&channel, since, &by, now) {
        Ok(r) => r,
        Err(e) => return fail(format!("replay of {channel} not requested: {e}"), 1),
    };
    println!(
        "replay of {channel} from {} WIB requested (by {by}); the running daemon takes it on \
         the channel's next poll or scan",
        time::format_wib(since)
    );
    if !args.wait {
        println!("`lapor-bridge replay ... --wait` waits for it and prints what it found");
        return ExitCode::SUCCESS;
    }
    let end = Instant::now() + Duration::from_secs(args.timeout);
    loop {
        match store.replay_done(&channel) {
            Ok(Some(done)) if done.request == request => {
                let files = if done.files > 0 {
                    format!("{} files, ", done.files)
                } else {
                    String::new()
                };
                println!(
                    "replay of {channel} done at {} WIB: {files}{} new, {} updated before \
                     forwarding, {} edited after forwarding (recorded as revisions), {} \
                     requeued, {} unchanged",
                    time::parse_db(&done.finished_at)
                        .map(time::format_wib)
                        .unwrap_or(done.finished_at.clone()),
                    done.new,
                    done.updated,
                    done.edited_after_forward,
                    done.requeued,
                    done.unchanged
                );
                return ExitCode::SUCCESS;
            }
            Ok(_) => {}
            Err(e) => return fail(format!("cannot read the replay's outcome: {e}"), 1),
        }
        if Instant::now() >= end {
            return fail(
                format!(
                    "the replay of {channel} was not done within {} s: is lapor-bridge running \
                     (systemctl status lapor-bridge)? The request stays and is taken when it \
                     runs",
                    args.timeout
                ),
                1,
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_wib_unless_it_says_otherwise() {
        let t = |s| parse_since(s).map(time::db);
        assert_eq!(
            t("2024-07-29 08:00:00").as_deref(),
            Some("2024-07-29T01:00:00.000Z")
        );
        assert_eq!(t("2024-07-29").as_deref(), Some("2024-07-28T17:00:00.000Z"));
        assert_eq!(
            t("2024-07-29T08:00:00+00:00").as_deref(),
            Some("2024-07-29T08:00:00.000Z")
        );
        assert_eq!(t("kemarin"), None);
    }
}
