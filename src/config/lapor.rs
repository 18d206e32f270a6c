//! `[lapor]`: the SP4N-LAPOR! endpoint, the client's credentials, timeouts, the one rate
//! limit of every call, and how often the reference data is fetched.

use std::path::Path;
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use super::checks::{nonzero, positive, secret, validate_url};
use super::ctx::{k, Ctx};
use super::text::msg;

#[derive(Clone, Debug)]
pub struct LaporConfig {
    pub base_url: Url,
    pub client_id: String,
    pub client_secret: SecretString,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub rate_limit: RateLimit,
    /// How often `/kategori` and `/instansi` are fetched again.
    pub reference_refresh: Duration,
    /// A category or instansi absent from this many consecutive fetches is forgotten.
    pub reference_grace_fetches: u32,
}

pub use crate::wire::lapor::RateLimit;

impl From<&LaporConfig> for crate::wire::lapor::LaporSettings {
    fn from(c: &LaporConfig) -> Self {
        Self {
            base_url: c.base_url.clone(),
            client_id: c.client_id.clone(),
            client_secret: c.client_secret.clone(),
            request_timeout: c.request_timeout,
            connect_timeout: c.connect_timeout,
            rate_limit: c.rate_limit,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLapor {
    base_url: Option<String>,
    client_id: Option<String>,
    /// Parsed by hand so that no serde message can echo a secret.
    client_secret: Option<Value>,
    request_timeout_ms: Option<u64>,
    connect_timeout_ms: Option<u64>,
    reference_refresh_secs: Option<u64>,
    reference_grace_fetches: Option<u32>,
    rate_limit: Option<RawRateLimit>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRateLimit {
    per_minute: Option<u32>,
    burst: Option<u32>,
}

pub(crate) fn validate_lapor(
    raw: Option<Value>,
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<LaporConfig> {
    let raw: RawLapor = match raw {
        Some(v) => ctx.deserialize(v, &k(&["lapor"]))?,
        None => {
            ctx.missing(&k(&["lapor"]), msg!("config-lapor-missing"));
            return None;
        }
    };
    let base_url = validate_url(
        ctx,
        &k(&["lapor", "base_url"]),
        raw.base_url,
        "https://lapor.example/api/v1",
    );
    let client_id = match raw.client_id {
        None => {
            ctx.missing(
                &k(&["lapor", "client_id"]),
                msg!("config-lapor-client-id-missing"),
            );
            None
        }
        Some(c) if c.trim().is_empty() => {
            ctx.problem(&k(&["lapor", "client_id"]), msg!("config-empty"));
            None
        }
        Some(c) => Some(c),
    };
    let client_secret = secret(
        ctx,
        &k(&["lapor", "client_secret"]),
        raw.client_secret,
        "{ credential = \"lapor-client-secret\" }",
        base_dir,
        env,
    );
    let request_timeout = positive(
        ctx,
        &k(&["lapor", "request_timeout_ms"]),
        raw.request_timeout_ms,
        10_000,
    );
    let connect_timeout = positive(
        ctx,
        &k(&["lapor", "connect_timeout_ms"]),
        raw.connect_timeout_ms,
        3_000,
    );
    let reference_refresh = positive(
        ctx,
        &k(&["lapor", "reference_refresh_secs"]),
        raw.reference_refresh_secs,
        3_600,
    );
    let reference_grace_fetches = positive(
        ctx,
        &k(&["lapor", "reference_grace_fetches"]),
        raw.reference_grace_fetches.map(u64::from),
        3,
    );
    let rl = raw.rate_limit.unwrap_or_default();
    let per_minute = nonzero(
        ctx,
        &k(&["lapor", "rate_limit", "per_minute"]),
        rl.per_minute,
        60,
        msg!("config-what-per-minute"),
    );
    let burst = nonzero(
        ctx,
        &k(&["lapor", "rate_limit", "burst"]),
        rl.burst,
        1,
        msg!("config-what-burst"),
    );
    Some(LaporConfig {
        base_url: base_url?,
        client_id: client_id?,
        client_secret: client_secret?,
        request_timeout: Duration::from_millis(request_timeout?),
        connect_timeout: Duration::from_millis(connect_timeout?),
        rate_limit: RateLimit {
            per_minute: per_minute?,
            burst: burst?,
        },
        reference_refresh: Duration::from_secs(reference_refresh?),
        reference_grace_fetches: reference_grace_fetches? as u32,
    })
}
