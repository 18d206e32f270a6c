use std::process::ExitCode;

use clap::Parser;
use lapor_bridge::cli::{self, Cli, Command};
use lapor_bridge::config;
use lapor_bridge::pipeline::Pipeline;
use lapor_bridge::{logging, shutdown};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    rt.block_on(dispatch(cli.command))
}

async fn dispatch(command: Command) -> ExitCode {
    match command {
        Command::Run { config } => run(&config).await,
        Command::CheckConfig { config } => {
            let (report, ok) = config::check_config(&config);
            if ok {
                println!("{report}");
                ExitCode::SUCCESS
            } else {
                eprintln!("{report}");
                ExitCode::from(1)
            }
        }
        Command::DeadLetters {
            config,
            store,
            action,
        } => cli::dead_letters::run(&config, store, action),
        Command::Demo(args) => cli::demo::run(args).await,
        Command::Bench(args) => cli::bench::run(args).await,
    }
}

async fn run(path: &std::path::Path) -> ExitCode {
    let cfg = match config::load(path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration {} has problems:\n{e}", path.display());
            return ExitCode::from(2);
        }
    };
    logging::init(cfg.logging.format, &cfg.logging.level);
    let pipeline = match Pipeline::build(cfg) {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "cannot start");
            return ExitCode::from(1);
        }
    };
    let (trigger, shutdown) = shutdown::channel();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("stopping: finishing the requests in flight");
        trigger.trigger();
    });
    tracing::info!(channels = pipeline.pollers.len(), "lapor-bridge running");
    pipeline.run(shutdown).await;
    tracing::info!("stopped");
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("install SIGTERM handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
