//! Channels connected by configuration alone: the `webhook` kind (signed HTTP deliveries) and
//! the `csv_folder` kind (spreadsheet exports dropped in an inbox), both mapped to LAPOR! by a
//! declarative [`DeclMapping`]: per LAPOR! field a source (a JSON pointer into the delivery or
//! a CSV column, a constant, a default, a lookup table, a date format), filters, and the
//! reporter and `anonim`/`rahasia` rules.
//!
//! The validation here names every bad entry with its key path, and checks every field path of
//! the mapping against the fields the channel's kind can deliver: JSON pointers (and, when the
//! channel lists them in `fields`, the sender's documented fields) for webhooks, the declared
//! `columns` for CSV folders.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use super::load::{join, Ctx};
use crate::wire::lapor::types::{Klasifikasi, LAMPIRAN_TIPE};

/// Default listener of the webhook receiver.
pub const DEFAULT_WEBHOOK_LISTEN: &str = "127.0.0.1:8088";

/// `[webhooks]`: the one HTTP listener every webhook channel's route is served on.
#[derive(Clone, Debug)]
pub struct WebhooksConfig {
    pub listen: SocketAddr,
    pub limits: super::ListenerLimits,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            listen: DEFAULT_WEBHOOK_LISTEN
                .parse()
                .expect("valid default address"),
            limits: super::ListenerLimits::with_max_connections(
                super::listener::DEFAULT_WEBHOOK_MAX_CONNECTIONS,
            ),
        }
    }
}

/// A `kind = "webhook"` channel.
#[derive(Clone, Debug)]
pub struct WebhookConfig {
    /// Route on the listener, e.g. `/webhooks/call112`.
    pub route: String,
    /// Shared secret of the HMAC-SHA256 signature.
    pub secret: SecretString,
    /// JSON pointers of the delivery's stable id (`/ticket_id`; `/platform` and `/post_id`),
    /// joined with `:` when more than one.
    pub id: Vec<String>,
    /// Largest body accepted (413 above it).
    pub max_body_bytes: usize,
    /// Largest distance between `X-Timestamp` and now (401 beyond it).
    pub max_skew: Duration,
    /// The sender's documented body fields (JSON pointers), if listed: mapping paths are
    /// checked against them.
    pub fields: Vec<String>,
    pub filters: Vec<Filter>,
    pub mapping: DeclMapping,
}

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

/// A record whose field at `path` does not start with `prefix` is not a complaint for LAPOR!:
/// it is acknowledged, counted and not stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub path: String,
    pub prefix: String,
}

/// Who LAPOR! is told the reporter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reporter {
    /// `pelapor_nama` (and phone, e-mail, NIK) from the record; anonymous when the name is empty.
    Named,
    /// A social-media handle is all that is known: it is the name, nothing else is sent.
    Handle,
    /// Always `anonim`, no `pelapor`.
    Anonymous,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Kategori,
    Opd,
    Wilayah,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Kategori => "kategori",
            Table::Opd => "opd",
            Table::Wilayah => "wilayah",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateFormat {
    /// `2024-07-29T08:15:00+07:00`
    Rfc3339,
    /// `29/07/2024` (WIB, the day's start).
    DdMmYyyy,
    /// `2024-07-29 08:15:00` (WIB wall clock).
    WibDateTime,
}

/// Where one LAPOR! field's value comes from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Source {
    /// Paths (JSON pointers or CSV columns); the non-empty values are joined with `sep`.
    pub paths: Vec<String>,
    pub sep: String,
    /// A constant, used when there are no paths.
    pub value: Option<String>,
    /// Used when the paths give nothing (or a value not in the table).
    pub default: Option<String>,
    pub table: Option<Table>,
    pub format: Option<DateFormat>,
}

