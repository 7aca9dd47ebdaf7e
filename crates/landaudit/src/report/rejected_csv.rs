//! `rejected.csv`: every feature left out, repaired or warned about, with the reason.

use std::path::Path;

use crate::audit::Audit;
use crate::error::Result;
use crate::layer::Rejection;
use crate::report::{opt, write_csv};

/// Column names.
pub const HEADER: &[&str] = &["layer", "file", "index", "id", "status", "reason"];

/// Writes `rejected.csv` (header only when every feature was used as it came).
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    write_rows(audit.rejections.iter().map(|r| (r.layer.name(), r)), path)
}

/// Writes a `rejected.csv` from `(layer name, rejection)` pairs, in the order given: for runs
/// whose layers are named otherwise than by their kind (the `overlay` command's `a` and `b`).
pub fn write_rows<'r>(
    rows: impl IntoIterator<Item = (&'r str, &'r Rejection)>,
    path: &Path,
) -> Result<()> {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(layer, r)| {
            vec![
                layer.to_string(),
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
