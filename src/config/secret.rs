//! Where a secret comes from, and reading it. Values are held as [`SecretString`] and never
//! appear in `Debug` output, problem messages or summaries; only the source (environment
//! variable name, file path, credential name) is ever named.

use std::fmt;
use std::path::{Path, PathBuf};

use super::text::{msg, q, Text};
use secrecy::SecretString;
use serde_json::Value;

/// The four ways a secret can be given in the configuration:
/// `{ env = "VAR" }`, `{ file = "/path" }`, `{ credential = "name" }` or `{ value = "..." }`.
#[derive(Clone)]
pub enum SecretSource {
    /// An environment variable of the daemon's process.
    Env(String),
    /// A file; a relative path is relative to the configuration file's directory.
    File(PathBuf),
    /// A systemd credential (`LoadCredential=`): `$CREDENTIALS_DIRECTORY/<name>`.
    Credential(String),
    /// Inline in the configuration (demos and tests).
    Value(SecretString),
}

/// The source keys a secret table may use.
pub const SECRET_SOURCE_KEYS: [&str; 4] = ["env", "file", "credential", "value"];

/// The four shapes, as problem texts list them.
fn shapes() -> Text {
    msg!("config-secret-shapes")
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Env(v) => f.debug_tuple("Env").field(v).finish(),
            SecretSource::File(p) => f.debug_tuple("File").field(p).finish(),
            SecretSource::Credential(n) => f.debug_tuple("Credential").field(n).finish(),
            SecretSource::Value(_) => f.write_str("Value(<redacted>)"),
        }
    }
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&describe_secret_source(self))
    }
}

/// A human description of where a secret comes from, never the secret itself:
/// `environment variable LAPOR_SECRET`, `file /etc/lapor-bridge/secret`,
/// `systemd credential lapor-client-secret`, `inline value`.
pub fn describe_secret_source(source: &SecretSource) -> String {
    match source {
        SecretSource::Env(v) => format!("environment variable {v}"),
        SecretSource::File(p) => format!("file {}", p.display()),
        SecretSource::Credential(n) => format!("systemd credential {n}"),
        SecretSource::Value(_) => "inline value".to_owned(),
    }
}

