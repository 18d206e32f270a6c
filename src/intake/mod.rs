//! Intake stage: each channel kind's way of getting records into the store.

pub mod csv_folder;
pub mod sambat;
pub mod webhook;
