//! `unsupplied.geojson`: one feature per real remnant part, in the input CRS.

use std::borrow::Cow;
use std::path::Path;

use geo::MultiPolygon;
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::audit::Audit;
use crate::error::Result;
use crate::io::geojson_write::write_features_par;
use crate::report::r3;

/// Writes `unsupplied.geojson`: features sorted by PZWH, parts by decreasing area.
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    // (pzwh, −area for sorting, properties, geometry)
    type Row = (String, f64, Map<String, Value>, MultiPolygon<f64>);
    // Each approval's parts measured and transformed in parallel (the measure is ellipsoidal
    // for CGCS2000 data); the first failure in approval order is reported.
    let per_approval: Vec<Result<Vec<Row>>> = audit
        .overlays
        .par_iter()
        .flatten()
        .map(|o| {
            let a = &audit.approvals[o.approval];
            let age = audit
                .age_years(o.approval)
                .map(|y| (y * 100.0).round() / 100.0);
            let mut parts: Vec<(f64, MultiPolygon<f64>)> = o
                .remnants
                .iter()
                .map(|p| {
                    let g = MultiPolygon::new(vec![p.clone()]);
                    (audit.measure.area(&g), g)
                })
                .collect();
            parts.sort_by(|x, y| y.0.total_cmp(&x.0));
            let mut rows = Vec::with_capacity(parts.len());
            for (k, (area, p)) in parts.into_iter().enumerate() {
                let props = json!({
                    "pzwh": a.pzwh,
                    "part": k + 1,
                    "pcmc": a.pcmc,
                    "xzqdm": a.xzqdm,
                    "pzrq": a.pzrq.map(|d| d.to_string()),
                    "age_years": age,
                    "area_m2": r3(area),
                    "area_ha": (crate::units::ha(area) * 1e4).round() / 1e4,
                    "area_mu": (crate::units::mu(area) * 1e4).round() / 1e4,
                    "status": o.status.name(),
                });
                let Value::Object(props) = props else {
                    unreachable!("json! of an object literal")
                };
                let g = audit
                    .frame
                    .to_output(&p)
                    .map_err(|message| crate::Error::Crs {
                        path: path.to_path_buf(),
                        message,
                    })?;
                rows.push((a.pzwh.clone(), -area, props, g));
            }
            Ok(rows)
        })
        .collect();
    let mut features: Vec<Row> = Vec::new();
    for rows in per_approval {
        features.extend(rows?);
    }
    features.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)));
    write_features_par(path, &audit.crs, &features, |(_, _, props, g)| {
        Some((Cow::Borrowed(props), g))
    })
}
