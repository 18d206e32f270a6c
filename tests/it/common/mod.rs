//! Shared test setup: mocks on loopback ports and a bridge configured against them.
#![allow(dead_code)]

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lapor_bridge::config::Config;
use lapor_bridge::pipeline::Pipeline;
use lapor_bridge::store::Store;
use lapor_mocks::lapor::{LaporMock, LaporMockConfig, LifecycleConfig};
use lapor_mocks::sambat::{SambatMock, SambatMockConfig};
use lapor_tools::demo::writeback::ChannelMocks;
use lapor_tools::demo::{demo_config, totals, Totals};

pub const DEMO_TOML: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/config/demo.toml");

pub struct Env {
    pub lapor: LaporMock,
    pub sambat: SambatMock,
    pub dir: tempfile::TempDir,
}

impl Env {
    pub async fn start(lapor: LaporMockConfig) -> Env {
        Env {
            lapor: LaporMock::start(lapor).await.expect("LAPOR! mock"),
            sambat: SambatMock::start(SambatMockConfig {
                initial_records: 0,
                ..SambatMockConfig::default()
            })
            .await
            .expect("SAMBAT mock"),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn store_path(&self) -> PathBuf {
        self.dir.path().join("bridge.db")
    }

    /// Fast retries and no global pause unless a test asks for one.
    pub fn overrides(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "LAPOR_BRIDGE__LAPOR__RATE_LIMIT__PER_MINUTE",
                "600000".into(),
            ),
            ("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__BURST", "1000".into()),
            ("LAPOR_BRIDGE__FORWARDER__BACKOFF_INITIAL_MS", "20".into()),
            ("LAPOR_BRIDGE__FORWARDER__BACKOFF_MAX_SECS", "1".into()),
            ("LAPOR_BRIDGE__FORWARDER__OUTAGE_THRESHOLD", "1000".into()),
            ("LAPOR_BRIDGE__FORWARDER__MAX_ATTEMPTS", "50".into()),
        ]
    }

