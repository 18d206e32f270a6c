//! A `kind = "csv_folder"` channel: spreadsheet exports dropped in an inbox (Ngombe).

use crate::config::text::{msg, q};
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::decl::{filters, validate_decl, DeclMapping, Filter, RawFilter};
use super::source::PathRule;
use crate::config::ctx::{join, Ctx};

/// A `kind = "csv_folder"` channel.
#[derive(Clone, Debug)]
pub struct CsvFolderConfig {
    pub inbox: PathBuf,
    /// Where processed files are moved (never deleted); default `<inbox>/processed`.
    pub processed: PathBuf,
    /// Where files refused whole (over `max_file_bytes`) are moved, with their rejects
    /// report, and where non-regular entries are reported; default `<inbox>/rejected`.
    pub rejected: PathBuf,
    /// A file larger than this is refused whole, never half taken in.
    pub max_file_bytes: u64,
    /// A row whose fields hold more bytes than this is refused, not stored.
    pub max_row_bytes: usize,
    /// A file is read only once its size and mtime stayed the same for this long.
    pub stable_for: Duration,
    pub scan_interval: Duration,
    /// The header the export has, in order.
    pub columns: Vec<String>,
    /// Columns that identify a row across re-exports (e.g. `no`, `tanggal`).
    pub id: Vec<String>,
    /// Columns identifying the reporter, first non-empty wins (e.g. `telepon`, `nama`): a
    /// digest of it joins the id so that a reused `no` on the same day is not a collision.
    pub id_person: Vec<String>,
    pub filters: Vec<Filter>,
    pub mapping: DeclMapping,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCsv {
    inbox: Option<String>,
    processed: Option<String>,
    rejected: Option<String>,
    max_file_bytes: Option<u64>,
    max_row_bytes: Option<u64>,
    stable_secs: Option<u64>,
    scan_interval_ms: Option<u64>,
    columns: Option<Vec<String>>,
    id: Option<Vec<String>>,
    id_person: Option<Vec<String>>,
    filters: Option<Vec<RawFilter>>,
    mapping: Option<Value>,
}

/// `max_file_bytes` when left out: 20 MiB, a year of the forum's exports many times over.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// `max_row_bytes` when left out: 64 KiB, far more than any complaint's text.
pub const DEFAULT_MAX_ROW_BYTES: u64 = 64 * 1024;

pub(crate) fn validate_csv(table: Value, key: &[String], ctx: &mut Ctx) -> Option<CsvFolderConfig> {
    let raw: RawCsv = ctx.deserialize(table, key).unwrap_or_default();
    let sub = |s: &str| join(key, &[s]);
    let inbox = match raw.inbox {
        None => {
            ctx.missing(&sub("inbox"), msg!("config-csv-inbox-missing"));
            None
        }
        Some(p) if p.trim().is_empty() => {
            ctx.problem(&sub("inbox"), msg!("config-csv-inbox-empty"));
            None
        }
        // Relative to the daemon's working directory, like store.path.
        Some(p) => Some(PathBuf::from(p)),
    };
    let processed = match (raw.processed, &inbox) {
        (Some(p), _) if !p.trim().is_empty() => Some(PathBuf::from(p)),
        (Some(_), _) => {
            ctx.problem(
                &sub("processed"),
                msg!("config-csv-folder-empty", default = "<inbox>/processed"),
            );
            None
        }
        (None, Some(i)) => Some(i.join("processed")),
        (None, None) => None,
    };
    let rejected = match (raw.rejected, &inbox) {
        (Some(p), _) if !p.trim().is_empty() => Some(PathBuf::from(p)),
        (Some(_), _) => {
            ctx.problem(
                &sub("rejected"),
                msg!("config-csv-folder-empty", default = "<inbox>/rejected"),
            );
            None
        }
        (None, Some(i)) => Some(i.join("rejected")),
        (None, None) => None,
    };
    // Bounds: a file is streamed, but a row is held whole while it is read, and a limit
    // past a gigabyte is no limit on a small server.
    let max_file = raw.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES);
    let max_file_bytes = if (1024..=1024 * 1024 * 1024).contains(&max_file) {
        Some(max_file)
    } else {
        ctx.problem(
            &sub("max_file_bytes"),
            msg!(
                "config-out-of-range-short",
                value = max_file,
                min = 1024,
                max = 1_073_741_824
            ),
        );
        None
    };
    // Left out, it never exceeds the file limit (a small max_file_bytes is enough to set).
    let max_row = raw
        .max_row_bytes
        .unwrap_or(DEFAULT_MAX_ROW_BYTES.min(max_file));
    let max_row_bytes = if !(1024..=16 * 1024 * 1024).contains(&max_row) {
        ctx.problem(
            &sub("max_row_bytes"),
            msg!(
                "config-out-of-range-short",
                value = max_row,
                min = 1024,
                max = 16_777_216
            ),
        );
        None
    } else if max_row > max_file {
        ctx.problem(
            &sub("max_row_bytes"),
            msg!(
                "config-csv-row-too-large",
                value = max_row,
                max_file = max_file
            ),
        );
        None
    } else {
        Some(max_row as usize)
    };
    let stable = raw.stable_secs.unwrap_or(5);
    if stable == 0 {
        ctx.problem(&sub("stable_secs"), msg!("config-csv-stable-zero"));
    }
    let scan = raw.scan_interval_ms.unwrap_or(1000);
    if scan == 0 {
        ctx.problem(&sub("scan_interval_ms"), msg!("config-positive"));
    }
    let columns: Vec<String> = raw
        .columns
        .unwrap_or_default()
        .iter()
        .map(|c| c.trim().to_lowercase())
        .collect();
    let mut cols_ok = true;
    if columns.is_empty() {
        ctx.missing(&sub("columns"), msg!("config-csv-columns-missing"));
        cols_ok = false;
    }
    for (i, c) in columns.iter().enumerate() {
        if c.is_empty() || columns[..i].contains(c) {
            ctx.problem(
                &join(key, &["columns", &i.to_string()]),
                msg!("config-csv-column-repeated", value = q(c)),
            );
            cols_ok = false;
        }
    }
    let rule = PathRule::Column(&columns);
    let check_cols = |ctx: &mut Ctx,
                      name: &str,
                      v: Option<Vec<String>>,
                      required: bool|
     -> Option<Vec<String>> {
        let v: Vec<String> = v
            .unwrap_or_default()
            .iter()
            .map(|c| c.trim().to_lowercase())
            .collect();
        if v.is_empty() && required {
            ctx.missing(&sub(name), msg!("config-csv-id-missing"));
            return None;
        }
        let mut ok = true;
        for (i, c) in v.iter().enumerate() {
            if let Err(m) = rule.check(c) {
                ctx.problem(&join(key, &[name, &i.to_string()]), m);
                ok = false;
            }
        }
        ok.then_some(v)
    };
    let id = check_cols(ctx, "id", raw.id, true);
    let id_person = check_cols(ctx, "id_person", raw.id_person, false);
    let filters = filters(ctx, &sub("filters"), raw.filters.unwrap_or_default(), &rule);
    let mapping = validate_decl(raw.mapping, &sub("mapping"), ctx, &rule);
    (stable > 0 && scan > 0 && cols_ok).then_some(())?;
    Some(CsvFolderConfig {
        inbox: inbox?,
        processed: processed?,
        rejected: rejected?,
        max_file_bytes: max_file_bytes?,
        max_row_bytes: max_row_bytes?,
        stable_for: Duration::from_secs(stable),
        scan_interval: Duration::from_millis(scan),
        columns,
        id: id?,
        id_person: id_person?,
        filters: filters?,
        mapping: mapping?,
    })
}
