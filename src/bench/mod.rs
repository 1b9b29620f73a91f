//! Benchmarks run as commands (`coso bench ...`), printing figures: never timed tests.
//! Each compares against a baseline measured in the same run and prints the ratio,
//! since this machine is shared and noisy.

pub mod analytics;
pub mod graphql;
pub mod import;
pub mod indicators;
pub mod load;
pub mod report;
pub mod scope;
mod sql_path;

use std::time::{Duration, Instant};

/// Peak resident memory of this process (VmHWM), in MiB, where /proc tells it.
pub fn peak_memory_mib() -> Option<f64> {
    vm_hwm_mib(&std::fs::read_to_string("/proc/self/status").ok()?)
}

/// The `VmHWM` (peak resident memory) of a `/proc/<pid>/status` text, in MiB.
pub fn vm_hwm_mib(status: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Runs `f` `n` times; returns the median duration and the last result.
pub fn median<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, Option<T>) {
    let mut times = Vec::with_capacity(n);
    let mut last = None;
    for _ in 0..n.max(1) {
        let started = Instant::now();
        last = Some(f());
        times.push(started.elapsed());
    }
    times.sort();
    (times[times.len() / 2], last)
}

/// Milliseconds, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
