//! Fitting what the operator commands print into 100 columns (issue 12 point 5): an 80- or
//! 120-column terminal must not wrap a table row into two. Widths count chars, not bytes
//! (Indonesian text is ASCII, but channel names, notes and reasons may not be).

use std::fmt::Write as _;

/// The widest line any operator command prints.
pub const WIDTH: usize = 100;

pub fn width(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `max` chars, the last one `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    s.chars().take(max - 1).collect::<String>() + "…"
}

/// `s` with its middle replaced by `…` to fit `max`: for paths, whose both ends matter.
pub fn elide_middle(s: &str, max: usize) -> String {
    let n = width(s);
    if n <= max || max < 5 {
        return truncate(s, max);
    }
    let keep = max - 1;
    let head = keep / 3;
    let tail = keep - head;
    let chars: Vec<char> = s.chars().collect();
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[n - tail..]);
    out
}

/// Word-wraps `text` (one paragraph; runs of white space become one space) into lines of at
/// most `max` chars; a word longer than a line is cut across lines.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = width(&line);
            let sep = usize::from(used > 0);
            if used + sep + word.len() <= max {
                if sep == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word alone wider than a line: cut it.
            let rest = word.split_off(max);
            lines.push(word.iter().collect());
            word = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Every line of `text` that is wider than [`WIDTH`] wrapped, its continuation lines indented
/// by two spaces more than the line itself: the last guard before text reaches the terminal.
pub fn lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if width(line) <= WIDTH {
            out.push_str(line);
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let indent = &line[..lead];
        let more = format!("{indent}  ");
        for (j, part) in wrap(line, WIDTH - width(&more)).iter().enumerate() {
            if j == 0 {
                // The first part may use the whole width; re-wrap it would cost a word.
                let _ = write!(out, "{indent}{part}");
            } else {
                let _ = write!(out, "\n{more}{part}");
            }
        }
    }
    out
}

/// Segments joined by two spaces on as few lines as fit, continuation lines indented by
/// `indent` spaces: a header line of several facts.
pub fn join(segments: &[String], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    let mut line = String::new();
    for s in segments.iter().filter(|s| !s.is_empty()) {
        if !line.is_empty() && width(&line) + 2 + width(s) > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = pad.clone();
        } else if !line.trim().is_empty() {
            line.push_str("  ");
        }
        line.push_str(s);
    }
    out.push_str(&line);
    lines(&out)
}

/// Prints `text` to stdout, every line fitted.
pub fn print(text: &str) {
    print!("{}", lines(text));
}

/// Prints `text` and a line break to stderr, every line fitted.
pub fn eprintln(text: &str) {
    eprintln!("{}", lines(text));
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table whose columns are as wide as their widest cell, fitted into [`WIDTH`]: the gap
/// narrows first, then the `shrink` columns are cut (with `…`) down to `min` chars; with
/// `wrap_last` the last column takes what is left and its cells wrap onto further lines
/// instead (a reason must be read whole).
pub struct Table {
    pub heads: Vec<String>,
    pub align: Vec<Align>,
    pub rows: Vec<Vec<String>>,
    pub shrink: Vec<usize>,
    pub min: usize,
    pub wrap_last: bool,
    /// With `wrap_last`: the width the last column keeps at least, cutting others for it.
    pub wrap_min: usize,
    pub indent: usize,
}

impl Table {
    pub fn new(heads: Vec<String>, align: Vec<Align>) -> Table {
        Table {
            heads,
            align,
            rows: Vec::new(),
            shrink: Vec::new(),
            min: 8,
            wrap_last: false,
            wrap_min: 40,
            indent: 0,
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn widths(&self) -> Vec<usize> {
        let mut w: Vec<usize> = self.heads.iter().map(|h| width(h)).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate() {
                if i < w.len() {
                    w[i] = w[i].max(width(c));
                }
            }
        }
        w
    }

    pub fn render(&self) -> String {
        let n = self.heads.len();
        let mut w = self.widths();
        let total = |w: &[usize], gap: usize| self.indent + w.iter().sum::<usize>() + gap * (n - 1);
        // Everything left of the last column, with the gap before it.
        let left = |w: &[usize], gap: usize| {
            self.indent + w[..n - 1].iter().sum::<usize>() + gap * (n - 1)
        };
        let wraps = self.wrap_last && n > 1;
        let needed = |w: &[usize], gap: usize| {
            if wraps {
                left(w, gap) + self.wrap_min.min(w[n - 1])
            } else {
                total(w, gap)
            }
        };
        let gap = if needed(&w, 2) <= WIDTH { 2 } else { 1 };
        if wraps {
            let room = self.wrap_min.min(w[n - 1]);
            if left(&w, gap) + room > WIDTH {
                self.shrink_to(&mut w, gap, WIDTH - room - gap);
            }
            w[n - 1] = w[n - 1].min(WIDTH.saturating_sub(left(&w, gap))).max(1);
        } else {
            self.shrink_to(&mut w, gap, WIDTH);
        }
        let mut out = String::new();
        if self.heads.iter().any(|h| !h.is_empty()) {
            out += &self.line(&self.heads, &w, gap);
        }
        for r in &self.rows {
            out += &self.line(r, &w, gap);
        }
        out
    }

    /// Cuts the `shrink` columns, in order, until the row (all columns, or all but the last
    /// when it wraps) fits `limit`.
    fn shrink_to(&self, w: &mut [usize], gap: usize, limit: usize) {
        let n = w.len();
        let counted = if self.wrap_last { n - 1 } else { n };
        for &c in &self.shrink {
            let used = self.indent + w[..counted].iter().sum::<usize>() + gap * (counted - 1);
            if used <= limit {
                return;
            }
            let over = used - limit;
            w[c] = w[c].saturating_sub(over).max(self.min.min(w[c]));
        }
    }

    fn line(&self, cells: &[String], w: &[usize], gap: usize) -> String {
        let n = w.len();
        let pad = " ".repeat(self.indent);
        let gap_s = " ".repeat(gap);
        let last_parts = match cells.get(n - 1) {
            Some(c) if self.wrap_last && width(c) > w[n - 1] => wrap(c, w[n - 1]),
            Some(c) => vec![c.clone()],
            None => vec![String::new()],
        };
        let mut out = pad.clone();
        for i in 0..n {
            let cell = if i == n - 1 {
                last_parts[0].clone()
            } else {
                cells.get(i).cloned().unwrap_or_default()
            };
            let cell = truncate(&cell, w[i]);
            let fill = w[i] - width(&cell);
            let last = i == n - 1;
            if i > 0 {
                out += &gap_s;
            }
            match self.align.get(i).copied().unwrap_or(Align::Left) {
                Align::Right => {
                    out += &" ".repeat(fill);
                    out += &cell;
                }
                Align::Left if last => out += &cell,
                Align::Left => {
                    out += &cell;
                    out += &" ".repeat(fill);
                }
            }
        }
        let mut text = out.trim_end().to_string();
        text.push('\n');
        let start = self.indent + w[..n - 1].iter().sum::<usize>() + gap * (n - 1);
        for part in &last_parts[1..] {
            let _ = writeln!(text, "{}{part}", " ".repeat(start));
        }
        text
    }
}

/// Every line of `text` is at most [`WIDTH`] chars (for tests).
pub fn fits(text: &str) -> bool {
    text.lines().all(|l| width(l) <= WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_cuts_only_words_wider_than_a_line() {
        assert_eq!(wrap("a bb  ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
    }

    #[test]
    fn overlong_lines_wrap_with_an_indent() {
        let long = format!("  {}", "kata ".repeat(40));
        let out = lines(&long);
        assert!(fits(&out), "{out}");
        assert!(out.lines().nth(1).unwrap().starts_with("    kata"), "{out}");
        assert_eq!(lines("short\nlines"), "short\nlines");
    }

    #[test]
    fn paths_lose_their_middle_names_lose_their_end() {
        let p = format!("/var/lib/{}/lapor-bridge.db", "x".repeat(200));
        let e = elide_middle(&p, 60);
        assert_eq!(width(&e), 60);
        assert!(
            e.starts_with("/var/lib/") && e.ends_with("lapor-bridge.db"),
            "{e}"
        );
        assert_eq!(truncate("sambat-online-kota", 10), "sambat-on…");
    }

    #[test]
    fn a_wide_table_shrinks_its_name_column_and_wraps_its_last() {
        let mut t = Table::new(
            vec!["name".into(), "n".into(), "why".into()],
            vec![Align::Left, Align::Right, Align::Left],
        );
        t.shrink = vec![0];
        t.wrap_last = true;
        t.row(vec!["x".repeat(90), "1.234.567".into(), "kata ".repeat(30)]);
        let out = t.render();
        assert!(fits(&out), "{out}");
        assert!(out.contains('…'), "{out}");
        assert_eq!(
            out.matches("kata").count(),
            30,
            "the reason is whole: {out}"
        );
    }
}
