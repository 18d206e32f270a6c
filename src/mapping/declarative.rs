//! Declarative mapping: a webhook delivery or a CSV row → LAPOR! create body, driven by a
//! channel's [`DeclMapping`] instead of code. Paths that start with `/` are JSON pointers into
//! the delivery; any other path is a CSV column (a key of the row object).
//!
//! Like [`super::map_sambat`], every problem is reported at once, and neither notes nor
//! problems contain personal data. A record that maps is also checked against the whole
//! contract ([`check_payload`], [`check_reference`]), so what maps can be sent.

use jiff::civil::Date;
use jiff::Timestamp;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::fields::lampiran::{self, Skipped};
use super::fields::lokasi::{self as lokasi_rules, is_kode_wilayah};
use super::fields::pelapor as pelapor_rules;
use super::fields::texts::{self, Completion, Judul};
use super::fields::waktu::{self, parse_rfc3339};
use super::reference::{check_reference, ReferenceIds};
use super::text::{char_len, collapse_whitespace};
use super::validate::check_payload;
use super::Mapped;
use crate::config::{
    normalise_key, normalise_place, DateFormat, DeclMapping, Filter, Reporter, Source, Table,
};
use crate::domain::{FieldProblem, RecordKey};
use crate::time;
use crate::wire::json_path::text_of;
pub use crate::wire::json_path::{id_at, lookup};
use crate::wire::lapor::types::{limits, CreateLaporan, Lampiran, Lokasi, Pelapor};

/// The first filter the record fails, if any: such a record is not a complaint for LAPOR!.
pub fn failed_filter<'a>(raw: &Value, filters: &'a [Filter]) -> Option<&'a Filter> {
    filters.iter().find(|f| {
        !lookup(raw, &f.path)
            .and_then(text_of)
            .is_some_and(|v| v.trim().starts_with(&f.prefix))
    })
}

/// SHA-256 (hex) of the values at the mapping's content paths, canonical JSON, absent = null.
/// The id and any field the mapping does not read (an agent id, a status) are left out, so
/// only an edit of the complaint itself changes it.
pub fn content_hash_decl(m: &DeclMapping, raw: &Value) -> String {
    let mut canon = String::from("decl-content-v1\n");
    for p in m.content_paths() {
        canon.push_str(&p);
        canon.push('=');
        super::hash::write_canonical(&mut canon, lookup(raw, &p).unwrap_or(&Value::Null));
        canon.push('\n');
    }
    hex::encode(Sha256::digest(canon.as_bytes()))
}

/// Maps one record with a declarative mapping.
pub fn map_decl(
    key: &RecordKey,
    raw: &Value,
    m: &DeclMapping,
    reference: &ReferenceIds,
    now: Timestamp,
) -> Result<Mapped, Vec<FieldProblem>> {
    if !raw.is_object() {
        return Err(vec![FieldProblem::new("record", "is not a JSON object")]);
    }
    let mut cx = Cx {
        raw,
        m,
        channel: key.channel.as_str(),
        problems: Vec::new(),
        notes: Vec::new(),
    };
    let id_eksternal = key.id_eksternal();
    let isi = cx.isi();
    let judul = cx.judul(&isi);
    let kategori_id = cx.id_field("kategori", &m.kategori, Table::Kategori);
    let instansi_id = cx.id_field("instansi", &m.instansi, Table::Opd);
    let lokasi = cx.lokasi();
    let (anonim, pelapor) = cx.pelapor();
    let lampiran = cx.lampiran();
    let waktu = cx.waktu_lapor(now);
    let tanggal_kejadian = cx.tanggal_kejadian(waktu.as_ref().map(|(_, d)| *d));
    if !cx.problems.is_empty() {
        return Err(cx.problems);
    }
    let payload = CreateLaporan {
        id_eksternal,
        kanal: key.channel.as_str().to_owned(),
        klasifikasi: m.klasifikasi,
        judul,
        isi,
        kategori_id,
        instansi_id,
        tanggal_kejadian,
        lokasi,
        anonim,
        rahasia: m.rahasia,
        pelapor,
        lampiran,
        waktu_lapor: waktu.map(|(s, _)| s).unwrap_or_default(),
    };
    let mut problems = check_payload(&payload);
    problems.extend(check_reference(&payload, reference));
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Mapped {
        payload,
        notes: cx.notes,
    })
}

