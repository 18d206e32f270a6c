//! The social-media desk reply API mock over real HTTP on loopback.

use lapor_mocks::desk::{DeskCounters, DeskFaults, DeskMock, DeskMockConfig, PLATFORMS};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{json, Value};

const TOKEN: &str = "desk-demo-token";

fn reply(platform: &str, post_id: &str) -> Value {
    json!({"platform": platform, "post_id": post_id, "text": "Terima kasih, sudah ditindaklanjuti."})
}

fn post(c: &Client, mock: &DeskMock) -> RequestBuilder {
    c.post(format!("{}/replies", mock.base_url()))
}

async fn send(c: &Client, mock: &DeskMock, key: Option<&str>, body: &Value) -> (StatusCode, Value) {
    let mut req = post(c, mock).bearer_auth(TOKEN).json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn started() -> DeskMock {
    DeskMock::start(DeskMockConfig::default()).await.unwrap()
}

#[tokio::test]
async fn wrong_or_missing_token_is_401() {
    let mock = started().await;
    let c = Client::new();
    let body = reply("x", "1");
    for req in [
        post(&c, &mock).json(&body),
        post(&c, &mock)
            .bearer_auth("call112-demo-token")
            .json(&body),
    ] {
        assert_eq!(req.send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(mock.counters().unauthorized, 2);
    assert!(mock.replies().is_empty());
}

#[tokio::test]
async fn bad_bodies_are_400_naming_the_field() {
    let mock = started().await;
    let c = Client::new();
    let cases = [
        (reply("myspace", "1"), "platform"),
        (reply("Instagram", "1"), "platform"),
        (json!({"platform": "x", "text": "hi"}), "post_id"),
        (json!({"platform": "x", "post_id": "1", "text": ""}), "text"),
    ];
    for (body, field) in &cases {
        let (status, v) = send(&c, &mock, Some("k"), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(v["field"], *field, "{body}");
    }
    assert_eq!(mock.counters().bad_request, cases.len() as u64);
    assert!(mock.replies().is_empty());
}

#[tokio::test]
async fn replies_are_accepted_for_every_platform() {
    let mock = started().await;
    let c = Client::new();
    for (i, p) in PLATFORMS.iter().enumerate() {
        let (status, v) = send(&c, &mock, None, &reply(p, &format!("post-{i}"))).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        assert_eq!(v, json!({"id": format!("r-{}", i + 1)}));
    }
    let replies = mock.replies();
    let got: Vec<(&str, &str)> = replies
        .iter()
        .map(|r| (r.platform.as_str(), r.post_id.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("instagram", "post-0"),
            ("x", "post-1"),
            ("facebook", "post-2"),
            ("tiktok", "post-3")
        ]
    );
    assert_eq!(replies[0].text, "Terima kasih, sudah ditindaklanjuti.");
    assert!(replies[0].received_at.parse::<jiff::Timestamp>().is_ok());
    assert_eq!(
        mock.counters(),
        DeskCounters {
            requests: 4,
            recorded: 4,
            ..DeskCounters::default()
        }
    );
}

#[tokio::test]
async fn repeated_idempotency_key_is_recorded_once() {
    let mock = started().await;
    let c = Client::new();
    let first = send(&c, &mock, Some("wb-1"), &reply("tiktok", "9")).await;
    let again = send(&c, &mock, Some("wb-1"), &reply("tiktok", "9")).await;
    assert_eq!(first, (StatusCode::ACCEPTED, json!({"id": "r-1"})));
    assert_eq!(again, first);
    assert_eq!(mock.replies().len(), 1);
    assert_eq!(mock.replies()[0].idempotency_key.as_deref(), Some("wb-1"));
    let n = mock.counters();
    assert_eq!((n.recorded, n.duplicate_deliveries), (1, 1));
}

#[tokio::test]
async fn injected_5xx_and_outage() {
    let mock = started().await;
    let c = Client::new();
    mock.set_faults(DeskFaults {
        error_5xx_probability: 1.0,
        ..DeskFaults::default()
    });
    for _ in 0..5 {
        let (status, _) = send(&c, &mock, Some("wb-1"), &reply("x", "1")).await;
        assert!(status.is_server_error(), "{status}");
    }
    assert_eq!(mock.counters().injected_5xx, 5);
    mock.set_faults(DeskFaults::default());

    mock.set_down(true);
    let (status, _) = send(&c, &mock, Some("wb-1"), &reply("x", "1")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(mock.replies().is_empty());
    mock.set_down(false);

    let (status, _) = send(&c, &mock, Some("wb-1"), &reply("x", "1")).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let n = mock.counters();
    assert_eq!((n.requests, n.recorded, n.duplicate_deliveries), (7, 1, 0));
}
