//! Every `msg!(…)` in the sources renders in both languages with the arguments it is given,
//! and every configuration message of the catalogs is used.

use std::collections::BTreeSet;
use std::path::Path;

use super::*;
use crate::config::ConfigProblem;

/// One `msg!` call found in the sources: its id, its argument names and where it is.
#[derive(Debug)]
struct Call {
    id: String,
    args: Vec<String>,
    at: String,
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The text between the parentheses opening at `start` (just after `(`), split at top-level
/// commas; string literals (with escapes) are skipped over, so `"a, (b"` is one piece.
fn top_level_args(src: &str, start: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    for c in src[start..].chars() {
        if in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
        } else {
            match c {
                '"' => in_str = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    pieces.push(String::new());
                    continue;
                }
                _ => {}
            }
        }
        pieces.last_mut().unwrap().push(c);
    }
    pieces
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

fn calls() -> Vec<Call> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut out = Vec::new();
    for f in files {
        // The macro's own definition and documentation.
        if f.ends_with("config/text.rs") {
            continue;
        }
        let src = std::fs::read_to_string(&f).unwrap();
        for (i, _) in src.match_indices("msg!(") {
            let pieces = top_level_args(&src, i + "msg!(".len());
            let Some(id) = pieces
                .first()
                .and_then(|p| p.strip_prefix('"')?.strip_suffix('"'))
            else {
                continue;
            };
            let args = pieces[1..]
                .iter()
                .map(|p| p.split('=').next().unwrap().trim().to_owned())
                .collect();
            let line = src[..i].matches('\n').count() + 1;
            out.push(Call {
                id: id.to_owned(),
                args,
                at: format!("{}:{line}", f.display()),
            });
        }
    }
    out
}

#[test]
fn every_problem_message_renders_in_both_languages_with_its_arguments() {
    let calls = calls();
    assert!(
        calls.len() > 100,
        "the scan found only {} calls",
        calls.len()
    );
    let mut bad = Vec::new();
    for c in &calls {
        let args = c
            .args
            .iter()
            .map(|a| (leak(a), Arg::Text(format!("<{a}>"))))
            .collect();
        let text = Text::Message {
            id: leak(&c.id),
            args,
        };
        for lang in Lang::ALL {
            let out = text.render(lang);
            if !i18n::has(lang, &c.id) {
                bad.push(format!(
                    "{}: {} missing from the {lang} catalog",
                    c.at, c.id
                ));
            } else if out.contains("{$") || out.contains("{ $") || out.trim().is_empty() {
                // Fluent writes a missing argument as `{$name}`.
                bad.push(format!(
                    "{}: {} in {lang} lacks an argument: {out}",
                    c.at, c.id
                ));
            }
            for a in &c.args {
                if !out.contains(&format!("<{a}>")) && lang == Lang::English {
                    bad.push(format!("{}: {} never shows its argument {a}", c.at, c.id));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

#[test]
fn every_configuration_message_of_the_catalogs_is_used() {
    let used: BTreeSet<String> = calls().into_iter().map(|c| c.id).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let sources: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let text = include_str!("../../locales/en/config.ftl");
    let unused: Vec<String> = crate::i18n::ids(Lang::English)
        .into_iter()
        .filter(|id| text.lines().any(|l| l.starts_with(&format!("{id} ="))))
        .filter(|id| !used.contains(id) && !sources.contains(&format!("\"{id}\"")))
        .collect();
    assert!(unused.is_empty(), "unused in config.ftl: {unused:?}");
}

#[test]
fn english_is_the_text_the_code_had_and_indonesian_differs() {
    let p = ConfigProblem::new(
        "lapor.rate_limit.per_minute",
        msg!(
            "config-out-of-range",
            value = 0,
            min = 1,
            max = 4_294_967_295u64
        ),
    );
    assert_eq!(
        p.message,
        "0 is out of range; use a value from 1 to 4294967295"
    );
    assert_eq!(p.text(Lang::English), p.message);
    assert_eq!(
        p.text(Lang::Id),
        "0 di luar rentang; gunakan nilai 1 sampai 4294967295"
    );
    let p = p.set_by_env("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__PER_MINUTE");
    assert!(p
        .message
        .ends_with(" (set by environment variable LAPOR_BRIDGE__LAPOR__RATE_LIMIT__PER_MINUTE)"));
    assert!(p
        .line(Lang::Id)
        .starts_with("lapor.rate_limit.per_minute: 0 di luar"));
    assert!(p
        .text(Lang::Id)
        .contains("(diatur oleh variabel lingkungan"));
}

#[test]
fn nested_texts_render_in_the_same_language() {
    let t = msg!(
        "config-wrong-type",
        found = msg!("config-found-string", value = q("abc")),
        expected = msg!("config-expected-u64")
    );
    assert_eq!(
        t.english(),
        "wrong type: string \"abc\", expected a whole number ≥ 0"
    );
    assert_eq!(
        t.render(Lang::Id),
        "tipe salah: teks \"abc\", seharusnya bilangan bulat ≥ 0"
    );
    assert_eq!(Text::from("as given").render(Lang::Id), "as given");
}
