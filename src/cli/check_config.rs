//! `lapor-bridge check-config`: the configuration loaded and validated, then checked against
//! what only the store knows (LAPOR!'s cached reference data), then its warnings.

use std::path::Path;

use crate::config::{
    self, msg, problem_report_in, summary_lines, Config, ConfigErrors, ConfigProblem,
};
use crate::forward::reference::cached_reference_problems;
use crate::i18n::format::{wrap, LINE_WIDTH};
use crate::i18n::Lang;
use crate::store::Store;
use crate::t;

/// For `lapor-bridge check-config --config FILE`: the report to print, in `lang`, and whether
/// the configuration is usable. On success the report starts with one line, `config OK: …`
/// (`konfigurasi OK: …`), then the rest of the summary and any warnings (with `strict`,
/// warnings make it unusable); otherwise a header line and every problem with its key path.
/// Every line fits 100 columns; secrets never appear in it.
pub fn check_config(lang: Lang, path: &Path, strict: bool) -> (String, bool) {
    let config = match config::load(path) {
        Ok(c) => c,
        Err(errors) => return (problem_report_in(lang, path, &errors), false),
    };
    let problems = cached_reference_problems(&config);
    if !problems.is_empty() {
        return (
            problem_report_in(lang, path, &ConfigErrors { problems }),
            false,
        );
    }
    let mut warned: Vec<ConfigProblem> = reference_unchecked(&config).into_iter().collect();
    warned.extend(config::warnings(&config));
    let summary = summary_lines(lang, &config).join("\n");
    if warned.is_empty() {
        return (summary, true);
    }
    if strict {
        let mut r = problem_report_in(lang, path, &ConfigErrors { problems: warned });
        r.push('\n');
        r.push_str(&t!(lang, "check-strict-note"));
        return (r, false);
    }
    let mut out = vec![summary, t!(lang, "check-warnings-header", n = warned.len())];
    out.extend(warned.iter().map(|w| {
        let line = t!(lang, "check-warning", problem = w.line(lang));
        wrap(&line, LINE_WIDTH, 4)
    }));
    (out.join("\n"), true)
}

/// The LAPOR! kategori and instansi ids in the mappings are checked against the reference data
/// the daemon caches in the store; before its first start there is none.
fn reference_unchecked(config: &Config) -> Option<ConfigProblem> {
    let path = &config.store.path;
    let cached = path.exists()
        && Store::open_read_only(path)
            .and_then(|s| Ok(!s.reference_ids("kategori")?.is_empty()))
            .unwrap_or(false);
    (!cached).then(|| {
        ConfigProblem::new(
            "store.path",
            msg!("check-reference-unchecked", path = path.display()),
        )
    })
}
