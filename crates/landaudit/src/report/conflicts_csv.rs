//! `conflicts.csv`: overlaps of approvals, remnants and supplies with permanent basic farmland
//! and the ecological red line.

use std::path::Path;

use crate::audit::Audit;
use crate::error::Result;
use crate::report::{fixed, r3, write_csv};

/// Column names.
pub const HEADER: &[&str] = &["layer", "kind", "id", "other_id", "area_m2", "area_mu"];

/// Writes `conflicts.csv`, sorted by layer, kind, id, other id.
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    let mut c: Vec<_> = audit.conflicts.iter().collect();
    c.sort_by(|a, b| {
        (a.layer, a.kind, &a.id, &a.other_id).cmp(&(b.layer, b.kind, &b.id, &b.other_id))
    });
    let rows: Vec<Vec<String>> = c
        .into_iter()
        .map(|c| {
            vec![
                c.layer.name().to_string(),
                c.kind.name().to_string(),
                c.id.clone(),
                c.other_id.clone(),
                fixed(r3(c.area_m2), 3),
                fixed(crate::units::mu(c.area_m2), 4),
            ]
        })
        .collect();
    write_csv(path, HEADER, rows)
}
