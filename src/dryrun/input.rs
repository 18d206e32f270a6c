//! Sample records for the one-shot check: what a channel would deliver, read from a file.
//!
//! JSON channels (SAMBAT) take a JSON array of records, a single JSON object, or JSON Lines
//! (one object per line; blank lines and lines starting with `#` are skipped). CSV input is
//! for CSV channels (`ChannelMapper::input_format` is [`InputFormat::Csv`]): [`read_csv_samples`]
//! reads it as the CSV-folder intake does (delimiter `;` or `,`, BOM, required header columns,
//! row size limit), each row an object of strings keyed by the normalised header.

use std::path::Path;

use serde_json::Value;

pub use crate::channel::InputFormat;

/// The records in `path`, in file order.
pub fn read_records(path: &Path, format: InputFormat) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let is_csv_file = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    match format {
        InputFormat::Json if is_csv_file => Err(format!(
            "{} looks like CSV, but this channel's records are JSON (a JSON array, one JSON \
             object, or JSON Lines); CSV input is for CSV channels",
            path.display()
        )),
        InputFormat::Json => {
            parse_json_records(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
        InputFormat::Csv => {
            parse_csv_records(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
    }
}

/// A JSON array of objects, one object, or JSON Lines.
pub fn parse_json_records(text: &str) -> Result<Vec<Value>, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err("no records (the file is empty)".into());
    }
    // A whole-document parse first: a pretty-printed object spans many lines.
    match serde_json::from_str::<Value>(trimmed) {
        Ok(Value::Array(items)) => {
            if items.is_empty() {
                return Err("no records (an empty JSON array)".into());
            }
            for (i, item) in items.iter().enumerate() {
                if !item.is_object() {
                    return Err(format!("item {} of the array is not a JSON object", i + 1));
                }
            }
            return Ok(items);
        }
        Ok(v @ Value::Object(_)) => return Ok(vec![v]),
        Ok(_) => return Err("expected a JSON object, an array of objects, or JSON Lines".into()),
        Err(_) => {}
    }
    let mut out = Vec::new();
    for (n, line) in trimmed.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(v @ Value::Object(_)) => out.push(v),
            Ok(_) => return Err(format!("line {}: not a JSON object", n + 1)),
            // Position only: the line may hold personal data.
            Err(e) => {
                return Err(format!(
                    "line {}: not JSON (column {}: {})",
                    n + 1,
                    e.column(),
                    match e.classify() {
                        serde_json::error::Category::Eof => "unexpected end",
                        _ => "syntax error",
                    }
                ))
            }
        }
    }
    if out.is_empty() {
        return Err("no records".into());
    }
    Ok(out)
}

/// A CSV export read as the CSV-folder intake reads an inbox file: the header must hold
/// every column of `columns`; a row the intake would refuse is a sample carrying the reason.
pub fn read_csv_samples(
    path: &Path,
    columns: &[String],
    max_row_bytes: usize,
) -> Result<Vec<crate::dryrun::Sample>, String> {
    use crate::wire::csv as wire_csv;
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let sniffed = wire_csv::sniff(std::io::BufReader::new(file))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let stream = wire_csv::CsvStream::open(sniffed, columns, max_row_bytes).map_err(|e| {
        format!(
            "{}: {e} (the bridge would refuse the whole file)",
            path.display()
        )
    })?;
    let samples: Vec<crate::dryrun::Sample> = stream
        .map(|item| match item {
            Ok(row) => crate::dryrun::Sample {
                line: Some(row.line),
                raw: Ok(Value::Object(
                    row.fields
                        .into_iter()
                        .map(|(k, v)| (k, Value::String(v)))
                        .collect(),
                )),
            },
            Err(e) => crate::dryrun::Sample {
                line: Some(e.line),
                raw: Err(e.reason),
            },
        })
        .collect();
    if samples.is_empty() {
        return Err(format!("{}: no records (only a header)", path.display()));
    }
    Ok(samples)
}

/// CSV with a header row: each row an object of strings keyed by the header.
pub fn parse_csv_records(text: &str) -> Result<Vec<Value>, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| format!("cannot read the CSV header: {e}"))?
        .clone();
    let mut out = Vec::new();
    for (i, row) in rdr.records().enumerate() {
        let row = row.map_err(|_| format!("CSV row {} is malformed", i + 2))?;
        let obj: serde_json::Map<String, Value> = headers
            .iter()
            .zip(row.iter())
            .map(|(h, v)| (h.to_owned(), Value::String(v.to_owned())))
            .collect();
        out.push(Value::Object(obj));
    }
    if out.is_empty() {
        return Err("no records (only a header)".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_object_and_lines() {
        assert_eq!(
            parse_json_records(r#"[{"id":1},{"id":2}]"#).unwrap().len(),
            2
        );
        assert_eq!(parse_json_records("{\n  \"id\": 1\n}\n").unwrap().len(), 1);
        let jsonl = "{\"id\":1}\n\n# comment\n{\"id\":2}\n";
        assert_eq!(parse_json_records(jsonl).unwrap().len(), 2);
        assert!(parse_json_records("").is_err());
        assert!(parse_json_records("[]").is_err());
        assert!(parse_json_records("[1]").is_err());
        assert!(parse_json_records("{\"id\":1}\n{broken")
            .unwrap_err()
            .contains("line 2"));
    }

    #[test]
    fn csv_rows_become_objects() {
        let rows = parse_csv_records("no,isi\n1,Jalan rusak\n2,\"Lampu, mati\"\n").unwrap();
        assert_eq!(rows[1]["isi"], "Lampu, mati");
        assert!(parse_csv_records("no,isi\n").is_err());
    }
}
