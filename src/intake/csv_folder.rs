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

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use jiff::Timestamp;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::Notify;
use tracing::{info, warn};

use crate::channel::{reference_ids, Mappers};
use crate::config::{normalise_key, CsvFolderConfig};
use crate::domain::{ChannelName, RecordKey};
use crate::mapping::declarative::{content_hash_decl, failed_filter, parse_dd_mm_yyyy};
use crate::mapping::normalise_phone;
use crate::shutdown::Shutdown;
use crate::store::{Intake, IntakeOutcome, Store, StoreError};
use crate::wire::csv as wire_csv;

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
        }
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

    /// Scans until shutdown, one scan per `scan_interval`.
    pub async fn run(self: Arc<Self>, mut shutdown: Shutdown) {
        loop {
            let me = self.clone();
            match tokio::task::spawn_blocking(move || me.scan_once(SystemTime::now())).await {
                Ok(Ok(r)) if r.files > 0 || r.refused > 0 => info!(
                    channel = %self.channel, files = r.files, new = r.new, updated = r.updated,
                    held = r.held, rejected = r.rejected, refused = r.refused,
                    "CSV files processed"
                ),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    warn!(channel = %self.channel, error = %e, "CSV folder scan failed; next scan retries")
                }
                Err(e) => warn!(channel = %self.channel, error = %e, "CSV folder scan panicked"),
            }
            if shutdown.sleep(self.cfg.scan_interval).await {
                return;
            }
        }
    }

    /// One look at the inbox at time `now`: files stable for `stable_for` are processed.
    pub fn scan_once(&self, now: SystemTime) -> Result<ScanReport, CsvFolderError> {
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
        let what = file_kind(kind);
        warn!(
            channel = %self.channel, file = %name, kind = what,
            "inbox entry is not a regular file and is not read; copy the export itself into the inbox"
        );
        report.not_regular += 1;
        std::fs::create_dir_all(&self.cfg.rejected).map_err(io(&self.cfg.rejected))?;
        let rpath = rejects_path(&self.cfg.rejected.join(name));
        let reason = format!(
            "baris 1: {name} is {what}, not a regular file: it is not read; copy the export itself into the inbox"
        );
        write_rejects(&rpath, b';', &[(1, reason)])
    }

    /// Moves a file over `max_file_bytes` to `rejected/` untouched, with a report saying why.
    fn refuse_oversize(
        &self,
        path: &Path,
        size: u64,
        report: &mut ScanReport,
    ) -> Result<(), CsvFolderError> {
        let limit = self.cfg.max_file_bytes;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Only the start is looked at, for the delimiter the forum team's report should use.
        let delimiter = std::fs::File::open(path)
            .and_then(wire_csv::sniff)
            .map_or(b';', |s| s.delimiter);
        std::fs::create_dir_all(&self.cfg.rejected).map_err(io(&self.cfg.rejected))?;
        let dest = unique_dest(&self.cfg.rejected, path);
        let reason = format!(
            "baris 1: the file is {size} bytes, over the limit of {limit} bytes (max_file_bytes): nothing in it was taken in; split the export into smaller files and drop them again, or raise max_file_bytes"
        );
        write_rejects(&rejects_path(&dest), delimiter, &[(1, reason)])?;
        std::fs::rename(path, &dest).map_err(io(path))?;
        warn!(
            channel = %self.channel, file = %name, size, max_file_bytes = limit,
            moved_to = %dest.display(),
            "CSV file over max_file_bytes refused whole, nothing taken in; split the export or raise max_file_bytes"
        );
        report.refused += 1;
        Ok(())
    }

    fn process_file(&self, path: &Path, report: &mut ScanReport) -> Result<(), CsvFolderError> {
        let file = open_regular(path).map_err(io(path))?;
        let size = file.metadata().map_err(io(path))?.len();
        if size > self.cfg.max_file_bytes {
            drop(file);
            return self.refuse_oversize(path, size, report);
        }
        let sniffed = wire_csv::sniff(std::io::BufReader::new(file)).map_err(io(path))?;
        let delimiter = sniffed.delimiter;
        // The status file the forum team reads uses the delimiter of their latest export.
        let _ = self.store.set_setting(
            &crate::config::delimiter_setting(&self.channel),
            &(delimiter as char).to_string(),
        );
        std::fs::create_dir_all(&self.cfg.processed).map_err(io(&self.cfg.processed))?;
        let dest = unique_dest(&self.cfg.processed, path);
        let mut rejects = Rejects::new(rejects_path(&dest), delimiter);
        match wire_csv::CsvStream::open(sniffed, &self.cfg.columns, self.cfg.max_row_bytes) {
            Err(e) => {
                rejects.write(vec![(1, e.0)])?;
                report.rejected += 1;
            }
            Ok(stream) => self.commit_stream(stream, &mut rejects, report)?,
        }
        rejects.finish()?;
        std::fs::rename(path, &dest).map_err(io(path))?;
        Ok(())
    }

    /// Commits the rows in batches of [`BATCH`], so only a batch is in memory at a time; the
    /// rejects are written as each batch is done.
    fn commit_stream<R: std::io::Read>(
        &self,
        stream: wire_csv::CsvStream<R>,
        rejects: &mut Rejects,
        report: &mut ScanReport,
    ) -> Result<(), CsvFolderError> {
        let now = Timestamp::now();
        let reference = reference_ids(&self.store)?;
        // Row identities already seen in this file, as 128-bit digests (collisions are
        // out of reach): the one thing kept per row, so it is kept small.
        let mut seen_ids: HashMap<u128, u64> = HashMap::new();
        let mut rows = Vec::with_capacity(BATCH);
        let mut bad: Vec<(u64, String)> = Vec::new();
        let mut items = stream.peekable();
        while let Some(item) = items.next() {
            match item {
                Ok(row) => rows.push(row),
                Err(e) => {
                    bad.push((e.line, format!("baris {}: {}", e.line, e.reason)));
                    report.rejected += 1;
                }
            }
            if rows.len() + bad.len() >= BATCH || items.peek().is_none() {
                let batch = std::mem::take(&mut rows);
                self.commit_batch(batch, &mut seen_ids, &reference, now, &mut bad, report)?;
                bad.sort();
                rejects.write(std::mem::take(&mut bad))?;
            }
        }
        Ok(())
    }

    fn commit_batch(
        &self,
        rows: Vec<wire_csv::CsvRow>,
        seen_ids: &mut HashMap<u128, u64>,
        reference: &crate::mapping::ReferenceIds,
        now: Timestamp,
        rejects: &mut Vec<(u64, String)>,
        report: &mut ScanReport,
    ) -> Result<(), CsvFolderError> {
        let mut prepared: Vec<(u64, RecordKey, Value)> = Vec::new();
        let mut ignored = 0u32;
        for row in rows {
            let raw = Value::Object(
                row.fields
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            );
            let local_id = match row_identity(&raw, &self.cfg.id, &self.cfg.id_person) {
                Ok(id) => id,
                Err(why) => {
                    rejects.push((row.line, format!("baris {}: {why}", row.line)));
                    report.rejected += 1;
                    continue;
                }
            };
            let digest = id_digest(&local_id);
            if let Some(&first) = seen_ids.get(&digest) {
                rejects.push((
                    row.line,
                    format!("baris {}: the same row (no, tanggal, reporter) as line {first}; only the first is taken", row.line),
                ));
                report.rejected += 1;
                continue;
            }
            seen_ids.insert(digest, row.line);
            if failed_filter(&raw, &self.cfg.filters).is_some() {
                ignored += 1;
                continue;
            }
            prepared.push((
                row.line,
                RecordKey::new(self.channel.clone(), local_id),
                raw,
            ));
        }
        if ignored > 0 {
            report.ignored += ignored;
            self.store
                .bump_counter(&format!("{}.ignored", self.channel), u64::from(ignored))?;
        }
        if prepared.is_empty() {
            return Ok(());
        }
        let mut items = Vec::with_capacity(prepared.len());
        for (line, key, raw) in &prepared {
            let mapped = self.mappers.map(key, raw, reference, now);
            let reported_at = mapped
                .as_ref()
                .ok()
                .and_then(|m| crate::mapping::validate::parse_rfc3339(&m.payload.waktu_lapor))
                .map(|(t, _)| t);
            let verdict = mapped.map(|m| m.notes);
            if let Err(problems) = &verdict {
                let why: Vec<String> = problems.iter().map(ToString::to_string).collect();
                rejects.push((
                    *line,
                    format!("baris {line}: held, not sent to LAPOR!: {}", why.join("; ")),
                ));
                report.held += 1;
            }
            items.push(Intake {
                key,
                raw,
                content_hash: content_hash_decl(&self.cfg.mapping, raw),
                reported_at,
                mapping: verdict,
            });
        }
        let outcomes = self.store.intake(&items, None, now)?;
        for o in outcomes {
            match o {
                IntakeOutcome::New => report.new += 1,
                IntakeOutcome::Updated | IntakeOutcome::Requeued => report.updated += 1,
                IntakeOutcome::Unchanged => report.unchanged += 1,
                IntakeOutcome::EditedAfterForward => report.edited_after_forward += 1,
            }
            if matches!(
                o,
                IntakeOutcome::New | IntakeOutcome::Updated | IntakeOutcome::Requeued
            ) {
                if let Some(w) = &self.wake {
                    w.notify_one();
                }
            }
        }
        Ok(())
    }
}

