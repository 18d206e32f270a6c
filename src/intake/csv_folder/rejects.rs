//! Where a read file goes and what is said about its bad rows: `<file>.rejects.csv` beside it,
//! and a name in `processed/` or `rejected/` that never overwrites another.

use std::path::{Path, PathBuf};

use super::{io, CsvFolderError};

/// The `<file>.rejects.csv` report, written as the file is read and only created when there
/// is something to report.
pub(super) struct Rejects {
    path: PathBuf,
    delimiter: u8,
    writer: Option<::csv::Writer<std::fs::File>>,
}

impl Rejects {
    pub(super) fn new(path: PathBuf, delimiter: u8) -> Self {
        Self {
            path,
            delimiter,
            writer: None,
        }
    }

    pub(super) fn write(&mut self, rows: Vec<(u64, String)>) -> Result<(), CsvFolderError> {
        if rows.is_empty() {
            return Ok(());
        }
        let path = &self.path;
        let w = match &mut self.writer {
            Some(w) => w,
            None => {
                let f = std::fs::File::create(path).map_err(io(path))?;
                let mut w = ::csv::WriterBuilder::new()
                    .delimiter(self.delimiter)
                    .from_writer(f);
                w.write_record(["baris", "alasan"]).map_err(csv_io(path))?;
                self.writer.insert(w)
            }
        };
        for (line, reason) in rows {
            w.write_record([line.to_string(), reason])
                .map_err(csv_io(path))?;
        }
        Ok(())
    }

    pub(super) fn finish(self) -> Result<(), CsvFolderError> {
        if let Some(mut w) = self.writer {
            w.flush().map_err(io(&self.path))?;
        }
        Ok(())
    }
}

pub(super) fn write_rejects(
    path: &Path,
    delimiter: u8,
    rows: &[(u64, String)],
) -> Result<(), CsvFolderError> {
    let mut r = Rejects::new(path.to_owned(), delimiter);
    r.write(rows.to_vec())?;
    r.finish()
}

fn csv_io(path: &Path) -> impl FnOnce(::csv::Error) -> CsvFolderError + '_ {
    move |e| CsvFolderError::Io {
        path: path.to_owned(),
        source: std::io::Error::other(e),
    }
}

/// `processed/<name>`, or `processed/<stem>.<n>.<ext>` when that name is taken: a file is never
/// overwritten or deleted.
pub(super) fn unique_dest(dir: &Path, path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let first = dir.join(&name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_owned(), format!(".{e}")),
        None => (name.clone(), String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem}.{n}{ext}")))
        .find(|p| !p.exists() && !rejects_path(p).exists())
        .expect("some name is free")
}

/// `<file>.rejects.csv` beside `file`.
pub fn rejects_path(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".rejects.csv");
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processed_names_are_never_reused() {
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("a.csv");
        assert_eq!(unique_dest(d.path(), &src), d.path().join("a.csv"));
        std::fs::write(d.path().join("a.csv"), "x").unwrap();
        assert_eq!(unique_dest(d.path(), &src), d.path().join("a.2.csv"));
        std::fs::write(rejects_path(&d.path().join("a.2.csv")), "x").unwrap();
        assert_eq!(unique_dest(d.path(), &src), d.path().join("a.3.csv"));
    }
}
