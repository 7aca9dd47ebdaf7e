//! `links.csv`: supplies whose PZWH disagrees with the overlay, sorted by DZJGH.

use std::path::Path;

use crate::audit::Audit;
use crate::error::Result;
use crate::report::{fixed, r3, write_csv};

/// Column names.
pub const HEADER: &[&str] = &[
    "dzjgh",
    "kind",
    "kind_label",
    "pzwh",
    "supply_area_m2",
    "overlap_m2",
    "overlap_share",
];

/// Writes `links.csv` (header only when there is nothing to report or the check was skipped).
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    let area = |i: usize| audit.supply_overlaps[i].as_ref().map_or(0.0, |o| o.area_m2);
    let mut rows: Vec<(String, crate::rules::links::LinkIssueKind, Vec<String>)> = audit
        .link_issues
        .iter()
        .map(|l| {
            let s = &audit.supplies[l.supply];
            (
                s.dzjgh.clone(),
                l.kind,
                vec![
                    s.dzjgh.clone(),
                    l.kind.name().into(),
                    l.kind.label().into(),
                    l.pzwh.clone(),
                    fixed(r3(area(l.supply)), 3),
                    fixed(r3(l.overlap_m2), 3),
                    fixed(l.share, 4),
                ],
            )
        })
        .collect();
    rows.sort_by(|a, b| (&a.0, a.1, &a.2[3]).cmp(&(&b.0, b.1, &b.2[3])));
    write_csv(path, HEADER, rows.into_iter().map(|r| r.2))
}
