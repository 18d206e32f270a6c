//! The Ngombe spreadsheet export (channels contract §4): a header row, then one complaint per
//! row. `;` (Indonesian-locale spreadsheets) or `,` is detected from the header; a UTF-8 BOM is
//! stripped; quoted fields may hold the delimiter, doubled quotes and line breaks. Row errors
//! carry the 1-based line the row starts on, so the forum team can find it.
//!
//! Never panics, whatever the bytes.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::io::Read;
use std::rc::Rc;

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

/// Reads an export whose header must contain every column of `required`, whole, from memory
/// (the proptests and small callers); the folder streams with [`CsvStream`].
pub fn read(bytes: &[u8], required: &[String]) -> Result<CsvFile, FileError> {
    let sniffed = sniff(bytes).map_err(|e| FileError(format!("cannot be read: {e}")))?;
    let delimiter = sniffed.delimiter;
    let stream = CsvStream::open(sniffed, required, usize::MAX)?;
    let header = stream.header().to_vec();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for item in stream {
        match item {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(e),
        }
    }
    Ok(CsvFile {
        delimiter,
        header,
        rows,
        errors,
    })
}

/// How much of the start of a file is looked at for the BOM and the header's delimiter.
const SNIFF_BYTES: u64 = 64 * 1024;

/// A file's start looked at (BOM stripped, delimiter detected), and the rest still to read.
pub struct Sniffed<R> {
    pub delimiter: u8,
    source: std::io::Chain<std::io::Cursor<Vec<u8>>, R>,
}

/// Reads at most the first 64 KiB of `input` to strip a BOM and detect the delimiter; the rest
/// is left to stream.
pub fn sniff<R: Read>(mut input: R) -> std::io::Result<Sniffed<R>> {
    let mut head = Vec::new();
    (&mut input).take(SNIFF_BYTES).read_to_end(&mut head)?;
    if head.starts_with(BOM) {
        head.drain(..BOM.len());
    }
    Ok(Sniffed {
        delimiter: detect_delimiter(&head),
        source: std::io::Cursor::new(head).chain(input),
    })
}

/// An export read record by record: only the record being read is in memory (plus the csv
/// reader's buffer and the line breaks read ahead of it), whatever the file's size.
pub struct CsvStream<R> {
    delimiter: u8,
    header: Vec<String>,
    records: Records<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>,
    lines: Rc<RefCell<LineIndex>>,
    last_line: u64,
    done: bool,
}

impl<R: Read> CsvStream<R> {
    /// Reads the header, which must contain every column of `required`. A record over
    /// `max_row_bytes` (its fields' bytes) is an error naming its largest column, not a row.
    pub fn open(
        sniffed: Sniffed<R>,
        required: &[String],
        max_row_bytes: usize,
    ) -> Result<Self, FileError> {
        let delimiter = sniffed.delimiter;
        let lines = Rc::new(RefCell::new(LineIndex::default()));
        let counted = Counted {
            inner: sniffed.source,
            offset: 0,
            lines: lines.clone(),
        };
        let mut records = Records::new(counted, delimiter, max_row_bytes);
        let header = match records.next() {
            Next::End => return Err(FileError("the file is empty: it needs a header row".into())),
            Next::Failed { error, .. } => {
                return Err(FileError(format!("the header row cannot be read: {error}")))
            }
            Next::Oversize { .. } => {
                return Err(FileError(format!(
                    "the header row is over {max_row_bytes} bytes (max_row_bytes): it is not an export's header"
                )))
            }
            Next::Row { .. } => records.fields(),
        };
        let header: Vec<String> = header
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
        Ok(CsvStream {
            delimiter,
            header,
            records,
            lines,
            last_line: 1,
            done: false,
        })
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    fn line_of(&self, start: u64) -> u64 {
        self.lines.borrow_mut().line_at(start)
    }

    /// The reason a record over `max_row_bytes` is refused, naming its largest column.
    fn oversize_reason(&self, bytes: u64, (i, biggest): (usize, u64)) -> String {
        let col = self
            .header
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("#{}", i + 1));
        format!(
            "the row is {bytes} bytes, over the limit of {} bytes per row (max_row_bytes); column {col} alone holds {biggest} bytes: shorten it in the spreadsheet, or raise max_row_bytes",
            self.records.limit
        )
    }
}

