//! Per-channel pieces built from configuration: how a channel's records are mapped.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::config::{ChannelKind, Config};
use crate::domain::{ChannelName, FieldProblem, RecordKey};
use crate::mapping::{self, Mapped, ReferenceIds};
use crate::store::{Store, StoreError};

#[derive(Clone, Debug)]
pub enum ChannelMapper {
    Sambat(crate::config::SambatMapping),
}

impl ChannelMapper {
    pub fn map(
        &self,
        key: &RecordKey,
        raw: &serde_json::Value,
        reference: &ReferenceIds,
        now: Timestamp,
    ) -> Result<Mapped, Vec<FieldProblem>> {
        match self {
            ChannelMapper::Sambat(m) => mapping::map_sambat(key, raw, m, reference, now),
        }
    }
}

/// Mappers of every configured channel, looked up by a record's channel.
#[derive(Clone, Debug, Default)]
pub struct Mappers(BTreeMap<ChannelName, ChannelMapper>);

impl Mappers {
    pub fn from_config(cfg: &Config) -> Self {
        let map = cfg
            .channels
            .iter()
            .map(|c| {
                let m = match &c.kind {
                    ChannelKind::Sambat(s) => ChannelMapper::Sambat(s.mapping.clone()),
                };
                (c.name.clone(), m)
            })
            .collect();
        Self(map)
    }

    pub fn map(
        &self,
        key: &RecordKey,
        raw: &serde_json::Value,
        reference: &ReferenceIds,
        now: Timestamp,
    ) -> Result<Mapped, Vec<FieldProblem>> {
        match self.0.get(&key.channel) {
            Some(m) => m.map(key, raw, reference, now),
            None => Err(vec![FieldProblem::new(
                "channel",
                format!(
                    "channel {} is no longer configured; add it back under [channels] or acknowledge the record",
                    key.channel
                ),
            )]),
        }
    }
}

/// The cached LAPOR! reference ids, as mapping checks them.
pub fn reference_ids(store: &Store) -> Result<ReferenceIds, StoreError> {
    Ok(ReferenceIds {
        kategori: store.reference_ids("kategori")?,
        instansi: store.reference_ids("instansi")?,
    })
}
