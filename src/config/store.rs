//! `[store]`: where the SQLite database is.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use super::ctx::{k, Ctx};
use super::text::msg;

pub(crate) const DEFAULT_STORE_PATH: &str = "lapor-bridge.db";

#[derive(Clone, Debug)]
pub struct StoreConfig {
    pub path: PathBuf,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStore {
    path: Option<String>,
}

pub(crate) fn validate_store(raw: Option<Value>, ctx: &mut Ctx) -> Option<StoreConfig> {
    let raw: RawStore = match raw {
        None => RawStore::default(),
        Some(v) => ctx.deserialize(v, &k(&["store"]))?,
    };
    let path = match raw.path {
        None => Some(PathBuf::from(DEFAULT_STORE_PATH)),
        Some(p) if p.trim().is_empty() => {
            ctx.problem(&k(&["store", "path"]), msg!("config-store-path-empty"));
            None
        }
        Some(p) => Some(PathBuf::from(p)),
    };
    Some(StoreConfig { path: path? })
}
