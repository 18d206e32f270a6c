//! Process-wide latency histograms, observed where the work happens (the LAPOR! client, the
//! webhook receiver) and exposed by `/metrics`; and the process's own figures read from
//! `/proc/self` (resident memory, CPU seconds, open descriptors). Imports nothing of the crate,
//! so any layer can observe into it.

use std::sync::OnceLock;

use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};

/// Label set of the webhook histogram: the channel.
pub type Labels = Vec<(String, String)>;
/// Histograms by label set, each with the bridge's latency buckets.
pub type HistogramFamily = Family<Labels, Histogram, fn() -> Histogram>;

/// 5 ms … ~41 s: LAPOR! answers in tens of milliseconds to seconds, a timeout at the end.
fn lapor_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 14))
}

/// 0.5 ms … ~4 s: a webhook is answered after its commit (one fsync, group commit).
fn webhook_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 14))
}

/// Time from sending a LAPOR! request to its answer's headers (or the transport error).
pub fn lapor_request_seconds() -> &'static Histogram {
    static H: OnceLock<Histogram> = OnceLock::new();
    H.get_or_init(lapor_buckets)
}

/// Time from a webhook delivery's arrival to its answer, by channel.
pub fn webhook_handling_seconds() -> &'static HistogramFamily {
    static H: OnceLock<HistogramFamily> = OnceLock::new();
    H.get_or_init(|| Family::new_with_constructor(webhook_buckets as fn() -> Histogram))
}

/// Observes one webhook delivery of `channel` that took `secs`.
pub fn observe_webhook(channel: &str, secs: f64) {
    webhook_handling_seconds()
        .get_or_create(&vec![("channel".to_owned(), channel.to_owned())])
        .observe(secs);
}

/// The process's own figures, from `/proc/self`; `None` where it cannot be read.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ProcessFigures {
    pub cpu_seconds: Option<f64>,
    pub resident_bytes: Option<u64>,
    pub virtual_bytes: Option<u64>,
    pub open_fds: Option<u64>,
    pub max_fds: Option<u64>,
    pub start_time_seconds: Option<f64>,
}

/// Reads `/proc/self/stat`, `/proc/self/fd` and `/proc/self/limits`.
pub fn process_figures() -> ProcessFigures {
    let mut f = ProcessFigures::default();
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    // SAFETY: as above.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64;
    if let Ok(stat) = std::fs::read_to_string("/proc/self/stat") {
        // The command name (field 2) may hold spaces: fields are counted after its ')'.
        if let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) {
            let v: Vec<&str> = rest.split_whitespace().collect();
            // After ')': state is field 3, so field n is v[n - 3].
            let num = |n: usize| v.get(n - 3).and_then(|s| s.parse::<u64>().ok());
            if ticks > 0.0 {
                if let (Some(u), Some(s)) = (num(14), num(15)) {
                    f.cpu_seconds = Some((u + s) as f64 / ticks);
                }
                if let (Some(start), Some(boot)) = (num(22), boot_time()) {
                    f.start_time_seconds = Some(boot + start as f64 / ticks);
                }
            }
            f.virtual_bytes = num(23);
            f.resident_bytes = num(24).map(|p| p * page);
        }
    }
    if let Ok(dir) = std::fs::read_dir("/proc/self/fd") {
        f.open_fds = Some(dir.count() as u64);
    }
    if let Ok(limits) = std::fs::read_to_string("/proc/self/limits") {
        f.max_fds = limits
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .and_then(|l| l.split_whitespace().nth(3))
            .and_then(|s| s.parse().ok());
    }
    f
}

fn boot_time() -> Option<f64> {
    std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|s| s.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_process_figures_are_read() {
        let f = process_figures();
        assert!(f.resident_bytes.unwrap() > 0);
        assert!(f.cpu_seconds.unwrap() >= 0.0);
        assert!(f.open_fds.unwrap() >= 3);
        assert!(f.max_fds.unwrap() >= f.open_fds.unwrap());
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        let start = f.start_time_seconds.unwrap();
        assert!(
            start <= now + 1.0 && start > now - 86_400.0,
            "{start} {now}"
        );
    }
}
