//! SAMBAT Online record → LAPOR! create body.

use jiff::civil::DateTime;
use jiff::Timestamp;
use serde_json::Value;

use super::fields::lampiran::{self, Skipped};
use super::fields::lokasi::{self as lokasi_rules, is_kode_wilayah, kelurahan_in_kecamatan};
use super::fields::texts::{self, Completion, Judul};
use super::fields::{pelapor as pelapor_rules, waktu};
use super::reference::ReferenceIds;
use super::text::{char_len, collapse_whitespace};
use super::Mapped;
use crate::config::{normalise_key, normalise_place, SambatMapping};
use crate::domain::{FieldProblem, RecordKey};
use crate::time;
use crate::wire::lapor::types::{limits, CreateLaporan, Lampiran, Lokasi, Pelapor};
use crate::wire::sambat::{Aduan, AduanPelapor, TIME_FORMAT};

/// The city SAMBAT Online serves: closes an address built from kelurahan and kecamatan.
pub const SAMBAT_KOTA: &str = lokasi_rules::KOTA;

/// Maps one SAMBAT record, exactly as SAMBAT sent it, to a LAPOR! create body.
///
/// Every problem is reported at once; a record with none maps, possibly with notes about
/// things that were dropped or shortened. Neither notes nor problems contain personal data
/// (names, NIK, phone numbers, e-mail addresses, URLs of photos, the complaint's text).
pub fn map_sambat(
    key: &RecordKey,
    raw: &Value,
    mapping: &SambatMapping,
    reference: &ReferenceIds,
    now: Timestamp,
) -> Result<Mapped, Vec<FieldProblem>> {
    let aduan = read_aduan(raw).map_err(|p| vec![p])?;
    let mut m = Mapper {
        channel: key.channel.as_str(),
        mapping,
        reference,
        problems: Vec::new(),
        notes: Vec::new(),
    };

    if aduan.id.to_string() != key.local_id {
        m.problem(
            "id",
            format!("record id {} does not match its key {key}", aduan.id),
        );
    }
    let id_eksternal = key.id_eksternal();
    if char_len(&id_eksternal) > limits::ID_EKSTERNAL_MAX {
        m.problem(
            "id",
            format!(
                "id_eksternal {id_eksternal:?} is over {} chars",
                limits::ID_EKSTERNAL_MAX
            ),
        );
    }

    let isi = m.isi(&aduan.isi);
    let judul = m.judul(&aduan.judul, &aduan.isi);
    let kategori_id = m.kategori(&aduan.kategori);
    let instansi_id = m.instansi(&aduan.opd);
    let lokasi = m.lokasi(&aduan);
    let pelapor = if aduan.anonim {
        None
    } else {
        Some(m.pelapor(aduan.pelapor.as_ref()))
    };
    let lampiran = m.lampiran(&aduan.foto);
    let waktu_lapor = m.waktu_lapor(&aduan.dibuat, now);

    if !m.problems.is_empty() {
        return Err(m.problems);
    }
    Ok(Mapped {
        payload: CreateLaporan {
            id_eksternal,
            kanal: key.channel.as_str().to_owned(),
            klasifikasi: mapping.klasifikasi,
            judul,
            isi,
            kategori_id,
            instansi_id,
            tanggal_kejadian: None,
            lokasi,
            anonim: aduan.anonim,
            rahasia: aduan.rahasia,
            pelapor,
            lampiran,
            waktu_lapor,
        },
        notes: m.notes,
    })
}

/// The record as an [`Aduan`], or a problem naming the field that could not be read. The
/// message says what was expected and what JSON type was found, never the value.
fn read_aduan(raw: &Value) -> Result<Aduan, FieldProblem> {
    if !raw.is_object() {
        return Err(FieldProblem::new(
            "record",
            format!("is a JSON {}, not an object", json_type(raw)),
        ));
    }
    serde_path_to_error::deserialize::<_, Aduan>(raw).map_err(|e| {
        let inner = e.inner().to_string();
        let path = e.path().to_string();
        let prefix = if path == "." {
            String::new()
        } else {
            format!("{path}.")
        };
        if let Some(field) = inner
            .strip_prefix("missing field `")
            .and_then(|r| r.split_once('`'))
            .map(|(f, _)| f)
        {
            return FieldProblem::new(
                format!("{prefix}{field}"),
                "is missing from the SAMBAT record",
            );
        }
        let found = lookup(raw, e.path()).map_or("nothing", json_type);
        let message = match inner.rsplit_once(", expected ") {
            Some((_, expected)) => format!("is a JSON {found}, expected {expected}"),
            None => format!("could not be read (a JSON {found})"),
        };
        let field = if path == "." {
            "record".to_owned()
        } else {
            path
        };
        FieldProblem::new(field, message)
    })
}

fn lookup<'a>(raw: &'a Value, path: &serde_path_to_error::Path) -> Option<&'a Value> {
    use serde_path_to_error::Segment;
    path.iter().try_fold(raw, |v, seg| match seg {
        Segment::Seq { index } => v.get(*index),
        Segment::Map { key } => v.get(key),
        Segment::Enum { .. } | Segment::Unknown => None,
    })
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

