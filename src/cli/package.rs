//! `lapor-bridge completions <shell>` and `lapor-bridge manpage`: generated from the command
//! line definition itself (clap_complete, clap_mangen), so they never fall behind it.
//! `scripts/gen-package-files.sh` runs both before `cargo deb`; the package installs them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to write a completion script for (bash, zsh, fish, elvish, powershell).
    pub shell: Shell,
}

#[derive(Args, Debug)]
pub struct ManpageArgs {
    /// Write lapor-bridge.1 and one lapor-bridge-<command>.1 per subcommand into this
    /// directory instead of printing lapor-bridge.1 to standard output.
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Writes the completion script for `shell` to standard output.
pub fn completions(args: CompletionsArgs) -> ExitCode {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "lapor-bridge", &mut std::io::stdout());
    ExitCode::SUCCESS
}

pub fn manpage(args: ManpageArgs) -> ExitCode {
    let result = match &args.dir {
        None => render(Cli::command()).and_then(|page| {
            std::io::stdout()
                .write_all(&page)
                .map_err(|e| e.to_string())
        }),
        Some(dir) => write_pages(dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("manpage: {e}");
            ExitCode::from(1)
        }
    }
}

fn render(cmd: clap::Command) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd)
        .section("1")
        .manual("lapor-bridge")
        .render(&mut out)
        .map_err(|e| format!("cannot render the man page: {e}"))?;
    Ok(out)
}

/// The main page and one page per visible subcommand (`lapor-bridge-dead-letters.1`, …).
fn write_pages(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut cmd = Cli::command();
    cmd.build();
    let write = |name: &str, page: Vec<u8>| {
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, page).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write("lapor-bridge", render(cmd.clone())?)?;
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        // A one-shot command: a leaked name is freed at exit (clap wants a static one
        // without its `string` feature).
        let name: &'static str =
            Box::leak(format!("lapor-bridge-{}", sub.get_name()).into_boxed_str());
        let page = sub
            .clone()
            .name(name)
            .display_name(name)
            .bin_name(name)
            .version(env!("CARGO_PKG_VERSION"));
        write(name, render(page)?)?;
    }
    Ok(())
}
