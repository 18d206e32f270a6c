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
    /// Webhook and CSV-folder channels: a declarative mapping, and how intake identifies and
    /// filters the channel's records.
    Decl(
        std::sync::Arc<crate::config::DeclMapping>,
        std::sync::Arc<DeclIntake>,
    ),
}

/// How the intake of a declarative channel identifies and filters a record, as configured:
/// the dry run's samples go through the same steps as the daemon's deliveries and rows.
#[derive(Clone, Debug)]
pub enum DeclIntake {
    /// A webhook delivery: its id at the `id` pointers (joined with `:`).
    Webhook {
        id: Vec<String>,
        filters: Vec<crate::config::Filter>,
    },
    /// A CSV row: its identity from the `id` and `id_person` columns.
    Csv {
        columns: Vec<String>,
        id: Vec<String>,
        id_person: Vec<String>,
        max_row_bytes: usize,
        filters: Vec<crate::config::Filter>,
    },
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
            ChannelMapper::Decl(m, _) => {
                mapping::declarative::map_decl(key, raw, m, reference, now)
            }
        }
    }

    /// A record's local id on its channel, as intake identifies it (dry-run sample inputs).
    pub fn local_id(&self, raw: &serde_json::Value) -> Option<String> {
        self.identify(raw).ok()
    }

    /// A record's local id as intake identifies it, or why it has none (the daemon refuses
    /// such a delivery or row).
    pub fn identify(&self, raw: &serde_json::Value) -> Result<String, FieldProblem> {
        match self {
            ChannelMapper::Sambat(_) => crate::wire::sambat::local_id(raw)
                .ok_or_else(|| FieldProblem::new("id", "the record has no usable id")),
            ChannelMapper::Decl(_, intake) => match intake.as_ref() {
                DeclIntake::Webhook { id, .. } => {
                    let mut parts = Vec::with_capacity(id.len());
                    for p in id {
                        let Some(v) = mapping::declarative::id_at(raw, p) else {
                            return Err(FieldProblem::new(
                                p.clone(),
                                format!("{p} is missing, empty, over 80 chars or not a string or number: every delivery needs its stable id there (the webhook answers 400 missing_id)"),
                            ));
                        };
                        parts.push(v);
                    }
                    Ok(parts.join(":"))
                }
                DeclIntake::Csv { id, id_person, .. } => {
                    mapping::row_id::row_identity(raw, id, id_person)
                        .map_err(|why| FieldProblem::new("id", why))
                }
            },
        }
    }

    /// The filter a record fails, if any: intake acknowledges such a record and ignores it
    /// (not a complaint for LAPOR!). Returns the filter's path and prefix.
    pub fn ignored_by(&self, raw: &serde_json::Value) -> Option<(String, String)> {
        match self {
            ChannelMapper::Sambat(_) => None,
            ChannelMapper::Decl(_, intake) => {
                let filters = match intake.as_ref() {
                    DeclIntake::Webhook { filters, .. } | DeclIntake::Csv { filters, .. } => {
                        filters
                    }
                };
                mapping::declarative::failed_filter(raw, filters)
                    .map(|f| (f.path.clone(), f.prefix.clone()))
            }
        }
    }

    /// What intake drops from a record before it is stored (data minimisation).
    pub fn minimise(&self, raw: &mut serde_json::Value) {
        if let ChannelMapper::Decl(m, _) = self {
            mapping::minimise::declarative(m, raw);
        }
    }

    /// The sample formats `lapor-bridge dry-run --input` reads for this channel.
    pub fn input_format(&self) -> InputFormat {
        match self {
            ChannelMapper::Decl(_, intake) if matches!(**intake, DeclIntake::Csv { .. }) => {
                InputFormat::Csv
            }
            _ => InputFormat::Json,
        }
    }

    /// The CSV header columns required and the row size limit, for CSV channels.
    pub fn csv_columns(&self) -> Option<(&[String], usize)> {
        match self {
            ChannelMapper::Decl(_, intake) => match intake.as_ref() {
                DeclIntake::Csv {
                    columns,
                    max_row_bytes,
                    ..
                } => Some((columns.as_slice(), *max_row_bytes)),
                DeclIntake::Webhook { .. } => None,
            },
            ChannelMapper::Sambat(_) => None,
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
                    ChannelKind::Webhook(w) => ChannelMapper::Decl(
                        std::sync::Arc::new(w.mapping.clone()),
                        std::sync::Arc::new(DeclIntake::Webhook {
                            id: w.id.clone(),
                            filters: w.filters.clone(),
                        }),
                    ),
                    ChannelKind::CsvFolder(f) => ChannelMapper::Decl(
                        std::sync::Arc::new(f.mapping.clone()),
                        std::sync::Arc::new(DeclIntake::Csv {
                            columns: f.columns.clone(),
                            id: f.id.clone(),
                            id_person: f.id_person.clone(),
                            max_row_bytes: f.max_row_bytes,
                            filters: f.filters.clone(),
                        }),
                    ),
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
