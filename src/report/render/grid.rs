//! Aligned text tables that fit a terminal: headers may take two lines, and when the natural
//! widths pass the limit the columns marked `wrap` (names, record keys) wrap their words onto
//! further lines instead of the table wrapping in the terminal. No figure is cut.

/// One column: its header (`\n` splits it over lines), alignment, and whether it may wrap.
pub struct Column {
    pub header: String,
    pub right: bool,
    pub wrap: bool,
}

impl Column {
    pub fn left(header: String) -> Column {
        Column {
            header,
            right: false,
            wrap: false,
        }
    }
    pub fn right(header: String) -> Column {
        Column {
            header,
            right: true,
            wrap: false,
        }
    }
    pub fn wrapping(header: String) -> Column {
        Column {
            header,
            right: false,
            wrap: true,
        }
    }
}

/// The columns of a table are two spaces apart.
const GAP: usize = 2;
/// A wrapping column keeps at least this many characters.
const MIN_WRAP: usize = 12;

fn width(s: &str) -> usize {
    s.chars().count()
}

/// `text` in lines of at most `w` characters, broken at spaces (a longer word is split).
pub fn wrap(text: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ').filter(|s| !s.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let room = if cur.is_empty() {
                w
            } else {
                w.saturating_sub(width(&cur) + 1)
            };
            if word.len() <= room {
                if !cur.is_empty() {
                    cur.push(' ');
                }
                cur.extend(word.iter());
                break;
            }
            if cur.is_empty() {
                let rest = word.split_off(w);
                lines.push(word.iter().collect());
                word = rest;
            } else {
                lines.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The table, every line at most `max` characters when the fixed columns allow it.
pub fn render(cols: &[Column], rows: &[Vec<String>], max: usize) -> String {
    let n = cols.len();
    let headers: Vec<Vec<&str>> = cols
        .iter()
        .map(|c| c.header.split('\n').collect())
        .collect();
    let mut widths: Vec<usize> = (0..n)
        .map(|i| {
            let head = headers[i].iter().map(|l| width(l)).max().unwrap_or(0);
            rows.iter()
                .map(|r| width(&r[i]))
                .chain([head])
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Narrow the widest wrapping column, one character at a time, until the line fits.
    let floor = |i: usize| {
        let head = headers[i].iter().map(|l| width(l)).max().unwrap_or(0);
        head.max(MIN_WRAP)
    };
    loop {
        let total: usize = widths.iter().sum::<usize>() + GAP * n.saturating_sub(1);
        if total <= max {
            break;
        }
        let widest = (0..n)
            .filter(|&i| cols[i].wrap && widths[i] > floor(i))
            .max_by_key(|&i| widths[i]);
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                s.push_str(&" ".repeat(GAP));
            }
            let pad = " ".repeat(widths[i].saturating_sub(width(c)));
            if cols[i].right {
                s.push_str(&pad);
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&pad);
            }
        }
        s.trim_end().to_owned()
    };
    let mut out = String::new();
    let head_lines = headers.iter().map(Vec::len).max().unwrap_or(1);
    for k in 0..head_lines {
        // Bottom-aligned: a one-line header sits on the last header line.
        let cells: Vec<String> = headers
            .iter()
            .map(|h| {
                let skip = head_lines - h.len();
                if k >= skip {
                    h[k - skip].to_owned()
                } else {
                    String::new()
                }
            })
            .collect();
        out.push_str(&line(&cells));
        out.push('\n');
    }
    for row in rows {
        let parts: Vec<Vec<String>> = (0..n)
            .map(|i| {
                if cols[i].wrap {
                    wrap(&row[i], widths[i])
                } else {
                    vec![row[i].clone()]
                }
            })
            .collect();
        let height = parts.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let cells: Vec<String> = parts
                .iter()
                .enumerate()
                .map(|(i, p)| match p.get(k) {
                    // A continuation line of a wrapped cell is indented, so it reads as one.
                    Some(s) if k > 0 && cols[i].wrap => format!(" {s}"),
                    Some(s) => s.clone(),
                    None => String::new(),
                })
                .collect();
            out.push_str(&line(&cells));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_at_spaces_and_long_words_split() {
        assert_eq!(
            wrap("Dinas Kependudukan dan Pencatatan Sipil", 20),
            ["Dinas Kependudukan", "dan Pencatatan Sipil"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn a_wide_table_wraps_its_name_column_to_fit() {
        let cols = vec![
            Column::wrapping("Instansi".into()),
            Column::right("Diterima".into()),
            Column::right("Tingkat\ntanggapan".into()),
        ];
        let rows = vec![vec![
            "357302 Dinas Kependudukan dan Pencatatan Sipil".to_owned(),
            "1.367".to_owned(),
            "99,5%".to_owned(),
        ]];
        let out = render(&cols, &rows, 40);
        for l in out.lines() {
            assert!(l.chars().count() <= 40, "{l:?} in\n{out}");
        }
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].trim_start().starts_with("Tingkat"), "{out}");
        assert!(lines[1].starts_with("Instansi"), "{out}");
        assert!(
            lines[2].contains("1.367") && lines[2].ends_with("99,5%"),
            "{out}"
        );
        // Every word of the name is still there.
        let joined: String = out.lines().skip(2).collect::<Vec<_>>().join(" ");
        assert!(
            joined.contains("Pencatatan") && joined.contains("Sipil"),
            "{out}"
        );
    }
}
