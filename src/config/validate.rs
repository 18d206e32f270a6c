//! The raw shape of the file (every key optional, unknown keys rejected) and the validation
//! pass that turns it into [`Config`], collecting every problem.

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use super::load::{join, Ctx, KeyPath};
use super::secret::parse_secret_source;
use super::{
    ChannelConfig, ChannelKind, Config, ForwarderConfig, LaporConfig, LogFormat, LoggingConfig,
    Mode, RateLimit, SambatConfig, SambatMapping, StoreConfig, KNOWN_CHANNEL_KINDS,
};
use crate::domain::ChannelName;
use crate::wire::lapor::types::Klasifikasi;

pub(crate) const DEFAULT_STORE_PATH: &str = "lapor-bridge.db";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    mode: Option<String>,
    store: Option<RawStore>,
    logging: Option<RawLogging>,
    lapor: Option<RawLapor>,
    forwarder: Option<RawForwarder>,
    channels: Option<serde_json::Map<String, Value>>,
    webhooks: Option<Value>,
    admin: Option<Value>,
    service: Option<Value>,
    sync: Option<Value>,
    report: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    path: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogging {
    format: Option<String>,
    level: Option<String>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForwarder {
    concurrency: Option<u64>,
    batch_size: Option<u64>,
    idle_poll_ms: Option<u64>,
    max_attempts: Option<u32>,
    backoff_initial_ms: Option<u64>,
    backoff_max_secs: Option<u64>,
    outage_threshold: Option<u32>,
    outage_backoff_max_secs: Option<u64>,
}

/// A `kind = "sambat"` channel, without `kind`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSambat {
    base_url: Option<String>,
    api_key: Option<Value>,
    poll_interval_secs: Option<u64>,
    per_page: Option<u32>,
    request_timeout_ms: Option<u64>,
    max_retries: Option<u32>,
    start_from: Option<String>,
    mapping: Option<RawMapping>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    klasifikasi: Option<String>,
    default_instansi_id: Option<i64>,
    kategori: Option<BTreeMap<String, i64>>,
    opd: Option<BTreeMap<String, i64>>,
    kecamatan: Option<BTreeMap<String, String>>,
    kelurahan: Option<BTreeMap<String, String>>,
}

fn k(parts: &[&str]) -> KeyPath {
    join(&[], parts)
}

