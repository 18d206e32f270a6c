//! The report features of a running daemon (`lapor-bridge run` as a child process, admin
//! listener on loopback): SLA alerts posted to a webhook once per complaint, rule and level,
//! the SLA metrics, and the dashboard in headless Chromium.

use crate::common;
use crate::support::report_fixture as fixture;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use jiff::Timestamp;
use lapor_bridge::report::sla::{evaluate, Rule, State as SlaState};
use lapor_bridge::report::timeline::Timeline;
use lapor_bridge::report::Calendar;
use lapor_bridge::time;
use lapor_mocks::lapor::{LaporMock, LaporMockConfig};

use fixture::{plus_minutes, Fixture};

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");
const HOOK_SECRET: &str = "rahasia-sla";

pub struct Daemon {
    child: Child,
    pub admin: String,
    log: PathBuf,
}

impl Daemon {
    /// Starts `lapor-bridge run` on `store` against the LAPOR! mock, with no channels, and
    /// waits for its admin listener.
    pub async fn start(dir: &Path, lapor: &LaporMock, store: &Path, report_toml: &str) -> Daemon {
        let port = common::free_port();
        let config = dir.join("bridge.toml");
        std::fs::write(
            &config,
            format!(
                r#"mode = "live"
[store]
path = "{store}"
[logging]
format = "text"
level = "info,lapor_bridge::report=debug"
[lapor]
base_url = "{lapor}"
client_id = "pemkot-malang"
client_secret = {{ value = "rahasia-demo" }}
[admin]
listen = "127.0.0.1:{port}"
{report_toml}
"#,
                store = store.display(),
                lapor = lapor.base_url(),
            ),
        )
        .unwrap();
        let log = dir.join("daemon.log");
        let child = Command::new(BIN)
            .args(["run", "--config"])
            .arg(&config)
            .env_remove("RUST_LOG")
            .env_remove("JOURNAL_STREAM")
            .env_remove("NOTIFY_SOCKET")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start lapor-bridge run");
        let mut d = Daemon {
            child,
            admin: format!("http://127.0.0.1:{port}"),
            log,
        };
        let end = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(s) = d.child.try_wait().unwrap() {
                panic!("lapor-bridge exited ({s}); log:\n{}", d.log());
            }
            if let Ok(r) = reqwest::get(format!("{}/healthz", d.admin)).await {
                if r.status().is_success() {
                    break;
                }
            }
            assert!(
                Instant::now() < end,
                "admin listener never answered; log:\n{}",
                d.log()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        d
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub async fn get(&self, path: &str) -> String {
        let r = reqwest::get(format!("{}{path}", self.admin)).await.unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.text().await.unwrap()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub async fn wait_for(what: &str, within: Duration, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + within;
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A forwarding time whose 3-working-day verification is at risk now and stays so for at
/// least an hour: found by asking the calendar, so the test holds on any day.
fn at_risk_start(cal: &Calendar, now: Timestamp) -> Timestamp {
    for hours in 1..(24 * 30) {
        let start = now - jiff::SignedDuration::from_hours(hours);
        let t = Timeline {
            record_id: 0,
            channel: String::new(),
            local_id: String::new(),
            tracking_id: None,
            reported_at: start,
            forwarded_at: Some(start),
            instansi_id: None,
            statuses: Vec::new(),
            responses: Vec::new(),
            current: None,
        };
        let c = &evaluate(&t, cal, 1, now)[0];
        let hour = jiff::SignedDuration::from_hours(1);
        if c.state == SlaState::AtRisk && c.at_risk_from <= now - hour && c.deadline >= now + hour {
            return start;
        }
    }
    panic!("no at-risk start found in 30 days");
}

type Posts = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A webhook receiver that records every post and fails the first one for `fail_local_id`.
async fn receiver(fail_local_id: &'static str) -> (String, Posts) {
    let posts: Posts = Arc::default();
    async fn hook(
        State((posts, fail)): State<(Posts, &'static str)>,
        headers: HeaderMap,
        body: String,
    ) -> StatusCode {
        let mut p = posts.lock().unwrap();
        let first_for_fail = body.contains(&format!("\"local_id\":\"{fail}\""))
            && !p
                .iter()
                .any(|(_, b)| b.contains(&format!("\"local_id\":\"{fail}\"")));
        p.push((headers, body));
        if first_for_fail {
            StatusCode::INTERNAL_SERVER_ERROR
        } else {
            StatusCode::NO_CONTENT
        }
    }
    let app = Router::new()
        .route("/sla", post(hook))
        .with_state((posts.clone(), fail_local_id));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sla", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, posts)
}

fn metric(text: &str, name: &str, labels: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(&format!("{name}{{{labels}}} ")))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread")]
async fn sla_alerts_are_posted_once_per_complaint_rule_and_level() {
    let dir = tempfile::tempdir().unwrap();
    let lapor = LaporMock::start(LaporMockConfig::default()).await.unwrap();
    let (url, posts) = receiver("risk").await;
    let store = dir.path().join("bridge.db");

    let now = Timestamp::now();
    let now_wib = time::format_wib(now);
    let cal = Calendar::shipped();
    let mut f = Fixture::create(&store);
    // Forwarded 30 days ago, never verified: verifikasi breached.
    let old = plus_minutes(&now_wib, -30 * 1440);
    let a = f.record("sambat", "late-verify", Some(&old), &old);
    f.forwarded(a, &old, 357301);
    // Disposed 40 days ago, no follow-up: verifikasi met, tindak_lanjut breached.
    let older = plus_minutes(&now_wib, -41 * 1440);
    let b = f.record("sambat", "no-follow-up", Some(&older), &older);
    f.forwarded(b, &older, 357302);
    f.update(Some(b), "terdisposisi", "status", &plus_minutes(&older, 60));
    // Verifikasi at risk now. The receiver fails its first post.
    let risk = time::format_wib(at_risk_start(&cal, now));
    let c = f.record("callcenter", "risk", Some(&risk), &risk);
    f.forwarded(c, &risk, 357301);
    // Answered and closed in time: nothing to post.
    let fine = plus_minutes(&now_wib, -20 * 1440);
    let d = f.record("sambat", "fine", Some(&fine), &fine);
    f.forwarded(d, &fine, 357301);
    f.update(Some(d), "terdisposisi", "status", &plus_minutes(&fine, 60));
    f.update(
        Some(d),
        "ditindaklanjuti",
        "status_tanggapan",
        &plus_minutes(&fine, 120),
    );
    f.update(Some(d), "selesai", "status", &plus_minutes(&fine, 180));
    drop(f);

    let report_toml = format!(
        "[report]\n[report.sla_webhook]\nurl = \"{url}\"\nsecret = {{ value = \"{HOOK_SECRET}\" }}\ncheck_interval_secs = 1\n"
    );
    let daemon = Daemon::start(dir.path(), &lapor, &store, &report_toml).await;

    // Three alerts, plus the retry of the one that failed.
    wait_for("4 posts", Duration::from_secs(30), || {
        posts.lock().unwrap().len() >= 4
    })
    .await;
    // Two more complete rounds of the watch after that: nothing may be posted again.
    let rounds = |d: &Daemon| d.log().matches("SLA watch checked").count();
    let seen = rounds(&daemon);
    wait_for("two more SLA rounds", Duration::from_secs(30), || {
        rounds(&daemon) >= seen + 2
    })
    .await;

    let posts = posts.lock().unwrap().clone();
    assert_eq!(posts.len(), 4, "{posts:#?}");
    let mut keys: Vec<(String, String, String)> = Vec::new();
    for (headers, body) in &posts {
        let ts: i64 = headers["x-timestamp"].to_str().unwrap().parse().unwrap();
        let want = lapor_bridge::wire::webhook::sign(HOOK_SECRET.as_bytes(), ts, body.as_bytes());
        assert_eq!(headers["x-signature"].to_str().unwrap(), want);
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["event"], "sla_alert");
        keys.push((
            v["local_id"].as_str().unwrap().into(),
            v["rule"].as_str().unwrap().into(),
            v["level"].as_str().unwrap().into(),
        ));
    }
    keys.sort();
    assert_eq!(
        keys,
        [
            ("late-verify".into(), "verifikasi".into(), "breached".into()),
            (
                "no-follow-up".into(),
                "tindak_lanjut".into(),
                "breached".into()
            ),
            ("risk".into(), "verifikasi".into(), "at_risk".into()),
            ("risk".into(), "verifikasi".into(), "at_risk".into()),
        ]
    );

    let m = daemon.get("/metrics").await;
    let open = |rule: Rule, state: &str| {
        metric(
            &m,
            "lapor_bridge_sla_open_checks",
            &format!("rule=\"{}\",state=\"{state}\"", rule.as_str()),
        )
    };
    assert_eq!(open(Rule::Verifikasi, "breached"), Some(1.0), "{m}");
    assert_eq!(open(Rule::Verifikasi, "at_risk"), Some(1.0), "{m}");
    assert_eq!(open(Rule::TindakLanjut, "breached"), Some(1.0), "{m}");
    assert_eq!(
        metric(&m, "lapor_bridge_sla_alerts", "state=\"posted\""),
        Some(3.0),
        "{m}"
    );
    assert_eq!(
        metric(&m, "lapor_bridge_sla_alerts", "state=\"pending\""),
        Some(0.0),
        "{m}"
    );
    assert_eq!(
        metric(
            &m,
            "lapor_bridge_sla_completed_checks_total",
            "rule=\"penutupan\",result=\"met\""
        ),
        Some(1.0),
        "{m}"
    );
}

/// Runs `scripts/ensure-chromium.sh` (installs Debian's chromium when missing) and returns
/// the browser's path.
fn ensure_chromium() -> PathBuf {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/ensure-chromium.sh");
    let out = Command::new("sh")
        .arg(script)
        .output()
        .expect("run ensure-chromium.sh");
    assert!(
        out.status.success(),
        "ensure-chromium.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// Headless Chromium on `url` with `extra` arguments (`--dump-dom`, `--screenshot=…`);
/// returns stdout. Killed after two minutes.
async fn chromium(browser: &Path, profile: &Path, extra: &[String], url: &str) -> String {
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--virtual-time-budget=10000",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.extend(extra.iter().cloned());
    args.push(url.to_owned());
    let mut child = tokio::process::Command::new(browser)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start chromium");
    let stdout = child.stdout.take().unwrap();
    let read = tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        let mut s = String::new();
        let mut stdout = stdout;
        let _ = stdout.read_to_string(&mut s).await;
        s
    });
    let status = tokio::time::timeout(Duration::from_secs(120), child.wait())
        .await
        .expect("chromium finished within 2 minutes")
        .unwrap();
    assert!(status.success(), "chromium failed: {status}");
    read.await.unwrap()
}

/// The text of the element with `attr="value"` (up to the next `<`).
fn text_of(dom: &str, attr: &str, value: &str) -> String {
    let needle = format!("{attr}=\"{value}\"");
    let at = dom
        .find(&needle)
        .unwrap_or_else(|| panic!("no {needle} in the page"));
    let rest = &dom[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap() + start;
    rest[start..end].trim().to_owned()
}

/// An attribute of the element that has `attr="value"`.
fn attr_of(dom: &str, attr: &str, value: &str, wanted: &str) -> Option<String> {
    let needle = format!("{attr}=\"{value}\"");
    let at = dom.find(&needle)?;
    let tag_start = dom[..at].rfind('<')?;
    let tag = &dom[tag_start..at + dom[at..].find('>')?];
    let key = format!("{wanted}=\"");
    let v = &tag[tag.find(&key)? + key.len()..];
    Some(v[..v.find('"')?].to_owned())
}

fn cli_json(args: &[&str], dir: &Path, store: &Path) -> serde_json::Value {
    let out = Command::new(BIN)
        .arg("report")
        .args(args)
        .arg("--config")
        .arg(dir.join("bridge.toml"))
        .arg("--store")
        .arg(store)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_in_chromium_shows_the_reports_figures() {
    let browser = ensure_chromium();
    let dir = tempfile::tempdir().unwrap();
    let lapor = LaporMock::start(LaporMockConfig::default()).await.unwrap();
    let store = dir.path().join("bridge.db");
    drop(fixture::generate(
        &store,
        600,
        &time::format_wib(Timestamp::now()),
    ));
    let daemon = Daemon::start(
        dir.path(),
        &lapor,
        &store,
        "[report]\nannual_target = 2920\n",
    )
    .await;

    let (from, to, as_of) = ("2024-01-01", "2024-06-30", "2024-07-31");
    let url = format!(
        "{}/dashboard?from={from}&to={to}&as_of={as_of}",
        daemon.admin
    );
    let dom = chromium(
        &browser,
        &dir.path().join("profile"),
        &["--dump-dom".to_owned()],
        &url,
    )
    .await;

    let r = cli_json(
        &["--from", from, "--to", to, "--as-of", as_of],
        dir.path(),
        &store,
    );
    let t = &r["total"];
    let num = |k: &str| t[k].as_u64().unwrap().to_string();
    let pct = |v: &serde_json::Value| format!("{:.1}%", v.as_f64().unwrap() * 100.0);
    let two = |v: &serde_json::Value| format!("{:.2}", v.as_f64().unwrap());
    assert!(
        t["received"].as_u64().unwrap() > 500,
        "the fixture fills the period: {t}"
    );
    for k in ["received", "forwarded", "responded", "closed", "rejected"] {
        assert_eq!(text_of(&dom, "data-kpi", k), num(k), "{k}");
    }
    assert_eq!(
        text_of(&dom, "data-kpi", "response_rate"),
        pct(&t["response_rate"])
    );
    assert_eq!(
        text_of(&dom, "data-kpi", "mean_response_days"),
        two(&t["mean_response_days"])
    );
    assert_eq!(
        text_of(&dom, "data-kpi", "median_response_days"),
        two(&t["median_response_days"])
    );
    assert_eq!(
        text_of(&dom, "data-kpi", "target_progress"),
        pct(&r["target"]["progress"])
    );

    // The charts were drawn by the page's script, from the same figures.
    assert_eq!(
        attr_of(&dom, "data-chart", "weekly", "data-rendered").as_deref(),
        Some("true")
    );
    assert_eq!(
        attr_of(&dom, "data-chart", "weekly", "data-total"),
        Some(num("received"))
    );
    assert!(
        attr_of(&dom, "data-chart", "weekly", "data-bars")
            .unwrap()
            .parse::<u32>()
            .unwrap()
            > 20
    );
    assert_eq!(
        attr_of(&dom, "data-chart", "response_times", "data-total"),
        Some(num("responded"))
    );
    assert!(dom.matches("<rect").count() > 20);

    // The SLA figures equal `report sla` as of the same time.
    let sla = cli_json(&["sla", "--as-of", as_of], dir.path(), &store);
    for rule in sla["rules"].as_array().unwrap() {
        let name = rule["rule"].as_str().unwrap();
        for state in ["at_risk", "breached"] {
            assert_eq!(
                text_of(&dom, "data-sla", &format!("{name}.{state}")),
                rule[state].as_u64().unwrap().to_string(),
                "{name}.{state}"
            );
        }
    }
    assert_eq!(
        attr_of(&dom, "data-table", "sla_rules", "data-table").as_deref(),
        Some("sla_rules")
    );

    // data.json carries the very report `report --format json` prints.
    let data: serde_json::Value = serde_json::from_str(
        &daemon
            .get(&format!(
                "/dashboard/data.json?from={from}&to={to}&as_of={as_of}"
            ))
            .await,
    )
    .unwrap();
    assert_eq!(data["report"], r);
    assert_eq!(data["sla"], sla);
    // A bad query is refused, not shown as an empty report.
    let bad = reqwest::get(format!("{}/dashboard?from=2024-13-01", daemon.admin))
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);

    // Retaking docs/dashboard.png: LAPOR_BRIDGE_SCREENSHOT=/path/to/dashboard.png.
    if let Ok(path) = std::env::var("LAPOR_BRIDGE_SCREENSHOT") {
        let url = format!("{}/dashboard?from={from}&to={to}", daemon.admin);
        chromium(
            &browser,
            &dir.path().join("profile-shot"),
            &[
                format!("--screenshot={path}"),
                "--window-size=1280,1800".to_owned(),
                "--hide-scrollbars".to_owned(),
            ],
            &url,
        )
        .await;
        assert!(std::fs::metadata(&path).unwrap().len() > 10_000);
    }
}
