//! `isi` (the complaint's text) and `judul` (its title).

use super::{length_problem, Fitted};
use crate::mapping::text::{char_len, collapse_whitespace, derive_title, shorten_with_ellipsis};
use crate::wire::lapor::types::limits::{ISI_MAX, ISI_MIN, JUDUL_MAX, JUDUL_MIN};

/// `isi` from the channel's text: trimmed, and cut at a word boundary with "…" when over the
/// limit. Too short ([`isi_too_short`]) is the citizen's text and cannot be invented.
pub fn isi(raw: &str) -> Fitted {
    let isi = raw.trim();
    let n = char_len(isi);
    let text = if n > ISI_MAX {
        shorten_with_ellipsis(isi, ISI_MAX)
    } else {
        isi.to_owned()
    };
    Fitted::new(text, n, ISI_MAX)
}

/// Whether a fitted `isi` is shorter than LAPOR! accepts.
pub fn isi_too_short(isi: &Fitted) -> bool {
    isi.chars < ISI_MIN
}

/// How a title shorter than the minimum is completed from the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completion {
    /// The text's own title when it begins with the short one; otherwise the short title
    /// kept whole, the text after it (`"Banjir: Air masuk rumah…"`).
    KeepGiven,
    /// `"{judul}: {isi}"` titled as a text is (its first sentence, or its first words).
    AsText,
}

/// What became of a channel's title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Judul {
    /// Within the limits as given (whitespace collapsed).
    Given(String),
    /// Over the maximum: cut at a word boundary with "…".
    Cut(Fitted),
    /// None given: derived from the text.
    Derived(String),
    /// Shorter than the minimum (`chars`): completed from the text.
    Completed { text: String, chars: usize },
    /// Shorter than the minimum (`chars`), and the text cannot make one long enough.
    TooShort { chars: usize },
}

impl Judul {
    /// The title sent (empty when there is none).
    pub fn text(&self) -> String {
        match self {
            Judul::Given(t) | Judul::Derived(t) | Judul::Completed { text: t, .. } => t.clone(),
            Judul::Cut(f) => f.text.clone(),
            Judul::TooShort { .. } => String::new(),
        }
    }

    /// The note on how the title was made, except for one derived from no title at all,
    /// which each channel explains in its own terms.
    pub fn note(&self) -> Option<String> {
        match self {
            Judul::Cut(f) => f.cut_note("judul"),
            Judul::Completed { chars, .. } => Some(format!(
                "judul had {chars} chars, LAPOR! needs at least {JUDUL_MIN}: completed from isi"
            )),
            _ => None,
        }
    }
}

/// `judul` from the channel's title (whitespace collapsed) and the complaint's text.
pub fn judul(raw: &str, isi: &str, how: Completion) -> Judul {
    let given = collapse_whitespace(raw);
    let n = char_len(&given);
    if n > JUDUL_MAX {
        return Judul::Cut(Fitted::new(
            shorten_with_ellipsis(&given, JUDUL_MAX),
            n,
            JUDUL_MAX,
        ));
    }
    if n >= JUDUL_MIN {
        return Judul::Given(given);
    }
    let title = |t: &str| derive_title(t, JUDUL_MIN, JUDUL_MAX);
    let made = match how {
        _ if given.is_empty() => title(isi),
        Completion::AsText => title(&format!("{given}: {isi}")),
        Completion::KeepGiven => {
            let derived = title(isi);
            let extends = |d: &str| d.to_lowercase().starts_with(&given.to_lowercase());
            if derived.as_deref().is_some_and(extends) {
                derived
            } else {
                let t = shorten_with_ellipsis(
                    &format!("{given}: {}", collapse_whitespace(isi)),
                    JUDUL_MAX,
                );
                (char_len(&t) >= JUDUL_MIN).then_some(t)
            }
        }
    };
    match made {
        None => Judul::TooShort { chars: n },
        Some(t) if given.is_empty() => Judul::Derived(t),
        Some(text) => Judul::Completed { text, chars: n },
    }
}

/// The contract's `isi` rule on a built payload.
pub fn check_isi(isi: &str) -> Option<String> {
    length_problem(isi, ISI_MIN, ISI_MAX)
}

/// The contract's `judul` rule on a built payload.
pub fn check_judul(judul: &str) -> Option<String> {
    length_problem(judul, JUDUL_MIN, JUDUL_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isi_is_trimmed_and_cut_with_a_note() {
        let f = isi("  Jalan berlubang besar di depan sekolah.  ");
        assert_eq!(f.text, "Jalan berlubang besar di depan sekolah.");
        assert!(!isi_too_short(&f) && f.cut_note("isi").is_none());
        let long = isi(&"kata ".repeat(2000));
        assert!(char_len(&long.text) <= ISI_MAX && long.text.ends_with('…'));
        assert_eq!(
            long.cut_note("isi").as_deref(),
            Some("isi shortened from 9999 to at most 5000 chars (cut at a word boundary)")
        );
        assert!(isi_too_short(&isi(" pendek ")));
    }

    #[test]
    fn judul_given_cut_derived_completed_or_too_short() {
        let text = "Lampu jalan di Jl. A. Yani mati. Mohon diperbaiki.";
        assert_eq!(
            judul(" Lampu  mati total ", text, Completion::AsText),
            Judul::Given("Lampu mati total".into())
        );
        let cut = judul(&"judul ".repeat(40), text, Completion::KeepGiven);
        assert!(matches!(&cut, Judul::Cut(f) if f.chars == 239));
        assert!(char_len(&cut.text()) <= JUDUL_MAX);
        assert_eq!(
            judul("", text, Completion::KeepGiven),
            Judul::Derived("Lampu jalan di Jl. A. Yani mati".into())
        );
        // The text's own title begins with the short one: it is used as it is.
        assert_eq!(
            judul("Lampu", text, Completion::KeepGiven).text(),
            "Lampu jalan di Jl. A. Yani mati"
        );
        let kept = judul("Gelap", text, Completion::KeepGiven);
        assert_eq!(
            kept,
            Judul::Completed {
                text: format!("Gelap: {text}"),
                chars: 5
            }
        );
        assert_eq!(
            kept.note().as_deref(),
            Some("judul had 5 chars, LAPOR! needs at least 10: completed from isi")
        );
        assert_eq!(
            judul("Gelap", text, Completion::AsText).text(),
            "Gelap: Lampu jalan di Jl. A. Yani mati"
        );
        assert_eq!(
            judul("Oi", "ya", Completion::AsText),
            Judul::TooShort { chars: 2 }
        );
        assert_eq!(judul("", "", Completion::KeepGiven).text(), "");
    }

    #[test]
    fn checks_count_chars_after_trimming() {
        assert_eq!(check_judul("  Lampu mati total  "), None);
        assert_eq!(
            check_judul(" pendek ").as_deref(),
            Some("must be 10..150 chars after trimming, is 6")
        );
        assert!(check_isi(&"é".repeat(5001)).is_some());
    }
}
