//! `[admin]` (the health/metrics listener) and `[service]` (running under systemd: drain on
//! stop, watchdog stall limit, status line).

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use super::load::{join, Ctx};
use super::secret::parse_secret_source;

/// Default of `admin.listen`: loopback only.
pub const DEFAULT_ADMIN_LISTEN: &str = "127.0.0.1:9187";
/// Default of `service.drain_timeout_secs`.
pub const DEFAULT_DRAIN_TIMEOUT_SECS: u64 = 30;
/// Default of `service.status_interval_secs`.
pub const DEFAULT_STATUS_INTERVAL_SECS: u64 = 5;

/// The admin HTTP listener: `/healthz`, `/readyz`, `/metrics`.
#[derive(Clone, Debug)]
pub struct AdminConfig {
    /// `None` when `admin.enabled = false`.
    pub listen: Option<SocketAddr>,
    /// When set, every request needs `Authorization: Bearer <token>`.
    pub token: Option<SecretString>,
    pub limits: super::ListenerLimits,
}

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

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            listen: DEFAULT_ADMIN_LISTEN.parse().ok(),
            token: None,
            limits: super::ListenerLimits::with_max_connections(
                super::listener::DEFAULT_ADMIN_MAX_CONNECTIONS,
            ),
        }
    }
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
struct RawAdmin {
    enabled: Option<bool>,
    listen: Option<String>,
    /// Parsed by hand so that no serde message can echo a secret.
    token: Option<Value>,
    header_timeout_secs: Option<u64>,
    body_timeout_secs: Option<u64>,
    max_connections: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    drain_timeout_secs: Option<u64>,
    stall_limit_secs: Option<u64>,
    status_interval_secs: Option<u64>,
}

pub(crate) fn validate_admin(
    raw: Option<Value>,
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<AdminConfig> {
    let key = vec!["admin".to_owned()];
    let raw: RawAdmin = match raw {
        None => RawAdmin::default(),
        Some(v) => ctx.deserialize(v, &key)?,
    };
    let listen = raw
        .listen
        .unwrap_or_else(|| DEFAULT_ADMIN_LISTEN.to_owned());
    let listen = match listen.trim().parse::<SocketAddr>() {
        Ok(a) => Some(a),
        Err(_) => {
            ctx.problem(
                &join(&key, &["listen"]),
                format!("{listen:?} is not an address and port, e.g. {DEFAULT_ADMIN_LISTEN:?}"),
            );
            None
        }
    };
    let token_key = join(&key, &["token"]);
    let token = match raw.token {
        None => Some(None),
        Some(v) => {
            let env_keys = ctx.env_children(&token_key);
            match parse_secret_source(&v, &env_keys) {
                Err(problems) => {
                    for (sub, msg) in problems {
                        let mut p = token_key.clone();
                        p.extend(sub);
                        ctx.problem(&p, msg);
                    }
                    None
                }
                Ok(source) => match source.resolve(base_dir, env) {
                    Ok(s) => {
                        use secrecy::ExposeSecret;
                        if s.expose_secret().trim().is_empty() {
                            ctx.problem(
                                &token_key,
                                "is empty; leave `token` out to allow requests without one",
                            );
                            None
                        } else {
                            Some(Some(s))
                        }
                    }
                    Err(msg) => {
                        ctx.problem(&token_key, msg);
                        None
                    }
                },
            }
        }
    };
    let limits = super::listener::validate_limits(
        &super::listener::RawLimits {
            header_timeout_secs: raw.header_timeout_secs,
            body_timeout_secs: raw.body_timeout_secs,
            max_connections: raw.max_connections,
        },
        ctx,
        &key,
        super::listener::DEFAULT_ADMIN_MAX_CONNECTIONS,
    );
    let enabled = raw.enabled.unwrap_or(true);
    Some(AdminConfig {
        listen: if enabled { Some(listen?) } else { None },
        token: token?,
        limits: limits?,
    })
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
                ctx.problem(&join(&key, &[name]), "must be greater than 0");
                ok = false;
                None
            }
            Some(v) if v > 86_400 => {
                ctx.problem(
                    &join(&key, &[name]),
                    format!("{v} is out of range; use a value from 1 to 86400"),
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
