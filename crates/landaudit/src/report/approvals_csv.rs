//! `approvals.csv`: one row per audited approval, sorted by PZWH.

use std::path::Path;

use crate::audit::Audit;
use crate::error::Result;
use crate::report::{RoundedAreas, fixed, opt, opt_date, r3, write_csv};

/// Column names; the first fourteen are the contract with bureau tooling.
pub const HEADER: &[&str] = &[
    "pzwh",
    "pcmc",
    "xzqdm",
    "pzrq",
    "age_years",
    "area_m2",
    "supplied_m2",
    "unsupplied_m2",
    "sliver_m2",
    "remnant_m2",
    "remnant_parts",
    "supply_rate",
    "n_supplies",
    "status",
    "status_label",
    "lx",
    "pzmj_m2",
    "overlap_m2",
    "attr_supplied_m2",
    "remnant_ha",
    "remnant_mu",
    "area_planar_m2",
    "area_ellipsoid_m2",
];

/// Writes `approvals.csv`.
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    let n_supplies = audit.supplies_per_approval();
    let attr = audit.attribute_supplied();
    let mut rows: Vec<(String, Vec<String>)> = audit
        .overlays
        .iter()
        .flatten()
        .map(|o| {
            let a = &audit.approvals[o.approval];
            let r = RoundedAreas::of(o);
            let rate = if r.area > 0.0 {
                fixed(r.supplied / r.area, 4)
            } else {
                String::new()
            };
            let row = vec![
                a.pzwh.clone(),
                opt(&a.pcmc),
                opt(&a.xzqdm),
                opt_date(&a.pzrq),
                audit
                    .age_years(o.approval)
                    .map(|y| fixed(y, 2))
                    .unwrap_or_default(),
                fixed(r.area, 3),
                fixed(r.supplied, 3),
                fixed(r.unsupplied, 3),
                fixed(r.sliver, 3),
                fixed(r.remnant, 3),
                o.remnants.len().to_string(),
                rate,
                n_supplies[o.approval].to_string(),
                o.status.name().to_string(),
                o.status.label().to_string(),
                opt(&a.lx),
                a.pzmj_m2.map(|v| fixed(r3(v), 3)).unwrap_or_default(),
                fixed(r3(o.overlap_m2), 3),
                fixed(r3(attr[o.approval]), 3),
                fixed(crate::units::ha(r.remnant), 4),
                fixed(crate::units::mu(r.remnant), 4),
                fixed(r3(o.areas.planar_m2), 3),
                o.areas
                    .ellipsoid_m2
                    .map(|v| fixed(r3(v), 3))
                    .unwrap_or_default(),
            ];
            (a.pzwh.clone(), row)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    write_csv(path, HEADER, rows.into_iter().map(|r| r.1))
}
