//! `[channels.<name>.writeback]`: how a LAPOR! status and response reach the citizen on
//! that channel: SAMBAT's own API, an HTTP post, or a status file.

use crate::config::text::{msg, q, Text};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use crate::config::checks::{in_range, positive, secret};
use crate::config::ctx::{join, Ctx};
use crate::template::{Template, TemplateError};
use crate::wire::lapor::status;

#[derive(Clone, Debug)]
pub struct WritebackConfig {
    pub target: WritebackTarget,
    /// LAPOR! status → the word the channel uses; covers every LAPOR! status.
    pub status: BTreeMap<String, String>,
    /// LAPOR! status → words for a citizen, the `{status_label}` of the texts.
    pub labels: BTreeMap<String, String>,
    /// The text when the update carries a response (`tanggapan`).
    pub response: Template,
    /// The text of a status change without a response.
    pub status_note: Template,
    /// Attempts before a write-back becomes a dead letter.
    pub max_attempts: u32,
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
}

#[derive(Clone, Debug)]
pub enum WritebackTarget {
    /// SAMBAT's own `POST /api/aduan/{id}/tanggapan`, with the channel's URL and key.
    Sambat,
    /// A JSON `POST` to a URL built from the record (Call Center 112 notes, the social-media
    /// desk's replies).
    Http(HttpTarget),
    /// A CSV file with one row per complaint of the channel, rewritten whole (Ngombe).
    StatusFile(StatusFileTarget),
}

#[derive(Clone, Debug)]
pub struct HttpTarget {
    /// e.g. `https://112.example/api/tickets/{/ticket_id}/notes`.
    pub url: Template,
    pub token: SecretString,
    /// Body fields, each a template.
    pub body: BTreeMap<String, Template>,
    pub request_timeout: Duration,
}

#[derive(Clone, Debug)]
pub struct StatusFileTarget {
    pub path: PathBuf,
    /// `None`: the delimiter of the channel's latest inbox file (`;` before any).
    pub delimiter: Option<u8>,
    /// Header of the file: the computed columns (`tracking_id`, `status`, `tanggapan`,
    /// `oleh`, `diperbarui`) or columns of the inbox rows.
    pub columns: Vec<String>,
}

/// Placeholders every text may use.
pub const TEXT_VARS: &[&str] = &[
    "tanggapan",
    "oleh",
    "tracking_id",
    "status",
    "lapor_status",
    "status_label",
    "waktu",
];

/// Columns of a status file the bridge computes.
pub const STATUS_FILE_COLUMNS: &[&str] =
    &["tracking_id", "status", "tanggapan", "oleh", "diperbarui"];

const DEFAULT_RESPONSE: &str = "{tanggapan}\n\n— {oleh}\nSP4N-LAPOR! {tracking_id}: {status_label}";
const DEFAULT_STATUS_NOTE: &str =
    "Status laporan Anda di SP4N-LAPOR! ({tracking_id}): {status_label}.";

