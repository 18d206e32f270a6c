//! Dry run: intake and mapping as in production, nothing sent to LAPOR! and nothing written
//! back to a channel; every would-be request is validated and its verdict recorded.
//!
//! - In the daemon (`mode = "dry-run"` or `run --dry-run`), the forwarder turns each claimed
//!   record into a [`verdict::Verdict`] instead of a request ([`crate::store::Outcome::DryRun`]);
//!   the store keeps one verdict row per check and marks the record `dry_run_checked`. An
//!   edit on the channel queues it again (intake requeues any checked record whose content
//!   changed), and so does every start, since the configuration may have changed.
//! - [`check_records`] is the one-shot check of sample records (`lapor-bridge dry-run`).
//! - [`schema`]: the create body as JSON Schema; [`verdict`]: every check of a payload;
//!   [`compare`]: field-level diff of two payloads; [`input`]: sample files.
//!
//! A new channel kind plugs in through [`crate::channel::ChannelMapper`]: its `map`,
//! `identify`, `ignored_by` and `input_format`.

pub mod compare;
pub mod input;
pub mod schema;
pub mod verdict;

use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;

use crate::channel::Mappers;
use crate::config::{Config, Mode};
use crate::domain::{ChannelName, FieldProblem, RecordKey};
use crate::mapping::ReferenceIds;
use crate::store::dry_run::mode_name;
use crate::store::{Store, StoreError};
use input::InputFormat;
use verdict::{judge_mapped, Verdict};

/// Refuses a store first used in the other mode, records the mode on first use, and in dry
/// run queues every record to be checked again under the current configuration.
pub fn prepare_store(store: &Store, cfg: &Config) -> Result<(), String> {
    let path = &cfg.store;
    let found = store.claim_mode(cfg.mode).map_err(|e| e.to_string())?;
    if let Err(found) = found {
        return Err(match found {
            Mode::DryRun => format!(
                "store {path} is a dry-run store (its records were validated, never sent); a \
                 live bridge refuses it. Give the live bridge its own store.path (a new file or \
                 the live store), or run this store with mode = \"dry-run\" / --dry-run"
            ),
            Mode::Live => format!(
                "store {path} is a live store; a dry run refuses it so that live records are \
                 never mixed with dry-run verdicts. Give the dry run its own store.path (e.g. \
                 LAPOR_BRIDGE__STORE__PATH=/var/lib/lapor-bridge/dry-run.db), or run this store \
                 with mode = \"live\""
            ),
        });
    }
    if cfg.mode == Mode::DryRun {
        let n = store
            .dry_run_requeue_all(Timestamp::now())
            .map_err(|e: StoreError| e.to_string())?;
        if n > 0 {
            tracing::info!(records = n, "dry run: records queued to be checked again");
        }
    }
    Ok(())
}

/// The store mode as a word: `live`, `dry-run`.
pub fn mode_label(mode: Mode) -> &'static str {
    mode_name(mode)
}

/// One sample record and its verdict.
#[derive(Clone, Debug, Serialize)]
pub struct CheckedRecord {
    /// 1-based position in the input.
    pub index: usize,
    /// The line a CSV row starts on (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// `channel:local id`, when the record has a usable id.
    pub key: Option<String>,
    /// Why intake would ignore the record (it fails one of the channel's filters): the
    /// daemon acknowledges it and forwards nothing, so it is neither valid nor invalid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
    #[serde(flatten)]
    pub verdict: Verdict,
}

impl CheckedRecord {
    /// `valid`, `invalid` or `ignored`.
    pub fn label(&self) -> &'static str {
        if self.ignored.is_some() {
            "ignored"
        } else {
            self.verdict.label()
        }
    }

    /// Whether the daemon would hold or refuse the record.
    pub fn is_invalid(&self) -> bool {
        self.ignored.is_none() && !self.verdict.valid
    }
}

/// One sample as read from the input: its record, or why intake could not read it (a
/// malformed CSV row), with the line it starts on for CSV input.
#[derive(Clone, Debug)]
pub struct Sample {
    pub line: Option<u64>,
    pub raw: Result<Value, String>,
}

/// Maps and validates sample records of `channel` as the daemon would.
pub fn check_records(
    mappers: &Mappers,
    channel: &ChannelName,
    records: &[Value],
    reference: &ReferenceIds,
    now: Timestamp,
) -> Vec<CheckedRecord> {
    let samples: Vec<Sample> = records
        .iter()
        .map(|r| Sample {
            line: None,
            raw: Ok(r.clone()),
        })
        .collect();
    check_samples(mappers, channel, &samples, reference, now)
}

