use std::process::ExitCode;

use clap::FromArgMatches;
use lapor_bridge::cli::{self, Cli, Command};

fn main() -> ExitCode {
    // Help and parse errors in the operator's language, found before the line is parsed.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let early = cli::help::lang_of_args(&args);
    let matches = cli::help::command(early).get_matches_from(&args);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    lapor_bridge::i18n::set_process_lang(cli::resolve_lang(&cli));
    if let Some(e) = cli::store_unused(&cli) {
        cli::fit::eprintln(&e);
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            let lang = lapor_bridge::i18n::process_lang();
            let text = lapor_bridge::t!(lang, "cli-no-runtime", error = e.to_string());
            cli::fit::eprintln(&text);
            return ExitCode::from(2);
        }
    };
    rt.block_on(dispatch(cli.command))
}

async fn dispatch(command: Command) -> ExitCode {
    match command {
        // Readiness, watchdog, SIGTERM drain, SIGHUP reload, admin listener: src/service/.
        Command::Run { config, dry_run } => lapor_bridge::service::run(&config, dry_run).await,
        Command::Status { config, store } => cli::status::run(&config, store),
        Command::DryRun(args) => cli::dry_run::run(args),
        Command::Show {
            record,
            config,
            store,
            format,
        } => match cli::store_path(&config, store) {
            Ok(path) => cli::show::run(&path, &record, format),
            Err(e) => {
                cli::fit::eprintln(&e);
                ExitCode::from(2)
            }
        },
        Command::CheckConfig {
            config,
            strict,
            fetch_reference,
        } => {
            if fetch_reference {
                match cli::fetch_reference(&config).await {
                    Ok(line) => println!("{line}"),
                    Err(e) => {
                        eprintln!("{e}");
                        return ExitCode::from(1);
                    }
                }
            }
            let lang = lapor_bridge::i18n::process_lang();
            let (report, ok) = cli::check_config::check_config(lang, &config, strict);
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
        Command::Demo { .. } => cli::moved_to_tools("demo"),
        Command::Bench { .. } => cli::moved_to_tools("bench"),
        Command::Report(args) => cli::report::run(args),
        Command::Privacy(args) => cli::privacy::run(args),
        Command::Backup(args) => cli::backup::run(args),
        Command::Store(args) => cli::store_migrate::run(args).await,
        Command::Replay(args) => cli::replay::run(args),
        Command::Completions(args) => cli::package::completions(args),
        Command::Manpage(args) => cli::package::manpage(args),
    }
}
