//! `lampiran`: attachments from the URLs a channel gives (photos, media), at most
//! [`LAMPIRAN_MAX`], each once.

use reqwest::Url;

use crate::wire::lapor::types::limits::LAMPIRAN_MAX;
use crate::wire::lapor::types::{Lampiran, LAMPIRAN_TIPE};

/// Longer photo URLs are skipped: no real one is, and it bounds the body size.
const URL_MAX_BYTES: usize = 2048;

/// File extensions LAPOR! accepts as attachments, and their types.
const LAMPIRAN_EXT: [(&str, &str); 5] = [
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("pdf", "application/pdf"),
    ("mp4", "video/mp4"),
];

/// One URL as a LAPOR! attachment, or why it cannot be one (without the URL).
pub fn attachment(raw: &str) -> Result<Lampiran, String> {
    if raw.len() > URL_MAX_BYTES {
        return Err(format!("the URL is longer than {URL_MAX_BYTES} bytes"));
    }
    let url = Url::parse(raw.trim()).map_err(|_| "not a URL".to_owned())?;
    if url.scheme() != "https" {
        return Err("not an https URL (LAPOR! accepts only https)".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL carries credentials".into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host".into());
    }
    let segment = url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("");
    let nama_file = percent_decode(segment).unwrap_or_else(|| segment.to_owned());
    if nama_file.is_empty() {
        return Err("the URL has no file name".into());
    }
    let ext = nama_file
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, tipe)) = LAMPIRAN_EXT.iter().find(|(e, _)| *e == ext) else {
        let shown = if ext.is_empty() {
            "none".to_owned()
        } else if ext.len() <= 10 && ext.bytes().all(|b| b.is_ascii_alphanumeric()) {
            format!("\".{ext}\"")
        } else {
            "unrecognised".to_owned()
        };
        return Err(format!(
            "file type {shown} is not accepted by LAPOR! (jpg, jpeg, png, pdf, mp4)"
        ));
    };
    Ok(Lampiran {
        nama_file,
        tipe: (*tipe).to_owned(),
        url: url.to_string(),
    })
}

/// `%XX` escapes decoded, when that gives UTF-8 text that is still a plain file name.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    let s = String::from_utf8(out).ok()?;
    let plain = !s.trim().is_empty() && !s.chars().any(|c| c == '/' || c == '\\' || c.is_control());
    plain.then_some(s)
}

/// Why a URL (the `n`th, from 1) is not among the attachments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skipped {
    /// Not an attachment LAPOR! accepts, and why (without the URL).
    Invalid { n: usize, why: String },
    /// An attachment of a type the channel does not allow.
    NotAllowed { n: usize, tipe: String },
    /// The same URL as an earlier attachment.
    Duplicate { n: usize },
}

/// The attachments of `urls`, in order: each valid, `allowed` by type, new, and within
/// [`LAMPIRAN_MAX`]. Also what was skipped, in order, and how many valid ones were over the
/// limit.
pub fn collect<S: AsRef<str>>(
    urls: &[S],
    allowed: impl Fn(&str) -> bool,
) -> (Vec<Lampiran>, Vec<Skipped>, usize) {
    let mut out: Vec<Lampiran> = Vec::new();
    let mut skipped = Vec::new();
    let mut over = 0;
    for (i, raw) in urls.iter().enumerate() {
        let n = i + 1;
        match attachment(raw.as_ref()) {
            Err(why) => skipped.push(Skipped::Invalid { n, why }),
            Ok(l) if !allowed(&l.tipe) => skipped.push(Skipped::NotAllowed { n, tipe: l.tipe }),
            Ok(l) if out.iter().any(|x| x.url == l.url) => skipped.push(Skipped::Duplicate { n }),
            Ok(_) if out.len() == LAMPIRAN_MAX => over += 1,
            Ok(l) => out.push(l),
        }
    }
    (out, skipped, over)
}

/// The contract's `lampiran` rules on a built payload, as (field, message).
pub fn check(items: &[Lampiran]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if items.len() > LAMPIRAN_MAX {
        out.push((
            "lampiran".to_owned(),
            format!("at most {LAMPIRAN_MAX} items, has {}", items.len()),
        ));
    }
    for (i, a) in items.iter().enumerate() {
        if a.nama_file.trim().is_empty() {
            out.push((format!("lampiran[{i}].nama_file"), "is empty".into()));
        }
        if !LAMPIRAN_TIPE.contains(&a.tipe.as_str()) {
            out.push((
                format!("lampiran[{i}].tipe"),
                format!("{:?} is not an accepted type", a.tipe),
            ));
        }
        if !is_https_url(&a.url) {
            out.push((format!("lampiran[{i}].url"), "must be an https URL".into()));
        }
    }
    out
}

/// An absolute `https` URL with a host and no credentials.
pub fn is_https_url(s: &str) -> bool {
    Url::parse(s).is_ok_and(|u| {
        u.scheme() == "https"
            && u.host_str().is_some_and(|h| !h.is_empty())
            && u.username().is_empty()
            && u.password().is_none()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_attachments_once_and_within_the_limit() {
        let urls = [
            "https://sambat.example/foto/a.jpg",
            "http://sambat.example/foto/b.jpg",
            "https://sambat.example/foto/a.jpg",
            "https://sambat.example/foto/c.pdf",
            "https://sambat.example/foto/d.png",
            "https://sambat.example/foto/e.png",
            "https://sambat.example/foto/f.png",
            "https://sambat.example/foto/g.png",
            "https://sambat.example/foto/h.png",
        ];
        let (got, skipped, over) = collect(&urls, |t| t != "application/pdf");
        let names: Vec<&str> = got.iter().map(|l| l.nama_file.as_str()).collect();
        assert_eq!(names, ["a.jpg", "d.png", "e.png", "f.png", "g.png"]);
        assert_eq!(over, 1);
        assert!(matches!(&skipped[0], Skipped::Invalid { n: 2, .. }));
        assert_eq!(skipped[1], Skipped::Duplicate { n: 3 });
        assert_eq!(
            skipped[2],
            Skipped::NotAllowed {
                n: 4,
                tipe: "application/pdf".into()
            }
        );
        assert_eq!(skipped.len(), 3);
        assert!(check(&got).is_empty());
    }

    #[test]
    fn https_urls_only() {
        assert!(is_https_url("https://sambat.example/a.jpg"));
        assert!(!is_https_url("http://sambat.example/a.jpg"));
        assert!(!is_https_url("https://u:p@sambat.example/a.jpg"));
        assert!(!is_https_url("sambat.example/a.jpg"));
    }
}
