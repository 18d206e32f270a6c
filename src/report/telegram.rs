//! The Telegram Bot API's `sendMessage`, as the chat alert sink uses it: one POST of
//! `{chat_id, text}` to `<api_base>/bot<token>/sendMessage`. The token is part of the URL, so
//! no error message here ever includes the URL.

use std::time::Duration;

use secrecy::ExposeSecret;
use serde_json::{json, Value};

use crate::config::TelegramConfig;

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Try again later: a 5xx, a timeout, a refused connection, or a 429 (with Telegram's
    /// `parameters.retry_after`, when it gave one).
    #[error("{why}")]
    Later {
        why: String,
        retry_after: Option<Duration>,
    },
    /// Telegram refused the request itself (wrong token, unknown chat): sending it again will
    /// not help until the configuration is fixed; it is still retried at the next check.
    #[error("{0}")]
    Refused(String),
}

/// Sends `text` to the configured chat.
pub async fn send_message(
    client: &reqwest::Client,
    cfg: &TelegramConfig,
    text: &str,
) -> Result<(), SendError> {
    let Some(token) = &cfg.bot_token else {
        return Err(SendError::Refused(
            "no bot token: report.telegram.bot_token was not resolved".into(),
        ));
    };
    let mut url = cfg.api_base.clone();
    let base = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{base}/bot{}/sendMessage", token.expose_secret()));
    let body = json!({ "chat_id": cfg.chat_id, "text": text, "disable_web_page_preview": true });
    let resp = match client
        .post(url)
        .timeout(cfg.timeout)
        .json(&body)
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => {
            return Err(SendError::Later {
                why: format!("cannot reach the Telegram Bot API: {}", e.without_url()),
                retry_after: None,
            })
        }
    };
    let status = resp.status();
    let answer: Value = resp.json().await.unwrap_or(Value::Null);
    if status.is_success() && answer["ok"] == Value::Bool(true) {
        return Ok(());
    }
    let description = answer["description"]
        .as_str()
        .unwrap_or("no description")
        .chars()
        .take(200)
        .collect::<String>();
    let why = format!("the Telegram Bot API answered {status}: {description}");
    if status.as_u16() == 429 || status.is_server_error() {
        let retry_after = answer["parameters"]["retry_after"]
            .as_u64()
            .map(Duration::from_secs);
        return Err(SendError::Later { why, retry_after });
    }
    let hint = match status.as_u16() {
        401 | 404 => " (check report.telegram.bot_token)",
        400 | 403 => " (check report.telegram.chat_id and that the bot is a member of the group)",
        _ => "",
    };
    Err(SendError::Refused(format!("{why}{hint}")))
}
