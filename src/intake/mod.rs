//! Intake stage: each channel kind's way of getting records into the store.

pub mod sambat;