fn default_labels() -> BTreeMap<String, String> {
    [
        (
            "belum_terverifikasi",
            "Diteruskan ke SP4N-LAPOR!, menunggu verifikasi",
        ),
        ("terverifikasi", "Terverifikasi"),
        ("terdisposisi", "Diteruskan ke instansi yang berwenang"),
        ("ditindaklanjuti", "Sedang ditindaklanjuti"),
        ("selesai", "Selesai"),
        ("ditolak", "Ditolak"),
        ("diarsipkan", "Diarsipkan"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// SAMBAT's statuses for LAPOR!'s; `diarsipkan` has no SAMBAT counterpart and closes it.
fn sambat_statuses() -> BTreeMap<String, String> {
    [
        ("belum_terverifikasi", "baru"),
        ("terverifikasi", "diverifikasi"),
        ("terdisposisi", "didisposisi"),
        ("ditindaklanjuti", "diproses"),
        ("selesai", "selesai"),
        ("ditolak", "ditolak"),
        ("diarsipkan", "selesai"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

const SAMBAT_STATUSES: &[&str] = &[
    "baru",
    "diverifikasi",
    "didisposisi",
    "diproses",
    "selesai",
    "ditolak",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWriteback {
    enabled: Option<bool>,
    url: Option<String>,
    token: Option<Value>,
    body: Option<BTreeMap<String, String>>,
    request_timeout_ms: Option<u64>,
    status_file: Option<String>,
    delimiter: Option<String>,
    columns: Option<Vec<String>>,
    status: Option<BTreeMap<String, String>>,
    labels: Option<BTreeMap<String, String>>,
    response: Option<String>,
    status_note: Option<String>,
    max_attempts: Option<u32>,
    backoff_initial_ms: Option<u64>,
    backoff_max_secs: Option<u64>,
}

/// The channel kinds, as far as write-back is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Sambat,
    Webhook,
    CsvFolder,
}

/// `None` without problems: the channel has no write-back (a webhook or CSV channel without
/// the table, or `enabled = false`).
pub(crate) fn validate_writeback(
    raw: Option<Value>,
    kind: Kind,
    key: &[String],
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<WritebackConfig> {
    let key = join(key, &["writeback"]);
    let present = raw.is_some();
    let raw: RawWriteback = match raw {
        None => RawWriteback::default(),
        Some(v) => ctx.deserialize(v, &key)?,
    };
    if raw.enabled == Some(false) || (!present && kind != Kind::Sambat) {
        return None;
    }
    let sub = |s: &str| join(&key, &[s]);
    let not_for = |ctx: &mut Ctx, name: &str, set: bool, why: fn() -> Text| {
        if set {
            let kind = format!("{kind:?}");
            ctx.problem(
                &sub(name),
                msg!("config-wb-not-used", kind = kind, why = why()),
            );
        }
    };
    let record_var = |name: &str| -> Result<(), Text> {
        if TEXT_VARS.contains(&name) || (name.starts_with('/') && name.len() > 1) {
            Ok(())
        } else {
            Err(msg!("config-wb-unknown-var", vars = TEXT_VARS.join(", ")))
        }
    };
    let mut ok = true;
    let mut template =
        |ctx: &mut Ctx, name: &str, raw: Option<&str>, default: &str, extra: &[&str]| {
            let src = raw.unwrap_or(default);
            match Template::parse(src, |n| {
                if extra.contains(&n) {
                    Ok(())
                } else {
                    record_var(n)
                }
            }) {
                Ok(t) => Some(t),
                Err(e) => {
                    ctx.problem(&sub(name), template_text(e));
                    ok = false;
                    None
                }
            }
        };
    let response = template(
        ctx,
        "response",
        raw.response.as_deref(),
        DEFAULT_RESPONSE,
        &[],
    );
    let status_note = template(
        ctx,
        "status_note",
        raw.status_note.as_deref(),
        DEFAULT_STATUS_NOTE,
        &[],
    );

    let target = match kind {
        Kind::Sambat => {
            let why = || msg!("config-wb-why-sambat");
            not_for(ctx, "url", raw.url.is_some(), why);
            not_for(ctx, "token", raw.token.is_some(), why);
            not_for(ctx, "body", raw.body.is_some(), why);
            not_for(ctx, "status_file", raw.status_file.is_some(), why);
            not_for(ctx, "columns", raw.columns.is_some(), why);
            not_for(ctx, "delimiter", raw.delimiter.is_some(), why);
            Some(WritebackTarget::Sambat)
        }
        Kind::Webhook => {
            let why = || msg!("config-wb-why-webhook");
            not_for(ctx, "status_file", raw.status_file.is_some(), why);
            not_for(ctx, "columns", raw.columns.is_some(), why);
            not_for(ctx, "delimiter", raw.delimiter.is_some(), why);
            http_target(&raw, &key, ctx, base_dir, env, &mut template)
        }
        Kind::CsvFolder => {
            let why = || msg!("config-wb-why-csv");
            not_for(ctx, "url", raw.url.is_some(), why);
            not_for(ctx, "token", raw.token.is_some(), why);
            not_for(ctx, "body", raw.body.is_some(), why);
            status_file_target(&raw, &key, ctx)
        }
    };
    let defaults = match kind {
        Kind::Sambat => sambat_statuses(),
        Kind::Webhook => status::ALL
            .iter()
            .map(|s| (s.to_string(), s.to_string()))
            .collect(),
        Kind::CsvFolder => default_labels(),
    };
    let statuses = status_table(ctx, &sub("status"), raw.status, defaults);
    if kind == Kind::Sambat {
        for (lapor, word) in &statuses {
            if !SAMBAT_STATUSES.contains(&word.as_str()) {
                ctx.problem(
                    &join(&sub("status"), &[lapor]),
                    msg!(
                        "config-wb-sambat-status",
                        value = q(word),
                        statuses = SAMBAT_STATUSES.join(", ")
                    ),
                );
                ok = false;
            }
        }
    }
    let labels = status_table(ctx, &sub("labels"), raw.labels, default_labels());
    let max_attempts = in_range(
        ctx,
        &sub("max_attempts"),
        raw.max_attempts.map(u64::from),
        12,
        1..=1000,
    );
    let initial = positive(
        ctx,
        &sub("backoff_initial_ms"),
        raw.backoff_initial_ms,
        2000,
    );
    let max = positive(ctx, &sub("backoff_max_secs"), raw.backoff_max_secs, 900);
    if let (Some(i), Some(m)) = (initial, max) {
        if m * 1000 < i {
            ctx.problem(&sub("backoff_max_secs"), msg!("config-wb-backoff-short"));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    Some(WritebackConfig {
        target: target?,
        status: statuses,
        labels,
        response: response?,
        status_note: status_note?,
        max_attempts: max_attempts? as u32,
        backoff_initial: Duration::from_millis(initial?),
        backoff_max: Duration::from_secs(max?),
    })
}

/// Overrides on top of `defaults`; a key that is not a LAPOR! status is an error.
fn status_table(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<BTreeMap<String, String>>,
    mut defaults: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    for (k, v) in raw.unwrap_or_default() {
        if !status::is_known(&k) {
            ctx.problem(
                &join(key, &[&k]),
                msg!("config-wb-not-status", statuses = status::ALL.join(", ")),
            );
            continue;
        }
        if v.trim().is_empty() {
            ctx.problem(&join(key, &[&k]), msg!("config-wb-empty"));
            continue;
        }
        defaults.insert(k, v);
    }
    // Problems are recorded; the valid entries are still returned so that the checks after
    // this one report theirs too (the caller sees the problems in `ctx`).
    defaults
}

type TemplateFn<'a> =
    dyn FnMut(&mut Ctx, &str, Option<&str>, &str, &[&str]) -> Option<Template> + 'a;

fn http_target(
    raw: &RawWriteback,
    key: &[String],
    ctx: &mut Ctx,
    base_dir: &Path,
    env: &[(String, String)],
    template: &mut TemplateFn<'_>,
) -> Option<WritebackTarget> {
    let sub = |s: &str| join(key, &[s]);
    let url = match raw.url.as_deref() {
        None => {
            ctx.missing(&sub("url"), msg!("config-wb-url-missing"));
            None
        }
        Some(u) => {
            let t = template(ctx, "url", Some(u), "", &[]);
            // A sample rendering must be an http(s) URL.
            if let Some(t) = &t {
                let sample = t.render(|_| Some("x".into()));
                match Url::parse(&sample) {
                    Ok(p) if p.scheme() == "http" || p.scheme() == "https" => {}
                    _ => ctx.problem(&sub("url"), msg!("config-wb-url-invalid", value = q(u))),
                }
            }
            t
        }
    };
    let token = secret(
        ctx,
        &sub("token"),
        raw.token.clone(),
        "{ credential = \"call112-api-token\" }",
        base_dir,
        env,
    );
    let mut body = BTreeMap::new();
    match &raw.body {
        None => ctx.missing(&sub("body"), msg!("config-wb-body-missing")),
        Some(b) if b.is_empty() => ctx.problem(&sub("body"), msg!("config-wb-body-empty")),
        Some(b) => {
            for (name, src) in b {
                let k = join(&sub("body"), &[name]);
                match Template::parse(src, |n| {
                    if n == "text" || TEXT_VARS.contains(&n) || (n.starts_with('/') && n.len() > 1)
                    {
                        Ok(())
                    } else {
                        Err(msg!(
                            "config-wb-unknown-body-var",
                            vars = TEXT_VARS.join(", ")
                        ))
                    }
                }) {
                    Ok(t) => {
                        body.insert(name.clone(), t);
                    }
                    Err(e) => ctx.problem(&k, template_text(e)),
                }
            }
        }
    }
    let timeout = positive(
        ctx,
        &sub("request_timeout_ms"),
        raw.request_timeout_ms,
        10_000,
    );
    Some(WritebackTarget::Http(HttpTarget {
        url: url?,
        token: token?,
        body,
        request_timeout: Duration::from_millis(timeout?),
    }))
}

/// A template's parse error as a problem text.
fn template_text(e: TemplateError<Text>) -> Text {
    match e {
        TemplateError::Unclosed(name) => msg!("config-wb-template-unclosed", name = name),
        TemplateError::LoneBrace => msg!("config-wb-template-lone-brace"),
        TemplateError::Placeholder(name, why) => {
            msg!("config-wb-template-placeholder", name = name, why = why)
        }
    }
}

fn status_file_target(
    raw: &RawWriteback,
    key: &[String],
    ctx: &mut Ctx,
) -> Option<WritebackTarget> {
    let sub = |s: &str| join(key, &[s]);
    let path = match raw.status_file.as_deref().map(str::trim) {
        None | Some("") => {
            ctx.missing(&sub("status_file"), msg!("config-wb-status-file-missing"));
            None
        }
        Some(p) => {
            // Relative to the working directory, like the inbox.
            Some(PathBuf::from(p))
        }
    };
    let delimiter = match raw.delimiter.as_deref() {
        None | Some("auto") => Some(None),
        Some(";") => Some(Some(b';')),
        Some(",") => Some(Some(b',')),
        Some(other) => {
            ctx.problem(
                &sub("delimiter"),
                msg!("config-wb-delimiter", value = q(other)),
            );
            None
        }
    };
    let columns = raw.columns.clone().unwrap_or_else(|| {
        [
            "no",
            "tanggal",
            "nama",
            "tracking_id",
            "status",
            "tanggapan",
            "diperbarui",
        ]
        .map(String::from)
        .to_vec()
    });
    if columns.is_empty() {
        ctx.problem(&sub("columns"), msg!("config-wb-columns-empty"));
        return None;
    }
    Some(WritebackTarget::StatusFile(StatusFileTarget {
        path: path?,
        delimiter: delimiter?,
        columns,
    }))
}