/// The declarative mapping of a webhook or CSV channel. Table keys are normalised like the
/// SAMBAT tables (case and repeated spaces ignored).
#[derive(Clone, Debug)]
pub struct DeclMapping {
    pub klasifikasi: Klasifikasi,
    pub reporter: Reporter,
    pub anonim: bool,
    pub rahasia: bool,
    pub judul: Option<Source>,
    pub isi: Source,
    pub kategori: Source,
    pub instansi: Source,
    pub kode_wilayah: Option<Source>,
    pub alamat: Option<Source>,
    pub lat: Option<Source>,
    pub lon: Option<Source>,
    pub waktu_lapor: Source,
    pub tanggal_kejadian: Option<Source>,
    pub pelapor_nama: Option<Source>,
    pub pelapor_telepon: Option<Source>,
    pub pelapor_email: Option<Source>,
    pub pelapor_nik: Option<Source>,
    pub lampiran: Option<Source>,
    /// Attachment types this channel may send (a subset of LAPOR!'s).
    pub lampiran_types: Vec<String>,
    pub kategori_table: BTreeMap<String, i64>,
    pub opd_table: BTreeMap<String, i64>,
    pub wilayah_table: BTreeMap<String, String>,
}

impl DeclMapping {
    /// Every configured source with its field name, in a fixed order.
    pub fn sources(&self) -> Vec<(&'static str, &Source)> {
        let mut v = vec![
            ("isi", &self.isi),
            ("kategori", &self.kategori),
            ("instansi", &self.instansi),
            ("waktu_lapor", &self.waktu_lapor),
        ];
        let opt = [
            ("judul", &self.judul),
            ("kode_wilayah", &self.kode_wilayah),
            ("alamat", &self.alamat),
            ("lat", &self.lat),
            ("lon", &self.lon),
            ("tanggal_kejadian", &self.tanggal_kejadian),
            ("pelapor_nama", &self.pelapor_nama),
            ("pelapor_telepon", &self.pelapor_telepon),
            ("pelapor_email", &self.pelapor_email),
            ("pelapor_nik", &self.pelapor_nik),
            ("lampiran", &self.lampiran),
        ];
        v.extend(opt.iter().filter_map(|(n, s)| s.as_ref().map(|s| (*n, s))));
        v
    }

    /// The paths the mapping reads: the content of a record, for its content hash.
    pub fn content_paths(&self) -> Vec<String> {
        let mut p: Vec<String> = self
            .sources()
            .into_iter()
            .flat_map(|(_, s)| s.paths.iter().cloned())
            .collect();
        p.sort();
        p.dedup();
        p
    }
}

