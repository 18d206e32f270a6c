//! `[report.telegram]`: the Telegram alert sink (Bot API `sendMessage`) beside the SLA
//! webhook: SLA at risk or breached, LAPOR! unreachable, new dead letters, a silent channel.

use super::text::{msg, q};
use std::path::Path;
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use super::checks::{in_range, optional_secret};
use super::ctx::{join, Ctx};

pub const DEFAULT_API_BASE: &str = "https://api.telegram.org";

#[derive(Clone, Debug)]
pub struct TelegramConfig {
    /// The Bot API root; `<api_base>/bot<token>/sendMessage` is called. Configurable so a
    /// test (or a local Bot API server) can stand in for api.telegram.org.
    pub api_base: Url,
    /// `None` when the configuration was read without secrets (operator commands).
    pub bot_token: Option<SecretString>,
    /// The group (e.g. "-1001234567890") or "@channelname" the alerts go to.
    pub chat_id: String,
    pub check_interval: Duration,
    pub timeout: Duration,
    /// At most this many messages a minute (Telegram allows ~20 a minute into one group).
    pub max_per_minute: u32,
    /// LAPOR! unanswered for longer than this is an alert.
    pub lapor_down_after: Duration,
    /// A channel is silent when nothing arrived for `silence_factor` times its usual gap
    /// between records, and at least `min_silence`.
    pub silence_factor: u32,
    pub min_silence: Duration,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTelegram {
    api_base: Option<String>,
    /// Parsed by hand so that no serde message can echo a secret.
    bot_token: Option<Value>,
    chat_id: Option<Value>,
    check_interval_secs: Option<u64>,
    timeout_ms: Option<u64>,
    max_per_minute: Option<u64>,
    lapor_down_minutes: Option<u64>,
    silence_factor: Option<u64>,
    min_silence_minutes: Option<u64>,
}

pub(super) fn validate_telegram(
    raw: RawTelegram,
    key: &[String],
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
    resolve_secrets: bool,
) -> Option<TelegramConfig> {
    let mut ok = true;
    let api_base = match raw.api_base.as_deref().map(str::trim) {
        None => Some(Url::parse(DEFAULT_API_BASE).expect("valid")),
        Some(u) => match Url::parse(u) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
            _ => {
                ctx.problem(
                    &join(key, &["api_base"]),
                    msg!(
                        "config-telegram-api-base",
                        value = q(u),
                        default = DEFAULT_API_BASE
                    ),
                );
                None
            }
        },
    };
    let chat_id = match raw.chat_id {
        None => {
            ctx.missing(
                &join(key, &["chat_id"]),
                msg!("config-telegram-chat-missing"),
            );
            None
        }
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Some(Value::Number(n)) if n.is_i64() => Some(n.to_string()),
        Some(_) => {
            ctx.problem(
                &join(key, &["chat_id"]),
                msg!("config-telegram-chat-invalid"),
            );
            None
        }
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
        60,
        86_400,
    ));
    let timeout = Duration::from_millis(range("timeout_ms", raw.timeout_ms, 10_000, 600_000));
    let max_per_minute = range("max_per_minute", raw.max_per_minute, 20, 600) as u32;
    let lapor_down_after =
        Duration::from_secs(60 * range("lapor_down_minutes", raw.lapor_down_minutes, 15, 10_080));
    let silence_factor = range("silence_factor", raw.silence_factor, 4, 1000) as u32;
    let min_silence = Duration::from_secs(
        60 * range("min_silence_minutes", raw.min_silence_minutes, 120, 43_200),
    );
    let token_key = join(key, &["bot_token"]);
    let bot_token = match raw.bot_token {
        None => {
            ctx.missing(&token_key, msg!("config-telegram-token-missing"));
            None
        }
        Some(v) => optional_secret(ctx, &token_key, Some(v), base_dir, env, resolve_secrets),
    };
    if !ok {
        return None;
    }
    Some(TelegramConfig {
        api_base: api_base?,
        bot_token: bot_token?,
        chat_id: chat_id?,
        check_interval,
        timeout,
        max_per_minute,
        lapor_down_after,
        silence_factor,
        min_silence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use serde_json::json;

    fn check(v: Value) -> (Option<super::super::ReportConfig>, Vec<String>) {
        let mut ctx = Ctx::new(Default::default());
        let env = vec![("TG_TOKEN".to_owned(), "123:rahasia".to_owned())];
        let c = super::super::report::validate_report(
            Some(json!({ "telegram": v })),
            &mut ctx,
            Path::new("."),
            &env,
            true,
        );
        (c, ctx.into_problem_lines())
    }

    #[test]
    fn defaults_and_a_numeric_chat_id() {
        let (c, p) =
            check(json!({"bot_token": {"env": "TG_TOKEN"}, "chat_id": -1001234567890_i64}));
        assert!(p.is_empty(), "{p:?}");
        let t = c.unwrap().telegram.unwrap();
        assert_eq!(t.chat_id, "-1001234567890");
        assert_eq!(t.api_base.as_str(), "https://api.telegram.org/");
        assert_eq!(t.bot_token.unwrap().expose_secret(), "123:rahasia");
        assert_eq!(t.max_per_minute, 20);
        assert_eq!(t.lapor_down_after, Duration::from_secs(15 * 60));
        assert_eq!(
            (t.silence_factor, t.min_silence),
            (4, Duration::from_secs(7200))
        );
    }

    #[test]
    fn problems_name_their_keys_and_never_the_token() {
        let (c, p) = check(json!({
            "bot_token": "123:bare-token",
            "api_base": "ftp://x",
            "max_per_minute": 0,
            "chat_id": true,
        }));
        assert!(c.is_none());
        let joined = p.join("\n");
        for key in [
            "report.telegram.bot_token:",
            "report.telegram.api_base:",
            "report.telegram.max_per_minute:",
            "report.telegram.chat_id:",
        ] {
            assert!(joined.contains(key), "{key} missing in:\n{joined}");
        }
        assert!(!joined.contains("bare-token"), "{joined}");
        let (c, p) = check(json!({}));
        assert!(c.is_none());
        let joined = p.join("\n");
        assert!(
            joined.contains("report.telegram.bot_token")
                && joined.contains("report.telegram.chat_id"),
            "{joined}"
        );
    }
}
