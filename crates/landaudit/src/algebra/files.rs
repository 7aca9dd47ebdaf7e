//! The `overlay` command's run on files: read both operands (every source field kept), check
//! their CRS, bring them into the audit's working frame, run the operation, write the pieces as
//! GeoJSON and the left-out features as `rejected.csv`.
//!
//! - **CRS**: both files must declare the same CRS, or B none (it is then taken to be A's); a
//!   layer without a `crs` member can be given one with `assume_crs` (`--crs`). Anything else is
//!   a one-line error: reproject one of them first.
//! - **Frame and areas**: as the audit ([`crate::frame`]): CGCS2000 longitude/latitude is
//!   projected into the 3-degree Gauss-Krüger zone of A's centre, Gauss-Krüger data stays in its
//!   zone, other projected CRSs in metres (UTM, Xian 80, Beijing 54) are used as they are; other
//!   CRSs are refused. `area_m2` follows [`AreaSettings`] (default: ellipsoidal on the CGCS2000
//!   ellipsoid for CGCS2000 data, else planar), and the pieces are written back in A's CRS.
//! - **Outputs**: `OUT.geojson` with A's `crs` member, and `OUT.rejected.csv` beside it (the
//!   output's file name with its extension replaced by `rejected.csv`), both atomic; the
//!   `rejected.csv` has the audit's columns, with layer `a` or `b`.
//!
//! ```
//! use landaudit::algebra::{Operation, files::{AlgebraInputs, run, write_outputs}};
//! let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/demo");
//! let inputs = AlgebraInputs::new(format!("{demo}/approvals.geojson"), format!("{demo}/supplies.geojson"));
//! let run = run(Operation::Intersection, &inputs).unwrap();
//! let [a, b] = run.accounts();
//! assert_eq!(a.read, a.used + a.rejected);
//! let dir = tempfile::tempdir().unwrap();
//! let written = write_outputs(&run, &dir.path().join("pieces.geojson")).unwrap();
//! assert!(written[1].ends_with("pieces.rejected.csv"));
//! ```

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::{Operation, Output, Side, overlay};
use crate::audit::LayerAccount;
use crate::config::{FieldMap, InputSettings};
use crate::crs::Crs;
use crate::error::{Error, Result};
use crate::frame::{self, Frame};
use crate::io::geojson_write::write_features;
use crate::io::{ReadOptions, read_layer_limited};
use crate::layer::{AttrValue, Layer, LayerKind, RejectStatus};
use crate::measure::{AreaSettings, Measure};
use crate::report::r3;

/// What an `overlay` run reads and how.
#[derive(Debug, Clone)]
pub struct AlgebraInputs {
    /// The input layer A.
    pub a: PathBuf,
    /// The method layer B.
    pub b: PathBuf,
    /// Repair invalid polygons (a `repaired` row) instead of rejecting them.
    pub repair: bool,
    /// The CRS of a layer without a `crs` member.
    pub assume_crs: Option<Crs>,
    /// How `area_m2` is measured.
    pub area: AreaSettings,
    /// Limits on what one input file may hold.
    pub input: InputSettings,
}

impl AlgebraInputs {
    /// Reads `a` and `b` with the defaults: no repair, declared CRS, the audit's area settings.
    pub fn new(a: impl Into<PathBuf>, b: impl Into<PathBuf>) -> Self {
        AlgebraInputs {
            a: a.into(),
            b: b.into(),
            repair: false,
            assume_crs: None,
            area: AreaSettings::default(),
            input: InputSettings::default(),
        }
    }
}

/// A finished run: the operands (their parcels in the working frame) and the pieces.
#[derive(Debug, Clone)]
pub struct AlgebraRun {
    /// Layer A as read.
    pub a: Layer,
    /// Layer B as read.
    pub b: Layer,
    /// The working frame; outputs are written in `frame.output` (A's CRS).
    pub frame: Frame,
    /// How areas were measured.
    pub measure: Measure,
    /// The pieces.
    pub output: Output,
}

