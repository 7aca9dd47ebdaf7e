//! `idle.geojson`: every supply that is idle or overdue (`overdue`, `idle_1y`, `idle_2y`,
//! `halted`, `gov_cause`), with its status, days and reason, in the input CRS.

use std::path::Path;

use serde_json::{Value, json};

use crate::audit::Audit;
use crate::error::Result;
use crate::io::geojson_write::write_features;
use crate::report::r3;

/// Writes `idle.geojson`, features sorted by DZJGH.
pub fn write(audit: &Audit, path: &Path) -> Result<()> {
    let mut rows: Vec<(&str, serde_json::Map<String, Value>, geo::MultiPolygon<f64>)> = Vec::new();
    for (i, s) in audit.supplies.iter().enumerate() {
        let (Some(o), Some(v)) = (&audit.supply_overlaps[i], &audit.idle[i]) else {
            continue;
        };
        if !v.status.is_flagged() {
            continue;
        }
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
        let g = audit
            .frame
            .to_output(s.geometry())
            .map_err(|message| crate::Error::Crs {
                path: path.to_path_buf(),
                message,
            })?;
        rows.push((&s.dzjgh, props, g));
    }
    rows.sort_by(|a, b| a.0.cmp(b.0));
    write_features(
        path,
        &audit.crs,
        rows.iter().map(|(_, p, g)| (p.clone(), g)),
    )
}
