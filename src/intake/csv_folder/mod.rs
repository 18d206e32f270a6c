//! The CSV drop folder (Ngombe): watches an inbox, reads a file only once it is stable, commits
//! its good rows, reports its bad rows, and moves it to `processed/` (never deletes it).
//!
//! **Stable.** A file is read when two looks at least `stable_for` apart saw the same size and
//! mtime, so a file still being copied is never read half-written. [`CsvFolder::scan_once`]
//! takes the clock as an argument, so tests drive it look by look.
//!
//! **Row identity.** A row's id is `<id columns>-<person digest>`, e.g.
//! `12-20240729-5f3a9c1e`: the `id` columns (`no`, and `tanggal` as `YYYYMMDD`) normalised, then
//! the first 8 hex digits of SHA-256 over the first non-empty `id_person` column (`telepon`
//! normalised to `+62…` when it is a phone number, else `nama` lowercased with spaces collapsed).
//! `no` alone is not enough: the forum numbers rows per sheet, and two exports can reuse a
//! number; `no` + `tanggal` + reporter is what a person would use to say "the same row". The
//! complaint's content (uraian, kategori, opd, wilayah) is not part of it, so a corrected
//! re-export updates the held record (or is recorded as an edit once forwarded) instead of
//! creating a second complaint. The one thing a correction must not change is the reporter's
//! phone (or, without one, name): such a row is, by this rule, a different complaint.
//!
//! **Bad rows.** Rows that cannot be read or identified, and rows that cannot be mapped (held
//! in the store with their reasons), are listed in `<file>.rejects.csv` beside the processed
//! file: `baris` (line), `alasan` (reason), with the file's own delimiter.
//!
//! **Limits.** A file is read as a stream and committed in batches, so memory does not grow
//! with it. A file over `max_file_bytes` is refused whole before a row is read: it is moved to
//! `rejected/` with its rejects report, and logged. A row over `max_row_bytes` is refused with
//! its line and largest column, never stored. Entries that are not regular files (symlinks,
//! FIFOs, …) are never opened: they are logged and reported in `rejected/<name>.rejects.csv`,
//! once each, and left where they are.

mod file;
mod identity;
mod rejects;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use futures::future::BoxFuture;
use tokio::sync::Notify;
use tracing::{info, warn};

use crate::channel::Mappers;
use crate::config::CsvFolderConfig;
use crate::domain::ChannelName;
use crate::i18n::Lang;
use crate::runtime::{Heartbeat, Stage, Step};
use crate::store::{Store, StoreError};
pub use identity::row_identity;
pub use rejects::rejects_path;
use rejects::write_rejects;

