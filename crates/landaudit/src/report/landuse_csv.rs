//! `landuse.csv`: the real remnants of each approval by 三调 land-use class.

use std::path::Path;

use crate::audit::Audit;
use crate::error::Result;
use crate::report::{fixed, r3, write_csv};
use crate::rules::landuse::dlmc;

/// Column names.
pub const HEADER: &[&str] = &["pzwh", "dlbm", "dlmc", "area_m2", "kc_m2", "group"];

/// Writes `landuse.csv`, sorted by PZWH then DLBM (`dlbm` empty = not covered by the land-use
/// layer; `dlmc` empty for codes outside the 三调 table).
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    let mut rows: Vec<(String, String, Vec<String>)> = audit
        .landuse
        .iter()
        .map(|r| {
            let pzwh = audit.approvals[r.approval].pzwh.clone();
            let group = if r.dlbm.is_empty() {
                "未覆盖"
            } else {
                audit.config.landuse.group_of(&r.dlbm).unwrap_or("未知地类")
            };
            (
                pzwh.clone(),
                r.dlbm.clone(),
                vec![
                    pzwh,
                    r.dlbm.clone(),
                    dlmc(&r.dlbm).unwrap_or("").to_string(),
                    fixed(r3(r.area_m2), 3),
                    fixed(r3(r.kc_m2), 3),
                    group.to_string(),
                ],
            )
        })
        .collect();
    rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    write_csv(path, HEADER, rows.into_iter().map(|r| r.2))
}
