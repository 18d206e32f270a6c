//! Photo URLs as LAPOR! attachments.

use reqwest::Url;

use crate::wire::lapor::types::Lampiran;

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

/// One SAMBAT photo URL as a LAPOR! attachment, or why it cannot be one (without the URL).
pub(super) fn attachment(raw: &str) -> Result<Lampiran, String> {
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
