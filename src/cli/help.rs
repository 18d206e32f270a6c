//! `--help` in the operator's language. The English texts are the clap definitions' own (the
//! source of the man pages and shell completions too); the Indonesian ones are in
//! `locales/id/help.ftl`, one id per command and option: `help-report-sla` is `report sla`'s
//! summary, `help-report-sla--format` its `--format`.

use clap::CommandFactory;

use super::Cli;
use crate::i18n::{self, Lang};

/// The command line with its help texts in `lang`.
pub fn command(lang: Lang) -> clap::Command {
    // Within 100 columns on a wide terminal, as every other output (narrower ones wrap).
    let cmd = Cli::command().max_term_width(100);
    match lang {
        Lang::English => cmd,
        Lang::Id => localize(cmd, "help", true),
    }
}

fn lookup(id: &str) -> Option<String> {
    i18n::has(Lang::Id, id).then(|| i18n::message(Lang::Id, id, None))
}

fn localize(mut cmd: clap::Command, path: &str, top: bool) -> clap::Command {
    if let Some(about) = lookup(path) {
        cmd = cmd.about(about).long_about(None);
    }
    cmd = cmd
        .help_template("{about-with-newline}\nPenggunaan: {usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("Perintah")
        .max_term_width(100)
        .next_help_heading("Opsi");
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let global = cmd
            .get_arguments()
            .any(|a| a.get_id() == id.as_str() && a.is_global_set());
        let own = lookup(&format!("{path}--{id}"));
        let help = own.or_else(|| global.then(|| lookup(&format!("help--{id}"))).flatten());
        if let Some(help) = help {
            cmd = cmd.mut_arg(&id, |a| a.help(help).long_help(None).help_heading("Opsi"));
        } else {
            cmd = cmd.mut_arg(&id, |a| a.help_heading("Opsi"));
        }
    }
    // clap's own -h and -V, with their texts in Indonesian.
    cmd = cmd.disable_help_flag(true).arg(
        clap::Arg::new("help")
            .short('h')
            .long("help")
            .action(clap::ArgAction::Help)
            .help("Tampilkan bantuan")
            .help_heading("Opsi"),
    );
    if top {
        cmd = cmd
            .disable_help_subcommand(true)
            .disable_version_flag(true)
            .arg(
                clap::Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(clap::ArgAction::Version)
                    .help("Tampilkan versi")
                    .help_heading("Opsi"),
            );
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        let sub_path = format!("{path}-{name}");
        cmd = cmd.mut_subcommand(&name, |sc| localize(sc, &sub_path, false));
    }
    cmd
}

/// The language asked for on a command line that may not parse (`--help`, a typo): `--lang`
/// (or `--lang=`), else what [`super::resolve_lang`] would find from `--config` and the
/// environment.
pub fn lang_of_args(args: &[std::ffi::OsString]) -> Lang {
    let text: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let value_of = |flag: &str| {
        text.iter().enumerate().find_map(|(i, a)| {
            a.strip_prefix(&format!("{flag}="))
                .map(str::to_owned)
                .or_else(|| (a == flag).then(|| text.get(i + 1).cloned()).flatten())
        })
    };
    if let Some(lang) = value_of("--lang").and_then(|v| Lang::parse(&v).ok()) {
        return lang;
    }
    super::lang_from_environment(value_of("--config").map(std::path::PathBuf::from))
}

/// Every command and option path the help catalog should have, with clap's English text.
pub fn paths() -> Vec<(String, String)> {
    fn walk(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String)>) {
        let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
        out.push((path.to_string(), about));
        for a in cmd.get_arguments() {
            if a.is_hide_set() || a.get_id() == "help" || a.get_id() == "version" {
                continue;
            }
            // A global option is described once, at the top.
            if a.is_global_set() && path != "help" {
                continue;
            }
            let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
            out.push((format!("{path}--{}", a.get_id()), help));
        }
        for s in cmd.get_subcommands() {
            if s.is_hide_set() || s.get_name() == "help" {
                continue;
            }
            walk(s, &format!("{path}-{}", s.get_name()), out);
        }
    }
    let mut out = vec![];
    walk(&Cli::command(), "help", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_and_option_has_indonesian_help_and_no_entry_is_stale() {
        let want: Vec<String> = paths().into_iter().map(|(p, _)| p).collect();
        let missing: Vec<&String> = want.iter().filter(|p| !i18n::has(Lang::Id, p)).collect();
        assert!(
            missing.is_empty(),
            "add to locales/id/help.ftl: {missing:?}"
        );
        let have: Vec<String> = i18n::ids(Lang::Id)
            .into_iter()
            .filter(|id| id == "help" || id.starts_with("help-"))
            .collect();
        let stale: Vec<&String> = have.iter().filter(|id| !want.contains(id)).collect();
        assert!(stale.is_empty(), "no such command or option: {stale:?}");
    }

    #[test]
    fn the_indonesian_help_is_indonesian_and_the_english_is_clap_s_own() {
        let id = command(Lang::Id).render_help().to_string();
        assert!(
            id.contains("Penggunaan:") && id.contains("Perintah"),
            "{id}"
        );
        let en = command(Lang::English).render_help().to_string();
        assert!(en.contains("Usage:") && en.contains("Commands:"), "{en}");
        let mut report = command(Lang::Id);
        let sla = report
            .find_subcommand_mut("report")
            .expect("report")
            .render_help()
            .to_string();
        assert!(
            sla.contains("Opsi") && sla.contains("Hari pertama periode"),
            "{sla}"
        );
        for line in id.lines().chain(sla.lines()) {
            assert!(line.chars().count() <= 100, "{line}");
        }
    }

    #[test]
    fn the_language_is_found_on_a_line_that_does_not_parse() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang_of_args(&args(&["lapor-bridge", "--lang", "en", "--help"])),
            Lang::English
        );
        assert_eq!(
            lang_of_args(&args(&["lapor-bridge", "status", "--lang=en", "-h"])),
            Lang::English
        );
    }

    #[test]
    #[ignore = "prints the catalog's skeleton: cargo test --lib cli::help -- --ignored --nocapture"]
    fn dump() {
        for (p, text) in paths() {
            println!("{p} = {}", text.replace('\n', " "));
        }
    }
}