/// Takes samples of `channel` through the daemon's intake steps (identity, filters, for CSV
/// the first of two rows with the same identity, data minimisation), then maps and validates
/// each as the forwarder would.
pub fn check_samples(
    mappers: &Mappers,
    channel: &ChannelName,
    samples: &[Sample],
    reference: &ReferenceIds,
    now: Timestamp,
) -> Vec<CheckedRecord> {
    let mapper = mappers.get(channel);
    let csv = mapper.is_some_and(|m| m.input_format() == InputFormat::Csv);
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let refused =
        |i: usize, line: Option<u64>, key: Option<String>, p: FieldProblem| CheckedRecord {
            index: i + 1,
            line,
            key,
            ignored: None,
            verdict: judge_mapped(Err(vec![p]), reference, now),
        };
    samples
        .iter()
        .enumerate()
        .map(|(i, sample)| {
            let line = sample.line;
            let raw = match &sample.raw {
                Ok(raw) => raw,
                Err(why) => return refused(i, line, None, FieldProblem::new("row", why.clone())),
            };
            let local_id = match mapper.map(|m| m.identify(raw)) {
                Some(Ok(id)) => id,
                Some(Err(p)) => return refused(i, line, None, p),
                None => {
                    let p = FieldProblem::new("channel", format!("channel {channel} is not configured"));
                    return refused(i, line, None, p);
                }
            };
            let key = RecordKey::new(channel.clone(), local_id.clone());
            if csv {
                let here = line.map_or_else(|| format!("record {}", i + 1), |l| format!("line {l}"));
                if let Some(first) = seen.get(&local_id) {
                    let p = FieldProblem::new(
                        "id",
                        format!("the same row (id columns and reporter) as {first}; only the first is taken"),
                    );
                    return refused(i, line, Some(key.to_string()), p);
                }
                seen.insert(local_id, here);
            }
            if let Some((path, prefix)) = mapper.and_then(|m| m.ignored_by(raw)) {
                return CheckedRecord {
                    index: i + 1,
                    line,
                    key: Some(key.to_string()),
                    ignored: Some(format!(
                        "{path} does not start with {prefix:?}: not a complaint for SP4N-LAPOR!; the bridge acknowledges it and forwards nothing"
                    )),
                    verdict: Verdict {
                        valid: true,
                        payload: None,
                        reasons: Vec::new(),
                        notes: Vec::new(),
                    },
                };
            }
            let mut raw = raw.clone();
            if let Some(m) = mapper {
                m.minimise(&mut raw);
            }
            let mapped = mappers.map(&key, &raw, reference, now);
            CheckedRecord {
                index: i + 1,
                line,
                key: Some(key.to_string()),
                ignored: None,
                verdict: judge_mapped(mapped, reference, now),
            }
        })
        .collect()
}

/// Loads a configuration for checking mappings only: every secret source is replaced by a
/// placeholder first, so the check runs in CI or a shell without the service's credentials.
/// Nothing is connected to with this configuration.
pub fn load_config_for_check(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the configuration file {}: {e}", path.display()))?;
    let mut table: toml::Table =
        toml::from_str(&text).map_err(|e| format!("{} is not valid TOML: {e}", path.display()))?;
    neutralise_secrets(&mut table);
    let text = toml::to_string(&table).map_err(|e| e.to_string())?;
    let base_dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let env: Vec<(String, String)> = crate::config::process_env()
        .into_iter()
        .map(|(k, v)| {
            let prefix = format!(
                "{}{}",
                crate::config::ENV_PREFIX,
                crate::config::ENV_SEPARATOR
            );
            if !k.starts_with(&prefix) {
                return (k, v);
            }
            for src in ["ENV", "FILE", "CREDENTIAL"] {
                if let Some(base) =
                    k.strip_suffix(&format!("{}{src}", crate::config::ENV_SEPARATOR))
                {
                    return (
                        format!("{base}{}VALUE", crate::config::ENV_SEPARATOR),
                        PLACEHOLDER.to_owned(),
                    );
                }
            }
            (k, v)
        })
        .collect();
    crate::config::load_from_str_in(&text, &base_dir, &env)
        .map_err(|e| crate::config::problem_report(path, &e))
}

const PLACEHOLDER: &str = "unused-by-dry-run-check";

fn neutralise_secrets(table: &mut toml::Table) {
    for (_, v) in table.iter_mut() {
        if let toml::Value::Table(t) = v {
            let is_secret = t.len() == 1
                && t.iter().all(|(k, v)| {
                    crate::config::SECRET_SOURCE_KEYS.contains(&k.as_str()) && v.is_str()
                });
            if is_secret {
                *t = toml::Table::from_iter([(
                    "value".to_owned(),
                    toml::Value::String(PLACEHOLDER.to_owned()),
                )]);
            } else {
                neutralise_secrets(t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_sources_are_replaced_and_tables_kept() {
        let mut t: toml::Table = toml::from_str(
            r#"
            [lapor]
            client_secret = { credential = "lapor-secret" }
            [channels.sambat]
            api_key = { env = "SAMBAT_KEY" }
            [channels.sambat.mapping.kategori]
            "Jalan Rusak" = 101
            "#,
        )
        .unwrap();
        neutralise_secrets(&mut t);
        assert_eq!(
            t["lapor"]["client_secret"]["value"].as_str(),
            Some(PLACEHOLDER)
        );
        assert_eq!(
            t["channels"]["sambat"]["api_key"]["value"].as_str(),
            Some(PLACEHOLDER)
        );
        assert_eq!(
            t["channels"]["sambat"]["mapping"]["kategori"]["Jalan Rusak"].as_integer(),
            Some(101)
        );
    }
}