impl SecretSource {
    /// Reads the secret. `base_dir` resolves relative `file` paths; `env` is the environment
    /// the daemon runs with (`CREDENTIALS_DIRECTORY` and `env` sources are looked up in it).
    /// Errors name the source, never a value.
    pub fn resolve(&self, base_dir: &Path, env: &[(String, String)]) -> Result<SecretString, Text> {
        let lookup = |name: &str| {
            env.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let text = match self {
            SecretSource::Value(v) => return Ok(v.clone()),
            SecretSource::Env(var) => match lookup(var) {
                Some(v) => v.to_owned(),
                None => return Err(msg!("config-secret-env-unset", var = var)),
            },
            SecretSource::File(p) => {
                let path = if p.is_relative() {
                    base_dir.join(p)
                } else {
                    p.clone()
                };
                read_secret_file(&path)?
            }
            SecretSource::Credential(name) => {
                let Some(dir) = lookup("CREDENTIALS_DIRECTORY").filter(|d| !d.is_empty()) else {
                    return Err(msg!("config-secret-no-credentials-dir", name = name));
                };
                read_secret_file(&Path::new(dir).join(name))
                    .map_err(|e| msg!("config-secret-credential", name = name, error = e))?
            }
        };
        if text.trim().is_empty() {
            return Err(msg!("config-secret-empty", source = source_text(self)));
        }
        Ok(SecretString::from(text))
    }
}

/// [`describe_secret_source`] in the operator's language.
fn source_text(source: &SecretSource) -> Text {
    match source {
        SecretSource::Env(v) => msg!("config-secret-source-env", var = v),
        SecretSource::File(p) => msg!("config-secret-source-file", path = p.display()),
        SecretSource::Credential(n) => msg!("config-secret-source-credential", name = n),
        SecretSource::Value(_) => msg!("config-secret-source-value"),
    }
}

fn read_secret_file(path: &Path) -> Result<String, Text> {
    match std::fs::read_to_string(path) {
        Ok(mut s) => {
            while s.ends_with('\n') || s.ends_with('\r') {
                s.pop();
            }
            Ok(s)
        }
        Err(e) => Err(msg!(
            "config-secret-file-unreadable",
            path = path.display(),
            error = e
        )),
    }
}

/// Parses a secret table from the merged configuration. `env_keys` are the source keys of the
/// table that were set by `LAPOR_BRIDGE__…` environment overrides: when both the file and the
/// environment give a source, the environment's wins. Messages never contain the value.
pub(crate) fn parse_secret_source(
    value: &Value,
    env_keys: &[&str],
) -> Result<SecretSource, Vec<(Option<String>, Text)>> {
    let Value::Object(map) = value else {
        let what = match value {
            Value::String(_) => msg!("config-secret-found-string"),
            Value::Number(_) => msg!("config-secret-found-number"),
            Value::Bool(_) => msg!("config-secret-found-boolean"),
            Value::Array(_) => msg!("config-secret-found-array"),
            _ => msg!("config-secret-found-other"),
        };
        return Err(vec![(
            None,
            msg!("config-secret-not-table", shapes = shapes(), found = what),
        )]);
    };
    let mut problems = Vec::new();
    let mut given: Vec<(&str, &str)> = Vec::new();
    for (k, v) in map {
        if !SECRET_SOURCE_KEYS.contains(&k.as_str()) {
            problems.push((
                Some(k.clone()),
                msg!("config-secret-unknown-key", shapes = shapes()),
            ));
            continue;
        }
        match v {
            Value::String(s) => given.push((k.as_str(), s.as_str())),
            _ => problems.push((Some(k.clone()), msg!("config-secret-not-string"))),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if given.len() > 1 {
        let from_env: Vec<_> = given
            .iter()
            .copied()
            .filter(|(k, _)| env_keys.contains(k))
            .collect();
        if !from_env.is_empty() {
            given = from_env;
        }
    }
    match given.as_slice() {
        [] => Err(vec![(None, msg!("config-secret-none", shapes = shapes()))]),
        [(k, v)] => {
            let v = *v;
            match *k {
                "value" => {
                    if v.is_empty() {
                        Err(vec![(Some("value".into()), msg!("config-empty"))])
                    } else {
                        Ok(SecretSource::Value(SecretString::from(v)))
                    }
                }
                "env" if v.is_empty() => {
                    Err(vec![(Some("env".into()), msg!("config-secret-env-empty"))])
                }
                "env" => Ok(SecretSource::Env(v.to_owned())),
                "file" if v.is_empty() => Err(vec![(
                    Some("file".into()),
                    msg!("config-secret-path-empty"),
                )]),
                "file" => Ok(SecretSource::File(PathBuf::from(v))),
                _ => {
                    if v.is_empty() || v.contains('/') || v == "." || v == ".." {
                        Err(vec![(
                            Some("credential".into()),
                            msg!("config-secret-credential-name", value = q(v)),
                        )])
                    } else {
                        Ok(SecretSource::Credential(v.to_owned()))
                    }
                }
            }
        }
        several => {
            let keys: Vec<_> = several.iter().map(|(k, _)| *k).collect();
            Err(vec![(
                None,
                msg!("config-secret-several", keys = keys.join(", ")),
            )])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use serde_json::json;

    #[test]
    fn debug_and_display_never_show_inline_values() {
        let s = parse_secret_source(&json!({"value": "sangat-rahasia"}), &[]).unwrap();
        assert!(!format!("{s:?}").contains("sangat-rahasia"));
        assert!(!s.to_string().contains("sangat-rahasia"));
        assert_eq!(describe_secret_source(&s), "inline value");
    }

    #[test]
    fn bare_strings_are_rejected_without_echoing_them() {
        let err = parse_secret_source(&json!("sangat-rahasia"), &[]).unwrap_err();
        assert!(!format!("{err:?}").contains("sangat-rahasia"));
        let err = parse_secret_source(&json!({"value": 123456}), &[]).unwrap_err();
        assert!(!format!("{err:?}").contains("123456"));
    }

    #[test]
    fn one_source_exactly_unless_the_environment_overrides() {
        assert!(parse_secret_source(&json!({}), &[]).is_err());
        assert!(parse_secret_source(&json!({"env": "A", "file": "/x"}), &[]).is_err());
        let s = parse_secret_source(&json!({"env": "A", "credential": "c"}), &["env"]).unwrap();
        assert!(matches!(s, SecretSource::Env(ref v) if v == "A"));
        assert!(parse_secret_source(&json!({"credential": "../x"}), &[]).is_err());
        assert!(parse_secret_source(&json!({"vaule": "x"}), &[]).is_err());
    }

    #[test]
    fn resolves_env_file_and_credentials() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.txt"), "dari-file\n").unwrap();
        std::fs::write(dir.path().join("cred"), "dari-kredensial\r\n").unwrap();
        let env = vec![
            ("MY_SECRET".to_owned(), "dari-env".to_owned()),
            (
                "CREDENTIALS_DIRECTORY".to_owned(),
                dir.path().display().to_string(),
            ),
        ];
        let r = |s: SecretSource| {
            s.resolve(dir.path(), &env)
                .map(|v| v.expose_secret().to_owned())
        };
        assert_eq!(
            r(SecretSource::Env("MY_SECRET".into())).unwrap(),
            "dari-env"
        );
        assert_eq!(r(SecretSource::File("s.txt".into())).unwrap(), "dari-file");
        assert_eq!(
            r(SecretSource::Credential("cred".into())).unwrap(),
            "dari-kredensial"
        );
        let r = |s: SecretSource| r(s).map_err(|e| e.english());
        let e = r(SecretSource::Env("NOPE".into())).unwrap_err();
        assert!(e.contains("NOPE"));
        let e = r(SecretSource::File("missing.txt".into())).unwrap_err();
        assert!(e.contains("missing.txt"));
        let e = SecretSource::Credential("cred".into())
            .resolve(dir.path(), &[])
            .unwrap_err()
            .english();
        assert!(e.contains("CREDENTIALS_DIRECTORY"));
    }
}
