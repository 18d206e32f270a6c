//! Helpers a few test modules share (the Env and SyncRig setup is in `common`).

pub mod pg;
pub mod report_fixture;
pub mod sync_check;
pub mod updates;
pub mod webhooks;
