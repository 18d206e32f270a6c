//! `bench csv-memory`: peak RSS of the CSV folder stage on large inputs. Each case generates
//! its file on disk (streamed, so the generator adds nothing), resets the process's peak RSS
//! (`/proc/self/clear_refs`), takes the file in with two scans, and reads `VmHWM`.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use super::rig::{quota_off, Rig};

const HEADER: &str = "no;tanggal;nama;telepon;kecamatan;kelurahan;kategori;uraian;opd_tujuan";
const URAIAN: &str = "Sampah menumpuk di TPS Kauman, sudah tiga hari tidak diangkut petugas";

pub(super) async fn csv_memory(mb: u64, rows: u32) -> Result<(), String> {
    println!("csv-memory: CSV folder stage (demo config, ngombe channel), peak RSS per case");
    println!("  before any case: VmRSS {} KiB", status_kib("VmRSS")?);
    let big = mb * 1024 * 1024;
    case(
        &format!("{mb} MB file, default max_file_bytes (refused whole)"),
        &[],
        |f| write_rows_until(f, big),
    )
    .await?;
    case(&format!("{rows}-row file, defaults"), &[], |f| {
        write_rows(f, rows)
    })
    .await?;
    case(
        &format!(
            "{mb} MB file of rows, max_file_bytes raised to {} MiB",
            mb + 8
        ),
        &[(
            "LAPOR_BRIDGE__CHANNELS__NGOMBE__MAX_FILE_BYTES",
            ((mb + 8) * 1024 * 1024).to_string(),
        )],
        |f| write_rows_until(f, big),
    )
    .await?;
    case(
        &format!(
            "one {mb} MB cell, max_file_bytes raised to {} MiB (row refused)",
            mb + 8
        ),
        &[(
            "LAPOR_BRIDGE__CHANNELS__NGOMBE__MAX_FILE_BYTES",
            ((mb + 8) * 1024 * 1024).to_string(),
        )],
        |f| write_huge_cell(f, big),
    )
    .await?;
    Ok(())
}

async fn case(
    what: &str,
    overrides: &[(&str, String)],
    generate: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let rig = Rig::start(quota_off()).await?;
    let pipeline = rig.pipeline(overrides)?;
    let folder = pipeline
        .csv_folders
        .first()
        .ok_or("the demo config has no CSV channel")?
        .clone();
    let inbox = folder.inbox().to_owned();
    std::fs::create_dir_all(&inbox).map_err(|e| e.to_string())?;
    let path = inbox.join("bench.csv");
    generate_file(&path, generate)?;
    let size = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
    reset_peak()?;
    let base = status_kib("VmHWM")?;
    let start = Instant::now();
    // Off the async workers, as the daemon's scan loop runs it.
    let report = tokio::task::spawn_blocking(move || {
        let t0 = SystemTime::now();
        folder.scan_once(t0)?;
        folder.scan_once(t0 + Duration::from_secs(2))
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    let took = start.elapsed();
    let peak = status_kib("VmHWM")?;
    println!("  {what}: {:.1} MB on disk", size as f64 / 1e6);
    println!(
        "    peak RSS {:>6.1} MiB (at start {:>5.1} MiB, +{:.1} MiB), {:.2} s; files {} refused {} new {} rejected {}",
        peak as f64 / 1024.0,
        base as f64 / 1024.0,
        peak.saturating_sub(base) as f64 / 1024.0,
        took.as_secs_f64(),
        report.files,
        report.refused,
        report.new,
        report.rejected
    );
    Ok(())
}

fn generate_file(
    path: &Path,
    generate: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let f = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut w = std::io::BufWriter::new(f);
    generate(&mut w).map_err(|e| e.to_string())?;
    w.flush().map_err(|e| e.to_string())
}

fn row(n: u64) -> String {
    format!("{n};29/07/2024;Budi Santoso;0812-3456-7{n:03};Klojen;Kauman;Sampah;\"{URAIAN}\";DLH\n")
}

fn write_rows(w: &mut dyn Write, rows: u32) -> std::io::Result<()> {
    writeln!(w, "{HEADER}")?;
    for n in 1..=u64::from(rows) {
        w.write_all(row(n).as_bytes())?;
    }
    Ok(())
}

fn write_rows_until(w: &mut dyn Write, bytes: u64) -> std::io::Result<()> {
    writeln!(w, "{HEADER}")?;
    let (mut n, mut written) = (1u64, HEADER.len() as u64 + 1);
    while written < bytes {
        let r = row(n);
        w.write_all(r.as_bytes())?;
        written += r.len() as u64;
        n += 1;
    }
    Ok(())
}

fn write_huge_cell(w: &mut dyn Write, bytes: u64) -> std::io::Result<()> {
    writeln!(w, "{HEADER}")?;
    w.write_all(row(1).as_bytes())?;
    w.write_all(b"2;29/07/2024;Ani;;Klojen;Kauman;Sampah;\"")?;
    let chunk = [b'x'; 64 * 1024];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        w.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    w.write_all(b"\";DLH\n")?;
    w.write_all(row(3).as_bytes())
}

/// Resets `VmHWM` to the current RSS (Linux: `5` in `/proc/self/clear_refs`).
fn reset_peak() -> Result<(), String> {
    std::fs::write("/proc/self/clear_refs", "5")
        .map_err(|e| format!("cannot reset the peak RSS: {e}"))
}

fn status_kib(field: &str) -> Result<u64, String> {
    let s = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    s.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("no {field} in /proc/self/status"))
}
