//! lapor-bridge's integration tests, one binary: each former `tests/<name>.rs` is a module
//! here (its tests are `<name>::...`), so the crate is linked once, not once per file.
//! Everything runs in one process: a test uses its own ports (`127.0.0.1:0`), temporary
//! directories and child-process environments, never the process's environment or working
//! directory.

mod common;
mod support;

mod backup;
mod channels_config;
mod channels_proptest;
mod check_config_cli;
mod cli_lang;
mod clocks;
mod config_check;
mod crash;
mod csv_folder;
mod dashboard_chromium;
mod dashboard_lang;
mod dead_letters_cli;
mod demo_output;
mod dry_run_cli;
mod dry_run_daemon;
mod dry_run_kinds;
mod dry_run_rules;
mod dry_run_snapshots;
mod forward_classes;
mod forward_outcomes;
mod lapor_client;
mod layout;
mod listener_limits;
mod mapping_proptest;
mod mapping_snapshots;
mod metrics_promtool;
mod no_pii_in_logs;
mod outage;
mod package_files;
mod pg_claims;
mod pg_daemon;
mod pg_lease;
mod pg_purge;
mod pg_replicas;
mod pg_updates;
mod pg_writebacks;
mod privacy_access;
mod privacy_purge;
mod reference_and_restart;
mod replay;
mod report_daemon;
mod report_exports;
mod report_kpi;
mod report_sla;
mod sambat_intake;
mod service_metrics;
mod service_systemd;
mod store_both;
mod store_migrate;
mod sync_crash;
mod sync_e2e;
mod sync_writeback;
mod telegram_alerts;
mod webhook_flood;
mod webhook_intake;
