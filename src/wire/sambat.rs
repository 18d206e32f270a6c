//! SAMBAT Online wire format (channels contract §1).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::transient::TransientKind;

/// The query's time format, and that of `dibuat`/`diperbarui`: WIB wall-clock time, no offset.
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A SAMBAT record's local id (`id`, a number or a non-empty string), read from the raw
/// record so that a record whose other fields do not parse still has an identity.
pub fn local_id(raw: &serde_json::Value) -> Option<String> {
    match raw.get("id")? {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// One complaint as `GET /api/aduan` returns it. Lenient on input: a missing optional field is
/// empty rather than an error, so one odd record does not stop a page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Aduan {
    pub id: i64,
    #[serde(default)]
    pub judul: String,
    #[serde(default)]
    pub isi: String,
    #[serde(default)]
    pub kategori: String,
    #[serde(default)]
    pub opd: String,
    #[serde(default)]
    pub kecamatan: String,
    #[serde(default)]
    pub kelurahan: String,
    #[serde(default)]
    pub alamat: String,
    #[serde(default)]
    pub pelapor: Option<AduanPelapor>,
    #[serde(default)]
    pub anonim: bool,
    #[serde(default)]
    pub rahasia: bool,
    #[serde(default)]
    pub foto: Vec<String>,
    pub dibuat: String,
    pub diperbarui: String,
    #[serde(default)]
    pub status: String,
}

/// Personal data; `Debug` never shows it.
#[derive(Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AduanPelapor {
    #[serde(default)]
    pub nama: String,
    #[serde(default)]
    pub nik: Option<String>,
    #[serde(default)]
    pub hp: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

impl fmt::Debug for AduanPelapor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AduanPelapor(<redacted>)")
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct AduanPage {
    pub data: Vec<serde_json::Value>,
    #[serde(default = "one")]
    pub halaman: u32,
    #[serde(default = "one")]
    pub total_halaman: u32,
}

fn one() -> u32 {
    1
}

/// `POST /api/aduan/{id}/tanggapan` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TanggapanBody {
    pub status: String,
    pub isi: String,
    pub sumber: String,
    pub tracking_id: String,
    pub waktu: String,
}

/// Why a SAMBAT call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SambatError {
    /// 5xx, timeouts, resets: try again.
    #[error("SAMBAT is unavailable for now: {0}")]
    Transient(TransientKind),
    /// 401/403: the API key was refused.
    #[error("SAMBAT refused the API key (HTTP {0}); check the channel's api_key")]
    Auth(u16),
    /// 404 on write-back: the record is unknown there.
    #[error("SAMBAT does not know aduan {0}")]
    NotFound(String),
    /// Anything else outside the contract.
    #[error("SAMBAT answered outside the contract: {0}")]
    Protocol(String),
}

impl SambatError {
    pub fn is_transient(&self) -> bool {
        matches!(self, SambatError::Transient(_))
    }
}

/// Result of a write-back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteBackOutcome {
    Recorded,
    /// 409: this exact response was recorded before; done.
    AlreadyRecorded,
}

pub struct SambatClient {
    http: reqwest::Client,
    base: reqwest::Url,
    api_key: secrecy::SecretString,
}

impl SambatClient {
    pub fn new(
        base: &reqwest::Url,
        api_key: secrecy::SecretString,
        timeout: std::time::Duration,
    ) -> Result<Self, SambatError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("lapor-bridge/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SambatError::Protocol(format!("cannot build HTTP client: {e}")))?;
        let mut base = base.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        Ok(Self {
            http,
            base,
            api_key,
        })
    }

    /// `GET /api/aduan`: records changed at or after `sejak` (WIB, inclusive).
    pub async fn list(
        &self,
        sejak: &str,
        halaman: u32,
        per_halaman: u32,
    ) -> Result<AduanPage, SambatError> {
        use secrecy::ExposeSecret;
        let url = self.url("api/aduan")?;
        let resp = self
            .http
            .get(url)
            .header("X-API-Key", self.api_key.expose_secret())
            .query(&[
                ("diperbarui_sejak", sejak.to_owned()),
                ("halaman", halaman.to_string()),
                ("per_halaman", per_halaman.to_string()),
            ])
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status();
        if !status.is_success() {
            return Err(status_error(status, ""));
        }
        let bytes = resp.bytes().await.map_err(transport)?;
        serde_json::from_slice(&bytes)
            .map_err(|e| SambatError::Protocol(format!("unexpected list body: {e}")))
    }

    /// `POST /api/aduan/{id}/tanggapan`.
    pub async fn post_tanggapan(
        &self,
        aduan_id: &str,
        body: &TanggapanBody,
    ) -> Result<WriteBackOutcome, SambatError> {
        use secrecy::ExposeSecret;
        let url = self.url(&format!("api/aduan/{aduan_id}/tanggapan"))?;
        let resp = self
            .http
            .post(url)
            .header("X-API-Key", self.api_key.expose_secret())
            .json(body)
            .send()
            .await
            .map_err(transport)?;
        match resp.status().as_u16() {
            200 | 201 => Ok(WriteBackOutcome::Recorded),
            409 => Ok(WriteBackOutcome::AlreadyRecorded),
            _ => Err(status_error(resp.status(), aduan_id)),
        }
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, SambatError> {
        self.base
            .join(path)
            .map_err(|e| SambatError::Protocol(format!("bad path {path}: {e}")))
    }
}

fn transport(e: reqwest::Error) -> SambatError {
    SambatError::Transient(TransientKind::of_reqwest(&e))
}

fn status_error(status: reqwest::StatusCode, id: &str) -> SambatError {
    let s = status.as_u16();
    match s {
        401 | 403 => SambatError::Auth(s),
        404 if !id.is_empty() => SambatError::NotFound(id.to_owned()),
        _ => match TransientKind::of_status(s) {
            Some(kind) => SambatError::Transient(kind),
            None => SambatError::Protocol(format!("HTTP {s}")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    #[test]
    fn statuses_are_classified_by_kind() {
        let e = |s: u16, id: &str| status_error(StatusCode::from_u16(s).unwrap(), id);
        assert_eq!(
            e(503, ""),
            SambatError::Transient(TransientKind::ServerError(503))
        );
        assert_eq!(
            e(429, "7"),
            SambatError::Transient(TransientKind::RateLimited)
        );
        assert!(e(408, "").is_transient());
        assert_eq!(e(401, ""), SambatError::Auth(401));
        assert_eq!(e(404, "7"), SambatError::NotFound("7".into()));
        assert_eq!(e(404, ""), SambatError::Protocol("HTTP 404".into()));
        assert!(!e(400, "7").is_transient());
        assert_eq!(
            e(502, "").to_string(),
            "SAMBAT is unavailable for now: HTTP 502"
        );
    }
}
