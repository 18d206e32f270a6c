//! Text shaping for the LAPOR! length rules. Every length is in `char`s (Unicode scalar
//! values), never bytes, so Indonesian text with non-ASCII characters is cut safely.

/// The ellipsis appended to text that was shortened.
pub const ELLIPSIS: char = '…';

/// Number of chars in `s`.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Byte index just past the first `n` chars of `s` (or `s.len()` when it is shorter).
fn byte_index_of_char(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// `s` shortened to at most `max_chars` chars, cut at a word boundary and with trailing
/// whitespace removed. Text that already fits is returned unchanged.
///
/// The cut goes at the last whitespace that keeps the text within the limit. When there is no
/// such whitespace, or cutting there would keep less than half of the limit (one very long
/// "word", e.g. a URL), the text is cut hard at `max_chars` instead, so the result is never
/// needlessly short.
pub fn cut_at_word_boundary(s: &str, max_chars: usize) -> String {
    if char_len(s) <= max_chars {
        return s.to_owned();
    }
    let hard = byte_index_of_char(s, max_chars);
    // The char right after the limit being whitespace makes the limit itself a boundary.
    let window_end = byte_index_of_char(s, max_chars + 1);
    let boundary = s[..window_end]
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .next_back();
    let cut = match boundary {
        Some(b) => {
            let kept = s[..b].trim_end();
            if char_len(kept) * 2 >= max_chars && !kept.is_empty() {
                kept
            } else {
                s[..hard].trim_end()
            }
        }
        None => s[..hard].trim_end(),
    };
    cut.to_owned()
}

/// Like [`cut_at_word_boundary`], but text that had to be shortened ends with "…" and the
/// result, ellipsis included, is still at most `max_chars` chars.
pub fn shorten_with_ellipsis(s: &str, max_chars: usize) -> String {
    if char_len(s) <= max_chars {
        return s.to_owned();
    }
    if max_chars == 0 {
        return String::new();
    }
    let mut out = cut_at_word_boundary(s, max_chars - 1);
    // Don't leave "word,…" or "word.…" (one mark only: text may be all punctuation).
    if out.chars().count() > 1 && out.ends_with([',', ';', ':', '-', '.']) {
        out.pop();
    }
    let mut out = out.trim_end().to_owned();
    out.push(ELLIPSIS);
    out
}

/// Inner whitespace runs (spaces, tabs, line breaks) collapsed to one space, ends trimmed.
pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Abbreviations common in Indonesian complaints whose `.` does not end a sentence
/// ("Jl. A. Yani No. 5", "Kel. Kauman"), compared lowercased.
const ABBREVIATIONS: &[&str] = &[
    "jl", "jln", "gg", "no", "rt", "rw", "kel", "kec", "kab", "ds", "prov", "bpk", "bp", "ibu",
    "sdr", "sdri", "dr", "drs", "ir", "hj", "st", "dll", "dsb", "dkk", "tsb", "yth", "spt", "kpd",
    "tgl", "ket", "pt", "cv", "mr", "mrs",
];

/// Whether the `.` at byte `dot` of `text` ends an abbreviation or an initial.
fn ends_abbreviation(text: &str, dot: usize) -> bool {
    let word_start = text[..dot]
        .char_indices()
        .filter(|(_, c)| c.is_whitespace() || *c == '(')
        .map(|(i, c)| i + c.len_utf8())
        .next_back()
        .unwrap_or(0);
    let word = text[word_start..dot].to_lowercase();
    char_len(&word) == 1 || ABBREVIATIONS.contains(&word.as_str())
}

/// The first sentence of `text`: up to and including the first `.`, `!` or `?` that is
/// followed by whitespace or the end of the text (a `.` after a common abbreviation or an
/// initial does not count); `None` when there is no such end.
pub fn first_sentence(text: &str) -> Option<&str> {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '.' | '!' | '?') {
            let end = i + c.len_utf8();
            match chars.peek() {
                None => return Some(text),
                Some((_, next))
                    if next.is_whitespace() && (c != '.' || !ends_abbreviation(text, i)) =>
                {
                    return Some(&text[..end]);
                }
                _ => {}
            }
        }
    }
    None
}

