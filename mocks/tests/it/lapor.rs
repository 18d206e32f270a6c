//! The LAPOR! mock over real HTTP on loopback.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use lapor_mocks::lapor::{Faults, LaporCounters, LaporMock, LaporMockConfig, LifecycleConfig};
use lapor_mocks::reference;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

fn cfg() -> LaporMockConfig {
    LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    }
}

async fn token(c: &Client, base: &str) -> String {
    let r = c
        .post(format!("{base}/auth/token"))
        .json(&json!({"client_id": "pemkot-malang", "client_secret": "rahasia-demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["token_type"], "Bearer");
    v["access_token"].as_str().unwrap().to_string()
}

fn laporan(ext: &str) -> Value {
    json!({
        "id_eksternal": ext,
        "kanal": "sambat",
        "klasifikasi": "pengaduan",
        "judul": "Jalan berlubang di Jl. Soekarno-Hatta",
        "isi": "Jalan berlubang cukup dalam dekat masjid, sudah ada pengendara motor yang jatuh.",
        "kategori_id": reference::KATEGORI_JALAN_JEMBATAN,
        "instansi_id": reference::INSTANSI_PEMKOT_MALANG,
        "tanggal_kejadian": "2024-07-28",
        "lokasi": {"alamat": "Jl. Soekarno-Hatta No. 12", "kode_wilayah": "35.73.05", "lat": -7.94, "lon": 112.62},
        "anonim": false,
        "rahasia": false,
        "pelapor": {"nama": "Budi Santoso", "nik": "3573011203900001", "telepon": "081234567890", "email": null},
        "lampiran": [{"nama_file": "foto-1.jpg", "tipe": "image/jpeg", "url": "https://sambat.example/foto-1.jpg"}],
        "waktu_lapor": "2024-07-29T08:15:00+07:00"
    })
}

async fn create(c: &Client, base: &str, tok: &str, key: &str, body: &Value) -> reqwest::Response {
    c.post(format!("{base}/laporan"))
        .bearer_auth(tok)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn get(c: &Client, url: String, tok: &str) -> reqwest::Response {
    c.get(url).bearer_auth(tok).send().await.unwrap()
}

#[tokio::test]
async fn auth_tokens_and_expiry() {
    let mock = LaporMock::start(LaporMockConfig {
        token_ttl: Duration::from_millis(300),
        ..cfg()
    })
    .await
    .unwrap();
    let base = mock.base_url();
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/api/v1"));
    let c = Client::new();

    let bad = c
        .post(format!("{base}/auth/token"))
        .json(&json!({"client_id": "pemkot-malang", "client_secret": "salah"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );

    let no_header = c.get(format!("{base}/kategori")).send().await.unwrap();
    assert_eq!(no_header.status(), StatusCode::UNAUTHORIZED);
    let unknown = get(&c, format!("{base}/kategori"), "nope").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown.json::<Value>().await.unwrap()["error"],
        "invalid_token"
    );

    // The token lapses by itself after token_ttl: wait for that, with a deadline.
    let tok = token(&c, &base).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = get(&c, format!("{base}/kategori"), &tok).await;
        if r.status() == StatusCode::UNAUTHORIZED {
            assert_eq!(r.json::<Value>().await.unwrap()["error"], "token_expired");
            break;
        }
        assert_eq!(r.status(), StatusCode::OK);
        assert!(Instant::now() < deadline, "token never expired");
        tokio::task::yield_now().await;
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn expire_tokens_revokes_issued_ones_only() {
    let mock = LaporMock::start(cfg()).await.unwrap();
    let base = mock.base_url();
    let c = Client::new();
    let tok = token(&c, &base).await;
    let r = get(&c, format!("{base}/kategori"), &tok).await;
    assert_eq!(r.status(), StatusCode::OK);
    let kategori: Vec<lapor_mocks::Kategori> = r.json().await.unwrap();
    assert!(kategori
        .iter()
        .any(|k| k.id == 13 && k.nama == "Teknologi Informasi dan Komunikasi"));

    mock.expire_tokens();
    let r = get(&c, format!("{base}/instansi"), &tok).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "token_expired");

    let fresh = token(&c, &base).await;
    let r = get(&c, format!("{base}/instansi"), &fresh).await;
    let instansi: Vec<lapor_mocks::Instansi> = r.json().await.unwrap();
    assert!(instansi
        .iter()
        .any(|i| i.id == 3573 && i.nama == "Pemerintah Kota Malang"));
    let n = mock.counters();
    assert_eq!((n.tokens_issued, n.unauthorized), (2, 1));
}

#[tokio::test]
async fn create_replay_and_conflicts() {
    let mock = LaporMock::start(cfg()).await.unwrap();
    let base = mock.base_url();
    let c = Client::new();
    let tok = token(&c, &base).await;
    let body = laporan("sambat:12001");

    let r = create(&c, &base, &tok, "k-1", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let first: Value = r.json().await.unwrap();
    let tracking = first["tracking_id"].as_str().unwrap().to_string();
    assert!(
        tracking.starts_with("501") && tracking.len() == 7,
        "{tracking}"
    );
    assert_eq!(first["status"], "belum_terverifikasi");

    // Same key, same body (other key order): a replay, nothing new.
    let reordered: Value = serde_json::from_str(&body.to_string()).unwrap();
    let r = create(&c, &base, &tok, "k-1", &reordered).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    assert_eq!(r.json::<Value>().await.unwrap(), first);

    // Same key, different body.
    let mut changed = body.clone();
    changed["judul"] = json!("Jalan berlubang besar di Jl. Soekarno-Hatta");
    let r = create(&c, &base, &tok, "k-1", &changed).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (v["error"].as_str(), v["tracking_id"].as_str()),
        (Some("idempotency_conflict"), Some(tracking.as_str()))
    );

    // New key, id_eksternal already used.
    let r = create(&c, &base, &tok, "k-2", &changed).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(
        r.json::<Value>().await.unwrap()["tracking_id"],
        tracking.as_str()
    );

    // Look-ups.
    let r = get(&c, format!("{base}/laporan/{tracking}"), &tok).await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (v["id_eksternal"].as_str(), v["kanal"].as_str()),
        (Some("sambat:12001"), Some("sambat"))
    );
    assert_eq!(
        get(&c, format!("{base}/laporan/999"), &tok).await.status(),
        StatusCode::NOT_FOUND
    );
    let r = c
        .get(format!("{base}/laporan"))
        .query(&[("id_eksternal", "sambat:12001")])
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["data"][0]["tracking_id"],
        tracking.as_str()
    );
    let r = c
        .get(format!("{base}/laporan"))
        .query(&[("id_eksternal", "sambat:none")])
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["data"], json!([]));

    let stored = mock.complaints();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].body, body);
    assert_eq!(stored[0].idempotency_key, "k-1");
    let n = mock.counters();
    assert_eq!(
        (n.create_requests, n.created, n.replayed, n.conflicts),
        (4, 1, 1, 2)
    );
}