#[derive(Debug, thiserror::Error)]
pub enum CsvFolderError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CsvFolderError + '_ {
    move |source| CsvFolderError::Io {
        path: path.to_owned(),
        source,
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ScanReport {
    /// Files read and moved to `processed/`.
    pub files: u32,
    /// Files seen but not stable yet.
    pub waiting: u32,
    pub new: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub edited_after_forward: u32,
    /// Rows committed but held (cannot be mapped); also in the rejects report.
    pub held: u32,
    /// Rows not committed: unreadable or without an identity.
    pub rejected: u32,
    /// Rows a filter excluded.
    pub ignored: u32,
    /// Files over `max_file_bytes`, refused whole and moved to `rejected/`.
    pub refused: u32,
    /// Entries first seen this scan that are not regular files (symlinks, FIFOs, …): not read,
    /// reported once each.
    pub not_regular: u32,
}

#[derive(Clone, Copy, Debug)]
struct Seen {
    size: u64,
    mtime: Option<SystemTime>,
    since: SystemTime,
}

pub struct CsvFolder {
    channel: ChannelName,
    cfg: CsvFolderConfig,
    store: Store,
    mappers: Mappers,
    wake: Option<Arc<Notify>>,
    seen: Mutex<HashMap<PathBuf, Seen>>,
    /// Non-regular entries already reported, so each is reported once, not every scan.
    flagged: Mutex<HashSet<PathBuf>>,
    /// Beaten per batch of rows, so a long file is progress and a stuck one is wedged.
    pub heartbeat: Arc<Heartbeat>,
    /// The language of the rejects reports, which the forum's team reads (`[ui] language`).
    lang: Lang,
}

impl CsvFolder {
    pub fn new(channel: ChannelName, cfg: CsvFolderConfig, store: Store, mappers: Mappers) -> Self {
        Self {
            channel,
            cfg,
            store,
            mappers,
            wake: None,
            seen: Mutex::default(),
            flagged: Mutex::default(),
            heartbeat: Arc::default(),
            lang: Lang::default(),
        }
    }

    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    pub fn with_waker(mut self, wake: Arc<Notify>) -> Self {
        self.wake = Some(wake);
        self
    }

    pub fn channel(&self) -> &ChannelName {
        &self.channel
    }

    pub fn inbox(&self) -> &Path {
        &self.cfg.inbox
    }

    pub fn processed_dir(&self) -> &Path {
        &self.cfg.processed
    }

    pub fn rejected_dir(&self) -> &Path {
        &self.cfg.rejected
    }

    /// One look at the inbox at time `now`: files stable for `stable_for` are processed.
    /// A pending `lapor-bridge replay` of the channel is honoured first.
    pub fn scan_once(&self, now: SystemTime) -> Result<ScanReport, CsvFolderError> {
        self.replay_pending()?;
        let mut report = ScanReport::default();
        std::fs::create_dir_all(&self.cfg.inbox).map_err(io(&self.cfg.inbox))?;
        let mut present = Vec::new();
        for entry in std::fs::read_dir(&self.cfg.inbox).map_err(io(&self.cfg.inbox))? {
            let entry = entry.map_err(io(&self.cfg.inbox))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_csv = name.to_lowercase().ends_with(".csv");
            // Spreadsheet lock files (.~lock…, ~$…) and hidden files are not exports.
            if !is_csv || name.starts_with('.') || name.starts_with('~') {
                continue;
            }
            // lstat: a symlink is looked at, not followed, and a FIFO is never opened (that
            // would block the scan until something writes to it).
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            present.push(path.clone());
            if meta.is_dir() {
                continue;
            }
            if !meta.is_file() {
                self.flag_not_regular(&path, &name, meta.file_type(), &mut report)?;
                continue;
            }
            let now_seen = Seen {
                size: meta.len(),
                mtime: meta.modified().ok(),
                since: now,
            };
            let stable = {
                let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
                match seen.get(&path) {
                    Some(s) if s.size == now_seen.size && s.mtime == now_seen.mtime => now
                        .duration_since(s.since)
                        .is_ok_and(|d| d >= self.cfg.stable_for),
                    _ => {
                        seen.insert(path.clone(), now_seen);
                        false
                    }
                }
            };
            if !stable {
                report.waiting += 1;
                continue;
            }
            let refused = report.refused;
            self.process_file(&path, &mut report)?;
            self.seen
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&path);
            if report.refused == refused {
                report.files += 1;
            }
        }
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|p, _| present.contains(p));
        self.flagged
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|p| present.contains(p));
        Ok(report)
    }

    /// A pending replay: the processed files (not their rejects reports) modified since the
    /// requested time, read again in name order; the outcome recorded, the request cleared.
    fn replay_pending(&self) -> Result<(), CsvFolderError> {
        let Some(request) = self.store.replay_request(&self.channel)? else {
            return Ok(());
        };
        let since = crate::time::parse_db(&request.since).map(|t| {
            SystemTime::UNIX_EPOCH
                + std::time::Duration::from_millis(t.as_millisecond().max(0) as u64)
        });
        let dir = &self.cfg.processed;
        let mut files = Vec::new();
        if dir.is_dir() {
            for entry in std::fs::read_dir(dir).map_err(io(dir))? {
                let entry = entry.map_err(io(dir))?;
                let name = entry.file_name().to_string_lossy().to_lowercase();
                if !name.ends_with(".csv") || name.ends_with(".rejects.csv") {
                    continue;
                }
                let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
                    continue;
                };
                let modified = meta.modified().ok();
                if meta.is_file() && since.is_none_or(|s| modified.is_some_and(|m| m >= s)) {
                    files.push(entry.path());
                }
            }
        }
        files.sort();
        info!(channel = %self.channel, files = files.len(), since = %request.since,
              "replaying processed CSV files (lapor-bridge replay)");
        let mut r = ScanReport::default();
        for path in &files {
            self.reread_processed(path, &mut r)?;
        }
        let done = crate::store::replay::ReplayDone {
            request,
            finished_at: crate::time::db(jiff::Timestamp::now()),
            new: r.new,
            updated: r.updated,
            unchanged: r.unchanged,
            edited_after_forward: r.edited_after_forward,
            requeued: 0,
            files: r.files,
        };
        self.store.finish_replay(&self.channel, &done)?;
        info!(channel = %self.channel, files = r.files, new = r.new, updated = r.updated,
              edited_after_forward = r.edited_after_forward, "CSV replay finished");
        Ok(())
    }

    /// Reports a non-regular inbox entry once (log and `rejected/<name>.rejects.csv`); it
    /// stays where it is, unread.
    fn flag_not_regular(
        &self,
        path: &Path,
        name: &str,
        kind: std::fs::FileType,
        report: &mut ScanReport,
    ) -> Result<(), CsvFolderError> {
        if !self
            .flagged
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_owned())
        {
            return Ok(());
        }
        let (what, selector) = file_kind(kind);
        warn!(
            channel = %self.channel, file = %name, kind = what,
            "inbox entry is not a regular file and is not read; copy the export itself into the inbox"
        );
        report.not_regular += 1;
        std::fs::create_dir_all(&self.cfg.rejected).map_err(io(&self.cfg.rejected))?;
        let rpath = rejects_path(&self.cfg.rejected.join(name));
        let reason = crate::t!(
            self.lang,
            "rejects-not-regular",
            name = name.to_string(),
            what = selector
        );
        write_rejects(&rpath, b';', &[(1, reason)])
    }
}

