//! The status file of a CSV channel: one row per complaint with its latest LAPOR! status and
//! response, rewritten whole through a temporary file and a rename, so the forum team never
//! opens a half-written file.

use std::io::Write;
use std::path::Path;

use crate::config::{StatusFileTarget, WritebackConfig};
use crate::store::StatusRow;
use crate::time;

/// The rows of the file, header first.
pub fn rows(
    target: &StatusFileTarget,
    cfg: &WritebackConfig,
    records: &[StatusRow],
) -> Vec<Vec<String>> {
    let mut out = vec![target.columns.clone()];
    for r in records {
        let raw: serde_json::Value = serde_json::from_str(&r.raw).unwrap_or_default();
        let row = target
            .columns
            .iter()
            .map(|c| match c.as_str() {
                "tracking_id" => r.tracking_id.clone().unwrap_or_default(),
                "status" => status_word(cfg, r),
                "tanggapan" => r
                    .tanggapan
                    .as_ref()
                    .map(|t| t.0.clone())
                    .unwrap_or_default(),
                "oleh" => r
                    .tanggapan
                    .as_ref()
                    .map(|t| t.1.clone())
                    .unwrap_or_default(),
                "diperbarui" => r.status_at.map(time::format_wib).unwrap_or_default(),
                col => match raw.get(col) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Null) | None => String::new(),
                    Some(v) => v.to_string(),
                },
            })
            .collect();
        out.push(row);
    }
    out
}

/// Before LAPOR! has said anything, the row tells where the complaint is in the bridge.
fn status_word(cfg: &WritebackConfig, r: &StatusRow) -> String {
    match &r.lapor_status {
        Some(s) => cfg.status.get(s).cloned().unwrap_or_else(|| s.clone()),
        None => match r.outbox_state.as_str() {
            "held" | "dead" => "Belum dapat diteruskan (lihat laporan penolakan)".into(),
            "forwarded" => cfg
                .status
                .get("belum_terverifikasi")
                .cloned()
                .unwrap_or_else(|| "belum_terverifikasi".into()),
            _ => "Menunggu diteruskan ke SP4N-LAPOR!".into(),
        },
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced, then
/// renamed over the old one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Random as well as the pid: replicas on a shared folder may all be pid 1 in their
    // containers, and must never write one temporary file together.
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    // The rename itself is durable once the folder is synced.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
