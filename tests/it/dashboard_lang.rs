//! The dashboard page in-process (the admin router on a store, no daemon): Bahasa Indonesia by
//! default, English with `?lang=en`, an empty period said in words, the no-instansi row
//! explained, the print view; every text comes from the catalog (no message id shows).

use crate::support::report_fixture::Fixture;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use lapor_bridge::service::{admin, state::Shared};
use lapor_bridge::store::Store;
use tower::ServiceExt;

async fn get(shared: &std::sync::Arc<Shared>, path: &str) -> (StatusCode, String) {
    let app = admin::router(shared.clone());
    let res = app
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), 1 << 24)
        .await
        .unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// A store with three complaints in January 2024: two forwarded (one responded), one held.
fn shared(dir: &std::path::Path) -> std::sync::Arc<Shared> {
    let path = dir.join("bridge.db");
    let mut f = Fixture::create(&path);
    let a = f.record(
        "sambat",
        "a1",
        Some("2024-01-08 09:00:00"),
        "2024-01-08 09:00:00",
    );
    f.forwarded(a, "2024-01-08 09:05:00", 357301);
    f.update(Some(a), "terdisposisi", "status", "2024-01-08 10:00:00");
    f.update(
        Some(a),
        "ditindaklanjuti",
        "status_tanggapan",
        "2024-01-09 10:00:00",
    );
    let b = f.record(
        "callcenter",
        "b1",
        Some("2024-01-10 09:00:00"),
        "2024-01-10 09:00:00",
    );
    f.forwarded(b, "2024-01-10 09:05:00", 357302);
    let c = f.record(
        "sambat",
        "c1",
        Some("2024-01-11 09:00:00"),
        "2024-01-11 09:00:00",
    );
    f.held(c);
    drop(f);
    Shared::new(Store::open(&path).unwrap(), None)
}

/// No message id of the catalogs (`dash-…`) in place of a text.
fn no_message_ids(page: &str) {
    assert!(!page.contains("dash-"), "a message id is shown:\n{page}");
}

const PERIOD: &str = "from=2024-01-01&to=2024-01-31&as_of=2024-03-01";

