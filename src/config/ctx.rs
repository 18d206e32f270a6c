//! Deserializing while collecting every error instead of stopping at the first: the
//! [`Ctx`] every section's validation records its problems in, with their key paths.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::problem::{ConfigErrors, ConfigProblem};
use super::text::{msg, Text, ToArg};

/// A key path as its segments.
pub(crate) type KeyPath = Vec<String>;

/// Formats a key path as dotted text; segments that are not bare TOML keys are quoted:
/// `channels.sambat.mapping.kategori."Jalan Rusak"`.
pub(crate) fn dotted(path: &[String]) -> String {
    path.iter()
        .map(|s| {
            let bare = !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if bare {
                s.clone()
            } else {
                format!("{s:?}")
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

pub(crate) fn join(prefix: &[String], rest: &[&str]) -> KeyPath {
    prefix
        .iter()
        .cloned()
        .chain(rest.iter().map(|s| (*s).to_owned()))
        .collect()
}

/// Collects problems during loading.
pub(crate) struct Ctx {
    problems: Vec<ConfigProblem>,
    /// Keys that had a type error or were unknown and were removed before validation.
    errored: Vec<KeyPath>,
    /// Keys set by environment overrides, with the variable that set them.
    env_keys: BTreeMap<KeyPath, String>,
}

impl Ctx {
    pub(crate) fn new(env_keys: BTreeMap<KeyPath, String>) -> Self {
        Self {
            problems: Vec::new(),
            errored: Vec::new(),
            env_keys,
        }
    }

    /// The environment variable that set `key`, if an override did.
    pub(crate) fn env_var(&self, key: &[String]) -> Option<&str> {
        self.env_keys.get(key).map(String::as_str)
    }

    /// Source keys of the secret table at `key` that came from the environment.
    pub(crate) fn env_children(&self, key: &[String]) -> Vec<&str> {
        self.env_keys
            .keys()
            .filter(|k| k.len() == key.len() + 1 && k.starts_with(key))
            .map(|k| k[key.len()].as_str())
            .collect()
    }

    /// Records a problem with a value at `key`.
    pub(crate) fn problem(&mut self, key: &[String], text: impl Into<Text>) {
        let mut problem = ConfigProblem::new(dotted(key), text);
        if let Some(var) = self.env_var(key) {
            problem = problem.set_by_env(var);
        }
        self.problems.push(problem);
    }

    /// Records a problem that made serde drop the key: later "missing" reports for it, its
    /// parents and children are suppressed.
    fn type_problem(&mut self, key: &[String], message: Text) {
        self.errored.push(key.to_vec());
        self.problem(key, message);
    }

    /// Records a missing required key unless a related key already had a type error.
    pub(crate) fn missing(&mut self, key: &[String], message: impl Into<Text>) {
        let related = self
            .errored
            .iter()
            .any(|e| e.starts_with(key) || key.starts_with(e));
        if !related {
            self.problem(key, message);
        }
    }

    pub(crate) fn problem_count(&self) -> usize {
        self.problems.len()
    }

    pub(crate) fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// The problems recorded so far, as `key: message` lines.
    pub(crate) fn into_problem_lines(self) -> Vec<String> {
        self.into_errors()
            .problems
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    pub(crate) fn into_errors(self) -> ConfigErrors {
        let mut problems = self.problems;
        problems.sort_by(|a, b| a.key.cmp(&b.key));
        problems.dedup();
        ConfigErrors { problems }
    }

    /// Deserializes `value` (the subtree at `prefix`) into `T`, recording every error with its
    /// full key path: after each error the offending key is removed and deserialization is
    /// retried. Environment overrides are strings; one that fails as a string is retried as a
    /// number or boolean before it is reported.
    pub(crate) fn deserialize<T: DeserializeOwned>(
        &mut self,
        mut value: Value,
        prefix: &[String],
    ) -> Option<T> {
        let mut coerced: BTreeSet<KeyPath> = BTreeSet::new();
        for _ in 0..500 {
            let err = match serde_path_to_error::deserialize::<_, T>(&value) {
                Ok(t) => return Some(t),
                Err(err) => err,
            };
            let mut rel: KeyPath = Vec::new();
            let mut known_path = true;
            for seg in err.path().iter() {
                match seg {
                    serde_path_to_error::Segment::Map { key } => rel.push(key.clone()),
                    serde_path_to_error::Segment::Seq { index } => rel.push(index.to_string()),
                    serde_path_to_error::Segment::Enum { variant } => rel.push(variant.clone()),
                    serde_path_to_error::Segment::Unknown => known_path = false,
                }
            }
            let raw = err.inner().to_string();
            if let Some(field) = unknown_field_name(&raw) {
                if rel.last().map(String::as_str) != Some(field.as_str()) {
                    rel.push(field);
                }
            }
            let full = join(prefix, &rel.iter().map(String::as_str).collect::<Vec<_>>());
            if raw.starts_with("invalid type: string")
                && self.env_var(&full).is_some()
                && coerced.insert(rel.clone())
            {
                if let Some(slot) = get_mut(&mut value, &rel) {
                    if let Some(new) = coerce_env_string(slot) {
                        *slot = new;
                        continue;
                    }
                }
            }
            self.type_problem(&full, humanise(&raw));
            if !known_path || rel.is_empty() || !remove(&mut value, &rel) {
                return None;
            }
        }
        None
    }
}

fn unknown_field_name(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    Some(rest[..rest.find('`')?].to_owned())
}

/// Rewords serde's messages for operators, as catalog messages: an unknown key with the
/// closest known one, and serde's `invalid type: <found>, expected <what>` with both halves
/// translated where serde's wording is known (anything else is shown as serde wrote it).
fn humanise(raw: &str) -> Text {
    if let Some(field) = unknown_field_name(raw) {
        let expected: Vec<&str> = raw
            .split_once("expected")
            .map(|(_, tail)| tail.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        if expected.is_empty() {
            return msg!("config-unknown-key-none");
        }
        let list = expected.join(", ");
        return match closest(&field, &expected) {
            Some(best) => msg!("config-unknown-key-suggest", best = best, expected = list),
            None => msg!("config-unknown-key", expected = list),
        };
    }
    if raw.contains("expected struct Raw") {
        return msg!("config-wrong-type-table");
    }
    for (prefix, invalid_type) in [("invalid type: ", true), ("invalid value: ", false)] {
        let Some(rest) = raw.strip_prefix(prefix) else {
            continue;
        };
        let Some((found, expected)) = rest.rsplit_once(", expected ") else {
            continue;
        };
        let (found, expected) = (found_text(found), expected_text(expected));
        return if invalid_type {
            msg!("config-wrong-type", found = found, expected = expected)
        } else {
            msg!("config-invalid-value", found = found, expected = expected)
        };
    }
    Text::Verbatim(raw.to_owned())
}

/// serde's description of the value it found: `string "abc"`, `integer `5``, `map`, …
fn found_text(found: &str) -> Text {
    for (kind, id) in [
        ("string ", "config-found-string"),
        ("integer ", "config-found-integer"),
        ("floating point ", "config-found-float"),
        ("boolean ", "config-found-boolean"),
    ] {
        if let Some(value) = found.strip_prefix(kind) {
            return Text::message(id, vec![("value", ToArg::to_arg(value))]);
        }
    }
    match found {
        "map" => msg!("config-found-map"),
        "sequence" => msg!("config-found-sequence"),
        "null" | "unit value" => msg!("config-found-null"),
        other => Text::Verbatim(other.to_owned()),
    }
}

/// serde's description of what it expected (`u64`, `a string`, …) in the operators' words.
fn expected_text(expected: &str) -> Text {
    match expected {
        "u64" => msg!("config-expected-u64"),
        "u32" => msg!("config-expected-u32"),
        "i64" => msg!("config-expected-i64"),
        "a string" => msg!("config-expected-string"),
        "a map" => msg!("config-expected-map"),
        "a boolean" => msg!("config-expected-boolean"),
        "a sequence" => msg!("config-expected-sequence"),
        other => Text::Verbatim(other.to_owned()),
    }
}

/// The candidate at edit distance ≤ 2 from `word`, if any.
fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(word, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn get_mut<'v>(value: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, seg| match v {
        Value::Object(m) => m.get_mut(seg),
        Value::Array(a) => a.get_mut(seg.parse::<usize>().ok()?),
        _ => None,
    })
}

fn remove(value: &mut Value, path: &[String]) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    match get_mut(value, parent) {
        Some(Value::Object(m)) => m.remove(last).is_some(),
        Some(Value::Array(a)) => match last.parse::<usize>() {
            Ok(i) if i < a.len() => {
                a.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

fn coerce_env_string(v: &Value) -> Option<Value> {
    let s = v.as_str()?.trim();
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::from(i));
    }
    if let Ok(u) = s.parse::<u64>() {
        return Some(Value::from(u));
    }
    if let Ok(b) = s.to_ascii_lowercase().parse::<bool>() {
        return Some(Value::from(b));
    }
    if let Ok(f) = s.parse::<f64>() {
        return serde_json::Number::from_f64(f).map(Value::Number);
    }
    None
}

/// A key path from the root, e.g. `k(&["lapor", "base_url"])`.
pub(crate) fn k(parts: &[&str]) -> KeyPath {
    join(&[], parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_quotes_keys_that_are_not_bare() {
        let p = vec!["channels".into(), "sambat".into(), "Jalan Rusak".into()];
        assert_eq!(dotted(&p), r#"channels.sambat."Jalan Rusak""#);
    }

    #[test]
    fn suggests_the_closest_key() {
        let m =
            humanise("unknown field `bse_url`, expected one of `base_url`, `client_id`").english();
        assert!(m.contains("did you mean `base_url`"), "{m}");
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
