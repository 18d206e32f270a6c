//! The report features of a running daemon (`lapor-bridge run` as a child process, admin
//! listener on loopback): SLA alerts posted to a webhook once per complaint, rule and level,
//! and the SLA metrics. The dashboard in headless Chromium: `dashboard_chromium.rs`.

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

/// A forwarding time whose 3-working-day verification is at risk now (with the margin of
/// [`RISK_MARGIN`] days) and stays so for at least an hour: found by asking the calendar, so
/// the test holds on any day. The at-risk spell runs from one working day's end to another's;
/// with a margin of 1 it is a single day, and in the hour either side of a midnight between
/// two working days no start fits (the test failed at 00:15 WIB); two days always leave one.
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
        let c = &evaluate(&t, cal, RISK_MARGIN, now)[0];
        let hour = jiff::SignedDuration::from_hours(1);
        if c.state == SlaState::AtRisk && c.at_risk_from <= now - hour && c.deadline >= now + hour {
            return start;
        }
    }
    panic!("no at-risk start found in 30 days");
}

/// The test daemon's `report.at_risk_margin_days`.
const RISK_MARGIN: u32 = 2;

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
        "[report]\nat_risk_margin_days = {RISK_MARGIN}\n[report.sla_webhook]\nurl = \"{url}\"\nsecret = {{ value = \"{HOOK_SECRET}\" }}\ncheck_interval_secs = 1\n"
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