// ---------------------------------------------------------------------------------------
// Raw shapes and validation

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhooks {
    listen: Option<String>,
    header_timeout_secs: Option<u64>,
    body_timeout_secs: Option<u64>,
    max_connections: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhook {
    secret: Option<Value>,
    path: Option<String>,
    id: Option<Value>,
    max_body_bytes: Option<u64>,
    max_skew_secs: Option<u64>,
    fields: Option<Vec<String>>,
    filters: Option<Vec<RawFilter>>,
    mapping: Option<Value>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFilter {
    path: Option<String>,
    prefix: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDecl {
    klasifikasi: Option<String>,
    reporter: Option<String>,
    anonim: Option<bool>,
    rahasia: Option<bool>,
    judul: Option<Value>,
    isi: Option<Value>,
    kategori: Option<Value>,
    instansi: Option<Value>,
    kode_wilayah: Option<Value>,
    alamat: Option<Value>,
    lat: Option<Value>,
    lon: Option<Value>,
    waktu_lapor: Option<Value>,
    tanggal_kejadian: Option<Value>,
    pelapor_nama: Option<Value>,
    pelapor_telepon: Option<Value>,
    pelapor_email: Option<Value>,
    pelapor_nik: Option<Value>,
    lampiran: Option<Value>,
    lampiran_types: Option<Vec<String>>,
    tables: Option<RawTables>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTables {
    kategori: Option<BTreeMap<String, i64>>,
    opd: Option<BTreeMap<String, i64>>,
    wilayah: Option<BTreeMap<String, String>>,
}

/// The paths a channel's kind can deliver, to check mapping paths against.
enum PathRule<'a> {
    /// JSON pointers; when the list is non-empty, only these (or their children).
    Pointer(&'a [String]),
    /// CSV column names.
    Column(&'a [String]),
}

impl PathRule<'_> {
    fn check(&self, path: &str) -> Result<(), String> {
        match self {
            PathRule::Pointer(fields) => {
                if !path.starts_with('/') {
                    return Err(format!(
                        "{path:?} is not a JSON pointer; write it like \"/caller/name\""
                    ));
                }
                if !fields.is_empty()
                    && !fields
                        .iter()
                        .any(|f| f == path || path.starts_with(&format!("{f}/")))
                {
                    return Err(format!(
                        "{path:?} is not one of this channel's fields ({})",
                        fields.join(", ")
                    ));
                }
                Ok(())
            }
            PathRule::Column(cols) => {
                if cols.iter().any(|c| c == path) {
                    Ok(())
                } else {
                    Err(format!(
                        "{path:?} is not a column of this export ({})",
                        cols.join(", ")
                    ))
                }
            }
        }
    }
}

pub(crate) fn validate_webhooks(raw: Option<Value>, ctx: &mut Ctx) -> Option<WebhooksConfig> {
    let key = vec!["webhooks".to_owned()];
    let raw: RawWebhooks = match raw {
        None => RawWebhooks::default(),
        Some(v) => ctx.deserialize(v, &key)?,
    };
    let limits = super::listener::validate_limits(
        &super::listener::RawLimits {
            header_timeout_secs: raw.header_timeout_secs,
            body_timeout_secs: raw.body_timeout_secs,
            max_connections: raw.max_connections,
        },
        ctx,
        &key,
        super::listener::DEFAULT_WEBHOOK_MAX_CONNECTIONS,
    );
    let listen = raw
        .listen
        .unwrap_or_else(|| DEFAULT_WEBHOOK_LISTEN.to_owned());
    match listen.trim().parse::<SocketAddr>() {
        Ok(a) => Some(WebhooksConfig {
            listen: a,
            limits: limits?,
        }),
        Err(_) => {
            ctx.problem(
                &join(&key, &["listen"]),
                format!("{listen:?} is not an address and port, e.g. \"127.0.0.1:8088\""),
            );
            None
        }
    }
}

fn secret(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<Value>,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<SecretString> {
    super::validate::secret(
        ctx,
        key,
        raw,
        "{ credential = \"call112-webhook-secret\" }",
        base_dir,
        env,
    )
}

fn filters(
    ctx: &mut Ctx,
    key: &[String],
    raw: Vec<RawFilter>,
    rule: &PathRule<'_>,
) -> Option<Vec<Filter>> {
    let mut out = Vec::new();
    let mut ok = true;
    for (i, f) in raw.into_iter().enumerate() {
        let fk = join(key, &[&i.to_string()]);
        match (f.path, f.prefix) {
            (Some(path), Some(prefix)) => {
                if let Err(m) = rule.check(&path) {
                    ctx.problem(&join(&fk, &["path"]), m);
                    ok = false;
                } else {
                    out.push(Filter { path, prefix });
                }
            }
            _ => {
                ctx.problem(
                    &fk,
                    "a filter needs both path and prefix, e.g. { path = \"/category\", prefix = \"keluhan-layanan/\" }",
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

pub(crate) fn validate_webhook(
    table: Value,
    name: &str,
    key: &[String],
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<WebhookConfig> {
    let raw: RawWebhook = ctx.deserialize(table, key).unwrap_or_default();
    let sub = |s: &str| join(key, &[s]);
    let secret = secret(ctx, &sub("secret"), raw.secret, base_dir, env);
    let route = match raw.path {
        None => Some(format!("/webhooks/{name}")),
        Some(p)
            if p.starts_with('/')
                && p.len() > 1
                && !p.contains(['?', '#', ' ', '{', '}', '*', ':', '%'])
                && !p.contains("//") =>
        {
            Some(p)
        }
        Some(p) => {
            ctx.problem(
                &sub("path"),
                format!("{p:?} is not a route; use an absolute path like \"/webhooks/{name}\""),
            );
            None
        }
    };
    let fields = raw.fields.unwrap_or_default();
    let mut fields_ok = true;
    for (i, f) in fields.iter().enumerate() {
        if !f.starts_with('/') {
            ctx.problem(
                &join(key, &["fields", &i.to_string()]),
                format!("{f:?} is not a JSON pointer; write it like \"/caller/name\""),
            );
            fields_ok = false;
        }
    }
    let rule = PathRule::Pointer(&fields);
    let id = match raw.id {
        None => {
            ctx.missing(
                &sub("id"),
                "missing; the JSON pointer of the delivery's stable id, e.g. \"/ticket_id\"",
            );
            None
        }
        Some(v) => {
            let paths: Vec<Option<String>> = match v {
                Value::String(p) => vec![Some(p)],
                Value::Array(a) if !a.is_empty() => a
                    .into_iter()
                    .map(|x| x.as_str().map(str::to_owned))
                    .collect(),
                _ => vec![None],
            };
            let mut ok = true;
            for (i, p) in paths.iter().enumerate() {
                let pk = if paths.len() == 1 {
                    sub("id")
                } else {
                    join(key, &["id", &i.to_string()])
                };
                match p {
                    None => {
                        ctx.problem(&pk, "expected a JSON pointer (a string) or a list of them, e.g. \"/ticket_id\"");
                        ok = false;
                    }
                    Some(p) => {
                        if let Err(m) = rule.check(p) {
                            ctx.problem(&pk, m);
                            ok = false;
                        }
                    }
                }
            }
            ok.then(|| paths.into_iter().flatten().collect::<Vec<_>>())
        }
    };
    let max_body = raw.max_body_bytes.unwrap_or(256 * 1024);
    let max_body_bytes = if (1024..=16 * 1024 * 1024).contains(&max_body) {
        Some(max_body as usize)
    } else {
        ctx.problem(
            &sub("max_body_bytes"),
            format!("{max_body} is out of range; use 1024 to 16777216"),
        );
        None
    };
    let skew = raw.max_skew_secs.unwrap_or(300);
    let max_skew = if (1..=3600).contains(&skew) {
        Some(Duration::from_secs(skew))
    } else {
        ctx.problem(
            &sub("max_skew_secs"),
            format!("{skew} is out of range; use 1 to 3600"),
        );
        None
    };
    let filters = filters(ctx, &sub("filters"), raw.filters.unwrap_or_default(), &rule);
    let mapping = validate_decl(raw.mapping, &sub("mapping"), ctx, &rule);
    fields_ok.then_some(())?;
    Some(WebhookConfig {
        route: route?,
        secret: secret?,
        id: id?,
        max_body_bytes: max_body_bytes?,
        max_skew: max_skew?,
        fields,
        filters: filters?,
        mapping: mapping?,
    })
}

/// `max_file_bytes` when left out: 20 MiB, a year of the forum's exports many times over.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// `max_row_bytes` when left out: 64 KiB, far more than any complaint's text.
pub const DEFAULT_MAX_ROW_BYTES: u64 = 64 * 1024;

/// The settings key of the delimiter of a CSV channel's latest inbox file: intake records
/// it, the status file write-back follows it.
pub fn delimiter_setting(channel: &crate::domain::ChannelName) -> String {
    format!("csv.{channel}.delimiter")
}

pub(crate) fn validate_csv(table: Value, key: &[String], ctx: &mut Ctx) -> Option<CsvFolderConfig> {
    let raw: RawCsv = ctx.deserialize(table, key).unwrap_or_default();
    let sub = |s: &str| join(key, &[s]);
    let inbox = match raw.inbox {
        None => {
            ctx.missing(&sub("inbox"), "missing; the folder exports are dropped in, e.g. \"/var/lib/lapor-bridge/ngombe/inbox\"");
            None
        }
        Some(p) if p.trim().is_empty() => {
            ctx.problem(
                &sub("inbox"),
                "is empty; give the folder exports are dropped in",
            );
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
                "is empty; leave it out for <inbox>/processed",
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
                "is empty; leave it out for <inbox>/rejected",
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
            format!("{max_file} is out of range; use 1024 to 1073741824"),
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
            format!("{max_row} is out of range; use 1024 to 16777216"),
        );
        None
    } else if max_row > max_file {
        ctx.problem(
            &sub("max_row_bytes"),
            format!("{max_row} is larger than max_file_bytes ({max_file}): no file could hold such a row"),
        );
        None
    } else {
        Some(max_row as usize)
    };
    let stable = raw.stable_secs.unwrap_or(5);
    if stable == 0 {
        ctx.problem(
            &sub("stable_secs"),
            "must be greater than 0: a file being copied must not be read",
        );
    }
    let scan = raw.scan_interval_ms.unwrap_or(1000);
    if scan == 0 {
        ctx.problem(&sub("scan_interval_ms"), "must be greater than 0");
    }
    let columns: Vec<String> = raw
        .columns
        .unwrap_or_default()
        .iter()
        .map(|c| c.trim().to_lowercase())
        .collect();
    let mut cols_ok = true;
    if columns.is_empty() {
        ctx.missing(
            &sub("columns"),
            "missing; the export's header in order, e.g. [\"no\", \"tanggal\", \"nama\", …]",
        );
        cols_ok = false;
    }
    for (i, c) in columns.iter().enumerate() {
        if c.is_empty() || columns[..i].contains(c) {
            ctx.problem(
                &join(key, &["columns", &i.to_string()]),
                format!("{c:?} is empty or repeated"),
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
            ctx.missing(
                &sub(name),
                "missing; the columns that identify a row, e.g. [\"no\", \"tanggal\"]",
            );
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

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A source: `"path"` or `{ path | join, sep, value, default, table, format }`.
fn parse_source(ctx: &mut Ctx, key: &[String], raw: Value, rule: &PathRule<'_>) -> Option<Source> {
    let mut s = Source {
        sep: " ".into(),
        ..Source::default()
    };
    let mut ok = true;
    match raw {
        Value::String(p) => s.paths.push(p),
        Value::Object(m) => {
            for (k, v) in m {
                let kk = join(key, &[&k]);
                match (k.as_str(), v) {
                    ("path", Value::String(p)) => s.paths.push(p),
                    ("join", Value::Array(a)) => {
                        for (i, x) in a.into_iter().enumerate() {
                            match x {
                                Value::String(p) => s.paths.push(p),
                                _ => {
                                    ctx.problem(
                                        &join(&kk, &[&i.to_string()]),
                                        "expected a path (a string)",
                                    );
                                    ok = false;
                                }
                            }
                        }
                    }
                    ("sep", Value::String(x)) => s.sep = x,
                    ("value", v) if scalar_text(&v).is_some() => s.value = scalar_text(&v),
                    ("default", v) if scalar_text(&v).is_some() => s.default = scalar_text(&v),
                    ("table", Value::String(t)) => {
                        s.table = match t.as_str() {
                            "kategori" => Some(Table::Kategori),
                            "opd" => Some(Table::Opd),
                            "wilayah" | "kecamatan" => Some(Table::Wilayah),
                            _ => {
                                ctx.problem(&kk, format!("{t:?} is not a lookup table; use \"kategori\", \"opd\" or \"wilayah\""));
                                ok = false;
                                None
                            }
                        }
                    }
                    ("format", Value::String(f)) => {
                        s.format = match f.to_lowercase().as_str() {
                            "rfc3339" => Some(DateFormat::Rfc3339),
                            "dd/mm/yyyy" => Some(DateFormat::DdMmYyyy),
                            "yyyy-mm-dd hh:mm:ss" => Some(DateFormat::WibDateTime),
                            _ => {
                                ctx.problem(&kk, format!("{f:?} is not a date format; use \"rfc3339\", \"DD/MM/YYYY\" or \"YYYY-MM-DD HH:MM:SS\""));
                                ok = false;
                                None
                            }
                        }
                    }
                    (other, _)
                        if ["path", "join", "sep", "value", "default", "table", "format"]
                            .contains(&other) =>
                    {
                        ctx.problem(&kk, "wrong type for this key");
                        ok = false;
                    }
                    _ => {
                        ctx.problem(&kk, "unknown key; a source takes path, join, sep, value, default, table, format");
                        ok = false;
                    }
                }
            }
        }
        other => {
            let shown = if other.is_number() || other.is_boolean() {
                other.to_string()
            } else {
                "this".into()
            };
            ctx.problem(key, format!("{shown} is not a source; give a path (\"/field\" or a column) or {{ value = … }}"));
            return None;
        }
    }
    for (i, p) in s.paths.iter().enumerate() {
        if let Err(m) = rule.check(p) {
            let pk = if s.paths.len() == 1 {
                join(key, &[])
            } else {
                join(key, &["join", &i.to_string()])
            };
            ctx.problem(&pk, m);
            ok = false;
        }
    }
    if s.paths.is_empty() && s.value.is_none() && ok {
        ctx.problem(key, "gives neither a path nor a value");
        ok = false;
    }
    if !s.paths.is_empty() && s.value.is_some() {
        ctx.problem(
            key,
            "has both a path and a value; a constant is `value` alone",
        );
        ok = false;
    }
    ok.then_some(s)
}

fn validate_decl(
    raw: Option<Value>,
    key: &[String],
    ctx: &mut Ctx,
    rule: &PathRule<'_>,
) -> Option<DeclMapping> {
    let Some(raw) = raw else {
        ctx.missing(key, "missing; a webhook or CSV channel needs a [mapping] with at least isi, kategori, instansi and waktu_lapor");
        return None;
    };
    let raw: RawDecl = ctx.deserialize(raw, key)?;
    let sub = |s: &str| join(key, &[s]);
    let mut ok = true;
    let klasifikasi = match raw.klasifikasi.as_deref() {
        None | Some("pengaduan") => Klasifikasi::Pengaduan,
        Some("aspirasi") => Klasifikasi::Aspirasi,
        Some("permintaan_informasi") => Klasifikasi::PermintaanInformasi,
        Some(o) => {
            ctx.problem(&sub("klasifikasi"), format!("{o:?} is not a LAPOR! klasifikasi; use \"pengaduan\", \"aspirasi\" or \"permintaan_informasi\""));
            ok = false;
            Klasifikasi::Pengaduan
        }
    };
    let reporter = match raw.reporter.as_deref() {
        None | Some("named") => Reporter::Named,
        Some("handle") => Reporter::Handle,
        Some("anonymous") => Reporter::Anonymous,
        Some(o) => {
            ctx.problem(
                &sub("reporter"),
                format!("{o:?} is not a reporter rule; use \"named\", \"handle\" or \"anonymous\""),
            );
            ok = false;
            Reporter::Named
        }
    };
    let src = |ctx: &mut Ctx,
               name: &str,
               v: Option<Value>,
               required: bool|
     -> Option<Option<Source>> {
        match v {
            None if required => {
                ctx.missing(&sub(name), format!("missing; where LAPOR! {name} comes from, e.g. {name} = \"/field\" or {{ value = … }}"));
                None
            }
            None => Some(None),
            Some(v) => parse_source(ctx, &sub(name), v, rule).map(Some),
        }
    };
    let judul = src(ctx, "judul", raw.judul, false);
    let isi = src(ctx, "isi", raw.isi, true);
    let kategori = src(ctx, "kategori", raw.kategori, true);
    let instansi = src(ctx, "instansi", raw.instansi, true);
    let kode_wilayah = src(ctx, "kode_wilayah", raw.kode_wilayah, false);
    let alamat = src(ctx, "alamat", raw.alamat, false);
    let lat = src(ctx, "lat", raw.lat, false);
    let lon = src(ctx, "lon", raw.lon, false);
    let waktu_lapor = src(ctx, "waktu_lapor", raw.waktu_lapor, true);
    let tanggal_kejadian = src(ctx, "tanggal_kejadian", raw.tanggal_kejadian, false);
    let pelapor_nama = src(ctx, "pelapor_nama", raw.pelapor_nama, false);
    let pelapor_telepon = src(ctx, "pelapor_telepon", raw.pelapor_telepon, false);
    let pelapor_email = src(ctx, "pelapor_email", raw.pelapor_email, false);
    let pelapor_nik = src(ctx, "pelapor_nik", raw.pelapor_nik, false);
    let lampiran = src(ctx, "lampiran", raw.lampiran, false);

    let tables = raw.tables.unwrap_or_default();
    let tk = |t: &str| join(key, &["tables", t]);
    let mut norm_ids = |ctx: &mut Ctx,
                        t: &str,
                        m: Option<BTreeMap<String, i64>>,
                        what: &str|
     -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for (name, id) in m.unwrap_or_default() {
            if id <= 0 {
                ctx.problem(&join(&tk(t), &[&name]), format!("{id} is not a LAPOR! {what} id; ids are positive integers from GET /{what}"));
                ok = false;
            }
            out.insert(super::normalise_key(&name), id);
        }
        out
    };
    let kategori_table = norm_ids(ctx, "kategori", tables.kategori, "kategori");
    let opd_table = norm_ids(ctx, "opd", tables.opd, "instansi");
    let mut wilayah_table = BTreeMap::new();
    for (name, code) in tables.wilayah.unwrap_or_default() {
        if !crate::wire::lapor::types::is_kode_wilayah(&code) {
            ctx.problem(
                &join(&tk("wilayah"), &[&name]),
                format!("{code:?} is not a Kemendagri code like \"35.73.02\" or \"35.73.02.1007\""),
            );
            ok = false;
        }
        wilayah_table.insert(super::normalise_place(&name), code);
    }

    let lampiran_types = match raw.lampiran_types {
        None => LAMPIRAN_TIPE.iter().map(|s| (*s).to_owned()).collect(),
        Some(v) => {
            for (i, t) in v.iter().enumerate() {
                if !LAMPIRAN_TIPE.contains(&t.as_str()) {
                    ctx.problem(
                        &join(key, &["lampiran_types", &i.to_string()]),
                        format!(
                            "{t:?} is not a type LAPOR! accepts ({})",
                            LAMPIRAN_TIPE.join(", ")
                        ),
                    );
                    ok = false;
                }
            }
            v
        }
    };

    // Sources and their tables: each table a source names must be the right one and non-empty;
    // constants and defaults of id fields must be ids.
    let mut check_id_source = |ctx: &mut Ctx,
                               name: &str,
                               s: &Option<Option<Source>>,
                               table: Table,
                               filled: bool| {
        let Some(Some(s)) = s else { return };
        if let Some(t) = s.table {
            if t != table {
                ctx.problem(
                    &join(&sub(name), &["table"]),
                    format!(
                        "{name} looks up in the {} table, not {}",
                        table.name(),
                        t.name()
                    ),
                );
                ok = false;
            } else if !filled {
                ctx.problem(
                    &join(&sub(name), &["table"]),
                    format!(
                        "the {} table is empty; add [{}.tables.{}]",
                        t.name(),
                        super::load::dotted(key),
                        t.name()
                    ),
                );
                ok = false;
            }
        } else if !s.paths.is_empty() && table != Table::Wilayah {
            ctx.problem(&sub(name), format!("a path for {name} needs table = \"{}\" (LAPOR! wants an id, the record has a name)", table.name()));
            ok = false;
        }
        for (what, v) in [("value", &s.value), ("default", &s.default)] {
            if let Some(v) = v {
                let good = match table {
                    Table::Wilayah => crate::wire::lapor::types::is_kode_wilayah(v),
                    _ => v.parse::<i64>().is_ok_and(|i| i > 0),
                };
                if !good {
                    ctx.problem(&join(&sub(name), &[what]), format!("{v:?} is not a valid {name} (a positive LAPOR! id, or a Kemendagri code for kode_wilayah)"));
                    ok = false;
                }
            }
        }
    };
    check_id_source(
        ctx,
        "kategori",
        &kategori,
        Table::Kategori,
        !kategori_table.is_empty(),
    );
    check_id_source(
        ctx,
        "instansi",
        &instansi,
        Table::Opd,
        !opd_table.is_empty(),
    );
    check_id_source(
        ctx,
        "kode_wilayah",
        &kode_wilayah,
        Table::Wilayah,
        !wilayah_table.is_empty(),
    );
    for (name, s) in [
        ("waktu_lapor", &waktu_lapor),
        ("tanggal_kejadian", &tanggal_kejadian),
    ] {
        if let Some(Some(s)) = s {
            if s.format.is_none() && s.value.is_none() {
                ctx.problem(&join(&sub(name), &["format"]), "missing; the date format: \"rfc3339\", \"DD/MM/YYYY\" or \"YYYY-MM-DD HH:MM:SS\"");
                ok = false;
            }
        }
    }
    if reporter == Reporter::Handle && !matches!(pelapor_nama, Some(Some(_))) {
        ctx.problem(&sub("pelapor_nama"), "reporter = \"handle\" needs pelapor_nama: the path of the public handle, e.g. \"/author/handle\"");
        ok = false;
    }
    ok.then_some(())?;
    Some(DeclMapping {
        klasifikasi,
        reporter,
        anonim: raw.anonim.unwrap_or(false),
        rahasia: raw.rahasia.unwrap_or(false),
        judul: judul?,
        isi: isi??,
        kategori: kategori??,
        instansi: instansi??,
        kode_wilayah: kode_wilayah?,
        alamat: alamat?,
        lat: lat?,
        lon: lon?,
        waktu_lapor: waktu_lapor??,
        tanggal_kejadian: tanggal_kejadian?,
        pelapor_nama: pelapor_nama?,
        pelapor_telepon: pelapor_telepon?,
        pelapor_email: pelapor_email?,
        pelapor_nik: pelapor_nik?,
        lampiran: lampiran?,
        lampiran_types,
        kategori_table,
        opd_table,
        wilayah_table,
    })
}

/// Mapping entries of a declarative channel whose LAPOR! ids the cached reference data does
/// not list, as `(key path, message)`. Empty sets (nothing cached) check nothing.
pub fn decl_reference_problems(
    channel: &str,
    m: &DeclMapping,
    kategori: &std::collections::BTreeSet<i64>,
    instansi: &std::collections::BTreeSet<i64>,
) -> Vec<(String, String)> {
    let base = format!("channels.{channel}.mapping");
    let mut out = Vec::new();
    let mut check = |set: &std::collections::BTreeSet<i64>, path: String, id: i64, what: &str| {
        if !set.is_empty() && !set.contains(&id) {
            out.push((path, format!("{what}_id {id} is not in LAPOR!'s /{what}")));
        }
    };
    for (name, id) in &m.kategori_table {
        check(
            kategori,
            format!("{base}.tables.kategori.{name:?}"),
            *id,
            "kategori",
        );
    }
    for (name, id) in &m.opd_table {
        check(
            instansi,
            format!("{base}.tables.opd.{name:?}"),
            *id,
            "instansi",
        );
    }
    for (field, set, what) in [
        ("kategori", kategori, "kategori"),
        ("instansi", instansi, "instansi"),
    ] {
        let s = if field == "kategori" {
            &m.kategori
        } else {
            &m.instansi
        };
        for (k, v) in [("value", &s.value), ("default", &s.default)] {
            if let Some(id) = v.as_deref().and_then(|v| v.parse::<i64>().ok()) {
                check(set, format!("{base}.{field}.{k}"), id, what);
            }
        }
    }
    out
}

/// Every mapping entry (of every channel kind) whose LAPOR! id the reference data cached in
/// the configured store does not list. Nothing when the store does not exist yet or has no
/// reference data (the daemon fetches it on start and checks again).
pub fn cached_reference_problems(config: &super::Config) -> Vec<super::ConfigProblem> {
    if !config.store.path.exists() {
        return Vec::new();
    }
    let Ok(store) = crate::store::Store::open(&config.store.path) else {
        return Vec::new();
    };
    crate::forward::reference::check_mappings(config, &store)
        .unwrap_or_default()
        .into_iter()
        .map(|(key, msg)| {
            super::ConfigProblem::new(
                key,
                format!(
                    "{msg} (reference data cached in {})",
                    config.store.path.display()
                ),
            )
        })
        .collect()
}

/// Two webhook channels on one route, or two CSV channels on one inbox, would take each
/// other's records: each is a problem. Returns whether there was none.
pub(crate) fn check_routes(channels: &[super::ChannelConfig], ctx: &mut Ctx) -> bool {
    let mut ok = true;
    let mut routes: BTreeMap<String, String> = BTreeMap::new();
    let mut inboxes: BTreeMap<PathBuf, String> = BTreeMap::new();
    for c in channels {
        match &c.kind {
            super::ChannelKind::Webhook(w) => {
                let route = w.route.trim_end_matches('/').to_owned();
                if let Some(other) = routes.insert(route, c.name.to_string()) {
                    ctx.problem(
                        &["channels".to_owned(), c.name.to_string(), "path".to_owned()],
                        format!("{:?} is already channel {other:?}'s route; give each webhook channel its own path", w.route),
                    );
                    ok = false;
                }
            }
            super::ChannelKind::CsvFolder(f) => {
                if let Some(other) = inboxes.insert(f.inbox.clone(), c.name.to_string()) {
                    ctx.problem(
                        &["channels".to_owned(), c.name.to_string(), "inbox".to_owned()],
                        format!("{} is already channel {other:?}'s inbox; give each CSV channel its own folder", f.inbox.display()),
                    );
                    ok = false;
                }
            }
            super::ChannelKind::Sambat(_) => {}
        }
    }
    ok
}
