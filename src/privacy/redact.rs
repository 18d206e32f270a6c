//! Finding and removing personal data in stored values: by field name (a JSON field named
//! for a name, NIK, phone, address, text …) and by value (every spelling of the record's own
//! identity values, runs of 10+ digits, e-mail addresses).

use serde_json::Value;

/// What replaces a removed text value.
pub const REMOVED: &str = "[removed]";

/// Key words (after splitting a field name on `_`, `-`, `.`, spaces and camelCase) that make
/// a JSON field personal: its whole value is removed.
const PERSONAL_WORDS: &[&str] = &[
    // identity and contact
    "nama",
    "name",
    "nik",
    "ktp",
    "kk",
    "phone",
    "telp",
    "telepon",
    "tlp",
    "hp",
    "wa",
    "whatsapp",
    "mobile",
    "msisdn",
    "email",
    "mail",
    "pelapor",
    "reporter",
    "sender",
    "pengirim",
    "contact",
    "kontak",
    "identitas",
    "identity",
    "user",
    "username",
    // where they are
    "alamat",
    "address",
    "lokasi",
    "location",
    "lat",
    "lon",
    "lng",
    "latitude",
    "longitude",
    "rt",
    "rw",
    "koordinat",
    // free text they wrote, and what was answered them
    "judul",
    "title",
    "subject",
    "isi",
    "body",
    "text",
    "teks",
    "message",
    "pesan",
    "deskripsi",
    "description",
    "keluhan",
    "uraian",
    "content",
    "konten",
    "komentar",
    "comment",
    "tanggapan",
    "catatan",
    "lampiran",
    "attachment",
    "attachments",
    "foto",
    "photo",
    "url",
];

/// Words of an identity field: their string values are also looked for elsewhere.
const IDENTITY_WORDS: &[&str] = &[
    "nama", "name", "nik", "ktp", "phone", "telp", "telepon", "tlp", "hp", "wa", "whatsapp",
    "mobile", "msisdn", "email", "mail",
];

fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn has_word(key: &str, list: &[&str]) -> bool {
    words(key).iter().any(|w| list.contains(&w.as_str()))
}

pub fn is_personal_key(key: &str) -> bool {
    has_word(key, PERSONAL_WORDS)
}

/// The record's own identity values, in every spelling looked for.
#[derive(Debug, Default)]
pub struct Needles(Vec<String>);

impl Needles {
    pub fn add(&mut self, value: &str) {
        let v = value.trim();
        if v.chars().count() < 3 {
            return;
        }
        self.0.push(v.to_lowercase());
        if let Some(p) = crate::mapping::phone::normalise_phone(v) {
            // +62812…, 62812…, 0812…, 812…
            let nsn = p.trim_start_matches("+62").to_owned();
            self.0.push(p.clone());
            self.0.push(format!("62{nsn}"));
            self.0.push(format!("0{nsn}"));
            self.0.push(nsn);
        }
        let digits: String = v.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.len() >= 8 && digits.len() != v.len() {
            self.0.push(digits);
        }
    }

    /// Collects the string values of identity fields in `v` (any depth).
    pub fn collect(&mut self, v: &Value) {
        self.collect_in(v, false);
    }

    fn collect_in(&mut self, v: &Value, identity: bool) {
        match v {
            Value::String(s) if identity => self.add(s),
            Value::Number(n) if identity => self.add(&n.to_string()),
            Value::Array(a) => a.iter().for_each(|x| self.collect_in(x, identity)),
            Value::Object(o) => {
                for (k, x) in o {
                    let id = identity || has_word(k, IDENTITY_WORDS) || k == "pelapor";
                    self.collect_in(x, id);
                }
            }
            _ => {}
        }
    }

    pub fn sorted(mut self) -> Self {
        // Longest first, so `+62812…` goes before `812…` leaves a `+62` behind.
        self.0.sort_by_key(|s| std::cmp::Reverse(s.len()));
        self.0.dedup();
        self
    }
}

/// `s` with every needle, every run of 10+ digits (separated by spaces, `-` or `.`, with an
/// optional leading `+`) and every e-mail address replaced by [`REMOVED`].
pub fn scrub_text(s: &str, needles: &Needles) -> String {
    let mut out = s.to_owned();
    for n in &needles.0 {
        out = replace_ci(&out, n);
    }
    let out = replace_digit_runs(&out);
    replace_emails(&out)
}

fn replace_ci(s: &str, needle: &str) -> String {
    let lower = s.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII: fall back to exact matching then.
    if lower.len() != s.len() {
        return s.replace(needle, REMOVED);
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(pos) = lower[i..].find(needle) {
        out.push_str(&s[i..i + pos]);
        out.push_str(REMOVED);
        i += pos + needle.len();
    }
    out.push_str(&s[i..]);
    out
}

fn replace_digit_runs(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let mut j = i;
        if chars[j] == '+' {
            j += 1;
        }
        let mut digits = 0;
        let mut end = j;
        while j < chars.len() {
            if chars[j].is_ascii_digit() {
                digits += 1;
                j += 1;
                end = j;
            } else if matches!(chars[j], ' ' | '-' | '.')
                && digits > 0
                && chars.get(j + 1).is_some_and(|c| c.is_ascii_digit())
            {
                j += 1;
            } else {
                break;
            }
        }
        if digits >= 10 {
            out.push_str(REMOVED);
            i = end;
        } else {
            let stop = if end > start { end } else { start + 1 };
            out.extend(&chars[start..stop]);
            i = stop;
        }
    }
    out
}

fn replace_emails(s: &str) -> String {
    if !s.contains('@') {
        return s.to_owned();
    }
    let is_part = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@');
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let at = word.find('@');
        let looks = at.is_some_and(|a| a > 0 && word[a + 1..].contains('.'));
        if looks {
            out.push_str(REMOVED);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in s.chars() {
        if is_part(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// A personal field's value, emptied but of the same shape: strings become [`REMOVED`],
/// numbers null, arrays empty, objects keep their keys with emptied values.
fn redact(v: &Value) -> Value {
    match v {
        Value::String(_) => Value::String(REMOVED.into()),
        Value::Number(_) => Value::Null,
        Value::Array(_) => Value::Array(Vec::new()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), redact(x))).collect()),
        other => other.clone(),
    }
}

pub fn scrub_json(v: &Value, needles: &Needles) -> Value {
    match v {
        Value::String(s) => Value::String(scrub_text(s, needles)),
        Value::Array(a) => Value::Array(a.iter().map(|x| scrub_json(x, needles)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| {
                    let x = if is_personal_key(k) {
                        redact(x)
                    } else {
                        scrub_json(x, needles)
                    };
                    (k.clone(), x)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A stored text: JSON scrubbed field by field, anything else as text.
pub(crate) fn scrub_stored(s: &str, needles: &Needles) -> String {
    match serde_json::from_str::<Value>(s) {
        Ok(v @ (Value::Object(_) | Value::Array(_))) => scrub_json(&v, needles).to_string(),
        _ => scrub_text(s, needles),
    }
}