struct Cx<'a> {
    raw: &'a Value,
    m: &'a DeclMapping,
    channel: &'a str,
    problems: Vec<FieldProblem>,
    notes: Vec<String>,
}

impl Cx<'_> {
    fn problem(&mut self, field: &str, msg: String) {
        self.problems.push(FieldProblem::new(field, msg));
    }

    fn paths(s: &Source) -> String {
        s.paths.join(", ")
    }

    /// The source's text: joined non-empty path values, else the constant; then the default.
    fn text(&self, s: &Source) -> Option<String> {
        let from_paths = if s.paths.is_empty() {
            s.value.clone()
        } else {
            let parts: Vec<String> = s
                .paths
                .iter()
                .filter_map(|p| lookup(self.raw, p).and_then(text_of))
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join(&s.sep))
        };
        from_paths.filter(|t| !t.trim().is_empty())
    }

    fn isi(&mut self) -> String {
        let s = &self.m.isi;
        let isi = texts::isi(
            &self
                .text(s)
                .or_else(|| s.default.clone())
                .unwrap_or_default(),
        );
        if texts::isi_too_short(&isi) {
            let from = Self::paths(s);
            self.problem(
                "isi",
                format!(
                    "has {} chars (from {from}); LAPOR! needs at least {}: it must be completed on the channel",
                    isi.chars,
                    limits::ISI_MIN
                ),
            );
        }
        self.notes.extend(isi.cut_note("isi"));
        isi.text
    }

    fn judul(&mut self, isi: &str) -> String {
        let given = self
            .m
            .judul
            .as_ref()
            .and_then(|s| self.text(s).or_else(|| s.default.clone()))
            .unwrap_or_default();
        let judul = texts::judul(&given, isi, Completion::AsText);
        match &judul {
            Judul::Derived(_) => self.notes.push("judul not given: derived from isi".into()),
            // A text too short for a title is already a problem of `isi`.
            Judul::TooShort { .. } if char_len(isi) >= limits::ISI_MIN => self.problem(
                "judul",
                format!(
                    "cannot derive a title of at least {} chars",
                    limits::JUDUL_MIN
                ),
            ),
            _ => self.notes.extend(judul.note()),
        }
        judul.text()
    }

    fn table_name(&self, t: Table) -> String {
        format!("[channels.{}.mapping.tables.{}]", self.channel, t.name())
    }

    /// A LAPOR! id: a constant, or the record's name looked up in `table`, else the default.
    fn id_field(&mut self, field: &str, s: &Source, _table: Table) -> i64 {
        let parse = |v: &str| v.trim().parse::<i64>().ok().filter(|i| *i > 0);
        let name = self.text(s);
        let looked = match (&name, s.table, s.paths.is_empty()) {
            (Some(v), _, true) => parse(v),
            (Some(n), Some(t), false) => {
                let key = normalise_key(n);
                let found = match t {
                    Table::Kategori => self.m.kategori_table.get(&key).copied(),
                    Table::Opd => self.m.opd_table.get(&key).copied(),
                    Table::Wilayah => None,
                };
                if found.is_none() && s.default.is_some() {
                    let tn = self.table_name(t);
                    self.notes.push(format!(
                        "{field}: the record's value is not in {tn}: the default is used"
                    ));
                }
                found
            }
            _ => None,
        };
        let id = looked.or_else(|| s.default.as_deref().and_then(parse));
        match id {
            // Whether LAPOR! lists it is checked on the whole payload (`check_reference`).
            Some(id) => id,
            None => {
                let msg = match (&name, s.table) {
                    (None, _) => format!(
                        "the record has no {field} (at {}) and the mapping gives no default",
                        Self::paths(s)
                    ),
                    (Some(n), Some(t)) => {
                        let shown: String = n.chars().take(60).collect();
                        format!(
                            "{shown:?} has no LAPOR! id: add it to {}",
                            self.table_name(t)
                        )
                    }
                    (Some(_), None) => format!("the {field} constant is not a LAPOR! id"),
                };
                self.problem(field, msg);
                0
            }
        }
    }

    fn lokasi(&mut self) -> Option<Lokasi> {
        let kode_wilayah = match &self.m.kode_wilayah {
            None => None,
            Some(s) => {
                let s = s.clone();
                match (self.text(&s), s.table, s.paths.is_empty()) {
                    (Some(v), _, true) => Some(v),
                    (Some(n), _, false) => {
                        let key = normalise_place(&n);
                        match self.m.wilayah_table.get(&key) {
                            Some(code) => Some(code.clone()),
                            None if is_kode_wilayah(n.trim()) && s.table.is_none() => {
                                Some(n.trim().to_owned())
                            }
                            None => {
                                let shown: String = n.chars().take(60).collect();
                                let tn = self.table_name(Table::Wilayah);
                                self.notes.push(format!(
                                    "wilayah {shown:?} is not in {tn}: sent without kode_wilayah"
                                ));
                                s.default.clone()
                            }
                        }
                    }
                    (None, _, _) => s.default.clone(),
                }
            }
        };
        let alamat = self
            .m
            .alamat
            .as_ref()
            .and_then(|s| self.text(s).or_else(|| s.default.clone()))
            .map(|a| collapse_whitespace(&a))
            .filter(|a| !a.is_empty());
        let num = |cx: &Self, s: &Option<Source>| -> Option<f64> {
            let s = s.as_ref()?;
            let v = s.paths.iter().find_map(|p| lookup(cx.raw, p)).cloned();
            match v {
                Some(Value::Number(n)) => n.as_f64(),
                Some(Value::String(t)) => t.trim().replace(',', ".").parse().ok(),
                _ => s.value.as_deref().and_then(|t| t.parse().ok()),
            }
        };
        let coordinates = lokasi_rules::coordinates(num(self, &self.m.lat), num(self, &self.m.lon))
            .unwrap_or_else(|_| {
                self.notes
                    .push("lat/lon dropped: not a valid pair of coordinates".into());
                None
            });
        let (lat, lon) = coordinates.unzip();
        let alamat = match alamat {
            Some(a) => {
                let alamat = lokasi_rules::alamat(&a);
                self.notes.extend(alamat.brief_cut_note("alamat"));
                alamat.text
            }
            None if kode_wilayah.is_some() || lat.is_some() => lokasi_rules::KOTA.to_owned(),
            None => return None,
        };
        Some(Lokasi {
            alamat,
            kode_wilayah,
            lat,
            lon,
        })
    }

    fn opt_text(&self, s: &Option<Source>) -> Option<String> {
        let s = s.as_ref()?;
        self.text(s)
            .or_else(|| s.default.clone())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    }

    /// `(anonim, pelapor)`: honest about who reported. A handle is a name and nothing more.
    fn pelapor(&mut self) -> (bool, Option<Pelapor>) {
        if self.m.anonim || self.m.reporter == Reporter::Anonymous {
            return (true, None);
        }
        let nama = self
            .opt_text(&self.m.pelapor_nama)
            .map(|n| collapse_whitespace(&n));
        let Some(nama) = nama.filter(|n| !n.is_empty()) else {
            self.notes.push(match self.m.reporter {
                Reporter::Handle => "the post has no author handle: sent as anonim".into(),
                _ => "the reporter gave no name: sent as anonim".into(),
            });
            return (true, None);
        };
        let nama = pelapor_rules::nama(&nama);
        self.notes.extend(nama.brief_cut_note("pelapor.nama"));
        let nama = nama.text;
        if self.m.reporter == Reporter::Handle {
            return (
                false,
                Some(Pelapor {
                    nama,
                    nik: None,
                    telepon: None,
                    email: None,
                }),
            );
        }
        let telepon = self.opt_text(&self.m.pelapor_telepon).and_then(|t| {
            let p = pelapor_rules::telepon(&t);
            if p.is_none() {
                self.notes
                    .push("pelapor.telepon dropped: not an Indonesian phone number".into());
            }
            p
        });
        let email = self
            .opt_text(&self.m.pelapor_email)
            .and_then(|t| pelapor_rules::email(&t, &mut self.notes));
        let nik = self
            .opt_text(&self.m.pelapor_nik)
            .and_then(|t| pelapor_rules::nik(&t, &mut self.notes));
        (
            false,
            Some(Pelapor {
                nama,
                nik,
                telepon,
                email,
            }),
        )
    }

    fn lampiran(&mut self) -> Vec<Lampiran> {
        let Some(s) = &self.m.lampiran else {
            return Vec::new();
        };
        let mut urls: Vec<String> = Vec::new();
        for p in &s.paths {
            match lookup(self.raw, p) {
                Some(Value::Array(a)) => {
                    urls.extend(a.iter().map(|v| text_of(v).unwrap_or_default()))
                }
                Some(Value::String(t)) => urls.extend(t.split_whitespace().map(str::to_owned)),
                _ => {}
            }
        }
        let allowed = &self.m.lampiran_types;
        let (out, skipped, over) = lampiran::collect(&urls, |t| allowed.iter().any(|a| a == t));
        for s in skipped {
            self.notes.push(match s {
                Skipped::Invalid { n, why } => format!("media {n} left out: {why}"),
                Skipped::NotAllowed { n, tipe } => format!(
                    "media {n} left out: type {tipe} is not allowed for this channel ({})",
                    self.m.lampiran_types.join(", ")
                ),
                Skipped::Duplicate { n } => {
                    format!("media {n} left out: same URL as an earlier one")
                }
            });
        }
        if over > 0 {
            self.notes.push(format!(
                "{over} more media left out: LAPOR! accepts at most {}",
                limits::LAMPIRAN_MAX
            ));
        }
        out
    }

    fn parse_time(&self, text: &str, f: DateFormat) -> Option<(Timestamp, Date)> {
        let t = text.trim();
        match f {
            DateFormat::Rfc3339 => parse_rfc3339(t),
            DateFormat::WibDateTime => {
                time::parse_wib(t).map(|ts| (ts, ts.to_zoned_datetime(time::wib()).date()))
            }
            DateFormat::DdMmYyyy => {
                let d = parse_dd_mm_yyyy(t)?;
                let ts = d
                    .at(0, 0, 0, 0)
                    .to_zoned_datetime(time::wib())
                    .ok()?
                    .timestamp();
                Some((ts, d))
            }
        }
    }

    /// RFC 3339 in WIB; a time later than now becomes now, noted.
    fn waktu_lapor(&mut self, now: Timestamp) -> Option<(String, Date)> {
        let s = self.m.waktu_lapor.clone();
        let text = self.text(&s).or_else(|| s.default.clone());
        let f = s.format.unwrap_or(DateFormat::Rfc3339);
        let parsed = text.as_deref().and_then(|t| self.parse_time(t, f));
        let Some(w) = parsed.and_then(|(ts, _)| waktu::waktu_lapor(ts, now, "the report time"))
        else {
            let what = if text.is_none() {
                "is missing"
            } else {
                "is not a valid date/time from 2000 on"
            };
            let expected = match f {
                DateFormat::Rfc3339 => "RFC 3339 with an offset, e.g. 2024-07-29T08:15:00+07:00",
                DateFormat::DdMmYyyy => "DD/MM/YYYY, e.g. 29/07/2024",
                DateFormat::WibDateTime => "YYYY-MM-DD HH:MM:SS (WIB), e.g. 2024-07-29 08:15:00",
            };
            self.problem(
                "waktu_lapor",
                format!("{} {what}; expected {expected}", Self::paths(&s)),
            );
            return None;
        };
        self.notes.extend(w.note);
        Some((w.text, w.day))
    }

    fn tanggal_kejadian(&mut self, lapor_day: Option<Date>) -> Option<String> {
        let s = self.m.tanggal_kejadian.clone()?;
        let text = self.text(&s)?;
        let (_, d) = self.parse_time(&text, s.format.unwrap_or(DateFormat::Rfc3339))?;
        waktu::tanggal_kejadian(d, lapor_day, &mut self.notes)
    }
}

/// `DD/MM/YYYY` (also `D/M/YYYY`), the Indonesian spreadsheet date.
pub fn parse_dd_mm_yyyy(s: &str) -> Option<Date> {
    let mut it = s.trim().split('/');
    let d: i8 = it.next()?.trim().parse().ok()?;
    let m: i8 = it.next()?.trim().parse().ok()?;
    let y_s = it.next()?.trim();
    if it.next().is_some() || y_s.len() != 4 {
        return None;
    }
    let y: i16 = y_s.parse().ok()?;
    Date::new(y, m, d).ok()
}
