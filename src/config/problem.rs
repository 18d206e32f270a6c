//! What is wrong with a configuration: each problem with the dotted key path it is about.

use std::fmt;

/// One thing wrong with the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Dotted path of the key, e.g. `lapor.rate_limit.per_minute` or
    /// `channels.sambat.mapping.kategori."Jalan Rusak"`; for problems with the file as a whole
    /// (unreadable, TOML syntax) the file's path.
    pub key: String,
    /// What was expected and how to fix it. Never contains a secret.
    pub message: String,
}

impl ConfigProblem {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
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
    /// The key paths of the problems, in order.
    pub fn keys(&self) -> Vec<&str> {
        self.problems.iter().map(|p| p.key.as_str()).collect()
    }

    /// The first problem reported for `key`, if any.
    pub fn get(&self, key: &str) -> Option<&ConfigProblem> {
        self.problems.iter().find(|p| p.key == key)
    }
}
