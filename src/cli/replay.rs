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

use super::{fit, labels};
use crate::domain::ChannelName;
use crate::i18n::format;
use crate::t;

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
    /// From when, in WIB: `2024-07-29 08:00:00`, `2024-07-29` (00:00 WIB), day first
    /// `29/07/2024 08:00`, or RFC 3339 with
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

/// `2024-07-29 08:00:00`, `2024-07-29`, `29/07/2024 08:00` in WIB, or RFC 3339 with an
/// offset (`since::parse`).
pub fn parse_since(s: &str) -> Option<Timestamp> {
    super::since::parse(s)
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
    let lang = crate::i18n::process_lang();
    let fail = |msg: String, code: u8| {
        fit::eprintln(&msg);
        ExitCode::from(code)
    };
    let channel = match ChannelName::parse(&args.channel) {
        Ok(c) => c,
        Err(_) => {
            let text = t!(lang, "replay-bad-channel", channel = args.channel.as_str());
            return fail(text, 2);
        }
    };
    let name = channel.to_string();
    match channel_kind(&args.config, channel.as_str()) {
        Some(Ok(kind)) if kind == "sambat" || kind == "csv_folder" => {}
        Some(Ok(kind)) => {
            let text = t!(
                lang,
                "replay-pushed-channel",
                channel = name.as_str(),
                kind = kind
            );
            return fail(text, 2);
        }
        Some(Err(())) => {
            let config = args.config.display().to_string();
            let text = t!(
                lang,
                "replay-no-channel",
                channel = name.as_str(),
                config = config
            );
            return fail(text, 2);
        }
        None => {}
    }
    let Some(since) = parse_since(&args.since) else {
        return fail(t!(lang, "replay-bad-since", since = args.since.as_str()), 2);
    };
    let now = Timestamp::now();
    if since > now {
        let since = format::datetime_seconds(lang, since);
        return fail(t!(lang, "replay-future", since = since), 2);
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
        Err(e) => {
            let error = super::store_error(lang, &e);
            return fail(
                t!(
                    lang,
                    "replay-not-requested",
                    channel = name.as_str(),
                    error = error
                ),
                1,
            );
        }
    };
    let requested = t!(
        lang,
        "replay-requested",
        channel = name.as_str(),
        since = format::datetime_seconds(lang, since),
        by = by.as_str()
    );
    fit::print(&(requested + "\n"));
    if !args.wait {
        fit::print(&(t!(lang, "replay-wait-hint") + "\n"));
        return ExitCode::SUCCESS;
    }
    let end = Instant::now() + Duration::from_secs(args.timeout);
    loop {
        match store.replay_done(&channel) {
            Ok(Some(done)) if done.request == request => {
                let int = |n: u64| labels::int(lang, n);
                let text = t!(
                    lang,
                    "replay-done",
                    channel = name.as_str(),
                    at = labels::db_time(lang, &done.finished_at),
                    files = if done.files > 0 {
                        t!(lang, "replay-files", count = int(done.files as u64)) + " "
                    } else {
                        String::new()
                    },
                    new = int(done.new as u64),
                    updated = int(done.updated as u64),
                    edited = int(done.edited_after_forward as u64),
                    requeued = int(done.requeued as u64),
                    unchanged = int(done.unchanged as u64)
                );
                fit::print(&(text + "\n"));
                return ExitCode::SUCCESS;
            }
            Ok(_) => {}
            Err(e) => {
                let error = super::store_error(lang, &e);
                return fail(t!(lang, "replay-outcome-unreadable", error = error), 1);
            }
        }
        if Instant::now() >= end {
            let secs = labels::int(lang, args.timeout);
            return fail(
                t!(lang, "replay-timeout", channel = name.as_str(), secs = secs),
                1,
            );
        }
        // Polling a row another process writes: the store offers no notification.
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_wib_unless_it_says_otherwise() {
        let t = |s| parse_since(s).map(crate::time::db);
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
