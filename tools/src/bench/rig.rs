//! What every benchmark runs against: the LAPOR! and SAMBAT mocks, and the demo configuration
//! on a store in a temporary directory.
//!
//! The mocks run on their own tokio runtime, on threads named `mock-…`, so that the CPU they
//! take can be told apart from the bridge's (`cpu::Split`): in one shared runtime the mocks'
//! work would be counted as the bridge's, and the bench would measure its rig.

use std::path::Path;

use lapor_mocks::lapor::{LaporMock, LaporMockConfig};
use lapor_mocks::sambat::{SambatMock, SambatMockConfig};

use crate::demo::demo_config;
use lapor_bridge::pipeline::Pipeline;

/// The name prefix of the mocks' threads.
pub(super) const MOCK_THREADS: &str = "mock-";

/// SAMBAT ids when the bench runs on a copy of a big store: far above any the store holds,
/// so a new record is never taken for an edit of an old one.
const BIG_STORE_FIRST_ID: i64 = 50_000_000;

pub(super) struct Rig {
    pub lapor: LaporMock,
    /// Starts with no records; each benchmark adds its own.
    pub sambat: SambatMock,
    tmp: tempfile::TempDir,
    /// Held for its `Drop` only. Declared last: dropped after the mocks, which stop their
    /// tasks on it.
    _mocks_rt: MockRuntime,
}

/// The mocks' runtime. A tokio runtime cannot be dropped inside another's async context, so
/// it is let go with `shutdown_background`.
struct MockRuntime(Option<tokio::runtime::Runtime>);

impl Drop for MockRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl Rig {
    pub async fn start(lapor: LaporMockConfig) -> Result<Rig, String> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("mock-rt")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let lapor = rt
            .spawn(LaporMock::start(lapor))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        let sambat = rt
            .spawn(SambatMock::start(SambatMockConfig {
                initial_records: 0,
                ..SambatMockConfig::default()
            }))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
        Ok(Rig {
            lapor,
            sambat,
            tmp,
            _mocks_rt: MockRuntime(Some(rt)),
        })
    }

    /// Where the bridge's store is.
    pub fn store_path(&self) -> std::path::PathBuf {
        self.tmp.path().join("bench.db")
    }

    /// The temporary directory (for a child process's configuration and log).
    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// Starts from a copy of `store` (the original is never written) instead of a fresh one,
    /// and moves the SAMBAT mock's ids beyond the store's.
    pub fn use_store(&self, store: &Path) -> Result<(), String> {
        let to = self.store_path();
        std::fs::copy(store, &to).map_err(|e| format!("copying {}: {e}", store.display()))?;
        for ext in ["-wal"] {
            let from = format!("{}{ext}", store.display());
            if Path::new(&from).exists() {
                std::fs::copy(&from, format!("{}{ext}", to.display()))
                    .map_err(|e| format!("copying {from}: {e}"))?;
            }
        }
        self.sambat.set_next_id(BIG_STORE_FIRST_ID);
        Ok(())
    }

    /// The bridge on the demo configuration against these mocks, with `overrides`.
    pub fn pipeline(&self, overrides: &[(&str, String)]) -> Result<Pipeline, String> {
        let cfg = demo_config(
            &self.lapor.base_url(),
            &self.sambat.base_url(),
            &self.store_path(),
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