#[tokio::test]
async fn validation_lists_every_field_without_echoing_values() {
    let mock = LaporMock::start(LaporMockConfig {
        forbidden_instansi: vec![reference::INSTANSI_DINKES],
        ..cfg()
    })
    .await
    .unwrap();
    let base = mock.base_url();
    let c = Client::new();
    let tok = token(&c, &base).await;

    let mut body = laporan("sambat:1");
    body["judul"] = json!("  pendek  ");
    body["pelapor"]["telepon"] = json!("0812-RAHASIA-99");
    body["pelapor"]["nik"] = json!("35730112");
    body["lokasi"]["lon"] = json!(null);
    body["kategori_id"] = json!(4242);
    body["catatan"] = json!("PRIBADI");
    body["lampiran"][0]["url"] = json!("http://insecure.example/x.jpg");
    let r = create(&c, &base, &tok, "k-bad", &body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text().await.unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["error"], "validation_failed");
    let fields: HashSet<&str> = v["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    for f in [
        "judul",
        "pelapor.telepon",
        "pelapor.nik",
        "lokasi",
        "kategori_id",
        "catatan",
        "lampiran[0].url",
    ] {
        assert!(fields.contains(f), "{f} missing from {fields:?}");
    }
    for secret in [
        "pendek", "RAHASIA", "35730112", "4242", "PRIBADI", "insecure",
    ] {
        assert!(!text.contains(secret), "{secret} echoed in {text}");
    }

    let mut anon = laporan("sambat:2");
    anon["anonim"] = json!(true);
    let r = create(&c, &base, &tok, "k-anon", &anon).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    anon["pelapor"] = Value::Null;
    assert_eq!(
        create(&c, &base, &tok, "k-anon", &anon).await.status(),
        StatusCode::CREATED
    );

    let r = c
        .post(format!("{base}/laporan"))
        .bearer_auth(&tok)
        .header("Idempotency-Key", "k-3")
        .body("{\"id_eksternal\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "malformed_json");

    let r = c
        .post(format!("{base}/laporan"))
        .bearer_auth(&tok)
        .json(&laporan("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "missing Idempotency-Key"
    );

    let mut big = laporan("sambat:big");
    big["isi"] = json!("a".repeat(1 << 20));
    assert_eq!(
        create(&c, &base, &tok, "k-big", &big).await.status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );

    let mut other = laporan("sambat:3");
    other["instansi_id"] = json!(reference::INSTANSI_DINKES);
    let r = create(&c, &base, &tok, "k-403", &other).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    assert_eq!(mock.complaints().len(), 1);
    assert_eq!(mock.counters().validation_failed, 2);
}

#[tokio::test]
async fn quota_429_with_retry_after_only_when_over() {
    let mock = LaporMock::start(LaporMockConfig {
        quota_per_minute: Some(5),
        ..cfg()
    })
    .await
    .unwrap();
    let base = mock.base_url();
    let c = Client::new();
    let tok = token(&c, &base).await; // the token request counts too
    for _ in 0..4 {
        assert_eq!(
            get(&c, format!("{base}/kategori"), &tok).await.status(),
            StatusCode::OK
        );
    }
    for _ in 0..3 {
        let r = get(&c, format!("{base}/kategori"), &tok).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        let secs: u64 = r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&secs), "{secs}");
    }
    assert_eq!(mock.counters().rate_limited, 3);

    mock.set_quota_per_minute(Some(100));
    for _ in 0..20 {
        assert_eq!(
            get(&c, format!("{base}/kategori"), &tok).await.status(),
            StatusCode::OK
        );
    }
    mock.set_quota_per_minute(None);
    assert_eq!(
        get(&c, format!("{base}/kategori"), &tok).await.status(),
        StatusCode::OK
    );
    assert_eq!(mock.counters().rate_limited, 3);
}

