//! Text templates of write-backs: `{name}` placeholders, `{{` and `}}` for literal braces.
//! Names are checked when the configuration loads, so a typo is a config error, not a
//! citizen reading "{tanggapn}".

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Var(String),
}

/// Why a template does not parse; `E` is what `allowed` says about a placeholder name. The
/// configuration turns it into a problem text in the operator's language; `Display` is the
/// English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError<E> {
    /// `{name` with no closing brace.
    Unclosed(String),
    /// A `}` with no opening brace.
    LoneBrace,
    /// A placeholder `allowed` refused.
    Placeholder(String, E),
}

impl<E: fmt::Display> fmt::Display for TemplateError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Unclosed(name) => {
                write!(
                    f,
                    "unclosed placeholder {{{name}; write {{{{ for a literal brace"
                )
            }
            TemplateError::LoneBrace => f.write_str("a lone }; write }} for a literal brace"),
            TemplateError::Placeholder(name, why) => write!(f, "placeholder {{{name}}}: {why}"),
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Template({:?})", self.source)
    }
}

impl Template {
    /// Parses `source`; `allowed` says whether a placeholder name exists, returning why not.
    pub fn parse<E>(
        source: &str,
        allowed: impl Fn(&str) -> Result<(), E>,
    ) -> Result<Self, TemplateError<E>> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = source.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => name.push(c),
                            None => return Err(TemplateError::Unclosed(name)),
                        }
                    }
                    let name = name.trim().to_owned();
                    if let Err(why) = allowed(&name) {
                        return Err(TemplateError::Placeholder(name, why));
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Var(name));
                }
                '}' => return Err(TemplateError::LoneBrace),
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template {
            source: source.to_owned(),
            parts,
        })
    }

    /// Fills the placeholders; one the lookup does not know becomes empty text.
    pub fn render(&self, lookup: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Var(v) => out.push_str(&lookup(v).unwrap_or_default()),
            }
        }
        out
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The placeholder names, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(v) => Some(v.as_str()),
            Part::Text(_) => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(_: &str) -> Result<(), String> {
        Ok(())
    }

    #[test]
    fn fills_placeholders_and_keeps_escaped_braces() {
        let t = Template::parse("{{x}} {tanggapan} — {oleh}", any).unwrap();
        let out = t.render(|n| Some(n.to_uppercase()));
        assert_eq!(out, "{x} TANGGAPAN — OLEH");
    }

    #[test]
    fn unknown_and_unclosed_placeholders_are_errors() {
        let only_a = |n: &str| {
            if n == "a" {
                Ok(())
            } else {
                Err("unknown".to_string())
            }
        };
        assert!(Template::parse("{a}", only_a).is_ok());
        assert_eq!(
            Template::parse("{b}", only_a).unwrap_err().to_string(),
            "placeholder {b}: unknown"
        );
        assert!(Template::parse("{a", only_a).is_err());
        assert!(Template::parse("a}", only_a).is_err());
    }
}
