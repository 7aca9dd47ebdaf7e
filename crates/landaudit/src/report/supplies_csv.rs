//! `supplies.csv`: one row per supply with its place relative to the approvals, its footprint
//! cover and its idle-land verdict, sorted by DZJGH.

use std::path::Path;

use crate::audit::Audit;
use crate::error::Result;
use crate::report::csv_row::{CsvRow, write_csv_rows_par};
use crate::report::decimal::push_fixed;
use crate::report::r3;
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
    write_csv_rows_par(path, HEADER, &order, |&i, out| {
        if let (Some(o), Some(v)) = (&audit.supply_overlaps[i], &audit.idle[i]) {
            row(audit, i, o, v, out);
        }
    })
}

/// The supply's row, written field by field into `out`.
fn row(audit: &Audit, i: usize, o: &SupplyOverlap, v: &IdleVerdict, out: &mut String) {
    let s = &audit.supplies[i];
    let area = r3(o.area_m2);
    let outside = r3(o.outside_approvals_m2).min(area);
    let inside = r3(area - outside);
    let built = audit.built[i].as_ref();
    let mut r = CsvRow::new(out);
    r.text(&s.dzjgh);
    match s.pzwh.as_slice() {
        [one] => r.text(one),
        many => r.text(&many.join(";")),
    };
    r.text(s.gyfs.as_deref().unwrap_or(""))
        .fixed(area, 3)
        .fixed(inside, 3)
        .fixed(outside, 3)
        .opt_fixed(built.map(|b| r3(b.built_m2)), 3)
        .opt_fixed(
            built
                .filter(|_| o.area_m2 > 0.0)
                .map(|b| b.built_m2 / o.area_m2),
            4,
        )
        .date(s.ydkgrq)
        .date(s.sjkgrq)
        .text(v.status.name())
        .text(v.status.label());
    match v.idle_days {
        Some(d) => r.text(&d.to_string()),
        None => r.text(""),
    };
    r.opt_fixed(v.fee_yuan, 2)
        .text(&v.reason)
        .text(&v.reason_en)
        .text(land_source(inside, audit.config.slivers.min_area_m2))
        .text(v.disposal.label())
        .date(s.htqdrq)
        .date(s.ydjgrq)
        .date(s.sjjgrq)
        .date(s.zzrq)
        .opt_fixed(s.jk, 2);
    // `date:share;date:share…`, written in one String
    let mut by_date = String::new();
    for (k, (d, m2)) in built.iter().flat_map(|b| &b.by_date).enumerate() {
        if k > 0 {
            by_date.push(';');
        }
        crate::dates::push_iso(&mut by_date, *d);
        by_date.push(':');
        push_fixed(&mut by_date, m2 / o.area_m2.max(f64::MIN_POSITIVE), 4);
    }
    r.text(&by_date)
        .fixed(r3(o.areas.planar_m2), 3)
        .opt_fixed(o.areas.ellipsoid_m2.map(r3), 3);
    r.end();
}
