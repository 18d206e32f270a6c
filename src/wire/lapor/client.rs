//! The LAPOR! HTTP client: token handling, one shared rate limiter, and the calls.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::{Method, RequestBuilder, Response, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;

use super::classify::{classify_status, classify_transport, LaporError, TransientKind};
use super::health::{shows_up, LaporHealth};
use super::quota::{BackgroundShare, CallClass, QuotaGate};
use super::types::*;

/// How a create ended when the complaint exists.
#[derive(Clone, Debug, PartialEq)]
pub enum CreateOutcome {
    /// 201: created now.
    Created { tracking_id: String },
    /// 200 with `Idempotent-Replayed`: an earlier attempt created it with this same body.
    Replayed { tracking_id: String },
    /// 409: it exists with another body (an edit after an earlier attempt, or an
    /// `id_eksternal` used before). Not created again.
    Conflict { tracking_id: String },
}

impl CreateOutcome {
    pub fn tracking_id(&self) -> &str {
        match self {
            Self::Created { tracking_id }
            | Self::Replayed { tracking_id }
            | Self::Conflict { tracking_id } => tracking_id,
        }
    }
}

/// Counters a test or the metrics endpoint can read.
#[derive(Debug, Default)]
pub struct ClientStats {
    pub requests: AtomicU64,
    pub limiter_waits: AtomicU64,
    pub limiter_wait_micros: AtomicU64,
    pub tokens_fetched: AtomicU64,
    /// Answers by class: 2xx (and 3xx), 401, 429, other 4xx, 5xx; and calls that got no
    /// answer (timeouts, resets, refused connections).
    pub responses_2xx: AtomicU64,
    pub responses_401: AtomicU64,
    pub responses_429: AtomicU64,
    pub responses_4xx: AtomicU64,
    pub responses_5xx: AtomicU64,
    pub transport_errors: AtomicU64,
    /// Unix milliseconds of the last answer that shows LAPOR! up (anything but 5xx), and of
    /// the last 5xx or transport failure; 0: none yet.
    pub last_ok_ms: std::sync::atomic::AtomicI64,
    pub last_failure_ms: std::sync::atomic::AtomicI64,
}

impl ClientStats {
    fn record(&self, answer: Result<StatusCode, ()>) {
        let now = jiff::Timestamp::now().as_millisecond();
        let (counter, up) = match answer {
            Err(()) => (&self.transport_errors, false),
            Ok(s) if s.is_server_error() => (&self.responses_5xx, false),
            Ok(StatusCode::UNAUTHORIZED) => (&self.responses_401, true),
            Ok(StatusCode::TOO_MANY_REQUESTS) => (&self.responses_429, true),
            Ok(s) if s.is_client_error() => (&self.responses_4xx, true),
            Ok(_) => (&self.responses_2xx, true),
        };
        counter.fetch_add(1, Ordering::Relaxed);
        let at = if up {
            &self.last_ok_ms
        } else {
            &self.last_failure_ms
        };
        at.store(now, Ordering::Relaxed);
    }
}

struct Token {
    value: SecretString,
    refresh_at: Instant,
}

pub struct LaporClient {
    http: reqwest::Client,
    base: Url,
    client_id: String,
    secret: SecretString,
    token: Mutex<Option<Token>>,
    quota: QuotaGate,
    pub stats: Arc<ClientStats>,
    /// Shared by every user of this client: a success anywhere ends the forwarder's pause.
    health: Arc<LaporHealth>,
}

/// One limiter for every LAPOR! call: `per_minute` requests, at most `burst` at once; while
/// creates wait, background calls get at most `background_share` of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: NonZeroU32,
    pub burst: NonZeroU32,
    pub background_share: BackgroundShare,
}

/// What the client needs to reach LAPOR!. Its own type, so that the wire layer does not
/// depend on how the configuration file spells these settings.
#[derive(Clone, Debug)]
pub struct LaporSettings {
    pub base_url: Url,
    pub client_id: String,
    pub client_secret: SecretString,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub rate_limit: RateLimit,
}

pub fn limiter_for(rate: RateLimit) -> DefaultDirectRateLimiter {
    RateLimiter::direct(Quota::per_minute(rate.per_minute).allow_burst(rate.burst))
}

