//! The real `lapor-bridge run` process under a fake systemd: a NOTIFY_SOCKET datagram socket
//! the test reads, WATCHDOG_USEC, and real signals. No sleeps as synchronisation: every wait
//! is for a condition, with a deadline.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{counts, open_store, wait_for, Env};
use lapor_mocks::lapor::{Faults, LaporMockConfig};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// What the daemon sent on NOTIFY_SOCKET, in order, with arrival times.
#[derive(Clone, Default)]
struct Notes(Arc<Mutex<Vec<(Instant, String)>>>);

impl Notes {
    fn listen(path: &Path) -> Notes {
        let sock = UnixDatagram::bind(path).expect("bind NOTIFY_SOCKET");
        sock.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let notes = Notes::default();
        let n = notes.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 65536];
            loop {
                match sock.recv(&mut buf) {
                    Ok(len) => {
                        let msg = String::from_utf8_lossy(&buf[..len]).into_owned();
                        let now = Instant::now();
                        let mut v = n.0.lock().unwrap();
                        for line in msg.lines() {
                            v.push((now, line.to_owned()));
                        }
                    }
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) =>
                    {
                        if Arc::strong_count(&n.0) == 1 {
                            return;
                        }
                    }
                    Err(_) => return,
                }
            }
        });
        notes
    }

    fn all(&self) -> Vec<(Instant, String)> {
        self.0.lock().unwrap().clone()
    }

    fn count(&self, line: &str) -> usize {
        self.all().iter().filter(|(_, l)| l == line).count()
    }

    fn index_of(&self, line: &str) -> Option<usize> {
        self.all().iter().position(|(_, l)| l == line)
    }

    fn last(&self, line: &str) -> Option<Instant> {
        self.all()
            .iter()
            .rev()
            .find(|(_, l)| l == line)
            .map(|(t, _)| *t)
    }

    fn statuses(&self) -> Vec<String> {
        self.all()
            .into_iter()
            .filter_map(|(_, l)| l.strip_prefix("STATUS=").map(str::to_owned))
            .collect()
    }
}

struct Daemon {
    child: Child,
    notes: Notes,
    admin: String,
    log: PathBuf,
}

