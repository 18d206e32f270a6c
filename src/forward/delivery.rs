//! How the forwarder delivers a claimed record: sent to LAPOR! (live), or only mapped and
//! judged, with the verdict recorded in the store (dry run). The dry run never creates a
//! complaint in LAPOR!; everything else about the forwarder (claiming, recording) is shared.

use jiff::Timestamp;
use tracing::{info, warn};

use crate::channel::Mappers;
use crate::config::Mode;
use crate::mapping::ReferenceIds;
use crate::store::{Claimed, Outcome, Store, StoreError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    Live,
    DryRun,
}

impl Delivery {
    pub fn of(mode: Mode) -> Self {
        match mode {
            Mode::Live => Delivery::Live,
            Mode::DryRun => Delivery::DryRun,
        }
    }

    /// Before each claim. A dry run gives unmappable (held) records their verdict and
    /// reasons too, so they are claimed again; live, held records wait for a new config.
    pub(super) fn before_claim(self, store: &Store, now: Timestamp) -> Result<(), StoreError> {
        match self {
            Delivery::Live => Ok(()),
            Delivery::DryRun => store.dry_run_release_held(now).map(drop),
        }
    }
}

/// The dry-run delivery of one record: its verdict, nothing sent.
pub(super) fn judge(
    mappers: &Mappers,
    c: &Claimed,
    reference: &ReferenceIds,
    now: Timestamp,
) -> Outcome {
    let mapped = mappers.map(&c.key, &c.raw, reference, now);
    let verdict = crate::dryrun::verdict::judge_mapped(mapped, reference, now);
    if verdict.valid {
        info!("dry run: valid, not sent");
    } else {
        let fields: Vec<&str> = verdict.reasons.iter().map(|r| r.field.as_str()).collect();
        warn!(fields = %fields.join(", "), "dry run: would be refused");
    }
    Outcome::DryRun(verdict)
}
