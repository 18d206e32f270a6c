//! The Telegram alert sink of a running daemon against the Bot API mock: one message per
//! event (an SLA breach, a dead letter, a silent kanal), sent again after a 500 and a 429
//! with `retry_after`, and not again after a restart; and the mock's own strictness.

use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use lapor_bridge::time;
use lapor_mocks::lapor::{LaporMock, LaporMockConfig};
use lapor_mocks::{TelegramFault, TelegramMock, TelegramMockConfig};
use rusqlite::params;
use serde_json::{json, Value};

use crate::report_daemon::{wait_for, Daemon};
use crate::support::report_fixture::{plus_minutes, Fixture};

const TOKEN: &str = "987654:uji-coba-token";
const CHAT: &str = "-1009876543210";

fn sent_in_store(store: &Path) -> i64 {
    let c = rusqlite::Connection::open(store).unwrap();
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    c.query_row(
        "SELECT COUNT(*) FROM chat_alerts WHERE sent_at IS NOT NULL",
        [],
        |r| r.get(0),
    )
    .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn telegram_alerts_arrive_once_per_event_and_are_retried_after_failures() {
    let dir = tempfile::tempdir().unwrap();
    let lapor = LaporMock::start(LaporMockConfig::default()).await.unwrap();
    let tg = TelegramMock::start(TelegramMockConfig {
        token: TOKEN.into(),
        chats: vec![CHAT.into()],
    })
    .await
    .unwrap();
    // The first send fails with 500, the second with 429 (retry after 1 s).
    tg.fail_next(1, TelegramFault::ServerError);
    tg.fail_next(1, TelegramFault::TooManyRequests { retry_after: 1 });

    let store = dir.path().join("bridge.db");
    let now_wib = time::format_wib(Timestamp::now());
    let f = Fixture::create(&store);
    // Forwarded 30 days ago, never verified: verifikasi breached.
    let old = plus_minutes(&now_wib, -30 * 1440);
    let a = f.record("sambat", "late-verify", Some(&old), &old);
    f.forwarded(a, &old, 357301);
    // A dead letter.
    let dead_at = plus_minutes(&now_wib, -30);
    let d = f.record("callcenter", "tiket-77", Some(&dead_at), &dead_at);
    f.conn
        .execute(
            "INSERT INTO outbox (record_id, state, attempts, last_error, problems)
             VALUES (?1, 'dead', 8, 'LAPOR! answered 422: kategori_id tidak dikenal', '[]')",
            params![d],
        )
        .unwrap();
    // Ngombe: six files ten minutes apart, the last three days ago (held, so no SLA).
    for i in 0..6 {
        let at = plus_minutes(&now_wib, -3 * 1440 - 10 * (6 - i));
        let id = f.record("ngombe", &format!("baris-{i}"), Some(&at), &at);
        f.held(id);
    }
    drop(f);

    let report_toml = format!(
        "[report]\n[report.telegram]\napi_base = \"{}\"\nbot_token = {{ value = \"{TOKEN}\" }}\n\
         chat_id = \"{CHAT}\"\ncheck_interval_secs = 1\nsilence_factor = 4\nmin_silence_minutes = 60\n",
        tg.base_url()
    );
    let daemon = Daemon::start(dir.path(), &lapor, &store, &report_toml).await;
    wait_for("3 alerts recorded as sent", Duration::from_secs(30), || {
        sent_in_store(&store) >= 3
    })
    .await;
    let rounds = |d: &Daemon| d.log().matches("Telegram watch checked").count();
    let seen = rounds(&daemon);
    wait_for("two more Telegram rounds", Duration::from_secs(30), || {
        rounds(&daemon) >= seen + 2
    })
    .await;
    let m = daemon.get("/metrics").await;
    assert!(
        m.contains("lapor_bridge_chat_alerts{sink=\"telegram\",state=\"sent\"} 3"),
        "{m}"
    );
    let log = daemon.log();
    assert!(!log.contains(TOKEN), "the bot token is in the log:\n{log}");
    assert!(log.contains("Telegram alert not sent"), "{log}");
    drop(daemon);

    let messages = tg.messages();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    let c = tg.counters();
    assert_eq!((c.calls, c.faults, c.sent), (5, 2, 3), "{c:?}");
    let find = |needle: &str| {
        let hits: Vec<_> = messages
            .iter()
            .filter(|m| m.text.contains(needle))
            .collect();
        assert_eq!(hits.len(), 1, "{needle}: {messages:#?}");
        hits[0].text.clone()
    };
    let sla = find("sambat:late-verify");
    assert!(
        sla.contains("lewat tenggat") && sla.contains("verifikasi"),
        "{sla}"
    );
    assert!(sla.contains("WIB"), "{sla}");
    let dead = find("callcenter:tiket-77");
    assert!(
        dead.contains("gagal terkirim") && dead.contains("dead-letters show"),
        "{dead}"
    );
    let silent = find("Kanal ngombe");
    assert!(
        silent.contains("sepi") && silent.contains("10 menit"),
        "{silent}"
    );
    assert!(messages.iter().all(|m| m.chat_id == CHAT));

    // After a restart on the same store: the same events are not sent again.
    let daemon = Daemon::start(dir.path(), &lapor, &store, &report_toml).await;
    wait_for(
        "two Telegram rounds after the restart",
        Duration::from_secs(30),
        || rounds(&daemon) >= 2,
    )
    .await;
    assert_eq!(tg.messages().len(), 3, "{:#?}", tg.messages());
}

#[tokio::test]
async fn the_bot_api_mock_is_strict() {
    let tg = TelegramMock::start(TelegramMockConfig {
        token: TOKEN.into(),
        chats: vec![CHAT.into()],
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let send = |token: &str, body: Value| {
        let url = format!("{}/bot{token}/sendMessage", tg.base_url());
        let req = http.post(url).json(&body);
        async move {
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    let (s, v) = send("000:salah", json!({"chat_id": CHAT, "text": "halo"})).await;
    assert_eq!(s, 401);
    assert_eq!(
        v,
        json!({"ok": false, "error_code": 401, "description": "Unauthorized"})
    );
    let (s, v) = send(TOKEN, json!({"text": "halo"})).await;
    assert_eq!(
        (s, v["description"].as_str()),
        (400, Some("Bad Request: chat_id is empty"))
    );
    let (s, v) = send(TOKEN, json!({"chat_id": CHAT})).await;
    assert_eq!(
        (s, v["description"].as_str()),
        (400, Some("Bad Request: message text is empty"))
    );
    let (s, v) = send(TOKEN, json!({"chat_id": "-42", "text": "halo"})).await;
    assert_eq!(
        (s, v["description"].as_str()),
        (400, Some("Bad Request: chat not found"))
    );
    tg.fail_next(1, TelegramFault::TooManyRequests { retry_after: 7 });
    let (s, v) = send(TOKEN, json!({"chat_id": CHAT, "text": "halo"})).await;
    assert_eq!((s, v["parameters"]["retry_after"].as_u64()), (429, Some(7)));
    let (s, v) = send(TOKEN, json!({"chat_id": CHAT, "text": "halo"})).await;
    assert_eq!((s, v["ok"].as_bool()), (200, Some(true)));
    assert_eq!(tg.messages().len(), 1);
    assert_eq!(tg.counters().unauthorized, 1);
}

/// The limiter: with 2 messages a minute, 5 new dead letters give 2 messages now and 3 left
/// pending (sent at a later check, not lost and not sent twice).
#[tokio::test]
async fn a_burst_of_events_is_held_to_the_rate_limit() {
    use lapor_bridge::config::{ReportConfig, TelegramConfig};
    use lapor_bridge::report::chat::{check_once, LaporReach};
    use lapor_bridge::runtime::Heartbeat;
    use std::num::NonZeroU32;

    let dir = tempfile::tempdir().unwrap();
    let tg = TelegramMock::start(TelegramMockConfig {
        token: TOKEN.into(),
        chats: vec![CHAT.into()],
    })
    .await
    .unwrap();
    let path = dir.path().join("bridge.db");
    let f = Fixture::create(&path);
    let now_wib = time::format_wib(Timestamp::now());
    for i in 0..5 {
        let id = f.record("sambat", &format!("mati-{i}"), Some(&now_wib), &now_wib);
        f.conn
            .execute(
                "INSERT INTO outbox (record_id, state, attempts, last_error, problems)
                 VALUES (?1, 'dead', 8, 'LAPOR! answered 422', '[]')",
                params![id],
            )
            .unwrap();
    }
    drop(f);
    let store = lapor_bridge::store::Store::open(&path).unwrap();
    let cfg = TelegramConfig {
        api_base: reqwest::Url::parse(&tg.base_url()).unwrap(),
        bot_token: Some(TOKEN.to_owned().into()),
        chat_id: CHAT.into(),
        check_interval: Duration::from_secs(1),
        timeout: Duration::from_secs(5),
        max_per_minute: 2,
        lapor_down_after: Duration::from_secs(900),
        silence_factor: 4,
        min_silence: Duration::from_secs(7200),
    };
    let limiter =
        governor::RateLimiter::direct(governor::Quota::per_minute(NonZeroU32::new(2).unwrap()));
    let http = reqwest::Client::new();
    let hb = Heartbeat::new();
    let report = ReportConfig::default();
    let round = |limiter| {
        check_once(
            &store,
            &report,
            &cfg,
            LaporReach::default(),
            &http,
            limiter,
            Timestamp::now(),
            &hb,
        )
    };
    let r = round(&limiter).await.unwrap();
    assert_eq!((r.sent, r.deferred), (2, 3), "{r:?}");
    assert_eq!(tg.messages().len(), 2);
    let r = round(&limiter).await.unwrap();
    assert_eq!((r.sent, r.deferred), (0, 3), "{r:?}");
    // A fresh minute's budget (a new limiter): the remaining 3, and nothing twice.
    let fresh =
        governor::RateLimiter::direct(governor::Quota::per_minute(NonZeroU32::new(10).unwrap()));
    let r = round(&fresh).await.unwrap();
    assert_eq!((r.sent, r.deferred), (3, 0), "{r:?}");
    let texts: std::collections::BTreeSet<_> = tg.messages().into_iter().map(|m| m.text).collect();
    assert_eq!(texts.len(), 5);

    // A refused token: one call, the rest left pending, the fix named in the store (without
    // the token).
    store
        .with_conn(|c| {
            for i in 5..8 {
                c.execute(
                    "INSERT INTO records (channel, local_id, raw, content_hash, received_at, updated_at)
                     VALUES ('sambat', ?1, '{}', 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                    params![format!("mati-{i}")],
                )?;
                c.execute(
                    "INSERT INTO outbox (record_id, state, attempts, last_error, problems)
                     VALUES (?1, 'dead', 8, 'LAPOR! answered 422', '[]')",
                    params![c.last_insert_rowid()],
                )?;
            }
            Ok(())
        })
        .unwrap();
    let wrong = TelegramConfig {
        bot_token: Some("111:salah".to_owned().into()),
        ..cfg.clone()
    };
    let r = check_once(
        &store,
        &report,
        &wrong,
        LaporReach::default(),
        &http,
        &fresh,
        Timestamp::now(),
        &hb,
    )
    .await
    .unwrap();
    assert_eq!((r.sent, r.failed, r.deferred), (0, 1, 2), "{r:?}");
    assert_eq!(tg.counters().unauthorized, 1);
    let errors: Vec<String> = store
        .with_conn(|c| {
            let mut s =
                c.prepare("SELECT last_error FROM chat_alerts WHERE last_error IS NOT NULL")?;
            let rows = s.query_map([], |r| r.get(0))?;
            rows.collect()
        })
        .unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("401") && errors[0].contains("report.telegram.bot_token"),
        "{errors:?}"
    );
    assert!(!errors[0].contains("salah"), "{errors:?}");
}
