//! The dashboard loaded in headless Chromium from a running daemon (`lapor-bridge run`), in
//! Bahasa Indonesia (the default) and in English (`?lang=en`): the figures the page shows,
//! written each language's way, and the charts its script draws equal
//! `lapor-bridge report --format json`.

use crate::report_daemon::Daemon;
use crate::support::report_fixture as fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use jiff::Timestamp;
use lapor_bridge::time;
use lapor_mocks::lapor::{LaporMock, LaporMockConfig};

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");

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

/// A figure from the JSON report as the page writes it in `lang`, computed here from the JSON
/// (not by the library's formatter): `1.367`, `99,5%`, `0,13` in id; `1,367`, `99.5%`,
/// `0.13` in en.
struct Expect {
    id: bool,
}

impl Expect {
    fn int(&self, v: &serde_json::Value) -> String {
        let digits = v.as_u64().unwrap().to_string();
        let sep = if self.id { '.' } else { ',' };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }
    fn point(&self, s: String) -> String {
        if self.id {
            s.replace('.', ",")
        } else {
            s
        }
    }
    fn pct(&self, v: &serde_json::Value) -> String {
        self.point(format!("{:.1}%", v.as_f64().unwrap() * 100.0))
    }
    fn two(&self, v: &serde_json::Value) -> String {
        self.point(format!("{:.2}", v.as_f64().unwrap()))
    }
}

