//! The write-back APIs of pushed channels (Call Center 112's ticket notes, the social-media
//! desk's replies): a JSON `POST` with a bearer token. Which URL and fields is configuration;
//! what the answers mean is here.

use std::time::Duration;

use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};

use super::transient::TransientKind;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelApiError {
    /// 5xx, 408, 429, timeouts, resets: try again.
    #[error("unavailable for now: {0}")]
    Transient(TransientKind),
    /// 404: the ticket or post is unknown there; sending again will not help.
    #[error("the channel does not know this record (HTTP 404)")]
    NotFound,
    /// 401/403: the token was refused; every write-back of the channel will fail alike.
    #[error("the channel refused the token (HTTP {0}); check the write-back token")]
    Auth(u16),
    /// Other 4xx: the request itself is wrong (a template or the channel's API changed).
    #[error("the channel rejected the request (HTTP {status}): {body}")]
    Rejected { status: u16, body: String },
}

pub struct ChannelApiClient {
    http: reqwest::Client,
    token: SecretString,
}

impl ChannelApiClient {
    pub fn new(token: SecretString, timeout: Duration) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("lapor-bridge/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build HTTP client: {e}"))?;
        Ok(Self { http, token })
    }

    /// POSTs `body` to `url`. `idempotency_key` is sent as `Idempotency-Key`, so a receiver
    /// that honours it drops the repeat of a write-back whose answer was lost. Returns how the
    /// channel took it, for audit (e.g. "HTTP 201").
    pub async fn post(
        &self,
        url: &str,
        body: &serde_json::Value,
        idempotency_key: &str,
    ) -> Result<String, ChannelApiError> {
        let resp = self
            .http
            .post(url)
            .bearer_auth(self.token.expose_secret())
            .header("Idempotency-Key", idempotency_key)
            .json(body)
            .send()
            .await
            .map_err(|e| ChannelApiError::Transient(TransientKind::of_reqwest(&e)))?;
        let status = resp.status();
        match status {
            s if s.is_success() => Ok(format!("HTTP {}", s.as_u16())),
            // Already has it: done.
            StatusCode::CONFLICT => Ok("HTTP 409 already recorded".into()),
            StatusCode::NOT_FOUND => Err(ChannelApiError::NotFound),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                Err(ChannelApiError::Auth(status.as_u16()))
            }
            s => {
                if let Some(kind) = TransientKind::of_status(s.as_u16()) {
                    return Err(ChannelApiError::Transient(kind));
                }
                let text = resp.text().await.unwrap_or_default();
                let body: String = text.chars().take(300).collect();
                Err(ChannelApiError::Rejected {
                    status: s.as_u16(),
                    body,
                })
            }
        }
    }
}
