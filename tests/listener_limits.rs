//! Stalled clients against the running daemon: 300 connections that never finish their
//! headers, with the daemon's open-file limit at 256. Signed deliveries and /healthz must
//! still be answered at once, and the stalled connections closed by the header timeout.

mod common;
#[path = "support/webhooks.rs"]
mod webhooks;

use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

use common::SyncRig;
use nix::sys::resource::{setrlimit, Resource};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use webhooks::*;

const STALLED: usize = 300;
const NOFILE: u64 = 256;

#[tokio::test]
async fn the_default_header_timeout_is_ten_seconds() {
    let env = common::Env::start(Default::default()).await;
    let cfg = env.config(&[]);
    assert_eq!(cfg.webhooks.limits.header_timeout, Duration::from_secs(10));
    assert_eq!(cfg.admin.limits.header_timeout, Duration::from_secs(10));
    assert_eq!(cfg.webhooks.limits.max_connections, 1024);
    let cfg = env.config(&[("LAPOR_BRIDGE__WEBHOOKS__HEADER_TIMEOUT_SECS", "3".into())]);
    assert_eq!(cfg.webhooks.limits.header_timeout, Duration::from_secs(3));
}

/// Reads until the peer closes (EOF or reset); returns when that happened.
async fn closed_by_peer(mut s: TcpStream) -> Instant {
    let mut buf = [0u8; 512];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return Instant::now(),
            Ok(_) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_connections_do_not_starve_deliveries_or_healthz() {
    let admin = std::net::SocketAddr::from(([127, 0, 0, 1], common::free_port()));
    let rig = SyncRig::start(
        Duration::from_secs(3600),
        0.0,
        1,
        &[
            ("LAPOR_BRIDGE__ADMIN__LISTEN", admin.to_string()),
            // Short, so that the test need not wait the default 10 s.
            ("LAPOR_BRIDGE__WEBHOOKS__HEADER_TIMEOUT_SECS", "3".into()),
        ],
    )
    .await;
    let mut cmd = common::bridge_run(&rig.env, &rig.extra, &rig.log);
    cmd.env("RUST_LOG", "info");
    // SAFETY: only setrlimit, async-signal-safe, between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            setrlimit(Resource::RLIMIT_NOFILE, NOFILE, NOFILE).map_err(std::io::Error::from)
        });
    }
    let mut child = cmd.spawn().expect("lapor-bridge run");
    let pid = child.id();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    assert!(line.contains("256"), "{line}");

    common::wait_for_listener(rig.addr).await;
    let healthz = format!("http://{admin}/healthz");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(r) = client.get(&healthz).send().await {
            if r.status() == 200 {
                break;
            }
        }
        assert!(Instant::now() < end, "admin listener never answered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // 300 connections that send part of a request's headers and then nothing.
    let mut stalled = Vec::with_capacity(STALLED);
    for _ in 0..STALLED {
        let mut s = TcpStream::connect(rig.addr).await.unwrap();
        let _ = s
            .write_all(b"POST /webhooks/call112 HTTP/1.1\r\nhost: bridge\r\n")
            .await;
        stalled.push(s);
    }
    let opened = Instant::now();
    let closes: Vec<_> = stalled
        .into_iter()
        .map(|s| tokio::spawn(closed_by_peer(s)))
        .collect();

    // A fresh connection for each: no pooled connection opened before the stall.
    let sender = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let url = format!("http://{}/webhooks/call112", rig.addr);
    let t = Instant::now();
    let (status, body) = send(
        &sender,
        &url,
        CALL112_SECRET,
        &ticket("112-stall-1", "Lampu jalan mati di Jl. Ijen sejak kemarin malam."),
    )
    .await;
    let delivery = t.elapsed();
    assert_eq!(status, 202, "{body}");
    assert!(delivery < Duration::from_secs(1), "202 took {delivery:?}");

    let t = Instant::now();
    let r = sender.get(&healthz).send().await.expect("/healthz answers");
    let health = t.elapsed();
    assert_eq!(r.status(), 200);
    assert!(health < Duration::from_secs(1), "/healthz took {health:?}");

    // Every stalled connection is closed by the bridge: evicted to make room, or by the
    // header timeout.
    let mut last = opened;
    for c in closes {
        let at = tokio::time::timeout(Duration::from_secs(30), c)
            .await
            .expect("the bridge closes every stalled connection within 30 s")
            .unwrap();
        last = last.max(at);
    }
    let all_closed = last.duration_since(opened);
    assert!(all_closed < Duration::from_secs(30));
    eprintln!(
        "202 in {delivery:?}, /healthz in {health:?}, all {STALLED} stalled connections closed {all_closed:?} after they were opened"
    );

    // Still serving afterwards, and no accept error from running out of descriptors.
    let (status, _) = send(
        &sender,
        &url,
        CALL112_SECRET,
        &ticket("112-stall-2", "Lampu jalan mati di Jl. Ijen sejak kemarin malam."),
    )
    .await;
    assert_eq!(status, 202);
    kill(Pid::from_raw(pid as i32), Signal::SIGTERM).unwrap();
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let log = std::fs::read_to_string(&rig.log_path).unwrap();
    assert!(
        !log.contains("Too many open files"),
        "the daemon ran out of descriptors:\n{log}"
    );
}
