//! The Call Center 112 note API mock over real HTTP on loopback.

use std::time::{Duration, Instant};

use lapor_mocks::call112::{Call112Counters, Call112Mock, Call112MockConfig, NotesFaults};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{json, Value};

const TOKEN: &str = "call112-demo-token";
const TICKET: &str = "112-20240729-0042";

fn note(text: &str) -> Value {
    json!({"text": text, "status": "ditindaklanjuti", "tracking_id": "5010001"})
}

fn post(c: &Client, mock: &Call112Mock, ticket: &str) -> RequestBuilder {
    c.post(format!("{}/tickets/{ticket}/notes", mock.base_url()))
}

/// An authorized note, optionally with an Idempotency-Key: (status, body).
async fn send(
    c: &Client,
    mock: &Call112Mock,
    ticket: &str,
    key: Option<&str>,
    body: &Value,
) -> (StatusCode, Value) {
    let mut req = post(c, mock, ticket).bearer_auth(TOKEN).json(body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn started() -> Call112Mock {
    let mock = Call112Mock::start(Call112MockConfig::default())
        .await
        .unwrap();
    mock.add_ticket(TICKET);
    mock
}

#[tokio::test]
async fn wrong_or_missing_token_is_401() {
    let mock = started().await;
    let c = Client::new();
    let body = note("x");
    let attempts = [
        post(&c, &mock, TICKET).json(&body),
        post(&c, &mock, TICKET).bearer_auth("wrong").json(&body),
        post(&c, &mock, TICKET)
            .basic_auth(TOKEN, None::<&str>)
            .json(&body),
    ];
    for req in attempts {
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
    }
    let n = mock.counters();
    assert_eq!((n.unauthorized, n.requests, n.recorded), (3, 3, 0));
    assert!(mock.notes().is_empty());
}

#[tokio::test]
async fn bad_bodies_are_400_naming_the_field() {
    let mock = started().await;
    let c = Client::new();
    let cases = [
        (
            json!({"status": "selesai", "tracking_id": "5010001"}),
            "text",
        ),
        (
            json!({"text": "ok", "status": "  ", "tracking_id": "5010001"}),
            "status",
        ),
        (
            json!({"text": "ok", "status": "selesai", "tracking_id": 5010001}),
            "tracking_id",
        ),
        (json!(["not", "an", "object"]), "body"),
    ];
    for (body, field) in &cases {
        let (status, v) = send(&c, &mock, TICKET, None, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(v["field"], *field, "{body}");
        assert_eq!(v["error"], "bad_request");
    }
    let r = post(&c, &mock, TICKET)
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(mock.counters().bad_request, cases.len() as u64 + 1);
    assert!(mock.notes().is_empty());
}

#[tokio::test]
async fn unknown_ticket_is_404_unless_configured_to_accept() {
    let mock = started().await;
    let c = Client::new();
    let (status, v) = send(&c, &mock, "112-unknown", None, &note("x")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(v, json!({"error": "ticket_not_found"}));
    assert_eq!(mock.counters().not_found, 1);
    assert!(mock.notes().is_empty());

    let open = Call112Mock::start(Call112MockConfig {
        accept_unknown_tickets: true,
        ..Call112MockConfig::default()
    })
    .await
    .unwrap();
    let (status, _) = send(&c, &open, "112-unknown", None, &note("x")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(open.notes()[0].ticket_id, "112-unknown");
}

#[tokio::test]
async fn notes_are_recorded_in_arrival_order() {
    let mock = started().await;
    mock.add_ticket("112-20240729-0043");
    let c = Client::new();
    let (s1, v1) = send(
        &c,
        &mock,
        TICKET,
        Some("wb-1"),
        &note("Jalan sudah diperbaiki."),
    )
    .await;
    let (s2, v2) = send(&c, &mock, "112-20240729-0043", None, &note("Dijadwalkan.")).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!((v1, v2), (json!({"id": "n-1"}), json!({"id": "n-2"})));

    let notes = mock.notes();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].ticket_id, TICKET);
    assert_eq!(notes[0].text, "Jalan sudah diperbaiki.");
    assert_eq!(notes[0].status, "ditindaklanjuti");
    assert_eq!(notes[0].tracking_id, "5010001");
    assert_eq!(notes[0].idempotency_key.as_deref(), Some("wb-1"));
    assert_eq!(notes[1].ticket_id, "112-20240729-0043");
    assert_eq!(notes[1].idempotency_key, None);
    for n in &notes {
        assert!(
            n.received_at.parse::<jiff::Timestamp>().is_ok(),
            "{}",
            n.received_at
        );
    }
    assert_eq!(
        mock.counters(),
        Call112Counters {
            requests: 2,
            recorded: 2,
            ..Call112Counters::default()
        }
    );
}

#[tokio::test]
async fn repeated_idempotency_key_is_recorded_once() {
    let mock = started().await;
    let c = Client::new();
    let first = send(&c, &mock, TICKET, Some("wb-7"), &note("a")).await;
    let again = send(&c, &mock, TICKET, Some("wb-7"), &note("a")).await;
    assert_eq!(first.0, StatusCode::CREATED);
    assert_eq!(again, first);
    let other = send(&c, &mock, TICKET, Some("wb-8"), &note("a")).await;
    assert_eq!(other.1, json!({"id": "n-2"}));
    // Without a key there is nothing to recognise a retry by.
    send(&c, &mock, TICKET, None, &note("a")).await;
    send(&c, &mock, TICKET, None, &note("a")).await;

    assert_eq!(mock.notes().len(), 4);
    let n = mock.counters();
    assert_eq!((n.recorded, n.duplicate_deliveries), (4, 1));
}

#[tokio::test]
async fn concurrent_deliveries_of_one_key_record_one_note() {
    let mock = started().await;
    let c = Client::new();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let req = post(&c, &mock, TICKET)
            .bearer_auth(TOKEN)
            .header("Idempotency-Key", "wb-race")
            .json(&note("a"));
        set.spawn(async move {
            let r = req.send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        });
    }
    while let Some(answer) = set.join_next().await {
        assert_eq!(answer.unwrap(), (StatusCode::CREATED, json!({"id": "n-1"})));
    }
    assert_eq!(mock.notes().len(), 1);
    assert_eq!(mock.counters().duplicate_deliveries, 15);
}

#[tokio::test]
async fn injected_5xx_records_nothing_and_forgets_the_key() {
    let mock = started().await;
    let c = Client::new();
    mock.set_faults(NotesFaults {
        error_5xx_probability: 1.0,
        ..NotesFaults::default()
    });
    for _ in 0..6 {
        let (status, _) = send(&c, &mock, TICKET, Some("wb-1"), &note("a")).await;
        assert!(status.is_server_error(), "{status}");
    }
    assert_eq!(mock.counters().injected_5xx, 6);
    assert!(mock.notes().is_empty());

    mock.set_faults(NotesFaults::default());
    let (status, v) = send(&c, &mock, TICKET, Some("wb-1"), &note("a")).await;
    assert_eq!((status, v), (StatusCode::CREATED, json!({"id": "n-1"})));
    assert_eq!(mock.counters().duplicate_deliveries, 0);
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let mock = started().await;
    let c = Client::new();
    mock.set_faults(NotesFaults {
        latency: Duration::from_millis(150),
        ..NotesFaults::default()
    });
    let t = Instant::now();
    let (status, _) = send(&c, &mock, TICKET, None, &note("a")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn down_answers_503_to_everything() {
    let mock = started().await;
    let c = Client::new();
    mock.set_down(true);
    let (status, _) = send(&c, &mock, TICKET, Some("wb-1"), &note("a")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let r = post(&c, &mock, TICKET)
        .json(&note("a"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers()["retry-after"], "1");
    assert!(mock.notes().is_empty());
    assert_eq!(mock.counters().unauthorized, 0);

    mock.set_down(false);
    let (status, _) = send(&c, &mock, TICKET, Some("wb-1"), &note("a")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(mock.notes().len(), 1);
}

#[tokio::test]
async fn admin_endpoints_show_notes_and_counters() {
    let mock = started().await;
    let c = Client::new();
    send(&c, &mock, TICKET, None, &note("a")).await;
    let notes: Value = c
        .get(format!("{}/_mock/notes", mock.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(notes[0]["ticket_id"], TICKET);
    let counters: Value = c
        .get(format!("{}/_mock/counters", mock.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counters["recorded"], 1);
}
