//! `lapor-bridge check-config`: the configuration loaded and validated, then checked against
//! what only the store knows (LAPOR!'s cached reference data), then its warnings.

use std::path::Path;

use crate::config::{self, problem_report, summary, Config, ConfigErrors, ConfigProblem};
use crate::forward::reference::cached_reference_problems;
use crate::store::Store;

/// For `lapor-bridge check-config --config FILE`: the report to print and whether the
/// configuration is usable. On success the report starts with one line, `config OK: …` with a
/// summary, followed by any warnings (with `strict`, warnings make it unusable); otherwise a
/// header line and every problem, one per line, with its key path. Secrets never appear in it.
pub fn check_config(path: &Path, strict: bool) -> (String, bool) {
    let config = match config::load(path) {
        Ok(c) => c,
        Err(errors) => return (problem_report(path, &errors), false),
    };
    let problems = cached_reference_problems(&config);
    if !problems.is_empty() {
        return (problem_report(path, &ConfigErrors { problems }), false);
    }
    let mut warned: Vec<ConfigProblem> = reference_unchecked(&config).into_iter().collect();
    warned.extend(config::warnings(&config));
    if warned.is_empty() {
        return (format!("config OK: {}", summary(&config)), true);
    }
    if strict {
        let mut r = problem_report(path, &ConfigErrors { problems: warned });
        r.push_str("\n(warnings are errors with --strict)");
        return (r, false);
    }
    let n = warned.len();
    let list: Vec<String> = warned.iter().map(|w| format!("warning: {w}")).collect();
    (
        format!(
            "config OK: {}\n{n} warning{}:\n{}",
            summary(&config),
            if n == 1 { "" } else { "s" },
            list.join("\n")
        ),
        true,
    )
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
            format!(
                "the LAPOR! kategori and instansi ids of the mappings are not checked: no \
                 reference data is cached in {} yet; run `lapor-bridge check-config \
                 --fetch-reference` to fetch GET /kategori and GET /instansi (or start the \
                 service once) and check again",
                path.display()
            ),
        )
    })
}
