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

pub use crate::wire::lapor::{BackgroundShare, RateLimit};

/// Background calls (feed reads, reconciliation look-ups) get at least this many requests a
/// minute while creates wait: the feed stays read, and no loop waits at the limiter long
/// enough to look wedged to the watchdog (its stall limit is at least 30 s).
const MIN_BACKGROUND_PER_MINUTE: f64 = 3.0;

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
    background_share: Option<f64>,
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
    let background_share = background_share(ctx, rl.background_share, per_minute);
    Some(LaporConfig {
        base_url: base_url?,
        client_id: client_id?,
        client_secret: client_secret?,
        request_timeout: Duration::from_millis(request_timeout?),
        connect_timeout: Duration::from_millis(connect_timeout?),
        rate_limit: RateLimit {
            per_minute: per_minute?,
            burst: burst?,
            background_share: background_share?,
        },
        reference_refresh: Duration::from_secs(reference_refresh?),
        reference_grace_fetches: reference_grace_fetches? as u32,
    })
}

/// `lapor.rate_limit.background_share`: in (0, 1], and at least
/// [`MIN_BACKGROUND_PER_MINUTE`] of `per_minute`.
fn background_share(
    ctx: &mut Ctx,
    raw: Option<f64>,
    per_minute: Option<std::num::NonZeroU32>,
) -> Option<BackgroundShare> {
    let key = k(&["lapor", "rate_limit", "background_share"]);
    let Some(f) = raw else {
        return Some(BackgroundShare::DEFAULT);
    };
    let Some(share) = BackgroundShare::from_fraction(f) else {
        ctx.problem(
            &key,
            format!(
                "is {f}; it must be a fraction above 0 and at most 1, the share of the quota feed \
                 reads and look-ups may use while complaints wait to be created (e.g. 0.05)"
            ),
        );
        return None;
    };
    let per_minute = per_minute?;
    // What the limiter will allow (rounded to whole calls), not the exact product.
    let background = f64::from(share.of(per_minute).get());
    if background < MIN_BACKGROUND_PER_MINUTE {
        // The least share that rounds to the minimum (2.5 of 50 rounds to 3).
        let least = ((MIN_BACKGROUND_PER_MINUTE - 0.5) / f64::from(per_minute.get()) * 1000.0)
            .ceil()
            / 1000.0;
        let fix = if least <= 1.0 {
            format!("set it to {least} or more")
        } else {
            format!("raise lapor.rate_limit.per_minute to at least {MIN_BACKGROUND_PER_MINUTE}")
        };
        ctx.problem(
            &key,
            format!(
                "{f} of {} requests a minute leaves {background} a minute for feed reads and \
                 look-ups while creates wait; at least {MIN_BACKGROUND_PER_MINUTE} are needed: \
                 {fix}",
                per_minute.get()
            ),
        );
        return None;
    }
    Some(share)
}
