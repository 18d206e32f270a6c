//! Reading one stable inbox file: refused whole when too big, else streamed and committed in
//! batches, its bad rows reported, and the file moved to `processed/`.

use std::collections::HashMap;
use std::path::Path;

use jiff::Timestamp;
use serde_json::Value;

use super::identity::{id_digest, row_identity};
use super::rejects::{rejects_path, unique_dest, write_rejects, Rejects};
use super::{io, CsvFolder, CsvFolderError, ScanReport};
use crate::channel::reference_ids;
use crate::domain::RecordKey;
use crate::mapping::declarative::{content_hash_decl, failed_filter};
use crate::store::{Intake, IntakeOutcome};
use crate::wire::csv as wire_csv;
use tracing::warn;

impl CsvFolder {
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
        let reason = crate::t!(
            self.lang,
            "rejects-too-big",
            size = size.to_string(),
            limit = limit.to_string()
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

    pub(super) fn process_file(
        &self,
        path: &Path,
        report: &mut ScanReport,
    ) -> Result<(), CsvFolderError> {
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
            &crate::store::delimiter_setting(&self.channel),
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

    /// `lapor-bridge replay`: a file in `processed/` read again where it is (not moved),
    /// through the same identity and intake as at its first reading; its rejects report is
    /// written anew.
    pub(super) fn reread_processed(
        &self,
        path: &Path,
        report: &mut ScanReport,
    ) -> Result<(), CsvFolderError> {
        let file = open_regular(path).map_err(io(path))?;
        let size = file.metadata().map_err(io(path))?.len();
        if size > self.cfg.max_file_bytes {
            warn!(channel = %self.channel, file = %path.display(), size,
                  "processed file over max_file_bytes not replayed");
            return Ok(());
        }
        let sniffed = wire_csv::sniff(std::io::BufReader::new(file)).map_err(io(path))?;
        let mut rejects = Rejects::new(rejects_path(path), sniffed.delimiter);
        match wire_csv::CsvStream::open(sniffed, &self.cfg.columns, self.cfg.max_row_bytes) {
            Err(e) => {
                rejects.write(vec![(1, e.0)])?;
                report.rejected += 1;
            }
            Ok(stream) => self.commit_stream(stream, &mut rejects, report)?,
        }
        rejects.finish()?;
        report.files += 1;
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
                    bad.push((e.line, self.on_line(e.line, &e.reason)));
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
        self.heartbeat.beat();
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
                    rejects.push((row.line, self.on_line(row.line, &why.to_string())));
                    report.rejected += 1;
                    continue;
                }
            };
            let digest = id_digest(&local_id);
            if let Some(&first) = seen_ids.get(&digest) {
                let why = crate::t!(self.lang, "rejects-duplicate", first = first.to_string());
                rejects.push((row.line, self.on_line(row.line, &why)));
                report.rejected += 1;
                continue;
            }
            seen_ids.insert(digest, row.line);
            if failed_filter(&raw, &self.cfg.filters).is_some() {
                ignored += 1;
                continue;
            }
            let mut raw = raw;
            crate::mapping::minimise::declarative(&self.cfg.mapping, &mut raw);
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
                let why = crate::t!(self.lang, "rejects-held", why = why.join("; "));
                rejects.push((*line, self.on_line(*line, &why)));
                report.held += 1;
            }
            items.push(Intake {
                key,
                raw: raw.to_string(),
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

    /// `baris 3: <why>` / `line 3: <why>`: a rejects report's reason names its line.
    fn on_line(&self, line: u64, why: &str) -> String {
        crate::t!(
            self.lang,
            "rejects-on-line",
            line = line.to_string(),
            why = why.to_string()
        )
    }
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