impl LaporClient {
    pub fn new(settings: impl Into<LaporSettings>) -> Result<Self, LaporError> {
        let cfg = settings.into();
        let http = reqwest::Client::builder()
            .timeout(cfg.request_timeout)
            .connect_timeout(cfg.connect_timeout)
            .user_agent(concat!("lapor-bridge/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| LaporError::Protocol(format!("cannot build HTTP client: {e}")))?;
        let mut base = cfg.base_url;
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        Ok(Self {
            http,
            base,
            client_id: cfg.client_id,
            secret: cfg.client_secret,
            token: Mutex::new(None),
            quota: QuotaGate::new(
                cfg.rate_limit.per_minute,
                cfg.rate_limit.burst,
                cfg.rate_limit.background_share,
            ),
            stats: Arc::default(),
            health: Arc::default(),
        })
    }

    pub fn health(&self) -> &Arc<LaporHealth> {
        &self.health
    }

    /// The two limiters, and the "creates waiting" signal the forwarder sets from its claims.
    pub fn quota(&self) -> &QuotaGate {
        &self.quota
    }

    fn record_status(&self, status: StatusCode) {
        self.stats.record(Ok(status));
        if shows_up(status) {
            self.health.record_answer();
        }
    }

    /// `POST /laporan` with the record's stable idempotency key.
    /// `body` is a [`CreateLaporan`](super::types::CreateLaporan), or one already serialised (a `RawValue`), which is
    /// sent as it is.
    pub async fn create<B: serde::Serialize + ?Sized + Sync>(
        &self,
        idempotency_key: &str,
        body: &B,
    ) -> Result<CreateOutcome, LaporError> {
        let resp = self
            .send(CallClass::Create, Method::POST, "laporan", |rb| {
                rb.header("Idempotency-Key", idempotency_key).json(body)
            })
            .await?;
        let status = resp.status();
        let replayed = resp
            .headers()
            .get("Idempotent-Replayed")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
        match status {
            StatusCode::CREATED | StatusCode::OK => {
                // The complaint exists now; an unreadable body means we only lack its id,
                // which a lookup by id_eksternal finds: ambiguous, not failed.
                let created: Created =
                    read_json(resp).await.map_err(|e| LaporError::Transient {
                        detail: format!("created, but the answer was unreadable: {e}"),
                        retry_after: None,
                        ambiguous: true,
                        kind: TransientKind::UnreadableAnswer,
                    })?;
                let tracking_id = created.tracking_id;
                Ok(if status == StatusCode::CREATED && !replayed {
                    CreateOutcome::Created { tracking_id }
                } else {
                    CreateOutcome::Replayed { tracking_id }
                })
            }
            StatusCode::CONFLICT => {
                let headers = resp.headers().clone();
                let bytes = resp.bytes().await.unwrap_or_default();
                let body: ErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
                match body.tracking_id {
                    Some(tracking_id) => Ok(CreateOutcome::Conflict { tracking_id }),
                    None => Err(classify_status(status, &headers, &bytes)),
                }
            }
            _ => Err(error_from(resp).await),
        }
    }

    /// `GET /laporan?id_eksternal=`: did an ambiguous create go through? Part of sending the
    /// record again, so it counts with creates.
    pub async fn find_by_id_eksternal(&self, id: &str) -> Result<Option<Laporan>, LaporError> {
        let resp = self
            .send(CallClass::Create, Method::GET, "laporan", |rb| {
                rb.query(&[("id_eksternal", id)])
            })
            .await?;
        if !resp.status().is_success() {
            return Err(error_from(resp).await);
        }
        let list: LaporanList = read_json(resp).await.map_err(LaporError::Protocol)?;
        Ok(list.data.into_iter().find(|l| l.id_eksternal == id))
    }

    /// `GET /laporan/{tracking_id}`: a reconciliation look-up, [`CallClass::Background`] or
    /// [`CallClass::Paced`].
    pub async fn get(
        &self,
        tracking_id: &str,
        class: CallClass,
    ) -> Result<Option<Laporan>, LaporError> {
        let path = format!("laporan/{tracking_id}");
        let resp = self.send(class, Method::GET, &path, |rb| rb).await?;
        if resp.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !resp.status().is_success() {
            return Err(error_from(resp).await);
        }
        read_json(resp)
            .await
            .map(Some)
            .map_err(LaporError::Protocol)
    }

    pub async fn kategori(&self) -> Result<Vec<Kategori>, LaporError> {
        self.get_json("kategori").await
    }

    pub async fn instansi(&self) -> Result<Vec<Instansi>, LaporError> {
        self.get_json("instansi").await
    }

    /// `GET /pembaruan`.
    pub async fn pembaruan(
        &self,
        kursor: Option<&str>,
        batas: u32,
    ) -> Result<PembaruanPage, LaporError> {
        let resp = self
            .send(CallClass::Background, Method::GET, "pembaruan", |rb| {
                let rb = rb.query(&[("batas", batas.to_string())]);
                match kursor {
                    Some(k) => rb.query(&[("kursor", k)]),
                    None => rb,
                }
            })
            .await?;
        if resp.status() == StatusCode::BAD_REQUEST {
            let headers = resp.headers().clone();
            let bytes = resp.bytes().await.unwrap_or_default();
            let body: ErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
            if body.error.as_deref() == Some("invalid_cursor") {
                return Err(LaporError::InvalidCursor);
            }
            return Err(classify_status(StatusCode::BAD_REQUEST, &headers, &bytes));
        }
        if !resp.status().is_success() {
            return Err(error_from(resp).await);
        }
        read_json(resp).await.map_err(LaporError::Protocol)
    }

    /// Reference data: background.
    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, LaporError> {
        let resp = self
            .send(CallClass::Background, Method::GET, path, |rb| rb)
            .await?;
        if !resp.status().is_success() {
            return Err(error_from(resp).await);
        }
        read_json(resp).await.map_err(LaporError::Protocol)
    }

    /// Sends one authenticated call through the shared limiter. On 401 the token is fetched
    /// again once and the call repeated; a second 401 is an authentication error.
    async fn send(
        &self,
        class: CallClass,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response, LaporError> {
        let url = self
            .base
            .join(path)
            .map_err(|e| LaporError::Protocol(format!("bad path {path}: {e}")))?;
        for fresh_token in [false, true] {
            let token = self.token(fresh_token, class).await?;
            self.pace(class).await;
            let rb = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.expose_secret());
            let sent = Instant::now();
            let resp = build(rb).send().await;
            crate::telemetry::lapor_request_seconds().observe(sent.elapsed().as_secs_f64());
            let resp = resp.map_err(|e| {
                self.stats.record(Err(()));
                classify_transport(&e)
            })?;
            self.record_status(resp.status());
            if resp.status() != StatusCode::UNAUTHORIZED {
                return Ok(resp);
            }
            tracing::info!("LAPOR! token refused; fetching a new one");
        }
        Err(LaporError::Auth(
            "a freshly issued token was refused (HTTP 401 twice)".into(),
        ))
    }

    async fn pace(&self, class: CallClass) {
        if let Some(waited) = self.quota.pass(class).await.waited {
            self.stats.limiter_waits.fetch_add(1, Ordering::Relaxed);
            self.stats
                .limiter_wait_micros
                .fetch_add(waited.as_micros() as u64, Ordering::Relaxed);
        }
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
    }

    /// The token fetch goes at the pace of the call that needs it.
    async fn token(&self, force: bool, class: CallClass) -> Result<SecretString, LaporError> {
        let mut guard = self.token.lock().await;
        if !force {
            if let Some(t) = guard.as_ref() {
                if Instant::now() < t.refresh_at {
                    return Ok(t.value.clone());
                }
            }
        }
        let url = self
            .base
            .join("auth/token")
            .map_err(|e| LaporError::Protocol(e.to_string()))?;
        self.pace(class).await;
        let sent = Instant::now();
        let resp = self
            .http
            .post(url)
            .json(&serde_json::json!({
                "client_id": self.client_id,
                "client_secret": self.secret.expose_secret(),
            }))
            .send()
            .await;
        crate::telemetry::lapor_request_seconds().observe(sent.elapsed().as_secs_f64());
        let resp = resp.map_err(|e| {
            self.stats.record(Err(()));
            classify_transport(&e)
        })?;
        self.record_status(resp.status());
        if resp.status() == StatusCode::UNAUTHORIZED {
            return Err(LaporError::Auth(
                "the client credentials were refused (invalid_client)".into(),
            ));
        }
        if !resp.status().is_success() {
            return Err(error_from(resp).await);
        }
        let t: TokenResponse = read_json(resp).await.map_err(LaporError::Protocol)?;
        self.stats.tokens_fetched.fetch_add(1, Ordering::Relaxed);
        // Refresh a little early so a token does not expire in flight.
        let life = Duration::from_secs(t.expires_in).saturating_sub(Duration::from_secs(30));
        let value = SecretString::from(t.access_token);
        *guard = Some(Token {
            value: value.clone(),
            refresh_at: Instant::now() + life.max(Duration::from_secs(1)),
        });
        Ok(value)
    }
}

async fn read_json<T: DeserializeOwned>(resp: Response) -> Result<T, String> {
    let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| format!("unexpected body: {e}"))
}

async fn error_from(resp: Response) -> LaporError {
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.unwrap_or_default();
    classify_status(status, &headers, &bytes)
}
