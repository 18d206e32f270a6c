//! Field rules of `POST /laporan`. Every failing field is reported at once, and no
//! message repeats the submitted value: these messages end up in the bridge's logs,
//! and the values are citizens' personal data.

use jiff::civil::Date;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{Instansi, Kategori};

#[derive(Debug, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: &'static str,
}

const TOP_FIELDS: &[&str] = &[
    "id_eksternal",
    "kanal",
    "klasifikasi",
    "judul",
    "isi",
    "kategori_id",
    "instansi_id",
    "tanggal_kejadian",
    "lokasi",
    "anonim",
    "rahasia",
    "pelapor",
    "lampiran",
    "waktu_lapor",
];
const LOKASI_FIELDS: &[&str] = &["alamat", "kode_wilayah", "lat", "lon"];
const PELAPOR_FIELDS: &[&str] = &["nama", "nik", "telepon", "email"];
const LAMPIRAN_FIELDS: &[&str] = &["nama_file", "tipe", "url"];
const KLASIFIKASI: &[&str] = &["pengaduan", "aspirasi", "permintaan_informasi"];
const LAMPIRAN_TIPE: &[&str] = &["image/jpeg", "image/png", "application/pdf", "video/mp4"];

struct Errors(Vec<FieldError>);

impl Errors {
    fn add(&mut self, field: impl Into<String>, message: &'static str) {
        self.0.push(FieldError {
            field: field.into(),
            message,
        });
    }

    fn unknown_keys(&mut self, obj: &Map<String, Value>, allowed: &[&str], prefix: &str) {
        for k in obj.keys() {
            if !allowed.contains(&k.as_str()) {
                self.add(format!("{prefix}{k}"), "unknown field");
            }
        }
    }

    /// A string field. `None` when absent/null (reported if required) or not a string.
    fn string<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        key: &str,
        field: &str,
        required: bool,
    ) -> Option<&'a str> {
        match obj.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.add(field, "is required");
                }
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(_) => {
                self.add(field, "must be a string");
                None
            }
        }
    }

    /// Length in characters after trimming.
    fn length(
        &mut self,
        s: &str,
        field: &str,
        min: usize,
        max: usize,
        message: &'static str,
    ) -> bool {
        let n = s.trim().chars().count();
        let ok = (min..=max).contains(&n);
        if !ok {
            self.add(field, message);
        }
        ok
    }

    fn boolean(&mut self, obj: &Map<String, Value>, key: &str) -> Option<bool> {
        match obj.get(key) {
            None | Some(Value::Null) => {
                self.add(key, "is required");
                None
            }
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.add(key, "must be a boolean");
                None
            }
        }
    }

    fn integer(&mut self, obj: &Map<String, Value>, key: &str) -> Option<i64> {
        match obj.get(key) {
            None | Some(Value::Null) => {
                self.add(key, "is required");
                None
            }
            Some(v) => match v.as_i64() {
                Some(i) => Some(i),
                None => {
                    self.add(key, "must be an integer");
                    None
                }
            },
        }
    }
}

