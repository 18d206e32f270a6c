//! `[service]`: running under systemd: drain on stop, watchdog stall limit, status line.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::ctx::{join, Ctx};
use super::text::msg;

/// Default of `service.drain_timeout_secs`.
pub const DEFAULT_DRAIN_TIMEOUT_SECS: u64 = 30;
/// Default of `service.status_interval_secs`.
pub const DEFAULT_STATUS_INTERVAL_SECS: u64 = 5;

#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// On SIGTERM (and before a reload), how long the step in flight may take to finish
    /// before it is abandoned; its records stay pending and in doubt, so nothing is lost.
    pub drain_timeout: Duration,
    /// A working loop busy for longer than this without progress counts as wedged: the
    /// watchdog stops pinging systemd. `None`: half of systemd's `WatchdogSec=`, at least 30 s.
    pub stall_limit: Option<Duration>,
    /// How often STATUS= and the snapshot `lapor-bridge status` reads are refreshed.
    pub status_interval: Duration,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            drain_timeout: Duration::from_secs(DEFAULT_DRAIN_TIMEOUT_SECS),
            stall_limit: None,
            status_interval: Duration::from_secs(DEFAULT_STATUS_INTERVAL_SECS),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    drain_timeout_secs: Option<u64>,
    stall_limit_secs: Option<u64>,
    status_interval_secs: Option<u64>,
}

pub(crate) fn validate_service(raw: Option<Value>, ctx: &mut Ctx) -> Option<ServiceConfig> {
    let key = vec!["service".to_owned()];
    let raw: RawService = match raw {
        None => RawService::default(),
        Some(v) => ctx.deserialize(v, &key)?,
    };
    let mut ok = true;
    let mut positive = |name: &str, v: Option<u64>| -> Option<Option<Duration>> {
        match v {
            Some(0) => {
                ctx.problem(&join(&key, &[name]), msg!("config-positive"));
                ok = false;
                None
            }
            Some(v) if v > 86_400 => {
                ctx.problem(
                    &join(&key, &[name]),
                    msg!("config-out-of-range", value = v, min = 1, max = 86_400),
                );
                ok = false;
                None
            }
            other => Some(other.map(Duration::from_secs)),
        }
    };
    let drain = positive("drain_timeout_secs", raw.drain_timeout_secs);
    let stall = positive("stall_limit_secs", raw.stall_limit_secs);
    let status = positive("status_interval_secs", raw.status_interval_secs);
    if !ok {
        return None;
    }
    Some(ServiceConfig {
        drain_timeout: drain?.unwrap_or(Duration::from_secs(DEFAULT_DRAIN_TIMEOUT_SECS)),
        stall_limit: stall?,
        status_interval: status?.unwrap_or(Duration::from_secs(DEFAULT_STATUS_INTERVAL_SECS)),
    })
}