#[tokio::test]
async fn reset_after_create_stores_the_complaint_but_never_answers() {
    let mock = LaporMock::start(cfg()).await.unwrap();
    let base = mock.base_url();
    let c = Client::new();
    let tok = token(&c, &base).await;
    mock.set_faults(Faults {
        reset_after_create_probability: 1.0,
        ..Faults::default()
    });
    let err = c
        .post(format!("{base}/laporan"))
        .bearer_auth(&tok)
        .header("Idempotency-Key", "k-reset")
        .json(&laporan("sambat:77"))
        .send()
        .await
        .expect_err("the connection must be dropped");
    assert!(!err.is_status(), "{err}");
    assert_eq!(mock.complaints().len(), 1);
    assert_eq!(mock.counters().injected_resets, 1);

    // The bridge's recovery: look up by id_eksternal, or retry with the same key.
    mock.set_faults(Faults::default());
    let r = c
        .get(format!("{base}/laporan"))
        .query(&[("id_eksternal", "sambat:77")])
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["data"][0]["tracking_id"],
        mock.complaints()[0].tracking_id.as_str()
    );
    let r = create(&c, &base, &tok, "k-reset", &laporan("sambat:77")).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn injected_5xx_and_outage() {
    let mock = LaporMock::start(cfg()).await.unwrap();
    let base = mock.base_url();
    let c = Client::new();
    mock.set_faults(Faults {
        error_5xx_probability: 1.0,
        ..Faults::default()
    });
    let tok = token(&c, &base).await; // auth is exempt from injected 5xx
    for _ in 0..8 {
        let r = get(&c, format!("{base}/kategori"), &tok).await;
        assert!(r.status().is_server_error(), "{}", r.status());
        if r.status() == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(r.headers()["retry-after"], "1");
        }
    }
    assert_eq!(mock.counters().injected_5xx, 8);
    mock.set_faults(Faults::default());

    mock.set_down(true);
    let r = c
        .post(format!("{base}/auth/token"))
        .json(&json!({"client_id": "pemkot-malang", "client_secret": "rahasia-demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers()["retry-after"], "1");
    mock.set_down(false);
    assert_eq!(
        get(&c, format!("{base}/kategori"), &tok).await.status(),
        StatusCode::OK
    );
}

async fn read_feed(c: &Client, base: &str, tok: &str, batas: u32) -> (Vec<Value>, usize) {
    let mut all = Vec::new();
    let mut kursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut req = c
            .get(format!("{base}/pembaruan"))
            .bearer_auth(tok)
            .query(&[("batas", batas.to_string())]);
        if let Some(k) = &kursor {
            req = req.query(&[("kursor", k)]);
        }
        let v: Value = req.send().await.unwrap().json().await.unwrap();
        pages += 1;
        assert!(v["data"].as_array().unwrap().len() <= batas as usize);
        all.extend(v["data"].as_array().unwrap().iter().cloned());
        kursor = Some(v["kursor_berikut"].as_str().unwrap().to_string());
        if !v["ada_lagi"].as_bool().unwrap() {
            return (all, pages);
        }
        assert!(pages < 100, "feed never ends");
    }
}

#[tokio::test]
async fn feed_pages_cursors_and_duplicates() {
    let mock = LaporMock::start(cfg()).await.unwrap();
    let base = mock.base_url();
    let c = Client::new();
    let tok = token(&c, &base).await;
    for i in 0..5 {
        let r = create(
            &c,
            &base,
            &tok,
            &format!("k-{i}"),
            &laporan(&format!("sambat:{i}")),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let tracking: Vec<String> = mock
        .complaints()
        .iter()
        .map(|c| c.tracking_id.clone())
        .collect();
    assert!(mock.advance(&tracking[0], "terverifikasi", None));

    let (updates, pages) = read_feed(&c, &base, &tok, 2).await;
    assert_eq!(pages, 3);
    let ids: Vec<&str> = updates
        .iter()
        .map(|u| u["id_pembaruan"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["u-1", "u-2", "u-3", "u-4", "u-5", "u-6"]);
    assert_eq!(updates[5]["status"], "terverifikasi");
    assert_eq!(updates[5]["tracking_id"], tracking[0].as_str());
    assert_eq!(updates[5]["id_eksternal"], "sambat:0");

    // A cursor at the end stays valid and yields nothing new until something happens.
    let first: Value = get(&c, format!("{base}/pembaruan?batas=6"), &tok)
        .await
        .json()
        .await
        .unwrap();
    let end = first["kursor_berikut"].as_str().unwrap().to_string();
    let r: Value = get(&c, format!("{base}/pembaruan?kursor={end}"), &tok)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (r["data"].as_array().unwrap().len(), r["ada_lagi"].as_bool()),
        (0, Some(false))
    );
    assert!(mock.advance(
        &tracking[1],
        "ditolak",
        Some(("Bukan kewenangan Pemkot.", "Pemerintah Kota Malang"))
    ));
    let r: Value = get(&c, format!("{base}/pembaruan?kursor={end}"), &tok)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["data"][0]["tanggapan"]["oleh"], "Pemerintah Kota Malang");

    let r = get(&c, format!("{base}/pembaruan?kursor=c-bogus"), &tok).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "invalid_cursor");
    mock.forget_cursors();
    let r = get(&c, format!("{base}/pembaruan?kursor={end}"), &tok).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        get(&c, format!("{base}/pembaruan?batas=0"), &tok)
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );

    // At-least-once: re-deliveries, but every update arrives and the reader finishes.
    mock.inject_duplicate_updates(1.0);
    let (updates, _) = read_feed(&c, &base, &tok, 3).await;
    let unique: HashSet<&str> = updates
        .iter()
        .map(|u| u["id_pembaruan"].as_str().unwrap())
        .collect();
    assert_eq!(unique.len(), 7);
    assert!(updates.len() > unique.len(), "no duplicates were delivered");
}

