//! `lapor-mock`: the SP4N-LAPOR! mock as a process. Prints `listening <base URL>` as
//! its first stdout line, then serves until SIGTERM or Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use lapor_mocks::lapor::{Faults, LaporMock, LaporMockConfig, LifecycleConfig};

#[derive(Parser, Debug)]
#[command(about = "Loopback SP4N-LAPOR! integration API with faults and a lifecycle simulator")]
struct Args {
    /// Address to bind (port 0 = any free port).
    #[arg(long, env = "LAPOR_MOCK_LISTEN", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    #[arg(long, env = "LAPOR_MOCK_CLIENT_ID", default_value = "pemkot-malang")]
    client_id: String,
    #[arg(long, env = "LAPOR_MOCK_CLIENT_SECRET", default_value = "rahasia-demo")]
    client_secret: String,
    #[arg(long, default_value_t = 3600)]
    token_ttl_secs: u64,
    /// Requests per minute for the client, all endpoints together; 0 = no quota.
    #[arg(long, default_value_t = 60)]
    quota_per_minute: u32,
    #[arg(long, default_value_t = 0.0)]
    error_5xx_probability: f64,
    #[arg(long, default_value_t = 0.0)]
    reset_after_create_probability: f64,
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Instansi ids that exist but are not this client's (answer 403).
    #[arg(long, value_delimiter = ',')]
    forbidden_instansi: Vec<i64>,
    /// Run the lifecycle simulator with this tick; absent = complaints do not move.
    #[arg(long)]
    lifecycle_tick_ms: Option<u64>,
    #[arg(long, default_value_t = 0.3)]
    advance_probability: f64,
    #[arg(long, default_value_t = 3)]
    steps_min: u32,
    #[arg(long, default_value_t = 6)]
    steps_max: u32,
    #[arg(long, default_value_t = 3573)]
    seed: u64,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let a = Args::parse();
    let cfg = LaporMockConfig {
        client_id: a.client_id,
        client_secret: a.client_secret,
        token_ttl: Duration::from_secs(a.token_ttl_secs),
        quota_per_minute: (a.quota_per_minute > 0).then_some(a.quota_per_minute),
        faults: Faults {
            error_5xx_probability: a.error_5xx_probability.clamp(0.0, 1.0),
            reset_after_create_probability: a.reset_after_create_probability.clamp(0.0, 1.0),
            latency: Duration::from_millis(a.latency_ms),
        },
        forbidden_instansi: a.forbidden_instansi,
        lifecycle: a.lifecycle_tick_ms.map(|ms| LifecycleConfig {
            tick: Duration::from_millis(ms.max(1)),
            advance_probability: a.advance_probability.clamp(0.0, 1.0),
            steps_min: a.steps_min,
            steps_max: a.steps_max,
        }),
        seed: a.seed,
        ..LaporMockConfig::default()
    };
    let mock = LaporMock::start_on(a.listen, cfg).await?;
    let terminated = lapor_mocks::wait_for_termination();
    let mut out = std::io::stdout();
    writeln!(out, "listening {}", mock.base_url())?;
    out.flush()?;
    terminated.await;
    mock.shutdown().await;
    Ok(())
}
