//! What is wrong with a configuration: each problem with the dotted key path it is about.

use std::fmt;

use super::text::Text;
use crate::i18n::Lang;

/// One thing wrong with the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Dotted path of the key, e.g. `lapor.rate_limit.per_minute` or
    /// `channels.sambat.mapping.kategori."Jalan Rusak"`; for problems with the file as a whole
    /// (unreadable, TOML syntax) the file's path.
    pub key: String,
    /// What was expected and how to fix it, in English (what logs carry). Never contains a
    /// secret.
    pub message: String,
    /// The same text as a catalog message, for [`ConfigProblem::text`].
    text: Text,
    /// The environment variable that set the key, when an override did.
    env_var: Option<String>,
}

impl ConfigProblem {
    /// A problem whose text is a catalog message (`msg!(…)`) or, from a `String`, verbatim.
    pub fn new(key: impl Into<String>, text: impl Into<Text>) -> Self {
        let text = text.into();
        Self {
            key: key.into(),
            message: text.english(),
            text,
            env_var: None,
        }
    }

    /// The problem names `var`, the environment variable that set its key.
    pub(crate) fn set_by_env(mut self, var: &str) -> Self {
        self.env_var = Some(var.to_owned());
        self.message = self.text(Lang::English);
        self
    }

    /// What is wrong, in `lang` (the key path is never translated).
    pub fn text(&self, lang: Lang) -> String {
        let mut out = self.text.render(lang);
        if let Some(var) = &self.env_var {
            out.push_str(&crate::t!(lang, "config-set-by-env", var = var.as_str()));
        }
        out
    }

    /// `<key>: <text>` in `lang`.
    pub fn line(&self, lang: Lang) -> String {
        format!("{}: {}", self.key, self.text(lang))
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// Every problem found in a configuration; `Display` lists them one per line as
/// `<key>: <message>`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", list_problems(.problems))]
pub struct ConfigErrors {
    pub problems: Vec<ConfigProblem>,
}

fn list_problems(problems: &[ConfigProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl ConfigErrors {
    /// The problems one per line as `<key>: <text>` in `lang`.
    pub fn lines(&self, lang: Lang) -> String {
        self.problems
            .iter()
            .map(|p| p.line(lang))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The key paths of the problems, in order.
    pub fn keys(&self) -> Vec<&str> {
        self.problems.iter().map(|p| p.key.as_str()).collect()
    }

    /// The first problem reported for `key`, if any.
    pub fn get(&self, key: &str) -> Option<&ConfigProblem> {
        self.problems.iter().find(|p| p.key == key)
    }
}