/// Reads A and B, checks their CRS and runs `operation` in the working frame.
pub fn run(operation: Operation, inputs: &AlgebraInputs) -> Result<AlgebraRun> {
    let none = FieldMap::default();
    let opts = ReadOptions {
        kind: LayerKind::Other,
        fields: &none,
        repair: inputs.repair,
        all_fields: true,
        keep: None,
    };
    let (a, b) = rayon::join(
        || read_layer_limited(&inputs.a, &opts, &inputs.input),
        || read_layer_limited(&inputs.b, &opts, &inputs.input),
    );
    let (mut a, mut b) = (a?, b?);
    let a_crs = frame::declared(&a, inputs.assume_crs.as_ref())?;
    let b_crs = frame::declared(&b, Some(inputs.assume_crs.as_ref().unwrap_or(&a_crs)))?;
    // As the files declare them (a zone prefix the reader removed counts).
    let (a_file, b_file) = (
        a.file_crs.as_ref().unwrap_or(&a_crs),
        b.file_crs.as_ref().unwrap_or(&b_crs),
    );
    let same = match (a_file.epsg(), b_file.epsg()) {
        (Some(x), Some(y)) => x == y,
        _ => a_file == b_file,
    };
    if !same {
        return Err(Error::Crs {
            path: b.path.clone(),
            message: format!(
                "CRS {b_file} differs from A's {a_file} ({}); the overlay command needs both layers in one CRS, \
                 so reproject one of them first",
                a.path.display()
            ),
        });
    }
    let frame = frame::resolve((&a, &a_crs), &[(&b, &b_crs)], None)?;
    let measure = Measure::new(frame.zone, &inputs.area).map_err(|message| Error::Crs {
        path: a.path.clone(),
        message,
    })?;
    frame.to_working(&mut a, &a_crs)?;
    frame.to_working(&mut b, &b_crs)?;
    let output = overlay(operation, &a, &b, &measure);
    Ok(AlgebraRun {
        a,
        b,
        frame,
        measure,
        output,
    })
}

impl AlgebraRun {
    /// The account of A and B: `read = used + rejected`, where rejected counts the features left
    /// out on read and those the engine failed on.
    pub fn accounts(&self) -> [LayerAccount; 2] {
        let account = |layer: &Layer, side: Side| {
            let failed = self
                .output
                .failures
                .iter()
                .filter(|(s, _)| *s == side)
                .count();
            LayerAccount {
                kind: layer.kind,
                path: layer.path.clone(),
                read: layer.read,
                used: layer.parcels.len() - failed,
                rejected: layer.rejected_count() + failed,
                repaired: layer
                    .rejections
                    .iter()
                    .filter(|r| r.status == RejectStatus::Repaired)
                    .count(),
                notes: layer.notes.clone(),
            }
        };
        [account(&self.a, Side::A), account(&self.b, Side::B)]
    }
}

/// Where the `rejected.csv` of an output goes: beside it, named after it
/// (`out/pieces.geojson` → `out/pieces.rejected.csv`).
///
/// ```
/// use std::path::Path;
/// let p = landaudit::algebra::files::rejected_path(Path::new("out/pieces.geojson"));
/// assert_eq!(p, Path::new("out/pieces.rejected.csv"));
/// ```
pub fn rejected_path(out: &Path) -> PathBuf {
    out.with_extension("rejected.csv")
}

fn json_value(v: Option<&AttrValue>) -> Value {
    match v {
        None => Value::Null,
        Some(AttrValue::Text(s)) => Value::String(s.clone()),
        Some(AttrValue::Int(i)) => Value::from(*i),
        Some(AttrValue::Real(r)) => serde_json::Number::from_f64(*r)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Some(AttrValue::Bool(b)) => Value::Bool(*b),
        Some(AttrValue::Date(d)) => Value::String(d.format("%Y-%m-%d").to_string()),
    }
}

/// Writes the pieces to `out` (GeoJSON, A's CRS) and the rejected features to
/// [`rejected_path`]`(out)`, atomically; returns both paths.
pub fn write_outputs(run: &AlgebraRun, out: &Path) -> Result<Vec<PathBuf>> {
    let geometries = run
        .output
        .features
        .par_iter()
        .map(|f| run.frame.to_output(&f.geometry))
        .collect::<std::result::Result<Vec<_>, String>>()
        .map_err(|message| Error::Crs {
            path: out.to_path_buf(),
            message,
        })?;
    let columns = &run.output.columns;
    let features = run.output.features.iter().zip(&geometries).map(|(f, g)| {
        let mut props: Map<String, Value> = f
            .attributes(columns)
            .map(|(k, v)| (k.to_string(), json_value(v)))
            .collect();
        props.insert("a_index".into(), f.a_index.into());
        props.insert("b_index".into(), f.b_index.into());
        props.insert("area_m2".into(), r3(f.area_m2).into());
        (props, g)
    });
    write_features(out, &run.frame.output, features)?;
    let rejected = rejected_path(out);
    let rows = [(Side::A, &run.a), (Side::B, &run.b)]
        .into_iter()
        .flat_map(|(side, l)| l.rejections.iter().map(move |r| (side.name(), r)))
        .chain(run.output.failures.iter().map(|(s, r)| (s.name(), r)));
    crate::report::rejected_csv::write_rows(rows, &rejected)?;
    Ok(vec![out.to_path_buf(), rejected])
}