/// The page in one language against the JSON reports.
fn check_page(dom: &str, lang: &str, r: &serde_json::Value, sla: &serde_json::Value) {
    let e = Expect { id: lang == "id" };
    assert!(
        dom.contains(&format!("<html lang=\"{lang}\"")),
        "{lang}: {}",
        &dom[..dom.len().min(300)]
    );
    let t = &r["total"];
    for k in ["received", "forwarded", "responded", "closed", "rejected"] {
        assert_eq!(text_of(dom, "data-kpi", k), e.int(&t[k]), "{lang} {k}");
    }
    assert_eq!(
        text_of(dom, "data-kpi", "response_rate"),
        e.pct(&t["response_rate"]),
        "{lang}"
    );
    assert_eq!(
        text_of(dom, "data-kpi", "mean_response_days"),
        e.two(&t["mean_response_days"])
    );
    assert_eq!(
        text_of(dom, "data-kpi", "median_response_days"),
        e.two(&t["median_response_days"])
    );
    assert_eq!(
        text_of(dom, "data-kpi", "target_progress"),
        e.pct(&r["target"]["progress"])
    );

    // The charts were drawn by the page's script, from the same figures, with a value on
    // every bar and the language's words on the axes.
    let num = |k: &str| t[k].as_u64().unwrap().to_string();
    assert_eq!(
        attr_of(dom, "data-chart", "weekly", "data-rendered").as_deref(),
        Some("true"),
        "{lang}"
    );
    assert_eq!(
        attr_of(dom, "data-chart", "weekly", "data-total"),
        Some(num("received"))
    );
    assert!(
        attr_of(dom, "data-chart", "weekly", "data-bars")
            .unwrap()
            .parse::<u32>()
            .unwrap()
            > 20
    );
    assert_eq!(
        attr_of(dom, "data-chart", "response_times", "data-total"),
        Some(num("responded"))
    );
    assert!(dom.matches("<rect").count() > 20);
    assert!(dom.matches(r#"class="bar-label""#).count() > 20, "{lang}");
    let axis = if e.id {
        "minggu mulai Senin (WIB)"
    } else {
        "week starting Monday (WIB)"
    };
    assert!(dom.contains(axis), "{lang}: {axis}");
    assert!(!dom.contains("dash-"), "{lang}: a message id is shown");

    // The SLA figures equal `report sla` as of the same time.
    for rule in sla["rules"].as_array().unwrap() {
        let name = rule["rule"].as_str().unwrap();
        for state in ["at_risk", "breached"] {
            assert_eq!(
                text_of(dom, "data-sla", &format!("{name}.{state}")),
                e.int(&rule[state]),
                "{lang} {name}.{state}"
            );
        }
    }
    assert_eq!(
        attr_of(dom, "data-table", "sla_rules", "data-table").as_deref(),
        Some("sla_rules")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_in_chromium_shows_the_reports_figures_in_both_languages() {
    let browser = ensure_chromium();
    let dir = tempfile::tempdir().unwrap();
    let lapor = LaporMock::start(LaporMockConfig::default()).await.unwrap();
    let store = dir.path().join("bridge.db");
    drop(fixture::generate(
        &store,
        600,
        &time::format_wib(Timestamp::now()),
    ));
    // No [ui] section: the shipped default, Bahasa Indonesia.
    let daemon = Daemon::start(
        dir.path(),
        &lapor,
        &store,
        "[report]\nannual_target = 2920\n",
    )
    .await;

    let (from, to, as_of) = ("2024-01-01", "2024-06-30", "2024-07-31");
    let r = cli_json(
        &["--from", from, "--to", to, "--as-of", as_of],
        dir.path(),
        &store,
    );
    assert!(
        r["total"]["received"].as_u64().unwrap() > 500,
        "the fixture fills the period: {}",
        r["total"]
    );
    let sla = cli_json(&["sla", "--as-of", as_of], dir.path(), &store);
    let page = format!(
        "{}/dashboard?from={from}&to={to}&as_of={as_of}",
        daemon.admin
    );
    for (lang, url) in [("id", page.clone()), ("en", format!("{page}&lang=en"))] {
        let dom = chromium(
            &browser,
            &dir.path().join(format!("profile-{lang}")),
            &["--dump-dom".to_owned()],
            &url,
        )
        .await;
        check_page(&dom, lang, &r, &sla);
    }

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

    // The print view, printed: A4 landscape (842 × 595 pt), the period and when it was made.
    let pdf = dir.path().join("print.pdf");
    chromium(
        &browser,
        &dir.path().join("profile-pdf"),
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".to_owned(),
        ],
        &format!("{page}&print=1"),
    )
    .await;
    let bytes = std::fs::read(&pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let boxes: Vec<&str> = text
        .match_indices("/MediaBox")
        .map(|(i, _)| &text[i..i + 40])
        .collect();
    assert!(!boxes.is_empty(), "no page in the PDF");
    for b in &boxes {
        let nums: Vec<f64> = b["/MediaBox".len()..]
            .trim_start_matches([' ', '['])
            .split([' ', ']'])
            .filter_map(|n| n.parse().ok())
            .take(4)
            .collect();
        assert!(
            (nums[2] - 842.0).abs() < 2.0 && (nums[3] - 595.0).abs() < 2.0,
            "not A4 landscape: {b}"
        );
    }
    if let Ok(path) = std::env::var("LAPOR_BRIDGE_PRINT_SHOT") {
        // A4 landscape at 96 dpi: 1123 × 794 px.
        chromium(
            &browser,
            &dir.path().join("profile-print-shot"),
            &[
                format!("--screenshot={path}"),
                "--window-size=1123,1600".to_owned(),
                "--hide-scrollbars".to_owned(),
            ],
            &format!("{page}&print=1"),
        )
        .await;
    }

    // Retaking docs/dashboard-id.png: LAPOR_BRIDGE_SCREENSHOT=/path/to/dashboard-id.png.
    if let Ok(path) = std::env::var("LAPOR_BRIDGE_SCREENSHOT") {
        let url = format!("{}/dashboard?from={from}&to={to}", daemon.admin);
        chromium(
            &browser,
            &dir.path().join("profile-shot"),
            &[
                format!("--screenshot={path}"),
                // An Indonesian browser: the date inputs show dd/mm/yyyy.
                "--lang=id".to_owned(),
                "--window-size=1280,2000".to_owned(),
                "--hide-scrollbars".to_owned(),
            ],
            &url,
        )
        .await;
        assert!(std::fs::metadata(&path).unwrap().len() > 10_000);
    }
}
