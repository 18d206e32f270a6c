//! A configuration problem's text as a catalog message (`locales/<lang>/config.ftl`) and its
//! arguments, rendered in a language only when shown: the English catalog holds the English
//! text, so logs (English) and `check-config` (the operator's language) say the same thing.
//!
//! Build one with [`msg!`](crate::config::msg): `msg!("config-out-of-range", value = v,
//! min = 1, max = 600)`. Arguments are written as the operator wrote them in the file (no
//! thousands separators: `4294967295` is a value to type back, not a figure to read).

use std::fmt;

use crate::i18n::{self, FluentArgs, FluentValue, Lang};

/// One argument of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Text as given: key names, values from the file (already quoted when the message quotes
    /// them), paths, numbers to be typed back.
    Text(String),
    /// Another message, rendered in the same language (serde's "found" and "expected").
    Nested(Box<Text>),
}

/// What a value passed to [`msg!`](crate::config::msg) becomes.
pub trait ToArg {
    fn to_arg(&self) -> Arg;
}

impl<T: fmt::Display + ?Sized> ToArg for T {
    fn to_arg(&self) -> Arg {
        Arg::Text(self.to_string())
    }
}

impl ToArg for Text {
    fn to_arg(&self) -> Arg {
        Arg::Nested(Box::new(self.clone()))
    }
}

/// A problem's text: a catalog message with its arguments, or (for texts that come from a
/// library, such as the toml crate's syntax errors) text shown as it is in every language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    Message {
        id: &'static str,
        args: Vec<(&'static str, Arg)>,
    },
    Verbatim(String),
}

impl Text {
    pub fn message(id: &'static str, args: Vec<(&'static str, Arg)>) -> Text {
        Text::Message { id, args }
    }

    /// The text in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Text::Verbatim(s) => s.clone(),
            Text::Message { id, args } => {
                let mut fa = FluentArgs::new();
                for (name, value) in args {
                    match value {
                        Arg::Text(s) => fa.set(*name, FluentValue::from(s.clone())),
                        Arg::Nested(t) => fa.set(*name, FluentValue::from(t.render(lang))),
                    }
                }
                i18n::message(lang, id, Some(&fa))
            }
        }
    }

    /// The English text: what logs and `ConfigProblem::message` carry.
    pub fn english(&self) -> String {
        self.render(Lang::English)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::Verbatim(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::Verbatim(s.to_owned())
    }
}

/// A value from the file, quoted as Rust's `{:?}` writes it (`"Jalan Rusak"`): how problem
/// texts show values, so that spaces and empty strings are visible.
pub fn q(value: impl fmt::Debug) -> String {
    format!("{value:?}")
}

/// `msg!("config-id")` or `msg!("config-id", name = value, …)`: a [`Text`] from the catalogs.
/// Values are anything `Display` (kept as text) or another [`Text`]. Always a literal id: a test
/// reads every `msg!(` in the sources and renders it in both languages.
macro_rules! msg {
    ($id:literal $(,)?) => {
        $crate::config::text::Text::message($id, Vec::new())
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::config::text::Text::message(
            $id,
            vec![$((stringify!($name), $crate::config::text::ToArg::to_arg(&$value))),+],
        )
    };
}
pub(crate) use msg;

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