/// Validates the merged configuration. Returns `None` or a config with problems recorded in
/// `ctx` when something is wrong.
pub(crate) fn validate(
    value: Value,
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<Config> {
    let raw: RawConfig = ctx.deserialize(value, &[]).unwrap_or_default();

    let mode = match raw.mode.as_deref() {
        None | Some("live") => Some(Mode::Live),
        Some("dry-run") => Some(Mode::DryRun),
        Some(other) => {
            ctx.problem(
                &k(&["mode"]),
                format!("{other:?} is not a mode; use \"live\" or \"dry-run\""),
            );
            None
        }
    };

    let store = raw.store.unwrap_or_default();
    let store_path = match store.path {
        None => Some(PathBuf::from(DEFAULT_STORE_PATH)),
        Some(p) if p.trim().is_empty() => {
            ctx.problem(
                &k(&["store", "path"]),
                "is empty; give the SQLite database file, e.g. \
                 \"/var/lib/lapor-bridge/lapor-bridge.db\"",
            );
            None
        }
        Some(p) => Some(PathBuf::from(p)),
    };

    let logging = validate_logging(raw.logging.unwrap_or_default(), ctx);
    let lapor = validate_lapor(raw.lapor, ctx, base_dir, env);
    let forwarder = validate_forwarder(raw.forwarder.unwrap_or_default(), ctx);
    let channels = validate_channels(raw.channels.unwrap_or_default(), ctx, base_dir, env);
    let webhooks = super::channels_decl::validate_webhooks(raw.webhooks, ctx);
    let channels = channels.filter(|c| super::channels_decl::check_routes(c, ctx));
    let admin = super::service::validate_admin(raw.admin, ctx, base_dir, env);
    let service = super::service::validate_service(raw.service, ctx);
    let sync = super::writeback::validate_sync(raw.sync, ctx);
    let report = super::report::validate_report(raw.report, ctx, base_dir, env, true);

    Some(Config {
        mode: mode?,
        store: StoreConfig { path: store_path? },
        lapor: lapor?,
        forwarder: forwarder?,
        channels: channels?,
        logging: logging?,
        webhooks: webhooks?,
        admin: admin?,
        service: service?,
        sync: sync?,
        report: report?,
    })
}

fn validate_logging(raw: RawLogging, ctx: &mut Ctx) -> Option<LoggingConfig> {
    let format = match raw.format.as_deref() {
        None | Some("text") => Some(LogFormat::Text),
        Some("json") => Some(LogFormat::Json),
        Some(other) => {
            ctx.problem(
                &k(&["logging", "format"]),
                format!("{other:?} is not a log format; use \"text\" or \"json\""),
            );
            None
        }
    };
    let level = raw.level.unwrap_or_else(|| "info".to_owned());
    let level_ok = match tracing_subscriber::EnvFilter::builder().parse(&level) {
        Ok(_) if !level.trim().is_empty() => true,
        Ok(_) => false,
        Err(e) => {
            ctx.problem(
                &k(&["logging", "level"]),
                format!(
                    "{level:?} is not a log filter ({e}); use a level such as \"info\" or \
                     directives such as \"info,lapor_bridge=debug\""
                ),
            );
            return None;
        }
    };
    if !level_ok {
        ctx.problem(
            &k(&["logging", "level"]),
            "is empty; use a level such as \"info\"",
        );
        return None;
    }
    Some(LoggingConfig {
        format: format?,
        level,
    })
}

pub(crate) fn validate_url(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<String>,
    example: &str,
) -> Option<Url> {
    let Some(raw) = raw else {
        ctx.missing(key, format!("missing; set the base URL, e.g. {example:?}"));
        return None;
    };
    let problem = match Url::parse(raw.trim()) {
        Err(e) => Some(format!(
            "{raw:?} is not a URL ({e}); give an absolute http(s) URL, e.g. {example:?}"
        )),
        Ok(u) if u.scheme() != "http" && u.scheme() != "https" => Some(format!(
            "{raw:?} uses scheme {:?}; only http and https are supported",
            u.scheme()
        )),
        Ok(u) if u.host_str().is_none_or(str::is_empty) => Some(format!("{raw:?} has no host")),
        Ok(u) if !u.username().is_empty() || u.password().is_some() => Some(
            "contains user credentials; remove them from the URL (they would be logged) and \
             use the secret settings instead"
                .to_owned(),
        ),
        Ok(u) if u.query().is_some() || u.fragment().is_some() => Some(format!(
            "{raw:?} has a query or fragment; give only the base URL, e.g. {example:?}"
        )),
        Ok(u) => return Some(u),
    };
    if let Some(p) = problem {
        ctx.problem(key, p);
    }
    None
}

/// A value that must be > 0; `default` when absent.
pub(crate) fn positive(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<u64>,
    default: u64,
) -> Option<u64> {
    match raw.unwrap_or(default) {
        0 => {
            ctx.problem(key, "must be greater than 0");
            None
        }
        v => Some(v),
    }
}

pub(crate) fn in_range(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<u64>,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Option<u64> {
    let v = raw.unwrap_or(default);
    if range.contains(&v) {
        Some(v)
    } else {
        ctx.problem(
            key,
            format!(
                "{v} is out of range; use a value from {} to {}",
                range.start(),
                range.end()
            ),
        );
        None
    }
}

pub(crate) fn secret(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<Value>,
    example: &str,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<SecretString> {
    let Some(raw) = raw else {
        ctx.missing(
            key,
            format!(
                "missing; give the secret's source, e.g. {key_name} = {example}",
                key_name = key.last().map(String::as_str).unwrap_or("secret")
            ),
        );
        return None;
    };
    let env_keys = ctx.env_children(key);
    let source = match parse_secret_source(&raw, &env_keys) {
        Ok(s) => s,
        Err(problems) => {
            for (sub, msg) in problems {
                let mut p = key.to_vec();
                p.extend(sub);
                ctx.problem(&p, msg);
            }
            return None;
        }
    };
    match source.resolve(base_dir, env) {
        Ok(s) => Some(s),
        Err(msg) => {
            ctx.problem(key, msg);
            None
        }
    }
}

fn validate_lapor(
    raw: Option<RawLapor>,
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<LaporConfig> {
    let raw = match raw {
        Some(r) => r,
        None => {
            ctx.missing(
                &k(&["lapor"]),
                "missing section [lapor]; it needs at least base_url, client_id and client_secret",
            );
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
                "missing; set the client id LAPOR! issued to this instansi, e.g. \"pemkot-malang\"",
            );
            None
        }
        Some(c) if c.trim().is_empty() => {
            ctx.problem(&k(&["lapor", "client_id"]), "is empty");
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
        "requests per minute for all LAPOR! calls together; the default quota is 60",
    );
    let burst = nonzero(
        ctx,
        &k(&["lapor", "rate_limit", "burst"]),
        rl.burst,
        1,
        "requests allowed at once",
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

fn nonzero(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<u32>,
    default: u32,
    what: &str,
) -> Option<NonZeroU32> {
    match NonZeroU32::new(raw.unwrap_or(default)) {
        Some(v) => Some(v),
        None => {
            ctx.problem(key, format!("must be at least 1 ({what})"));
            None
        }
    }
}

fn validate_forwarder(raw: RawForwarder, ctx: &mut Ctx) -> Option<ForwarderConfig> {
    let f = |name: &str| k(&["forwarder", name]);
    let concurrency = in_range(ctx, &f("concurrency"), raw.concurrency, 4, 1..=256);
    let batch_size = in_range(ctx, &f("batch_size"), raw.batch_size, 32, 1..=1000);
    let idle_poll = positive(ctx, &f("idle_poll_ms"), raw.idle_poll_ms, 500);
    let max_attempts = positive(ctx, &f("max_attempts"), raw.max_attempts.map(u64::from), 12);
    let backoff_initial = positive(ctx, &f("backoff_initial_ms"), raw.backoff_initial_ms, 1_000);
    let backoff_max = positive(ctx, &f("backoff_max_secs"), raw.backoff_max_secs, 900);
    if let (Some(init), Some(max)) = (backoff_initial, backoff_max) {
        if max.saturating_mul(1000) < init {
            ctx.problem(
                &f("backoff_max_secs"),
                format!(
                    "{max} s is shorter than backoff_initial_ms ({init} ms); the maximum must be \
                     at least the initial backoff"
                ),
            );
        }
    }
    let outage_threshold = positive(
        ctx,
        &f("outage_threshold"),
        raw.outage_threshold.map(u64::from),
        3,
    );
    let outage_backoff_max = positive(
        ctx,
        &f("outage_backoff_max_secs"),
        raw.outage_backoff_max_secs,
        super::DEFAULT_OUTAGE_BACKOFF_MAX_SECS,
    );
    Some(ForwarderConfig {
        concurrency: concurrency? as usize,
        batch_size: batch_size? as usize,
        idle_poll: Duration::from_millis(idle_poll?),
        max_attempts: max_attempts? as u32,
        backoff_initial: Duration::from_millis(backoff_initial?),
        backoff_max: Duration::from_secs(backoff_max?),
        outage_threshold: outage_threshold? as u32,
        outage_backoff_max: Duration::from_secs(outage_backoff_max?),
    })
}

fn validate_channels(
    raw: serde_json::Map<String, Value>,
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<Vec<ChannelConfig>> {
    let mut out = Vec::new();
    let mut ok = true;
    // (kind, base url) → channel, to catch one source configured twice.
    let mut sources: BTreeMap<(String, String), String> = BTreeMap::new();
    let known = KNOWN_CHANNEL_KINDS.join(", ");
    for (name, table) in raw {
        let key = k(&["channels", &name]);
        let channel_name = match ChannelName::parse(&name) {
            Ok(n) => Some(n),
            Err(e) => {
                ctx.problem(
                    &key,
                    format!("{e}; the table name is the LAPOR! `kanal`, e.g. [channels.sambat]"),
                );
                None
            }
        };
        let Value::Object(mut table) = table else {
            ctx.problem(
                &key,
                format!(
                    "must be a table, e.g. [channels.{name}] with kind = \"sambat\"; known kinds: \
                     {known}"
                ),
            );
            ok = false;
            continue;
        };
        let kind_key = join(&key, &["kind"]);
        let kind = match table.remove("kind") {
            None => {
                ctx.problem(
                    &kind_key,
                    format!("missing; set the channel's kind, one of: {known}"),
                );
                None
            }
            Some(Value::String(s)) if KNOWN_CHANNEL_KINDS.contains(&s.as_str()) => Some(s),
            Some(Value::String(s)) => {
                ctx.problem(
                    &kind_key,
                    format!("unknown channel kind {s:?}; known kinds: {known}"),
                );
                None
            }
            Some(other) => {
                ctx.problem(
                    &kind_key,
                    format!("wrong type: {other}, expected a string, one of: {known}"),
                );
                None
            }
        };
        let Some(kind) = kind else {
            ok = false;
            continue;
        };
        let writeback_kind = match kind.as_str() {
            "sambat" => super::writeback::Kind::Sambat,
            "webhook" => super::writeback::Kind::Webhook,
            _ => super::writeback::Kind::CsvFolder,
        };
        let writeback_ok;
        let writeback = {
            let before = ctx.problem_count();
            let w = super::writeback::validate_writeback(
                table.remove("writeback"),
                writeback_kind,
                &key,
                ctx,
                base_dir,
                env,
            );
            writeback_ok = ctx.problem_count() == before;
            w
        };
        let channel = match kind.as_str() {
            "sambat" => validate_sambat(Value::Object(table), &key, ctx, base_dir, env)
                .map(ChannelKind::Sambat),
            "webhook" => super::channels_decl::validate_webhook(
                Value::Object(table),
                &name,
                &key,
                ctx,
                base_dir,
                env,
            )
            .map(ChannelKind::Webhook),
            "csv_folder" => super::channels_decl::validate_csv(Value::Object(table), &key, ctx)
                .map(ChannelKind::CsvFolder),
            _ => unreachable!("kind checked against KNOWN_CHANNEL_KINDS"),
        };
        if let Some(ChannelKind::Sambat(s)) = &channel {
            let src = (kind.clone(), s.base_url.to_string());
            if let Some(other) = sources.insert(src, name.clone()) {
                ctx.problem(
                    &join(&key, &["base_url"]),
                    format!(
                        "channel {other:?} already polls {} with kind {kind}; the same source \
                         twice would forward every complaint twice — remove one of them",
                        s.base_url
                    ),
                );
                ok = false;
            }
        }
        match (channel_name, channel) {
            (Some(name), Some(kind)) if writeback_ok => out.push(ChannelConfig {
                name,
                kind,
                writeback,
            }),
            _ => ok = false,
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    ok.then_some(out)
}

fn validate_sambat(
    table: Value,
    key: &[String],
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<SambatConfig> {
    let raw: RawSambat = ctx.deserialize(table, key).unwrap_or_default();
    let sub = |s: &str| join(key, &[s]);
    let base_url = validate_url(
        ctx,
        &sub("base_url"),
        raw.base_url,
        "https://sambat.malangkota.go.id",
    );
    let api_key = secret(
        ctx,
        &sub("api_key"),
        raw.api_key,
        "{ credential = \"sambat-api-key\" }",
        base_dir,
        env,
    );
    let poll_interval = positive(ctx, &sub("poll_interval_secs"), raw.poll_interval_secs, 30);
    let per_page = in_range(
        ctx,
        &sub("per_page"),
        raw.per_page.map(u64::from),
        100,
        1..=100,
    );
    let request_timeout = positive(
        ctx,
        &sub("request_timeout_ms"),
        raw.request_timeout_ms,
        10_000,
    );
    let max_retries = raw.max_retries.unwrap_or(3);
    let start_from = match raw.start_from {
        None => Some(now_wib()),
        Some(s) => match parse_wib_datetime(&s) {
            Some(dt) => Some(dt),
            None => {
                ctx.problem(
                    &sub("start_from"),
                    format!(
                        "{s:?} is not a WIB wall-clock time; use \"YYYY-MM-DD HH:MM:SS\" without \
                         an offset, e.g. \"2024-01-01 00:00:00\""
                    ),
                );
                None
            }
        },
    };
    let mapping = validate_mapping(raw.mapping.unwrap_or_default(), &sub("mapping"), ctx);
    Some(SambatConfig {
        base_url: base_url?,
        api_key: api_key?,
        poll_interval: Duration::from_secs(poll_interval?),
        per_page: per_page? as u32,
        request_timeout: Duration::from_millis(request_timeout?),
        max_retries,
        start_from: start_from?,
        mapping: mapping?,
    })
}

/// The current WIB wall-clock time, to the second: the first poll of a channel without
/// `start_from` sees only complaints changed from now on.
fn now_wib() -> jiff::civil::DateTime {
    let now = jiff::Timestamp::now();
    let now = jiff::Timestamp::from_second(now.as_second()).unwrap_or(now);
    now.to_zoned_datetime(crate::time::wib()).datetime()
}

/// `YYYY-MM-DD HH:MM:SS`; a TOML local datetime (`2024-01-01T00:00:00`, unquoted) is accepted
/// too.
pub(crate) fn parse_wib_datetime(s: &str) -> Option<jiff::civil::DateTime> {
    let s = s.trim();
    if s.len() != 19 {
        return None;
    }
    let normalised = if s.as_bytes()[10] == b'T' {
        format!("{} {}", &s[..10], &s[11..])
    } else {
        s.to_owned()
    };
    jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", &normalised).ok()
}

fn is_code(s: &str, groups: &[usize]) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == groups.len()
        && parts
            .iter()
            .zip(groups)
            .all(|(p, n)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Normalises the keys of one mapping table; two keys that normalise alike are an error unless
/// one of them came from the environment (which then wins).
fn normalise_table<V: Clone>(
    ctx: &mut Ctx,
    key: &[String],
    table: BTreeMap<String, V>,
    normalise: fn(&str) -> String,
    check: impl Fn(&V) -> Result<(), String>,
) -> Option<BTreeMap<String, V>> {
    let mut out: BTreeMap<String, (String, V, bool)> = BTreeMap::new();
    let mut ok = true;
    for (name, v) in table {
        let entry_key = join(key, &[&name]);
        let from_env = ctx.env_var(&entry_key).is_some();
        let norm = normalise(&name);
        if norm.is_empty() {
            ctx.problem(&entry_key, "the name is empty");
            ok = false;
            continue;
        }
        match out.get(&norm) {
            // An environment override wins over the file's entry of the same name.
            Some((_, _, true)) if !from_env => continue,
            Some((_, _, false)) if from_env => {}
            Some((first, _, _)) => {
                ctx.problem(
                    &entry_key,
                    format!(
                        "{name:?} and {first:?} are the same name once case, spaces (and for \
                         places hyphens) are ignored ({norm:?}); keep only one of them"
                    ),
                );
                ok = false;
                continue;
            }
            None => {}
        }
        if let Err(msg) = check(&v) {
            ctx.problem(&entry_key, msg);
            ok = false;
        }
        out.insert(norm, (name, v, from_env));
    }
    ok.then(|| out.into_iter().map(|(k, (_, v, _))| (k, v)).collect())
}

fn validate_mapping(raw: RawMapping, key: &[String], ctx: &mut Ctx) -> Option<SambatMapping> {
    let sub = |s: &str| join(key, &[s]);
    let klasifikasi = match raw.klasifikasi.as_deref() {
        None | Some("pengaduan") => Some(Klasifikasi::Pengaduan),
        Some("aspirasi") => Some(Klasifikasi::Aspirasi),
        Some("permintaan_informasi") => Some(Klasifikasi::PermintaanInformasi),
        Some(other) => {
            ctx.problem(
                &sub("klasifikasi"),
                format!(
                    "{other:?} is not a LAPOR! klasifikasi; use \"pengaduan\", \"aspirasi\" or \
                     \"permintaan_informasi\""
                ),
            );
            None
        }
    };
    let default_instansi_id = match raw.default_instansi_id {
        Some(id) if id <= 0 => {
            ctx.problem(
                &sub("default_instansi_id"),
                format!("{id} is not a LAPOR! instansi id; ids are positive integers"),
            );
            None
        }
        other => Some(other),
    };
    let positive_id = |what: &'static str| {
        move |v: &i64| {
            if *v > 0 {
                Ok(())
            } else {
                Err(format!(
                    "{v} is not a LAPOR! {what} id; ids are positive integers from GET /{what}"
                ))
            }
        }
    };
    let kategori = normalise_table(
        ctx,
        &sub("kategori"),
        raw.kategori.unwrap_or_default(),
        super::normalise_key,
        positive_id("kategori"),
    );
    let opd = normalise_table(
        ctx,
        &sub("opd"),
        raw.opd.unwrap_or_default(),
        super::normalise_key,
        positive_id("instansi"),
    );
    let kecamatan = normalise_table(
        ctx,
        &sub("kecamatan"),
        raw.kecamatan.unwrap_or_default(),
        super::normalise_place,
        |v: &String| {
            if is_code(v, &[2, 2, 2]) {
                Ok(())
            } else {
                Err(format!(
                    "{v:?} is not a Kemendagri kecamatan code; use NN.NN.NN, e.g. \"35.73.02\" \
                     for Klojen"
                ))
            }
        },
    );
    let kelurahan = normalise_table(
        ctx,
        &sub("kelurahan"),
        raw.kelurahan.unwrap_or_default(),
        super::normalise_place,
        |v: &String| {
            if is_code(v, &[2, 2, 2, 4]) {
                Ok(())
            } else {
                Err(format!(
                    "{v:?} is not a Kemendagri kelurahan code; use NN.NN.NN.NNNN, e.g. \
                     \"35.73.02.1007\" for Kauman, Klojen"
                ))
            }
        },
    );
    if let (Some(kec), Some(kel)) = (&kecamatan, &kelurahan) {
        for problem in kelurahan_outside_kecamatan(kec, kel) {
            ctx.problem(&join(&sub("kelurahan"), &[&problem.0]), problem.1);
        }
    }
    Some(SambatMapping {
        klasifikasi: klasifikasi?,
        kategori: kategori?,
        opd: opd?,
        default_instansi_id: default_instansi_id?,
        kecamatan: kecamatan?,
        kelurahan: kelurahan?,
    })
}

/// Every kelurahan code must start with the code of a kecamatan in the table: a kelurahan code
/// that does not was copied from another district's list (or BPS's order) and would send its
/// complaints to the wrong place. An empty kecamatan table leaves nothing to check against.
/// Returns (kelurahan name, message) pairs.
pub(crate) fn kelurahan_outside_kecamatan(
    kecamatan: &BTreeMap<String, String>,
    kelurahan: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    if kecamatan.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (name, code) in kelurahan {
        let prefix = code.rsplit_once('.').map_or(code.as_str(), |(p, _)| p);
        if !kecamatan.values().any(|k| k == prefix) {
            let known: Vec<&str> = kecamatan.values().map(String::as_str).collect();
            out.push((
                name.clone(),
                format!(
                    "{code:?} starts with {prefix}, which is no kecamatan of the kecamatan table \
                     ({}): a kelurahan code starts with its kecamatan's code",
                    known.join(", ")
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{load_from_str, ChannelKind};

    const BASE: &str = r#"
[lapor]
base_url = "https://lapor.example/api/v1"
client_id = "pemkot-malang"
client_secret = { value = "x" }
[channels.sambat]
kind = "sambat"
base_url = "https://sambat.malangkota.go.id"
api_key = { value = "y" }
"#;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn wib_datetimes_take_the_sambat_format_and_toml_local_datetimes() {
        let dt = parse_wib_datetime("2024-07-29 08:15:00").unwrap();
        assert_eq!(dt.to_string(), "2024-07-29T08:15:00");
        assert_eq!(parse_wib_datetime("2024-07-29T08:15:00"), Some(dt));
        assert!(parse_wib_datetime("2024-07-29 08:15").is_none());
        assert!(parse_wib_datetime("2024-07-29T08:15:00+07:00").is_none());
        assert!(parse_wib_datetime("2024-02-30 00:00:00").is_none());

        let toml = format!("{BASE}start_from = 2024-01-01 07:30:00\n");
        let c = load_from_str(&toml, &[]).unwrap();
        let ChannelKind::Sambat(s) = &c.channels[0].kind else {
            unreachable!()
        };
        assert_eq!(s.start_from.to_string(), "2024-01-01T07:30:00");
    }

    #[test]
    fn kemendagri_codes() {
        assert!(is_code("35.73.03", &[2, 2, 2]));
        assert!(is_code("35.73.03.1004", &[2, 2, 2, 4]));
        assert!(!is_code("35.73.3", &[2, 2, 2]));
        assert!(!is_code("35.73.03.1004", &[2, 2, 2]));
        assert!(!is_code("35.7a.03", &[2, 2, 2]));
    }

    #[test]
    fn mapping_keys_are_normalised() {
        let toml =
            format!("{BASE}[channels.sambat.mapping]\nopd = {{ \"  Satpol   PP \" = 357303 }}\n");
        let c = load_from_str(&toml, &[]).unwrap();
        let ChannelKind::Sambat(s) = &c.channels[0].kind else {
            unreachable!()
        };
        assert_eq!(s.mapping.opd.get("satpol pp"), Some(&357303));
    }

    #[test]
    fn an_environment_mapping_entry_overrides_the_files_entry_of_the_same_name() {
        let toml = format!("{BASE}[channels.sambat.mapping]\nkategori = {{ \"Sampah\" = 4 }}\n");
        let c = load_from_str(
            &toml,
            &env(&[(
                "LAPOR_BRIDGE__CHANNELS__SAMBAT__MAPPING__KATEGORI__SAMPAH",
                "401",
            )]),
        )
        .unwrap();
        let ChannelKind::Sambat(s) = &c.channels[0].kind else {
            unreachable!()
        };
        assert_eq!(s.mapping.kategori.get("sampah"), Some(&401));
        assert_eq!(s.mapping.kategori.len(), 1);
    }

    #[test]
    fn a_channel_can_be_added_from_the_environment() {
        let c = load_from_str(
            BASE,
            &env(&[
                ("LAPOR_BRIDGE__CHANNELS__SAMBAT2__KIND", "sambat"),
                (
                    "LAPOR_BRIDGE__CHANNELS__SAMBAT2__BASE_URL",
                    "https://sambat2.example",
                ),
                ("LAPOR_BRIDGE__CHANNELS__SAMBAT2__API_KEY__ENV", "KEY2"),
                ("KEY2", "k"),
            ]),
        )
        .unwrap();
        let names: Vec<_> = c.channels.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["sambat", "sambat2"]);
    }

    #[test]
    fn unknown_keys_deep_in_a_channel_have_their_full_path() {
        let toml = format!("{BASE}[channels.sambat.mapping]\nkategory = {{}}\n");
        let e = load_from_str(&toml, &[]).unwrap_err();
        assert_eq!(e.keys(), ["channels.sambat.mapping.kategory"], "{e}");
        assert!(e.problems[0].message.contains("did you mean `kategori`"));
    }

    #[test]
    fn urls_with_credentials_are_refused_without_echoing_them() {
        let toml = BASE.replace(
            "https://lapor.example/api/v1",
            "https://user:hunter2@lapor.example/api/v1",
        );
        let e = load_from_str(&toml, &[]).unwrap_err();
        assert_eq!(e.keys(), ["lapor.base_url"]);
        assert!(!e.to_string().contains("hunter2"));
    }

    #[test]
    fn backoff_max_must_not_be_below_the_initial_backoff() {
        let toml = format!("{BASE}[forwarder]\nbackoff_initial_ms = 5000\nbackoff_max_secs = 2\n");
        let e = load_from_str(&toml, &[]).unwrap_err();
        assert_eq!(e.keys(), ["forwarder.backoff_max_secs"], "{e}");
    }

    #[test]
    fn log_levels_are_checked() {
        let toml = format!("{BASE}[logging]\nlevel = \"info,lapor_bridge=debug\"\n");
        assert!(load_from_str(&toml, &[]).is_ok());
        let toml = format!("{BASE}[logging]\nlevel = \"lapor_bridge=loud\"\n");
        let e = load_from_str(&toml, &[]).unwrap_err();
        assert_eq!(e.keys(), ["logging.level"], "{e}");
    }

    #[test]
    fn without_start_from_the_first_poll_starts_now() {
        let c = load_from_str(BASE, &[]).unwrap();
        let ChannelKind::Sambat(s) = &c.channels[0].kind else {
            unreachable!()
        };
        let now = jiff::Timestamp::now()
            .to_zoned_datetime(crate::time::wib())
            .datetime();
        let diff = now.since(s.start_from).unwrap();
        assert!(diff.total(jiff::Unit::Second).unwrap().abs() < 60.0);
    }
}
