//! `lapor-tools bench webhook-latency`: signed 112 deliveries sent open-loop at a fixed rate to
//! the running bridge (forwarder on, LAPOR! mock quota off); each delivery's latency is from the
//! request leaving to its 202, which the receiver sends only after the record is committed.

use std::time::{Duration, Instant};

use super::rig::{no_rate_limit, quota_off, Rig};
use crate::demo::totals;
use lapor_bridge::shutdown;
use lapor_bridge::wire::webhook::sign;

pub async fn webhook_latency(
    rate: u32,
    seconds: u64,
    store_file: Option<std::path::PathBuf>,
) -> Result<(), String> {
    let rig = Rig::start(quota_off()).await?;
    if let Some(f) = &store_file {
        rig.use_store(f)?;
    }
    let pipeline = rig.pipeline(&no_rate_limit())?;
    let addr = pipeline
        .webhooks
        .as_ref()
        .map(|w| w.local_addr())
        .ok_or("the demo configuration has no webhook channel")?;
    let store = pipeline.store.clone();
    let received0 = totals(&store.state_counts().map_err(|e| e.to_string())?).received;
    // Ids of this run only: a big store may hold an earlier run's.
    let run = jiff::Timestamp::now().as_second();
    let (trigger, sd) = shutdown::channel();
    let runner = tokio::spawn(async move { pipeline.run(sd).await });

    let url = format!("http://{addr}/webhooks/call112");
    let client = reqwest::Client::new();
    let total = (rate as u64 * seconds) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    // A short warm-up (connections, first statements) that is not measured.
    for i in 0..20 {
        let _ = deliver(&client, &url, &format!("warmup-{run}-{i}")).await;
    }
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        let due = start + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let client = client.clone();
        let url = url.clone();
        tasks
            .spawn(async move { deliver(&client, &url, &format!("112-bench-{run}-{i:06}")).await });
    }
    let mut lat: Vec<Duration> = Vec::with_capacity(total);
    let mut failed = 0;
    while let Some(r) = tasks.join_next().await {
        match r {
            Ok(Ok(d)) => lat.push(d),
            _ => failed += 1,
        }
    }
    let sent_for = start.elapsed();
    let committed = totals(&store.state_counts().map_err(|e| e.to_string())?).received - received0;
    trigger.trigger();
    let _ = runner.await;
    rig.lapor.shutdown().await;
    rig.sambat.shutdown().await;

    lat.sort();
    let q = |p: f64| -> f64 {
        if lat.is_empty() {
            return f64::NAN;
        }
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
        lat[i].as_secs_f64() * 1000.0
    };
    let on = match &store_file {
        Some(f) => format!("a copy of {}", f.display()),
        None => "a fresh store".into(),
    };
    println!(
        "webhook-latency: {total} signed Call Center 112 deliveries at {rate}/s over {:.1} s (open loop) on {on}, forwarder running, LAPOR! mock quota off",
        sent_for.as_secs_f64()
    );
    println!(
        "  receive → 202 (record committed, SQLite synchronous=FULL): p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        q(0.50),
        q(0.90),
        q(0.99),
        q(1.0)
    );
    println!(
        "  answered 202: {}  failed: {failed}  records committed: {committed} (incl. 20 warm-up)",
        lat.len()
    );
    let p99 = q(0.99);
    println!(
        "RESULT webhook p99 at {rate}/s on {on}: {p99:.2} ms  (target <= 20 ms)  {}",
        super::throughput::verdict(p99 <= 20.0)
    );
    if failed > 0 || committed as usize != total + 20 {
        return Err("not every delivery was accepted and committed".into());
    }
    Ok(())
}

async fn deliver(client: &reqwest::Client, url: &str, id: &str) -> Result<Duration, String> {
    let body = serde_json::to_vec(&crate::demo::demo_ticket(id)).map_err(|e| e.to_string())?;
    let ts = jiff::Timestamp::now().as_second();
    let sig = sign(b"call112-demo-secret", ts, &body);
    let t0 = Instant::now();
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .header("x-timestamp", ts.to_string())
        .header("x-signature", sig)
        .body(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let _ = resp.bytes().await;
    let d = t0.elapsed();
    if status == 202 {
        Ok(d)
    } else {
        Err(format!("status {status}"))
    }
}
