//! The webhook receiver over real HTTP on loopback: signatures, limits, replays, edits,
//! filters, and the social reporter rules. The forwarder is driven one step at a time.

use crate::common;
use crate::support::webhooks;

use common::Env;
use lapor_bridge::domain::{ChannelName, RecordKey};
use lapor_bridge::pipeline::Pipeline;
use lapor_bridge::shutdown;
use lapor_bridge::store::OutboxState;
use lapor_mocks::lapor::LaporMockConfig;
use serde_json::json;
use webhooks::*;

struct Running {
    env: Env,
    p: Pipeline,
    base: String,
    client: reqwest::Client,
    _trigger: shutdown::Trigger,
}

/// The bridge with only its webhook receiver running (the forwarder is stepped by the test).
async fn start() -> Running {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await;
    let p = env.pipeline(&[]);
    let w = p
        .webhooks
        .clone()
        .expect("demo config has webhook channels");
    let base = format!("http://{}", w.local_addr());
    let (trigger, sd) = shutdown::channel();
    tokio::spawn(async move { w.run(sd).await });
    Running {
        env,
        p,
        base,
        client: reqwest::Client::new(),
        _trigger: trigger,
    }
}

impl Running {
    fn url(&self, ch: &str) -> String {
        format!("{}/webhooks/{ch}", self.base)
    }
    fn key(&self, s: &str) -> RecordKey {
        RecordKey::parse(s).unwrap()
    }
    async fn forward_all(&self) {
        for _ in 0..20 {
            let r = self.p.forwarder.step().await.unwrap();
            if r.claimed == 0 {
                return;
            }
        }
        panic!("the forwarder kept claiming");
    }
}

const NOTES: &str = "Tiga lampu penerangan jalan mati sejak dua malam, jalan gelap dan rawan.";

#[tokio::test]
async fn a_bad_signature_is_401_and_nothing_is_stored() {
    let r = start().await;
    let body = serde_json::to_vec(&ticket("112-1", NOTES)).unwrap();
    let (status, resp) = send_raw(
        &r.client,
        &r.url("call112"),
        "wrong-secret",
        now(),
        body.clone(),
    )
    .await;
    assert_eq!(status, 401, "{resp}");
    assert_eq!(resp["error"], "bad_signature");
    assert!(resp["message"]
        .as_str()
        .unwrap()
        .contains("<X-Timestamp>.<raw body>"));
    // The other channel's secret is wrong here too.
    let (status, _) = send_raw(
        &r.client,
        &r.url("call112"),
        SOSMED_SECRET,
        now(),
        body.clone(),
    )
    .await;
    assert_eq!(status, 401);
    // No signature at all.
    let resp = r
        .client
        .post(r.url("call112"))
        .header("x-timestamp", now().to_string())
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let j: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(j["error"], "missing_signature");
    assert_eq!(common::counts(&r.p.store).received, 0);
}

