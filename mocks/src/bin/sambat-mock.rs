//! `sambat-mock`: the SAMBAT Online mock as a process. Prints `listening <base URL>` as
//! its first stdout line, then serves until SIGTERM or Ctrl-C.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use lapor_mocks::sambat::{SambatFaults, SambatMock, SambatMockConfig};

#[derive(Parser, Debug)]
#[command(about = "Loopback SAMBAT Online API with generated Kota Malang complaints")]
struct Args {
    /// Address to bind (port 0 = any free port).
    #[arg(long, env = "SAMBAT_MOCK_LISTEN", default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    #[arg(long, env = "SAMBAT_MOCK_API_KEY", default_value = "sambat-demo-key")]
    api_key: String,
    #[arg(long, default_value_t = 3573)]
    seed: u64,
    #[arg(long, default_value_t = 20)]
    initial_records: usize,
    #[arg(long, default_value_t = 0.0)]
    error_5xx_probability: f64,
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    #[arg(long, default_value_t = 0.0)]
    writeback_5xx_probability: f64,
    /// Also generate this many new records every `generate_every_ms` (0 = never).
    #[arg(long, default_value_t = 0)]
    generate_batch: usize,
    #[arg(long, default_value_t = 5000)]
    generate_every_ms: u64,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let a = Args::parse();
    let cfg = SambatMockConfig {
        api_key: a.api_key,
        seed: a.seed,
        initial_records: a.initial_records,
        faults: SambatFaults {
            error_5xx_probability: a.error_5xx_probability.clamp(0.0, 1.0),
            latency: Duration::from_millis(a.latency_ms),
            writeback_5xx_probability: a.writeback_5xx_probability.clamp(0.0, 1.0),
        },
    };
    let mock = SambatMock::start_on(a.listen, cfg).await?;
    let terminated = lapor_mocks::wait_for_termination();
    let mut out = std::io::stdout();
    writeln!(out, "listening {}", mock.base_url())?;
    out.flush()?;
    if a.generate_batch > 0 {
        let mut tick = tokio::time::interval(Duration::from_millis(a.generate_every_ms.max(1)));
        tick.tick().await;
        let term = terminated;
        tokio::pin!(term);
        loop {
            tokio::select! {
                _ = &mut term => break,
                _ = tick.tick() => { mock.add_generated(a.generate_batch); }
            }
        }
    } else {
        terminated.await;
    }
    mock.shutdown().await;
    Ok(())
}