#[tokio::test]
async fn lifecycle_steps_reach_final_statuses() {
    let mock = LaporMock::start(LaporMockConfig {
        lifecycle: Some(LifecycleConfig {
            tick: Duration::ZERO,
            advance_probability: 1.0,
            steps_min: 1,
            steps_max: 6,
        }),
        seed: 11,
        ..cfg()
    })
    .await
    .unwrap();
    let base = mock.base_url();
    let c = Client::new();
    let tok = token(&c, &base).await;
    for i in 0..40 {
        let mut body = laporan(&format!("sambat:{i}"));
        if i % 2 == 0 {
            body["instansi_id"] = json!(reference::INSTANSI_DISHUB);
            body["kategori_id"] = json!(reference::KATEGORI_PARKIR_LIAR);
        }
        assert_eq!(
            create(&c, &base, &tok, &format!("k-{i}"), &body)
                .await
                .status(),
            StatusCode::CREATED
        );
    }
    for _ in 0..6 {
        mock.step_lifecycle();
    }
    let finals = ["selesai", "ditolak", "diarsipkan"];
    let complaints = mock.complaints();
    for cpl in &complaints {
        assert!(
            finals.contains(&cpl.status.as_str()),
            "{} is {}",
            cpl.tracking_id,
            cpl.status
        );
    }
    let seen: HashSet<&str> = complaints.iter().map(|c| c.status.as_str()).collect();
    assert!(seen.contains("selesai") && seen.len() >= 2, "{seen:?}");

    let (updates, _) = read_feed(&c, &base, &tok, 500).await;
    assert_eq!(updates.len() as u64, mock.counters().updates_emitted);
    let order = [
        "belum_terverifikasi",
        "terverifikasi",
        "terdisposisi",
        "ditindaklanjuti",
        "selesai",
    ];
    for cpl in &complaints {
        let mine: Vec<&Value> = updates
            .iter()
            .filter(|u| u["tracking_id"] == cpl.tracking_id.as_str())
            .collect();
        assert!(mine.len() >= 2 && mine.len() <= 7);
        let ranks: Vec<usize> = mine
            .iter()
            .map(|u| {
                order
                    .iter()
                    .position(|s| u["status"] == *s)
                    .unwrap_or(order.len())
            })
            .collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
        for u in &mine {
            if u["status"] == "ditindaklanjuti" {
                assert!(u["tanggapan"]["isi"].as_str().is_some_and(|s| s.len() > 20));
            }
        }
        if mine.iter().any(|u| u["status"] == "ditindaklanjuti")
            && cpl.body["instansi_id"] == reference::INSTANSI_DISHUB
        {
            assert!(cpl
                .tindak_lanjut
                .iter()
                .any(|t| t["oleh"] == "Dinas Perhubungan Kota Malang"));
        }
    }
    let one = &complaints[0].tracking_id;
    let v: Value = get(&c, format!("{base}/laporan/{one}"), &tok)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], complaints[0].status.as_str());
}

