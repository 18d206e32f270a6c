//! `[report]`: the annual SP4N-LAPOR! target, the operator's calendar file, the SLA at-risk
//! margin and the optional SLA alert webhook (see the `report` module).

use super::text::{msg, q};
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use super::checks::{in_range, optional_secret};
use super::ctx::{join, Ctx};

/// Default of `report.annual_target`: Kota Malang's 2024 target (2,920 complaints).
pub const DEFAULT_ANNUAL_TARGET: u32 = 2920;
/// Default of `report.at_risk_margin_days`.
pub const DEFAULT_AT_RISK_MARGIN_DAYS: u32 = 1;
const DEFAULT_CHECK_INTERVAL_SECS: u64 = 60;
const DEFAULT_TIMEOUT_MS: u64 = 5000;

#[derive(Clone, Debug)]
pub struct ReportConfig {
    /// Complaints the city commits to in a year; target progress is year-to-date / this.
    pub annual_target: u32,
    /// Extra days for the shipped calendar (next year's SKB, amendments); absolute (a
    /// relative path in the file is relative to the configuration file's directory).
    pub calendar_file: Option<PathBuf>,
    /// A rule is "at risk" once only this many of its working days remain (1: after all but
    /// the last; 0: never warn, only report breaches).
    pub at_risk_margin_days: u32,
    pub sla_webhook: Option<SlaWebhookConfig>,
    /// `[report.telegram]`: the Telegram alert sink.
    pub telegram: Option<super::telegram::TelegramConfig>,
}

impl Default for ReportConfig {
    fn default() -> Self {
        Self {
            annual_target: DEFAULT_ANNUAL_TARGET,
            calendar_file: None,
            at_risk_margin_days: DEFAULT_AT_RISK_MARGIN_DAYS,
            sla_webhook: None,
            telegram: None,
        }
    }
}

/// Where SLA alerts are posted, once per complaint, rule and level.
#[derive(Clone, Debug)]
pub struct SlaWebhookConfig {
    pub url: Url,
    /// Signs each post like the inbound webhooks: `X-Timestamp` and
    /// `X-Signature: sha256=<HMAC-SHA256 of "<timestamp>.<body>">`.
    pub secret: Option<SecretString>,
    pub check_interval: Duration,
    pub timeout: Duration,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    annual_target: Option<u32>,
    calendar_file: Option<String>,
    at_risk_margin_days: Option<u32>,
    sla_webhook: Option<RawSlaWebhook>,
    telegram: Option<super::telegram::RawTelegram>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSlaWebhook {
    url: Option<String>,
    /// Parsed by hand so that no serde message can echo a secret.
    secret: Option<Value>,
    check_interval_secs: Option<u64>,
    timeout_ms: Option<u64>,
}

/// Validates `[report]`. Without `resolve_secrets` (operator commands) the webhook secret is
/// checked for shape only and left out.
pub(crate) fn validate_report(
    raw: Option<Value>,
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
    resolve_secrets: bool,
) -> Option<ReportConfig> {
    let key = vec!["report".to_owned()];
    let raw: RawReport = match raw {
        None => RawReport::default(),
        Some(v) => ctx.deserialize(v, &key)?,
    };
    let mut ok = true;
    let annual_target = raw.annual_target.unwrap_or(DEFAULT_ANNUAL_TARGET);
    if annual_target == 0 {
        ctx.problem(&join(&key, &["annual_target"]), msg!("config-positive"));
        ok = false;
    }
    let margin = raw
        .at_risk_margin_days
        .unwrap_or(DEFAULT_AT_RISK_MARGIN_DAYS);
    if margin > 2 {
        ctx.problem(
            &join(&key, &["at_risk_margin_days"]),
            msg!("config-report-margin", value = margin),
        );
        ok = false;
    }
    let calendar_file = match raw.calendar_file {
        None => None,
        Some(p) if p.trim().is_empty() => {
            ctx.problem(
                &join(&key, &["calendar_file"]),
                msg!("config-report-calendar-empty"),
            );
            ok = false;
            None
        }
        Some(p) => {
            let path = base_dir.join(p.trim());
            if let Err(e) = crate::calendar::Calendar::load(Some(&path)) {
                ctx.problem(&join(&key, &["calendar_file"]), e.to_string());
                ok = false;
            }
            Some(path)
        }
    };
    let sla_webhook = match raw.sla_webhook {
        None => None,
        Some(w) => {
            let wkey = join(&key, &["sla_webhook"]);
            validate_webhook(w, &wkey, ctx, base_dir, env, resolve_secrets)
                .map(Some)
                .unwrap_or_else(|| {
                    ok = false;
                    None
                })
        }
    };
    let telegram = match raw.telegram {
        None => None,
        Some(t) => {
            let tkey = join(&key, &["telegram"]);
            let t =
                super::telegram::validate_telegram(t, &tkey, ctx, base_dir, env, resolve_secrets);
            if t.is_none() {
                ok = false;
            }
            t
        }
    };
    ok.then_some(ReportConfig {
        annual_target,
        calendar_file,
        at_risk_margin_days: margin,
        sla_webhook,
        telegram,
    })
}

fn validate_webhook(
    raw: RawSlaWebhook,
    key: &[String],
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
    resolve_secrets: bool,
) -> Option<SlaWebhookConfig> {
    let mut ok = true;
    let url = match raw.url.as_deref().map(str::trim) {
        None => {
            ctx.missing(&join(key, &["url"]), msg!("config-sla-webhook-url-missing"));
            None
        }
        Some(u) => match Url::parse(u) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
            _ => {
                ctx.problem(
                    &join(key, &["url"]),
                    msg!("config-not-http-url", value = q(u)),
                );
                None
            }
        },
    };
    let mut range = |name: &str, v: Option<u64>, default: u64, max: u64| -> u64 {
        in_range(ctx, &join(key, &[name]), v, default, 1..=max).unwrap_or_else(|| {
            ok = false;
            default
        })
    };
    let check_interval = Duration::from_secs(range(
        "check_interval_secs",
        raw.check_interval_secs,
        DEFAULT_CHECK_INTERVAL_SECS,
        86_400,
    ));
    let timeout = Duration::from_millis(range(
        "timeout_ms",
        raw.timeout_ms,
        DEFAULT_TIMEOUT_MS,
        600_000,
    ));
    let secret_key = join(key, &["secret"]);
    let secret = optional_secret(ctx, &secret_key, raw.secret, base_dir, env, resolve_secrets);
    if !ok {
        return None;
    }
    Some(SlaWebhookConfig {
        url: url?,
        secret: secret?,
        check_interval,
        timeout,
    })
}

