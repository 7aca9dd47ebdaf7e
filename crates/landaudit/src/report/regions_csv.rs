//! `regions.csv` (totals and rates per region and level) and `windows.csv` (供地率 per
//! approval-date window and region, flagged below the floor).

use std::path::Path;

use crate::audit::Audit;
use crate::error::Result;
use crate::report::{fixed, r3, write_csv};

/// Columns of `regions.csv`.
pub const HEADER: &[&str] = &[
    "level",
    "xzqdm",
    "xzqmc",
    "approvals",
    "approved_m2",
    "supplied_m2",
    "remnant_m2",
    "sliver_m2",
    "supply_rate",
    "supplies",
    "supply_area_m2",
    "idle_count",
    "idle_m2",
    "idle_rate",
    "fees_yuan",
    "recover_m2",
];

/// Columns of `windows.csv`.
pub const WINDOW_HEADER: &[&str] = &[
    "window",
    "from",
    "to",
    "level",
    "xzqdm",
    "xzqmc",
    "approvals",
    "approved_m2",
    "supplied_m2",
    "remnant_m2",
    "supply_rate",
    "below_floor",
];

fn rate(r: Option<f64>) -> String {
    r.map(|r| fixed(r, 4)).unwrap_or_default()
}

/// Writes `regions.csv` (a region code of "" holds parcels whose region is unknown).
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    let rows: Vec<Vec<String>> = audit
        .regions
        .iter()
        .map(|r| {
            vec![
                r.level.map(|l| l.name()).unwrap_or("").to_string(),
                r.code.clone(),
                r.name.clone().unwrap_or_default(),
                r.approvals.to_string(),
                fixed(r3(r.approved_m2), 3),
                fixed(r3(r.supplied_m2), 3),
                fixed(r3(r.remnant_m2), 3),
                fixed(r3(r.sliver_m2), 3),
                rate(r.supply_rate()),
                r.supplies.to_string(),
                fixed(r3(r.supply_parcels_m2), 3),
                r.idle_count.to_string(),
                fixed(r3(r.idle_m2), 3),
                rate(r.idle_rate()),
                fixed(r.fees_yuan, 2),
                fixed(r3(r.recover_m2), 3),
            ]
        })
        .collect();
    write_csv(path, HEADER, rows)
}

/// Writes `windows.csv`.
pub fn write_windows(audit: &Audit, path: &Path) -> Result<()> {
    let rows: Vec<Vec<String>> = audit
        .windows
        .iter()
        .map(|w| {
            vec![
                w.window.clone(),
                w.from.to_string(),
                w.to.to_string(),
                w.level.name().to_string(),
                w.code.clone(),
                w.name.clone().unwrap_or_default(),
                w.approvals.to_string(),
                fixed(r3(w.approved_m2), 3),
                fixed(r3(w.supplied_m2), 3),
                fixed(r3(w.remnant_m2), 3),
                rate(w.supply_rate()),
                w.below_floor.to_string(),
            ]
        })
        .collect();
    write_csv(path, WINDOW_HEADER, rows)
}
