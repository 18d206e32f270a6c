//! The retention purge: complaints final in LAPOR! for longer than the retention lose their
//! reporter's personal data ([`scrub_record`](super::scrub::scrub_record), the same values on
//! PostgreSQL), processed CSV files and rejects reports older than it are deleted, and the
//! store is compacted so the bytes are gone from its files (on PostgreSQL, vacuumed: see
//! [`Store::compact_after_purge`] for what that leaves).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use jiff::{SignedDuration, Timestamp};

use super::scrub::ScrubCounts;
use super::PrivacyError;
use crate::runtime::{Heartbeat, Stage, Step};
use crate::store::Store;

/// Records scrubbed per write transaction: short enough not to hold intake up.
pub const BATCH: usize = 200;
/// How often the daemon purges.
pub const INTERVAL: Duration = Duration::from_secs(24 * 3600);

/// When a complaint's data may go: final before `now - days`.
pub fn cutoff(now: Timestamp, days: u64) -> Timestamp {
    let secs = i64::try_from(days).unwrap_or(i64::MAX / 86_400 / 2) * 86_400;
    now.checked_sub(SignedDuration::from_secs(secs))
        .unwrap_or(Timestamp::MIN)
}

/// Records whose personal data the purge removes: LAPOR! status final (`selesai`, `ditolak`,
/// `diarsipkan`) since at or before `cutoff`, not yet scrubbed. On either store
/// ([`Store::purge_qualifying`]).
pub fn qualifying(store: &Store, cutoff: Timestamp) -> Result<Vec<i64>, PrivacyError> {
    Ok(store.purge_qualifying(cutoff)?)
}

/// Regular files in `folders` last modified at or before `cutoff` (processed CSV files and
/// their rejects reports; rejected files and theirs). Missing folders are skipped.
pub fn expired_files(
    folders: &[(String, PathBuf)],
    cutoff: Timestamp,
) -> Result<Vec<PathBuf>, PrivacyError> {
    let limit = SystemTime::UNIX_EPOCH
        + Duration::from_secs(u64::try_from(cutoff.as_second()).unwrap_or(0));
    let mut out = Vec::new();
    for (_, dir) in folders {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(PrivacyError::Folder {
                    path: dir.clone(),
                    source,
                })
            }
        };
        for entry in entries {
            let entry = entry.map_err(|source| PrivacyError::Folder {
                path: dir.clone(),
                source,
            })?;
            let path = entry.path();
            // Never follows a link: only files that are the bridge's own.
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            if meta.modified().is_ok_and(|m| m <= limit) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// What a purge would do.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Plan {
    pub retention_days: u64,
    /// UTC: complaints final at or before this lose their personal data.
    pub cutoff: String,
    pub records: Vec<i64>,
    pub files: Vec<PathBuf>,
}

pub fn plan(
    store: &Store,
    folders: &[(String, PathBuf)],
    days: u64,
    now: Timestamp,
) -> Result<Plan, PrivacyError> {
    let cut = cutoff(now, days);
    Ok(Plan {
        retention_days: days,
        cutoff: crate::time::db(cut),
        records: qualifying(store, cut)?,
        files: expired_files(folders, cut)?,
    })
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Outcome {
    pub records: usize,
    pub rows: ScrubCounts,
    pub files_deleted: usize,
    /// Files that could not be deleted, with why (paths are the bridge's folders).
    pub file_errors: Vec<String>,
    pub compacted: bool,
}

/// Carries `plan` out: scrubs in batches of [`BATCH`], one transaction each (each record
/// also gets a `personal_data_purged` event naming the retention), deletes the files, then
/// compacts the store ([`Store::compact_after_purge`]: on PostgreSQL a `VACUUM`). On either
/// store.
pub fn execute(store: &Store, plan: &Plan) -> Result<Outcome, PrivacyError> {
    let mut out = Outcome::default();
    let detail = format!(
        "personal data removed: final in LAPOR! longer than the retention of {} days",
        plan.retention_days
    );
    for batch in plan.records.chunks(BATCH) {
        let (records, counts) = store.purge_batch(batch, &detail, Timestamp::now())?;
        out.rows.add(&counts);
        out.records += records;
    }
    for f in &plan.files {
        match std::fs::remove_file(f) {
            Ok(()) => out.files_deleted += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => out.file_errors.push(format!("{}: {e}", f.display())),
        }
    }
    if out.records > 0 {
        store.compact_after_purge()?;
        out.compacted = true;
    }
    Ok(out)
}

/// The daemon's daily purge (`privacy-purge`), with `[privacy] retention_days`.
pub struct PurgeStage {
    store: Store,
    retention_days: u64,
    folders: Vec<(String, PathBuf)>,
    pub heartbeat: Arc<Heartbeat>,
}

impl PurgeStage {
    pub fn new(store: Store, cfg: &crate::config::Config) -> Self {
        let folders = cfg
            .channels
            .iter()
            .filter_map(|ch| match &ch.kind {
                crate::config::ChannelKind::CsvFolder(f) => Some([
                    (ch.name.to_string(), f.processed.clone()),
                    (ch.name.to_string(), f.rejected.clone()),
                ]),
                _ => None,
            })
            .flatten()
            .collect();
        PurgeStage {
            store,
            retention_days: cfg.privacy.retention_days,
            folders,
            heartbeat: Arc::new(Heartbeat::default()),
        }
    }
}

impl Stage for PurgeStage {
    fn name(&self) -> String {
        "privacy-purge".into()
    }

    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            // On the blocking pool: a first purge of an old store scrubs for minutes.
            let (folders, days) = (self.folders.clone(), self.retention_days);
            let done = self
                .store
                .blocking(move |store| {
                    Ok(plan(store, &folders, days, Timestamp::now())
                        .and_then(|p| execute(store, &p)))
                })
                .await
                .map_err(PrivacyError::from)
                .and_then(|r| r);
            // Counts only: never a name, number or file name in the log.
            match done {
                Ok(o) => tracing::info!(
                    records = o.records,
                    files_deleted = o.files_deleted,
                    files_not_deleted = o.file_errors.len(),
                    retention_days = self.retention_days,
                    "privacy purge done"
                ),
                Err(e) => tracing::warn!(error = %e, "privacy purge failed; next try in a day"),
            }
            Step::Idle(INTERVAL)
        })
    }
}

#[cfg(test)]
#[path = "purge_tests.rs"]
mod tests;
