//! Stage measurements: wall time, CPU time and peak resident memory of each stage of a run.
//!
//! CPU time and memory come from Linux's `/proc/self` (`stat` for user + system time,
//! `status` VmHWM for the peak, reset per stage by writing 5 to `clear_refs`); elsewhere they are
//! `None` and only wall time is measured.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::audit::Progress;

/// What one stage cost.
#[derive(Debug, Clone, PartialEq)]
pub struct StageTiming {
    /// Stage name (load, reproject, index, overlay, landuse, conflicts, regions, write).
    pub name: String,
    /// Wall time.
    pub wall: Duration,
    /// CPU time of the process (all threads) during the stage.
    pub cpu: Option<Duration>,
    /// Peak resident memory during the stage, in bytes.
    pub peak_rss: Option<u64>,
}

/// CPU time (user + system) used by this process so far.
pub fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux architecture landaudit runs on.
    Some(Duration::from_millis(ticks * 10))
}

/// Peak resident memory of this process (since start or the last [`reset_peak_rss`]), bytes.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resets the peak so that the next [`peak_rss`] measures from now (Linux ≥ 4.0).
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Records each stage's costs while forwarding progress to an inner reporter.
pub struct StageTimer<'a> {
    inner: &'a dyn Progress,
    open: Mutex<Option<(String, Instant, Option<Duration>)>>,
    done: Mutex<Vec<StageTiming>>,
}

impl<'a> StageTimer<'a> {
    /// A timer forwarding to `inner`.
    pub fn new(inner: &'a dyn Progress) -> Self {
        StageTimer {
            inner,
            open: Mutex::new(None),
            done: Mutex::new(Vec::new()),
        }
    }

    fn close_open(&self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((name, start, cpu0)) = open.take() {
            let cpu = match (cpu0, process_cpu()) {
                (Some(a), Some(b)) => Some(b.saturating_sub(a)),
                _ => None,
            };
            self.done
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(StageTiming {
                    name,
                    wall: start.elapsed(),
                    cpu,
                    peak_rss: peak_rss(),
                });
        }
    }

    /// Ends the last stage and returns all of them, in order.
    pub fn finish(self) -> Vec<StageTiming> {
        self.close_open();
        self.done.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for StageTimer<'_> {
    fn stage(&self, name: &str, total: u64) {
        self.close_open();
        reset_peak_rss();
        *self.open.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((name.to_string(), Instant::now(), process_cpu()));
        self.inner.stage(name, total);
    }

    fn inc(&self, n: u64) {
        self.inner.inc(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_recorded_in_order() {
        let t = StageTimer::new(&crate::audit::NoProgress);
        t.stage("a", 0);
        let v: Vec<u64> = (0..200_000).collect();
        std::hint::black_box(&v);
        t.stage("b", 0);
        let s = t.finish();
        assert_eq!(
            s.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        if cfg!(target_os = "linux") {
            assert!(s[0].cpu.is_some() && s[0].peak_rss.unwrap() > 0);
        }
    }
}
