//! `[admin]`: the health and metrics listener (`/healthz`, `/readyz`, `/metrics`,
//! `/dashboard`).

use std::net::SocketAddr;
use std::path::Path;

use secrecy::SecretString;
use serde_json::Value;

use super::ctx::{join, Ctx};
use super::listener::{
    raw_with_limits, validate_limits, ListenerLimits, DEFAULT_ADMIN_MAX_CONNECTIONS,
};
use super::secret::parse_secret_source;
use super::text::{msg, q};

/// Default of `admin.listen`: loopback only.
pub const DEFAULT_ADMIN_LISTEN: &str = "127.0.0.1:9187";

/// The admin HTTP listener: `/healthz`, `/readyz`, `/metrics`.
#[derive(Clone, Debug)]
pub struct AdminConfig {
    /// `None` when `admin.enabled = false`.
    pub listen: Option<SocketAddr>,
    /// When set, every request needs `Authorization: Bearer <token>`.
    pub token: Option<SecretString>,
    pub limits: ListenerLimits,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            listen: DEFAULT_ADMIN_LISTEN.parse().ok(),
            token: None,
            limits: ListenerLimits::with_max_connections(DEFAULT_ADMIN_MAX_CONNECTIONS),
        }
    }
}

raw_with_limits! {
    struct RawAdmin {
        enabled: Option<bool>,
        listen: Option<String>,
        /// Parsed by hand so that no serde message can echo a secret.
        token: Option<Value>,
    }
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
    let raw_limits = raw.limits();
    let listen = raw
        .listen
        .unwrap_or_else(|| DEFAULT_ADMIN_LISTEN.to_owned());
    let listen = match listen.trim().parse::<SocketAddr>() {
        Ok(a) => Some(a),
        Err(_) => {
            ctx.problem(
                &join(&key, &["listen"]),
                msg!(
                    "config-listen",
                    value = q(&listen),
                    example = q(DEFAULT_ADMIN_LISTEN)
                ),
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
                            ctx.problem(&token_key, msg!("config-admin-token-empty"));
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
    let limits = validate_limits(&raw_limits, ctx, &key, DEFAULT_ADMIN_MAX_CONNECTIONS);
    let enabled = raw.enabled.unwrap_or(true);
    Some(AdminConfig {
        listen: if enabled { Some(listen?) } else { None },
        token: token?,
        limits: limits?,
    })
}
