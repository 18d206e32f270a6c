//! Stalled clients against the running daemon: 300 connections that never finish their
//! headers, with the daemon's open-file limit at 256. Signed deliveries and /healthz must
//! still be answered at once, and the stalled connections closed by the header timeout.

use crate::common;
use crate::support::webhooks;

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
    let mut bad = env.overrides();
    bad.push(("LAPOR_BRIDGE__WEBHOOKS__MAX_CONNECTIONS", "0".into()));
    bad.push(("LAPOR_BRIDGE__ADMIN__BODY_TIMEOUT_SECS", "99999".into()));
    let err = lapor_tools::demo::demo_config(
        &env.lapor.base_url(),
        &env.sambat.base_url(),
        &env.store_path(),
        &bad,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("webhooks.max_connections"), "{err}");
    assert!(err.contains("admin.body_timeout_secs"), "{err}");
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
        &ticket(
            "112-stall-1",
            "Lampu jalan mati di Jl. Ijen sejak kemarin malam.",
        ),
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
        &ticket(
            "112-stall-2",
            "Lampu jalan mati di Jl. Ijen sejak kemarin malam.",
        ),
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

/// The webhook receiver alone, in this process, with `extra` settings.
async fn receiver(
    extra: &[(&'static str, String)],
) -> (
    common::Env,
    std::net::SocketAddr,
    lapor_bridge::shutdown::Trigger,
) {
    let env = common::Env::start(Default::default()).await;
    let p = env.pipeline(extra);
    let w = p
        .webhooks
        .clone()
        .expect("demo config has webhook channels");
    let addr = w.local_addr();
    let (trigger, sd) = lapor_bridge::shutdown::channel();
    tokio::spawn(async move { w.run(sd).await });
    (env, addr, trigger)
}

/// Reads until `want` has arrived or the peer closes; returns what was read.
async fn read_until(s: &mut TcpStream, want: &str) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    let read = async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
            if String::from_utf8_lossy(&got).contains(want) {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("an answer within 10 s");
    String::from_utf8_lossy(&got).into_owned()
}

/// Headers of a delivery whose 100-byte body is still to come; `100 Continue` comes back once
/// the handler reads the body, i.e. once the request is in flight.
const HEAD_OF_SLOW_BODY: &[u8] = b"POST /webhooks/call112 HTTP/1.1\r\nhost: bridge\r\ncontent-type: application/json\r\ncontent-length: 100\r\nexpect: 100-continue\r\n\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_arriving_is_answered_408() {
    let (_env, addr, _stop) =
        receiver(&[("LAPOR_BRIDGE__WEBHOOKS__BODY_TIMEOUT_SECS", "1".into())]).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(HEAD_OF_SLOW_BODY).await.unwrap();
    read_until(&mut s, "100 Continue").await;
    s.write_all(b"{\"ticket_id\":").await.unwrap();
    let t = Instant::now();
    let answer = read_until(&mut s, "}").await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_cap_a_connection_is_refused_at_once_when_all_are_busy() {
    let (_env, addr, _stop) =
        receiver(&[("LAPOR_BRIDGE__WEBHOOKS__MAX_CONNECTIONS", "2".into())]).await;
    let mut busy = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(HEAD_OF_SLOW_BODY).await.unwrap();
        read_until(&mut s, "100 Continue").await;
        busy.push(s);
    }
    let t = Instant::now();
    let mut third = TcpStream::connect(addr).await.unwrap();
    let _ = third
        .write_all(b"GET / HTTP/1.1\r\nhost: bridge\r\n\r\n")
        .await;
    let answer = read_until(&mut third, "\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    // The busy ones were left alone: their deliveries finish (unsigned, so 401).
    for mut s in busy {
        s.write_all(&[b' '; 100]).await.unwrap();
        let answer = read_until(&mut s, "}").await;
        assert!(answer.contains("HTTP/1.1 401"), "{answer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_cap_the_oldest_idle_connection_makes_room() {
    let (_env, addr, _stop) =
        receiver(&[("LAPOR_BRIDGE__WEBHOOKS__MAX_CONNECTIONS", "2".into())]).await;
    let mut oldest = TcpStream::connect(addr).await.unwrap();
    oldest
        .write_all(b"POST /webhooks/call112 HTTP/1.1\r\n")
        .await
        .unwrap();
    let mut second = TcpStream::connect(addr).await.unwrap();
    second
        .write_all(b"POST /webhooks/call112 HTTP/1.1\r\n")
        .await
        .unwrap();
    let mut third = TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET / HTTP/1.1\r\nhost: bridge\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until(&mut third, "}").await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    let closed = tokio::time::timeout(Duration::from_secs(5), closed_by_peer(oldest)).await;
    assert!(closed.is_ok(), "the oldest idle connection was not closed");
    drop(second);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let (_env, addr, _stop) =
        receiver(&[("LAPOR_BRIDGE__WEBHOOKS__HEADER_TIMEOUT_SECS", "1".into())]).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nhost: bridge\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until(&mut s, "}").await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert!(!answer.to_ascii_lowercase().contains("connection: close"));
    let t = Instant::now();
    let closed = tokio::time::timeout(Duration::from_secs(5), closed_by_peer(s)).await;
    assert!(closed.is_ok(), "the idle keep-alive connection stayed open");
    eprintln!("idle keep-alive connection closed after {:?}", t.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_stalled_connections_and_finishes_requests_in_flight() {
    let env = common::Env::start(Default::default()).await;
    let p = env.pipeline(&[]);
    let w = p
        .webhooks
        .clone()
        .expect("demo config has webhook channels");
    let addr = w.local_addr();
    let (trigger, sd) = lapor_bridge::shutdown::channel();
    let run = tokio::spawn(async move { w.run(sd).await });
    let mut stalled = TcpStream::connect(addr).await.unwrap();
    stalled
        .write_all(b"POST /webhooks/call112 HTTP/1.1\r\n")
        .await
        .unwrap();
    let mut in_flight = TcpStream::connect(addr).await.unwrap();
    in_flight.write_all(HEAD_OF_SLOW_BODY).await.unwrap();
    read_until(&mut in_flight, "100 Continue").await;
    trigger.trigger();
    // The stalled one goes at once (header timeout is 10 s); the one in flight is answered.
    let closed = tokio::time::timeout(Duration::from_secs(2), closed_by_peer(stalled)).await;
    assert!(
        closed.is_ok(),
        "a stalled connection kept the listener from stopping"
    );
    in_flight.write_all(&[b' '; 100]).await.unwrap();
    let answer = read_until(&mut in_flight, "}").await;
    assert!(answer.contains("HTTP/1.1 401"), "{answer}");
    tokio::time::timeout(Duration::from_secs(5), run)
        .await
        .expect("the receiver stops once the request in flight is answered")
        .unwrap();
}
