//! Value checks several sections share: URLs, numbers in range, secrets, and how names in
//! mapping tables are compared.

use std::num::NonZeroU32;
use std::path::Path;

use reqwest::Url;
use secrecy::SecretString;
use serde_json::Value;

use super::ctx::Ctx;
use super::secret::parse_secret_source;
use super::text::{msg, q, Text};
use crate::wire::lapor::types::Klasifikasi;

pub(crate) fn validate_url(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<String>,
    example: &str,
) -> Option<Url> {
    let Some(raw) = raw else {
        ctx.missing(key, msg!("config-url-missing", example = q(example)));
        return None;
    };
    let problem = match Url::parse(raw.trim()) {
        Err(e) => Some(msg!(
            "config-url-invalid",
            value = q(&raw),
            error = e,
            example = q(example)
        )),
        Ok(u) if u.scheme() != "http" && u.scheme() != "https" => Some(msg!(
            "config-url-scheme",
            value = q(&raw),
            scheme = q(u.scheme())
        )),
        Ok(u) if u.host_str().is_none_or(str::is_empty) => {
            Some(msg!("config-url-no-host", value = q(&raw)))
        }
        Ok(u) if !u.username().is_empty() || u.password().is_some() => {
            Some(msg!("config-url-credentials"))
        }
        Ok(u) if u.query().is_some() || u.fragment().is_some() => Some(msg!(
            "config-url-query",
            value = q(&raw),
            example = q(example)
        )),
        Ok(u) => return Some(u),
    };
    if let Some(p) = problem {
        ctx.problem(key, p);
    }
    None
}

/// A value that must be > 0; `default` when absent.
pub(crate) fn positive(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<u64>,
    default: u64,
) -> Option<u64> {
    match raw.unwrap_or(default) {
        0 => {
            ctx.problem(key, msg!("config-positive"));
            None
        }
        v => Some(v),
    }
}

pub(crate) fn in_range(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<u64>,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Option<u64> {
    let v = raw.unwrap_or(default);
    if range.contains(&v) {
        Some(v)
    } else {
        ctx.problem(
            key,
            msg!(
                "config-out-of-range",
                value = v,
                min = range.start(),
                max = range.end()
            ),
        );
        None
    }
}

pub(crate) fn secret(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<Value>,
    example: &str,
    base_dir: &Path,
    env: &[(String, String)],
) -> Option<SecretString> {
    let Some(raw) = raw else {
        ctx.missing(
            key,
            msg!(
                "config-secret-missing",
                name = key.last().map(String::as_str).unwrap_or("secret"),
                example = example
            ),
        );
        return None;
    };
    let env_keys = ctx.env_children(key);
    let source = match parse_secret_source(&raw, &env_keys) {
        Ok(s) => s,
        Err(problems) => {
            for (sub, msg) in problems {
                let mut p = key.to_vec();
                p.extend(sub);
                ctx.problem(&p, msg);
            }
            return None;
        }
    };
    match source.resolve(base_dir, env) {
        Ok(s) => Some(s),
        Err(msg) => {
            ctx.problem(key, msg);
            None
        }
    }
}

/// An optional secret at `key`: `Some(None)` when it is not given, or when `resolve` is off
/// (operator commands need no credentials, only its shape checked); `None` once a problem is
/// reported.
pub(crate) fn optional_secret(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<Value>,
    base_dir: &Path,
    env: &[(String, String)],
    resolve: bool,
) -> Option<Option<SecretString>> {
    let Some(raw) = raw else {
        return Some(None);
    };
    let env_keys = ctx.env_children(key);
    match parse_secret_source(&raw, &env_keys) {
        Err(problems) => {
            for (sub, msg) in problems {
                let mut p = key.to_vec();
                p.extend(sub);
                ctx.problem(&p, msg);
            }
            None
        }
        Ok(_) if !resolve => Some(None),
        Ok(source) => match source.resolve(base_dir, env) {
            Ok(s) => Some(Some(s)),
            Err(msg) => {
                ctx.problem(key, msg);
                None
            }
        },
    }
}

pub(crate) fn nonzero(
    ctx: &mut Ctx,
    key: &[String],
    raw: Option<u32>,
    default: u32,
    what: Text,
) -> Option<NonZeroU32> {
    match NonZeroU32::new(raw.unwrap_or(default)) {
        Some(v) => Some(v),
        None => {
            ctx.problem(key, msg!("config-at-least-one", what = what));
            None
        }
    }
}

/// `klasifikasi = …` of a channel's mapping; `None` (with the problem recorded) when unknown.
pub(crate) fn klasifikasi(ctx: &mut Ctx, key: &[String], raw: Option<&str>) -> Option<Klasifikasi> {
    match raw {
        None | Some("pengaduan") => Some(Klasifikasi::Pengaduan),
        Some("aspirasi") => Some(Klasifikasi::Aspirasi),
        Some("permintaan_informasi") => Some(Klasifikasi::PermintaanInformasi),
        Some(other) => {
            ctx.problem(key, msg!("config-klasifikasi", value = q(other)));
            None
        }
    }
}

/// Lowercase, trimmed, inner whitespace collapsed: how mapping-table keys and looked-up
/// names are compared.
pub fn normalise_key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// How kecamatan and kelurahan names are compared: lowercase with spaces and hyphens dropped,
/// because citizens and channels write the same place as `Oro-oro Dowo`, `Oro Oro Dowo`,
/// `Rampal Celaket`/`Rampalcelaket` or `Kidul Dalem`/`Kiduldalem`.
pub fn normalise_place(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}
