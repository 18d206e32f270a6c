//! Per-channel pieces built from configuration: how a channel's records are mapped.

use std::collections::BTreeMap;

use jiff::Timestamp;

use crate::config::{ChannelKind, Config};
use crate::domain::{ChannelName, FieldProblem, RecordKey};
use crate::mapping::{self, Mapped, ReferenceIds};
use crate::store::{Store, StoreError};

/// What a channel's sample file holds (`lapor-bridge dry-run --input`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// JSON array, single object, or JSON Lines.
    Json,
    /// A CSV file with a header row; each row becomes an object of strings keyed by header.
    Csv,
}

#[derive(Clone, Debug)]
pub enum ChannelMapper {
    Sambat(crate::config::SambatMapping),
    /// Webhook and CSV-folder channels: a declarative mapping.
    Decl(std::sync::Arc<crate::config::DeclMapping>),
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
            ChannelMapper::Decl(m) => mapping::declarative::map_decl(key, raw, m, reference, now),
        }
    }

    /// A record's local id on its channel, as intake identifies it (dry-run sample inputs).
    pub fn local_id(&self, raw: &serde_json::Value) -> Option<String> {
        match self {
            ChannelMapper::Sambat(_) => crate::wire::sambat::local_id(raw),
            // TODO(dry-run): the webhook id pointer / CSV row identity live in the channel
            // config, not the DeclMapping; until the variant carries them, samples use `/id`.
            ChannelMapper::Decl(_) => {
                Some(mapping::declarative::id_at(raw, "/id").unwrap_or_else(|| "sample".to_owned()))
            }
        }
    }

    /// The sample formats `lapor-bridge dry-run --input` reads for this channel.
    pub fn input_format(&self) -> InputFormat {
        match self {
            ChannelMapper::Sambat(_) => InputFormat::Json,
            // TODO(dry-run): CSV-folder channels should answer `Csv` once the variant knows its kind.
            ChannelMapper::Decl(_) => InputFormat::Json,
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
                    ChannelKind::Webhook(w) => {
                        ChannelMapper::Decl(std::sync::Arc::new(w.mapping.clone()))
                    }
                    ChannelKind::CsvFolder(f) => {
                        ChannelMapper::Decl(std::sync::Arc::new(f.mapping.clone()))
                    }
                };
                (c.name.clone(), m)
            })
            .collect();
        Self(map)
    }

    /// The mapper of one channel.
    pub fn get(&self, channel: &ChannelName) -> Option<&ChannelMapper> {
        self.0.get(channel)
    }

    /// The configured channels, by name.
    pub fn channels(&self) -> impl Iterator<Item = &ChannelName> {
        self.0.keys()
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