/// Checks every rule; `Err` lists all failing fields.
pub fn validate(
    body: &Value,
    kategori: &[Kategori],
    instansi: &[Instansi],
    now: Timestamp,
) -> Result<(), Vec<FieldError>> {
    let mut e = Errors(Vec::new());
    let Some(obj) = body.as_object() else {
        e.add("(body)", "must be a JSON object");
        return Err(e.0);
    };
    e.unknown_keys(obj, TOP_FIELDS, "");

    if let Some(s) = e.string(obj, "id_eksternal", "id_eksternal", true) {
        e.length(s, "id_eksternal", 1, 100, "must be 1..100 characters");
    }
    if let Some(s) = e.string(obj, "kanal", "kanal", true) {
        let charset = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !charset || !(1..=50).contains(&s.len()) {
            e.add("kanal", "must be 1..50 characters of [a-z0-9_-]");
        }
    }
    if let Some(s) = e.string(obj, "klasifikasi", "klasifikasi", true) {
        if !KLASIFIKASI.contains(&s) {
            e.add(
                "klasifikasi",
                "must be pengaduan, aspirasi or permintaan_informasi",
            );
        }
    }
    if let Some(s) = e.string(obj, "judul", "judul", true) {
        e.length(
            s,
            "judul",
            10,
            150,
            "must be 10..150 characters after trimming",
        );
    }
    if let Some(s) = e.string(obj, "isi", "isi", true) {
        e.length(
            s,
            "isi",
            20,
            5000,
            "must be 20..5000 characters after trimming",
        );
    }
    if let Some(id) = e.integer(obj, "kategori_id") {
        if !kategori.iter().any(|k| k.id == id) {
            e.add("kategori_id", "unknown kategori");
        }
    }
    if let Some(id) = e.integer(obj, "instansi_id") {
        if !instansi.iter().any(|i| i.id == id) {
            e.add("instansi_id", "unknown instansi");
        }
    }

    let waktu_day = waktu_lapor(&mut e, obj, now);
    if let Some(s) = e.string(obj, "tanggal_kejadian", "tanggal_kejadian", false) {
        match strict_date(s) {
            None => e.add("tanggal_kejadian", "must be a date YYYY-MM-DD"),
            Some(d) => {
                if waktu_day.is_some_and(|w| d > w) {
                    e.add(
                        "tanggal_kejadian",
                        "must not be after the day of waktu_lapor",
                    );
                }
            }
        }
    }
    lokasi(&mut e, obj.get("lokasi"));
    let anonim = e.boolean(obj, "anonim");
    e.boolean(obj, "rahasia");
    pelapor(&mut e, obj.get("pelapor"), anonim);
    lampiran(&mut e, obj.get("lampiran"));

    if e.0.is_empty() {
        Ok(())
    } else {
        Err(e.0)
    }
}

/// Checks `waktu_lapor`; returns its calendar day in its own offset.
fn waktu_lapor(e: &mut Errors, obj: &Map<String, Value>, now: Timestamp) -> Option<Date> {
    let s = e.string(obj, "waktu_lapor", "waktu_lapor", true)?;
    // jiff also takes Temporal extras such as "[Asia/Jakarta]"; RFC 3339 does not.
    let ts = if s.contains('[') {
        None
    } else {
        s.parse::<Timestamp>().ok()
    };
    let day = s.get(..10).and_then(strict_date);
    let (Some(ts), Some(day)) = (ts, day) else {
        e.add("waktu_lapor", "must be an RFC 3339 date-time with offset");
        return None;
    };
    // The contract allows no future time at all: no tolerance for clock skew.
    if ts.as_second() > now.as_second() {
        e.add("waktu_lapor", "must not be in the future");
    }
    Some(day)
}

/// Whether `s` has the shape of `template`, in which `9` stands for any ASCII digit and
/// every other byte for itself. The contract writes its formats this way ("YYYY-MM-DD",
/// "35.73.03"), so its rules read off it directly.
fn shaped(s: &str, template: &str) -> bool {
    s.len() == template.len()
        && s.bytes().zip(template.bytes()).all(|(c, t)| match t {
            b'9' => c.is_ascii_digit(),
            _ => c == t,
        })
}

/// The contract's `YYYY-MM-DD`, a day that exists.
fn strict_date(s: &str) -> Option<Date> {
    shaped(s, "9999-99-99").then(|| s.parse::<Date>().ok())?
}

fn lokasi(e: &mut Errors, v: Option<&Value>) {
    let obj = match v {
        None | Some(Value::Null) => return,
        Some(Value::Object(o)) => o,
        Some(_) => return e.add("lokasi", "must be an object or null"),
    };
    e.unknown_keys(obj, LOKASI_FIELDS, "lokasi.");
    if let Some(s) = e.string(obj, "alamat", "lokasi.alamat", true) {
        e.length(s, "lokasi.alamat", 1, 500, "must be 1..500 characters");
    }
    if let Some(s) = e.string(obj, "kode_wilayah", "lokasi.kode_wilayah", false) {
        if !kode_wilayah_ok(s) {
            e.add(
                "lokasi.kode_wilayah",
                "must be a Kemendagri code like 35.73.02 or 35.73.02.1007",
            );
        }
    }
    let lat = coordinate(e, obj, "lat", 90.0);
    let lon = coordinate(e, obj, "lon", 180.0);
    if lat != lon {
        e.add("lokasi", "lat and lon must be given together");
    }
}

