//! The personal data a stored raw payload holds, read through its channel kind: SAMBAT's
//! `pelapor` object, or a declarative channel's configured `pelapor_*` paths.

use serde::Serialize;
use serde_json::Value;

use crate::channel::ChannelMapper;
use crate::mapping::phone::{normalise_email, normalise_nik, normalise_phone};
use crate::wire::json_path::{lookup, text_of};

/// The reporter's identity and free text found in one payload; empty values are `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Identity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nama: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nik: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub telepon: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Free-text fields the reporter wrote (title, complaint text, address), by name.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub free_text: Vec<String>,
}

impl Identity {
    pub fn is_empty(&self) -> bool {
        self.nama.is_none()
            && self.nik.is_none()
            && self.telepon.is_none()
            && self.email.is_none()
            && self.free_text.is_empty()
    }

    /// Fills what `self` lacks from `other` (an older revision may hold more).
    pub fn merge(&mut self, other: Identity) {
        self.nama = self.nama.take().or(other.nama);
        self.nik = self.nik.take().or(other.nik);
        self.telepon = self.telepon.take().or(other.telepon);
        self.email = self.email.take().or(other.email);
        for f in other.free_text {
            if !self.free_text.contains(&f) {
                self.free_text.push(f);
            }
        }
    }

    /// The identity values as they may appear in stored text, to find where they are held:
    /// each as found and, for the phone, its `+62…` form. Names shorter than 3 characters
    /// would match everywhere and are left out.
    pub fn needles(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(n) = &self.nama {
            if n.chars().count() >= 3 {
                v.push(n.clone());
            }
        }
        v.extend(self.nik.clone());
        if let Some(p) = &self.telepon {
            v.push(p.clone());
            v.extend(normalise_phone(p).filter(|n| n != p));
        }
        v.extend(self.email.clone());
        v
    }

    pub fn matches_phone(&self, canonical: &str) -> bool {
        self.telepon.as_deref().and_then(normalise_phone).as_deref() == Some(canonical)
    }

    pub fn matches_nik(&self, nik: &str) -> bool {
        self.nik.as_deref().and_then(normalise_nik).as_deref() == Some(nik)
    }

    pub fn matches_email(&self, lower: &str) -> bool {
        self.email
            .as_deref()
            .and_then(normalise_email)
            .is_some_and(|e| e.to_lowercase() == lower)
    }
}

/// A value the record still holds: a scrubbed one (`[removed]`, or a text made only of
/// such marks) holds nothing any more.
fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(text_of)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.replace(super::redact::REMOVED, "").trim().is_empty())
}

/// The identity in a SAMBAT record (also the guess for a channel no longer configured).
pub fn sambat(raw: &Value) -> Identity {
    let p = raw.get("pelapor");
    let field = |k: &str| text(p.and_then(|p| p.get(k)));
    let free_text = ["judul", "isi", "alamat"]
        .into_iter()
        .filter(|k| text(raw.get(*k)).is_some())
        .map(str::to_owned)
        .collect();
    Identity {
        nama: field("nama"),
        nik: field("nik"),
        telepon: field("hp"),
        email: field("email"),
        free_text,
    }
}

/// The identity in a record of a declarative channel, through its configured paths.
pub fn declarative(m: &crate::config::DeclMapping, raw: &Value) -> Identity {
    let at = |s: &Option<crate::config::Source>| {
        let s = s.as_ref()?;
        let parts: Vec<String> = s
            .paths
            .iter()
            .filter_map(|p| text(lookup(raw, p)))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    };
    let mut free_text = Vec::new();
    for (name, src) in [
        ("judul", &m.judul),
        ("isi", &Some(m.isi.clone())),
        ("alamat", &m.alamat),
    ] {
        if at(src).is_some() {
            free_text.push(name.to_owned());
        }
    }
    Identity {
        nama: at(&m.pelapor_nama),
        nik: at(&m.pelapor_nik),
        telepon: at(&m.pelapor_telepon),
        email: at(&m.pelapor_email),
        free_text,
    }
}

/// The identity in `raw` as the channel's kind stores it.
pub fn of(mapper: Option<&ChannelMapper>, raw: &Value) -> Identity {
    match mapper {
        Some(ChannelMapper::Decl(m, _)) => declarative(m, raw),
        Some(ChannelMapper::Sambat(_)) | None => sambat(raw),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sambat_identity_and_matching_in_any_spelling() {
        let raw = json!({"id": 1, "isi": "Jalan rusak", "pelapor": {"nama": "Siti Aminah",
            "nik": "3573 0123 4567 8901", "hp": "0812-3456-7890", "email": "Siti@Example.id"}});
        let id = sambat(&raw);
        assert_eq!(id.nama.as_deref(), Some("Siti Aminah"));
        assert!(id.matches_phone("+6281234567890"));
        assert!(id.matches_nik("3573012345678901"));
        assert!(id.matches_email("siti@example.id"));
        assert!(!id.matches_phone("+6281234567891"));
        assert_eq!(id.free_text, vec!["isi".to_owned()]);
        assert!(id.needles().contains(&"+6281234567890".to_owned()));
        assert!(sambat(&json!({"id": 2, "anonim": true})).is_empty());
        let scrubbed =
            json!({"pelapor": {"nama": "[removed]", "hp": " [removed] "}, "isi": "[removed]"});
        assert!(
            sambat(&scrubbed).is_empty(),
            "a scrubbed record holds nothing"
        );
    }
}
