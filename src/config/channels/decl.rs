//! The declarative mapping of the `webhook` and `csv_folder` kinds: per LAPOR! field a
//! [`Source`], filters, and the reporter and `anonim`/`rahasia` rules. Every field path is
//! checked against what the channel's kind can deliver ([`PathRule`]).

use crate::config::text::{msg, q, Text};
use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;

use super::source::{parse_source, PathRule, Source, Table};
use crate::config::checks::{klasifikasi, normalise_key, normalise_place};
use crate::config::ctx::{dotted, join, Ctx};
use crate::wire::lapor::types::{is_kode_wilayah, Klasifikasi, LAMPIRAN_TIPE};

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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFilter {
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

pub(crate) fn filters(
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
                ctx.problem(&fk, msg!("config-decl-filter"));
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

pub(crate) fn validate_decl(
    raw: Option<Value>,
    key: &[String],
    ctx: &mut Ctx,
    rule: &PathRule<'_>,
) -> Option<DeclMapping> {
    let Some(raw) = raw else {
        ctx.missing(key, msg!("config-decl-mapping-missing"));
        return None;
    };
    let raw: RawDecl = ctx.deserialize(raw, key)?;
    let sub = |s: &str| join(key, &[s]);
    let mut ok = true;
    let klasifikasi = klasifikasi(ctx, &sub("klasifikasi"), raw.klasifikasi.as_deref())
        .unwrap_or_else(|| {
            ok = false;
            Klasifikasi::Pengaduan
        });
    let reporter = match raw.reporter.as_deref() {
        None | Some("named") => Reporter::Named,
        Some("handle") => Reporter::Handle,
        Some("anonymous") => Reporter::Anonymous,
        Some(o) => {
            ctx.problem(&sub("reporter"), msg!("config-decl-reporter", value = q(o)));
            ok = false;
            Reporter::Named
        }
    };
    let src =
        |ctx: &mut Ctx, name: &str, v: Option<Value>, required: bool| -> Option<Option<Source>> {
            match v {
                None if required => {
                    ctx.missing(&sub(name), msg!("config-decl-field-missing", name = name));
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
                ctx.problem(
                    &join(&tk(t), &[&name]),
                    msg!("config-mapping-id", value = id, what = what),
                );
                ok = false;
            }
            out.insert(normalise_key(&name), id);
        }
        out
    };
    let kategori_table = norm_ids(ctx, "kategori", tables.kategori, "kategori");
    let opd_table = norm_ids(ctx, "opd", tables.opd, "instansi");
    let mut wilayah_table = BTreeMap::new();
    for (name, code) in tables.wilayah.unwrap_or_default() {
        if !is_kode_wilayah(&code) {
            ctx.problem(
                &join(&tk("wilayah"), &[&name]),
                msg!("config-decl-wilayah-code", value = q(&code)),
            );
            ok = false;
        }
        wilayah_table.insert(normalise_place(&name), code);
    }

    let lampiran_types = match raw.lampiran_types {
        None => LAMPIRAN_TIPE.iter().map(|s| (*s).to_owned()).collect(),
        Some(v) => {
            for (i, t) in v.iter().enumerate() {
                if !LAMPIRAN_TIPE.contains(&t.as_str()) {
                    ctx.problem(
                        &join(key, &["lampiran_types", &i.to_string()]),
                        msg!(
                            "config-decl-lampiran-type",
                            value = q(t),
                            types = LAMPIRAN_TIPE.join(", ")
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
    let mut check_id_source =
        |ctx: &mut Ctx, name: &str, s: &Option<Option<Source>>, table: Table, filled: bool| {
            let Some(Some(s)) = s else { return };
            if let Some(t) = s.table {
                if t != table {
                    ctx.problem(
                        &join(&sub(name), &["table"]),
                        msg!(
                            "config-decl-wrong-table",
                            name = name,
                            table = table.name(),
                            given = t.name()
                        ),
                    );
                    ok = false;
                } else if !filled {
                    ctx.problem(
                        &join(&sub(name), &["table"]),
                        msg!(
                            "config-decl-table-empty",
                            table = t.name(),
                            key = dotted(key)
                        ),
                    );
                    ok = false;
                }
            } else if !s.paths.is_empty() && table != Table::Wilayah {
                ctx.problem(
                    &sub(name),
                    msg!("config-decl-needs-table", name = name, table = table.name()),
                );
                ok = false;
            }
            for (what, v) in [("value", &s.value), ("default", &s.default)] {
                if let Some(v) = v {
                    let good = match table {
                        Table::Wilayah => is_kode_wilayah(v),
                        _ => v.parse::<i64>().is_ok_and(|i| i > 0),
                    };
                    if !good {
                        ctx.problem(
                            &join(&sub(name), &[what]),
                            msg!("config-decl-id-value", value = q(v), name = name),
                        );
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
                ctx.problem(
                    &join(&sub(name), &["format"]),
                    msg!("config-decl-format-missing"),
                );
                ok = false;
            }
        }
    }
    if reporter == Reporter::Handle && !matches!(pelapor_nama, Some(Some(_))) {
        ctx.problem(&sub("pelapor_nama"), msg!("config-decl-handle-needs-name"));
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
    kategori: &BTreeSet<i64>,
    instansi: &BTreeSet<i64>,
) -> Vec<(String, Text)> {
    let base = format!("channels.{channel}.mapping");
    let mut out = Vec::new();
    let mut check = |set: &BTreeSet<i64>, path: String, id: i64, what: &str| {
        if !set.is_empty() && !set.contains(&id) {
            out.push((
                path,
                msg!("config-reference-unknown-id", what = what, id = id),
            ));
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