/// A Kemendagri code "like `35.73.03` or `35.73.03.1004`" (the contract's examples).
fn kode_wilayah_ok(s: &str) -> bool {
    shaped(s, "99.99.99") || shaped(s, "99.99.99.9999")
}

/// Whether a coordinate is present (a non-null value, valid or not).
fn coordinate(e: &mut Errors, obj: &Map<String, Value>, key: &str, limit: f64) -> bool {
    let field = format!("lokasi.{key}");
    match obj.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            if !(-limit..=limit).contains(&x) {
                e.add(
                    field,
                    if limit == 90.0 {
                        "must be in [-90, 90]"
                    } else {
                        "must be in [-180, 180]"
                    },
                );
            }
            true
        }
        Some(_) => {
            e.add(field, "must be a number or null");
            true
        }
    }
}

fn pelapor(e: &mut Errors, v: Option<&Value>, anonim: Option<bool>) {
    let present = !matches!(v, None | Some(Value::Null));
    match anonim {
        Some(true) if present => {
            return e.add("pelapor", "must be null or absent when anonim is true")
        }
        Some(false) if !present => return e.add("pelapor", "is required when anonim is false"),
        _ => {}
    }
    let obj = match v {
        None | Some(Value::Null) => return,
        Some(Value::Object(o)) => o,
        Some(_) => return e.add("pelapor", "must be an object or null"),
    };
    e.unknown_keys(obj, PELAPOR_FIELDS, "pelapor.");
    if let Some(s) = e.string(obj, "nama", "pelapor.nama", true) {
        e.length(s, "pelapor.nama", 1, 100, "must be 1..100 characters");
    }
    if let Some(s) = e.string(obj, "nik", "pelapor.nik", false) {
        if s.len() != 16 || !s.bytes().all(|c| c.is_ascii_digit()) {
            e.add("pelapor.nik", "must be 16 digits");
        }
    }
    if let Some(s) = e.string(obj, "telepon", "pelapor.telepon", false) {
        if !telepon_ok(s) {
            e.add(
                "pelapor.telepon",
                "must start with +62 or 08 and have 9..15 digits",
            );
        }
    }
    if let Some(s) = e.string(obj, "email", "pelapor.email", false) {
        if !email_ok(s) {
            e.add("pelapor.email", "must be an email address");
        }
    }
}

/// The contract: "`+62…` or `08…`, 9..15 digits". Nothing but the digits after the one
/// prefix: no spaces, dashes or brackets, since the contract names no separators.
fn telepon_ok(s: &str) -> bool {
    let prefixed = s.starts_with("+62") || s.starts_with("08");
    let digits = s.strip_prefix('+').unwrap_or(s);
    let count = digits.chars().filter(char::is_ascii_digit).count();
    prefixed && count == digits.chars().count() && (9..=15).contains(&count)
}

fn email_ok(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

fn lampiran(e: &mut Errors, v: Option<&Value>) {
    // Absent = no attachments; null is not an array and is rejected.
    let items = match v {
        None => return,
        Some(Value::Array(a)) => a,
        Some(_) => return e.add("lampiran", "must be an array"),
    };
    if items.len() > 5 {
        e.add("lampiran", "must have at most 5 items");
    }
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("lampiran[{i}]");
        let Some(obj) = item.as_object() else {
            e.add(prefix, "must be an object");
            continue;
        };
        e.unknown_keys(obj, LAMPIRAN_FIELDS, &format!("{prefix}."));
        if let Some(s) = e.string(obj, "nama_file", &format!("{prefix}.nama_file"), true) {
            e.length(
                s,
                &format!("{prefix}.nama_file"),
                1,
                255,
                "must be 1..255 characters",
            );
        }
        if let Some(s) = e.string(obj, "tipe", &format!("{prefix}.tipe"), true) {
            if !LAMPIRAN_TIPE.contains(&s) {
                e.add(
                    format!("{prefix}.tipe"),
                    "must be image/jpeg, image/png, application/pdf or video/mp4",
                );
            }
        }
        if let Some(s) = e.string(obj, "url", &format!("{prefix}.url"), true) {
            if !https_url_ok(s) {
                e.add(format!("{prefix}.url"), "must be an https URL");
            }
        }
    }
}

