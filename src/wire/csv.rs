//! The Ngombe spreadsheet export (channels contract §4): a header row, then one complaint per
//! row. `;` (Indonesian-locale spreadsheets) or `,` is detected from the header; a UTF-8 BOM is
//! stripped; quoted fields may hold the delimiter, doubled quotes and line breaks. Row errors
//! carry the 1-based line the row starts on, so the forum team can find it.
//!
//! Never panics, whatever the bytes.

use std::collections::BTreeMap;

/// A file read as rows of named fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvFile {
    pub delimiter: u8,
    /// Normalised (trimmed, lowercase) column names, in file order.
    pub header: Vec<String>,
    pub rows: Vec<CsvRow>,
    pub errors: Vec<RowError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvRow {
    /// Line the row starts on (the header is line 1).
    pub line: u64,
    /// Column → trimmed value, for the columns the header names.
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
}

/// Why a whole file cannot be read (its header).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `;` when the header line has more semicolons than commas outside quotes, else `,`.
pub fn detect_delimiter(bytes: &[u8]) -> u8 {
    let (mut semi, mut comma, mut quoted) = (0usize, 0usize, false);
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b';' if !quoted => semi += 1,
            b',' if !quoted => comma += 1,
            _ => {}
        }
    }
    if semi > comma {
        b';'
    } else {
        b','
    }
}

/// Reads an export whose header must contain every column of `required`.
pub fn read(bytes: &[u8], required: &[String]) -> Result<CsvFile, FileError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let delimiter = detect_delimiter(bytes);
    let mut rdr = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = rdr.byte_records();
    let header = match records.next() {
        None => return Err(FileError("the file is empty: it needs a header row".into())),
        Some(Err(e)) => {
            return Err(FileError(format!(
                "the header row cannot be read: {}",
                csv_reason(&e)
            )))
        }
        Some(Ok(h)) => h,
    };
    let header: Vec<String> = header
        .iter()
        .map(|f| {
            String::from_utf8_lossy(f)
                .trim()
                .trim_matches('"')
                .trim()
                .to_lowercase()
        })
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .filter(|c| !header.contains(c))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(FileError(format!(
            "the header lacks column{} {}; expected the columns {} (delimiter detected: {:?})",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            required.join(", "),
            delimiter as char
        )));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut last_line = 1;
    let mut lines = LineCounter::default();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e
                    .position()
                    .map_or(last_line + 1, |p| lines.line_at(bytes, p.byte()));
                errors.push(RowError {
                    line,
                    reason: format!("cannot be read: {}", csv_reason(&e)),
                });
                // The reader may not be able to resynchronise after an I/O-like error.
                if !matches!(e.kind(), ::csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
                continue;
            }
        };
        let line = rec
            .position()
            .map_or(last_line + 1, |p| lines.line_at(bytes, p.byte()));
        last_line = line;
        if rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // blank line
        }
        if rec.len() != header.len() {
            errors.push(RowError {
                line,
                reason: format!(
                    "has {} fields, the header has {}: check for an unquoted {:?} or a missing field",
                    rec.len(),
                    header.len(),
                    delimiter as char
                ),
            });
            continue;
        }
        let mut fields = BTreeMap::new();
        let mut bad_utf8 = None;
        for (name, value) in header.iter().zip(rec.iter()) {
            match std::str::from_utf8(value) {
                Ok(v) => {
                    fields.insert(name.clone(), v.trim().to_owned());
                }
                Err(_) => {
                    bad_utf8 = Some(name.clone());
                    break;
                }
            }
        }
        if let Some(col) = bad_utf8 {
            errors.push(RowError {
                line,
                reason: format!("column {col} is not UTF-8 text: save the export as CSV UTF-8"),
            });
            continue;
        }
        rows.push(CsvRow { line, fields });
    }
    Ok(CsvFile {
        delimiter,
        header,
        rows,
        errors,
    })
}

/// Line numbers from byte offsets (the csv crate's own line count is off after `\r\n`): the
/// line a record starts on, skipping the line break that ends the previous record.
#[derive(Default)]
struct LineCounter {
    pos: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: u64) -> u64 {
        let mut end = (offset as usize).min(bytes.len());
        while end < bytes.len() && (bytes[end] == b'\n' || bytes[end] == b'\r') {
            end += 1;
        }
        if end < self.pos {
            self.pos = 0;
            self.newlines = 0;
        }
        self.newlines += bytes[self.pos..end].iter().filter(|&&b| b == b'\n').count() as u64;
        self.pos = end;
        self.newlines + 1
    }
}

fn csv_reason(e: &::csv::Error) -> String {
    match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".into(),
        ::csv::ErrorKind::UnequalLengths { .. } => "wrong number of fields".into(),
        _ => "malformed CSV".into(),
    }
}

/// Writes rows of fields as CSV with `delimiter`, quoting where needed.
pub fn write(delimiter: u8, rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for r in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(r);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn semicolon_with_bom_and_quoted_newlines() {
        let text = "\u{FEFF}no;tanggal;uraian\r\n1;29/07/2024;\"Jalan rusak; berlubang\r\ndi \"\"gang\"\" 3\"\r\n2;30/07/2024;biasa\r\n";
        let f = read(text.as_bytes(), &cols(&["no", "tanggal", "uraian"])).unwrap();
        assert_eq!(f.delimiter, b';');
        assert_eq!(f.header, ["no", "tanggal", "uraian"]);
        assert_eq!(f.rows.len(), 2);
        assert_eq!(
            f.rows[0].fields["uraian"],
            "Jalan rusak; berlubang\r\ndi \"gang\" 3"
        );
        assert_eq!(f.rows[0].line, 2);
        assert_eq!(f.rows[1].line, 4);
        assert!(f.errors.is_empty());
    }

    #[test]
    fn short_rows_are_errors_with_their_line() {
        let f = read(
            b"no,tanggal\n1,01/01/2024\n2\n3,02/01/2024\n",
            &cols(&["no"]),
        )
        .unwrap();
        assert_eq!(f.delimiter, b',');
        assert_eq!(f.rows.len(), 2);
        assert_eq!(
            f.errors,
            [RowError {
                line: 3,
                reason: f.errors[0].reason.clone()
            }]
        );
    }

    #[test]
    fn a_header_without_a_required_column_is_a_file_error() {
        let e = read(b"no,nama\n1,a\n", &cols(&["no", "tanggal"])).unwrap_err();
        assert!(e.0.contains("tanggal"), "{e}");
        assert!(read(b"", &cols(&["no"])).is_err());
    }
}
