//! The release daemon (`target/release/lapor-bridge run`) as a child process against the rig's
//! mocks, for the figures that belong to the service process alone: its CPU and RSS.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use super::rig::Rig;
use crate::demo::{ngombe_inbox, ngombe_status_file, DEMO_TOML};

/// The intervals of `config/lapor-bridge.example.toml` (production), not the demo's
/// sub-second ones: an idle figure is meant for a city server.
pub const PRODUCTION_INTERVALS: [(&str, &str); 8] = [
    ("LAPOR_BRIDGE__SYNC__POLL_INTERVAL_MS", "15000"),
    ("LAPOR_BRIDGE__SYNC__RECONCILE_INTERVAL_SECS", "3600"),
    ("LAPOR_BRIDGE__SERVICE__STATUS_INTERVAL_SECS", "5"),
    ("LAPOR_BRIDGE__FORWARDER__IDLE_POLL_MS", "500"),
    ("LAPOR_BRIDGE__CHANNELS__SAMBAT__POLL_INTERVAL_SECS", "30"),
    ("LAPOR_BRIDGE__LAPOR__REFERENCE_REFRESH_SECS", "3600"),
    ("LAPOR_BRIDGE__CHANNELS__NGOMBE__SCAN_INTERVAL_MS", "2000"),
    ("LAPOR_BRIDGE__CHANNELS__NGOMBE__STABLE_SECS", "5"),
];

/// `LAPOR_BRIDGE_BIN`, else the workspace's `target/release/lapor-bridge`.
pub(super) fn binary() -> Result<PathBuf, String> {
    let p = match std::env::var_os("LAPOR_BRIDGE_BIN") {
        Some(p) => PathBuf::from(p),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target"))
                });
            target.join("release").join("lapor-bridge")
        }
    };
    if p.is_file() {
        Ok(p)
    } else {
        Err(format!(
            "{} not found: build it with `cargo build --release -p lapor-bridge` (or set LAPOR_BRIDGE_BIN)",
            p.display()
        ))
    }
}

/// The running daemon; killed when dropped (it runs on a copy of a store, so a kill loses
/// nothing that matters).
pub struct Daemon {
    child: Child,
    pub log: PathBuf,
}

impl Daemon {
    pub fn spawn(rig: &Rig, extra: &[(&str, String)]) -> Result<Daemon, String> {
        let dir = rig.dir();
        let config = dir.join("demo.toml");
        std::fs::write(&config, DEMO_TOML).map_err(|e| e.to_string())?;
        let log = dir.join("daemon.log");
        let log_file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let store = rig.store_path();
        let mut cmd = Command::new(binary()?);
        cmd.arg("run")
            .arg("--config")
            .arg(&config)
            .env("LAPOR_BRIDGE__LAPOR__BASE_URL", rig.lapor.base_url())
            .env(
                "LAPOR_BRIDGE__CHANNELS__SAMBAT__BASE_URL",
                rig.sambat.base_url(),
            )
            .env("LAPOR_BRIDGE__STORE__PATH", &store)
            .env(
                "LAPOR_BRIDGE__CHANNELS__NGOMBE__INBOX",
                ngombe_inbox(&store),
            )
            .env(
                "LAPOR_BRIDGE__CHANNELS__NGOMBE__WRITEBACK__STATUS_FILE",
                ngombe_status_file(&store),
            )
            .envs(extra.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file);
        let child = cmd
            .spawn()
            .map_err(|e| format!("starting the daemon: {e}"))?;
        Ok(Daemon { child, log })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Err with the log's tail if the daemon has exited.
    pub fn check_alive(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(10).collect();
                Err(format!(
                    "the daemon exited ({status}); its log ends:\n{}",
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                ))
            }
            Err(e) => Err(e.to_string()),
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The production intervals as overrides.
pub fn production_overrides() -> Vec<(&'static str, String)> {
    PRODUCTION_INTERVALS
        .iter()
        .map(|(k, v)| (*k, v.to_string()))
        .collect()
}
