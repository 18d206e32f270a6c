//! `[channels.<sambat>.mapping]`: the lookup tables from SAMBAT's names to LAPOR! ids and
//! Kemendagri codes.

use crate::config::text::{msg, q, Text};
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::checks::{klasifikasi, normalise_key, normalise_place};
use crate::config::ctx::{join, Ctx};
use crate::wire::lapor::types::Klasifikasi;

/// Lookup tables from SAMBAT's names to LAPOR! ids. Keys are normalised with
/// [`normalise_key`] (the `config` crate lowercases keys anyway), so lookups ignore case and
/// repeated spaces; the place tables (`kecamatan`, `kelurahan`) with [`normalise_place`], which
/// also ignores spaces and hyphens.
#[derive(Clone, Debug, Default)]
pub struct SambatMapping {
    pub klasifikasi: Klasifikasi,
    pub kategori: BTreeMap<String, i64>,
    pub opd: BTreeMap<String, i64>,
    /// Used when a record's OPD is empty or not in `opd`; `None` holds such records instead.
    pub default_instansi_id: Option<i64>,
    pub kecamatan: BTreeMap<String, String>,
    pub kelurahan: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMapping {
    klasifikasi: Option<String>,
    default_instansi_id: Option<i64>,
    kategori: Option<BTreeMap<String, i64>>,
    opd: Option<BTreeMap<String, i64>>,
    kecamatan: Option<BTreeMap<String, String>>,
    kelurahan: Option<BTreeMap<String, String>>,
}

fn is_code(s: &str, groups: &[usize]) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == groups.len()
        && parts
            .iter()
            .zip(groups)
            .all(|(p, n)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Normalises the keys of one mapping table; two keys that normalise alike are an error unless
/// one of them came from the environment (which then wins).
fn normalise_table<V: Clone>(
    ctx: &mut Ctx,
    key: &[String],
    table: BTreeMap<String, V>,
    normalise: fn(&str) -> String,
    check: impl Fn(&V) -> Result<(), Text>,
) -> Option<BTreeMap<String, V>> {
    let mut out: BTreeMap<String, (String, V, bool)> = BTreeMap::new();
    let mut ok = true;
    for (name, v) in table {
        let entry_key = join(key, &[&name]);
        let from_env = ctx.env_var(&entry_key).is_some();
        let norm = normalise(&name);
        if norm.is_empty() {
            ctx.problem(&entry_key, msg!("config-mapping-name-empty"));
            ok = false;
            continue;
        }
        match out.get(&norm) {
            // An environment override wins over the file's entry of the same name.
            Some((_, _, true)) if !from_env => continue,
            Some((_, _, false)) if from_env => {}
            Some((first, _, _)) => {
                ctx.problem(
                    &entry_key,
                    msg!(
                        "config-mapping-same-name",
                        name = q(&name),
                        first = q(first),
                        normalised = q(&norm)
                    ),
                );
                ok = false;
                continue;
            }
            None => {}
        }
        if let Err(msg) = check(&v) {
            ctx.problem(&entry_key, msg);
            ok = false;
        }
        out.insert(norm, (name, v, from_env));
    }
    ok.then(|| out.into_iter().map(|(k, (_, v, _))| (k, v)).collect())
}

pub(crate) fn validate_mapping(
    raw: RawMapping,
    key: &[String],
    ctx: &mut Ctx,
) -> Option<SambatMapping> {
    let sub = |s: &str| join(key, &[s]);
    let klasifikasi = klasifikasi(ctx, &sub("klasifikasi"), raw.klasifikasi.as_deref());
    let default_instansi_id = match raw.default_instansi_id {
        Some(id) if id <= 0 => {
            ctx.problem(
                &sub("default_instansi_id"),
                msg!("config-mapping-default-instansi", value = id),
            );
            None
        }
        other => Some(other),
    };
    let positive_id = |what: &'static str| {
        move |v: &i64| {
            if *v > 0 {
                Ok(())
            } else {
                Err(msg!("config-mapping-id", value = v, what = what))
            }
        }
    };
    let kategori = normalise_table(
        ctx,
        &sub("kategori"),
        raw.kategori.unwrap_or_default(),
        normalise_key,
        positive_id("kategori"),
    );
    let opd = normalise_table(
        ctx,
        &sub("opd"),
        raw.opd.unwrap_or_default(),
        normalise_key,
        positive_id("instansi"),
    );
    let kecamatan = normalise_table(
        ctx,
        &sub("kecamatan"),
        raw.kecamatan.unwrap_or_default(),
        normalise_place,
        |v: &String| {
            if is_code(v, &[2, 2, 2]) {
                Ok(())
            } else {
                Err(msg!("config-mapping-kecamatan-code", value = q(v)))
            }
        },
    );
    let kelurahan = normalise_table(
        ctx,
        &sub("kelurahan"),
        raw.kelurahan.unwrap_or_default(),
        normalise_place,
        |v: &String| {
            if is_code(v, &[2, 2, 2, 4]) {
                Ok(())
            } else {
                Err(msg!("config-mapping-kelurahan-code", value = q(v)))
            }
        },
    );
    if let (Some(kec), Some(kel)) = (&kecamatan, &kelurahan) {
        for problem in kelurahan_outside_kecamatan(kec, kel) {
            ctx.problem(&join(&sub("kelurahan"), &[&problem.0]), problem.1);
        }
    }
    Some(SambatMapping {
        klasifikasi: klasifikasi?,
        kategori: kategori?,
        opd: opd?,
        default_instansi_id: default_instansi_id?,
        kecamatan: kecamatan?,
        kelurahan: kelurahan?,
    })
}

/// Every kelurahan code must start with the code of a kecamatan in the table: a kelurahan code
/// that does not was copied from another district's list (or BPS's order) and would send its
/// complaints to the wrong place. An empty kecamatan table leaves nothing to check against.
/// Returns (kelurahan name, message) pairs.
pub(crate) fn kelurahan_outside_kecamatan(
    kecamatan: &BTreeMap<String, String>,
    kelurahan: &BTreeMap<String, String>,
) -> Vec<(String, Text)> {
    if kecamatan.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (name, code) in kelurahan {
        let prefix = code.rsplit_once('.').map_or(code.as_str(), |(p, _)| p);
        if !kecamatan.values().any(|k| k == prefix) {
            let known: Vec<&str> = kecamatan.values().map(String::as_str).collect();
            out.push((
                name.clone(),
                msg!(
                    "config-mapping-kelurahan-outside",
                    value = q(code),
                    prefix = prefix,
                    known = known.join(", ")
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kemendagri_codes() {
        assert!(is_code("35.73.03", &[2, 2, 2]));
        assert!(is_code("35.73.03.1004", &[2, 2, 2, 4]));
        assert!(!is_code("35.73.3", &[2, 2, 2]));
        assert!(!is_code("35.73.03.1004", &[2, 2, 2]));
        assert!(!is_code("35.7a.03", &[2, 2, 2]));
    }
}
