//! `lapor-bridge status`: one screen for an operator. Queue figures come from the store,
//! opened read-only (SQLite WAL lets it read while the daemon writes); the daemon's own view
//! (LAPOR! health, each channel's last successful poll, wedged loops) comes from the snapshot
//! the daemon refreshes in the store every few seconds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::Timestamp;

use super::fit;
use super::status_render::Facts;
use crate::i18n::Lang;
use crate::service::state::{Snapshot, SNAPSHOT_KEY};
use crate::store::Store;
use crate::t;

pub fn run(config: &Path, store: Option<PathBuf>) -> ExitCode {
    let lang = crate::i18n::process_lang();
    let opened = super::store_path(config, store)
        .and_then(|p| super::open_existing(&p, false).map(|s| (p, s)));
    let (path, store) = match opened {
        Ok(o) => o,
        Err(e) => {
            fit::eprintln(&e);
            return ExitCode::from(2);
        }
    };
    match render_in(&store, &path, Timestamp::now(), lang) {
        Ok(text) => {
            fit::print(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            let path = path.display().to_string();
            let error = super::store_error(lang, &e);
            fit::eprintln(&t!(lang, "status-cannot-read", path = path, error = error));
            ExitCode::from(1)
        }
    }
}

/// The screen, as text, in this process's language.
pub fn render(
    store: &Store,
    path: &Path,
    now: Timestamp,
) -> Result<String, crate::store::StoreError> {
    render_in(store, path, now, crate::i18n::process_lang())
}

/// The screen, as text, in `lang` (rendered by `status_render`).
pub fn render_in(
    store: &Store,
    path: &Path,
    now: Timestamp,
    lang: Lang,
) -> Result<String, crate::store::StoreError> {
    let queues = store.channel_queues()?;
    let snapshot: Option<Snapshot> = store
        .setting(SNAPSHOT_KEY)?
        .and_then(|s| serde_json::from_str(&s).ok());
    let writeback_counts = store.writeback_counts()?;
    let writeback_lag = if writeback_counts.is_empty() {
        Vec::new()
    } else {
        store.writeback_lag(now)?
    };
    let facts = Facts {
        queues,
        snapshot,
        writeback_counts,
        writeback_lag,
    };
    Ok(super::status_render::screen(lang, &facts, path, now))
}
