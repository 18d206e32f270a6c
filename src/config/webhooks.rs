//! `[webhooks]`: the one HTTP listener every webhook channel's route is served on.

use std::net::SocketAddr;

use serde_json::Value;

use super::ctx::{join, Ctx};
use super::listener::{
    raw_with_limits, validate_limits, ListenerLimits, DEFAULT_WEBHOOK_MAX_CONNECTIONS,
};
use super::text::{msg, q};

/// Default listener of the webhook receiver.
pub const DEFAULT_WEBHOOK_LISTEN: &str = "127.0.0.1:8088";

/// `[webhooks]`: the one HTTP listener every webhook channel's route is served on.
#[derive(Clone, Debug)]
pub struct WebhooksConfig {
    pub listen: SocketAddr,
    pub limits: ListenerLimits,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            listen: DEFAULT_WEBHOOK_LISTEN
                .parse()
                .expect("valid default address"),
            limits: ListenerLimits::with_max_connections(DEFAULT_WEBHOOK_MAX_CONNECTIONS),
        }
    }
}

raw_with_limits! {
    struct RawWebhooks {
        listen: Option<String>,
    }
}

pub(crate) fn validate_webhooks(raw: Option<Value>, ctx: &mut Ctx) -> Option<WebhooksConfig> {
    let key = vec!["webhooks".to_owned()];
    let raw: RawWebhooks = match raw {
        None => RawWebhooks::default(),
        Some(v) => ctx.deserialize(v, &key)?,
    };
    let limits = validate_limits(&raw.limits(), ctx, &key, DEFAULT_WEBHOOK_MAX_CONNECTIONS);
    let listen = raw
        .listen
        .unwrap_or_else(|| DEFAULT_WEBHOOK_LISTEN.to_owned());
    match listen.trim().parse::<SocketAddr>() {
        Ok(a) => Some(WebhooksConfig {
            listen: a,
            limits: limits?,
        }),
        Err(_) => {
            ctx.problem(
                &join(&key, &["listen"]),
                msg!(
                    "config-listen",
                    value = q(&listen),
                    example = q("127.0.0.1:8088")
                ),
            );
            None
        }
    }
}
