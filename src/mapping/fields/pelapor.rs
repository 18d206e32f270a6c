//! `pelapor`: the reporter's name and contact data. A contact value that is not valid is
//! dropped with a note rather than holding the complaint: LAPOR! needs only the name.

use super::{length_problem, Fitted};
use crate::mapping::phone::{
    is_contract_phone, is_nik, looks_like_email, normalise_email, normalise_nik, normalise_phone,
};
use crate::mapping::text::{char_len, collapse_whitespace, cut_at_word_boundary};
use crate::wire::lapor::types::limits::NAMA_MAX;
use crate::wire::lapor::types::Pelapor;

/// `nama`: whitespace collapsed, cut at a word boundary when over the limit. Empty is for
/// the mapper to decide (a problem, or the complaint sent as anonim).
pub fn nama(raw: &str) -> Fitted {
    let nama = collapse_whitespace(raw);
    let n = char_len(&nama);
    Fitted::new(cut_at_word_boundary(&nama, NAMA_MAX), n, NAMA_MAX)
}

/// `nik` from a present value; the note when it is dropped.
pub fn nik(raw: &str, notes: &mut Vec<String>) -> Option<String> {
    let nik = normalise_nik(raw);
    if nik.is_none() {
        notes.push("pelapor.nik dropped: not 16 digits".into());
    }
    nik
}

/// `telepon` (canonical `+62…`) from a present value; `None` when it is not an Indonesian
/// phone number. The note names the channel's own field, so it is the mapper's.
pub fn telepon(raw: &str) -> Option<String> {
    normalise_phone(raw)
}

/// `email` from a present value; the note when it is dropped.
pub fn email(raw: &str, notes: &mut Vec<String>) -> Option<String> {
    let e = normalise_email(raw);
    if e.is_none() {
        notes.push("pelapor.email dropped: not an e-mail address".into());
    }
    e
}

/// `Some(trimmed)` for a non-blank value.
pub fn present(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The contract's `pelapor` rules on a built payload, as (field, message).
pub fn check(p: Option<&Pelapor>, anonim: bool) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    match (p, anonim) {
        (Some(_), true) => out.push(("pelapor", "must be absent when anonim is true".into())),
        (None, false) => out.push(("pelapor", "is required when anonim is false".into())),
        _ => {}
    }
    let Some(p) = p else {
        return out;
    };
    if let Some(m) = length_problem(&p.nama, 1, NAMA_MAX) {
        out.push(("pelapor.nama", m));
    }
    if p.nik.as_deref().is_some_and(|n| !is_nik(n)) {
        out.push(("pelapor.nik", "must be 16 digits".into()));
    }
    if p.telepon.as_deref().is_some_and(|t| !is_contract_phone(t)) {
        out.push((
            "pelapor.telepon",
            "must be +62… or 08… with 9..15 digits".into(),
        ));
    }
    if p.email.as_deref().is_some_and(|e| !looks_like_email(e)) {
        out.push(("pelapor.email", "is not an e-mail address".into()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_values_are_normalised_or_dropped_with_a_note() {
        let mut notes = Vec::new();
        assert_eq!(
            nik("3573 0123 4567 0001", &mut notes).as_deref(),
            Some("3573012345670001")
        );
        assert_eq!(
            email(" warga@example.com ", &mut notes).as_deref(),
            Some("warga@example.com")
        );
        assert!(notes.is_empty());
        assert_eq!(nik("1234", &mut notes), None);
        assert_eq!(email("warga", &mut notes), None);
        assert_eq!(
            notes,
            [
                "pelapor.nik dropped: not 16 digits",
                "pelapor.email dropped: not an e-mail address"
            ]
        );
        assert_eq!(telepon("0812-3456-7890").as_deref(), Some("+6281234567890"));
        assert_eq!(present(Some("  ")), None);
        assert_eq!(present(Some(" a ")), Some("a"));
    }

    #[test]
    fn nama_is_collapsed_and_cut() {
        assert_eq!(nama("  Budi \n Santoso ").text, "Budi Santoso");
        let long = nama(&"nama ".repeat(30));
        assert!(char_len(&long.text) <= NAMA_MAX);
        assert_eq!(
            long.brief_cut_note("pelapor.nama").as_deref(),
            Some("pelapor.nama shortened from 149 to at most 100 chars")
        );
    }

    #[test]
    fn pelapor_goes_with_anonim() {
        let p = Pelapor {
            nama: "Budi".into(),
            nik: None,
            telepon: Some("0812-3456-7890".into()),
            email: None,
        };
        let fields =
            |v: Vec<(&'static str, String)>| v.into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        assert_eq!(fields(check(Some(&p), false)), ["pelapor.telepon"]);
        assert_eq!(
            fields(check(Some(&p), true)),
            ["pelapor", "pelapor.telepon"]
        );
        assert_eq!(fields(check(None, false)), ["pelapor"]);
        assert!(check(None, true).is_empty());
    }
}
