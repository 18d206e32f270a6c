//! `channel-mocks`: the Call Center 112 note API and the social-media desk's reply API
//! as one process, so an operator can watch the bridge write back by hand. Notes are
//! accepted for any ticket id (the operator's 112 tickets came from curl, not from a
//! 112 system). Prints `call112 <base URL>` and `desk <base URL>` on stdout, then serves
//! until SIGTERM or Ctrl-C; `GET /_mock/notes`, `/_mock/replies`, `/_mock/counters`
//! show what arrived.

use std::io::Write;
use std::net::SocketAddr;

use clap::Parser;
use lapor_mocks::call112::{Call112Mock, Call112MockConfig};
use lapor_mocks::desk::{DeskMock, DeskMockConfig};

#[derive(Parser, Debug)]
#[command(about = "Loopback Call Center 112 note API and social-media desk reply API")]
struct Args {
    /// Address of the 112 note API (port 0 = any free port).
    #[arg(long, env = "CALL112_MOCK_LISTEN", default_value = "127.0.0.1:0")]
    call112_listen: SocketAddr,
    #[arg(long, env = "CALL112_MOCK_TOKEN", default_value = "call112-demo-token")]
    call112_token: String,
    /// Address of the desk reply API (port 0 = any free port).
    #[arg(long, env = "DESK_MOCK_LISTEN", default_value = "127.0.0.1:0")]
    desk_listen: SocketAddr,
    #[arg(long, env = "DESK_MOCK_TOKEN", default_value = "desk-demo-token")]
    desk_token: String,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let a = Args::parse();
    let call112 = Call112Mock::start_on(
        a.call112_listen,
        Call112MockConfig {
            token: a.call112_token,
            accept_unknown_tickets: true,
            ..Call112MockConfig::default()
        },
    )
    .await?;
    let desk = DeskMock::start_on(
        a.desk_listen,
        DeskMockConfig {
            token: a.desk_token,
            ..DeskMockConfig::default()
        },
    )
    .await?;
    let terminated = lapor_mocks::wait_for_termination();
    let mut out = std::io::stdout();
    writeln!(out, "call112 {}", call112.base_url())?;
    writeln!(out, "desk {}", desk.base_url())?;
    out.flush()?;
    terminated.await;
    call112.shutdown().await;
    desk.shutdown().await;
    Ok(())
}