impl<R: Read> Iterator for CsvStream<R> {
    type Item = Result<CsvRow, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let start = match self.records.next() {
                Next::End => {
                    self.done = true;
                    return None;
                }
                Next::Failed { start, error } => {
                    // An I/O error: the rest of the file cannot be trusted.
                    self.done = true;
                    let line = self.line_of(start);
                    return Some(Err(RowError {
                        line,
                        reason: format!("cannot be read: {error}"),
                    }));
                }
                Next::Oversize {
                    start,
                    bytes,
                    biggest,
                } => {
                    let line = self.line_of(start);
                    self.last_line = line;
                    let reason = self.oversize_reason(bytes, biggest);
                    return Some(Err(RowError { line, reason }));
                }
                Next::Row { start } => start,
            };
            let line = self.line_of(start);
            self.last_line = line;
            let n = self.records.nends;
            if self
                .records
                .fields()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue; // blank line
            }
            if n != self.header.len() {
                return Some(Err(RowError {
                    line,
                    reason: format!(
                        "has {n} fields, the header has {}: check for an unquoted {:?} or a missing field",
                        self.header.len(),
                        self.delimiter as char
                    ),
                }));
            }
            let mut fields = BTreeMap::new();
            for (name, value) in self.header.iter().zip(self.records.fields()) {
                match std::str::from_utf8(value) {
                    Ok(v) => {
                        fields.insert(name.clone(), v.trim().to_owned());
                    }
                    Err(_) => {
                        return Some(Err(RowError {
                            line,
                            reason: format!(
                                "column {name} is not UTF-8 text: save the export as CSV UTF-8"
                            ),
                        }));
                    }
                }
            }
            return Some(Ok(CsvRow { line, fields }));
        }
    }
}

/// What [`Records::next`] read.
enum Next {
    End,
    /// A record, its fields in [`Records::fields`]; `start` is its byte offset.
    Row {
        start: u64,
    },
    /// A record over the limit, read through but not kept: its field bytes, and its largest
    /// field (index, bytes).
    Oversize {
        start: u64,
        bytes: u64,
        biggest: (usize, u64),
    },
    Failed {
        start: u64,
        error: std::io::Error,
    },
}

/// Records parsed by csv-core into a buffer that never grows past the row limit: a longer
/// record is read through and measured, never held (the csv crate's own reader would grow
/// its record to hold a 50 MB cell whole).
struct Records<R> {
    core: ::csv_core::Reader,
    input: std::io::BufReader<Counted<R>>,
    /// Bytes consumed from `input`.
    offset: u64,
    out: Vec<u8>,
    ends: Vec<usize>,
    /// Fields of the last record in `ends`.
    nends: usize,
    limit: usize,
}

/// More fields than this in one record is treated as over the limit, whatever their bytes
/// (a line of delimiters alone would otherwise grow the field list without bound).
const MAX_FIELDS: usize = 4096;

impl<R: Read> Records<R> {
    fn new(input: Counted<R>, delimiter: u8, limit: usize) -> Self {
        Records {
            core: ::csv_core::ReaderBuilder::new()
                .delimiter(delimiter)
                .build(),
            input: std::io::BufReader::with_capacity(64 * 1024, input),
            offset: 0,
            out: vec![0; 4096.min(limit.max(1))],
            ends: vec![0; 32],
            nends: 0,
            limit,
        }
    }

