//! lapor-bridge: forwards a city's complaint channels into SP4N-LAPOR! and syncs responses back.
//!
//! Data flows channel → [`intake`] → [`store`] → [`forward`] → LAPOR! and back; each stage is a
//! loop that claims work from the store, does one step and records the outcome.

pub mod calendar;
pub mod channel;
pub mod cli;
pub mod config;
pub mod domain;
pub mod dryrun;
pub mod forward;
pub mod i18n;
pub mod intake;
pub mod logging;
pub mod mapping;
pub mod pipeline;
pub mod privacy;
pub mod report;
pub mod runtime;
pub mod service;
pub mod shutdown;
pub mod store;
pub mod sync;
pub mod telemetry;
pub mod template;
pub mod time;
pub mod wire;
pub mod writeback;