/// The folder as a stage: one scan per `scan_interval`, off the async threads (a scan reads
/// whole files).
pub struct Scanner(pub Arc<CsvFolder>);

impl Stage for Scanner {
    fn name(&self) -> String {
        format!("csv:{}", self.0.channel)
    }

    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            let me = self.0.clone();
            let channel = &self.0.channel;
            match tokio::task::spawn_blocking(move || me.scan_once(SystemTime::now())).await {
                Ok(Ok(r)) => {
                    self.0.heartbeat.success();
                    if r.files > 0 || r.refused > 0 {
                        info!(
                            channel = %channel, files = r.files, new = r.new, updated = r.updated,
                            held = r.held, rejected = r.rejected, refused = r.refused,
                            "CSV files processed"
                        );
                    }
                }
                Ok(Err(e)) => {
                    warn!(channel = %channel, error = %e, "CSV folder scan failed; next scan retries")
                }
                Err(e) => warn!(channel = %channel, error = %e, "CSV folder scan panicked"),
            }
            Step::Idle(self.0.cfg.scan_interval)
        })
    }
}

/// The kind of a non-regular inbox entry: its name in the log, and the selector of the
/// rejects report's `rejects-not-regular`.
fn file_kind(t: std::fs::FileType) -> (&'static str, &'static str) {
    use std::os::unix::fs::FileTypeExt;
    if t.is_symlink() {
        ("a symbolic link", "symlink")
    } else if t.is_fifo() {
        ("a FIFO (named pipe)", "fifo")
    } else if t.is_socket() {
        ("a socket", "socket")
    } else if t.is_block_device() || t.is_char_device() {
        ("a device", "device")
    } else {
        ("not a regular file", "other")
    }
}