/// `[report]` of the configuration file at `path`, for operator commands (`report`): no
/// secret is resolved and no other section is checked, so it works from a shell without the
/// service's credentials. A missing file gives the defaults.
pub fn report_settings_without_secrets(path: &Path) -> Result<ReportConfig, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(ReportConfig::default());
        }
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let table: toml::Table = toml::from_str(&text)
        .map_err(|e| format!("{} is not valid TOML: {}", path.display(), e.message()))?;
    let raw = match table.get("report") {
        None => None,
        Some(v) => Some(serde_json::to_value(v).map_err(|e| e.to_string())?),
    };
    let base_dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut ctx = Ctx::new(Default::default());
    match validate_report(raw, &mut ctx, &base_dir, &[], false) {
        Some(c) if !ctx.has_problems() => Ok(c),
        _ => Err(format!(
            "{}: {}",
            path.display(),
            ctx.into_problem_lines().join("; ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: Value) -> (Option<ReportConfig>, Vec<String>) {
        let mut ctx = Ctx::new(Default::default());
        let env = vec![("SLA_SECRET".to_owned(), "s3cret".to_owned())];
        let c = validate_report(Some(v), &mut ctx, Path::new("."), &env, true);
        (c, ctx.into_problem_lines())
    }

    #[test]
    fn defaults_and_a_full_section() {
        let (c, p) = check(serde_json::json!({}));
        let c = c.unwrap();
        assert!(p.is_empty());
        assert_eq!(c.annual_target, 2920);
        assert_eq!(c.at_risk_margin_days, 1);
        assert!(c.sla_webhook.is_none() && c.calendar_file.is_none());
        let (c, p) = check(serde_json::json!({
            "annual_target": 3000,
            "sla_webhook": {"url": "https://chat.example/hooks/sla", "secret": {"env": "SLA_SECRET"}, "check_interval_secs": 30}
        }));
        assert!(p.is_empty(), "{p:?}");
        let w = c.unwrap().sla_webhook.unwrap();
        assert_eq!(w.check_interval, Duration::from_secs(30));
        assert!(w.secret.is_some());
    }

    #[test]
    fn problems_name_their_keys() {
        let (c, p) = check(serde_json::json!({
            "annual_target": 0,
            "at_risk_margin_days": 5,
            "calendar_file": "/nonexistent/holidays.toml",
            "sla_webhook": {"url": "ftp://x", "timeout_ms": 0},
            "targte": 1
        }));
        assert!(c.is_none());
        let joined = p.join("\n");
        for key in [
            "report.annual_target:",
            "report.at_risk_margin_days:",
            "report.calendar_file:",
            "report.sla_webhook.url:",
            "report.sla_webhook.timeout_ms:",
            "report.targte:",
        ] {
            assert!(joined.contains(key), "{key} missing in:\n{joined}");
        }
    }
}
