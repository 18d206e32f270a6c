//! The LAPOR! create body's field rules, once: how each field is built from a channel's
//! text (trimmed, shortened, derived, normalised) and what the contract requires of it when
//! the whole payload is checked ([`super::check_payload`]). Both mappers, SAMBAT's and the
//! declarative one, build their fields here; only their wording of problems, which names
//! the channel's own field and where to fix it, stays with them.
//!
//! - [`texts`]: `isi` and `judul`.
//! - [`lokasi`]: `alamat`, `kode_wilayah`, `lat`/`lon`.
//! - [`pelapor`]: `nama`, `nik`, `telepon`, `email`.
//! - [`lampiran`]: attachments from URLs.
//! - [`waktu`]: `waktu_lapor` and `tanggal_kejadian`.

pub mod lampiran;
pub mod lokasi;
pub mod pelapor;
pub mod texts;
pub mod waktu;

use super::text::char_len;

/// A text fitted to a field's length rule: what is sent, and how long it was before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fitted {
    pub text: String,
    /// Chars of the text before fitting (after trimming or collapsing whitespace).
    pub chars: usize,
    max: usize,
}

impl Fitted {
    fn new(text: String, chars: usize, max: usize) -> Self {
        Self { text, chars, max }
    }

    /// Whether the text had to be shortened.
    pub fn was_cut(&self) -> bool {
        self.chars > self.max
    }

    /// "`field` shortened from N to at most M chars (cut at a word boundary)", when it was.
    pub fn cut_note(&self, field: &str) -> Option<String> {
        self.brief_cut_note(field)
            .map(|n| format!("{n} (cut at a word boundary)"))
    }

    /// "`field` shortened from N to at most M chars", when it was.
    pub fn brief_cut_note(&self, field: &str) -> Option<String> {
        self.was_cut().then(|| {
            format!(
                "{field} shortened from {} to at most {} chars",
                self.chars, self.max
            )
        })
    }
}

/// A length rule's problem message (chars after trimming), `None` when `s` keeps it.
pub(crate) fn length_problem(s: &str, min: usize, max: usize) -> Option<String> {
    let n = char_len(s.trim());
    (n < min || n > max).then(|| format!("must be {min}..{max} chars after trimming, is {n}"))
}
