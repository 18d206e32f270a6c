//! Developer tools for lapor-bridge, kept out of the service binary: `demo` (the bridge against
//! in-process LAPOR!, SAMBAT, 112 and social-desk mocks) and `bench` (the measurements behind
//! BENCHMARKS.md). The demo's helpers (its configuration, channel mocks and senders) are also
//! the integration tests' setup.

pub mod bench;
pub mod demo;
pub mod postgres;
