//! Sending signed webhook deliveries to the bridge's listener, and sample 112 and social bodies.
#![allow(dead_code)]

use lapor_bridge::wire::webhook::sign;
use serde_json::{json, Value};

pub const CALL112_SECRET: &str = "call112-demo-secret";
pub const SOSMED_SECRET: &str = "sosmed-demo-secret";

pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// A 112 ticket in the complaint category (`keluhan-layanan/…`).
pub fn ticket(id: &str, notes: &str) -> Value {
    json!({
        "ticket_id": id,
        "call_time": "2024-07-29T08:15:00+07:00",
        "caller": {"name": "Siti Aminah", "phone": "0812-3456-7890"},
        "category": "keluhan-layanan/penerangan-jalan",
        "summary": "Lampu jalan mati di Jl. Ijen",
        "notes": notes,
        "location": {"address": "Jl. Ijen No. 12, Klojen", "lat": -7.9737, "lon": 112.6204},
        "agent": "op-07"
    })
}

pub fn post(platform: &str, id: &str, text: &str, media: &[&str]) -> Value {
    json!({
        "platform": platform,
        "post_id": id,
        "author": {"handle": "@wargamalang", "name": null},
        "text": text,
        "media": media,
        "posted_at": "2024-07-29T09:00:00+07:00",
        "permalink": format!("https://{platform}.example/p/{id}")
    })
}

/// Sends raw bytes with a timestamp and a signature made with `secret`; returns the status and
/// the JSON body.
pub async fn send_raw(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    ts: i64,
    body: Vec<u8>,
) -> (u16, Value) {
    let sig = sign(secret.as_bytes(), ts, &body);
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .header("x-timestamp", ts.to_string())
        .header("x-signature", sig)
        .body(body)
        .send()
        .await
        .expect("request reaches the listener");
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    (status, body)
}

pub async fn send(client: &reqwest::Client, url: &str, secret: &str, body: &Value) -> (u16, Value) {
    send_raw(
        client,
        url,
        secret,
        now(),
        serde_json::to_vec(body).unwrap(),
    )
    .await
}