#[tokio::test]
async fn advance_only_moves_forward() {
    let mock = LaporMock::start(cfg()).await.unwrap();
    let base = mock.base_url();
    let c = Client::new();
    let tok = token(&c, &base).await;
    create(&c, &base, &tok, "k", &laporan("sambat:1")).await;
    let t = mock.complaints()[0].tracking_id.clone();
    assert!(!mock.advance("0000000", "terverifikasi", None));
    assert!(mock.advance(&t, "terdisposisi", None));
    assert!(!mock.advance(&t, "terverifikasi", None));
    assert!(
        !mock.advance(&t, "ditolak", None),
        "ditolak happens at verification only"
    );
    assert!(
        mock.advance(&t, "ditindaklanjuti", None),
        "gets a generated tanggapan"
    );
    assert!(mock.advance(
        &t,
        "ditindaklanjuti",
        Some(("Perbaikan selesai minggu depan.", "DPUPRPKP"))
    ));
    assert!(mock.advance(&t, "selesai", None));
    assert!(!mock.advance(&t, "diarsipkan", None));
    let v: Value = get(&c, format!("{base}/laporan/{t}"), &tok)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["status"], "selesai");
    assert_eq!(v["tindak_lanjut"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["tindak_lanjut"][1]["isi"],
        "Perbaikan selesai minggu depan."
    );
}