    /// The fields of the last [`Next::Row`].
    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let ends = &self.ends[..self.nends];
        ends.iter()
            .enumerate()
            .map(move |(i, &e)| &self.out[if i == 0 { 0 } else { ends[i - 1] }..e])
    }

    fn next(&mut self) -> Next {
        use ::csv_core::ReadRecordResult as R;
        use std::io::BufRead;
        let start = self.offset;
        let (mut outlen, mut nends) = (0usize, 0usize);
        let mut over = false;
        // Field bookkeeping that survives discarding the buffers of an oversize record.
        let (mut field, mut prev_end, mut biggest) = (0usize, 0usize, (0usize, 0u64));
        loop {
            let buf = match self.input.fill_buf() {
                Ok(b) => b,
                Err(error) => return Next::Failed { start, error },
            };
            let (res, nin, nout, nend) =
                self.core
                    .read_record(buf, &mut self.out[outlen..], &mut self.ends[nends..]);
            self.input.consume(nin);
            self.offset += nin as u64;
            outlen += nout;
            // Ends are positions in the record as if it were one buffer, even when parts of
            // it were discarded.
            for &e in &self.ends[nends..nends + nend] {
                let len = (e - prev_end) as u64;
                if len > biggest.1 || field == 0 {
                    biggest = (field, len);
                }
                field += 1;
                prev_end = e;
            }
            nends += nend;
            match res {
                R::InputEmpty => {}
                R::OutputFull if !over && self.out.len() < self.limit => {
                    let grown = self
                        .out
                        .len()
                        .saturating_mul(2)
                        .min(self.limit)
                        .max(self.out.len() + 1);
                    self.out.resize(grown, 0);
                }
                R::OutputFull => {
                    over = true;
                    outlen = 0;
                }
                R::OutputEndsFull if !over && self.ends.len() < MAX_FIELDS => {
                    self.ends.resize(self.ends.len() * 2, 0);
                }
                R::OutputEndsFull => {
                    over = true;
                    nends = 0;
                }
                R::Record => {
                    if over || prev_end > self.limit {
                        self.nends = 0;
                        return Next::Oversize {
                            start,
                            bytes: prev_end as u64,
                            biggest,
                        };
                    }
                    self.nends = nends;
                    return Next::Row { start };
                }
                R::End => return Next::End,
            }
        }
    }
}

/// The input, noting where its line breaks are as the csv reader reads it, so a record's byte
/// offset gives its line without keeping the bytes (the csv crate's own line count is off
/// after `\r\n`).
struct Counted<R> {
    inner: R,
    offset: u64,
    lines: Rc<RefCell<LineIndex>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut lines = self.lines.borrow_mut();
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                lines.breaks.push_back((self.offset + i as u64, b == b'\n'));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Line breaks read but not yet behind a record's start, and the newlines already behind.
#[derive(Default)]
struct LineIndex {
    /// (offset, is `\n`) of each `\r` or `\n`, in offset order.
    breaks: VecDeque<(u64, bool)>,
    newlines: u64,
}

impl LineIndex {
    /// The line a record at byte `offset` starts on, skipping the line break that ends the
    /// previous record (the record's offset may point at it). Offsets are asked in order.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut cursor = offset;
        while let Some(&(at, newline)) = self.breaks.front() {
            if at < offset || at == cursor {
                self.breaks.pop_front();
                self.newlines += u64::from(newline);
                if at == cursor {
                    cursor += 1;
                }
            } else {
                break;
            }
        }
        self.newlines + 1
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

    #[test]
    fn a_row_over_the_limit_is_an_error_naming_its_column_and_the_next_rows_are_read() {
        let huge = "y\n".repeat(50_000);
        let text = format!(
            "no,tanggal,uraian\r\n1,01/01/2024,a\r\n2,01/01/2024,\"{huge}\"\r\n3,02/01/2024,c\r\n"
        );
        let s = sniff(text.as_bytes()).unwrap();
        let stream = CsvStream::open(s, &cols(&["no"]), 4096).unwrap();
        let items: Vec<_> = stream.collect();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].as_ref().unwrap().line, 2);
        let e = items[1].as_ref().unwrap_err();
        assert_eq!(e.line, 3);
        assert!(
            e.reason.contains("column uraian alone holds 100000 bytes")
                && e.reason.contains("4096"),
            "{e:?}"
        );
        // Lines are counted through the refused row's quoted line breaks.
        let last = items[2].as_ref().unwrap();
        assert_eq!((last.line, last.fields["no"].as_str()), (50_004, "3"));
    }
}
