//! The SAMBAT mock over real HTTP on loopback.

use std::collections::HashSet;

use lapor_mocks::sambat::{
    SambatCounters, SambatFaults, SambatMock, SambatMockConfig, KATEGORI, OPD,
};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const KEY: &str = "sambat-demo-key";

fn cfg() -> SambatMockConfig {
    SambatMockConfig {
        initial_records: 0,
        seed: 7,
        ..SambatMockConfig::default()
    }
}

async fn page(c: &Client, mock: &SambatMock, sejak: &str, halaman: usize, per: usize) -> Value {
    let r = c
        .get(format!("{}/api/aduan", mock.base_url()))
        .header("X-API-Key", KEY)
        .query(&[
            ("diperbarui_sejak", sejak.to_string()),
            ("halaman", halaman.to_string()),
            ("per_halaman", per.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// Every record changed since `sejak`, walking all pages.
async fn poll_all(c: &Client, mock: &SambatMock, sejak: &str, per: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut halaman = 1;
    loop {
        let v = page(c, mock, sejak, halaman, per).await;
        assert_eq!(v["halaman"], halaman);
        out.extend(v["data"].as_array().unwrap().iter().cloned());
        if halaman >= v["total_halaman"].as_u64().unwrap() as usize {
            return out;
        }
        halaman += 1;
    }
}

#[tokio::test]
async fn api_key_required() {
    let mock = SambatMock::start(cfg()).await.unwrap();
    let c = Client::new();
    let url = format!("{}/api/aduan", mock.base_url());
    assert_eq!(
        c.get(&url).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let r = c
        .get(&url)
        .header("X-API-Key", "salah")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = c
        .post(format!("{url}/1/tanggapan"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(mock.counters().unauthorized, 3);
}

#[tokio::test]
async fn inclusive_paging_with_many_records_per_second() {
    let mock = SambatMock::start(cfg()).await.unwrap();
    let c = Client::new();
    mock.set_clock("2024-07-29 08:15:00");
    let ids = mock.add_generated(60);
    assert_eq!(ids.len(), 60);

    let all = poll_all(&c, &mock, "2024-07-29 00:00:00", 7).await;
    let got: Vec<i64> = all.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(
        got.iter().collect::<HashSet<_>>().len(),
        60,
        "each record exactly once"
    );
    let keys: Vec<(String, i64)> = all
        .iter()
        .map(|r| {
            (
                r["diperbarui"].as_str().unwrap().to_string(),
                r["id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "ordered by diperbarui, id"
    );
    assert!(keys.last().unwrap().0.as_str() <= "2024-07-29 08:15:00");

    // Pick a second shared by several records: `sejak` equal to it must include them all.
    let mut by_second = std::collections::BTreeMap::<String, usize>::new();
    for (s, _) in &keys {
        *by_second.entry(s.clone()).or_default() += 1;
    }
    let (shared_second, n_same) = by_second
        .iter()
        .find(|(_, n)| **n >= 2)
        .expect("a shared second");
    let expected = keys.iter().filter(|(s, _)| s >= shared_second).count();
    let since = poll_all(&c, &mock, shared_second, 100).await;
    assert_eq!(since.len(), expected);
    assert_eq!(
        since
            .iter()
            .filter(|r| r["diperbarui"] == shared_second.as_str())
            .count(),
        *n_same
    );

    // New records never land before what a poller has already seen.
    let newest = keys.last().unwrap().0.clone();
    let more = mock.add_generated(10);
    let after = poll_all(&c, &mock, &newest, 100).await;
    let after_ids: HashSet<i64> = after.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(more.iter().all(|id| after_ids.contains(id)));

    let first = page(&c, &mock, "2024-07-29 00:00:00", 1, 100).await;
    assert_eq!(first["total_halaman"], 1);
    let past = page(&c, &mock, "2024-07-29 00:00:00", 5, 100).await;
    assert_eq!(past["data"], json!([]));
    let none = page(&c, &mock, "2030-01-01 00:00:00", 1, 10).await;
    assert_eq!(
        (none["data"].clone(), none["total_halaman"].clone()),
        (json!([]), json!(1))
    );
}

#[tokio::test]
async fn bad_query_parameters() {
    let mock = SambatMock::start(cfg()).await.unwrap();
    let c = Client::new();
    let url = format!("{}/api/aduan", mock.base_url());
    for q in [
        vec![("diperbarui_sejak", "2024-07-29T08:15:00")],
        vec![("diperbarui_sejak", "29/07/2024 08:15:00")],
        vec![
            ("diperbarui_sejak", "2024-07-29 08:15:00"),
            ("per_halaman", "0"),
        ],
        vec![
            ("diperbarui_sejak", "2024-07-29 08:15:00"),
            ("per_halaman", "101"),
        ],
        vec![
            ("diperbarui_sejak", "2024-07-29 08:15:00"),
            ("halaman", "0"),
        ],
    ] {
        let r = c
            .get(&url)
            .header("X-API-Key", KEY)
            .query(&q)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{q:?}");
    }
}

#[tokio::test]
async fn write_back_created_duplicate_not_found() {
    let mock = SambatMock::start(cfg()).await.unwrap();
    let c = Client::new();
    mock.set_clock("2024-07-29 08:15:00");
    let id = mock.insert(json!({
        "judul": "", "isi": "Lapor, lampu PJU di Jl. Ijen mati sudah dua minggu mohon dicek.",
        "kategori": "Penerangan Jalan", "opd": "DPUPRPKP", "kecamatan": "Klojen", "kelurahan": "Kauman",
        "alamat": "Jl. Ijen", "pelapor": null, "anonim": true, "rahasia": false, "foto": []
    }));
    let rec = &mock.records()[0];
    assert_eq!(
        (
            rec["id"].as_i64(),
            rec["diperbarui"].as_str(),
            rec["status"].as_str()
        ),
        (Some(id), Some("2024-07-29 08:15:00"), Some("baru"))
    );

    mock.set_clock("2024-07-30 10:00:00");
    let body = json!({"status": "diproses", "isi": "Tim PJU sudah menjadwalkan penggantian lampu.", "sumber": "SP4N-LAPOR!",
        "tracking_id": "5010001", "waktu": "2024-07-30T09:59:00+07:00"});
    let url = format!("{}/api/aduan/{id}/tanggapan", mock.base_url());
    let r = c
        .post(&url)
        .header("X-API-Key", KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let rec = &mock.records()[0];
    assert_eq!(
        (rec["status"].as_str(), rec["diperbarui"].as_str()),
        (Some("diproses"), Some("2024-07-30 10:00:00"))
    );

    // The bridge's own write-back makes the record show up again as changed.
    let changed = poll_all(&c, &mock, "2024-07-30 10:00:00", 10).await;
    assert_eq!(changed.len(), 1);

    let r = c
        .post(&url)
        .header("X-API-Key", KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let mut other = body.clone();
    other["status"] = json!("selesai");
    let r = c
        .post(&url)
        .header("X-API-Key", KEY)
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = c
        .post(format!("{}/api/aduan/999999/tanggapan", mock.base_url()))
        .header("X-API-Key", KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let mut bad = body.clone();
    bad["status"] = json!("terverifikasi");
    let r = c
        .post(&url)
        .header("X-API-Key", KEY)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let wb = mock.writebacks();
    assert_eq!(wb.len(), 2);
    assert_eq!(
        (
            wb[0].aduan_id,
            wb[0].tracking_id.as_str(),
            wb[0].sumber.as_str()
        ),
        (id, "5010001", "SP4N-LAPOR!")
    );
    assert_eq!(wb[0].received_at, "2024-07-30T10:00:00+07:00");
    assert_eq!(
        mock.counters(),
        SambatCounters {
            list_requests: 1,
            unauthorized: 0,
            injected_5xx: 0,
            writebacks: 2,
            writeback_duplicates: 1,
            writeback_not_found: 1
        }
    );

    mock.set_faults(SambatFaults {
        writeback_5xx_probability: 1.0,
        ..SambatFaults::default()
    });
    other["isi"] = json!("Lampu sudah menyala kembali.");
    let r = c
        .post(&url)
        .header("X-API-Key", KEY)
        .json(&other)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_server_error());
    assert_eq!(mock.writebacks().len(), 2);
}

#[tokio::test]
async fn admin_edit_bumps_diperbarui() {
    let mock = SambatMock::start(cfg()).await.unwrap();
    mock.set_clock("2024-07-29 08:15:00");
    let ids = mock.add_generated(3);
    mock.set_clock("2024-07-29 09:00:00");
    assert!(mock.edit(ids[1], |r| {
        r.insert("alamat".into(), json!("Jl. Kawi No. 3"));
    }));
    assert!(!mock.edit(424242, |_| {}));
    let c = Client::new();
    let changed = poll_all(&c, &mock, "2024-07-29 08:59:59", 10).await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["id"], ids[1]);
    assert_eq!(changed[0]["alamat"], "Jl. Kawi No. 3");
    assert_eq!(changed[0]["diperbarui"], "2024-07-29 09:00:00");
    assert_ne!(changed[0]["dibuat"], changed[0]["diperbarui"]);
}

#[tokio::test]
async fn generation_is_deterministic_and_realistic() {
    let a = SambatMock::start(cfg()).await.unwrap();
    let b = SambatMock::start(cfg()).await.unwrap();
    for m in [&a, &b] {
        m.set_clock("2024-07-29 08:15:00");
        m.add_generated(200);
    }
    let ra = a.records();
    assert_eq!(ra, b.records());
    let empty_judul = ra.iter().filter(|r| r["judul"] == "").count();
    let anonim = ra.iter().filter(|r| r["anonim"] == true).count();
    assert!((10..=60).contains(&empty_judul), "{empty_judul}");
    assert!((15..=70).contains(&anonim), "{anonim}");
    for r in &ra {
        assert!(KATEGORI.contains(&r["kategori"].as_str().unwrap()));
        assert!(OPD.contains(&r["opd"].as_str().unwrap()));
        assert!(r["isi"].as_str().unwrap().chars().count() >= 40);
        if r["anonim"] == true {
            assert!(r["pelapor"].is_null() || r["pelapor"]["nama"] == "");
        }
    }
    assert!(ra.iter().any(|r| r["foto"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f.as_str().unwrap().ends_with(".heic"))));

    // Admin view over HTTP.
    let c = Client::new();
    let root = a.base_url();
    let v: Value = c
        .post(format!("{root}/_mock/generate"))
        .json(&json!({"n": 5}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["ids"].as_array().unwrap().len(), 5);
    let recs: Vec<Value> = c
        .get(format!("{root}/_mock/records"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(recs.len(), 205);
    let n: SambatCounters = c
        .get(format!("{root}/_mock/counters"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(n, a.counters());
}

#[tokio::test]
async fn initial_records_and_real_clock() {
    let mock = SambatMock::start(SambatMockConfig {
        initial_records: 25,
        ..cfg()
    })
    .await
    .unwrap();
    let c = Client::new();
    let all = poll_all(&c, &mock, "2000-01-01 00:00:00", 10).await;
    assert_eq!(all.len(), 25);
    let newest = all.last().unwrap()["diperbarui"]
        .as_str()
        .unwrap()
        .to_string();
    let more = mock.add_generated(4);
    let after: HashSet<i64> = poll_all(&c, &mock, &newest, 100)
        .await
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert!(more.iter().all(|id| after.contains(id)));
    mock.shutdown().await;
}