#[tokio::test]
async fn admin_endpoints() {
    let mock = LaporMock::start(cfg()).await.unwrap();
    let root = format!("http://{}", mock.addr());
    let c = Client::new();
    let r = c
        .post(format!("{root}/_mock/faults"))
        .json(&json!({"error_5xx_probability": 1.0, "reset_after_create_probability": 0.0, "latency_ms": 0}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    let tok = token(&c, &mock.base_url()).await;
    assert!(get(&c, format!("{}/kategori", mock.base_url()), &tok)
        .await
        .status()
        .is_server_error());
    c.post(format!("{root}/_mock/down"))
        .json(&json!({"down": true}))
        .send()
        .await
        .unwrap();
    let r = get(&c, format!("{}/kategori", mock.base_url()), &tok).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let n: LaporCounters = c
        .get(format!("{root}/_mock/counters"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(n, mock.counters());
    assert_eq!((n.requests, n.tokens_issued, n.injected_5xx), (3, 1, 1));
    let all: Value = c
        .get(format!("{root}/_mock/laporan"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all, json!([]));
}

#[tokio::test]
async fn background_simulator_moves_complaints_on_its_own() {
    let mock = LaporMock::start(LaporMockConfig {
        lifecycle: Some(LifecycleConfig {
            tick: Duration::from_millis(10),
            advance_probability: 1.0,
            steps_min: 2,
            steps_max: 3,
        }),
        ..cfg()
    })
    .await
    .unwrap();
    let base = mock.base_url();
    let c = Client::new();
    let tok = token(&c, &base).await;
    create(&c, &base, &tok, "k", &laporan("sambat:1")).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let status = mock.complaints()[0].status.clone();
        if ["selesai", "ditolak", "diarsipkan"].contains(&status.as_str()) {
            break;
        }
        assert!(Instant::now() < deadline, "still {status}");
        tokio::time::sleep(Duration::from_millis(5)).await; // polling interval, not a sync point
    }
    assert!(mock.counters().updates_emitted >= 3);
    mock.shutdown().await;
}

#[tokio::test]
async fn reissued_updates_come_twice_with_new_ids_and_same_content() {
    let mock = LaporMock::start(cfg()).await.unwrap();
    let base = mock.base_url();
    let c = Client::new();
    let tok = token(&c, &base).await;
    mock.reissue_updates(1.0);
    for i in 0..2 {
        let r = create(
            &c,
            &base,
            &tok,
            &format!("k-{i}"),
            &laporan(&format!("sambat:{i}")),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let tracking = mock.complaints()[0].tracking_id.clone();
    let said = ("Lubang sudah ditambal.", "Dinas PUPR Kota Malang");
    assert!(mock.advance(&tracking, "ditindaklanjuti", Some(said)));

    let (feed, _) = read_feed(&c, &base, &tok, 100).await;
    let emitted = mock.feed_updates();
    let n = mock.counters();
    assert_eq!((n.updates_emitted, n.updates_reissued), (3, 3));
    assert_eq!(feed.len(), 6);
    assert_eq!(emitted.len(), 6);
    let ids: HashSet<&str> = emitted.iter().map(|u| u.id_pembaruan.as_str()).collect();
    assert_eq!(ids.len(), 6, "re-issued copies must have new ids");
    for pair in emitted.chunks(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert_ne!(a.id_pembaruan, b.id_pembaruan);
        let content = |u: &lapor_mocks::lapor::FeedUpdate| {
            let (t, e, s, g, w) = (
                &u.tracking_id,
                &u.id_eksternal,
                &u.status,
                &u.tanggapan,
                &u.waktu,
            );
            (t.clone(), e.clone(), s.clone(), g.clone(), w.clone())
        };
        assert_eq!(content(a), content(b));
    }
    assert_eq!(
        emitted[4].tanggapan,
        Some((said.0.to_string(), said.1.to_string()))
    );
    // The accessor shows exactly what the feed served.
    for (served, u) in feed.iter().zip(&emitted) {
        assert_eq!(served["id_pembaruan"], u.id_pembaruan.as_str());
        assert_eq!(served["status"], u.status.as_str());
        assert_eq!(served["waktu"], u.waktu.as_str());
        let t = u
            .tanggapan
            .as_ref()
            .map(|(isi, oleh)| json!({"isi": isi, "oleh": oleh}));
        assert_eq!(served["tanggapan"], t.unwrap_or(Value::Null));
    }
    // A re-issue is not a second response: the complaint has one tindak_lanjut entry.
    let looked: Value = get(&c, format!("{base}/laporan/{tracking}"), &tok)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(looked["tindak_lanjut"].as_array().unwrap().len(), 1);

    mock.reissue_updates(0.0);
    assert!(mock.advance(&tracking, "selesai", None));
    assert_eq!(mock.feed_updates().len(), 7);
}