impl Daemon {
    fn start(env: &Env, config: &Path, name: &str, extra: &[(&'static str, String)]) -> Daemon {
        Self::start_with(env, config, name, extra, None)
    }

    fn start_with(
        env: &Env,
        config: &Path,
        name: &str,
        extra: &[(&'static str, String)],
        watchdog_usec: Option<&str>,
    ) -> Daemon {
        let sock = env.dir.path().join(format!("notify-{name}.sock"));
        let _ = std::fs::remove_file(&sock);
        let notes = Notes::listen(&sock);
        let port = common::free_port();
        let log = env.dir.path().join(format!("{name}.log"));
        let mut vars = vec![
            ("LAPOR_BRIDGE__ADMIN__LISTEN", format!("127.0.0.1:{port}")),
            (
                "LAPOR_BRIDGE__CHANNELS__SAMBAT__POLL_INTERVAL_SECS",
                "1".into(),
            ),
            ("LAPOR_BRIDGE__SERVICE__STATUS_INTERVAL_SECS", "1".into()),
        ];
        vars.extend(extra.iter().cloned());
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lapor-bridge"));
        if let Some(usec) = watchdog_usec {
            cmd.env("WATCHDOG_USEC", usec);
        }
        let child = cmd
            .args(["run", "--config"])
            .arg(config)
            .envs(env.child_env(&vars))
            .env("NOTIFY_SOCKET", &sock)
            .env("RUST_LOG", "info")
            .env_remove("JOURNAL_STREAM")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start lapor-bridge run");
        Daemon {
            child,
            notes,
            admin: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    fn signal(&self, s: Signal) {
        kill(Pid::from_raw(self.child.id() as i32), s).expect("signal");
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn wait_ready(&mut self, n: usize) {
        let end = Instant::now() + Duration::from_secs(60);
        while self.notes.count("READY=1") < n {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "lapor-bridge exited ({status}) before READY; log:\n{}",
                    self.log()
                );
            }
            assert!(
                Instant::now() < end,
                "no READY=1 (#{n}); log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let end = Instant::now() + within;
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                Instant::now() < end,
                "lapor-bridge did not exit within {within:?}; log:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let r = reqwest::get(format!("{}{path}", self.admin))
            .await
            .expect("admin listener answers");
        (r.status().as_u16(), r.text().await.unwrap())
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

async fn fast_lapor() -> Env {
    Env::start(LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_after_bind_watchdog_stops_when_the_forwarder_wedges_then_stopping() {
    let env = fast_lapor().await;
    env.sambat.add_generated(5);
    let mut d = Daemon::start_with(
        &env,
        Path::new(common::DEMO_TOML),
        "wedge",
        &[
            ("LAPOR_BRIDGE__SERVICE__STALL_LIMIT_SECS", "2".into()),
            ("LAPOR_BRIDGE__SERVICE__DRAIN_TIMEOUT_SECS", "2".into()),
            // A request may hang as long as it likes: only the stall limit notices.
            ("LAPOR_BRIDGE__LAPOR__REQUEST_TIMEOUT_MS", "3600000".into()),
        ],
        // As systemd sets it for WatchdogSec=300ms: pings every 150 ms.
        Some("300000"),
    );

    // READY=1 comes only once the store is migrated and the listeners are bound.
    d.wait_ready(1).await;
    let (code, body) = d.get("/healthz").await;
    assert_eq!(
        (code, body.as_str()),
        (200, "ok\n"),
        "the admin listener is bound at READY"
    );
    assert!(
        open_store(&env.store_path()).schema_version().unwrap() >= 1,
        "the store is migrated at READY"
    );
    assert!(d.notes.index_of("READY=1") < d.notes.index_of("WATCHDOG=1").or(Some(usize::MAX)));

    // Pings while the loops work; the 5 records get forwarded.
    let notes = d.notes.clone();
    wait_for("watchdog pings", Duration::from_secs(20), || {
        notes.count("WATCHDOG=1") >= 5
    })
    .await;
    let store = open_store(&env.store_path());
    wait_for("5 forwarded", Duration::from_secs(30), || {
        counts(&store).forwarded == 5
    })
    .await;
    let notes = d.notes.clone();
    wait_for(
        "a STATUS= line with the counts",
        Duration::from_secs(10),
        || {
            notes
                .statuses()
                .iter()
                .any(|s| s.contains("5 forwarded") && s.contains("LAPOR! up"))
        },
    )
    .await;

    // Wedge the forwarder: LAPOR! answers after an hour, the request never times out.
    env.lapor.set_faults(Faults {
        latency: Duration::from_secs(3600),
        ..Faults::default()
    });
    env.sambat.add_generated(1);
    let hung = env.lapor.counters().requests;
    wait_for(
        "the forwarder sends into the hang",
        Duration::from_secs(20),
        || env.lapor.counters().requests > hung,
    )
    .await;
    // Pings stop: none for 1.5 s (5× the 300 ms watchdog's ping interval of 150 ms).
    let notes = d.notes.clone();
    wait_for("watchdog pings stop", Duration::from_secs(20), || {
        notes
            .last("WATCHDOG=1")
            .is_some_and(|t| t.elapsed() > Duration::from_millis(1500))
    })
    .await;
    let (code, body) = d.get("/healthz").await;
    assert_eq!(code, 503, "{body}");
    assert!(body.contains("forwarder"), "{body}");
    let notes = d.notes.clone();
    wait_for(
        "STATUS= names the wedged loop",
        Duration::from_secs(10),
        || {
            notes
                .statuses()
                .iter()
                // The updates feed hangs on the same LAPOR! and may be named too.
                .any(|s| {
                    s.split("WEDGED: ")
                        .nth(1)
                        .is_some_and(|w| w.contains("forwarder"))
                })
        },
    )
    .await;
    assert!(d.log().contains("working loop wedged"), "{}", d.log());

    // SIGTERM: STOPPING=1, the hung request is abandoned after the drain limit, exit 0.
    d.signal(Signal::SIGTERM);
    let status = d.wait_exit(Duration::from_secs(30)).await;
    assert!(
        status.success(),
        "exit after drain: {status}; log:\n{}",
        d.log()
    );
    assert!(d.notes.count("STOPPING=1") == 1, "{:?}", d.notes.all());
    assert!(d.log().contains("drain timeout"), "{}", d.log());
    // The abandoned record is still pending (in doubt), not lost.
    let c = counts(&store);
    assert_eq!((c.forwarded, c.pending), (5, 1), "{c:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_loses_nothing() {
    const RECORDS: usize = 300;
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        faults: Faults {
            latency: Duration::from_millis(30),
            ..Faults::default()
        },
        ..LaporMockConfig::default()
    })
    .await;
    env.sambat.add_generated(RECORDS);
    let load = [
        ("LAPOR_BRIDGE__FORWARDER__CONCURRENCY", "8".to_string()),
        ("LAPOR_BRIDGE__FORWARDER__BATCH_SIZE", "16".to_string()),
    ];
    let mut d = Daemon::start(&env, Path::new(common::DEMO_TOML), "load1", &load);
    d.wait_ready(1).await;
    wait_for("forwarding under way", Duration::from_secs(60), || {
        env.lapor.counters().created >= 40
    })
    .await;
    assert!(
        (env.lapor.counters().created as usize) < RECORDS,
        "SIGTERM must land mid-load"
    );
    d.signal(Signal::SIGTERM);
    let status = d.wait_exit(Duration::from_secs(30)).await;
    assert!(
        status.success(),
        "SIGTERM drains and exits 0: {status}; log:\n{}",
        d.log()
    );
    assert_eq!(d.notes.count("STOPPING=1"), 1);
    assert!(
        !d.log().contains("drain timeout"),
        "in-flight requests finished in time:\n{}",
        d.log()
    );

    // After the stop: every committed record is forwarded or still pending, and every
    // forwarded one has its complaint.
    let store = open_store(&env.store_path());
    let c = counts(&store);
    assert_eq!(c.dead + c.held, 0, "{c:?}");
    assert_eq!(c.forwarded + c.pending, c.received, "{c:?}");
    assert!(c.pending > 0, "the stop came before the end: {c:?}");
    let created: BTreeSet<String> = env
        .lapor
        .complaints()
        .into_iter()
        .map(|c| c.id_eksternal)
        .collect();
    for key in store.forwarded_keys(usize::MAX).unwrap() {
        assert!(
            created.contains(&key.id_eksternal()),
            "{key} forwarded but not in LAPOR!"
        );
    }
    drop(store);

    // Restart: the rest goes out, nothing twice.
    let mut d = Daemon::start(&env, Path::new(common::DEMO_TOML), "load2", &load);
    d.wait_ready(1).await;
    let store = open_store(&env.store_path());
    wait_for(
        "all forwarded after restart",
        Duration::from_secs(120),
        || counts(&store).forwarded as usize == RECORDS,
    )
    .await;
    d.signal(Signal::SIGTERM);
    assert!(d.wait_exit(Duration::from_secs(30)).await.success());
    let complaints = env.lapor.complaints();
    let by_ext: BTreeMap<String, usize> = complaints.iter().fold(BTreeMap::new(), |mut m, c| {
        *m.entry(c.id_eksternal.clone()).or_default() += 1;
        m
    });
    assert_eq!(
        complaints.len(),
        RECORDS,
        "exactly one complaint per record"
    );
    assert_eq!(by_ext.len(), RECORDS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_with_a_bad_config_keeps_the_old_one_and_a_good_one_reloads() {
    let env = fast_lapor().await;
    let config = env.dir.path().join("lapor-bridge.toml");
    let original = std::fs::read_to_string(common::DEMO_TOML).unwrap();
    std::fs::write(&config, &original).unwrap();
    env.sambat.add_generated(3);
    let mut d = Daemon::start(&env, &config, "hup", &[]);
    d.wait_ready(1).await;
    let store = open_store(&env.store_path());
    wait_for("3 forwarded", Duration::from_secs(30), || {
        counts(&store).forwarded == 3
    })
    .await;

    // A bad configuration: refused, the old one keeps running.
    std::fs::write(&config, format!("no_such_key = 1\n{original}")).unwrap();
    d.signal(Signal::SIGHUP);
    let log_has = |s: &'static str| {
        let log = d.log.clone();
        move || {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .contains(s)
        }
    };
    wait_for(
        "the reload is refused",
        Duration::from_secs(20),
        log_has("reload refused"),
    )
    .await;
    assert!(
        d.log().contains("no_such_key"),
        "the problem is named:\n{}",
        d.log()
    );
    assert!(d.child.try_wait().unwrap().is_none(), "still running");
    assert_eq!(d.notes.count("RELOADING=1"), 0);
    let notes = d.notes.clone();
    wait_for(
        "STATUS= says the reload was refused",
        Duration::from_secs(10),
        || {
            notes
                .statuses()
                .iter()
                .any(|s| s.starts_with("reload refused"))
        },
    )
    .await;
    let (_, metrics) = d.get("/metrics").await;
    assert!(
        metrics.contains("lapor_bridge_reloads_total{result=\"rejected\"} 1"),
        "{metrics}"
    );
    env.sambat.add_generated(2);
    wait_for(
        "records still flow on the old config",
        Duration::from_secs(30),
        || counts(&store).forwarded == 5,
    )
    .await;

    // A good one (a changed batch size): RELOADING=1, then READY=1 again; records flow.
    std::fs::write(
        &config,
        original.replace("batch_size = 64", "batch_size = 7"),
    )
    .unwrap();
    d.signal(Signal::SIGHUP);
    d.wait_ready(2).await;
    let reloading = d
        .notes
        .index_of("RELOADING=1")
        .expect("RELOADING=1 before the second READY");
    let second_ready = d
        .notes
        .all()
        .iter()
        .enumerate()
        .filter(|(_, (_, l))| l == "READY=1")
        .nth(1)
        .unwrap()
        .0;
    assert!(reloading < second_ready);
    assert!(d
        .notes
        .all()
        .iter()
        .any(|(_, l)| l.starts_with("MONOTONIC_USEC=")));
    env.sambat.add_generated(4);
    wait_for(
        "records flow after the reload",
        Duration::from_secs(30),
        || counts(&store).forwarded == 9,
    )
    .await;
    let (_, metrics) = d.get("/metrics").await;
    assert!(
        metrics.contains("lapor_bridge_reloads_total{result=\"applied\"} 1"),
        "{metrics}"
    );
    // Counters carry across the reload: 9 forwarded by this process in all.
    assert!(
        metrics.contains("lapor_bridge_forward_outcomes_total{outcome=\"forwarded\"} 9"),
        "{metrics}"
    );
    let (code, ready) = d.get("/readyz").await;
    assert_eq!(code, 200, "{ready}");

    // `lapor-bridge status` while it runs (the daemon refreshes its snapshot every second).
    let status = || {
        let out = Command::new(env!("CARGO_BIN_EXE_lapor-bridge"))
            .args(["--lang", "en", "status", "--config"])
            .arg(&config)
            .arg("--store")
            .arg(env.store_path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut text = String::new();
    wait_for(
        "status shows the running daemon",
        Duration::from_secs(10),
        || {
            text = status();
            text.lines()
                .any(|l| l.starts_with("sambat") && l.contains(" 9 ") && l.contains("poll "))
        },
    )
    .await;
    assert!(text.contains("daemon     running"), "{text}");
    assert!(text.contains("LAPOR!     up"), "{text}");

    d.signal(Signal::SIGTERM);
    assert!(
        d.wait_exit(Duration::from_secs(30)).await.success(),
        "{}",
        d.log()
    );
}
