//! `rejected.csv`: every feature left out, repaired or warned about, with the reason.

use std::path::Path;

use crate::audit::Audit;
use crate::error::Result;
use crate::report::{opt, write_csv};

/// Column names.
pub const HEADER: &[&str] = &["layer", "file", "index", "id", "status", "reason"];

/// Writes `rejected.csv` (header only when every feature was used as it came).
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    let rows = audit
        .rejections
        .iter()
        .map(|r| {
            vec![
                r.layer.name().to_string(),
                r.file.display().to_string(),
                r.index.to_string(),
                opt(&r.id),
                r.status.name().to_string(),
                r.reason.clone(),
            ]
        })
        .collect();
    write_csv(path, HEADER, rows)
}