struct Mapper<'a> {
    channel: &'a str,
    mapping: &'a SambatMapping,
    reference: &'a ReferenceIds,
    problems: Vec<FieldProblem>,
    notes: Vec<String>,
}

impl Mapper<'_> {
    fn problem(&mut self, field: &str, message: String) {
        self.problems.push(FieldProblem::new(field, message));
    }

    fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    fn table(&self, name: &str) -> String {
        format!("[channels.{}.mapping] {name}", self.channel)
    }

    /// Too short is the citizen's text and cannot be invented; too long is cut.
    fn isi(&mut self, raw: &str) -> String {
        let isi = texts::isi(raw);
        if texts::isi_too_short(&isi) {
            self.problem(
                "isi",
                format!(
                    "has {} chars after trimming; LAPOR! needs at least {}: it must be fixed on SAMBAT",
                    isi.chars,
                    limits::ISI_MIN
                ),
            );
        }
        self.notes.extend(isi.cut_note("isi"));
        isi.text
    }

    /// Empty (SMS complaints) or shorter than the minimum: derived from `isi`, keeping the
    /// citizen's short title.
    fn judul(&mut self, raw: &str, isi: &str) -> String {
        let judul = texts::judul(raw, isi, Completion::KeepGiven);
        match &judul {
            Judul::Derived(_) => {
                self.note("judul was empty (SMS complaint): derived from isi".into())
            }
            Judul::TooShort { chars } => self.problem(
                "judul",
                format!(
                    "has {chars} chars and isi is too short to derive one of at least {} chars: it must be fixed on SAMBAT",
                    limits::JUDUL_MIN
                ),
            ),
            _ => self.notes.extend(judul.note()),
        }
        judul.text()
    }

    fn kategori(&mut self, raw: &str) -> i64 {
        let name = collapse_whitespace(raw);
        if name.is_empty() {
            self.problem(
                "kategori",
                "is empty: set the complaint's kategori on SAMBAT".into(),
            );
            return 0;
        }
        let Some(&id) = self.mapping.kategori.get(&normalise_key(&name)) else {
            let table = self.table("kategori");
            self.problem(
                "kategori",
                format!("SAMBAT kategori {name:?} has no kategori_id: add it to {table}"),
            );
            return 0;
        };
        if !self.reference.allows_kategori(id) {
            let table = self.table("kategori");
            self.problem(
                "kategori",
                format!(
                    "kategori_id {id} (SAMBAT kategori {name:?}) is not listed by LAPOR! GET /kategori: fix {table}"
                ),
            );
        }
        id
    }

    fn instansi(&mut self, raw: &str) -> i64 {
        let name = collapse_whitespace(raw);
        let table = self.table("opd");
        let mapped = if name.is_empty() {
            None
        } else {
            self.mapping.opd.get(&normalise_key(&name)).copied()
        };
        let (id, source) = match (mapped, self.mapping.default_instansi_id) {
            (Some(id), _) => (id, format!("SAMBAT opd {name:?}")),
            (None, Some(default)) => {
                self.note(if name.is_empty() {
                    format!("opd is empty: sent to default_instansi_id {default}")
                } else {
                    format!("SAMBAT opd {name:?} is not in {table}: sent to default_instansi_id {default}")
                });
                (default, "default_instansi_id".to_owned())
            }
            (None, None) => {
                self.problem(
                    "opd",
                    if name.is_empty() {
                        format!(
                            "is empty and [channels.{}.mapping] has no default_instansi_id: set the OPD on SAMBAT or configure default_instansi_id",
                            self.channel
                        )
                    } else {
                        format!(
                            "SAMBAT opd {name:?} has no instansi_id: add it to {table} or set default_instansi_id"
                        )
                    },
                );
                return 0;
            }
        };
        if !self.reference.allows_instansi(id) {
            self.problem(
                "opd",
                format!(
                    "instansi_id {id} (from {source}) is not listed by LAPOR! GET /instansi: fix [channels.{}.mapping]",
                    self.channel
                ),
            );
        }
        id
    }

    fn lokasi(&mut self, a: &Aduan) -> Option<Lokasi> {
        let kec = collapse_whitespace(&a.kecamatan);
        let kel = collapse_whitespace(&a.kelurahan);

        let kec_code = if kec.is_empty() {
            None
        } else {
            match self.mapping.kecamatan.get(&normalise_place(&kec)) {
                Some(code) => self.checked_code("kecamatan", &kec, code),
                None => {
                    let table = self.table("kecamatan");
                    self.problem(
                        "kecamatan",
                        format!("SAMBAT kecamatan {kec:?} has no kode_wilayah: add it to {table}"),
                    );
                    None
                }
            }
        };
        let kel_code = if kel.is_empty() {
            None
        } else {
            match self.mapping.kelurahan.get(&normalise_place(&kel)) {
                Some(code) => self.checked_code("kelurahan", &kel, code),
                None => {
                    let table = self.table("kelurahan");
                    self.note(format!(
                        "SAMBAT kelurahan {kel:?} is not in {table}: kode_wilayah is the kecamatan's"
                    ));
                    None
                }
            }
        };
        if let (Some(kel_c), Some(kec_c)) = (&kel_code, &kec_code) {
            if !kelurahan_in_kecamatan(kel_c, kec_c) {
                // Either name could be the mistake: guessing would send the complaint to the
                // wrong district, so it is held for a person to decide.
                let table = self.table("kelurahan");
                self.problem(
                    "kelurahan",
                    format!(
                        "kelurahan {kel:?} ({kel_c}) is not in kecamatan {kec:?} ({kec_c}): \
                         correct the complaint's kelurahan or kecamatan in SAMBAT, or {table} \
                         if the code there is wrong"
                    ),
                );
                return None;
            }
        }
        let kode_wilayah = kel_code.or(kec_code);

        let given = a.alamat.trim();
        let alamat = if given.is_empty() {
            lokasi_rules::alamat_of_region(&kel, &kec)?
        } else {
            let alamat = lokasi_rules::alamat(given);
            self.notes.extend(alamat.cut_note("alamat"));
            alamat.text
        };
        Some(Lokasi {
            alamat,
            kode_wilayah,
            lat: None,
            lon: None,
        })
    }

    /// A configured code, if it has the Kemendagri shape; a configuration problem otherwise.
    fn checked_code(&mut self, field: &str, name: &str, code: &str) -> Option<String> {
        if is_kode_wilayah(code) {
            return Some(code.to_owned());
        }
        let table = self.table(field);
        self.problem(
            field,
            format!(
                "{table} maps {name:?} to {code:?}, which is not a Kemendagri code like 35.73.02 or 35.73.02.1007"
            ),
        );
        None
    }

    fn pelapor(&mut self, p: Option<&AduanPelapor>) -> Pelapor {
        let empty = AduanPelapor::default();
        let p = p.unwrap_or(&empty);
        let nama = pelapor_rules::nama(&p.nama);
        if nama.text.is_empty() {
            self.problem(
                "pelapor.nama",
                "pelapor.nama is empty but anonim is false: fix on SAMBAT or mark the complaint anonymous".into(),
            );
        }
        self.notes.extend(nama.brief_cut_note("pelapor.nama"));
        let nama = nama.text;

        let nik = present(&p.nik).and_then(|s| pelapor_rules::nik(s, &mut self.notes));
        let telepon = present(&p.hp).and_then(|s| {
            let t = pelapor_rules::telepon(s);
            if t.is_none() {
                self.note(
                    "pelapor.hp dropped: not an Indonesian phone number (08… or +62…, 9 to 13 digits after the prefix)".into(),
                );
            }
            t
        });
        let email = present(&p.email).and_then(|s| pelapor_rules::email(s, &mut self.notes));
        Pelapor {
            nama,
            nik,
            telepon,
            email,
        }
    }

    fn lampiran(&mut self, foto: &[String]) -> Vec<Lampiran> {
        let (out, skipped, over_limit) = lampiran::collect(foto, |_| true);
        for s in skipped {
            self.note(match s {
                Skipped::Invalid { n, why } => format!("foto {n} skipped: {why}"),
                Skipped::Duplicate { n } => {
                    format!("foto {n} skipped: same URL as an earlier foto")
                }
                // SAMBAT sends photos only, of any type LAPOR! accepts.
                Skipped::NotAllowed { n, tipe } => format!("foto {n} skipped: type {tipe}"),
            });
        }
        if over_limit > 0 {
            self.note(format!(
                "{over_limit} more foto skipped: LAPOR! accepts at most {} attachments",
                limits::LAMPIRAN_MAX
            ));
        }
        out
    }

    fn waktu_lapor(&mut self, dibuat: &str, now: Timestamp) -> String {
        let parsed = DateTime::strptime(TIME_FORMAT, dibuat.trim())
            .ok()
            .and_then(|dt| dt.to_zoned_datetime(time::wib()).ok())
            .and_then(|z| waktu::waktu_lapor(z.timestamp(), now, "dibuat"));
        let Some(w) = parsed else {
            // The value is a timestamp, not personal data, but keep it short in case it is junk.
            let shown: String = dibuat.chars().take(40).collect();
            self.problem(
                "dibuat",
                format!(
                    "{shown:?} is not a WIB time YYYY-MM-DD HH:MM:SS from 2000 on: it must be fixed on SAMBAT"
                ),
            );
            return String::new();
        };
        self.notes.extend(w.note);
        w.text
    }
}

/// `Some(trimmed)` for a non-blank optional string.
fn present(s: &Option<String>) -> Option<&str> {
    pelapor_rules::present(s.as_deref())
}

#[cfg(test)]
#[path = "sambat_tests.rs"]
mod tests;
