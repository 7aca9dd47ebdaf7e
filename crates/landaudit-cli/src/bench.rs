//! `landaudit bench`: generate (or reuse) a synthetic survey, audit it, and print what each stage
//! cost: wall time, CPU time, features per second, peak resident memory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use landaudit::stages::{StageTiming, peak_rss, process_cpu, reset_peak_rss};
use landaudit::{Audit, AuditInputs, Config};

/// Reuses `cache/scale-S-seed-N` when it holds a complete survey, else generates it there.
pub fn survey_dir(cache: &Path, scale: f64, seed: u64) -> Result<(PathBuf, bool)> {
    let dir = cache.join(format!("scale-{scale}-seed-{seed}"));
    let complete = ["approvals", "supplies", "footprints", "landuse"]
        .iter()
        .all(|n| dir.join(format!("{n}.geojson")).is_file());
    if complete {
        return Ok((dir, true));
    }
    landaudit_synth::generate_to_dir(&landaudit_synth::SynthParams { scale, seed }, &dir)
        .with_context(|| format!("writing the survey to {}", dir.display()))?;
    Ok((dir, false))
}

/// Audits `dir` (as of 2026-06-30) and returns the stage costs, the write stage included, and
/// the number of features read.
pub fn run(dir: &Path, config: &Config, out: &Path) -> Result<(Vec<StageTiming>, usize)> {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("valid date");
    let inputs = AuditInputs::from_dir(dir, as_of)?;
    let audit = Audit::run(&inputs, config)?;
    reset_peak_rss();
    let (t, cpu0) = (Instant::now(), process_cpu());
    landaudit::report::write_all(&audit, out)?;
    let mut stages = audit.timings.clone();
    stages.push(StageTiming {
        name: "write".into(),
        wall: t.elapsed(),
        cpu: process_cpu().zip(cpu0).map(|(b, a)| b.saturating_sub(a)),
        peak_rss: peak_rss(),
    });
    let features = audit.accounts.iter().map(|a| a.read).sum();
    Ok((stages, features))
}

/// The table as text.
pub fn table(stages: &[StageTiming], features: usize) -> String {
    let mut s =
        String::from("stage           wall s    cpu s  cpu/wall   features/s  peak RSS MiB\n");
    let total_wall: f64 = stages.iter().map(|t| t.wall.as_secs_f64()).sum();
    let total_cpu: Option<f64> = stages.iter().map(|t| t.cpu.map(|c| c.as_secs_f64())).sum();
    let peak = stages.iter().filter_map(|t| t.peak_rss).max();
    let mib = |b: Option<u64>| {
        b.map(|b| format!("{:.0}", b as f64 / 1048576.0))
            .unwrap_or_default()
    };
    let row = |s: &mut String, name: &str, wall: f64, cpu: Option<f64>, rss: Option<u64>| {
        s.push_str(&format!(
            "{name:<13} {wall:>8.3} {:>8} {:>9} {:>12.0} {:>13}\n",
            cpu.map(|c| format!("{c:.3}")).unwrap_or_default(),
            cpu.filter(|_| wall > 0.0)
                .map(|c| format!("{:.2}", c / wall))
                .unwrap_or_default(),
            features as f64 / wall.max(1e-9),
            mib(rss)
        ));
    };
    for t in stages {
        row(
            &mut s,
            &t.name,
            t.wall.as_secs_f64(),
            t.cpu.map(|c| c.as_secs_f64()),
            t.peak_rss,
        );
    }
    row(&mut s, "total", total_wall, total_cpu, peak);
    s
}

/// The stages as JSON.
pub fn json(stages: &[StageTiming], features: usize, scale: f64, threads: usize) -> String {
    let rows: Vec<serde_json::Value> = stages
        .iter()
        .map(|t| {
            serde_json::json!({
                "stage": t.name,
                "wall_s": t.wall.as_secs_f64(),
                "cpu_s": t.cpu.map(|c| c.as_secs_f64()),
                "features_per_s": features as f64 / t.wall.as_secs_f64().max(1e-9),
                "peak_rss_bytes": t.peak_rss,
            })
        })
        .collect();
    serde_json::json!({"scale": scale, "threads": threads, "features": features, "stages": rows})
        .to_string()
}