fn https_url_ok(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && s.len() <= 2048 && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok_body() -> Value {
        json!({
            "id_eksternal": "sambat:1", "kanal": "sambat", "klasifikasi": "pengaduan",
            "judul": "Jalan berlubang di Jl. Ijen", "isi": "Jalan berlubang besar dan membahayakan pengendara motor.",
            "kategori_id": 101, "instansi_id": 3573, "tanggal_kejadian": "2024-07-28",
            "lokasi": {"alamat": "Jl. Ijen", "kode_wilayah": "35.73.02.1007", "lat": -7.97, "lon": 112.62},
            "anonim": false, "rahasia": false,
            "pelapor": {"nama": "Budi", "nik": "3573012345678901", "telepon": "+6281234567890", "email": null},
            "lampiran": [{"nama_file": "a.jpg", "tipe": "image/jpeg", "url": "https://x.test/a.jpg"}],
            "waktu_lapor": "2024-07-29T08:15:00+07:00"
        })
    }

    fn run(b: &Value) -> Result<(), Vec<FieldError>> {
        validate(
            b,
            &crate::reference::default_kategori(),
            &crate::reference::default_instansi(),
            Timestamp::now(),
        )
    }

    #[test]
    fn accepts_a_good_body() {
        run(&ok_body()).unwrap();
    }

    #[test]
    fn rules() {
        let cases: &[(&str, Value, &str)] = &[
            ("kanal", json!("Sambat"), "kanal"),
            ("kode_wilayah", json!("35.73.3"), "lokasi.kode_wilayah"),
            ("tanggal_kejadian", json!("2024-07-30"), "tanggal_kejadian"),
            (
                "waktu_lapor",
                json!("2999-01-01T00:00:00+07:00"),
                "waktu_lapor",
            ),
            ("waktu_lapor", json!("2024-07-29 08:15:00"), "waktu_lapor"),
            ("extra", json!(1), "extra"),
            ("kategori_id", json!(999), "kategori_id"),
            ("kategori_id", json!("101"), "kategori_id"),
        ];
        for (key, val, field) in cases {
            let mut b = ok_body();
            if *key == "kode_wilayah" {
                b["lokasi"]["kode_wilayah"] = val.clone();
            } else {
                b[*key] = val.clone();
            }
            let errs = run(&b).unwrap_err();
            assert!(errs.iter().any(|e| e.field == *field), "{key}: {errs:?}");
        }
    }

    #[test]
    fn lat_without_lon_and_anonim_with_pelapor() {
        let mut b = ok_body();
        b["lokasi"]["lon"] = Value::Null;
        b["anonim"] = json!(true);
        let errs = run(&b).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["lokasi", "pelapor"]);
    }

    #[test]
    fn telepon_formats() {
        assert!(telepon_ok("081234567890"));
        assert!(telepon_ok("+6281234567890"));
        assert!(telepon_ok("+62341123456"));
        assert!(telepon_ok("081234567"));
        assert!(telepon_ok("+620812345678901"));
        assert!(!telepon_ok("0812-3456-7890"));
        assert!(!telepon_ok("0812 3456 7890"));
        assert!(!telepon_ok("(0341) 123456"));
        assert!(!telepon_ok("6281234567890"));
        assert!(!telepon_ok("81234567890"));
        assert!(!telepon_ok("0712345678"));
        assert!(!telepon_ok("+1415555010"));
        assert!(!telepon_ok("++6281234567890"));
        assert!(!telepon_ok("+62+81234567890"));
        assert!(!telepon_ok("0812345"));
        assert!(!telepon_ok("08123456"));
        assert!(!telepon_ok("+6281234567890123"));
        assert!(!telepon_ok("0812345678９"));
        assert!(!telepon_ok(""));
    }

    #[test]
    fn codes_and_dates_have_the_contracts_shapes() {
        assert!(kode_wilayah_ok("35.73.03"));
        assert!(kode_wilayah_ok("35.73.03.1004"));
        for s in [
            "",
            "35.73",
            "35.73.3",
            "35.73.03.104",
            "35.73.03.1004.1",
            "35-73-03",
            "3a.73.03",
        ] {
            assert!(!kode_wilayah_ok(s), "{s}");
        }
        assert!(strict_date("2024-07-29").is_some());
        assert!(strict_date("2024-02-30").is_none());
        assert!(strict_date("2024-7-29").is_none());
        assert!(strict_date("29/07/2024").is_none());
    }
}