/// A title derived from a complaint's text, for records without one (SAMBAT SMS complaints).
///
/// The text's whitespace is collapsed; its first sentence is used when that is between
/// `min_chars` and `max_chars` long (a final `.` is dropped), otherwise the first words,
/// cut at a word boundary with "…" so that the whole is at most `max_chars`. `None` when the
/// text cannot yield `min_chars` chars.
pub fn derive_title(text: &str, min_chars: usize, max_chars: usize) -> Option<String> {
    let flat = collapse_whitespace(text);
    if let Some(sentence) = first_sentence(&flat) {
        let sentence = sentence.strip_suffix('.').unwrap_or(sentence).trim_end();
        let n = char_len(sentence);
        if n >= min_chars && n <= max_chars {
            return Some(sentence.to_owned());
        }
    }
    let title = shorten_with_ellipsis(&flat, max_chars);
    (char_len(&title) >= min_chars).then_some(title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_fits_is_unchanged() {
        assert_eq!(cut_at_word_boundary("jalan rusak", 11), "jalan rusak");
        assert_eq!(cut_at_word_boundary("", 5), "");
        assert_eq!(shorten_with_ellipsis("jalan rusak", 11), "jalan rusak");
    }

    #[test]
    fn cuts_at_the_last_word_boundary_within_the_limit() {
        assert_eq!(cut_at_word_boundary("jalan rusak parah", 14), "jalan rusak");
        // The char after the limit is a space: the limit itself is a boundary.
        assert_eq!(cut_at_word_boundary("jalan rusak parah", 11), "jalan rusak");
        assert_eq!(cut_at_word_boundary("jalan rusak parah", 12), "jalan rusak");
        // Whitespace runs and line breaks count as boundaries, trailing ones are dropped.
        assert_eq!(cut_at_word_boundary("jalan  \n rusak parah", 10), "jalan");
    }

    #[test]
    fn a_single_long_word_is_cut_hard() {
        assert_eq!(cut_at_word_boundary("abcdefghijklmnop", 5), "abcde");
        // Cutting at the only space would keep less than half the limit.
        assert_eq!(
            cut_at_word_boundary("ab https://example.org/very/long/path", 20),
            "ab https://example.o"
        );
    }

    #[test]
    fn multibyte_text_is_counted_in_chars_and_never_split_inside_a_char() {
        let s = "Jalan berlubang di depan kafé «Ëndah» 🚧🚧🚧 sangat berbahaya";
        for max in 0..=char_len(s) + 1 {
            let cut = cut_at_word_boundary(s, max);
            assert!(char_len(&cut) <= max, "max {max}: {cut:?}");
            assert!(s.starts_with(&cut));
            let short = shorten_with_ellipsis(s, max);
            assert!(char_len(&short) <= max, "max {max}: {short:?}");
        }
        assert_eq!(cut_at_word_boundary("🚧🚧🚧 🚧🚧", 4), "🚧🚧🚧");
        assert_eq!(cut_at_word_boundary("ééééé", 3), "ééé");
    }

    #[test]
    fn ellipsis_is_inside_the_limit() {
        let s = "jalan rusak parah sekali";
        let out = shorten_with_ellipsis(s, 12);
        assert_eq!(out, "jalan rusak…");
        assert_eq!(char_len(&out), 12);
        assert_eq!(shorten_with_ellipsis("satu, dua tiga", 10), "satu, dua…");
        // No "satu,…": trailing punctuation goes before the ellipsis.
        assert_eq!(shorten_with_ellipsis("satu, dua tiga", 7), "satu…");
        // Text that is all punctuation is not stripped away to nothing.
        let dots = shorten_with_ellipsis(&".".repeat(300), 150);
        assert_eq!(char_len(&dots), 149);
    }

    #[test]
    fn first_sentence_needs_a_real_end() {
        assert_eq!(
            first_sentence("Lampu mati. Sudah lama."),
            Some("Lampu mati.")
        );
        assert_eq!(first_sentence("Kenapa? Entah"), Some("Kenapa?"));
        assert_eq!(first_sentence("Harga 1.500 rupiah"), None);
        assert_eq!(first_sentence("Selesai!"), Some("Selesai!"));
        assert_eq!(
            first_sentence("Di Kel. Kauman (Jl. Merdeka) gelap. Tolong."),
            Some("Di Kel. Kauman (Jl. Merdeka) gelap.")
        );
    }

    #[test]
    fn titles_from_text() {
        assert_eq!(
            derive_title(
                "Lampu jalan di Jl. A. Yani mati.  Mohon diperbaiki.",
                10,
                150
            )
            .as_deref(),
            Some("Lampu jalan di Jl. A. Yani mati")
        );
        assert_eq!(
            derive_title("Lampu jalan mati total!\nMohon segera diperbaiki", 10, 150).as_deref(),
            Some("Lampu jalan mati total!")
        );
        // A first sentence shorter than the minimum: the first words instead.
        assert_eq!(
            derive_title("Halo. Sampah menumpuk di pasar", 10, 20).as_deref(),
            Some("Halo. Sampah…")
        );
        let long = "kata ".repeat(100);
        let t = derive_title(&long, 10, 150).unwrap();
        assert!(char_len(&t) <= 150 && t.ends_with(ELLIPSIS) && t.starts_with("kata kata"));
        assert_eq!(derive_title("pendek", 10, 150), None);
        assert_eq!(derive_title("   \n ", 10, 150), None);
    }
}
