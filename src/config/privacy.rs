//! `[privacy]`: how long reporters' personal data is kept (UU PDP No. 27/2022).
//!
//! `retention_days` (default 365) counts from the day a complaint became final in LAPOR!
//! (`selesai`, `ditolak`, `diarsipkan`). Why a year: a reporter may object to a closure or
//! ask for the complaint to be reopened, the city's inspectorate audits a year's handling, and
//! the annual report is computed from it; after that the bridge needs no identity, since
//! LAPOR! keeps its own copy and the report figures need only times, statuses and OPDs.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::checks::in_range;
use super::ctx::{join, Ctx};

pub const DEFAULT_RETENTION_DAYS: u64 = 365;
/// Ten years: longer is no retention at all.
pub const MAX_RETENTION_DAYS: u64 = 3650;

#[derive(Clone, Debug)]
pub struct PrivacyConfig {
    /// Days after a complaint became final in LAPOR! before its personal data is removed.
    pub retention_days: u64,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        PrivacyConfig {
            retention_days: DEFAULT_RETENTION_DAYS,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrivacy {
    retention_days: Option<u64>,
}

pub(crate) fn validate_privacy(raw: Option<Value>, ctx: &mut Ctx) -> Option<PrivacyConfig> {
    let key = vec!["privacy".to_owned()];
    let raw: RawPrivacy = match raw {
        None => RawPrivacy::default(),
        Some(v) => ctx.deserialize(v, &key)?,
    };
    // 0 is refused for the daemon: it would remove a reporter's identity the moment LAPOR!
    // closes the complaint, before an objection could be answered. An operator can still
    // purge everything final at once with `privacy purge --older-than 0`.
    let days = in_range(
        ctx,
        &join(&key, &["retention_days"]),
        raw.retention_days,
        DEFAULT_RETENTION_DAYS,
        1..=MAX_RETENTION_DAYS,
    );
    Some(PrivacyConfig {
        retention_days: days?,
    })
}

/// What `privacy purge` needs from a configuration file, read without resolving secrets (an
/// operator's shell has no service credentials): the retention and each CSV channel's
/// `processed` and `rejected` folders (defaults `<inbox>/processed`, `<inbox>/rejected`).
#[derive(Clone, Debug, Default)]
pub struct PrivacySettings {
    pub retention_days: u64,
    /// (channel, folder) for every CSV channel's processed and rejected folder.
    pub csv_folders: Vec<(String, PathBuf)>,
}

pub fn privacy_settings_without_secrets(config: &Path) -> Result<PrivacySettings, String> {
    let text = std::fs::read_to_string(config)
        .map_err(|e| format!("cannot read {}: {e}", config.display()))?;
    let value: toml::Table = toml::from_str(&text)
        .map_err(|e| format!("{} is not valid TOML: {e}", config.display()))?;
    let env = std::env::var("LAPOR_BRIDGE__PRIVACY__RETENTION_DAYS").ok();
    let retention_days = match env {
        Some(v) => v.trim().parse::<u64>().map_err(|_| {
            format!("LAPOR_BRIDGE__PRIVACY__RETENTION_DAYS={v:?} is not a number of days")
        })?,
        None => match value.get("privacy").and_then(|p| p.get("retention_days")) {
            None => DEFAULT_RETENTION_DAYS,
            Some(v) => v
                .as_integer()
                .filter(|d| (1..=MAX_RETENTION_DAYS as i64).contains(d))
                .ok_or_else(|| {
                    format!(
                        "{}: privacy.retention_days must be 1..={MAX_RETENTION_DAYS} days",
                        config.display()
                    )
                })? as u64,
        },
    };
    let mut csv_folders = Vec::new();
    if let Some(channels) = value.get("channels").and_then(|c| c.as_table()) {
        for (name, ch) in channels {
            if ch.get("kind").and_then(|k| k.as_str()) != Some("csv_folder") {
                continue;
            }
            // `LAPOR_BRIDGE__CHANNELS__<NAME>__<KEY>` overrides the file, as for the daemon.
            let get = |k: &str| -> Option<String> {
                let var = format!("LAPOR_BRIDGE__CHANNELS__{}__{}", name, k).to_uppercase();
                std::env::var(var)
                    .ok()
                    .or_else(|| ch.get(k).and_then(|v| v.as_str()).map(str::to_owned))
                    .filter(|p| !p.trim().is_empty())
            };
            let Some(inbox) = get("inbox") else {
                continue;
            };
            let inbox = PathBuf::from(inbox);
            for (k, default) in [("processed", "processed"), ("rejected", "rejected")] {
                let dir = get(k)
                    .map(PathBuf::from)
                    .unwrap_or_else(|| inbox.join(default));
                csv_folders.push((name.clone(), dir));
            }
        }
    }
    Ok(PrivacySettings {
        retention_days,
        csv_folders,
    })
}