fn id_digest(id: &str) -> u128 {
    let d = Sha256::digest(id.as_bytes());
    u128::from_be_bytes(d[..16].try_into().expect("SHA-256 has 32 bytes"))
}

/// Rows committed and reported per batch: bounds memory whatever the file's size, while
/// keeping the store's transactions few.
const BATCH: usize = 1000;

/// Opens a regular file for reading without following a symlink and without blocking on a
/// FIFO, in case the entry was replaced since it was looked at.
fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok(file)
}

fn file_kind(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_symlink() {
        "a symbolic link"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() || t.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// The `<file>.rejects.csv` report, written as the file is read and only created when there
/// is something to report.
struct Rejects {
    path: PathBuf,
    delimiter: u8,
    writer: Option<::csv::Writer<std::fs::File>>,
}

impl Rejects {
    fn new(path: PathBuf, delimiter: u8) -> Self {
        Self {
            path,
            delimiter,
            writer: None,
        }
    }

    fn write(&mut self, rows: Vec<(u64, String)>) -> Result<(), CsvFolderError> {
        if rows.is_empty() {
            return Ok(());
        }
        let path = &self.path;
        let w = match &mut self.writer {
            Some(w) => w,
            None => {
                let f = std::fs::File::create(path).map_err(io(path))?;
                let mut w = ::csv::WriterBuilder::new()
                    .delimiter(self.delimiter)
                    .from_writer(f);
                w.write_record(["baris", "alasan"]).map_err(csv_io(path))?;
                self.writer.insert(w)
            }
        };
        for (line, reason) in rows {
            w.write_record([line.to_string(), reason])
                .map_err(csv_io(path))?;
        }
        Ok(())
    }

    fn finish(self) -> Result<(), CsvFolderError> {
        if let Some(mut w) = self.writer {
            w.flush().map_err(io(&self.path))?;
        }
        Ok(())
    }
}

fn write_rejects(path: &Path, delimiter: u8, rows: &[(u64, String)]) -> Result<(), CsvFolderError> {
    let mut r = Rejects::new(path.to_owned(), delimiter);
    r.write(rows.to_vec())?;
    r.finish()
}

fn csv_io(path: &Path) -> impl FnOnce(::csv::Error) -> CsvFolderError + '_ {
    move |e| CsvFolderError::Io {
        path: path.to_owned(),
        source: std::io::Error::other(e),
    }
}

/// The stable identity of a row; see the module documentation.
pub fn row_identity(raw: &Value, id: &[String], person: &[String]) -> Result<String, String> {
    let get = |c: &str| {
        raw.get(c)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
    };
    let mut parts = Vec::with_capacity(id.len() + 1);
    for c in id {
        let v = get(c);
        if v.is_empty() {
            return Err(format!("column {c} is empty: the row cannot be identified"));
        }
        let part = match parse_dd_mm_yyyy(v) {
            Some(d) => d.strftime("%Y%m%d").to_string(),
            None if v.contains('/') => {
                return Err(format!("column {c} is not a date DD/MM/YYYY"));
            }
            None => v
                .chars()
                .filter(|ch| ch.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect(),
        };
        if part.is_empty() || part.len() > 40 {
            return Err(format!("column {c} is not a usable identifier"));
        }
        parts.push(part);
    }
    let who = person
        .iter()
        .map(|c| (c, get(c)))
        .find(|(_, v)| !v.is_empty());
    let digest = match who {
        None => "anon".to_owned(),
        Some((_, v)) => {
            let norm = normalise_phone(v).unwrap_or_else(|| normalise_key(v));
            hex::encode(&Sha256::digest(norm.as_bytes())[..4])
        }
    };
    parts.push(digest);
    Ok(parts.join("-"))
}

/// `processed/<name>`, or `processed/<stem>.<n>.<ext>` when that name is taken: a file is never
/// overwritten or deleted.
fn unique_dest(dir: &Path, path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let first = dir.join(&name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_owned(), format!(".{e}")),
        None => (name.clone(), String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem}.{n}{ext}")))
        .find(|p| !p.exists() && !rejects_path(p).exists())
        .expect("some name is free")
}

/// `<file>.rejects.csv` beside `file`.
pub fn rejects_path(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".rejects.csv");
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(v: Value) -> Result<String, String> {
        let cols = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        row_identity(&v, &cols(&["no", "tanggal"]), &cols(&["telepon", "nama"]))
    }

    #[test]
    fn the_identity_survives_reformatting_and_content_corrections() {
        let a = id(
            json!({"no": "12", "tanggal": "29/07/2024", "telepon": "0812-3456-7890", "nama": "Budi", "uraian": "a"}),
        );
        let b = id(
            json!({"no": " 12 ", "tanggal": "29/7/2024", "telepon": "+62 812 3456 7890", "nama": "BUDI S.", "uraian": "b"}),
        );
        assert_eq!(a, b);
        assert!(a.unwrap().starts_with("12-20240729-"));
        // Without a phone, the name (case and spaces ignored) identifies the reporter.
        let c =
            id(json!({"no": "3", "tanggal": "01/08/2024", "telepon": "", "nama": "Siti  Aminah"}));
        let d =
            id(json!({"no": "3", "tanggal": "01/08/2024", "telepon": " ", "nama": "siti aminah"}));
        assert_eq!(c, d);
        // Another reporter on the same day with the same number is another row.
        let e = id(json!({"no": "3", "tanggal": "01/08/2024", "telepon": "", "nama": "Ani"}));
        assert_ne!(c, e);
    }

    #[test]
    fn rows_without_an_identity_are_refused_with_the_reason() {
        assert!(id(json!({"no": "", "tanggal": "29/07/2024"}))
            .unwrap_err()
            .contains("column no is empty"));
        assert!(id(json!({"no": "1", "tanggal": "31/02/2024"}))
            .unwrap_err()
            .contains("DD/MM/YYYY"));
        assert!(id(json!({"no": "1", "tanggal": "29/07/2024"}))
            .unwrap()
            .ends_with("-anon"));
    }

    #[test]
    fn processed_names_are_never_reused() {
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("a.csv");
        assert_eq!(unique_dest(d.path(), &src), d.path().join("a.csv"));
        std::fs::write(d.path().join("a.csv"), "x").unwrap();
        assert_eq!(unique_dest(d.path(), &src), d.path().join("a.2.csv"));
        std::fs::write(rejects_path(&d.path().join("a.2.csv")), "x").unwrap();
        assert_eq!(unique_dest(d.path(), &src), d.path().join("a.3.csv"));
    }
}