#[tokio::test]
async fn a_stale_or_future_timestamp_is_401() {
    let r = start().await;
    let body = serde_json::to_vec(&ticket("112-2", NOTES)).unwrap();
    for ts in [now() - 301 - 5, now() + 301 + 5] {
        let (status, resp) = send_raw(
            &r.client,
            &r.url("call112"),
            CALL112_SECRET,
            ts,
            body.clone(),
        )
        .await;
        assert_eq!(status, 401, "{resp}");
        assert_eq!(resp["error"], "stale_timestamp");
    }
    let (status, _) = send_raw(
        &r.client,
        &r.url("call112"),
        CALL112_SECRET,
        now() - 200,
        body,
    )
    .await;
    assert_eq!(status, 202, "within 300 s is accepted");
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let r = start().await;
    let big = "x".repeat(256 * 1024);
    let body = serde_json::to_vec(&ticket("112-3", &big)).unwrap();
    let (status, resp) = send_raw(&r.client, &r.url("call112"), CALL112_SECRET, now(), body).await;
    assert_eq!(status, 413, "{resp}");
    assert_eq!(resp["error"], "body_too_large");
    // Just under the limit is read (and here refused for other reasons, not size).
    let (status, _) = send_raw(
        &r.client,
        &r.url("call112"),
        CALL112_SECRET,
        now(),
        vec![b' '; 256 * 1024],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(common::counts(&r.p.store).received, 0);
}

#[tokio::test]
async fn malformed_json_is_400_naming_the_problem() {
    let r = start().await;
    let (status, resp) = send_raw(
        &r.client,
        &r.url("call112"),
        CALL112_SECRET,
        now(),
        b"{\"ticket_id\": \"112-4\",".to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(resp["error"], "malformed_json");
    assert!(
        resp["message"].as_str().unwrap().contains("line 1"),
        "{resp}"
    );
    let (status, resp) = send(
        &r.client,
        &r.url("call112"),
        CALL112_SECRET,
        &json!({"summary": "no id"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(resp["error"], "missing_id");
    assert!(resp["message"].as_str().unwrap().contains("/ticket_id"));
    let resp = r
        .client
        .post(format!("{}/webhooks/nope", r.base))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
}

#[tokio::test]
async fn a_replayed_delivery_is_one_complaint() {
    let r = start().await;
    let body = serde_json::to_vec(&ticket("112-5", NOTES)).unwrap();
    let ts = now();
    let (s1, a) = send_raw(
        &r.client,
        &r.url("call112"),
        CALL112_SECRET,
        ts,
        body.clone(),
    )
    .await;
    let (s2, b) = send_raw(
        &r.client,
        &r.url("call112"),
        CALL112_SECRET,
        ts,
        body.clone(),
    )
    .await;
    assert_eq!((s1, s2), (202, 202));
    assert_eq!(a["outcome"], "new");
    assert_eq!(b["outcome"], "duplicate");
    // Another operator handing the same ticket over is not an edit: `agent` is not content.
    let mut other_agent = ticket("112-5", NOTES);
    other_agent["agent"] = json!("op-12");
    let (s, c) = send(&r.client, &r.url("call112"), CALL112_SECRET, &other_agent).await;
    assert_eq!((s, c["outcome"].as_str()), (202, Some("duplicate")));
    // A GET is refused with a JSON reason.
    let resp = r.client.get(r.url("call112")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let j: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(j["error"], "method_not_allowed");
    r.forward_all().await;
    // And once more after forwarding.
    let (s3, c) = send_raw(&r.client, &r.url("call112"), CALL112_SECRET, now(), body).await;
    assert_eq!((s3, c["outcome"].as_str()), (202, Some("duplicate")));
    r.forward_all().await;
    let complaints = r.env.lapor.complaints();
    assert_eq!(complaints.len(), 1);
    let c = &complaints[0];
    assert_eq!(c.id_eksternal, "call112:112-5");
    assert_eq!(c.body["kanal"], "call112");
    assert_eq!(c.body["kategori_id"], 102);
    assert_eq!(c.body["instansi_id"], 357304);
    assert_eq!(c.body["pelapor"]["nama"], "Siti Aminah");
    assert_eq!(c.body["pelapor"]["telepon"], "+6281234567890");
    assert_eq!(c.body["lokasi"]["lat"], -7.9737);
    assert_eq!(c.body["waktu_lapor"], "2024-07-29T08:15:00+07:00");
    assert!(c.body["isi"].as_str().unwrap().contains(NOTES));
}

#[tokio::test]
async fn an_edited_post_updates_before_forwarding_and_is_only_recorded_after() {
    let r = start().await;
    let url = r.url("sosmed");
    let text1 = "Sampah menumpuk di pinggir Jl. Soekarno Hatta sudah seminggu tidak diangkut.";
    let text2 =
        "Sampah menumpuk di pinggir Jl. Soekarno Hatta depan kampus sudah seminggu tidak diangkut.";
    let text3 =
        "EDIT: sudah diangkut sebagian, tapi masih ada tumpukan sampah di Jl. Soekarno Hatta.";
    let (s, a) = send(
        &r.client,
        &url,
        SOSMED_SECRET,
        &post("instagram", "C1", text1, &[]),
    )
    .await;
    assert_eq!((s, a["outcome"].as_str()), (202, Some("new")));
    let (s, b) = send(
        &r.client,
        &url,
        SOSMED_SECRET,
        &post("instagram", "C1", text2, &[]),
    )
    .await;
    assert_eq!((s, b["outcome"].as_str()), (202, Some("updated")), "{b}");
    // Same post id on another platform is another post.
    let (s, c) = send(&r.client, &url, SOSMED_SECRET, &post("x", "C1", text1, &[])).await;
    assert_eq!((s, c["outcome"].as_str()), (202, Some("new")));
    r.forward_all().await;
    let (s, d) = send(
        &r.client,
        &url,
        SOSMED_SECRET,
        &post("instagram", "C1", text3, &[]),
    )
    .await;
    assert_eq!(
        (s, d["outcome"].as_str()),
        (202, Some("edit_recorded")),
        "{d}"
    );
    r.forward_all().await;

    let complaints = r.env.lapor.complaints();
    assert_eq!(complaints.len(), 2);
    let ig = complaints
        .iter()
        .find(|c| c.id_eksternal == "sosmed:instagram:C1")
        .unwrap();
    assert!(
        ig.body["isi"].as_str().unwrap().starts_with(text2),
        "the edit before forwarding is what was sent"
    );
    let d = r.p.store.detail(&r.key("sosmed:instagram:C1")).unwrap();
    assert_eq!(d.state, OutboxState::Forwarded);
    assert_eq!(d.revision, 3);
    assert!(d.events.iter().any(|e| e.kind == "edited_after_forward"));
}

#[tokio::test]
async fn tickets_outside_the_complaint_category_are_acknowledged_ignored_and_counted() {
    let r = start().await;
    let mut t = ticket("112-6", NOTES);
    t["category"] = json!("darurat/kebakaran");
    let (s, resp) = send(&r.client, &r.url("call112"), CALL112_SECRET, &t).await;
    assert_eq!(s, 202);
    assert_eq!(resp["status"], "ignored");
    let (s, _) = send(
        &r.client,
        &r.url("call112"),
        CALL112_SECRET,
        &ticket("112-7", NOTES),
    )
    .await;
    assert_eq!(s, 202);
    let ch = ChannelName::parse("call112").unwrap();
    assert_eq!(
        r.p.store
            .counter(&lapor_bridge::intake::webhook::ignored_counter(&ch))
            .unwrap(),
        1
    );
    assert!(
        r.p.store.detail(&r.key("call112:112-6")).is_err(),
        "an ignored ticket is not stored"
    );
    r.forward_all().await;
    let ids: Vec<_> = r
        .env
        .lapor
        .complaints()
        .into_iter()
        .map(|c| c.id_eksternal)
        .collect();
    assert_eq!(ids, ["call112:112-7"]);
}

#[tokio::test]
async fn a_social_reporter_is_the_handle_and_disallowed_media_are_left_out_with_a_note() {
    let r = start().await;
    let text = "Lampu lalu lintas di perempatan Jl. Veteran mati sejak pagi, macet parah.";
    let media = [
        "https://cdn.example/a.jpg",
        "https://cdn.example/b.mp4",
        "https://cdn.example/c.png",
    ];
    let (s, _) = send(
        &r.client,
        &r.url("sosmed"),
        SOSMED_SECRET,
        &post("x", "P9", text, &media),
    )
    .await;
    assert_eq!(s, 202);
    r.forward_all().await;
    let c = r.env.lapor.complaints().pop().unwrap();
    assert_eq!(c.body["anonim"], false);
    assert_eq!(
        c.body["pelapor"],
        json!({"nama": "@wargamalang", "nik": null, "telepon": null, "email": null})
    );
    let lampiran: Vec<_> = c.body["lampiran"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["nama_file"].clone())
        .collect();
    assert_eq!(lampiran, [json!("a.jpg"), json!("c.png")]);
    let d = r.p.store.detail(&r.key("sosmed:x:P9")).unwrap();
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("media 2 left out") && n.contains("video/mp4")),
        "{:?}",
        d.notes
    );
}

#[tokio::test]
async fn a_delivery_that_cannot_be_mapped_is_held_with_its_reason() {
    let r = start().await;
    let mut t = ticket("112-8", NOTES);
    t["category"] = json!("keluhan-layanan/kebisingan");
    let (s, resp) = send(&r.client, &r.url("call112"), CALL112_SECRET, &t).await;
    assert_eq!((s, resp["outcome"].as_str()), (202, Some("new")));
    let d = r.p.store.detail(&r.key("call112:112-8")).unwrap();
    assert_eq!(d.state, OutboxState::Held);
    assert!(
        d.problems
            .iter()
            .any(|p| p.field == "kategori" && p.message.contains("tables.kategori")),
        "{:?}",
        d.problems
    );
}