    pub fn config(&self, extra: &[(&'static str, String)]) -> Config {
        let mut o = self.overrides();
        o.extend(extra.iter().cloned());
        demo_config(
            &self.lapor.base_url(),
            &self.sambat.base_url(),
            &self.store_path(),
            &o,
        )
        .expect("demo config with test overrides")
    }

    pub fn pipeline(&self, extra: &[(&'static str, String)]) -> Pipeline {
        Pipeline::build(self.config(extra)).expect("pipeline")
    }

    /// Environment for a `lapor-bridge run` child process against these mocks.
    pub fn child_env(&self, extra: &[(&'static str, String)]) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = vec![
            (
                "LAPOR_BRIDGE__LAPOR__BASE_URL".into(),
                self.lapor.base_url(),
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__SAMBAT__BASE_URL".into(),
                self.sambat.base_url(),
            ),
            (
                "LAPOR_BRIDGE__STORE__PATH".into(),
                self.store_path().display().to_string(),
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__NGOMBE__INBOX".into(),
                lapor_tools::demo::ngombe_inbox(&self.store_path())
                    .display()
                    .to_string(),
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__NGOMBE__WRITEBACK__STATUS_FILE".into(),
                lapor_tools::demo::ngombe_status_file(&self.store_path())
                    .display()
                    .to_string(),
            ),
        ];
        for (k, val) in self.overrides().into_iter().chain(extra.iter().cloned()) {
            v.push((k.to_string(), val));
        }
        v
    }
}

pub fn counts(store: &Store) -> Totals {
    totals(&store.state_counts().unwrap())
}

/// `lapor-bridge run` as [`bridge_run`] builds it, but on the PostgreSQL store at `url`: the
/// demo configuration with `url` in place of its `path` (a store is a file or a database, not
/// both), written beside `env`'s store, and the password as an environment secret. Later
/// entries of `extra` win (a replica's own listen address after the rig's).
pub fn bridge_run_on_postgres(
    env: &Env,
    extra: &[(&'static str, String)],
    url: &str,
    log: &File,
) -> Command {
    let config = env.dir.path().join("pg.toml");
    if !config.exists() {
        let demo = std::fs::read_to_string(DEMO_TOML).unwrap();
        let on_pg = demo.replace(
            "path = \"demo-placeholder.db\"",
            &format!("url = \"{url}\""),
        );
        std::fs::write(&config, on_pg).unwrap();
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lapor-bridge"));
    cmd.arg("run")
        .arg("--config")
        .arg(&config)
        .envs(
            env.child_env(extra)
                .into_iter()
                .filter(|(k, _)| k != "LAPOR_BRIDGE__STORE__PATH"),
        )
        .env("LAPOR_BRIDGE__STORE__PASSWORD__ENV", "UJI_PG_PASSWORD")
        .env("UJI_PG_PASSWORD", lapor_tools::postgres::PASSWORD)
        .stdout(Stdio::null())
        .stderr(log.try_clone().unwrap());
    cmd
}

/// The end state of the sync tests: `forwarded` complaints forwarded, none open, every
/// write-back delivered, and every complaint final in LAPOR!.
pub fn settled(env: &Env, store: &Store, forwarded: u64) -> bool {
    unsettled(env, store, forwarded).is_none()
}

/// What is still left before [`settled`]: the counts a timed-out wait prints.
pub fn unsettled(env: &Env, store: &Store, forwarded: u64) -> Option<String> {
    let got = counts(store).forwarded;
    let open = store.open_complaints(None, usize::MAX).unwrap();
    let writebacks: Vec<String> = store
        .writeback_counts()
        .unwrap()
        .iter()
        .filter(|c| c.state != "done")
        .map(|c| format!("{} {} {}", c.channel, c.state, c.count))
        .collect();
    let not_final = env
        .lapor
        .complaints()
        .iter()
        .filter(|c| !matches!(c.status.as_str(), "selesai" | "ditolak" | "diarsipkan"))
        .count();
    (got != forwarded || !open.is_empty() || !writebacks.is_empty() || not_final > 0).then(|| {
        format!(
            "forwarded {got} of {forwarded}; {} open in the store (first: {:?}); write-backs not done: {writebacks:?}; {not_final} not final at LAPOR!",
            open.len(),
            open.first().map(|o| (&o.tracking_id, &o.lapor_status)),
        )
    })
}

/// Waits for a condition with a deadline; panics with `what` when it does not come.
pub async fn wait_for(what: &str, deadline: Duration, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + deadline;
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub fn open_store(path: &Path) -> Store {
    Store::open(path).expect("store")
}

/// A loopback port that was free a moment ago (bound, then let go).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `lapor-bridge run` with the demo config against `env`'s mocks (plus `extra`), stdout
/// dropped, stderr to `log`. The caller sets `RUST_LOG` if it wants one, and spawns.
pub fn bridge_run(env: &Env, extra: &[(&'static str, String)], log: &File) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lapor-bridge"));
    cmd.args(["run", "--config", DEMO_TOML])
        .envs(env.child_env(extra))
        .stdout(Stdio::null())
        .stderr(log.try_clone().unwrap());
    cmd
}

/// The setup of the sync tests over real processes: LAPOR! with its lifecycle simulator
/// (2–4 steps to a final status), SAMBAT, the 112 and desk mocks, a webhook listener port
/// and a log file for the bridge.
pub struct SyncRig {
    pub env: Env,
    pub mocks: ChannelMocks,
    /// Where the bridge's webhook listener will be.
    pub addr: SocketAddr,
    /// The channel mocks' overrides, the webhook listen address and the test's own, for
    /// [`bridge_run`].
    pub extra: Vec<(&'static str, String)>,
    pub log_path: PathBuf,
    pub log: File,
}

impl SyncRig {
    /// `tickets`: how many of the demo's 112 tickets the 112 mock knows; `overrides` go
    /// after the channel mocks' and the listen address in `extra`.
    pub async fn start(
        tick: Duration,
        advance_probability: f64,
        tickets: usize,
        overrides: &[(&'static str, String)],
    ) -> SyncRig {
        let env = Env::start(LaporMockConfig {
            quota_per_minute: None,
            lifecycle: Some(LifecycleConfig {
                tick,
                advance_probability,
                steps_min: 2,
                steps_max: 4,
            }),
            ..LaporMockConfig::default()
        })
        .await;
        env.lapor.inject_duplicate_updates(0.3);
        let mocks = ChannelMocks::start(tickets).await.unwrap();
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
        let mut extra = mocks.overrides();
        extra.push(("LAPOR_BRIDGE__WEBHOOKS__LISTEN", addr.to_string()));
        extra.extend(overrides.iter().cloned());
        let log_path = env.dir.path().join("bridge.log");
        let log = File::create(&log_path).unwrap();
        SyncRig {
            env,
            mocks,
            addr,
            extra,
            log_path,
            log,
        }
    }
}

/// Waits until something accepts connections on `addr` (the bridge's webhook listener).
pub async fn wait_for_listener(addr: SocketAddr) {
    wait_for("the webhook listener", Duration::from_secs(20), || {
        std::net::TcpStream::connect(addr).is_ok()
    })
    .await;
}
