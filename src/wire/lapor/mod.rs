//! SP4N-LAPOR! integration API: the one module that owns its wire format (paths, field
//! names, status codes). Adapting to the official document is a change here.

mod classify;
mod client;
mod health;
pub mod quota;
pub mod status;
pub mod types;

pub use classify::{
    classify_status, classify_transport, is_lapor_clock_behind, retry_after, transport_kind,
    LaporError, TransientKind,
};
pub use client::{limiter_for, ClientStats, CreateOutcome, LaporClient, LaporSettings, RateLimit};
pub use health::{shows_up, LaporHealth};
pub use quota::{BackgroundShare, CallClass};
