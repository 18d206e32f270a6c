//! One LAPOR! field's source in a declarative mapping (a path, joined paths, a constant, a
//! default, a lookup table, a date format), and the paths a channel's kind can deliver.

use crate::config::text::{msg, q, Text};
use serde_json::Value;

use crate::config::ctx::{join, Ctx};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Kategori,
    Opd,
    Wilayah,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Kategori => "kategori",
            Table::Opd => "opd",
            Table::Wilayah => "wilayah",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateFormat {
    /// `2024-07-29T08:15:00+07:00`
    Rfc3339,
    /// `29/07/2024` (WIB, the day's start).
    DdMmYyyy,
    /// `2024-07-29 08:15:00` (WIB wall clock).
    WibDateTime,
}

/// Where one LAPOR! field's value comes from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Source {
    /// Paths (JSON pointers or CSV columns); the non-empty values are joined with `sep`.
    pub paths: Vec<String>,
    pub sep: String,
    /// A constant, used when there are no paths.
    pub value: Option<String>,
    /// Used when the paths give nothing (or a value not in the table).
    pub default: Option<String>,
    pub table: Option<Table>,
    pub format: Option<DateFormat>,
}

/// The paths a channel's kind can deliver, to check mapping paths against.
pub(crate) enum PathRule<'a> {
    /// JSON pointers; when the list is non-empty, only these (or their children).
    Pointer(&'a [String]),
    /// CSV column names.
    Column(&'a [String]),
}

impl PathRule<'_> {
    pub(crate) fn check(&self, path: &str) -> Result<(), Text> {
        match self {
            PathRule::Pointer(fields) => {
                if !path.starts_with('/') {
                    return Err(msg!("config-source-not-pointer", path = q(path)));
                }
                if !fields.is_empty()
                    && !fields
                        .iter()
                        .any(|f| f == path || path.starts_with(&format!("{f}/")))
                {
                    return Err(msg!(
                        "config-source-not-field",
                        path = q(path),
                        fields = fields.join(", ")
                    ));
                }
                Ok(())
            }
            PathRule::Column(cols) => {
                if cols.iter().any(|c| c == path) {
                    Ok(())
                } else {
                    Err(msg!(
                        "config-source-not-column",
                        path = q(path),
                        columns = cols.join(", ")
                    ))
                }
            }
        }
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A source: `"path"` or `{ path | join, sep, value, default, table, format }`.
pub(crate) fn parse_source(
    ctx: &mut Ctx,
    key: &[String],
    raw: Value,
    rule: &PathRule<'_>,
) -> Option<Source> {
    let mut s = Source {
        sep: " ".into(),
        ..Source::default()
    };
    let mut ok = true;
    match raw {
        Value::String(p) => s.paths.push(p),
        Value::Object(m) => {
            for (k, v) in m {
                let kk = join(key, &[&k]);
                match (k.as_str(), v) {
                    ("path", Value::String(p)) => s.paths.push(p),
                    ("join", Value::Array(a)) => {
                        for (i, x) in a.into_iter().enumerate() {
                            match x {
                                Value::String(p) => s.paths.push(p),
                                _ => {
                                    ctx.problem(
                                        &join(&kk, &[&i.to_string()]),
                                        msg!("config-source-join-path"),
                                    );
                                    ok = false;
                                }
                            }
                        }
                    }
                    ("sep", Value::String(x)) => s.sep = x,
                    ("value", v) if scalar_text(&v).is_some() => s.value = scalar_text(&v),
                    ("default", v) if scalar_text(&v).is_some() => s.default = scalar_text(&v),
                    ("table", Value::String(t)) => {
                        s.table = match t.as_str() {
                            "kategori" => Some(Table::Kategori),
                            "opd" => Some(Table::Opd),
                            "wilayah" | "kecamatan" => Some(Table::Wilayah),
                            _ => {
                                ctx.problem(&kk, msg!("config-source-table", value = q(&t)));
                                ok = false;
                                None
                            }
                        }
                    }
                    ("format", Value::String(f)) => {
                        s.format = match f.to_lowercase().as_str() {
                            "rfc3339" => Some(DateFormat::Rfc3339),
                            "dd/mm/yyyy" => Some(DateFormat::DdMmYyyy),
                            "yyyy-mm-dd hh:mm:ss" => Some(DateFormat::WibDateTime),
                            _ => {
                                ctx.problem(&kk, msg!("config-source-format", value = q(&f)));
                                ok = false;
                                None
                            }
                        }
                    }
                    (other, _)
                        if ["path", "join", "sep", "value", "default", "table", "format"]
                            .contains(&other) =>
                    {
                        ctx.problem(&kk, msg!("config-source-key-type"));
                        ok = false;
                    }
                    _ => {
                        ctx.problem(&kk, msg!("config-source-unknown-key"));
                        ok = false;
                    }
                }
            }
        }
        other => {
            let shown = if other.is_number() || other.is_boolean() {
                Text::Verbatim(other.to_string())
            } else {
                msg!("config-source-this")
            };
            ctx.problem(key, msg!("config-source-invalid", value = shown));
            return None;
        }
    }
    for (i, p) in s.paths.iter().enumerate() {
        if let Err(m) = rule.check(p) {
            let pk = if s.paths.len() == 1 {
                join(key, &[])
            } else {
                join(key, &["join", &i.to_string()])
            };
            ctx.problem(&pk, m);
            ok = false;
        }
    }
    if s.paths.is_empty() && s.value.is_none() && ok {
        ctx.problem(key, msg!("config-source-empty"));
        ok = false;
    }
    if !s.paths.is_empty() && s.value.is_some() {
        ctx.problem(key, msg!("config-source-both"));
        ok = false;
    }
    ok.then_some(s)
}
