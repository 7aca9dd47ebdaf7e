//! `idle.geojson`: every supply that is idle or overdue (`overdue`, `idle_1y`, `idle_2y`,
//! `halted`, `gov_cause`), with its status, days and reason, in the input CRS.

use std::borrow::Cow;
use std::path::Path;

use rayon::prelude::*;

use serde_json::{Value, json};

use crate::audit::Audit;
use crate::error::Result;
use crate::io::geojson_write::write_features_par;
use crate::report::r3;

/// Writes `idle.geojson`, features sorted by DZJGH. Each feature's properties are made as it is
/// written, and geometries are borrowed unless the output CRS needs them converted.
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    let mut order: Vec<usize> = (0..audit.supplies.len())
        .filter(|&i| {
            audit.supply_overlaps[i].is_some()
                && audit.idle[i]
                    .as_ref()
                    .is_some_and(|v| v.status.is_flagged())
        })
        .collect();
    order.sort_by(|&a, &b| audit.supplies[a].dzjgh.cmp(&audit.supplies[b].dzjgh));
    let converted: Vec<geo::MultiPolygon<f64>> = if audit.frame.converts_output() {
        order
            .par_iter()
            .map(|&i| {
                audit
                    .frame
                    .to_output(audit.supplies[i].geometry())
                    .map_err(|message| crate::Error::Crs {
                        path: path.to_path_buf(),
                        message,
                    })
            })
            .collect::<Result<_>>()?
    } else {
        vec![]
    };
    let rows: Vec<(usize, usize)> = order.into_iter().enumerate().collect();
    write_features_par(path, &audit.crs, &rows, |&(k, i)| {
        let g = converted
            .get(k)
            .unwrap_or_else(|| audit.supplies[i].geometry());
        Some((Cow::Owned(properties(audit, i)?), g))
    })
}

/// The properties of flagged supply `i`.
fn properties(audit: &Audit, i: usize) -> Option<serde_json::Map<String, Value>> {
    let s = &audit.supplies[i];
    let (o, v) = (audit.supply_overlaps[i].as_ref()?, audit.idle[i].as_ref()?);
    let built_frac = audit.built[i]
        .as_ref()
        .filter(|_| o.area_m2 > 0.0)
        .map(|b| (b.built_m2 / o.area_m2 * 1e4).round() / 1e4);
    let Value::Object(props) = json!({
        "dzjgh": s.dzjgh,
        "pzwh": s.pzwh.join(";"),
        "gyfs": s.gyfs,
        "area_m2": r3(o.area_m2),
        "area_mu": (crate::units::mu(o.area_m2) * 1e4).round() / 1e4,
        "ydkgrq": s.ydkgrq.map(|d| d.to_string()),
        "built_frac": built_frac,
        "idle_status": v.status.name(),
        "idle_label": v.status.label(),
        "idle_days": v.idle_days,
        "fee_yuan": v.fee_yuan,
        "disposal": v.disposal.label(),
        "reason": v.reason,
    }) else {
        unreachable!("json! of an object literal")
    };
    Some(props)
}
