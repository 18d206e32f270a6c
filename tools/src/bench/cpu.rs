//! CPU time and memory of processes and threads, from /proc (Linux only, as the bench is).
//!
//! Times are in clock ticks of `USER_HZ`, which the kernel fixes at 100 per second for every
//! user-space interface on Linux, whatever its internal HZ: 10 ms resolution, so a figure is
//! meaningful over runs of seconds.

use std::path::Path;
use std::time::{Duration, Instant};

const TICKS_PER_SEC: f64 = 100.0;

/// utime + stime, in ticks, of a /proc `stat` file (a process's, or one thread's under
/// `task/`). The command name is in parentheses and may hold spaces, so fields are counted
/// after its closing parenthesis.
fn stat_ticks(path: &Path) -> Option<u64> {
    let s = std::fs::read_to_string(path).ok()?;
    let rest = &s[s.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After ")": state is field 3 of the man page; utime is 14 and stime 15.
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// A process's CPU time so far, threads that have exited included.
pub fn process_ticks(pid: u32) -> Option<u64> {
    stat_ticks(Path::new(&format!("/proc/{pid}/stat")))
}

/// CPU time so far of this process's live threads whose name starts with `prefix`.
pub fn threads_ticks(prefix: &str) -> u64 {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    dir.flatten()
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .is_ok_and(|c| c.trim_end().starts_with(prefix))
        })
        .filter_map(|t| stat_ticks(&t.path().join("stat")))
        .sum()
}

/// A `VmRSS:`-style line of /proc/PID/status, in MB (10^6 bytes).
pub fn status_mb(pid: u32, key: &str) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0 / 1e6)
}

/// Ticks as a share of one core over `wall`, in percent.
pub fn percent_of_core(ticks: u64, wall: Duration) -> f64 {
    100.0 * ticks as f64 / TICKS_PER_SEC / wall.as_secs_f64()
}

/// Where a measured interval starts: the whole process and its mock threads.
pub struct Split {
    at: Instant,
    process: u64,
    mocks: u64,
}

/// The CPU of an interval, split between the mocks' threads and the rest of the process.
pub struct SplitUsage {
    pub wall: Duration,
    pub process: u64,
    pub mocks: u64,
}

impl SplitUsage {
    /// The bridge (and the bench's own sampling): the process less the mocks.
    pub fn bridge(&self) -> u64 {
        self.process.saturating_sub(self.mocks)
    }
}

impl Split {
    pub fn start(mock_prefix: &str) -> Split {
        Split {
            at: Instant::now(),
            process: process_ticks(std::process::id()).unwrap_or(0),
            mocks: threads_ticks(mock_prefix),
        }
    }

    pub fn stop(&self, mock_prefix: &str) -> SplitUsage {
        SplitUsage {
            wall: self.at.elapsed(),
            process: process_ticks(std::process::id())
                .unwrap_or(0)
                .saturating_sub(self.process),
            mocks: threads_ticks(mock_prefix).saturating_sub(self.mocks),
        }
    }
}