#[tokio::test]
async fn the_page_is_indonesian_by_default_and_english_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let shared = shared(dir.path());

    let (status, id) = get(&shared, &format!("/dashboard?{PERIOD}")).await;
    assert_eq!(status, StatusCode::OK, "{id}");
    assert!(id.contains(r#"<html lang="id">"#), "{id}");
    assert!(
        id.contains("Periode: 1 Januari 2024 – 31 Januari 2024"),
        "{id}"
    );
    assert!(id.contains("Aduan diterima"));
    // The period's inputs are day first, whatever the browser's locale.
    assert!(id.contains(r#"name="from" value="01/01/2024""#), "{id}");
    assert!(id.contains(r#"name="to" value="31/01/2024""#));
    // The switch to English keeps the period.
    assert!(id.contains(
        r#"href="/dashboard?lang=en&amp;from=2024-01-01&amp;to=2024-01-31&amp;as_of=2024-03-01""#
    ));
    // 1 of 3 responded: 33,3% with a decimal comma.
    assert!(id.contains(r#"data-kpi="response_rate">33,3%<"#), "{id}");
    // The held complaint's row is named and explained.
    assert!(id.contains("(tanpa instansi) *"));
    assert!(id.contains(r#"data-note="no-instansi""#));
    assert!(id.contains("ditahan sebelum dipetakan"));
    // Weekly figures as a table, dates day first.
    assert!(id.contains(r#"data-table="weekly""#));
    assert!(id.contains("<td>08/01/2024</td>"), "{id}");
    // Bucket labels with a decimal comma, for the script and the table.
    assert!(id.contains("0–0,5"));
    assert!(!id.contains("Tidak ada data untuk periode ini"));
    no_message_ids(&id);

    let (status, en) = get(&shared, &format!("/dashboard?{PERIOD}&lang=en")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(en.contains(r#"<html lang="en">"#), "{en}");
    assert!(en.contains("Period: 1 January 2024 – 31 January 2024"));
    assert!(en.contains(r#"data-kpi="response_rate">33.3%<"#));
    assert!(en.contains("(no agency) *"));
    assert!(en.contains("<td>2024-01-08</td>"));
    assert!(en.contains(r#"<input type="date" lang="en" name="from" value="2024-01-01">"#));
    assert!(en.contains(r#"hreflang="id""#));
    no_message_ids(&en);

    // data.json keeps its English keys whatever the language.
    let (_, json) = get(&shared, &format!("/dashboard/data.json?{PERIOD}&lang=id")).await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["report"]["total"]["received"], 3);

    // What the Indonesian form sends back is the same period.
    let (status, again) = get(
        &shared,
        "/dashboard?lang=id&from=01%2F01%2F2024&to=31%2F01%2F2024&as_of=2024-03-01",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert!(again.contains("Periode: 1 Januari 2024 – 31 Januari 2024"));
    assert!(again.contains(r#"data-kpi="received">3<"#));

    let (status, body) = get(&shared, "/dashboard?lang=jv").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn an_empty_period_says_so_instead_of_empty_charts() {
    let dir = tempfile::tempdir().unwrap();
    let shared = shared(dir.path());
    let empty = "from=2023-03-01&to=2023-03-31&as_of=2024-03-01";

    let (_, id) = get(&shared, &format!("/dashboard?{empty}")).await;
    assert!(
        id.contains(r#"data-empty="period">Tidak ada data untuk periode ini<"#),
        "{id}"
    );
    for what in ["weekly", "response_times", "by_channel", "by_opd"] {
        assert!(
            id.contains(&format!(r#"data-empty="{what}""#)),
            "{what}: {id}"
        );
    }
    assert!(!id.contains(r#"data-chart="#), "no chart is drawn: {id}");

    let (_, en) = get(&shared, &format!("/dashboard?{empty}&lang=en")).await;
    assert!(en.contains(r#"data-empty="period">No data for this period<"#));
}

#[tokio::test]
async fn the_print_view_has_the_period_and_when_it_was_made() {
    let dir = tempfile::tempdir().unwrap();
    let shared = shared(dir.path());
    let (_, page) = get(&shared, &format!("/dashboard?{PERIOD}&print=1")).await;
    assert!(page.contains(r#"<body class="print">"#));
    assert!(page.contains(r#"data-action="print""#));
    assert!(!page.contains("<form"), "no inputs in the print view");
    assert!(page.contains("Periode: 1 Januari 2024 – 31 Januari 2024"));
    // "Dibuat 2 Desember 2026 pukul 14.05 WIB".
    let made = page.split("data-made-at=").nth(1).unwrap();
    let text = &made[made.find('>').unwrap() + 1..made.find("</span>").unwrap()];
    assert!(
        text.starts_with("Dibuat ") && text.contains(" pukul ") && text.ends_with(" WIB"),
        "{text}"
    );
    // The weekly table is open for printing.
    assert!(page.contains(r#"<details class="values" open>"#));
    // The stylesheet sets the page to A4 landscape.
    let (_, css) = get(&shared, "/dashboard/dashboard.css").await;
    assert!(css.contains("@page { size: A4 landscape"));
    assert!(css.contains("@media print"));
}

/// Acceptance: `lapor-bridge run --config config/demo.toml` (no `[ui]` section) serves the
/// dashboard in Bahasa Indonesia. The store and the admin port come from the environment, as
/// the demo sets them; LAPOR! and SAMBAT are unreachable, which the page does not need.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_configuration_serves_an_indonesian_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    let port = crate::common::free_port();
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/config/demo.toml");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lapor-bridge"))
        .args(["run", "--config", config])
        .current_dir(dir.path())
        .env("LAPOR_BRIDGE__STORE__PATH", dir.path().join("demo.db"))
        .env("LAPOR_BRIDGE__ADMIN__LISTEN", format!("127.0.0.1:{port}"))
        .env_remove("LAPOR_BRIDGE_LANG")
        .env_remove("LAPOR_BRIDGE__UI__LANGUAGE")
        .env_remove("NOTIFY_SOCKET")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/dashboard");
    let end = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let page = loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "lapor-bridge run exited"
        );
        if let Ok(r) = reqwest::get(&url).await {
            if r.status().is_success() {
                break r.text().await.unwrap();
            }
        }
        assert!(
            std::time::Instant::now() < end,
            "the dashboard never answered"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        page.starts_with(r#"<!doctype html><html lang="id">"#),
        "{page}"
    );
    assert!(page.contains("Angka utama"));
}
