//! What every benchmark runs against: the LAPOR! and SAMBAT mocks in process, and the demo
//! configuration on a store in a temporary directory.

use lapor_mocks::lapor::{LaporMock, LaporMockConfig};
use lapor_mocks::sambat::{SambatMock, SambatMockConfig};

use crate::demo::demo_config;
use lapor_bridge::pipeline::Pipeline;

pub(super) struct Rig {
    pub lapor: LaporMock,
    /// Starts with no records; each benchmark adds its own.
    pub sambat: SambatMock,
    tmp: tempfile::TempDir,
}

impl Rig {
    pub async fn start(lapor: LaporMockConfig) -> Result<Rig, String> {
        let lapor = LaporMock::start(lapor).await.map_err(|e| e.to_string())?;
        let sambat = SambatMock::start(SambatMockConfig {
            initial_records: 0,
            ..SambatMockConfig::default()
        })
        .await
        .map_err(|e| e.to_string())?;
        let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
        Ok(Rig { lapor, sambat, tmp })
    }

    /// The bridge on the demo configuration against these mocks, with `overrides`.
    pub fn pipeline(&self, overrides: &[(&str, String)]) -> Result<Pipeline, String> {
        let cfg = demo_config(
            &self.lapor.base_url(),
            &self.sambat.base_url(),
            &self.tmp.path().join("bench.db"),
            overrides,
        )
        .map_err(|e| e.to_string())?;
        Pipeline::build(cfg).map_err(|e| e.to_string())
    }
}

/// The LAPOR! mock with its quota off.
pub(super) fn quota_off() -> LaporMockConfig {
    LaporMockConfig {
        quota_per_minute: None,
        ..LaporMockConfig::default()
    }
}

/// The bridge's own rate limit set out of the way (with the quota off).
pub(super) fn no_rate_limit() -> [(&'static str, String); 2] {
    [
        (
            "LAPOR_BRIDGE__LAPOR__RATE_LIMIT__PER_MINUTE",
            "100000000".into(),
        ),
        ("LAPOR_BRIDGE__LAPOR__RATE_LIMIT__BURST", "100000".into()),
    ]
}
