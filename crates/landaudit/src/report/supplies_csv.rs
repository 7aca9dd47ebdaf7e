//! `supplies.csv`: one row per supply with its place relative to the approvals, its footprint
//! cover and its idle-land verdict, sorted by DZJGH.

use std::path::Path;

use crate::audit::Audit;
use crate::error::Result;
use crate::report::{fixed, opt, opt_date, r3, write_csv_par};
use crate::rules::idle::IdleVerdict;
use crate::rules::links::SupplyOverlap;

/// Column names; the first sixteen are the contract with bureau tooling.
pub const HEADER: &[&str] = &[
    "dzjgh",
    "pzwh",
    "gyfs",
    "area_m2",
    "in_approvals_m2",
    "outside_approvals_m2",
    "built_m2",
    "built_frac",
    "ydkgrq",
    "sjkgrq",
    "idle_status",
    "idle_label",
    "idle_days",
    "fee_yuan",
    "reason",
    "reason_en",
    "land_source",
    "disposal",
    "htqdrq",
    "ydjgrq",
    "sjjgrq",
    "zzrq",
    "jk",
    "built_by_date",
    "area_planar_m2",
    "area_ellipsoid_m2",
];

/// 新增 (inside approvals: new construction land) or 存量 (wholly outside every approval:
/// existing construction land), judged with the sliver area as tolerance.
pub fn land_source(in_approvals_m2: f64, sliver_area_m2: f64) -> &'static str {
    if in_approvals_m2 > sliver_area_m2.max(1e-6) {
        "新增"
    } else {
        "存量"
    }
}

/// Writes `supplies.csv`.
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    // Sorted as indices, each row made only when its window is written.
    let mut order: Vec<usize> = (0..audit.supplies.len())
        .filter(|&i| audit.supply_overlaps[i].is_some() && audit.idle[i].is_some())
        .collect();
    order.sort_by(|&a, &b| audit.supplies[a].dzjgh.cmp(&audit.supplies[b].dzjgh));
    write_csv_par(path, HEADER, &order, |&i| {
        let (o, v) = (audit.supply_overlaps[i].as_ref()?, audit.idle[i].as_ref()?);
        Some(row(audit, i, o, v))
    })
}

fn row(audit: &Audit, i: usize, o: &SupplyOverlap, v: &IdleVerdict) -> Vec<String> {
    let s = &audit.supplies[i];
    let area = r3(o.area_m2);
    let outside = r3(o.outside_approvals_m2).min(area);
    let inside = r3(area - outside);
    let built = audit.built[i].as_ref();
    let money = |v: Option<f64>| v.map(|v| fixed(v, 2)).unwrap_or_default();
    vec![
        s.dzjgh.clone(),
        s.pzwh.join(";"),
        opt(&s.gyfs),
        fixed(area, 3),
        fixed(inside, 3),
        fixed(outside, 3),
        built.map(|b| fixed(r3(b.built_m2), 3)).unwrap_or_default(),
        built
            .filter(|_| o.area_m2 > 0.0)
            .map(|b| fixed(b.built_m2 / o.area_m2, 4))
            .unwrap_or_default(),
        opt_date(&s.ydkgrq),
        opt_date(&s.sjkgrq),
        v.status.name().into(),
        v.status.label().into(),
        opt(&v.idle_days),
        money(v.fee_yuan),
        v.reason.clone(),
        v.reason_en.clone(),
        land_source(inside, audit.config.slivers.min_area_m2).into(),
        v.disposal.label().into(),
        opt_date(&s.htqdrq),
        opt_date(&s.ydjgrq),
        opt_date(&s.sjjgrq),
        opt_date(&s.zzrq),
        money(s.jk),
        built
            .map(|b| {
                b.by_date
                    .iter()
                    .map(|(d, m2)| {
                        let share = fixed(m2 / o.area_m2.max(f64::MIN_POSITIVE), 4);
                        format!("{}:{share}", crate::dates::iso(*d))
                    })
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .unwrap_or_default(),
        fixed(r3(o.areas.planar_m2), 3),
        o.areas
            .ellipsoid_m2
            .map(|v| fixed(r3(v), 3))
            .unwrap_or_default(),
    ]
}
