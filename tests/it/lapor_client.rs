//! Response classes the LAPOR! mock cannot be driven into by a well-mapped record (413, 400,
//! a refused fresh token), against a scripted server (wiremock) over loopback.

use std::time::Duration;

use lapor_bridge::config::{BackgroundShare, LaporConfig, RateLimit};
use lapor_bridge::wire::lapor::types::{CreateLaporan, Klasifikasi};
use lapor_bridge::wire::lapor::{LaporClient, LaporError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn config(server: &MockServer) -> LaporConfig {
    LaporConfig {
        base_url: format!("{}/api/v1", server.uri()).parse().unwrap(),
        client_id: "pemkot-malang".into(),
        client_secret: "rahasia".to_string().into(),
        request_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(1),
        rate_limit: RateLimit {
            per_minute: 6000.try_into().unwrap(),
            burst: 100.try_into().unwrap(),
            background_share: BackgroundShare::DEFAULT,
        },
        reference_refresh: Duration::from_secs(3600),
        reference_grace_fetches: 3,
    }
}

fn payload() -> CreateLaporan {
    CreateLaporan {
        id_eksternal: "sambat:1".into(),
        kanal: "sambat".into(),
        klasifikasi: Klasifikasi::Pengaduan,
        judul: "Jalan berlubang di depan pasar".into(),
        isi: "Jalan berlubang cukup dalam di depan Pasar Besar Malang.".into(),
        kategori_id: 101,
        instansi_id: 3573,
        tanggal_kejadian: None,
        lokasi: None,
        anonim: true,
        rahasia: false,
        pelapor: None,
        lampiran: vec![],
        waktu_lapor: "2024-07-29T08:15:00+07:00".into(),
    }
}

async fn server_with_token() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "t", "token_type": "Bearer", "expires_in": 3600
        })))
        .mount(&server)
        .await;
    server
}

async fn create_with(status: u16, body: serde_json::Value) -> LaporError {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/laporan"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    let client = LaporClient::new(&config(&server)).unwrap();
    client.create("sambat:1", &payload()).await.unwrap_err()
}

#[tokio::test]
async fn body_too_large_413_is_permanent() {
    let e = create_with(413, serde_json::json!({"error": "payload_too_large"})).await;
    assert!(
        matches!(e, LaporError::Permanent { status: 413, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn malformed_400_is_permanent() {
    let e = create_with(400, serde_json::json!({"error": "malformed_json"})).await;
    assert!(
        matches!(e, LaporError::Permanent { status: 400, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn forbidden_403_is_permanent() {
    let e = create_with(403, serde_json::json!({"error": "forbidden"})).await;
    assert!(
        matches!(e, LaporError::Permanent { status: 403, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn gateway_errors_are_transient_with_retry_after() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/laporan"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "9"))
        .mount(&server)
        .await;
    let client = LaporClient::new(&config(&server)).unwrap();
    let e = client.create("sambat:1", &payload()).await.unwrap_err();
    assert!(e.is_transient() && !e.is_ambiguous(), "{e:?}");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(9)));
}

#[tokio::test]
async fn a_fresh_token_refused_again_is_an_auth_error_after_one_refresh() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/laporan"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "invalid_token"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let client = LaporClient::new(&config(&server)).unwrap();
    let e = client.create("sambat:1", &payload()).await.unwrap_err();
    assert!(matches!(e, LaporError::Auth(_)), "{e:?}");
    assert_eq!(
        client
            .stats
            .tokens_fetched
            .load(std::sync::atomic::Ordering::Relaxed),
        2
    );
}

#[tokio::test]
async fn a_timeout_is_ambiguous() {
    let server = server_with_token().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/laporan"))
        .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let mut cfg = config(&server);
    cfg.request_timeout = Duration::from_millis(200);
    let client = LaporClient::new(&cfg).unwrap();
    let e = client.create("sambat:1", &payload()).await.unwrap_err();
    assert!(
        e.is_ambiguous(),
        "a timeout may come after the server created it: {e:?}"
    );
}

#[tokio::test]
async fn an_unknown_feed_cursor_is_reported_as_such() {
    let server = server_with_token().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/pembaruan"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": "invalid_cursor"})),
        )
        .mount(&server)
        .await;
    let client = LaporClient::new(&config(&server)).unwrap();
    let e = client.pembaruan(Some("c-old"), 100).await.unwrap_err();
    assert_eq!(e, LaporError::InvalidCursor);
}
