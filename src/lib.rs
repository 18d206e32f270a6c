//! lapor-bridge: forwards a city's complaint channels into SP4N-LAPOR! and syncs responses back.
//!
//! Data flows channel → [`intake`] → [`store`] → [`forward`] → LAPOR! and back; each stage is a
//! loop that claims work from the store, does one step and records the outcome.

pub mod config;
pub mod domain;
pub mod mapping;
pub mod wire;
pub mod store;
pub mod time;
pub mod channel;
pub mod intake;
pub mod forward;
pub mod dryrun;
pub mod shutdown;
pub mod pipeline;
pub mod service;
pub mod logging;
pub mod cli;
