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
//! `local_id` and `input_format`.

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
use verdict::{judge_mapped, Verdict};

/// Refuses a store first used in the other mode, records the mode on first use, and in dry
/// run queues every record to be checked again under the current configuration.
pub fn prepare_store(store: &Store, cfg: &Config) -> Result<(), String> {
    let path = cfg.store.path.display();
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
    /// `channel:local id`, when the record has a usable id.
    pub key: Option<String>,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// Maps and validates sample records of `channel` as the daemon would.
pub fn check_records(
    mappers: &Mappers,
    channel: &ChannelName,
    records: &[Value],
    reference: &ReferenceIds,
    now: Timestamp,
) -> Vec<CheckedRecord> {
    records
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let local_id = mappers.get(channel).and_then(|m| m.local_id(raw));
            let Some(local_id) = local_id else {
                let problem = FieldProblem::new("id", "the record has no usable id");
                return CheckedRecord {
                    index: i + 1,
                    key: None,
                    verdict: judge_mapped(Err(vec![problem]), reference, now),
                };
            };
            let key = RecordKey::new(channel.clone(), local_id);
            let mapped = mappers.map(&key, raw, reference, now);
            CheckedRecord {
                index: i + 1,
                key: Some(key.to_string()),
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
