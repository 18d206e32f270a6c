//! LAPOR! reference data: fetched, cached in the store, and the mapping tables checked
//! against it so an operator learns of a stale id before records are refused.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use jiff::Timestamp;
use tracing::{info, warn};

use crate::config::{msg, ChannelKind, Config, ConfigProblem, Text};
use crate::runtime::{Heartbeat, Stage, Step};
use crate::store::{ReferenceItem, Store, StoreError};
use crate::wire::lapor::{LaporClient, LaporError};

#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error(transparent)]
    Lapor(#[from] LaporError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Fetches `/kategori` and `/instansi` once and stores them.
pub async fn refresh(
    client: &LaporClient,
    store: &Store,
    grace: u32,
) -> Result<(usize, usize), ReferenceError> {
    let now = Timestamp::now();
    let kategori: Vec<ReferenceItem> = client
        .kategori()
        .await?
        .into_iter()
        .map(|k| ReferenceItem {
            id: k.id,
            nama: k.nama,
            induk_id: Some(k.induk_id),
        })
        .collect();
    let instansi: Vec<ReferenceItem> = client
        .instansi()
        .await?
        .into_iter()
        .map(|i| ReferenceItem {
            id: i.id,
            nama: i.nama,
            induk_id: None,
        })
        .collect();
    for (kind, items) in [("kategori", &kategori), ("instansi", &instansi)] {
        let forgotten = store.store_reference(kind, items, grace, now)?;
        if !forgotten.is_empty() {
            warn!(kind, ?forgotten, "LAPOR! no longer lists these ids");
        }
    }
    info!(
        kategori = kategori.len(),
        instansi = instansi.len(),
        "LAPOR! reference data refreshed"
    );
    Ok((kategori.len(), instansi.len()))
}

/// Mapping-table entries whose LAPOR! id the cached reference data does not list, as
/// `(key path, message)`. Empty when the cache is empty (nothing fetched yet).
pub fn check_mappings(cfg: &Config, store: &Store) -> Result<Vec<(String, String)>, StoreError> {
    Ok(check_mapping_texts(cfg, store)?
        .into_iter()
        .map(|(key, text)| (key, text.english()))
        .collect())
}

/// [`check_mappings`] with each message as a catalog text, for `check-config`.
fn check_mapping_texts(cfg: &Config, store: &Store) -> Result<Vec<(String, Text)>, StoreError> {
    let kategori = store.reference_ids("kategori")?;
    let instansi = store.reference_ids("instansi")?;
    let mut out = Vec::new();
    for ch in &cfg.channels {
        let s = match &ch.kind {
            ChannelKind::Sambat(s) => s,
            ChannelKind::Webhook(w) => {
                out.extend(crate::config::decl_reference_problems(
                    ch.name.as_str(),
                    &w.mapping,
                    &kategori,
                    &instansi,
                ));
                continue;
            }
            ChannelKind::CsvFolder(f) => {
                out.extend(crate::config::decl_reference_problems(
                    ch.name.as_str(),
                    &f.mapping,
                    &kategori,
                    &instansi,
                ));
                continue;
            }
        };
        let m = &s.mapping;
        let base = format!("channels.{}.mapping", ch.name);
        if !kategori.is_empty() {
            for (name, id) in &m.kategori {
                if !kategori.contains(id) {
                    out.push((
                        format!("{base}.kategori.{name}"),
                        msg!("config-reference-unknown-id", what = "kategori", id = id),
                    ));
                }
            }
        }
        if !instansi.is_empty() {
            let opd = m.opd.iter().map(|(k, v)| (format!("{base}.opd.{k}"), *v));
            let default = m
                .default_instansi_id
                .map(|v| (format!("{base}.default_instansi_id"), v));
            for (path, id) in opd.chain(default) {
                if !instansi.contains(&id) {
                    out.push((
                        path,
                        msg!("config-reference-unknown-id", what = "instansi", id = id),
                    ));
                }
            }
        }
    }
    Ok(out)
}

/// Every mapping entry (of every channel kind) whose LAPOR! id the reference data cached in
/// the configured store does not list. Nothing when the store does not exist yet or has no
/// reference data (the daemon fetches it on start and checks again).
pub fn cached_reference_problems(config: &Config) -> Vec<ConfigProblem> {
    if !config.store.path.exists() {
        return Vec::new();
    }
    let Ok(store) = Store::open(&config.store.path) else {
        return Vec::new();
    };
    check_mapping_texts(config, &store)
        .unwrap_or_default()
        .into_iter()
        .map(|(key, problem)| {
            ConfigProblem::new(
                key,
                msg!(
                    "config-reference-cached",
                    problem = problem,
                    path = config.store.path.display()
                ),
            )
        })
        .collect()
}

/// The periodic refresh as a stage: every `lapor.reference_refresh`, fetch the lists again
/// and warn about mapping tables that use an id LAPOR! no longer lists.
pub struct Refresh {
    client: Arc<LaporClient>,
    store: Store,
    cfg: Config,
    pub heartbeat: Arc<Heartbeat>,
}

impl Refresh {
    pub fn new(client: Arc<LaporClient>, store: Store, cfg: Config) -> Self {
        Self {
            client,
            store,
            cfg,
            heartbeat: Heartbeat::new(),
        }
    }
}

impl Stage for Refresh {
    fn name(&self) -> String {
        "reference".into()
    }

    fn step(&self) -> BoxFuture<'_, Step> {
        Box::pin(async move {
            let grace = self.cfg.lapor.reference_grace_fetches;
            match refresh(&self.client, &self.store, grace).await {
                Ok(_) => {
                    self.heartbeat.success();
                    for (key, msg) in check_mappings(&self.cfg, &self.store).unwrap_or_default() {
                        warn!(key, "{msg}; records using it will be held");
                    }
                }
                Err(e) => warn!(error = %e, "LAPOR! reference data not refreshed; using the cache"),
            }
            Step::Idle(self.cfg.lapor.reference_refresh.max(Duration::from_secs(1)))
        })
    }
}
