use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lapor_tools::{bench, demo};

#[derive(Parser, Debug)]
#[command(
    name = "lapor-tools",
    version,
    about = "lapor-bridge's demo and benchmark, against in-process mocks (not for a city server)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start the LAPOR! and SAMBAT mocks in-process and run the bridge against them.
    Demo(demo::DemoArgs),
    /// Measure throughput and quota use against in-process mocks.
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    rt.block_on(async {
        match cli.command {
            Command::Demo(args) => demo::run(args).await,
            Command::Bench(args) => bench::run(args).await,
        }
    })
}
