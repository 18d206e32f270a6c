//! Wire formats of the external systems, one module each, so that adapting to an official
//! API document is a change to one file.

pub mod channel_api;
pub mod csv;
pub mod json_path;
pub mod lapor;
pub mod sambat;
pub mod transient;
pub mod webhook;
